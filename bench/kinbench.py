"""Shared helpers of kin's accuracy benchmarks (bench_discovery.py, bench_matching.py).

Reads the ground-truth index written by bench/groundtruth/build.sh (binaries.tsv) and the per-binary
<tag>.functions.tsv, runs `kin funcs --json` (or any command with the same output) on a binary and
caches its output per analyser binary and arguments, and rewrites a marked section of a Markdown
file. Standard library only: run with /usr/bin/python3.
"""
import hashlib
import json
import os
import subprocess
import sys

SCORED_KINDS = ('func', 'thunk')


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def load_index(gt_dir):
    """Rows of GT_DIR/binaries.tsv as dicts, paths made absolute. Later rows win for a tag."""
    path = os.path.join(gt_dir, 'binaries.tsv')
    rows = {}
    with open(path) as fh:
        header = fh.readline().rstrip('\n').split('\t')
        for line in fh:
            f = line.rstrip('\n').split('\t')
            if len(f) < len(header):
                continue
            r = dict(zip(header, f))
            for k in ('binary', 'stripped', 'functions'):
                r[k] = os.path.join(gt_dir, r[k])
            rows[r['tag']] = r
    return [rows[t] for t in sorted(rows)]


def load_truth(path):
    """Ground truth of one binary: list of dicts with va (int), size, name, origin_kind, origin, kind."""
    out = []
    with open(path) as fh:
        header = fh.readline().rstrip('\n').split('\t')
        for line in fh:
            f = line.rstrip('\n').split('\t')
            r = dict(zip(header, f))
            r['va'] = int(r['address'], 16)
            r['size'] = int(r['size'])
            r.setdefault('kind', 'func')
            out.append(r)
    return out


def file_digest(path):
    h = hashlib.sha256()
    with open(path, 'rb') as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


class Analyser:
    """Runs `<cmd> funcs <file> --json [args]` and caches the parsed output on disk.

    cmd is a list (e.g. ['build/release/kin'] or ['/usr/bin/python3', 'bench/standin_funcs.py',
    '--mode', 'calls']); the cache key is the digest of the analyser's files plus the arguments.
    """

    def __init__(self, cmd, cache_root, timeout=600):
        self.cmd = cmd
        self.timeout = timeout
        h = hashlib.sha256()
        for part in cmd:
            h.update(part.encode() + b'\0')
            if os.path.isfile(part):
                h.update(file_digest(part).encode())
        self.key = h.hexdigest()[:16]
        self.cache = os.path.join(cache_root, self.key)
        os.makedirs(self.cache, exist_ok=True)
        self.errors = []

    def describe(self):
        cwd = os.getcwd() + os.sep
        return ' '.join(os.path.relpath(c) if c.startswith(cwd) else c for c in self.cmd)

    def funcs(self, path, extra=()):
        """Parsed functions of path, or None when the analyser failed (recorded in errors)."""
        # Keyed by the file's path, size and mtime (equal base names occur in many corpus folders).
        st = os.stat(path)
        ident = hashlib.sha256(('%s\0%d\0%d' % (os.path.abspath(path), st.st_size, st.st_mtime_ns)).encode())
        name = '%s.%s%s.jsonl' % (os.path.basename(path), ident.hexdigest()[:12],
                                  ''.join('.' + a.strip('-') for a in extra))
        cached = os.path.join(self.cache, name)
        if not os.path.exists(cached):
            argv = list(self.cmd) + ['funcs', path, '--json'] + list(extra)
            try:
                p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   timeout=self.timeout)
            except subprocess.TimeoutExpired:
                self.errors.append('%s: timeout after %d s' % (path, self.timeout))
                return None
            if p.returncode != 0:
                self.errors.append('%s: exit %d: %s' % (path, p.returncode,
                                                        p.stderr.decode(errors='replace')[:300]))
                return None
            tmp = cached + '.tmp'
            with open(tmp, 'wb') as fh:
                fh.write(p.stdout)
            os.replace(tmp, cached)
        out = []
        with open(cached, errors='replace') as fh:
            for line in fh:
                line = line.strip()
                if not line.startswith('{'):
                    continue
                out.append(normalise(json.loads(line)))
        return out


def _int(v):
    if isinstance(v, str):
        return int(v, 0)
    return int(v)


def normalise(obj):
    """One function object with address/size as ints, minhash as a tuple of ints."""
    obj['address'] = _int(obj['address'])
    obj['size'] = _int(obj.get('size', 0) or 0)
    mh = obj.get('minhash')
    if isinstance(mh, str):
        s = mh[2:] if mh.startswith('0x') else mh
        width = 8 if len(s) % 8 == 0 else max(1, len(s) // 64)
        mh = tuple(int(s[i:i + width], 16) for i in range(0, len(s), width))
    elif isinstance(mh, list):
        mh = tuple(_int(v) if isinstance(v, str) and v.startswith('0x') else
                   (int(v, 16) if isinstance(v, str) else int(v)) for v in mh)
    else:
        mh = None
    obj['minhash'] = mh
    ph = obj.get('pichash')
    obj['pichash'] = str(ph).lower() if ph not in (None, '', 0) else None
    for k in ('blocks', 'insns'):
        if k in obj and obj[k] is not None:
            obj[k] = _int(obj[k])
    return obj


def has_flag(obj, name, bit):
    """True if the function's flags carry name (list/str form) or bit (integer form)."""
    fl = obj.get('flags')
    if fl is None:
        return False
    if isinstance(fl, int):
        return bool(fl & bit)
    if isinstance(fl, str):
        try:
            return bool(int(fl, 0) & bit)
        except ValueError:
            return name in fl.lower().replace(',', ' ').replace('|', ' ').split()
    return name in [str(x).lower() for x in fl]


def replace_section(md_path, marker, body):
    """Replaces the text between <!-- MARKER:begin --> and <!-- MARKER:end --> (appends if absent)."""
    begin, end = '<!-- %s:begin -->' % marker, '<!-- %s:end -->' % marker
    text = open(md_path).read() if os.path.exists(md_path) else ''
    block = '%s\n%s\n%s' % (begin, body.rstrip('\n'), end)
    if begin in text and end in text:
        a = text.index(begin)
        b = text.index(end) + len(end)
        text = text[:a] + block + text[b:]
    else:
        text = text.rstrip('\n') + '\n\n' + block + '\n'
    with open(md_path, 'w') as fh:
        fh.write(text)

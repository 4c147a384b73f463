#!/usr/bin/python3
"""xcheck_corpus.py: issue #2's acceptance check over a directory of real binaries.

Runs `kin info --json -r DIR` once (a crash or a missing file fails the check), then compares, per
file, kin's evidence hashes with the reference implementations:

    imphash    pefile get_imphash()            (bench/pefile_ref.py, python3-pefile)
    rich hash  pefile get_rich_header_hash()   (bench/pefile_ref.py)
    ssdeep     the `ssdeep` CLI                (ssdeep -s -c FILE)
    TLSH       the `tlsh` CLI of tlsh-tools    (tlsh -f FILE)

Each comparison is "agree" (equal, both non-empty), "n/a" (both sides empty: no imports, no Rich
header, a file too small for TLSH), or "disagree" (anything else, listed with both values).
Reference results are cached in --cache (keyed by path, size and mtime) because pefile needs
minutes on a large corpus. Exit status 0 when nothing disagrees and kin did not crash.

    /usr/bin/python3 bench/xcheck_corpus.py [--kin build/release/kin] [--dir /work/corpus/bin]
"""
import argparse
import json
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HASHES = ('imphash', 'rich_hash', 'ssdeep', 'tlsh')


def files_under(d):
    out = []
    for root, _, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            if os.path.isfile(p) and not os.path.islink(p):
                out.append(os.path.abspath(p))
    return sorted(out)


def stamp(p):
    st = os.stat(p)
    return '%d:%d' % (st.st_size, int(st.st_mtime))


def load_cache(path):
    cache = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip('\n').split('\t')
                if len(parts) >= 2:
                    cache[(parts[0], parts[1])] = parts[2:]
    return cache


def cached(cache_path, files, compute, width):
    """Reference values per file from cache_path; compute(missing) -> {path: [values]}."""
    cache = load_cache(cache_path)
    missing = [p for p in files if (p, stamp(p)) not in cache]
    if missing:
        print('xcheck: computing %s for %d files' % (os.path.basename(cache_path), len(missing)),
              file=sys.stderr)
        got = compute(missing)
        with open(cache_path, 'a') as f:
            for p in missing:
                vals = (got.get(p, []) + [''] * width)[:width]
                cache[(p, stamp(p))] = vals
                f.write('\t'.join([p, stamp(p)] + vals) + '\n')
    return {p: cache[(p, stamp(p))] for p in files}


def pefile_refs(files):
    r = subprocess.run(['nice', '-n', '10', '/usr/bin/python3',
                        os.path.join(TOP, 'bench', 'pefile_ref.py')],
                       input='\n'.join(files) + '\n', capture_output=True, text=True, check=True)
    out = {}
    for line in r.stdout.splitlines():
        parts = line.split('\t')
        out[parts[0]] = parts[1:4]
    return out


def ssdeep_refs(files):
    out = {}
    for p in files:
        r = subprocess.run(['ssdeep', '-s', '-c', p], capture_output=True, text=True)
        for line in r.stdout.splitlines()[1:]:
            h, _, name = line.rpartition(',"')
            if name.rstrip('"') == p:
                out[p] = [h]
    return out


def tlsh_refs(files):
    out = {}
    for p in files:
        r = subprocess.run(['tlsh', '-f', p], capture_output=True, text=True)
        line = r.stdout.strip()
        if '\t' in line:
            h, name = line.split('\t', 1)
            out[p] = [h if name == p else '']
        else:
            out[p] = ['']
    return out


def pick(rec, *names):
    """A value from a kin JSON record, top level or under "hashes"/"rich"."""
    for scope in (rec, rec.get('hashes') or {}, rec.get('rich') or {}):
        if not isinstance(scope, dict):
            continue
        for n in names:
            v = scope.get(n)
            if isinstance(v, str):
                return v
    return ''


def norm_tlsh(v):
    v = (v or '').upper()
    return v[2:] if len(v) == 72 and v.startswith('T1') else v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kin', default=os.path.join(TOP, 'build', 'release', 'kin'))
    ap.add_argument('--dir', default='/work/corpus/bin')
    ap.add_argument('--cache', default=os.path.join(TOP, 'build', 'xcheck-cache'))
    ap.add_argument('--refs-only', action='store_true', help='fill the reference cache and stop')
    ap.add_argument('--show', type=int, default=40, help='disagreements listed per hash')
    a = ap.parse_args()
    os.makedirs(a.cache, exist_ok=True)
    files = files_under(a.dir)

    pe = cached(os.path.join(a.cache, 'pefile.tsv'), files, pefile_refs, 3)
    ss = cached(os.path.join(a.cache, 'ssdeep.tsv'), files, ssdeep_refs, 1)
    tl = cached(os.path.join(a.cache, 'tlsh.tsv'), files, tlsh_refs, 1)
    if a.refs_only:
        return 0

    r = subprocess.run([a.kin, 'info', '--json', '-r', a.dir], capture_output=True, text=True)
    crashed = r.returncode < 0 or r.returncode > 3
    print('kin info --json -r %s: exit %d, %d JSON lines, %d stderr lines' %
          (a.dir, r.returncode, len(r.stdout.splitlines()), len(r.stderr.splitlines())))
    if r.stderr:
        print('  stderr (first lines): ' + ' | '.join(r.stderr.splitlines()[:5]))
    kin = {}
    for line in r.stdout.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            print('  not JSON: %r' % line[:200])
            crashed = True
            continue
        path = pick(rec, 'path', 'file', 'name')
        kin[os.path.abspath(path)] = rec

    counts = {h: {'agree': 0, 'disagree': 0, 'n/a': 0} for h in HASHES}
    bad = {h: [] for h in HASHES}
    missing = [p for p in files if p not in kin]
    for p in files:
        rec = kin.get(p, {})
        ref = {'imphash': pe[p][0], 'rich_hash': pe[p][1], 'ssdeep': ss[p][0],
               'tlsh': norm_tlsh(tl[p][0])}
        got = {'imphash': pick(rec, 'imphash'), 'rich_hash': pick(rec, 'rich_hash', 'hash'),
               'ssdeep': pick(rec, 'ssdeep'), 'tlsh': norm_tlsh(pick(rec, 'tlsh'))}
        for h in HASHES:
            if not ref[h] and not got[h]:
                counts[h]['n/a'] += 1
            elif ref[h].lower() == got[h].lower():
                counts[h]['agree'] += 1
            else:
                counts[h]['disagree'] += 1
                bad[h].append((p, got[h], ref[h], pe[p][2]))

    print('\nfiles: %d, kin records: %d, files without a kin record: %d' %
          (len(files), len(kin), len(missing)))
    for p in missing[:a.show]:
        print('  no record: ' + p)
    print('\n| hash | files | agree | disagree | n/a |')
    print('|------|------:|------:|---------:|----:|')
    for h in HASHES:
        c = counts[h]
        print('| %s | %d | %d | %d | %d |' % (h, len(files), c['agree'], c['disagree'], c['n/a']))
    for h in HASHES:
        for p, got, ref, err in bad[h][:a.show]:
            print('\n%s differs: %s\n  kin: %r\n  ref: %r%s' %
                  (h, os.path.relpath(p, a.dir), got, ref, ('\n  pefile: ' + err) if err else ''))
    ok = not crashed and not missing and all(counts[h]['disagree'] == 0 for h in HASHES)
    print('\nxcheck: %s' % ('all agree' if ok else 'MISMATCH or crash'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())

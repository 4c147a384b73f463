#!/usr/bin/python3
"""bench_scale.py: speed and scale of the index (issue 4, "Speed and scale").

Grows one index in steps to millions of functions and measures, at each step, the build (wall
and CPU time of `kin import`, functions/s, MB/s), the size on disk, and `kin attribute` on a
fixed set of held-out query files: latency median and p95 with a warm page cache, split into
the sample's own analysis (load + functions + signatures, which grows with the query file, not
the index) and the index part (lookup + scoring), and the peak resident memory of each query.
Finally it fits the growth exponent of the median latency against the index size (least
squares on log-log) and prints Markdown for docs/BENCHMARKS.md ("Index scale").

Data (fixed once in WORK/plan.json, seed 4):
  - queries: the newest version of npm dev-corpus families (/work/corpus/manifest.tsv), one file
    each, Go families always included; and single files held out of Debian packages;
  - the base (first step): the queries' nearest relatives: for each npm query the previous
    version of its family, for each Debian query the rest of its package;
  - the background, added in shuffled order until each step's size is reached: every other npm
    version (labelled by the manifest) and every Debian 12 package of the scale corpus
    (bench/scale/fetch.sh -> /work/scale/pkg/<package>/, each package its own family, actor
    "debian").
So every query has its relatives from the first step on, and the steps grow the rest of the index.

Phase 1 grows the index (WORK/scale.db) step by step and keeps a copy of it after each step
(WORK/step-<functions>.db); phase 2 times the queries on every copy with one kin binary, each
query on all copies in turn (interleaved, so the load of a shared machine falls on every step
alike); --requery measures again after a change to kin. Results go to
WORK/results.json as they come; an interrupted run resumes at the first step not recorded
(`kin import` skips files already indexed, so that step's build time is then too short).
Never run by `make check`.

  /usr/bin/python3 bench/bench_scale.py [--kin build/release/kin] [--work /work/scale/run]
      [--steps 1000000,2000000,4000000,8000000] [--reps 3] [--jobs 2]
      [--build-only | --queries-only] [--requery]
  /usr/bin/python3 bench/bench_scale.py --report     # Markdown from WORK/results.json only

The index part of a query comes from `kin attribute --timing` when the CLI has it, else from the
attribute time minus the median time of `kin funcs` on the same file.
"""

import argparse
import json
import math
import os
import random
import re
import selectors
import sqlite3
import statistics
import subprocess
import sys
import time

SEED = 4


def version_key(v):
    return [int(x) if x.isdigit() else x for x in re.split(r'[.\-+]', v)]


def read_tsv(path):
    with open(path, encoding='utf-8') as f:
        head = f.readline().rstrip('\n').split('\t')
        return [dict(zip(head, line.rstrip('\n').split('\t'))) for line in f if line.strip()]


def run_ru(cmd, stdin=None):
    """Runs cmd with os.wait4 to get its own rusage: (wall, cpu, maxrss KiB, rc, out, err)."""
    r_out, w_out = os.pipe()
    r_err, w_err = os.pipe()
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(w_out, 1)
        os.dup2(w_err, 2)
        os.close(r_out)
        os.close(r_err)
        if stdin is None:
            fd = os.open(os.devnull, os.O_RDONLY)
            os.dup2(fd, 0)
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    os.close(w_out)
    os.close(w_err)
    chunks = {r_out: [], r_err: []}
    sel = selectors.DefaultSelector()
    for fd in chunks:
        sel.register(fd, selectors.EVENT_READ)
    open_fds = set(chunks)
    while open_fds:
        for key, _ in sel.select():
            data = os.read(key.fd, 65536)
            if data:
                chunks[key.fd].append(data)
            else:
                sel.unregister(key.fd)
                os.close(key.fd)
                open_fds.discard(key.fd)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    rc = os.waitstatus_to_exitcode(status)
    return (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, rc, b''.join(chunks[r_out]),
            b''.join(chunks[r_err]))


def stats(kin, db):
    _, _, _, rc, out, err = run_ru([kin, 'stats', '--db', db, '--json'])
    if rc != 0:
        sys.exit('bench_scale: kin stats failed: ' + err.decode(errors='replace'))
    return json.loads(out)


def pct(values, q):
    v = sorted(values)
    if not v:
        return float('nan')
    k = (len(v) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def fit_exponent(xs, ys):
    """Least-squares slope of log(y) on log(x)."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if x > 0 and y > 0]
    if len(pts) < 2:
        return float('nan')
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    sxy = sum((p[0] - mx) * (p[1] - my) for p in pts)
    return sxy / sxx if sxx else float('nan')


# ---------------------------------------------------------------------------------------------
# The plan: query set and package order, fixed once.

def elf_files(root):
    out = []
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p):
                out.append((p, os.path.getsize(p)))
    return sorted(out)


def unit(name, family, actor, version, files):
    return {'name': name, 'family': family, 'actor': actor, 'version': version,
            'files': [f for f, _ in files], 'bytes': sum(n for _, n in files)}


def make_plan(args):
    """Queries, the base (their nearest relatives) and the shuffled background units.

    A unit is what one label covers: one version of an npm family (all its files), or one Debian
    package. The base holds, for each npm query, the newest indexed version of its family, and
    for each Debian query the rest of its package; so every query has its relatives from the
    first step on, and the steps after it grow only the background (every other unit).
    """
    rng = random.Random(SEED)
    rows = read_tsv(args.manifest)
    root = os.path.dirname(os.path.abspath(args.manifest))
    versions = {}
    for r in rows:
        r['path'] = os.path.join(root, r['path'])
        r['size'] = os.path.getsize(r['path'])
        versions.setdefault(r['family'], {}).setdefault(r['version'], []).append(r)
    npm_units, npm_queries, base_names = [], [], set()
    for fam, by_version in sorted(versions.items()):
        order = sorted(by_version, key=version_key)
        for v in order[:-1]:
            first = by_version[v][0]
            npm_units.append(unit('npm:%s@%s' % (fam, v), fam, first['actor'], v,
                                  [(r['path'], r['size']) for r in by_version[v]]))
    # Query per family: its newest version's largest file up to 12 MB (else its smallest).
    cand = []
    for fam, by_version in sorted(versions.items()):
        files = by_version[sorted(by_version, key=version_key)[-1]]
        small = [r for r in files if r['size'] <= 12_000_000]
        q = max(small, key=lambda r: r['size']) if small else min(files, key=lambda r: r['size'])
        cand.append((q['language'] != 'go', q['size'], fam, q['path']))
    # Go families always; then the smallest files (the largest Rust ones are background only).
    for _, _, fam, path in sorted(cand)[:args.npm_queries]:
        npm_queries.append(path)
        prev = sorted(versions[fam], key=version_key)
        if len(prev) > 1:
            base_names.add('npm:%s@%s' % (fam, prev[-2]))

    pkgs = sorted(d for d in os.listdir(os.path.join(args.scale, 'done')))
    files = {p: elf_files(os.path.join(args.scale, 'pkg', p)) for p in pkgs}
    pkgs = [p for p in pkgs if files[p]]
    # Held-out Debian queries: one file of 20 KB - 12 MB from packages with 4 or more files and
    # at most 20 MB of them (the rest of the package is in the base, which should stay small).
    eligible = [p for p in pkgs if len(files[p]) >= 4 and sum(n for _, n in files[p]) <= 20e6]
    deb_queries = []
    for p in rng.sample(eligible, len(eligible)):
        cands = [f for f, n in files[p] if 20_000 <= n <= 12_000_000]
        if cands and len(deb_queries) < args.deb_queries:
            q = rng.choice(cands)
            deb_queries.append(q)
            files[p] = [(f, n) for f, n in files[p] if f != q]
            base_names.add('deb:' + p)
    deb_units = [unit('deb:' + p, p, 'debian', '', files[p]) for p in pkgs]
    units = npm_units + deb_units
    base = [u for u in units if u['name'] in base_names]
    background = [u for u in units if u['name'] not in base_names]
    rng.shuffle(background)
    return {'seed': SEED, 'manifest': os.path.abspath(args.manifest), 'npm_queries': npm_queries, 'deb_queries': sorted(deb_queries),
            'base': base, 'background': background}


# ---------------------------------------------------------------------------------------------
# Building.

def write_manifest(path, units):
    with open(path, 'w', encoding='utf-8') as f:
        f.write('path\tfamily\tactor\tversion\n')
        for u in units:
            for p in u['files']:
                f.write('\t'.join([p, u['family'], u['actor'], u['version']]) + '\n')


def kin_import(args, units):
    manifest = os.path.join(args.work, 'batch.tsv')
    write_manifest(manifest, units)
    cmd = ['nice', '-n', str(args.nice), args.kin, 'import', '--db', args.db, '-j',
           str(args.jobs), manifest]
    wall, cpu, rss, rc, out, err = run_ru(cmd)
    tail = err.decode(errors='replace').strip().splitlines()[-1:] or ['']
    if rc not in (0, 3):
        sys.exit('bench_scale: kin import failed (%d): %s' % (rc, tail[0]))
    return wall, cpu, rss, tail[0]


def copy_db(src, dst):
    """A consistent copy of an index (WAL content included), by SQLite's backup API."""
    if os.path.exists(dst):
        os.unlink(dst)
    with sqlite3.connect('file:%s?mode=ro' % src, uri=True) as a, sqlite3.connect(dst) as b:
        a.backup(b, pages=65536)
    b.close()
    a.close()


def functions_of(args):
    return stats(args.kin, args.db)['functions'] if os.path.exists(args.db) else 0


def build_to(args, plan, state, target):
    """Adds the base, then background units in plan order until the index holds target functions."""
    built = {'wall': 0.0, 'cpu': 0.0, 'bytes': 0, 'units': 0, 'rss_kib': 0, 'imports': []}
    before = have = functions_of(args)
    bg = plan['background']
    first = not state['base_done']
    while first or (have < target and state['next'] < len(bg)):
        if first:
            batch = plan['base']
            first = False
        else:
            # Functions per byte of what was added so far (first guess: 1 per 320 bytes).
            per_byte = state['functions'] / state['bytes'] if state['bytes'] else 1 / 320
            need = (target - have) / per_byte
            batch, size = [], 0
            while state['next'] < len(bg) and size < need:
                batch.append(bg[state['next']])
                size += bg[state['next']]['bytes']
                state['next'] += 1
        size = sum(u['bytes'] for u in batch)
        wall, cpu, rss, note = kin_import(args, batch)
        state['base_done'] = True
        after = functions_of(args)
        state['functions'] += after - have
        state['bytes'] += size
        have = after
        built['wall'] += wall
        built['cpu'] += cpu
        built['bytes'] += size
        built['units'] += len(batch)
        built['rss_kib'] = max(built['rss_kib'], rss)
        built['imports'].append({'units': len(batch), 'bytes': size, 'wall': wall, 'cpu': cpu,
                                 'note': note})
        print('  + %d units, %.0f MB in %.0f s (CPU %.0f s): %s' %
              (len(batch), size / 1e6, wall, cpu, note), flush=True)
    built['functions_added'] = have - before
    return built


# ---------------------------------------------------------------------------------------------
# Queries.

def has_timing(kin):
    _, _, _, _, out, err = run_ru([kin, 'attribute', '--help'])
    return b'--timing' in out + err


def has_attribute(kin):
    _, _, _, rc, _, _ = run_ru([kin, 'attribute', '--help'])
    return rc == 0


TIMING_RE = re.compile(rb'timing: analysis ([0-9.]+) ms, index ([0-9.]+) ms, index open ([0-9.]+) '
                       rb'ms, cpu analysis ([0-9.]+) ms, cpu index ([0-9.]+) ms')


def time_queries(args, plan, analysis, dbs):
    """For each query and index copy in dbs, medians over reps (after one warm-up run per copy):
    the whole process (wall, CPU), its analysis and index parts (wall, CPU: from --timing, else
    by subtracting `kin funcs`), the index open time; and the peak RSS over all runs. Runs are
    interleaved (each rep runs the query on every copy in turn), so that the machine's changing
    load falls on all index sizes alike. Returns {db: [per-query dicts]}."""
    timing = has_timing(args.kin)
    per = {db: [] for db in dbs}
    for q in plan['npm_queries'] + plan['deb_queries']:
        rows = {db: [] for db in dbs}
        rss = {db: 0 for db in dbs}
        out = {db: b'' for db in dbs}
        failed = set()
        for rep in range(args.reps + 1):
            for db in dbs:
                if db in failed:
                    continue
                cmd = [args.kin, 'attribute', '--db', db, '--json'] + (
                    ['--timing'] if timing else []) + [q]
                wall, cpu, maxrss, rc, o, err = run_ru(cmd)
                if rc not in (0, 1):
                    print('  ! %s on %s: exit %d: %s' % (q, db, rc,
                                                        err.decode(errors='replace')[-200:]))
                    failed.add(db)
                    continue
                rss[db] = max(rss[db], maxrss)
                out[db] = o
                if rep == 0:
                    continue
                m = TIMING_RE.search(err) if timing else None
                if m:
                    t = [float(x) for x in m.groups()]
                else:
                    an = analysis[q]
                    t = [an['ms'], max(0.0, wall * 1e3 - an['ms']), float('nan'), an['cpu_ms'],
                         max(0.0, cpu * 1e3 - an['cpu_ms'])]
                rows[db].append([wall * 1e3, cpu * 1e3] + t)
        line = []
        for db in dbs:
            if not rows[db]:
                continue
            col = [statistics.median(c) for c in zip(*rows[db])]
            per[db].append({'file': q, 'ms': col[0], 'cpu_ms': col[1], 'analysis_ms': col[2],
                            'index_ms': col[3], 'open_ms': col[4], 'analysis_cpu_ms': col[5],
                            'index_cpu_ms': col[6], 'rss_kib': rss[db], 'timing': bool(timing),
                            'verdict': verdict_of(out[db])})
            line.append('%.0f' % col[6])
        print('  %-45s index CPU ms per step: %s; %s' % (
            os.path.basename(q)[:45], ' '.join(line),
            per[dbs[-1]][-1]['verdict'] if per[dbs[-1]] else '-'), flush=True)
    return per


def verdict_of(out):
    try:
        first = json.loads(out.decode(errors='replace').splitlines()[0])
        return '%s %s' % (first.get('verdict', ''), first.get('family', '') or '')
    except (ValueError, IndexError):
        return ''


def time_analysis(args, plan):
    """Median wall and CPU ms of `kin funcs FILE` (load + functions + signatures, to a pipe)."""
    res = {}
    for q in plan['npm_queries'] + plan['deb_queries']:
        walls, cpus = [], []
        for rep in range(args.reps + 1):
            wall, cpu, _, rc, _, _ = run_ru([args.kin, 'funcs', q])
            if rep:
                walls.append(wall * 1e3)
                cpus.append(cpu * 1e3)
        res[q] = {'ms': statistics.median(walls), 'cpu_ms': statistics.median(cpus)}
    return res


# ---------------------------------------------------------------------------------------------
# Report.

def med(v):
    return statistics.median(v) if v else float('nan')


def query_groups(plan):
    """Go npm queries, other npm queries, Debian queries (Go: language column of the manifest)."""
    go = set()
    manifest = plan.get('manifest', '/work/corpus/manifest.tsv')
    if os.path.exists(manifest):
        root = os.path.dirname(os.path.abspath(manifest))
        go = {os.path.join(root, r['path']) for r in read_tsv(manifest)
              if r.get('language') == 'go'}
    npm = plan['npm_queries']
    return [('npm, Go', {q for q in npm if q in go}),
            ('npm, other languages', {q for q in npm if q not in go}),
            ('Debian', set(plan['deb_queries']))]


def report(results, plan):
    steps = results['steps']
    qres = results.get('queries', {})
    lines = ['Build (each step adds to the one before; `kin import -j 2` under `nice -n 10`):', '',
             '| index functions | samples | families | DB size | bytes/function | step wall | '
             'step CPU | functions/s (CPU) |',
             '|---:|---:|---:|---:|---:|---:|---:|---:|']
    for s in steps:
        st, b = s['stats'], s['build']
        lines.append('| %s | %d | %d | %.0f MB | %.0f | %.0f s | %.0f s | %s |' % (
            '{:,}'.format(st['functions']), st['samples'], st['families'], st['db_size'] / 1e6,
            st['db_size'] / max(1, st['functions']), b['wall'], b['cpu'],
            '%.0f' % (b['functions_added'] / b['cpu']) if b['cpu'] else '-'))
    fit = []
    qlines = ['| index functions | query wall median | p95 | query CPU median | analysis CPU '
              'median | index part wall median | p95 | index part CPU median | p95 | '
              'open index (wall) | peak RSS max |',
              '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|']
    for s in steps:
        q = qres.get(os.path.basename(s['db']), {}).get('per', [])
        if not q:
            continue
        col = {k: [x[k] for x in q] for k in ('ms', 'cpu_ms', 'analysis_cpu_ms', 'index_ms',
                                              'index_cpu_ms', 'open_ms', 'rss_kib')}
        fit.append((s['stats']['functions'], med(col['ms']), med(col['cpu_ms']),
                    med(col['index_ms']), med(col['index_cpu_ms'])))
        qlines.append('| %s | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.1f ms | %.1f ms | %.1f ms '
                      '| %.1f ms | %.1f ms | %.0f MB |' % (
                          '{:,}'.format(s['stats']['functions']), med(col['ms']),
                          pct(col['ms'], 0.95), med(col['cpu_ms']), med(col['analysis_cpu_ms']),
                          med(col['index_ms']), pct(col['index_ms'], 0.95),
                          med(col['index_cpu_ms']), pct(col['index_cpu_ms'], 0.95),
                          med(col['open_ms']), max(col['rss_kib']) / 1024))
    if fit:
        lines += ['', 'Queries (%d files: %d npm newest versions, %d held-out Debian files; '
                  'medians of the runs after a warm-up run):' % (
                      len(plan['npm_queries']) + len(plan['deb_queries']),
                      len(plan['npm_queries']), len(plan['deb_queries'])), ''] + qlines
    if len(fit) >= 2:
        xs = [f[0] for f in fit]
        lines.append('')
        lines.append('Growth exponent of the median against index functions (log-log least '
                     'squares, %d steps, %s to %s functions): index part CPU %.3f, index part '
                     'wall %.3f; whole query CPU %.3f, wall %.3f.' % (
                         len(fit), '{:,}'.format(min(xs)), '{:,}'.format(max(xs)),
                         fit_exponent(xs, [f[4] for f in fit]),
                         fit_exponent(xs, [f[3] for f in fit]),
                         fit_exponent(xs, [f[2] for f in fit]),
                         fit_exponent(xs, [f[1] for f in fit])))
        lines.append('')
        lines.append('By group (index part CPU: median at each step, growth exponent of the '
                     'median; the exponent of each query\'s own index part CPU, median over the '
                     'group):')
        lines.append('')
        for name, members in query_groups(plan):
            meds, own = [], {}
            for s in steps:
                q = [x for x in qres.get(os.path.basename(s['db']), {}).get('per', [])
                     if x['file'] in members]
                if q:
                    meds.append((s['stats']['functions'], med([x['index_cpu_ms'] for x in q])))
                    for x in q:
                        own.setdefault(x['file'], []).append((s['stats']['functions'],
                                                              x['index_cpu_ms']))
            if len(meds) < 2:
                continue
            per_query = [fit_exponent([a for a, _ in v], [b for _, b in v])
                         for v in own.values() if len(v) >= 2]
            lines.append('- %s (%d): %s ms; exponent %.3f (per query: median %.3f, max %.3f)' % (
                name, len(members), ', '.join('%.0f' % m for _, m in meds),
                fit_exponent([a for a, _ in meds], [b for _, b in meds]), med(per_query),
                max(per_query)))
    if fit:
        last = next(qres[os.path.basename(s['db'])]['per'] for s in reversed(steps)
                    if os.path.basename(s['db']) in qres)
        lines.append('')
        lines.append('At the largest index, per query (index part CPU, peak RSS, verdict):')
        lines.append('')
        for x in sorted(last, key=lambda x: -x['index_cpu_ms']):
            lines.append('- %s: %.1f ms, %.0f MB, %s' % (
                os.path.relpath(x['file'], '/work'), x['index_cpu_ms'], x['rss_kib'] / 1024,
                x['verdict'] or '-'))
    return '\n'.join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument('--kin', default=os.path.join(top, 'build/release/kin'))
    ap.add_argument('--work', default='/work/scale/run')
    ap.add_argument('--scale', default='/work/scale')
    ap.add_argument('--manifest', default='/work/corpus/manifest.tsv')
    ap.add_argument('--steps', default='1000000,2000000,4000000,8000000',
                    help='index sizes (functions) after the base step')
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--nice', type=int, default=10)
    ap.add_argument('--npm-queries', type=int, default=25)
    ap.add_argument('--deb-queries', type=int, default=25)
    ap.add_argument('--build-only', action='store_true', help='grow the index, no queries')
    ap.add_argument('--queries-only', action='store_true', help='time queries, no building')
    ap.add_argument('--requery', action='store_true',
                    help='time the queries again on every step (new kin, other load)')
    ap.add_argument('--report', action='store_true', help='print the report and stop')
    args = ap.parse_args()
    args.kin = os.path.abspath(args.kin)
    os.makedirs(args.work, exist_ok=True)
    args.db = os.path.join(args.work, 'scale.db')
    plan_path = os.path.join(args.work, 'plan.json')
    res_path = os.path.join(args.work, 'results.json')
    if os.path.exists(plan_path):
        with open(plan_path) as f:
            plan = json.load(f)
    else:
        plan = make_plan(args)
        with open(plan_path, 'w') as f:
            json.dump(plan, f, indent=1)
    results = {'steps': [], 'queries': {},
               'state': {'next': 0, 'functions': 0, 'bytes': 0, 'base_done': False}}
    if os.path.exists(res_path):
        with open(res_path) as f:
            results = json.load(f)
    if args.report:
        print(report(results, plan))
        return

    def save():
        with open(res_path + '.tmp', 'w') as f:
            json.dump(results, f, indent=1)
        os.replace(res_path + '.tmp', res_path)

    print('plan: base %d units (%.0f MB), background %d units (%.0f MB), %d queries' % (
        len(plan['base']), sum(u['bytes'] for u in plan['base']) / 1e6, len(plan['background']),
        sum(u['bytes'] for u in plan['background']) / 1e6,
        len(plan['npm_queries']) + len(plan['deb_queries'])), flush=True)

    # Phase 1: grow the index; a copy of it after each step is what phase 2 queries.
    if not args.queries_only:
        state = results['state']
        done_targets = {s['target'] for s in results['steps']}
        for target in [0] + [int(x) for x in args.steps.split(',')]:
            if target in done_targets:
                continue
            print('step %s' % ('base' if target == 0 else '{:,} functions'.format(target)),
                  flush=True)
            b = build_to(args, plan, state, target)
            st = stats(args.kin, args.db)
            snap = os.path.join(args.work, 'step-%d.db' % st['functions'])
            copy_db(args.db, snap)
            results['steps'].append({'target': target, 'stats': st, 'build': b, 'db': snap})
            save()
            print('  %s functions, %d samples, %.0f MB; %.0f s (CPU %.0f s)' % (
                '{:,}'.format(st['functions']), st['samples'], st['db_size'] / 1e6, b['wall'],
                b['cpu']), flush=True)
            if state['next'] >= len(plan['background']):
                print('  (background exhausted)', flush=True)
                break

    # Phase 2: queries on every step's copy of the index.
    if not args.build_only:
        if not has_attribute(args.kin):
            print('note: this kin has no `attribute` command: no queries', flush=True)
        else:
            if not has_timing(args.kin) and (args.requery or not results.get('analysis')):
                results['analysis'] = time_analysis(args, plan)
                save()
            dbs = [s['db'] for s in results['steps']
                   if args.requery or os.path.basename(s['db']) not in results['queries']]
            if dbs:
                print('queries on %s' % ', '.join(os.path.basename(d) for d in dbs), flush=True)
                per = time_queries(args, plan, results.get('analysis'), dbs)
                for db in dbs:
                    results['queries'][os.path.basename(db)] = {
                        'kin': args.kin, 'time': time.time(), 'per': per[db]}
                save()
    print()
    print(report(results, plan))


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""Function matching accuracy of kin's signatures (issue 3), after the protocol of Marcelli et al.,
"How Machine Learning Is Solving the Binary Function Similarity Problem" (USENIX Security 2022).

Functions come from the compiled ground truth (bench/groundtruth/build.sh): `kin funcs --json` is run
on every stripped binary and its functions are tied to the truth by start address. A function's
identity is (package, object file, name), the object named after its source path; only project
functions are used (not CRT, libgcc or import stubs), and
these are excluded, with counts reported: compiler clones and fragments (names with a '.', e.g.
.part.0, .isra.0, .constprop.0, .cold), identities occurring twice in one binary, true functions kin did not
find at their start, and tiny functions (fewer than --min-blocks basic blocks as kin counts them, 5 as
in Marcelli et al.; applied to each function of each binary, so a pair needs both sides eligible).
Similarity of two functions: 1.0 if their position-independent hashes are equal, else the MinHash
Jaccard estimate (share of equal slots).

Tasks (binaries of the same package unless said otherwise):
  XO  cross-optimisation: same version, format, arch and compiler; different -O level
  XC  cross-compiler: same version, format and arch; gcc vs clang, any -O levels
  XB  cross-bitness: same version, format, compiler and -O level; x86 vs x64
  XV  cross-version: same format, arch, compiler and -O level; two upstream versions
Per task: positive pairs (the same function in two binaries of the task) are drawn uniformly from all
candidates; each positive (a in A, b in B) gets one negative (a in A, another function of B); ROC AUC
over them (ties count one half). Ranking: for --queries positives, the true match is ranked among
100 other functions of B (random tie break); Recall@1 and MRR@10 (reciprocal rank, 0 beyond 10).
Everything is drawn with fixed seeds: the same inputs give the same figures.

Usage: bench_matching.py [--kin build/release/kin | --analyser 'CMD'] [--gt DIR] [--pairs 20000]
                         [--queries 1000] [--min-blocks 5] [--tasks XO,XC,XB,XV] [--md docs/BENCHMARKS.md]
"""
import argparse
import bisect
import collections
import os
import random
import re
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kinbench  # noqa: E402

TASKS = collections.OrderedDict([
    ('XO', ('cross-optimisation', ('package', 'suite', 'format', 'arch', 'compiler'), 'opt')),
    ('XC', ('cross-compiler', ('package', 'suite', 'format', 'arch'), 'compiler')),
    ('XB', ('cross-bitness', ('package', 'suite', 'format', 'compiler', 'opt'), 'arch')),
    ('XV', ('cross-version', ('package', 'format', 'arch', 'compiler', 'opt'), 'suite')),
])
SEED = 20220810  # USENIX Security 2022, fixed for every draw


def similarity(a, b):
    if a[0] is not None and a[0] == b[0]:
        return 1.0
    ma, mb = a[1], b[1]
    if not ma or not mb or len(ma) != len(mb):
        return 0.0
    return sum(1 for x, y in zip(ma, mb) if x == y) / len(ma)


def auc(pos, neg):
    """ROC AUC by the Mann-Whitney statistic, ties counted one half."""
    allv = sorted([(v, 1) for v in pos] + [(v, 0) for v in neg])
    rank_sum = 0.0
    i = 0
    while i < len(allv):
        j = i
        while j < len(allv) and allv[j][0] == allv[i][0]:
            j += 1
        avg = (i + 1 + j) / 2.0
        rank_sum += avg * sum(1 for k in range(i, j) if allv[k][1])
        i = j
    n_p, n_n = len(pos), len(neg)
    return (rank_sum - n_p * (n_p + 1) / 2.0) / (n_p * n_n) if n_p and n_n else float('nan')


def load_builds(index, an, min_blocks, flt):
    """{tag: {identity: (pichash, minhash, blocks)}} of eligible functions, and exclusion counts."""
    builds, meta = {}, {}
    excl = collections.Counter()
    for row in index:
        if not flt.search(row['tag']):
            continue
        funcs = an.funcs(row['stripped'])
        if funcs is None:
            kinbench.log('  %s: analyser failed' % row['tag'])
            continue
        by_va = {}
        for f in funcs:
            by_va.setdefault(f['address'], f)
        truth = [r for r in kinbench.load_truth(row['functions'])
                 if r['kind'] == 'func' and r['origin_kind'] == 'project']
        names = collections.Counter((r['origin'], r['name']) for r in truth)
        eligible = {}
        for r in truth:
            excl['project functions'] += 1
            if '.' in r['name']:
                excl['compiler clones and fragments'] += 1
                continue
            if names[(r['origin'], r['name'])] > 1:
                excl['ambiguous names'] += 1
                continue
            f = by_va.get(r['va'])
            if f is None:
                excl['not found at their start'] += 1
                continue
            blocks = f.get('blocks')
            if blocks is None:
                blocks = 0
            if blocks < min_blocks:
                excl['tiny (< %d blocks)' % min_blocks] += 1
                continue
            if not f.get('minhash') and not f.get('pichash'):
                excl['no signature'] += 1
                continue
            excl['eligible'] += 1
            eligible[(row['package'], r['origin'], r['name'])] = (f.get('pichash'), f.get('minhash'), blocks)
        builds[row['tag']] = eligible
        meta[row['tag']] = row
    return builds, meta, excl


def task_pairs(meta, fields, vary):
    """Unordered pairs of build tags equal on fields and different on vary."""
    groups = collections.defaultdict(list)
    for tag, row in meta.items():
        groups[tuple(row[f] for f in fields)].append(tag)
    pairs = []
    for key in sorted(groups):
        tags = sorted(groups[key])
        for i, a in enumerate(tags):
            for b in tags[i + 1:]:
                if meta[a][vary] != meta[b][vary]:
                    pairs.append((a, b))
    return pairs


def run_task(name, builds, meta, npairs, nqueries, pool):
    label, fields, vary = TASKS[name]
    rng = random.Random('%d-%s' % (SEED, name))
    pairs = task_pairs(meta, fields, vary)
    shared = []
    for a, b in pairs:
        common = sorted(set(builds[a]) & set(builds[b]))
        if common and len(builds[b]) > 1:
            shared.append((a, b, common))
    total = sum(len(c) for _, _, c in shared)
    if not total:
        return None
    cum = []
    acc = 0
    for _, _, c in shared:
        acc += len(c)
        cum.append(acc)
    picks = rng.sample(range(total), min(npairs, total))
    positives = []
    for k in picks:
        i = bisect.bisect_right(cum, k)
        a, b, common = shared[i]
        ident = common[k - (cum[i - 1] if i else 0)]
        if rng.random() < 0.5:
            a, b = b, a
        positives.append((a, b, ident))
    pos_s, neg_s = [], []
    exact_pos = exact_neg = 0
    per_pkg = collections.defaultdict(lambda: ([], []))
    per_sub = collections.defaultdict(lambda: ([], []))
    keys_of = {}
    for a, b, ident in positives:
        keys = keys_of.get(b)
        if keys is None:
            keys = keys_of[b] = sorted(builds[b])
        fa, fb = builds[a][ident], builds[b][ident]
        s = similarity(fa, fb)
        pos_s.append(s)
        exact_pos += fa[0] is not None and fa[0] == fb[0]
        other = ident
        while other == ident:
            other = keys[rng.randrange(len(keys))]
        fo = builds[b][other]
        t = similarity(fa, fo)
        neg_s.append(t)
        exact_neg += fa[0] is not None and fa[0] == fo[0]
        per_pkg[ident[0]][0].append(s)
        per_pkg[ident[0]][1].append(t)
        sub = ' vs '.join(sorted((meta[a][vary], meta[b][vary])))
        per_sub[sub][0].append(s)
        per_sub[sub][1].append(t)
    # Ranking: one true match among `pool` functions of the other binary.
    qrng = random.Random('%d-%s-rank' % (SEED, name))
    queries = positives[:nqueries]
    r1 = mrr = 0.0
    short = 0
    for a, b, ident in queries:
        keys = keys_of[b]
        others = [k for k in keys if k != ident]
        if len(others) < pool:
            short += 1
            negs = others
        else:
            negs = qrng.sample(others, pool)
        fa = builds[a][ident]
        true_s = similarity(fa, builds[b][ident])
        above = ties = 0
        for k in negs:
            s = similarity(fa, builds[b][k])
            if s > true_s:
                above += 1
            elif s == true_s:
                ties += 1
        rank = 1 + above + qrng.randint(0, ties)
        r1 += rank == 1
        mrr += 1.0 / rank if rank <= 10 else 0.0
    n = len(queries)
    return {
        'task': name, 'label': label, 'build_pairs': len(shared), 'candidates': total,
        'pos': len(pos_s), 'neg': len(neg_s), 'auc': auc(pos_s, neg_s),
        'exact_pos': exact_pos, 'exact_neg': exact_neg,
        'mean_pos': sum(pos_s) / len(pos_s), 'mean_neg': sum(neg_s) / len(neg_s),
        'queries': n, 'short_pools': short, 'recall1': r1 / n if n else float('nan'),
        'mrr10': mrr / n if n else float('nan'),
        'per_pkg': {p: (len(v[0]), auc(v[0], v[1])) for p, v in sorted(per_pkg.items())},
        'per_sub': {p: (len(v[0]), auc(v[0], v[1])) for p, v in sorted(per_sub.items())},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--kin', default='build/release/kin')
    ap.add_argument('--analyser', help='command replacing kin (e.g. the stand-in), shell-quoted')
    ap.add_argument('--gt', default=os.environ.get('KIN_GT_DIR', '/work/gt'))
    ap.add_argument('--cache', default=None)
    ap.add_argument('--filter', default='', help='regex on binary tags')
    ap.add_argument('--pairs', type=int, default=20000, help='positive (and negative) pairs per task')
    ap.add_argument('--queries', type=int, default=1000)
    ap.add_argument('--pool', type=int, default=100, help='negatives per ranking query')
    ap.add_argument('--min-blocks', type=int, default=5)
    ap.add_argument('--tasks', default=','.join(TASKS))
    ap.add_argument('--md', help='Markdown file whose section (--section) is rewritten')
    ap.add_argument('--section', default='matching', help='marker name of the Markdown section')
    args = ap.parse_args()

    cmd = shlex.split(args.analyser) if args.analyser else [os.path.abspath(args.kin)]
    if not args.analyser and not os.path.exists(cmd[0]):
        sys.exit('bench_matching: %s not found (build kin first, or pass --kin)' % cmd[0])
    if not os.path.exists(os.path.join(args.gt, 'binaries.tsv')):
        sys.exit('bench_matching: no ground truth in %s (run bench/groundtruth/build.sh)' % args.gt)
    an = kinbench.Analyser(cmd, args.cache or os.path.join(args.gt, 'runs'))
    index = kinbench.load_index(args.gt)
    builds, meta, excl = load_builds(index, an, args.min_blocks, re.compile(args.filter))
    results = []
    for t in args.tasks.split(','):
        r = run_task(t, builds, meta, args.pairs, args.queries, args.pool)
        if r is None:
            kinbench.log('  %s: no binaries for this task' % t)
            continue
        results.append(r)
        kinbench.log('  %s AUC %.3f  R@1 %.3f  MRR@10 %.3f  (%d+%d pairs)' % (
            t, r['auc'], r['recall1'], r['mrr10'], r['pos'], r['neg']))
    for e in an.errors:
        kinbench.log('analyser error: ' + e)
    md = report(results, excl, an, args, len(builds))
    print(md)
    if args.md:
        kinbench.replace_section(args.md, args.section, md)
        kinbench.log('bench_matching: wrote section "%s" of %s' % (args.section, args.md))


def report(results, excl, an, args, nbuilds):
    lines = []
    cmdline = 'bench/bench_matching.py ' + ' '.join(
        shlex.quote(a) for a in sys.argv[1:] if a not in ('--md', '--section', args.md, args.section))
    lines.append('Command: `%s` (analyser `%s`, %d binaries, seed %d).' % (
        cmdline.strip(), an.describe(), nbuilds, SEED))
    lines.append('')
    lines.append('| task | binary pairs | candidate positives | positives | negatives | **ROC AUC** | '
                 'Recall@1 | MRR@10 | queries | exact-hash positives | exact-hash negatives | mean sim +/- |')
    lines.append('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|')
    for r in results:
        lines.append('| %s %s | %d | %d | %d | %d | **%.3f** | %.3f | %.3f | %d%s | %.1f%% | %.2f%% | %.2f / %.2f |' % (
            r['task'], r['label'], r['build_pairs'], r['candidates'], r['pos'], r['neg'], r['auc'],
            r['recall1'], r['mrr10'], r['queries'],
            (' (%d pools < %d)' % (r['short_pools'], args.pool)) if r['short_pools'] else '',
            100.0 * r['exact_pos'] / r['pos'], 100.0 * r['exact_neg'] / r['neg'], r['mean_pos'], r['mean_neg']))
    lines.append('')
    e = excl
    lines.append('Functions (summed over binaries): %d project functions; excluded %d compiler clones and '
                 'fragments, %d ambiguous names, %d not found by discovery at their start, %d tiny '
                 '(< %d basic blocks)%s; %d eligible.' % (
                     e['project functions'], e['compiler clones and fragments'], e['ambiguous names'],
                     e['not found at their start'], e['tiny (< %d blocks)' % args.min_blocks], args.min_blocks,
                     (', %d without signature' % e['no signature']) if e['no signature'] else '',
                     e['eligible']))
    lines.append('')
    pkgs = sorted(set(p for r in results for p in r['per_pkg']))
    if pkgs:
        lines.append('AUC per package (positives in brackets):')
        lines.append('')
        lines.append('| task | ' + ' | '.join(pkgs) + ' |')
        lines.append('|---|' + '---:|' * len(pkgs))
        for r in results:
            cells = []
            for p in pkgs:
                if p in r['per_pkg'] and r['per_pkg'][p][0]:
                    n, a = r['per_pkg'][p]
                    cells.append('%.3f (%d)' % (a, n))
                else:
                    cells.append('-')
            lines.append('| %s | %s |' % (r['task'], ' | '.join(cells)))
    lines.append('')
    lines.append('AUC per pair of the varied setting:')
    lines.append('')
    for r in results:
        lines.append('- %s: %s' % (r['task'], ', '.join(
            '%s %.3f (%d)' % (k, a, n) for k, (n, a) in r['per_sub'].items())))
    return '\n'.join(lines)


if __name__ == '__main__':
    main()

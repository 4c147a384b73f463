#!/usr/bin/python3
"""Function discovery accuracy of `kin funcs` (issue 3): function starts found in stripped binaries
against ground truth, as precision, recall and F1 per binary and overall.

Part 1, compiled ground truth (bench/groundtruth/build.sh): every stripped binary of GT_DIR/binaries.tsv
is analysed; true starts are the symbols of its unstripped twin (kinds func and thunk). Starts of
gcc's split-off .cold fragments are neither required nor counted as false positives, nor is anything
in ELF .plt sections. x64 PE files are scored twice: as is, and with --no-pdata (kin must then find
functions without the exception directory, as in a file whose .pdata is absent or not trusted).
Part 2, MSVC-built x64 PE files of the npm corpus (CORPUS/manifest.tsv): analysed with --no-pdata and
scored against the starts of .pdata (python3-pefile; chained unwind entries, which describe parts of a
function, are neither required nor counted). Leaf functions have no .pdata entry, so precision there
is a lower bound.
Misses are classified for feedback: a missed start that lies inside a found function is "inside"
(merged into its predecessor), else "uncovered"; a false start inside a true function is "mid", else
"between" (padding, data, or code the truth does not name).

Usage: bench_discovery.py [--kin build/release/kin | --analyser 'CMD ...'] [--gt DIR] [--corpus DIR]
                          [--filter REGEX] [--md docs/BENCHMARKS.md] [--tsv OUT.tsv] [--no-pdata-runs]
"""
import argparse
import bisect
import collections
import os
import re
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kinbench  # noqa: E402


def score(truth_starts, dontcare, ignore_ranges, truth_extent, pred):
    """Scores one binary. truth_starts: {va: row}; dontcare: set of va; ignore_ranges: [(lo, hi)];
    truth_extent: sorted [(start, end)] of true functions; pred: [kin function objects]."""
    pstarts = {}
    for p in pred:
        pstarts.setdefault(p['address'], p)

    def ignored(va):
        return va in dontcare or any(lo <= va < hi for lo, hi in ignore_ranges)

    scored_pred = {va: p for va, p in pstarts.items() if va in truth_starts or not ignored(va)}
    tp = sum(1 for va in scored_pred if va in truth_starts)
    fps = [va for va in scored_pred if va not in truth_starts]
    fns = [va for va in truth_starts if va not in scored_pred]
    # Classify misses.
    pvas = sorted(pstarts)
    reach = []  # reach[i]: the furthest end of the found functions starting at or before pvas[i]
    for va in pvas:
        end = va + max(1, pstarts[va].get('size', 0) or 0)
        reach.append(max(end, reach[-1]) if reach else end)
    cls = collections.Counter()
    for va in fns:
        row = truth_starts[va]
        i = bisect.bisect_right(pvas, va) - 1
        inside = i >= 0 and va < reach[i]
        where = 'inside' if inside else 'uncovered'
        cls['fn_' + where] += 1
        cls['fn_' + row.get('kind', 'func')] += 1
        cls['fn_' + ('project' if row.get('origin_kind') == 'project' else 'runtime')] += 1
    starts = [s for s, _ in truth_extent]
    for va in fps:
        i = bisect.bisect_right(starts, va) - 1
        mid = i >= 0 and truth_extent[i][0] < va < truth_extent[i][1]
        cls['fp_mid' if mid else 'fp_between'] += 1
        fl = pstarts[va].get('flags')
        fl = ','.join(str(x) for x in fl) if isinstance(fl, list) else str(fl if fl is not None else '')
        cls['fpflags:' + (fl or '-')] += 1
    fp, fn = len(fps), len(fns)
    return {'gt': len(truth_starts), 'pred': len(scored_pred), 'tp': tp, 'fp': fp, 'fn': fn,
            'cls': cls, 'fn_list': sorted(fns), 'fp_list': sorted(fps)}


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def compiled_truth(path):
    rows = kinbench.load_truth(path)
    truth, dontcare, ignore, extent = {}, set(), [], []
    for r in rows:
        if r['kind'] in kinbench.SCORED_KINDS:
            truth[r['va']] = r
            extent.append((r['va'], r['va'] + max(1, r['size'])))
        elif r['kind'] == 'fragment':
            dontcare.add(r['va'])
            extent.append((r['va'], r['va'] + max(1, r['size'])))
        elif r['kind'] == 'ignore':
            ignore.append((r['va'], r['va'] + r['size']))
    extent.sort()
    return truth, dontcare, ignore, extent


def pdata_truth(path):
    import pefile
    pe = pefile.PE(path, fast_load=True)
    pe.parse_data_directories(directories=[pefile.DIRECTORY_ENTRY['IMAGE_DIRECTORY_ENTRY_EXCEPTION']])
    base = pe.OPTIONAL_HEADER.ImageBase
    truth, dontcare, extent = {}, set(), []
    for e in getattr(pe, 'DIRECTORY_ENTRY_EXCEPTION', []):
        va = base + e.struct.BeginAddress
        end = base + e.struct.EndAddress
        if e.unwindinfo is not None and e.unwindinfo.Flags & 0x4:  # UNW_FLAG_CHAININFO
            dontcare.add(va)
        else:
            truth[va] = {'va': va, 'kind': 'func', 'origin_kind': 'project'}
        extent.append((va, end))
    extent.sort()
    return truth, dontcare, [], extent


def fmt_pct(x):
    return '%.1f' % (100 * x)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--kin', default='build/release/kin')
    ap.add_argument('--analyser', help='command replacing kin (e.g. the stand-in), shell-quoted')
    ap.add_argument('--gt', default=os.environ.get('KIN_GT_DIR', '/work/gt'))
    ap.add_argument('--corpus', default=os.environ.get('KIN_CORPUS_DIR', '/work/corpus'))
    ap.add_argument('--cache', default=None, help='analyser output cache (default GT/runs)')
    ap.add_argument('--filter', default='', help='regex on binary tags')
    ap.add_argument('--no-pdata-runs', action='store_true', help='skip the --no-pdata pass on x64 PE')
    ap.add_argument('--skip-corpus', action='store_true')
    ap.add_argument('--md', help='Markdown file whose section (--section) is rewritten')
    ap.add_argument('--section', default='discovery', help='marker name of the Markdown section')
    ap.add_argument('--tsv', help='per-binary results (default GT/results/discovery.tsv)')
    ap.add_argument('--details', type=int, default=0, help='print up to N missed/false starts per binary')
    args = ap.parse_args()

    cmd = shlex.split(args.analyser) if args.analyser else [os.path.abspath(args.kin)]
    if not args.analyser and not os.path.exists(cmd[0]):
        sys.exit('bench_discovery: %s not found (build kin first, or pass --kin)' % cmd[0])
    an = kinbench.Analyser(cmd, args.cache or os.path.join(args.gt, 'runs'))
    results = []

    index = kinbench.load_index(args.gt) if os.path.exists(os.path.join(args.gt, 'binaries.tsv')) else []
    if not index:
        kinbench.log('bench_discovery: no ground truth in %s (run bench/groundtruth/build.sh)' % args.gt)
    flt = re.compile(args.filter)
    for row in index:
        if not flt.search(row['tag']):
            continue
        truth = compiled_truth(row['functions'])
        modes = [()]
        if row['format'] == 'pe' and row['arch'] == 'x64' and not args.no_pdata_runs:
            modes.append(('--no-pdata',))
        for extra in modes:
            pred = an.funcs(row['stripped'], extra)
            if pred is None:
                kinbench.log('  %s %s: analyser failed' % (row['tag'], ' '.join(extra)))
                continue
            s = score(*truth, pred)
            s.update(tag=row['tag'], set='gt', mode='no-pdata' if extra else 'default', package=row['package'],
                     group='%s-%s %s' % (row['format'], row['arch'], row['compiler']), opt=row['opt'])
            results.append(s)
            kinbench.log('  %-48s %-9s F1 %s' % (row['tag'], s['mode'], fmt_pct(prf(s['tp'], s['fp'], s['fn'])[2])))

    corpus_note = ''
    manifest = os.path.join(args.corpus, 'manifest.tsv')
    if args.skip_corpus:
        corpus_note = 'npm corpus part skipped (--skip-corpus).'
    elif not os.path.exists(manifest):
        corpus_note = 'npm corpus part skipped: %s not found.' % manifest
    else:
        with open(manifest) as fh:
            header = fh.readline().rstrip('\n').split('\t')
            mrows = [dict(zip(header, l.rstrip('\n').split('\t'))) for l in fh]
        n = 0
        for m in mrows:
            # MSVC-linked (link.exe: C/C++ with cl, Rust msvc target) x64 files, each distinct file once.
            if m.get('dup_of', '-') not in ('', '-') or m.get('arch') != 'x64' or \
                    'link.exe' not in m.get('toolchain', '').lower():
                continue
            path = m['path'] if os.path.isabs(m['path']) else os.path.join(args.corpus, m['path'])
            if not flt.search(path) or not os.path.exists(path):
                continue
            truth = pdata_truth(path)
            if not truth[0]:
                continue
            pred = an.funcs(path, ('--no-pdata',))
            if pred is None:
                kinbench.log('  %s: analyser failed' % path)
                continue
            s = score(*truth, pred)
            tag = '%s/%s/%s' % (m.get('family'), m.get('version'), os.path.basename(path))
            s.update(tag=tag, set='npm', mode='no-pdata', package=m.get('family'), group='npm msvc-x64', opt='')
            results.append(s)
            n += 1
            kinbench.log('  %-48s F1 %s' % (tag, fmt_pct(prf(s['tp'], s['fp'], s['fn'])[2])))
        corpus_note = '%d MSVC x64 files of the npm corpus scored against .pdata.' % n

    if not results:
        sys.exit('bench_discovery: nothing scored')
    tsv = args.tsv or os.path.join(args.gt, 'results', 'discovery.tsv')
    os.makedirs(os.path.dirname(os.path.abspath(tsv)), exist_ok=True)
    keys = ['fn_inside', 'fn_uncovered', 'fn_thunk', 'fn_func', 'fn_project', 'fn_runtime', 'fp_mid', 'fp_between']
    with open(tsv, 'w') as fh:
        fh.write('set\ttag\tmode\tgt\tpred\ttp\tfp\tfn\tprecision\trecall\tf1\t%s\n' % '\t'.join(keys))
        for s in results:
            p, r, f = prf(s['tp'], s['fp'], s['fn'])
            fh.write('%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%.4f\t%.4f\t%.4f\t%s\n' % (
                s['set'], s['tag'], s['mode'], s['gt'], s['pred'], s['tp'], s['fp'], s['fn'], p, r, f,
                '\t'.join(str(s['cls'][k]) for k in keys)))
            if args.details:
                print('%s %s FN %s' % (s['tag'], s['mode'], ' '.join(hex(v) for v in s['fn_list'][:args.details])))
                print('%s %s FP %s' % (s['tag'], s['mode'], ' '.join(hex(v) for v in s['fp_list'][:args.details])))

    md = report(results, an, args, corpus_note, tsv)
    print(md)
    for e in an.errors:
        kinbench.log('analyser error: ' + e)
    if args.md:
        kinbench.replace_section(args.md, args.section, md)
        kinbench.log('bench_discovery: wrote section "%s" of %s' % (args.section, args.md))


def agg(rs):
    tp = sum(r['tp'] for r in rs)
    fp = sum(r['fp'] for r in rs)
    fn = sum(r['fn'] for r in rs)
    p, r, f = prf(tp, fp, fn)
    f1s = [prf(x['tp'], x['fp'], x['fn'])[2] for x in rs]
    cls = collections.Counter()
    for x in rs:
        cls.update(x['cls'])
    return {'n': len(rs), 'gt': sum(x['gt'] for x in rs), 'tp': tp, 'fp': fp, 'fn': fn, 'p': p, 'r': r,
            'f': f, 'mean_f1': sum(f1s) / len(f1s), 'min_f1': min(f1s), 'cls': cls}


def report(results, an, args, corpus_note, tsv):
    lines = []
    cmdline = 'bench/bench_discovery.py ' + ' '.join(
        shlex.quote(a) for a in sys.argv[1:] if a not in ('--md', '--section', args.md, args.section))
    lines.append('Command: `%s` (analyser `%s`, %d runs).' % (cmdline.strip(), an.describe(), len(results)))
    lines.append('')
    lines.append('| set | mode | binaries | true starts | TP | FP | FN | precision | recall | F1 (micro) '
                 '| mean F1 | min F1 |')
    lines.append('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    groups = collections.OrderedDict()
    for s in results:
        groups.setdefault((s['set'], s['mode']), []).append(s)
    for (st, mode), rs in groups.items():
        a = agg(rs)
        lines.append('| %s | %s | %d | %d | %d | %d | %d | %s | %s | **%s** | %s | %s |' % (
            st, mode, a['n'], a['gt'], a['tp'], a['fp'], a['fn'], fmt_pct(a['p']), fmt_pct(a['r']),
            fmt_pct(a['f']), fmt_pct(a['mean_f1']), fmt_pct(a['min_f1'])))
    lines.append('')
    gt = [s for s in results if s['set'] == 'gt']
    if gt:
        lines.append('By toolchain and optimisation level (compiled ground truth; F1 micro, default mode / '
                     'no-pdata where run):')
        lines.append('')
    tcs = sorted(set(s['group'] for s in gt))
    opts = sorted(set(s['opt'] for s in gt))
    if gt:
        lines.append('| toolchain | ' + ' | '.join(opts) + ' | all |')
        lines.append('|---|' + '---:|' * (len(opts) + 1))
    for tc in tcs:
        cells = []
        for o in opts + [None]:
            sub = [s for s in gt if s['group'] == tc and (o is None or s['opt'] == o)]
            d = [s for s in sub if s['mode'] == 'default']
            n = [s for s in sub if s['mode'] == 'no-pdata']
            c = fmt_pct(agg(d)['f']) if d else '-'
            if n:
                c += ' / ' + fmt_pct(agg(n)['f'])
            cells.append(c)
        lines.append('| %s | %s |' % (tc, ' | '.join(cells)))
    lines.append('')
    if gt:
        lines.append('By package (F1 micro over all its binaries, default / no-pdata):')
        lines.append('')
        lines.append('| package | binaries | F1 default | F1 no-pdata | precision | recall |')
        lines.append('|---|---:|---:|---:|---:|---:|')
        for pkg in sorted(set(s['package'] for s in gt)):
            d = [s for s in gt if s['package'] == pkg and s['mode'] == 'default']
            n = [s for s in gt if s['package'] == pkg and s['mode'] == 'no-pdata']
            ad = agg(d)
            lines.append('| %s | %d | %s | %s | %s | %s |' % (
                pkg, len(d), fmt_pct(ad['f']), fmt_pct(agg(n)['f']) if n else '-', fmt_pct(ad['p']),
                fmt_pct(ad['r'])))
        lines.append('')
    a = agg(results)
    c = a['cls']
    lines.append('Misses (all runs): %d missed starts, %d inside a found function (merged), %d in code '
                 'no found function covers; %d thunks; %d project code, %d runtime (CRT, libgcc, import '
                 'stubs). %d false starts: %d inside a true function (split), %d between true functions '
                 '(padding, data, unnamed code).' % (
                     a['fn'], c['fn_inside'], c['fn_uncovered'], c['fn_thunk'], c['fn_project'],
                     c['fn_runtime'], a['fp'], c['fp_mid'], c['fp_between']))
    fpf = sorted(((k[8:], v) for k, v in c.items() if k.startswith('fpflags:')), key=lambda kv: -kv[1])
    if fpf:
        lines.append('False starts by the flags kin gave them: %s.' % ', '.join('%s %d' % kv for kv in fpf[:8]))
    lines.append('')
    worst = sorted(results, key=lambda s: prf(s['tp'], s['fp'], s['fn'])[2])[:12]
    lines.append('Worst runs:')
    lines.append('')
    lines.append('| binary | mode | true | TP | FP | FN | P | R | F1 | FN inside/uncovered | FP mid/between |')
    lines.append('|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|')
    for s in worst:
        p, r, f = prf(s['tp'], s['fp'], s['fn'])
        lines.append('| %s | %s | %d | %d | %d | %d | %s | %s | %s | %d/%d | %d/%d |' % (
            s['tag'], s['mode'], s['gt'], s['tp'], s['fp'], s['fn'], fmt_pct(p), fmt_pct(r), fmt_pct(f),
            s['cls']['fn_inside'], s['cls']['fn_uncovered'], s['cls']['fp_mid'], s['cls']['fp_between']))
    lines.append('')
    if corpus_note:
        lines.append(corpus_note)
        lines.append('')
    lines.append('<details><summary>Per binary (P / R / F1 in %)</summary>')
    lines.append('')
    lines.append('| binary | mode | true | found | P | R | F1 |')
    lines.append('|---|---|---:|---:|---:|---:|---:|')
    for s in results:
        p, r, f = prf(s['tp'], s['fp'], s['fn'])
        lines.append('| %s | %s | %d | %d | %s | %s | %s |' % (s['tag'], s['mode'], s['gt'], s['pred'],
                                                             fmt_pct(p), fmt_pct(r), fmt_pct(f)))
    lines.append('')
    lines.append('</details>')
    lines.append('')
    lines.append('Per-binary TSV with miss classes: `%s`.' % tsv)
    return '\n'.join(lines)


if __name__ == '__main__':
    main()

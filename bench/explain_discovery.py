#!/usr/bin/python3
"""Explains the discovery errors of `kin funcs` on one ground-truth binary, for whoever improves it.

For every false start: the true function it falls in and its offset there, kin's flags, size and
block count for it, and the instruction at the address (objdump). For every missed start: the true
function (name, size, kind, origin) and the found function whose bytes cover it, if any. A summary
counts false starts by kin's flags and by their first instruction.

Usage: explain_discovery.py TAG_REGEX [--kin build/release/kin] [--gt DIR] [--no-pdata] [-n 40]
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kinbench  # noqa: E402


def insn_at(path, va, prefix):
    out = subprocess.run([prefix + 'objdump', '-d', '-w', '-M', 'intel', '--start-address=%#x' % va,
                          '--stop-address=%#x' % (va + 16), path], stdout=subprocess.PIPE,
                         universal_newlines=True, errors='replace').stdout
    for line in out.splitlines():
        m = re.match(r'^\s*[0-9a-f]+:\t[0-9a-f ]+\t(.*)$', line)
        if m:
            return m.group(1).split('#')[0].strip()
    return '?'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('tag')
    ap.add_argument('--kin', default='build/release/kin')
    ap.add_argument('--gt', default=os.environ.get('KIN_GT_DIR', '/work/gt'))
    ap.add_argument('--no-pdata', action='store_true')
    ap.add_argument('-n', type=int, default=40, help='errors listed per kind')
    args = ap.parse_args()
    an = kinbench.Analyser([os.path.abspath(args.kin)], os.path.join(args.gt, 'runs'))
    rows = [r for r in kinbench.load_index(args.gt) if re.search(args.tag, r['tag'])]
    for row in rows:
        prefix = ''
        if row['format'] == 'pe':
            prefix = 'x86_64-w64-mingw32-' if row['arch'] == 'x64' else 'i686-w64-mingw32-'
        truth = [t for t in kinbench.load_truth(row['functions']) if t['kind'] != 'ignore']
        ignore = [(t['va'], t['va'] + t['size']) for t in kinbench.load_truth(row['functions'])
                  if t['kind'] == 'ignore']
        truth.sort(key=lambda t: t['va'])
        tstarts = [t['va'] for t in truth]
        tset = {t['va']: t for t in truth}
        pred = an.funcs(row['stripped'], ('--no-pdata',) if args.no_pdata else ())
        pmap = {p['address']: p for p in pred}
        pvas = sorted(pmap)
        fps = [va for va in pvas if va not in tset and not any(lo <= va < hi for lo, hi in ignore)]
        fns = [t for t in truth if t['kind'] in kinbench.SCORED_KINDS and t['va'] not in pmap]
        print('== %s%s: %d found, %d false starts, %d missed' % (
            row['tag'], ' --no-pdata' if args.no_pdata else '', len(pvas), len(fps), len(fns)))
        by_flags = collections.Counter()
        by_insn = collections.Counter()
        lines = []
        for va in fps:
            p = pmap[va]
            i = bisect.bisect_right(tstarts, va) - 1
            t = truth[i] if i >= 0 else None
            where = '%s+%#x/%d' % (t['name'], va - t['va'], t['size']) if t else '-'
            ins = insn_at(row['stripped'], va, prefix)
            fl = ','.join(p.get('flags') or []) or '-'
            by_flags[fl] += 1
            by_insn[ins.split()[0] if ins else '?'] += 1
            if len(lines) < args.n:
                lines.append('  FP %#x in %-40s kin size %d blocks %s flags %s: %s' % (
                    va, where, p['size'], p.get('blocks'), fl, ins))
        print('  false starts by kin flags: %s' % ', '.join('%s %d' % kv for kv in by_flags.most_common()))
        print('  false starts by first mnemonic: %s' % ', '.join('%s %d' % kv for kv in by_insn.most_common(12)))
        print('\n'.join(lines))
        for t in fns[:args.n]:
            i = bisect.bisect_right(pvas, t['va']) - 1
            cover = ''
            if i >= 0 and t['va'] < pvas[i] + max(1, pmap[pvas[i]]['size']):
                cover = ' (inside found %#x size %d)' % (pvas[i], pmap[pvas[i]]['size'])
            print('  FN %#x %s size %d %s %s%s: %s' % (t['va'], t['name'], t['size'], t['kind'],
                                                    t['origin_kind'], cover,
                                                    insn_at(row['stripped'], t['va'], prefix)))


if __name__ == '__main__':
    main()

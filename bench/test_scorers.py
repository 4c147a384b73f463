#!/usr/bin/python3
"""Self-test of the benchmark scorers on hand-made cases (run by scripts/bench.sh before measuring).

Checks the ROC AUC (Mann-Whitney with ties), the similarity rule, discovery scoring with don't-care
fragments, ignored ranges and miss classes, and the JSON normalisation of kin's output forms.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_discovery as bd  # noqa: E402
import bench_matching as bm  # noqa: E402
import kinbench  # noqa: E402


def check(cond, what):
    if not cond:
        sys.exit('test_scorers: FAILED: ' + what)


def main():
    check(bm.auc([1, 1], [0, 0]) == 1.0, 'perfect AUC')
    check(bm.auc([0, 0], [1, 1]) == 0.0, 'inverted AUC')
    check(bm.auc([0.5], [0.5]) == 0.5, 'tie counts one half')
    check(abs(bm.auc([0.9, 0.4], [0.5, 0.1]) - 0.75) < 1e-12, 'AUC 3 of 4 ordered pairs')
    check(bm.similarity(('ab', (1, 2)), ('ab', (3, 4))) == 1.0, 'equal pichash is 1.0')
    check(bm.similarity(('ab', (1, 2, 3, 4)), ('cd', (1, 2, 0, 0))) == 0.5, 'minhash share')
    check(bm.similarity((None, (1,)), (None, (1,))) == 1.0, 'no pichash falls back to minhash')

    truth = {0x100: {'kind': 'func', 'origin_kind': 'project'},
             0x200: {'kind': 'func', 'origin_kind': 'project'},
             0x300: {'kind': 'thunk', 'origin_kind': 'library:libkernel32.a'}}
    dontcare = {0x180}
    ignore = [(0x1000, 0x1100)]
    extent = [(0x100, 0x180), (0x180, 0x190), (0x200, 0x280), (0x300, 0x308)]
    pred = [{'address': 0x100, 'size': 0x150}, {'address': 0x180, 'size': 4},
            {'address': 0x1010, 'size': 4}, {'address': 0x220, 'size': 4},
            {'address': 0x290, 'size': 4}]
    s = bd.score(truth, dontcare, ignore, extent, pred)
    check((s['tp'], s['fp'], s['fn'], s['pred']) == (1, 2, 2, 3), 'discovery counts %r' % (
        (s['tp'], s['fp'], s['fn'], s['pred']),))
    c = s['cls']
    check(c['fn_inside'] == 1 and c['fn_uncovered'] == 1, 'miss classes (0x200 inside 0x100+0x150)')
    check(c['fn_thunk'] == 1 and c['fp_mid'] == 1 and c['fp_between'] == 1, 'thunk and false-start classes')
    p, r, f = bd.prf(1, 2, 2)
    check(abs(f - 2 * (1 / 3) * (1 / 3) / (2 / 3)) < 1e-12, 'F1')

    o = kinbench.normalise({'address': '0x401000', 'size': 5, 'minhash': 'ff' * 4 + '00' * 4 * 63,
                            'pichash': 'ABC', 'blocks': '7'})
    check(o['address'] == 0x401000 and len(o['minhash']) == 64 and o['minhash'][0] == 0xffffffff,
          'hex-string minhash')
    check(o['pichash'] == 'abc' and o['blocks'] == 7, 'pichash case, blocks as int')
    o = kinbench.normalise({'address': 4096, 'minhash': ['0x1', '2'], 'pichash': None})
    check(o['minhash'] == (1, 2) and o['pichash'] is None, 'minhash list forms')
    check(kinbench.has_flag({'flags': 0x20}, 'pdata', 0x20), 'integer flags')
    check(kinbench.has_flag({'flags': ['small', 'pdata']}, 'pdata', 0x20), 'list flags')
    check(kinbench.has_flag({'flags': 'thunk|pdata'}, 'pdata', 0x20), 'string flags')
    print('test_scorers: ok')


if __name__ == '__main__':
    main()

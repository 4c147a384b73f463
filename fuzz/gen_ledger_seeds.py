#!/usr/bin/env python3
"""gen_ledger_seeds.py: writes the seeds of fuzz_block and fuzz_undo from the ledger test data.

Sources: the real blocks of tests/data/bitcoin/ (bitcore-lib 11.5.1, see tests/data/README.md)
and the synthetic directories tests/fixtures/gen_blocks.c writes into a build tree (basic and
basic_xor: regtest, every script type, stale blocks, XOR key, truncated and corrupt records).
Each seed carries the mode byte of its target (see fuzz_block.c). Deterministic.

    python3 fuzz/gen_ledger_seeds.py build/dev/tests/fixtures/ledger
"""
import json
import os
import sys

TOP = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(TOP, '..', 'tests', 'data', 'bitcoin')


def out(target, name, data):
    d = os.path.join(TOP, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def records(raw, key, trailer):
    """(offset, payload) of each record of a blk/rev file, decoded with key."""
    dec = bytes(b ^ key[i % 8] for i, b in enumerate(raw))
    pos, res = 0, []
    while pos + 8 <= len(dec):
        size = int.from_bytes(dec[pos + 4:pos + 8], 'little')
        if dec[pos:pos + 4] not in (b'\xfa\xbf\xb5\xda', b'\xf9\xbe\xb4\xd9') or size == 0:
            pos += 1
            continue
        res.append((pos + 8, dec[pos + 8:pos + 8 + size]))
        pos += 8 + size + trailer
    return res


def main():
    fixtures = sys.argv[1]
    blocks = json.load(open(os.path.join(DATA, 'bitcoind-blocks.json')))
    for i in (0, 1, 3, 4):  # entry 2 repeats entry 1
        out('fuzz_block', 'real_block%d' % i, b'\x00' + bytes.fromhex(blocks[i]['data']))
    testnet = open(os.path.join(DATA, 'blk86756-testnet.dat'), 'rb').read()
    out('fuzz_block', 'real_testnet_block', b'\x00' + testnet[8:8 + 8003])
    out('fuzz_block', 'real_testnet_file', b'\x01' + testnet)
    for name, xor in (('basic', False), ('basic_xor', True)):
        d = os.path.join(fixtures, name, 'blocks')
        key = open(os.path.join(d, 'xor.dat'), 'rb').read()
        blk = open(os.path.join(d, 'blk00000.dat'), 'rb').read()
        rev = open(os.path.join(d, 'rev00000.dat'), 'rb').read()
        mode = 0x82 if xor else 0x02
        head = key if xor else b''
        out('fuzz_block', 'dir_' + name, bytes([mode]) + head + len(blk).to_bytes(2, 'big') +
            blk + rev)
        out('fuzz_block', 'file_' + name, bytes([0x81 if xor else 0x01]) + head + blk[:8192])
        # The largest blocks (segwit, taproot, P2PK, multisig) and undo records of the file.
        if not xor:
            recs = sorted(records(blk, key, 0), key=lambda r: -len(r[1]))[:3]
            for i, (_, payload) in enumerate(recs):
                out('fuzz_block', 'block_%s_%d' % (name, i), b'\x00' + payload)
            undo = sorted(records(rev, key, 32), key=lambda r: -len(r[1]))[:4]
            for i, (_, payload) in enumerate(undo):
                out('fuzz_undo', 'undo_%d' % i, payload)
    # Hand-made undo corners: overlong raw script, every special script type, varint limits.
    out('fuzz_undo', 'corners', bytes([1, 6,
                                       0x00, 0x09, 0x00] + [0x11] * 20 +
                                      [0x02, 0x00, 0x09, 0x01] + [0x22] * 20 +
                                      [0x02, 0x00, 0x09, 0x02] + [0x33] * 32 +
                                      [0x02, 0x00, 0x09, 0x04] +
                                      list(bytes.fromhex('678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb6')) +
                                      [0x02, 0x00, 0x09, 0x05] + [0x44] * 32 +
                                      [0x02, 0x00, 0x09, 0xcf, 0x0a] + [0x51] * 4))
    out('fuzz_undo', 'varints', bytes.fromhex('80fefefefefefefefe7f8efefefe7f00'))


main()

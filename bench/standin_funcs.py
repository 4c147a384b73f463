#!/usr/bin/python3
"""A stand-in for `kin funcs FILE --json`, used only to validate the benchmark scorers.

It prints the same JSON lines (address, size, name, pichash, minhash, flags, blocks, insns) from
binutils' objdump, so bench_discovery.py and bench_matching.py can be checked end to end before
(or independently of) kin's own discovery. It is a baseline, not a product:
  --mode symbols   the ground-truth starts of FILE's unstripped twin (<tag>.functions.tsv beside
                   it): an oracle, discovery must score F1 = 1.0
  --mode calls     entry point + direct call targets of objdump's linear sweep (+ x64 .pdata starts
                   unless --no-pdata): a naive discovery baseline
Signatures: pichash = BLAKE2b of the instructions with operands reduced to their kinds (reg, mem,
imm); minhash = 64 slots of min over (a_i * h + b_i) mod (2^61 - 1) of the 64-bit hashes of
instruction 3-grams and mnemonics (fixed a_i, b_i), so identical code gives identical signatures.
Usage: standin_funcs.py [--mode symbols|calls] funcs FILE --json [--no-pdata]
"""
import hashlib
import os
import random
import re
import subprocess
import sys

P61 = (1 << 61) - 1
_rng = random.Random(20220810)
PERM = [(_rng.randrange(1, P61), _rng.randrange(0, P61)) for _ in range(64)]
INSN_RE = re.compile(r'^\s*([0-9a-f]+):\t(?:[0-9a-f]{2} )+\s*\t(.*)$')
CALL_RE = re.compile(r'^\s*call\s+(?:0x)?([0-9a-f]+)\b')
REG = r'(?:[re]?[abcd]x|[abcd][lh]|[re]?[sd]il?|[re]?[sb]pl?|r\d+[dwb]?|[xyz]mm\d+|st\(?\d?\)?|[c-gs]s)'


def norm_operand(op):
    op = op.strip()
    if not op:
        return ''
    if 'PTR' in op or '[' in op:
        return 'mem'
    if re.fullmatch(REG, op):
        return 'reg'
    return 'imm'


def norm_insn(text):
    text = text.split('#')[0].split('<')[0].strip()
    parts = text.split(None, 1)
    if not parts:
        return ''
    mn = parts[0]
    while mn in ('rep', 'repz', 'repnz', 'lock', 'data16', 'cs', 'ds', 'notrack', 'bnd') and len(parts) > 1:
        parts = parts[1].split(None, 1)
        mn = mn + ' ' + parts[0]
    ops = parts[1].split(',') if len(parts) > 1 else []
    return mn + ' ' + ','.join(norm_operand(o) for o in ops)


def h64(s):
    return int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), 'little')


def signature(insns):
    normed = [norm_insn(t) for _, t in insns]
    pic = hashlib.blake2b('\n'.join(normed).encode(), digest_size=8).hexdigest()
    shingles = set(n.split()[0] for n in normed if n)
    shingles.update('|'.join(normed[i:i + 3]) for i in range(max(0, len(normed) - 2)))
    hs = [h64(s) for s in shingles] or [0]
    mh = [min((a * h + b) % P61 for h in hs) & 0xffffffff for a, b in PERM]
    blocks = 1 + sum(1 for n in normed if n.startswith('j') or n.startswith('ret'))
    return pic, mh, blocks


def disassemble(path):
    """[(va, text)] of all executable sections, by objdump's linear sweep."""
    out = subprocess.run(['objdump', '-d', '-w', '-M', 'intel', path], stdout=subprocess.PIPE,
                         universal_newlines=True, errors='replace', check=True).stdout
    insns = []
    for line in out.splitlines():
        m = INSN_RE.match(line)
        if m:
            insns.append((int(m.group(1), 16), m.group(2)))
    return insns


def entry_and_pdata(path, no_pdata):
    with open(path, 'rb') as fh:
        magic = fh.read(4)
    if magic == b'\x7fELF':
        hdr = subprocess.run(['readelf', '-h', path], stdout=subprocess.PIPE,
                             universal_newlines=True).stdout
        m = re.search(r'Entry point address:\s+(0x[0-9a-f]+)', hdr)
        return [int(m.group(1), 16)] if m else [], []
    import pefile
    pe = pefile.PE(path, fast_load=True)
    base = pe.OPTIONAL_HEADER.ImageBase
    entry = [base + pe.OPTIONAL_HEADER.AddressOfEntryPoint]
    pdata = []
    if not no_pdata:
        pe.parse_data_directories(directories=[pefile.DIRECTORY_ENTRY['IMAGE_DIRECTORY_ENTRY_EXCEPTION']])
        for e in getattr(pe, 'DIRECTORY_ENTRY_EXCEPTION', []):
            if e.unwindinfo is not None and e.unwindinfo.Flags & 0x4:
                continue
            pdata.append(base + e.struct.BeginAddress)
    return entry, pdata


def main():
    argv = sys.argv[1:]
    mode = 'calls'
    if argv[:1] == ['--mode']:
        mode = argv[1]
        argv = argv[2:]
    if len(argv) < 2 or argv[0] != 'funcs':
        sys.exit(__doc__)
    path = argv[1]
    no_pdata = '--no-pdata' in argv
    insns = disassemble(path)
    vas = [va for va, _ in insns]
    names = {}
    if mode == 'symbols':
        tsv = re.sub(r'\.stripped(\.\w+)?$', '', path)
        tsv = re.sub(r'\.(exe|elf)$', '', tsv) + '.functions.tsv'
        starts = {}
        with open(tsv) as fh:
            fh.readline()
            for line in fh:
                f = line.rstrip('\n').split('\t')
                if f[5] in ('func', 'thunk'):
                    starts[int(f[0], 16)] = int(f[1])
                    names[int(f[0], 16)] = f[2]
    else:
        entry, pdata = entry_and_pdata(path, no_pdata)
        targets = set(entry) | set(pdata)
        for _, text in insns:
            m = CALL_RE.match(text)
            if m:
                targets.add(int(m.group(1), 16))
        valid = set(vas)
        order = sorted(t for t in targets if t in valid)
        starts = {}
        for i, va in enumerate(order):
            end = order[i + 1] if i + 1 < len(order) else vas[-1] + 1
            starts[va] = end - va
    import bisect
    import json
    for va in sorted(starts):
        lo = bisect.bisect_left(vas, va)
        hi = bisect.bisect_left(vas, va + max(1, starts[va]))
        body = insns[lo:hi]
        pic, mh, blocks = signature(body)
        print(json.dumps({'address': va, 'size': starts[va], 'name': names.get(va),
                          'pichash': pic, 'minhash': mh, 'flags': [], 'blocks': blocks,
                          'insns': len(body)}))


if __name__ == '__main__':
    main()

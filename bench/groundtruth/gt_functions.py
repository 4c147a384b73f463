#!/usr/bin/python3
"""Ground-truth functions of one unstripped binary, for kin's discovery and matching benchmarks.

Reads the symbol table of an unstripped PE (COFF symbols, via <triple>-objdump -t) or ELF (readelf -sW)
and the GNU ld link map, and writes a TSV with one row per function start:

    address  size  name  origin_kind  origin  kind

address: virtual address (hex); size: bytes up to the next function start or the end of the linker's
input section (PE, no sizes in COFF symbols) or st_size (ELF); name: C name (i686 PE leading underscore
and stdcall @N removed); origin_kind: project | library:<archive> | crt (a startup object);
origin: object file base name; kind: func | fragment (gcc .cold/.part split-off code reached by a jump,
not a call) | thunk (PE import stub jmp [IAT]) | ignore (a range where predictions are not scored,
e.g. ELF .plt: the row's address and size give the range).
Usage: gt_functions.py BINARY MAP PROJECT_OBJ_DIR OUT_TSV [TOOL_PREFIX]
Prints "project_funcs<TAB>library_funcs<TAB>starts_added_from_DWARF" on stdout.
"""
import bisect
import os
import re
import subprocess
import sys

# Data labels that COFF marks like functions but that are tables inside .text (mingw constructor lists).
PE_DATA_LABELS = {'__CTOR_LIST__', '___CTOR_LIST__', '__DTOR_LIST__', '___DTOR_LIST__'}
FRAGMENT_RE = re.compile(r'\.cold(\.\d+)?$')


def run(cmd):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, universal_newlines=True,
                          errors='replace').stdout


def parse_map(mapf):
    """Input-section contributions [(start, size, origin path)] of code output sections."""
    contribs = []
    in_code = False
    pending = None
    out_re = re.compile(r'^(\.\S+)')
    in_re = re.compile(r'^ (\.\S+)\s*(?:(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S.*))?$')
    cont_re = re.compile(r'^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S.*)$')
    for line in open(mapf, errors='replace'):
        line = line.rstrip('\n')
        m = out_re.match(line)
        if m:
            name = m.group(1)
            in_code = name in ('.text', '.init', '.fini') or name.startswith('.text')
            pending = None
            continue
        if not in_code:
            continue
        if pending:
            m = cont_re.match(line)
            if m:
                contribs.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip()))
            pending = None
            continue
        m = in_re.match(line)
        if m:
            if m.group(2):
                contribs.append((int(m.group(2), 16), int(m.group(3), 16), m.group(4).strip()))
            else:
                pending = m.group(1)
    contribs = [c for c in contribs if c[1] > 0 and c[0] > 0]
    contribs.sort()
    return contribs


def origin_of(path, projdir):
    base = os.path.basename(path)
    if os.path.abspath(path).startswith(projdir):
        return 'project', base
    m = re.match(r'(.*\.a)\((.*)\)$', base)
    if m:
        return 'library:' + m.group(1), m.group(2)
    return 'crt', base


def pe_symbols(binary, prefix):
    """[(va, name, is_typed_function, storage_class)] for symbols in executable sections."""
    heads = run([prefix + 'objdump', '-h', binary])
    secs = {}
    idx = 0
    for line in heads.splitlines():
        mm = re.match(r'^\s+(\d+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)', line)
        if mm:
            idx = int(mm.group(1)) + 1  # COFF section numbers are 1-based
            secs[idx] = [mm.group(2), int(mm.group(4), 16), int(mm.group(3), 16), False,
                         int(mm.group(5), 16)]
        elif idx and 'CODE' in line:
            secs[idx][3] = True
    syms = []
    sym_re = re.compile(r'^\[\s*\d+\]\(sec\s+(-?\d+)\)\(fl 0x[0-9a-f]+\)\(ty\s+([0-9a-f]+)\)'
                        r'\(scl\s+(\d+)\) \(nx \d+\) 0x([0-9a-f]+) (.*)$')
    for line in run([prefix + 'objdump', '-t', binary]).splitlines():
        mm = sym_re.match(line)
        if not mm:
            continue
        sec, ty, scl, val, name = int(mm.group(1)), int(mm.group(2), 16), int(mm.group(3)), \
            int(mm.group(4), 16), mm.group(5)
        if sec not in secs or not secs[sec][3] or scl not in (2, 3):
            continue
        if name.startswith('.') or name in PE_DATA_LABELS:
            continue
        typed = (ty & 0x30) == 0x20
        if not typed and scl != 2:
            continue
        # objdump -t prints PE symbol values relative to their section.
        syms.append((secs[sec][1] + val, name, typed, scl))
    code = [(s[1], s[1] + s[2], s[4]) for s in secs.values() if s[3]]
    return syms, code, []


def pe_bytes(binary, code, va, n):
    """n bytes at va from the file (code = [(start, end, file offset)])."""
    for start, end, off in code:
        if start <= va < end:
            with open(binary, 'rb') as fh:
                fh.seek(off + va - start)
                return fh.read(min(n, end - va))
    return b''


def elf_symbols(binary):
    secs = []
    ignore = []
    for line in run(['readelf', '-SW', binary]).splitlines():
        mm = re.match(r'^\s+\[\s*(\d+)\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*)',
                      line)
        if mm and 'X' in mm.group(5):
            start, size = int(mm.group(3), 16), int(mm.group(4), 16)
            secs.append((start, start + size))
            if mm.group(2).startswith('.plt'):
                ignore.append((start, size, mm.group(2)))
    syms = []
    for line in run(['readelf', '-sW', binary]).splitlines():
        f = line.split()
        if len(f) >= 8 and f[3] == 'FUNC' and f[6] != 'UND':
            va, size = int(f[1], 16), int(f[2])
            if va:
                syms.append((va, f[7].split('@')[0], size, f[4]))
    return syms, secs, ignore


def dwarf_functions(binary, prefix):
    """{low_pc: name} of the DWARF subprograms with code (level-1 DIEs with DW_AT_low_pc).

    gas for x64 PE treats names starting with 'L' as local labels and drops such static functions
    (e.g. lz4's LZ4_*) from the COFF symbol table; DWARF still lists them.
    """
    try:
        text = run([prefix + 'objdump', '--dwarf=info', '--dwarf-depth=2', binary])
    except subprocess.CalledProcessError:
        return {}
    names, subs = {}, []
    cur = None
    die_re = re.compile(r'^ <(\d+)><([0-9a-f]+)>: Abbrev Number: \d+ \((\w+)\)')
    attr_re = re.compile(r'^\s+<[0-9a-f]+>\s+(DW_AT_\w+)\s*: (.*)$')
    for line in text.splitlines():
        m = die_re.match(line)
        if m:
            cur = {'off': int(m.group(2), 16), 'tag': m.group(3), 'depth': int(m.group(1))}
            if cur['tag'] == 'DW_TAG_subprogram' and cur['depth'] == 1:
                subs.append(cur)
            continue
        if cur is None:
            continue
        m = attr_re.match(line)
        if not m:
            continue
        at, val = m.group(1), m.group(2).strip()
        if at == 'DW_AT_name':
            names[cur['off']] = val.rsplit(': ', 1)[-1].strip()
        elif at == 'DW_AT_low_pc':
            cur['low'] = int(val.split()[-1], 16)
        elif at in ('DW_AT_abstract_origin', 'DW_AT_specification'):
            mm = re.search(r'<0x([0-9a-f]+)>', val)
            if mm:
                cur['origin'] = int(mm.group(1), 16)
    out = {}
    for d in subs:
        if not d.get('low'):
            continue
        name = names.get(d['off'])
        seen = set()
        while name is None and d.get('origin') is not None and d['origin'] not in seen:
            seen.add(d['origin'])
            name = names.get(d['origin'])
        out[d['low']] = name or 'sub_%x' % d['low']
    return out


def clean_pe_name(name, i686):
    if i686 and name.startswith('_'):
        name = name[1:]
    if i686:
        name = re.sub(r'@\d+$', '', name)
    return name


def main():
    binary, mapf, projdir, outf = sys.argv[1:5]
    prefix = sys.argv[5] if len(sys.argv) > 5 else ''
    projdir = os.path.abspath(projdir)
    contribs = parse_map(mapf)
    starts = [c[0] for c in contribs]

    def contrib_of(va):
        i = bisect.bisect_right(starts, va) - 1
        if i >= 0 and contribs[i][0] <= va < contribs[i][0] + contribs[i][1]:
            return contribs[i]
        return None

    with open(binary, 'rb') as fh:
        is_elf = fh.read(4) == b'\x7fELF'
    rows = {}
    if is_elf:
        syms, code, ignore = elf_symbols(binary)
        for va, name, size, bind in syms:
            prev = rows.get(va)
            if prev and (prev[4] == 'GLOBAL' or bind != 'GLOBAL'):
                continue
            rows[va] = [va, size, name, None, bind]
    else:
        i686 = 'i686' in prefix or 'pei-i386' in run([prefix + 'objdump', '-f', binary])
        syms, code, ignore = pe_symbols(binary, prefix)
        for va, name, typed, scl in sorted(syms, key=lambda s: (s[0], not s[2], s[3] != 2, len(s[1]))):
            if va in rows:
                continue
            rows[va] = [va, 0, clean_pe_name(name, i686), None, 'func']
    # Functions DWARF knows but the symbol table lost (see dwarf_functions) are added by name.
    code_ranges = [(c[0], c[1]) for c in code]
    dwarf_added = 0
    for va, name in dwarf_functions(binary, prefix).items():
        if va not in rows and any(lo <= va < hi for lo, hi in code_ranges):
            rows[va] = [va, 0, name, None, 'func']
            dwarf_added += 1
    # COFF has no symbol sizes (and some ELF assembly symbols have none): such a function runs to the
    # next start or the end of its input section.
    vas = sorted(rows)
    for i, va in enumerate(vas):
        if rows[va][1]:
            continue
        c = contrib_of(va)
        end = c[0] + c[1] if c else None
        nxt = vas[i + 1] if i + 1 < len(vas) else None
        if end is None or (nxt is not None and nxt < end):
            end = nxt if nxt is not None else va
        rows[va][1] = max(0, end - va)
        # An import stub is a lone jmp [IAT] (ff 25), 6 bytes plus padding.
        if not is_elf and rows[va][1] <= 8 and pe_bytes(binary, code, va, 2) == b'\xff\x25':
            rows[va][4] = 'thunk'
    out = []
    for va in sorted(rows):
        r = rows[va]
        c = contrib_of(va)
        kind_o, obj = origin_of(c[2], projdir) if c else ('crt', '?')
        name = r[2]
        kind = 'func'
        if FRAGMENT_RE.search(name):
            kind = 'fragment'
        elif r[4] == 'thunk':
            kind = 'thunk'
        out.append((va, r[1], name, kind_o, obj, kind))
    for start, size, sec in ignore:
        out.append((start, size, sec, 'linker', sec, 'ignore'))
    out.sort()
    with open(outf, 'w') as o:
        o.write('address\tsize\tname\torigin_kind\torigin\tkind\n')
        for va, size, name, ko, obj, kind in out:
            o.write('0x%x\t%d\t%s\t%s\t%s\t%s\n' % (va, size, name, ko, obj, kind))
    proj = sum(1 for r in out if r[3] == 'project' and r[5] != 'ignore')
    print('%d\t%d\t%d' % (proj, sum(1 for r in out if r[5] != 'ignore') - proj, dwarf_added))


if __name__ == '__main__':
    main()

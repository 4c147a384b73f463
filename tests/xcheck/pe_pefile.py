#!/usr/bin/python3
"""pe_pefile.py: compares kin's PE loader with python3-pefile, file by file.

For every file, `kin info --json` (batched) and pefile.PE(path) are compared on:

    imphash     get_imphash()                 rich_hash  get_rich_header_hash()
    sections    (name, va, vsize, raw size)   imports    (library, name|ordinal, delay, slot)
    exports     (name, ordinal, va, forwarder)
    entry       AddressOfEntryPoint (absent in DLLs with entry 0)
    tls         number of TLS callbacks       relocs     base relocations (type != ABSOLUTE)
    pdata       x64 exception directory entries with end > begin
    pdb         CodeView PDB path             overlay    get_overlay_data_start_offset()
    dll_name    the export directory's Name (the module's own name)

A field "agrees" when both sides are equal; files pefile refuses count as "pefile-error", and
export lists pefile cuts at its 8192-symbol cap are skipped. Long
section names ("/4") are resolved through the COFF string table here too (pefile leaves them raw),
and raw sizes are clipped to the file as kin reports them. Prints per-field counts and the first
disagreements; exits 1 when a field listed in --strict (default: all) disagrees on any file.

    /usr/bin/python3 pe_pefile.py KIN [--strict FIELDS] [--quiet] PATH...   (directories recurse)
"""
import argparse
import json
import os
import subprocess
import sys

import pefile

FIELDS = ('imphash', 'rich_hash', 'sections', 'imports', 'exports', 'entry', 'tls', 'relocs',
          'pdata', 'pdb', 'overlay', 'dll_name')
BATCH = 200
SKIP = object()  # a field pefile cannot be compared on for this file


def files_of(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                for n in sorted(names):
                    q = os.path.join(root, n)
                    if os.path.isfile(q) and not os.path.islink(q):
                        out.append(q)
        elif os.path.isfile(p):
            out.append(p)
    return sorted(out)


def kin_info(kin, files):
    """Maps path -> kin's JSON object (PE files only)."""
    res = {}
    for i in range(0, len(files), BATCH):
        chunk = files[i:i + BATCH]
        proc = subprocess.run([kin, 'info', '--json', '--', *chunk], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, check=False)
        if proc.returncode not in (0, 3):
            sys.exit('pe_pefile: kin crashed or failed (exit %d) on a batch starting at %s'
                     % (proc.returncode, chunk[0]))
        for line in proc.stdout.decode('utf-8', 'replace').splitlines():
            obj = json.loads(line)
            if obj.get('format') == 'pe':
                res[obj['file']] = obj
    return res


def long_name(pe, data, raw):
    name = raw.rstrip(b'\0')
    digits = name[1:]
    if name[:1] != b'/' or not digits.isdigit():
        return name
    fh = pe.FILE_HEADER
    strtab = fh.PointerToSymbolTable + fh.NumberOfSymbols * 18
    n = int(digits)
    if fh.PointerToSymbolTable == 0 or strtab + 4 > len(data):
        return name
    size = int.from_bytes(data[strtab:strtab + 4], 'little')
    if n < 4 or n >= size or strtab + n >= len(data):
        return name
    end = data.find(b'\0', strtab + n, strtab + n + 4096)
    return data[strtab + n:end if end >= 0 else strtab + n + 4096]


def ref_sections(pe, data):
    out = []
    fa = pe.OPTIONAL_HEADER.FileAlignment
    for s in pe.__structures__:
        if not isinstance(s, pefile.SectionStructure):
            continue
        name = long_name(pe, data, s.Name)
        ptr = s.PointerToRawData
        adj = ptr & ~0x1ff if fa >= 0x200 else ptr
        if s.SizeOfRawData == 0 or adj >= len(data):
            size = 0
        else:
            size = min(ptr + s.SizeOfRawData, len(data)) - adj
        vsize = s.Misc_VirtualSize or s.SizeOfRawData
        out.append((name.decode('latin-1'), pe.OPTIONAL_HEADER.ImageBase + s.VirtualAddress,
                    vsize, size))
    return out


def ref_imports(pe):
    out = []
    for attr, delay in (('DIRECTORY_ENTRY_IMPORT', False), ('DIRECTORY_ENTRY_DELAY_IMPORT', True)):
        for e in getattr(pe, attr, []):
            lib = e.dll.decode('latin-1')
            for imp in e.imports:
                if imp.import_by_ordinal:
                    out.append((lib, None, imp.ordinal, delay, imp.address))
                else:
                    out.append((lib, imp.name.decode('latin-1'), None, delay, imp.address))
    return out


def ref_exports(pe):
    out = []
    d = getattr(pe, 'DIRECTORY_ENTRY_EXPORT', None)
    if not d:
        return out
    for s in d.symbols:
        fwd = s.forwarder.decode('latin-1') if s.forwarder is not None else None
        va = None if fwd is not None else pe.OPTIONAL_HEADER.ImageBase + s.address
        out.append((s.name.decode('latin-1') if s.name else None, s.ordinal, va, fwd))
    return out


def ref_tls(pe):
    tls = getattr(pe, 'DIRECTORY_ENTRY_TLS', None)
    if not tls or not tls.struct.AddressOfCallBacks:
        return 0
    base, size = pe.OPTIONAL_HEADER.ImageBase, pe.OPTIONAL_HEADER.SizeOfImage
    ps = 8 if pe.PE_TYPE == pefile.OPTIONAL_HEADER_MAGIC_PE_PLUS else 4
    rva = tls.struct.AddressOfCallBacks - base
    n = 0
    for i in range(256):
        try:
            data = pe.get_data(rva + i * ps, ps)
        except pefile.PEFormatError:
            break
        if len(data) != ps:
            break
        va = int.from_bytes(data, 'little')
        if va == 0:
            break
        if base <= va < base + size:
            n += 1
    return n


def reference(path):
    with open(path, 'rb') as f:
        data = f.read()
    pe = pefile.PE(data=data)
    ref = {
        'imphash': pe.get_imphash() or '',
        'rich_hash': pe.get_rich_header_hash() or '',
        'sections': ref_sections(pe, data),
        'imports': ref_imports(pe),
        'exports': ref_exports(pe),
        'tls': ref_tls(pe),
        'relocs': sum(1 for b in getattr(pe, 'DIRECTORY_ENTRY_BASERELOC', [])
                      for e in b.entries if e.type != 0),
        'pdata': sum(1 for e in getattr(pe, 'DIRECTORY_ENTRY_EXCEPTION', [])
                     if e.struct.EndAddress > e.struct.BeginAddress)
        if pe.FILE_HEADER.Machine == 0x8664 else 0,
        'overlay': pe.get_overlay_data_start_offset(),
    }
    ep = pe.OPTIONAL_HEADER.AddressOfEntryPoint
    dll = pe.FILE_HEADER.Characteristics & 0x2000
    ref['entry'] = None if (ep == 0 and dll) else pe.OPTIONAL_HEADER.ImageBase + ep
    pdb = None
    for d in getattr(pe, 'DIRECTORY_ENTRY_DEBUG', []):
        if d.struct.Type == 2 and d.entry is not None and hasattr(d.entry, 'PdbFileName'):
            pdb = d.entry.PdbFileName.split(b'\0')[0].decode('latin-1')
            break
    ref['pdb'] = pdb
    exp = getattr(pe, 'DIRECTORY_ENTRY_EXPORT', None)
    ref['dll_name'] = exp.name.decode('latin-1') if exp is not None and exp.name else None
    # pefile stops at 8192 exports ("Assuming corrupt"); kin lists them all (up to 65536).
    if any('Export directory contains more than' in w for w in pe.get_warnings()):
        ref['exports'] = SKIP
    pe.close()
    return ref


def from_kin(obj):
    pe = obj.get('pe') or {}
    entries = obj.get('entry_points') or []
    main = [e['va'] for e in entries if e['kind'] == 'main']
    ov = pe.get('overlay')
    return {
        'imphash': obj.get('imphash') or '',
        'rich_hash': obj.get('rich_hash') or '',
        'sections': [(s['name'], s['va'], s['vsize'], s['size']) for s in obj['sections']],
        'imports': [(i['library'], i['name'], i['ordinal'], i['delay'], i['slot'])
                    for i in obj['imports']],
        'exports': [(e['name'], e['ordinal'], e['va'], e['forwarder']) for e in obj['exports']],
        'entry': main[0] if main else None,
        'tls': sum(1 for e in entries if e['kind'] == 'tls_callback'),
        'relocs': pe.get('relocations', 0),
        'pdata': pe.get('pdata', 0),
        'pdb': (obj.get('pdb') or {}).get('path'),
        'overlay': ov['offset'] if ov else None,
        'dll_name': pe.get('dll_name'),
    }


def norm(field, v):
    # pefile's section list is in VA order, kin's in table order.
    return sorted(v, key=repr) if field == 'sections' else v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('kin')
    ap.add_argument('paths', nargs='+')
    ap.add_argument('--strict', default=','.join(FIELDS))
    ap.add_argument('--quiet', action='store_true')
    ap.add_argument('--show', type=int, default=10, help='disagreements listed per field')
    a = ap.parse_args()
    strict = set(f for f in a.strict.split(',') if f)
    files = files_of(a.paths)
    kin = kin_info(a.kin, files)
    agree = {f: 0 for f in FIELDS}
    bad = {f: [] for f in FIELDS}
    skipped = {f: 0 for f in FIELDS}
    pefile_errors = 0
    for path in files:
        if path not in kin:
            continue
        try:
            ref = reference(path)
        except Exception:  # pefile refuses the file: nothing to compare with
            pefile_errors += 1
            continue
        mine = from_kin(kin[path])
        for f in FIELDS:
            if ref[f] is SKIP:
                skipped[f] += 1
            elif norm(f, mine[f]) == norm(f, ref[f]):
                agree[f] += 1
            else:
                bad[f].append((path, mine[f], ref[f]))
    total = len(kin) - pefile_errors
    print('pe_pefile: %d PE files (kin), %d refused by pefile, %d compared'
          % (len(kin), pefile_errors, total))
    failed = False
    for f in FIELDS:
        extra = ' (%d beyond pefile\'s caps, skipped)' % skipped[f] if skipped[f] else ''
        print('  %-10s agree %d/%d%s' % (f, agree[f], total - skipped[f], extra))
        if bad[f] and f in strict:
            failed = True
        if not a.quiet:
            for path, mine, ref in bad[f][:a.show]:
                print('    DIFF %s %s\n      kin:    %.600r\n      pefile: %.600r'
                      % (f, path, mine, ref))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

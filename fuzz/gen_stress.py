#!/usr/bin/env python3
"""gen_stress.py: writes large hostile PE files that drive the loader into each cap of
src/core/limits.h, which fuzz inputs (at most ~20 KB) cannot reach: 65535 sections, thousands of
import descriptors sharing one thunk table, a million thunks, resource trees that are DAGs with
millions of paths, a million relocations, export tables with 4 KB names, 1.1 million .pdata
entries, an oversized Rich header, hundreds of TLS callbacks and debug entries, overlapping
sections that multiply entropy work, and an anomaly flood. Files are 1 to 16 MB and are not
committed; replay them through a fuzz target, which checks the image and the memory bound:

    python3 fuzz/gen_stress.py /tmp/kin-stress
    KIN_FUZZ_MEMSTATS=1 build/asan/fuzz/fuzz_pe /tmp/kin-stress          # ASan, gcc
    for f in /tmp/kin-stress/*; do /usr/bin/time -f "%e s %M KiB $f" build/release/fuzz/fuzz_pe $f; done
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_seeds as g  # noqa: E402


def add_section(img, name, payload, chars=g.SCN_IDATA | g.SCN_R):
    """Appends a section holding payload at the end of the file and the image; returns its RVA."""
    last = img.sec_off(img.nsec - 1)
    rva = g.align(img.r32(last + 12) + max(img.r32(last + 8), 1), 0x1000)
    raw = g.align(len(img.data), 0x200)
    img.data += bytes(raw - len(img.data))
    assert img.sec_off(img.nsec + 1) <= 0x400, 'no room in the section table'
    struct.pack_into('<8sIIIIIIHHI', img.data, img.sec_off(img.nsec), name, len(payload), rva,
                     g.align(len(payload), 0x200), raw, 0, 0, 0, 0, chars)
    img.data += payload + bytes(g.align(len(payload), 0x200) - len(payload))
    img.nsec += 1
    img.u16(img.e_lfanew + 6, img.nsec)
    img.u32(img.opt + 56, g.align(rva + len(payload), 0x1000))  # SizeOfImage
    return rva


def base64():
    return g.build_pe(64, cert=False)


def set_dir(img, i, rva, size):
    img.u32(img.dir_off(i), rva).u32(img.dir_off(i) + 4, size)


def many_sections():
    """NumberOfSections 65535 with a full table after the headers (cap: KIN_MAX_SECTIONS)."""
    img = g.build_pe(32, cert=False)
    n = 65535
    sect = bytearray()
    for k in range(n):
        sect += struct.pack('<8sIIIIIIHHI', b'.s%05d' % (k % 100000), 0x200, 0x1000 + k * 0x1000,
                            0x200, 0x400, 0, 0, 0, 0, g.SCN_CODE | g.SCN_X | g.SCN_R)
    img.u16(img.e_lfanew + 6, n)
    img.data[img.sectab:] = sect
    img.data += bytes(0x600)
    return img.data


def import_fanout(named=True, ndesc=5000, nthunk=400, namelen=4200):
    """ndesc descriptors, each with its own IAT RVA (so no loop is detected), all sharing one
    lookup table of nthunk thunks. named: every thunk names the same namelen-byte string
    (imports cap, arena budget); else every name RVA is unmapped (thunk cap, no imports). With
    ndesc=24 and namelen=4095 (names fill the arena's 64 KiB blocks exactly) the file is 13 KB,
    exhausts the arena budget and used to lose its limit.memory anomaly (fuzz/regress/fuzz_pe/
    arena-budget-limit-memory-anomaly-dropped, `gen_stress.py --budget FILE`)."""
    img = base64()
    sec = bytearray()
    dll = len(sec)
    sec += b'STRESS.dll\0'
    name = g.align(len(sec), 2)
    sec += bytes(name - len(sec)) + b'\0\0' + b'N' * namelen + b'\0'
    lookup = g.align(len(sec), 8)
    sec += bytes(lookup - len(sec))
    rva0 = 0x7000  # add_section places the first new section here (checked below)
    target = rva0 + name if named else 0x7FFFFFF0
    sec += struct.pack('<Q', target) * nthunk + bytes(8)
    desc = g.align(len(sec), 4)
    sec += bytes(desc - len(sec))
    for k in range(ndesc):
        sec += struct.pack('<IIIII', rva0 + lookup, 0, 0, rva0 + dll, rva0 + lookup + 8 * k)
    sec += bytes(20)
    rva = add_section(img, b'.imp', bytes(sec))
    assert rva == rva0
    set_dir(img, g.DIR_IMPORT, rva + desc, 20 * (ndesc + 1))
    return img.data


def resource_dag():
    """A resource tree whose three levels each have 200 entries pointing at one shared
    directory: 8 million paths (caps: resources, directories, entries read)."""
    img = base64()
    n = 200
    sec = bytearray()
    dirs = []
    for level in range(3):
        off = len(sec)
        dirs.append(off)
        sec += struct.pack('<IIHHHH', 0, 0, 4, 0, 0, n) + bytes(8 * n)
    leaf = len(sec)
    sec += struct.pack('<IIII', 0, 16, 0, 0)
    rva = add_section(img, b'.rsrc2', bytes(sec) + bytes(16))
    for level, off in enumerate(dirs):
        for k in range(n):
            child = (0x80000000 | dirs[level + 1]) if level < 2 else leaf
            struct.pack_into('<II', img.data, img.rva_off(rva + off) + 16 + 8 * k, k + 1, child)
    struct.pack_into('<I', img.data, img.rva_off(rva + leaf), rva + leaf + 16)
    set_dir(img, g.DIR_RESOURCE, rva, len(sec) + 16)
    return img.data


def many_relocs():
    """1.2 million DIR64 relocation entries in 4 KB pages (cap: KIN_MAX_RELOCS)."""
    img = base64()
    sec = bytearray()
    per = 2048
    for page in range(600):
        sec += struct.pack('<II', 0x1000 * (page + 1), 8 + 2 * per)
        sec += struct.pack('<%dH' % per, *[(10 << 12) | (k * 2 & 0xFFF) for k in range(per)])
    rva = add_section(img, b'.reloc2', bytes(sec))
    set_dir(img, g.DIR_BASERELOC, rva, len(sec))
    return img.data


def big_exports():
    """100000 exported functions whose names all point at one 4 KB string (cap: exports)."""
    img = base64()
    n = 100000
    sec = bytearray(40)
    name = len(sec)
    sec += b'E' * 4095 + b'\0'
    eat = len(sec)
    rva0 = 0x7000
    sec += struct.pack('<%dI' % n, *([0x1030] * n))
    enpt = len(sec)
    sec += struct.pack('<%dI' % n, *([rva0 + name] * n))
    eord = len(sec)
    sec += struct.pack('<%dH' % n, *[k & 0xFFFF for k in range(n)])
    struct.pack_into('<IIHHIIIIIII', sec, 0, 0, 0, 0, 0, rva0 + name, 1, n, n, rva0 + eat,
                     rva0 + enpt, rva0 + eord)
    rva = add_section(img, b'.edata', bytes(sec))
    assert rva == rva0
    set_dir(img, g.DIR_EXPORT, rva, 40)
    return img.data


def many_pdata():
    """1.1 million RUNTIME_FUNCTION entries (cap: KIN_MAX_RUNTIME_FUNCS)."""
    img = base64()
    n = 1100000
    sec = struct.pack('<III', 0x1000, 0x1011, 0x2000) * n
    rva = add_section(img, b'.pdata2', sec)
    set_dir(img, g.DIR_EXCEPTION, rva, len(sec))
    return img.data


def big_rich():
    """A Rich header of 400 entries between the DOS stub and the NT headers (cap: 256)."""
    img = g.build_pe(64, cert=False, rich=False)
    entries = [((0x100 + k) << 16 | 30000, k + 1) for k in range(400)]
    dos = bytes(img.data[:0x80])
    rich = g.rich_block(dos, entries)
    old = img.e_lfanew
    new = g.align(0x80 + len(rich), 8)
    body = img.data[old:]
    shift = new - old
    img.data = bytearray(dos) + rich + bytes(new - 0x80 - len(rich)) + body
    struct.pack_into('<I', img.data, 0x3C, new)
    # Section raw offsets move with the headers: shift each one.
    sectab = img.sectab + shift
    for k in range(img.nsec):
        o = sectab + 40 * k + 20
        struct.pack_into('<I', img.data, o, struct.unpack_from('<I', img.data, o)[0] + shift)
    return img.data


def many_tls_and_debug():
    """300 TLS callbacks and 200 debug directory entries (caps: TLS callbacks, debug entries)."""
    img = base64()
    n = 300
    rva0 = 0x7000
    cbs = struct.pack('<Q', img.base + 0x1020) * n + bytes(8)
    dbg_off = g.align(len(cbs), 4)
    cv = b'RSDS' + bytes(16) + struct.pack('<I', 1) + b'x.pdb\0'
    dbg = b''
    cv_off = dbg_off + 28 * 200
    for k in range(200):
        dbg += struct.pack('<IIHHIIII', 0, 0, 0, 0, 2, len(cv), rva0 + cv_off, 0)
    sec = cbs + bytes(dbg_off - len(cbs)) + dbg + cv
    rva = add_section(img, b'.tls2', sec)
    assert rva == rva0
    tls = img.rva_off(img.tls)
    struct.pack_into('<Q', img.data, tls + 24, img.base + rva)
    # Debug entries carry file offsets of their data too.
    for k in range(200):
        struct.pack_into('<I', img.data, img.rva_off(rva + dbg_off) + 28 * k + 24,
                         img.rva_off(rva + cv_off))
    set_dir(img, g.DIR_DEBUG, rva + dbg_off, 28 * 200)
    return img.data


def entropy_overlap():
    """4096 sections, each covering the whole 4 MB file: 16 GB of entropy work without a
    budget (KIN_ENTROPY_WORK_FACTOR)."""
    img = g.build_pe(32, cert=False)
    n = 4000
    size = 4 << 20
    sect = bytearray()
    for k in range(n):
        sect += struct.pack('<8sIIIIIIHHI', b'.all', size, 0x1000, size, 0, 0, 0, 0, 0,
                            g.SCN_IDATA | g.SCN_R)
    img.u16(img.e_lfanew + 6, n)
    img.data[img.sectab:] = sect
    img.data += bytes(range(256)) * ((size - len(img.data)) // 256 + 1)
    return img.data


def anomaly_flood():
    """100000 import thunks with unmapped name RVAs, each in its own descriptor, plus sections
    past the end: far more than KIN_MAX_ANOMALIES anomalies."""
    img = base64()
    n = 4000
    sec = bytearray()
    rva0 = 0x7000
    lookup = len(sec)
    sec += struct.pack('<Q', 0x7FFFFFF0) + bytes(8)
    desc = len(sec)
    for k in range(n):
        sec += struct.pack('<IIIII', rva0 + lookup, 0, 0, 0x7FFFFF00 + k, rva0 + 0x100000 + k)
    sec += bytes(20)
    rva = add_section(img, b'.imp', bytes(sec))
    assert rva == rva0
    set_dir(img, g.DIR_IMPORT, rva + desc, 20 * (n + 1))
    return img.data


CASES = [many_sections, import_fanout, lambda: import_fanout(named=False), resource_dag,
         many_relocs, big_exports, many_pdata, big_rich, many_tls_and_debug, entropy_overlap,
         anomaly_flood]
NAMES = ['sections_65535', 'import_fanout_named', 'import_fanout_unmapped', 'resource_dag',
         'relocs_1m', 'exports_100k_long_names', 'pdata_1m', 'rich_400', 'tls300_debug200',
         'entropy_overlap', 'anomaly_flood']


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--budget':
        with open(sys.argv[2], 'wb') as f:
            f.write(import_fanout(ndesc=24, namelen=4095))
        return 0
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, fn in zip(NAMES, CASES):
        data = fn()
        with open(os.path.join(out, name + '.exe'), 'wb') as f:
            f.write(data)
        print('gen_stress: %-26s %9d bytes' % (name, len(data)))
    return 0


if __name__ == '__main__':
    sys.exit(main())

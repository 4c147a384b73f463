#!/usr/bin/env python3
"""gen_seeds.py: writes the hand-made seed inputs of the loader fuzz targets.

Every seed is built here from nothing but this script: well-formed PE32/PE32+ images that carry
each structure the PE loader reads (Rich header, imports by name and ordinal, delay-load imports,
exports with a forwarder, TLS callbacks, base relocations, .pdata, a CodeView RSDS/NB10 record,
resources, an Authenticode-shaped certificate, an overlay), the malformed variants issue #2 lists
(truncated headers, section table past the end, import descriptor loops, enormous counts,
overlapping sections, RVA wrap-around, zero-size everything), and small ELF files in both
classes and byte orders. No seed is larger than 20 KB. Output is deterministic.

    python3 fuzz/gen_seeds.py            # rewrites fuzz/corpus/fuzz_pe and fuzz/corpus/fuzz_load

fuzz_load seeds are the same files behind one mode byte (see fuzz_load.c).
"""
import os
import struct
import sys

TOP = os.path.dirname(os.path.abspath(__file__))

# ------------------------------------------------------------------------------------------------
# PE builder


def align(x, a):
    return (x + a - 1) // a * a


class Sec:
    """One section being filled: a bump allocator over its bytes, addressed by RVA."""

    def __init__(self, name, rva, chars):
        self.name, self.rva, self.chars = name, rva, chars
        self.data = bytearray()

    def reserve(self, n, al=4):
        while len(self.data) % al:
            self.data.append(0)
        r = self.rva + len(self.data)
        self.data += bytes(n)
        return r

    def add(self, b, al=4):
        r = self.reserve(len(b), al)
        self.write(r, b)
        return r

    def write(self, rva, b):
        o = rva - self.rva
        self.data[o:o + len(b)] = b

    def pack(self, rva, fmt, *v):
        self.write(rva, struct.pack('<' + fmt, *v))


def rol32(v, n):
    n &= 31
    v &= 0xFFFFFFFF
    return ((v << n) | (v >> (32 - n))) & 0xFFFFFFFF if n else v


DOS_STUB = (bytes.fromhex('0e1fba0e00b409cd21b8014ccd21') +
            b'This program cannot be run in DOS mode.\r\r\n$')


def rich_block(dos, entries):
    """The Rich header for a DOS header+stub `dos` (0x80 bytes), with the checksum key MSVC's
    linker computes over the DOS header (e_lfanew skipped) and the comp.id entries."""
    key = len(dos)
    for i, b in enumerate(dos):
        if 0x3C <= i < 0x40:
            continue
        key = (key + rol32(b, i)) & 0xFFFFFFFF
    for compid, count in entries:
        key = (key + rol32(compid, count)) & 0xFFFFFFFF
    words = [0x536E6144 ^ key, key, key, key]  # "DanS" and three zero words, masked
    for compid, count in entries:
        words += [compid ^ key, count ^ key]
    return struct.pack('<%dI' % len(words), *words) + b'Rich' + struct.pack('<I', key)


def pe_checksum(data, off):
    data = bytes(data) + bytes(-len(data) % 4)
    s = 0
    for i in range(0, len(data), 4):
        if i == off:
            continue
        s += struct.unpack_from('<I', data, i)[0]
        s = (s & 0xFFFFFFFF) + (s >> 32)
    s = (s & 0xFFFF) + (s >> 16)
    s = (s + (s >> 16)) & 0xFFFF
    return s + len(data)


SCN_CODE, SCN_IDATA = 0x20, 0x40
SCN_X, SCN_R, SCN_W = 0x20000000, 0x40000000, 0x80000000

DIR_EXPORT, DIR_IMPORT, DIR_RESOURCE, DIR_EXCEPTION, DIR_SECURITY = 0, 1, 2, 3, 4
DIR_BASERELOC, DIR_DEBUG, DIR_TLS, DIR_IAT, DIR_DELAY = 5, 6, 9, 12, 13


class Image:
    """A PE image with file offsets of its headers, so malformed variants can patch fields."""

    def __init__(self, data, **kw):
        self.data = bytearray(data)
        self.__dict__.update(kw)

    def copy(self):
        return Image(self.data, **{k: v for k, v in self.__dict__.items() if k != 'data'})

    def u16(self, off, v):
        struct.pack_into('<H', self.data, off, v & 0xFFFF)
        return self

    def u32(self, off, v):
        struct.pack_into('<I', self.data, off, v & 0xFFFFFFFF)
        return self

    def u64(self, off, v):
        struct.pack_into('<Q', self.data, off, v)
        return self

    def r32(self, off):
        return struct.unpack_from('<I', self.data, off)[0]

    def dir_off(self, i):
        return self.dirs + 8 * i

    def sec_off(self, i):
        return self.sectab + 40 * i

    def rva_off(self, rva):
        for i in range(self.nsec):
            va, vs = self.r32(self.sec_off(i) + 12), self.r32(self.sec_off(i) + 8)
            raw = self.r32(self.sec_off(i) + 20)
            if va <= rva < va + max(vs, 1):
                return raw + rva - va
        raise KeyError(hex(rva))


def build_pe(bits, dll=False, machine=None, pdb='rsds', cert=True, overlay=b'', rich=True):
    """A small, fully populated PE32 (bits=32) or PE32+ (bits=64) image."""
    ptr = bits // 8
    pfmt = 'Q' if bits == 64 else 'I'
    if machine is None:
        machine = 0x8664 if bits == 64 else 0x14C
    base = 0x140000000 if bits == 64 else 0x400000
    if dll:
        base = 0x180000000 if bits == 64 else 0x10000000

    text = Sec(b'.text', 0x1000, SCN_CODE | SCN_X | SCN_R)
    rdata = Sec(b'.rdata', 0x2000, SCN_IDATA | SCN_R)
    data = Sec(b'.data', 0x3000, SCN_IDATA | SCN_R | SCN_W)
    pdata = Sec(b'.pdata', 0x4000, SCN_IDATA | SCN_R)
    rsrc = Sec(b'.rsrc', 0x5000, SCN_IDATA | SCN_R)
    reloc = Sec(b'.reloc', 0x6000, SCN_IDATA | SCN_R | 0x02000000)
    dirs = {}
    relocs = []  # RVAs of pointer-sized absolute addresses

    # Imports: KERNEL32 by name, WS2_32 by ordinal (the imphash algorithm maps these to names).
    libs = [('KERNEL32.dll', [(0x2B5, 'GetProcAddress'), (0x15E, 'ExitProcess'),
                              (0x3C1, 'LoadLibraryA')]),
            ('WS2_32.dll', [23, 115, 3]),
            ('msvcrt.dll', [(0x48, '__getmainargs'), (0x4B0, 'printf')])]
    desc = rdata.reserve(20 * (len(libs) + 1))
    iat_lo, iat_hi, slots = None, None, {}
    for i, (dll_name, funcs) in enumerate(libs):
        ilt = rdata.reserve(ptr * (len(funcs) + 1), 8)
        iat = rdata.reserve(ptr * (len(funcs) + 1), 8)
        iat_lo = iat if iat_lo is None else iat_lo
        iat_hi = iat + ptr * (len(funcs) + 1)
        for j, f in enumerate(funcs):
            if isinstance(f, int):
                v = f | (1 << (bits - 1))
            else:
                v = rdata.add(struct.pack('<H', f[0]) + f[1].encode() + b'\0', 2)
                slots[f[1]] = iat + j * ptr
            rdata.pack(ilt + j * ptr, pfmt, v)
            rdata.pack(iat + j * ptr, pfmt, v)
        name = rdata.add(dll_name.encode() + b'\0', 1)
        rdata.pack(desc + 20 * i, 'IIIII', ilt, 0, 0, name, iat)
    dirs[DIR_IMPORT] = (desc, 20 * (len(libs) + 1))
    dirs[DIR_IAT] = (iat_lo, iat_hi - iat_lo)

    # Code: main calls ExitProcess through the IAT; a TLS callback; two exported functions.
    main = text.rva
    if bits == 64:
        code = bytes.fromhex('4883ec28') + bytes.fromhex('33c9') + b'\xff\x15'
        rel = slots['ExitProcess'] - (main + len(code) + 4)
        code += struct.pack('<i', rel) + bytes.fromhex('4883c428c3')
    else:
        code = bytes.fromhex('6a00') + b'\xff\x15'
        relocs.append(main + len(code))
        code += struct.pack('<I', base + slots['ExitProcess']) + b'\xc3'
    text.add(code, 16)
    main_end = text.rva + len(text.data)
    tls_cb = text.add(b'\xc3' if bits == 64 else b'\xc2\x0c\x00', 16)
    tls_end = text.rva + len(text.data)
    alpha = text.add(bytes.fromhex('31c0c3'), 16)
    gamma = text.add(bytes.fromhex('b801000000c3'), 16)

    # Exports: Alpha (named), Beta (forwarded to NTDLL), an ordinal-only function, Gamma.
    exp = rdata.reserve(40)
    dll_name = rdata.add(b'seed.dll\0', 1)
    n_funcs = 4
    eat = rdata.reserve(4 * n_funcs)
    names = [('Alpha', 0), ('Beta', 1), ('Gamma', 3)]
    enpt = rdata.reserve(4 * len(names))
    eord = rdata.reserve(2 * len(names), 2)
    fwd = rdata.add(b'NTDLL.RtlBeta\0', 1)
    for k, (nm, idx) in enumerate(names):
        rdata.pack(enpt + 4 * k, 'I', rdata.add(nm.encode() + b'\0', 1))
        rdata.pack(eord + 2 * k, 'H', idx)
    for idx, target in enumerate([alpha, fwd, gamma + 1, gamma]):
        rdata.pack(eat + 4 * idx, 'I', target)
    exp_end = rdata.rva + len(rdata.data)
    rdata.pack(exp, 'IIHHIIIIIII', 0, 0x5F000000, 0, 0, dll_name, 1, n_funcs, len(names), eat,
               enpt, eord)
    dirs[DIR_EXPORT] = (exp, exp_end - exp)

    # Debug directory with a CodeView record: RSDS (PDB 7.0) or NB10 (PDB 2.0).
    dbg = rdata.reserve(28)
    if pdb == 'rsds':
        guid = bytes(range(0x10, 0x20))
        cv = b'RSDS' + guid + struct.pack('<I', 3) + b'C:\\build\\kin\\seed\\seed.pdb\0'
    else:
        cv = b'NB10' + struct.pack('<III', 0, 0x5F000001, 2) + b'seed_nb10.pdb\0'
    cv_rva = rdata.add(cv)
    rdata.pack(dbg, 'IIHHIIII', 0, 0x5F000000, 0, 0, 2, len(cv), cv_rva, 0)  # offset patched
    dirs[DIR_DEBUG] = (dbg, 28)

    # TLS directory with one callback; every VA in it is relocated.
    tls_index = data.reserve(4)
    tls_raw = data.add(b'TLS!TLS!', 8)
    cbs = rdata.reserve(ptr * 2, 8)
    rdata.pack(cbs, pfmt, base + tls_cb)
    relocs.append(cbs)
    tls = rdata.reserve(24 if bits == 32 else 40, 8)
    vals = [base + tls_raw, base + tls_raw + 8, base + tls_index, base + cbs]
    for k, v in enumerate(vals):
        rdata.pack(tls + k * ptr, pfmt, v)
        relocs.append(tls + k * ptr)
    dirs[DIR_TLS] = (tls, 24 if bits == 32 else 40)

    # Delay-load import of USER32!MessageBoxA (attributes 1: RVA-based descriptor).
    dname = rdata.add(b'USER32.dll\0', 1)
    dhn = rdata.add(struct.pack('<H', 0) + b'MessageBoxA\0', 2)
    dint = rdata.reserve(ptr * 2, 8)
    rdata.pack(dint, pfmt, dhn)
    dmod = data.reserve(ptr, 8)
    diat = data.reserve(ptr * 2, 8)
    data.pack(diat, pfmt, base + text.rva)  # points at a (pretend) delay-load helper thunk
    relocs.append(diat)
    ddesc = rdata.reserve(64)
    rdata.pack(ddesc, 'IIIIIIII', 1, dname, dmod, diat, dint, 0, 0, 0)
    dirs[DIR_DELAY] = (ddesc, 64)

    # Unwind info and .pdata (x64 only): main allocates 0x28 bytes, the callback is a leaf.
    if bits == 64:
        uw_main = rdata.add(bytes.fromhex('0104010004420000'))
        uw_leaf = rdata.add(bytes.fromhex('01000000'))
        pd = pdata.reserve(36)
        pdata.pack(pd, 'III', main, main_end, uw_main)
        pdata.pack(pd + 12, 'III', tls_cb, tls_end, uw_leaf)
        pdata.pack(pd + 24, 'III', alpha, alpha + 3, uw_leaf)
        dirs[DIR_EXCEPTION] = (pd, 36)

    # Resources: a named type "SEED" and RT_RCDATA (10), each with one name and language.
    def rdir(off, named, ids):
        rsrc.pack(rsrc.rva + off, 'IIHHHH', 0, 0, 4, 0, named, ids)

    rsrc.reserve(0x200)
    rdir(0x00, 1, 1)
    rsrc.pack(rsrc.rva + 0x10, 'II', 0x80000000 | 0x180, 0x80000000 | 0x20)
    rsrc.pack(rsrc.rva + 0x18, 'II', 10, 0x80000000 | 0x50)
    for lvl_name, lvl_lang, leaf, dat, content in ((0x20, 0x38, 0x100, 0x1A0, b'seed-named'),
                                                   (0x50, 0x68, 0x110, 0x1C0, b'\x00\x01\x02')):
        rdir(lvl_name, 0, 1)
        rsrc.pack(rsrc.rva + lvl_name + 16, 'II', 1, 0x80000000 | lvl_lang)
        rdir(lvl_lang, 0, 1)
        rsrc.pack(rsrc.rva + lvl_lang + 16, 'II', 0x409, leaf)
        rsrc.pack(rsrc.rva + leaf, 'IIII', rsrc.rva + dat, len(content), 1252, 0)
        rsrc.write(rsrc.rva + dat, content)
    rsrc.write(rsrc.rva + 0x180, struct.pack('<H', 4) + 'SEED'.encode('utf-16-le'))
    dirs[DIR_RESOURCE] = (rsrc.rva, 0x200)

    # Base relocations, one block per page, padded to 4 bytes with an ABSOLUTE entry.
    rtype = 10 if bits == 64 else 3
    pages = {}
    for r in sorted(relocs):
        pages.setdefault(r & ~0xFFF, []).append(r & 0xFFF)
    for page, offs in sorted(pages.items()):
        ents = [(rtype << 12) | o for o in offs]
        if len(ents) % 2:
            ents.append(0)
        reloc.add(struct.pack('<II', page, 8 + 2 * len(ents)) +
                  struct.pack('<%dH' % len(ents), *ents))
    dirs[DIR_BASERELOC] = (reloc.rva, len(reloc.data))

    secs = [text, rdata, data] + ([pdata] if bits == 64 else []) + [rsrc, reloc]
    for s in secs:
        assert len(s.data) <= 0x1000, s.name

    # Headers: DOS header + stub, Rich header, NT headers, section table.
    dos = bytearray(0x80)
    struct.pack_into('<HHHHHHHHHHHHHH', dos, 0, 0x5A4D, 0x90, 3, 0, 4, 0, 0xFFFF, 0, 0xB8, 0,
                     0, 0, 0x40, 0)
    dos[0x40:0x40 + len(DOS_STUB)] = DOS_STUB
    rich_entries = [((0x0104 << 16) | 30148, 5), ((0x0105 << 16) | 30148, 12),
                    ((0x0103 << 16) | 30148, 3), ((0x0102 << 16) | 30148, 1), (0x00010000, 33)]
    rh = rich_block(bytes(dos), rich_entries) if rich else b''
    e_lfanew = align(0x80 + len(rh), 8)
    hdr = bytearray(dos + rh + bytes(e_lfanew - 0x80 - len(rh)))
    struct.pack_into('<I', hdr, 0x3C, e_lfanew)
    opt_size = 0xF0 if bits == 64 else 0xE0
    chars = 0x0022 if bits == 64 else 0x0102
    if dll:
        chars |= 0x2000
    hdr += b'PE\0\0' + struct.pack('<HHIIIHH', machine, len(secs), 0x5F000000, 0, 0, opt_size,
                                   chars)
    opt_off = len(hdr)
    size_hdrs = align(opt_off + opt_size + 40 * len(secs), 0x200)
    raw, layout = size_hdrs, []
    for s in secs:
        layout.append(raw)
        raw += align(len(s.data), 0x200)
    size_img = align(secs[-1].rva + len(secs[-1].data), 0x1000)
    code_size = align(len(text.data), 0x200)
    idata_size = sum(align(len(s.data), 0x200) for s in secs[1:])
    if bits == 64:
        opt = struct.pack('<HBBIIIIIQIIHHHHHHIIIIHHQQQQII', 0x20B, 14, 0, code_size, idata_size, 0,
                          main, text.rva, base, 0x1000, 0x200, 6, 0, 0, 0, 6, 0, 0, size_img,
                          size_hdrs, 0, 3 if not dll else 2, 0x8160, 0x100000, 0x1000, 0x100000,
                          0x1000, 0, 16)
    else:
        opt = struct.pack('<HBBIIIIIIIIIHHHHHHIIIIHHIIIIII', 0x10B, 14, 0, code_size, idata_size,
                          0, main, text.rva, rdata.rva, base, 0x1000, 0x200, 6, 0, 0, 0, 6, 0, 0,
                          size_img, size_hdrs, 0, 3 if not dll else 2, 0x8140, 0x100000, 0x1000,
                          0x100000, 0x1000, 0, 16)
    dir_tab = bytearray(16 * 8)
    for i, (rva, size) in dirs.items():
        struct.pack_into('<II', dir_tab, 8 * i, rva, size)
    hdr += opt + dir_tab
    assert len(hdr) == opt_off + opt_size
    sectab = len(hdr)
    for s, off in zip(secs, layout):
        hdr += struct.pack('<8sIIIIIIHHI', s.name, len(s.data), s.rva, align(len(s.data), 0x200),
                           off, 0, 0, 0, 0, s.chars)
    out = bytearray(hdr + bytes(size_hdrs - len(hdr)))
    for s in secs:
        out += s.data + bytes(align(len(s.data), 0x200) - len(s.data))

    img = Image(out, e_lfanew=e_lfanew, opt=opt_off, dirs=opt_off + opt_size - 128, sectab=sectab,
                nsec=len(secs), bits=bits, exp=exp, desc=desc, dbg=dbg, tls=tls, ddesc=ddesc,
                cbs=cbs, base=base, rsrc=rsrc.rva, reloc=reloc.rva, text=text.rva, data_rva=data.rva,
                pdata=dirs.get(DIR_EXCEPTION, (0, 0))[0])
    # The debug record's file offset is known only now.
    img.u32(img.rva_off(dbg) + 24, img.rva_off(cv_rva))
    end_of_sections = len(img.data)
    if cert:
        blob = bytes.fromhex('3082') + struct.pack('>H', 60) + bytes(range(60))
        wc = struct.pack('<IHH', 8 + len(blob), 0x0200, 0x0002) + blob
        wc += bytes(-len(wc) % 8)
        img.u32(img.dir_off(DIR_SECURITY), len(img.data)).u32(img.dir_off(DIR_SECURITY) + 4,
                                                              len(wc))
        img.data += wc
    img.data += overlay
    img.end_of_sections = end_of_sections
    img.u32(opt_off + 64, pe_checksum(img.data, opt_off + 64))
    return img


def tiny_pe():
    """A 512-byte PE32 with one section holding everything, FileAlignment 0x200, no Rich."""
    out = bytearray(0x400)
    struct.pack_into('<HH', out, 0, 0x5A4D, 0x90)
    struct.pack_into('<I', out, 0x3C, 0x40)
    out[0x40:0x44] = b'PE\0\0'
    struct.pack_into('<HHIIIHH', out, 0x44, 0x14C, 1, 0, 0, 0, 0xE0, 0x0103)
    opt = 0x58
    struct.pack_into('<HBBIIIIIIIIIHHHHHHIIIIHHIIIIII', out, opt, 0x10B, 1, 0, 0x200, 0, 0,
                     0x1000, 0x1000, 0x1000, 0x400000, 0x1000, 0x200, 4, 0, 0, 0, 4, 0, 0,
                     0x2000, 0x200, 0, 2, 0, 0x100000, 0x1000, 0x100000, 0x1000, 0, 16)
    struct.pack_into('<8sIIIIIIHHI', out, opt + 0xE0, b'.text', 0x10, 0x1000, 0x200, 0x200, 0,
                     0, 0, 0, SCN_CODE | SCN_X | SCN_R)
    out[0x200:0x206] = bytes.fromhex('6a2a58c3cccc')  # push 42; pop eax; ret
    return bytes(out)


def tiny_lfanew4():
    """The tiny-PE trick: e_lfanew = 4, so the NT headers overlap the DOS header and
    SectionAlignment (at file offset 0x3C) doubles as e_lfanew. FileAlignment is 4 too."""
    out = bytearray(0x160)
    out[0:2] = b'MZ'
    out[4:8] = b'PE\0\0'
    struct.pack_into('<HHIIIHH', out, 8, 0x14C, 1, 0, 0, 0, 0xE0, 0x0103)
    opt = 0x1C
    struct.pack_into('<HBBIIIIIIIIIHHHHHHIIIIHHIIIIII', out, opt, 0x10B, 1, 0, 0x10, 0, 0,
                     0x150, 0x150, 0x150, 0x400000, 4, 4, 4, 0, 0, 0, 4, 0, 0,
                     0x160, 0x150, 0, 2, 0, 0x100000, 0x1000, 0x100000, 0x1000, 0, 16)
    assert struct.unpack_from('<I', out, 0x3C)[0] == 4
    struct.pack_into('<8sIIIIIIHHI', out, opt + 0xE0, b'.text', 0x10, 0x150, 0x10, 0x150, 0, 0,
                     0, 0, SCN_CODE | SCN_X | SCN_R)
    out[0x150:0x156] = bytes.fromhex('6a2a58c3cccc')
    return bytes(out)


def pe_variants():
    """(name, bytes) of every PE seed: well-formed ones, then the malformed list of issue #2."""
    full64 = build_pe(64)
    full32 = build_pe(32, dll=True, pdb='nb10', cert=False, overlay=b'OVERLAY!' * 8)
    out = [('pe64_full.exe', full64.data), ('pe32_full.dll', full32.data),
           ('pe32_tiny.exe', tiny_pe())]
    out.append(('pe64_dll_norich.dll', build_pe(64, dll=True, rich=False, cert=False).data))
    out.append(('pe_arm64.dll', build_pe(64, dll=True, machine=0xAA64, cert=False).data))
    out.append(('pe_armnt.exe', build_pe(32, machine=0x1C4, cert=False).data))
    out.append(('pe_mips.exe', build_pe(32, machine=0x166, cert=False).data))

    def var(name, base, fn):
        img = base.copy()
        fn(img)
        out.append((name, bytes(img.data)))

    for tag, b in (('64', full64), ('32', full32)):
        # Truncated headers: inside the optional header, inside the section table.
        out.append(('trunc_opt%s.exe' % tag, bytes(b.data[:b.opt + 40])))
        out.append(('trunc_sectab%s.exe' % tag, bytes(b.data[:b.sectab + 40 * 2 + 17])))
        # Truncated in the middle of the sections: directories point past the end.
        out.append(('trunc_body%s.exe' % tag, bytes(b.data[:b.rva_off(b.text) + 0x300])))
        # Section table past the end of the file.
        var('sections_past_eof%s.exe' % tag, b, lambda i: i.u16(i.e_lfanew + 6, 0xFFFF))
        # Section raw data past the end and wrapping around 2^32.
        var('section_raw_past_eof%s.exe' % tag, b,
            lambda i: i.u32(i.sec_off(1) + 20, 0xFFFFFE00).u32(i.sec_off(1) + 16, 0x400))
        # Enormous counts: NumberOfRvaAndSizes, exports, resources, relocation block size.
        var('rva_sizes_huge%s.exe' % tag, b, lambda i: i.u32(i.dirs - 4, 0xFFFFFFFF))
        var('exports_huge%s.dll' % tag, b,
            lambda i: i.u32(i.rva_off(i.exp) + 20, 0xFFFFFFFF).u32(i.rva_off(i.exp) + 24,
                                                                   0xFFFFFFFF))
        var('resources_huge%s.exe' % tag, b, lambda i: i.u16(i.rva_off(i.rsrc) + 14, 0xFFFF))
        var('reloc_block_huge%s.exe' % tag, b, lambda i: i.u32(i.rva_off(i.reloc) + 4, 0xFFFFFFF0))
        var('reloc_block_zero%s.exe' % tag, b, lambda i: i.u32(i.rva_off(i.reloc) + 4, 0))
        var('debug_huge%s.exe' % tag, b, lambda i: i.u32(i.dir_off(DIR_DEBUG) + 4, 0xFFFFFFF0))
        # Import descriptor loops: a descriptor's thunk tables point back at the descriptors,
        # and the import directory claims the whole image.
        var('import_loop%s.exe' % tag, b,
            lambda i: i.u32(i.rva_off(i.desc), i.desc).u32(i.rva_off(i.desc) + 16, i.desc)
            .u32(i.dir_off(DIR_IMPORT) + 4, 0xFFFFFFFF))
        # Import descriptors that never end: the directory points into a section filled with
        # copies of the first descriptor.
        def endless(i):
            d = bytes(i.data[i.rva_off(i.desc):i.rva_off(i.desc) + 20])
            o = i.rva_off(i.rsrc)
            i.data[o:o + 0x200] = (d * 26)[:0x200]
            i.u32(i.dir_off(DIR_IMPORT), i.rsrc)
        var('import_endless%s.exe' % tag, b, endless)
        # Import name RVA to an unterminated string running to the end of the file.
        def unterminated(i):
            last = i.sec_off(i.nsec - 1)
            rva = i.r32(last + 12) + len(i.data) - i.r32(last + 20)
            i.data += b'A' * 600
            i.u32(i.rva_off(i.desc) + 12, rva)
            i.u32(last + 8, 0x2000)
            i.u32(last + 16, len(i.data) - i.r32(last + 20))
        var('import_name_unterminated%s.exe' % tag, b, unterminated)
        # Overlapping sections: every section maps the same RVA and raw bytes.
        def overlap(i):
            for k in range(i.nsec):
                i.u32(i.sec_off(k) + 12, 0x1000).u32(i.sec_off(k) + 20, i.r32(i.sec_off(0) + 20))
        var('sections_overlap%s.exe' % tag, b, overlap)
        # RVA wrap-around: a section at the top of the address space, directories past 2^32.
        def wrap(i):
            i.u32(i.sec_off(0) + 12, 0xFFFFF000).u32(i.sec_off(0) + 8, 0x2000)
            i.u32(i.opt + 16, 0xFFFFFFFF)
            i.u32(i.dir_off(DIR_IMPORT), 0xFFFFFFF0).u32(i.dir_off(DIR_IMPORT) + 4, 0x40)
            i.u32(i.dir_off(DIR_EXPORT), 0xFFFFFFFC).u32(i.dir_off(DIR_EXPORT) + 4, 0x10)
        var('rva_wrap%s.exe' % tag, b, wrap)
        # Zero-size everything: no optional header, no sections, zero alignments and sizes.
        def zeros(i):
            for k in range(i.nsec):
                i.u32(i.sec_off(k) + 8, 0).u32(i.sec_off(k) + 16, 0)
            for d in range(16):
                i.u32(i.dir_off(d) + 4, 0)
            i.u32(i.opt + 32, 0).u32(i.opt + 36, 0)
        var('zero_sizes%s.exe' % tag, b, zeros)
        var('zero_opt_header%s.exe' % tag, b,
            lambda i: i.u16(i.e_lfanew + 20, 0).u16(i.e_lfanew + 6, 0))
        # Resource tree loop: a language directory points back at the root.
        var('resource_loop%s.exe' % tag, b,
            lambda i: i.u32(i.rva_off(i.rsrc) + 0x38 + 20, 0x80000000))
        # Rich header without DanS, and with a wrong key (the decoded data is garbage).
        def rich_nodans(i):
            k = i.data.find(b'Rich')
            i.data[0x80:k] = bytes(k - 0x80)
        var('rich_nodans%s.exe' % tag, b, rich_nodans)
        var('rich_badkey%s.exe' % tag, b,
            lambda i: i.u32(i.data.find(b'Rich') + 4, 0x12345678))
        # CodeView record whose PDB path runs to the end of the file; debug data past the end.
        def pdb_unterminated(i):
            o = i.r32(i.rva_off(i.dbg) + 24)
            i.data = i.data[:o + 30] + b'P' * 300
            i.u32(i.rva_off(i.dbg) + 16, 0xFFFF)
        var('pdb_unterminated%s.exe' % tag, b, pdb_unterminated)
        var('debug_past_eof%s.exe' % tag, b, lambda i: i.u32(i.rva_off(i.dbg) + 24, 0xFFFFFFF0))
        # TLS callback array that never ends (points at nonzero bytes up to the section end).
        def tls_endless(i):
            o = i.rva_off(i.rsrc)
            i.data[o:o + 0x200] = b'\x10\x10\x00\x40\x01\x00\x00\x00' * 64
            if i.bits == 64:
                i.u64(i.rva_off(i.tls) + 24, i.base + i.rsrc)
            else:
                i.u32(i.rva_off(i.tls) + 12, i.base + i.rsrc)
        var('tls_endless%s.exe' % tag, b, tls_endless)
        # e_lfanew past the end of the file, and pointing into the DOS header.
        var('lfanew_past_eof%s.exe' % tag, b, lambda i: i.u32(0x3C, 0xFFFFFFF0))
        # Exports: forwarder string unterminated, name ordinals past NumberOfFunctions.
        var('export_ordinals_bad%s.dll' % tag, b,
            lambda i: i.u32(i.rva_off(i.exp) + 20, 1))
        # Delay-load descriptor using VAs (attributes 0) and a name table that wraps.
        var('delay_va%s.exe' % tag, b,
            lambda i: i.u32(i.rva_off(i.ddesc), 0).u32(i.rva_off(i.ddesc) + 16, 0xFFFFFFF8))
        # Machine and magic disagree (x86 machine, PE32+ magic and the reverse).
        var('magic_mismatch%s.exe' % tag, b,
            lambda i: i.u16(i.opt, 0x10B if i.bits == 64 else 0x20B))
        # SizeOfOptionalHeader larger than the file; section table starts past the end.
        var('opt_size_huge%s.exe' % tag, b, lambda i: i.u16(i.e_lfanew + 20, 0xFFF0))
    # PE32+ only: .pdata with a partial entry and begin > end.
    var('pdata_bad64.exe', full64,
        lambda i: i.u32(i.rva_off(i.pdata), 0x1FFF).u32(i.dir_off(DIR_EXCEPTION) + 4, 41))
    # Security directory past the end of the file.
    var('cert_past_eof64.exe', full64, lambda i: i.u32(i.dir_off(DIR_SECURITY), 0x7FFFFFF8))
    # e_lfanew = 4: the NT headers overlap the DOS header (a tiny-PE trick).
    out.append(('lfanew4.exe', tiny_lfanew4()))
    # Just "MZ", and a DOS executable without a PE header.
    out.append(('mz_only.exe', b'MZ'))
    out.append(('dos_only.exe', bytes(b'MZ\x90\0\x03' + bytes(0x3B - 5) + b'\0\x40\0\0\0' +
                                     DOS_STUB)))
    return out


# ------------------------------------------------------------------------------------------------
# ELF builder


EM = {'x86': 3, 'x64': 62, 'arm': 40, 'arm64': 183, 'mips': 8, 'ppc64': 21}


def build_elf(bits, big, machine, interp=b'/lib64/ld-linux-x86-64.so.2'):
    """A small ELF executable with .interp, a GNU build-id note, .dynamic (DT_NEEDED x2,
    DT_SONAME), .dynsym/.dynstr, .symtab/.strtab and .shstrtab, one PT_LOAD mapping it all."""
    e = '>' if big else '<'
    w = 'Q' if bits == 64 else 'I'
    base = 0x400000
    ehsize, phsize, shsize = (64, 56, 64) if bits == 64 else (52, 32, 40)
    nph = 4
    body = bytearray()
    secs = []  # (name, type, flags, offset, size, link, info, align, entsize)

    def add(b, al=8):
        while (ehsize + nph * phsize + len(body)) % al:
            body.append(0)
        off = ehsize + nph * phsize + len(body)
        body.extend(b)
        return off

    o_interp = add(interp + b'\0', 1)
    secs.append(('.interp', 1, 2, o_interp, len(interp) + 1, 0, 0, 1, 0))
    note = struct.pack(e + 'III', 4, 20, 3) + b'GNU\0' + bytes(range(0xA0, 0xB4))
    o_note = add(note, 4)
    secs.append(('.note.gnu.build-id', 7, 2, o_note, len(note), 0, 0, 4, 0))
    dynstr = b'\0libc.so.6\0libm.so.6\0libseed.so.1\0puts\0'
    o_dynstr = add(dynstr, 1)
    i_dynstr = len(secs) + 1
    secs.append(('.dynstr', 3, 2, o_dynstr, len(dynstr), 0, 0, 1, 0))
    if bits == 64:
        sym = lambda n, v, s, info, sh: struct.pack(e + 'IBBHQQ', n, info, 0, sh, v, s)
    else:
        sym = lambda n, v, s, info, sh: struct.pack(e + 'IIIBBH', n, v, s, info, 0, sh)
    dynsym = sym(0, 0, 0, 0, 0) + sym(dynstr.index(b'puts'), 0, 0, 0x12, 0)
    o_dynsym = add(dynsym)
    secs.append(('.dynsym', 11, 2, o_dynsym, len(dynsym), i_dynstr, 1, 8, len(dynsym) // 2))
    code = bytes.fromhex('31c0c3') if machine in ('x86', 'x64') else bytes(16)
    o_text = add(code, 16)
    i_text = len(secs) + 1
    secs.append(('.text', 1, 6, o_text, len(code), 0, 0, 16, 0))
    dyn_ents = [(1, 1), (1, dynstr.index(b'libm')), (14, dynstr.index(b'libseed')),
                (5, base + o_dynstr), (6, base + o_dynsym), (10, len(dynstr)),
                (11, len(dynsym) // 2), (0, 0)]
    dyn = b''.join(struct.pack(e + w + w, t, v) for t, v in dyn_ents)
    o_dyn = add(dyn)
    secs.append(('.dynamic', 6, 3, o_dyn, len(dyn), i_dynstr, 0, 8, len(dyn) // len(dyn_ents)))
    strtab = b'\0main\0seed_data\0seed.c\0'
    symtab = (sym(0, 0, 0, 0, 0) + sym(strtab.index(b'seed.c'), 0, 0, 0x04, 0xFFF1) +
              sym(strtab.index(b'main'), base + o_text, len(code), 0x12, i_text) +
              sym(strtab.index(b'seed_data'), base + o_note, 4, 0x11, 2))
    o_symtab = add(symtab)
    i_strtab = len(secs) + 2
    secs.append(('.symtab', 2, 0, o_symtab, len(symtab), i_strtab, 2, 8, len(symtab) // 4))
    o_strtab = add(strtab, 1)
    secs.append(('.strtab', 3, 0, o_strtab, len(strtab), 0, 0, 1, 0))
    names = b'\0' + b''.join(s[0].encode() + b'\0' for s in secs) + b'.shstrtab\0'
    o_shstr = add(names, 1)
    secs.append(('.shstrtab', 3, 0, o_shstr, len(names), 0, 0, 1, 0))
    o_sh = add(b'', 8)
    total = o_sh + shsize * (len(secs) + 1)

    ident = b'\x7fELF' + bytes([2 if bits == 64 else 1, 2 if big else 1, 1, 0]) + bytes(8)
    hdr = ident + struct.pack(e + 'HHI' + w + w + w + 'IHHHHHH', 2, EM[machine], 1,
                              base + o_text, ehsize, o_sh, 0, ehsize, phsize, nph, shsize,
                              len(secs) + 1, len(secs))
    if bits == 64:
        ph = lambda t, f, off, sz, al: struct.pack(e + 'IIQQQQQQ', t, f, off, base + off,
                                                   base + off, sz, sz, al)
    else:
        ph = lambda t, f, off, sz, al: struct.pack(e + 'IIIIIIII', t, off, base + off,
                                                   base + off, sz, sz, f, al)
    phdrs = (ph(3, 4, o_interp, len(interp) + 1, 1) + ph(1, 5, 0, total, 0x1000) +
             ph(2, 6, o_dyn, len(dyn), 8) + ph(4, 4, o_note, len(note), 4))
    shdrs = bytes(shsize)
    for name, typ, flags, off, size, link, info, al, ent in secs:
        nidx = names.index(name.encode() + b'\0')
        addr = base + off if flags & 2 else 0
        shdrs += struct.pack(e + 'II' + w + w + w + w + 'II' + w + w, nidx, typ, flags, addr, off,
                             size, link, info, al, ent)
    out = bytearray(hdr + phdrs + body + shdrs)
    assert len(out) == total
    return out, dict(e=e, bits=bits, o_sh=o_sh, shsize=shsize, nsec=len(secs) + 1)


def elf_variants():
    out = []
    for bits, big, mach in ((64, False, 'x64'), (32, False, 'x86'), (32, True, 'mips'),
                            (64, True, 'ppc64'), (64, False, 'arm64'), (32, False, 'arm')):
        data, _ = build_elf(bits, big, mach)
        out.append(('elf%d%s_%s' % (bits, 'be' if big else 'le', mach), bytes(data)))
    base, info = build_elf(64, False, 'x64')
    e = info['e']

    def var(name, fn):
        d = bytearray(base)
        fn(d)
        out.append((name, bytes(d)))

    # e_shnum huge, e_shoff past the end, e_shstrndx out of range, e_phnum huge.
    var('elf_shnum_huge', lambda d: struct.pack_into(e + 'H', d, 60, 0xFFFF))
    var('elf_shoff_past_eof', lambda d: struct.pack_into(e + 'Q', d, 40, 0xFFFFFFFFFFFFFF00))
    var('elf_shstrndx_bad', lambda d: struct.pack_into(e + 'H', d, 62, 0xFFF0))
    var('elf_phnum_huge', lambda d: struct.pack_into(e + 'H', d, 56, 0xFFFF))
    # .dynamic without DT_NULL, sh_link pointing at itself, zero sh_entsize, huge sh_size.
    def shdr(d, idx, field_off, fmt, v):
        struct.pack_into(e + fmt, d, info['o_sh'] + idx * info['shsize'] + field_off, v)
    var('elf_symtab_huge', lambda d: shdr(d, 7, 32, 'Q', 0xFFFFFFFFFFFFFFF0))
    var('elf_symtab_entsize0', lambda d: shdr(d, 7, 56, 'Q', 0))
    var('elf_link_self', lambda d: (shdr(d, 7, 40, 'I', 7), shdr(d, 4, 40, 'I', 4)))
    var('elf_trunc_shdrs', lambda d: d.__delitem__(slice(len(d) - 100, len(d))))
    var('elf_trunc_header', lambda d: d.__delitem__(slice(40, len(d))))
    return out


# ------------------------------------------------------------------------------------------------


def write(dirname, files):
    path = os.path.join(TOP, 'corpus', dirname)
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if name.startswith('gen_'):
            os.unlink(os.path.join(path, name))
    for name, data in files:
        assert len(data) <= 20 * 1024, name
        with open(os.path.join(path, 'gen_' + name), 'wb') as f:
            f.write(data)


def main():
    pe = pe_variants()
    elf = elf_variants()
    write('fuzz_pe', pe)
    # fuzz_load: mode byte (fuzz_load.c) then the file. Detection with and without the fuzzy
    # hashes, raw x86 and x64 at several bases, and the refused raw architectures.
    load = []
    for name, d in pe[:4] + elf[:6]:
        load.append(('detect_' + name, b'\x00' + d))
    for name, d in pe[4:12] + elf[6:]:
        load.append(('detect_nofuzzy_' + name, b'\x08' + d))
    shell32 = bytes.fromhex('31c050682f2f7368682f62696e89e3505389e1b00bcd80')  # inert bytes
    shell64 = bytes.fromhex('4831c04889c74889c6b03c0f05')
    load += [('raw_x86_base0', b'\x01' + shell32), ('raw_x64_base400000', b'\x23' + shell64),
             ('raw_x64_top', b'\xd3' + shell64), ('raw_x86_wrap32', b'\x71' + shell32 * 8),
             ('raw_x64_max_nofuzzy', b'\xdb' + shell64 * 40), ('raw_unknown_arch', b'\x05' + shell32),
             ('raw_arm_arch', b'\x07' + shell32), ('raw_empty', b'\x01'), ('unknown_text',
                                                                           b'\x00hello, world\n'),
             ('empty', b'\x00'), ('raw_pe_as_code', b'\x03' + pe[2][1])]
    write('fuzz_load', load)
    print('gen_seeds: %d fuzz_pe, %d fuzz_load seeds' % (len(pe), len(load)))


if __name__ == '__main__':
    sys.exit(main())

/*
 * go_wrap.h: hand-made Go tables for fuzz_go.c and tests/unit/test_go.c. go_wrap_elf() puts a
 * pclntab and a build info blob into a minimal x86 or x64 ELF file (.text, the table's section,
 * .go.buildinfo, .shstrtab); go_make_pclntab() writes a pclntab of any layout (Go 1.2, 1.16,
 * 1.18, 1.20) for a few functions, so that layouts no installed Go toolchain emits are tested.
 * Little endian only; every write is bounds-checked against the caller's buffer.
 */
#ifndef KIN_FUZZ_GO_WRAP_H
#define KIN_FUZZ_GO_WRAP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GO_WRAP_TEXT_VA   0x401000u /* .text */
#define GO_WRAP_TEXT_SIZE 0x400u
#define GO_WRAP_TAB_VA    0x500000u /* the pclntab's section */
#define GO_WRAP_BI_VA     0x600000u /* .go.buildinfo */

struct go_buf {
    uint8_t *p;
    size_t n, cap;
    int overflow;
};

static inline void go_put(struct go_buf *b, size_t off, uint64_t v, unsigned size)
{
    if (off > b->cap || size > b->cap - off) {
        b->overflow = 1;
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        b->p[off + i] = (uint8_t)(v >> (8 * i));
    }
    if (off + size > b->n) {
        b->n = off + size;
    }
}

static inline void go_put_bytes(struct go_buf *b, size_t off, const void *p, size_t n)
{
    if (off > b->cap || n > b->cap - off) {
        b->overflow = 1;
        return;
    }
    if (n) {
        memcpy(b->p + off, p, n);
    }
    if (off + n > b->n) {
        b->n = off + n;
    }
}

static inline size_t go_align(size_t x, size_t a)
{
    return (x + a - 1) / a * a;
}

/*
 * A pclntab of version 12, 116, 118 or 120 with pointer size ptr (4 or 8) for n functions
 * (names[i] at GO_WRAP_TEXT_VA + entries[i]; end after the last). text_start is the 1.18+
 * header field (0 to leave it for the reader to infer). Returns its size, 0 when cap is short.
 */
static inline size_t go_make_pclntab(uint8_t *out,
                                     size_t cap,
                                     unsigned version,
                                     unsigned ptr,
                                     const char *const *names,
                                     const uint32_t *entries,
                                     size_t n,
                                     uint32_t end,
                                     uint64_t text_start)
{
    struct go_buf b = {out, 0, cap, 0};
    memset(out, 0, cap);
    uint32_t magic = version == 12    ? 0xfffffffbu
                     : version == 116 ? 0xfffffffau
                     : version == 118 ? 0xfffffff0u
                                      : 0xfffffff1u;
    go_put(&b, 0, magic, 4);
    go_put(&b, 4, 0, 2);
    go_put(&b, 6, 1, 1);
    go_put(&b, 7, ptr, 1);
    unsigned words = version == 12 ? 1 : version == 116 ? 7 : 8;
    unsigned field = version >= 118 ? 4 : ptr;
    size_t hdr = 8 + (size_t)words * ptr;
    /* Names first (1.16+: their own table; 1.2: anywhere in the table). */
    size_t names_off = version == 12 ? hdr + (2 * n + 1) * field + 4 : hdr;
    size_t pos = names_off, name_at[16];
    for (size_t i = 0; i < n && i < 16; i++) {
        name_at[i] = pos - (version == 12 ? 0 : names_off); /* 1.2: from the header */
        size_t len = strlen(names[i]) + 1;
        go_put_bytes(&b, pos, names[i], len);
        pos += len;
    }
    size_t functab = version == 12 ? hdr : go_align(pos, 8);
    size_t funcs = go_align(version == 12 ? pos : functab + (2 * n + 1) * field, 8);
    size_t base = version == 12 ? 0 : functab; /* what funcoff counts from */
    size_t fsize = version >= 118 ? 8 : ptr + 4u;
    for (size_t i = 0; i < n && i < 16; i++) {
        uint64_t entry = version >= 118 ? entries[i] : (uint64_t)GO_WRAP_TEXT_VA + entries[i];
        size_t fo = funcs + i * go_align(fsize, 8);
        go_put(&b, functab + 2 * i * field, entry, field);
        go_put(&b, functab + (2 * i + 1) * field, fo - base, field);
        go_put(&b, fo, entry, version >= 118 ? 4 : ptr);
        go_put(&b, fo + (version >= 118 ? 4 : ptr), name_at[i], 4);
    }
    go_put(&b, functab + 2 * n * field, version >= 118 ? end : (uint64_t)GO_WRAP_TEXT_VA + end,
           field);
    uint64_t w[8] = {n, 1, 0, 0, 0, 0, 0, 0};
    if (version == 116) {
        uint64_t v[7] = {n, 1, names_off, 0, 0, 0, functab};
        memcpy(w, v, sizeof(v));
    } else if (version >= 118) {
        uint64_t v[8] = {n, 1, text_start, names_off, 0, 0, 0, functab};
        memcpy(w, v, sizeof(v));
    }
    for (unsigned k = 0; k < words; k++) {
        go_put(&b, 8 + (size_t)k * ptr, w[k], ptr);
    }
    return b.overflow ? 0 : b.n;
}

/*
 * An inline (Go 1.18+) build info blob: version and module text (framed by the 16-byte
 * sentinels when framed). Returns its size, 0 when cap is short.
 */
static inline size_t
go_make_buildinfo(uint8_t *out, size_t cap, const char *version, const char *mod, int framed)
{
    struct go_buf b = {out, 0, cap, 0};
    static const char sentinel[16] = "0w\xaf\x0c\x92t\x08\x02"
                                     "A\xe1\xc1\x07\xe6\xd6\x18\xe6";
    static const char tail[16] = "\xf9"
                                 "2C1\x86\x18 r\x00\x82"
                                 "B\x10"
                                 "A\x16\xd8\xf2";
    go_put_bytes(&b, 0, "\xff Go buildinf:", 14);
    go_put(&b, 14, 8, 1);
    go_put(&b, 15, 2, 1);
    size_t pos = 32;
    size_t vl = strlen(version), ml = strlen(mod) + (framed ? 32u : 0u);
    /* Lengths below 16384: two-byte uvarints at most. */
    go_put(&b, pos++, (vl & 0x7fu) | (vl > 0x7f ? 0x80u : 0u), 1);
    if (vl > 0x7f) {
        go_put(&b, pos++, vl >> 7, 1);
    }
    go_put_bytes(&b, pos, version, vl);
    pos += vl;
    go_put(&b, pos++, (ml & 0x7fu) | (ml > 0x7f ? 0x80u : 0u), 1);
    if (ml > 0x7f) {
        go_put(&b, pos++, ml >> 7, 1);
    }
    if (framed) {
        go_put_bytes(&b, pos, sentinel, 16);
        pos += 16;
    }
    go_put_bytes(&b, pos, mod, strlen(mod));
    pos += strlen(mod);
    if (framed) {
        go_put_bytes(&b, pos, tail, 16);
    }
    return b.overflow ? 0 : b.n;
}

/*
 * A minimal ELF (bits 32: i386, 64: x86-64) with .text (int3 bytes), the table in a section
 * named tab_name, and .go.buildinfo when bi_n > 0. Returns its size, 0 when cap is short.
 */
static inline size_t go_wrap_elf(uint8_t *out,
                                 size_t cap,
                                 int bits,
                                 const uint8_t *tab,
                                 size_t tab_n,
                                 const char *tab_name,
                                 const uint8_t *bi,
                                 size_t bi_n)
{
    struct go_buf b = {out, 0, cap, 0};
    int wide = bits == 64;
    size_t eh = wide ? 64 : 52, sh = wide ? 64 : 40;
    size_t text_off = 0x100;
    size_t tab_off = go_align(text_off + GO_WRAP_TEXT_SIZE, 16);
    size_t bi_off = go_align(tab_off + tab_n, 16);
    size_t str_off = bi_off + bi_n;
    char strtab[64];
    size_t tl = strlen(tab_name) < 24 ? strlen(tab_name) : 23;
    /* "\0.text\0<tab_name>\0.go.buildinfo\0.shstrtab\0" */
    size_t sl = 0;
    strtab[sl++] = 0;
    size_t n_text = sl;
    memcpy(strtab + sl, ".text", 6);
    sl += 6;
    size_t n_tab = sl;
    memcpy(strtab + sl, tab_name, tl);
    sl += tl;
    strtab[sl++] = 0;
    size_t n_bi = sl;
    memcpy(strtab + sl, ".go.buildinfo", 14);
    sl += 14;
    size_t n_str = sl;
    memcpy(strtab + sl, ".shstrtab", 10);
    sl += 10;
    size_t sh_off = go_align(str_off + sl, 8);
    unsigned nsec = 5;
    memset(out, 0, cap < sh_off + nsec * sh ? cap : sh_off + nsec * sh);
    go_put_bytes(&b, 0, "\177ELF", 4);
    go_put(&b, 4, wide ? 2 : 1, 1); /* class */
    go_put(&b, 5, 1, 1);            /* little endian */
    go_put(&b, 6, 1, 1);            /* version */
    go_put(&b, 16, 2, 2);           /* ET_EXEC */
    go_put(&b, 18, wide ? 62 : 3, 2);
    go_put(&b, 20, 1, 4);
    go_put(&b, 24, GO_WRAP_TEXT_VA, wide ? 8 : 4); /* e_entry */
    go_put(&b, wide ? 40 : 32, sh_off, wide ? 8 : 4);
    go_put(&b, wide ? 52 : 40, eh, 2);
    go_put(&b, wide ? 58 : 46, sh, 2);
    go_put(&b, wide ? 60 : 48, nsec, 2);
    go_put(&b, wide ? 62 : 50, nsec - 1, 2);
    for (size_t i = 0; i < GO_WRAP_TEXT_SIZE; i++) {
        go_put(&b, text_off + i, 0xcc, 1);
    }
    go_put_bytes(&b, tab_off, tab, tab_n);
    go_put_bytes(&b, bi_off, bi, bi_n);
    go_put_bytes(&b, str_off, strtab, sl);
    struct {
        size_t name, type, flags, addr, off, size;
    } s[5] = {
        {0, 0, 0, 0, 0, 0},
        {n_text, 1, 0x6, GO_WRAP_TEXT_VA, text_off, GO_WRAP_TEXT_SIZE},
        {n_tab, 1, 0x2, GO_WRAP_TAB_VA, tab_off, tab_n},
        {n_bi, 1, 0x3, GO_WRAP_BI_VA, bi_off, bi_n},
        {n_str, 3, 0, 0, str_off, sl},
    };
    for (unsigned i = 0; i < nsec; i++) {
        size_t o = sh_off + i * sh;
        unsigned w = wide ? 8 : 4;
        go_put(&b, o, s[i].name, 4);
        go_put(&b, o + 4, s[i].type, 4);
        go_put(&b, o + 8, s[i].flags, w);
        go_put(&b, o + 8 + w, s[i].addr, w);
        go_put(&b, o + 8 + 2 * w, s[i].off, w);
        go_put(&b, o + 8 + 3 * w, s[i].size, w);
        go_put(&b, o + 8 + 4 * w + 8, 1, w); /* sh_addralign */
    }
    go_put(&b, sh_off + nsec * sh - 4, 0, 4); /* the last header's sh_entsize: the file's end */
    return b.overflow ? 0 : b.n;
}

#endif /* KIN_FUZZ_GO_WRAP_H */

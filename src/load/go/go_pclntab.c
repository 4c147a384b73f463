/*
 * go_pclntab.c: Go's runtime symbol table (pclntab), which the runtime needs for stack traces
 * and garbage collection and which therefore survives stripping (-ldflags=-s -w). It gives
 * every Go function's entry address and name (Go's debug/gosym reads it the same way).
 *
 * Where: ELF section .gopclntab (.data.rel.ro.gopclntab in PIE); otherwise (PE, or ELF without
 * section names) a scan of the sections for a header that validates. Layouts (all offsets from
 * the header; "word" is a pointer-size field; byte order of the image):
 *
 *   0   u32   magic: 0xfffffffb Go 1.2-1.15, 0xfffffffa 1.16-1.17, 0xfffffff0 1.18-1.19,
 *             0xfffffff1 1.20+
 *   4   u8 x2 zero padding; 6 u8 instruction quantum (1, 2 or 4); 7 u8 pointer size (4 or 8)
 *   1.2:   8 word nfunc; then functab: nfunc x {word entry, word funcoff}, word end;
 *          funcoff and nameoff count from the header
 *   1.16:  8 words nfunc, nfiles, funcnametab, cutab, filetab, pctab, functab (offsets);
 *          functab as 1.2, funcoff counts from functab, nameoff from funcnametab
 *   1.18+: 8 words nfunc, nfiles, textStart, funcnametab, cutab, filetab, pctab, functab;
 *          functab: nfunc x {u32 entryoff, u32 funcoff}, u32 end; entry = textStart + entryoff
 *   _func: entry (word; u32 entryoff in 1.18+), then i32 nameoff
 *
 * textStart may be left for a dynamic relocation to fill (PIE); as debug/gosym does, the
 * start of .text stands in for it then.
 */
#include <string.h>

#include "../../core/limits.h"
#include "go_int.h"

#define MAGIC_12  0xfffffffbu
#define MAGIC_116 0xfffffffau
#define MAGIC_118 0xfffffff0u
#define MAGIC_120 0xfffffff1u

struct tab {
    struct span all; /* from the header to the end of its section */
    uint64_t file_off;
    uint32_t version; /* 12, 116, 118, 120 */
    unsigned ptr;     /* pointer size */
    unsigned field;   /* bytes per functab field */
    int big;
    uint64_t nfunc;
    uint64_t text;        /* 1.18+: base of the entry offsets */
    struct span functab;  /* 2 x nfunc + 1 fields */
    struct span funcdata; /* base of funcoff */
    struct span names;    /* base of nameoff */
};

static uint32_t version_of(uint32_t magic)
{
    switch (magic) {
    case MAGIC_12:
        return 12;
    case MAGIC_116:
        return 116;
    case MAGIC_118:
        return 118;
    case MAGIC_120:
        return 120;
    default:
        return 0;
    }
}

static int read_word(struct span s, uint64_t off, unsigned size, int big, uint64_t *v)
{
    if (size == 8) {
        return kin__span_u64e(s, off, big, v);
    }
    uint32_t x;
    if (!kin__span_u32e(s, off, big, &x)) {
        return 0;
    }
    *v = x;
    return 1;
}

static int is_exec(const struct kin_section *s)
{
    return (s->flags & (KIN_SEC_EXEC | KIN_SEC_CODE)) != 0;
}

/* Whether va lies in an executable section. */
static int in_exec(const struct load_ctx *c, uint64_t va)
{
    size_t count;
    const struct kin_section *secs = kin__go_sections(c, &count);
    for (size_t i = 0; i < count; i++) {
        uint64_t size = secs[i].vsize > secs[i].size ? secs[i].vsize : secs[i].size;
        if (is_exec(&secs[i]) && va >= secs[i].va && va - secs[i].va < size) {
            return 1;
        }
    }
    return 0;
}

/* The start of .text (else of the first executable section): textStart's stand-in. */
static uint64_t text_fallback(const struct load_ctx *c)
{
    size_t count;
    const struct kin_section *secs = kin__go_sections(c, &count);
    for (size_t i = 0; i < count; i++) {
        if (secs[i].name && !strcmp(secs[i].name, ".text")) {
            return secs[i].va;
        }
    }
    for (size_t i = 0; i < count; i++) {
        if (is_exec(&secs[i])) {
            return secs[i].va;
        }
    }
    return 0;
}

/* Function i's entry address and _func offset. */
static int functab_entry(const struct tab *t, uint64_t i, uint64_t *entry, uint64_t *funcoff)
{
    uint64_t off = 2 * i * t->field;
    if (!read_word(t->functab, off, t->field, t->big, entry)) {
        return 0;
    }
    if (t->version >= 118) {
        *entry += t->text;
    }
    return funcoff == NULL || read_word(t->functab, off + t->field, t->field, t->big, funcoff);
}

/* The name of the _func at funcoff: borrowed from the table, NULL when unreadable. */
static const char *func_name(const struct tab *t, uint64_t funcoff)
{
    struct span f, n;
    uint32_t nameoff;
    int term;
    unsigned at = t->version >= 118 ? 4 : t->ptr;
    if (!kin__span_tail(t->funcdata, funcoff, &f) || !kin__span_u32e(f, at, t->big, &nameoff) ||
        !kin__span_tail(t->names, nameoff, &n)) {
        return NULL;
    }
    size_t len = kin__span_strnlen(n, 0, KIN_MAX_STRING_LEN, &term);
    return term && len > 0 ? (const char *)n.p : NULL;
}

/*
 * Validates the header at the start of all and fills t. strict (a scan's candidate) also wants
 * the pointer size of the image and a first function that starts in code.
 */
static int header(struct load_ctx *c, struct span all, uint64_t file_off, int strict, struct tab *t)
{
    uint32_t magic;
    uint8_t pad1, pad2, quantum, ptr;
    memset(t, 0, sizeof(*t));
    t->all = all;
    t->file_off = file_off;
    t->big = c->img->big_endian != 0;
    if (!kin__span_u32e(all, 0, t->big, &magic) || !kin__span_u8(all, 4, &pad1) ||
        !kin__span_u8(all, 5, &pad2) || !kin__span_u8(all, 6, &quantum) ||
        !kin__span_u8(all, 7, &ptr)) {
        return 0;
    }
    t->version = version_of(magic);
    if (!t->version || pad1 || pad2 || (quantum != 1 && quantum != 2 && quantum != 4) ||
        (ptr != 4 && ptr != 8)) {
        return 0;
    }
    if (strict && c->img->bits && ptr * 8u != c->img->bits) {
        return 0;
    }
    t->ptr = ptr;
    t->field = t->version >= 118 ? 4 : ptr;
    uint64_t w[8];
    unsigned words = t->version == 12 ? 1 : t->version == 116 ? 7 : 8;
    for (unsigned k = 0; k < words; k++) {
        if (!read_word(all, 8 + (uint64_t)k * ptr, ptr, t->big, &w[k])) {
            return 0;
        }
    }
    t->nfunc = w[0];
    if (t->nfunc == 0 || t->nfunc > all.n / (2 * (uint64_t)t->field)) {
        return 0;
    }
    uint64_t ftsize = (2 * t->nfunc + 1) * t->field;
    switch (t->version) {
    case 12:
        t->funcdata = all;
        t->names = all;
        if (!kin__span_sub(all, 8 + ptr, ftsize, &t->functab)) {
            return 0;
        }
        break;
    case 116:
        if (!kin__span_tail(all, w[2], &t->names) || !kin__span_tail(all, w[6], &t->funcdata) ||
            !kin__span_sub(t->funcdata, 0, ftsize, &t->functab)) {
            return 0;
        }
        break;
    default:
        if (!kin__span_tail(all, w[3], &t->names) || !kin__span_tail(all, w[7], &t->funcdata) ||
            !kin__span_sub(t->funcdata, 0, ftsize, &t->functab)) {
            return 0;
        }
        t->text = w[2];
        if (t->text == 0 || !in_exec(c, t->text)) {
            t->text = text_fallback(c);
        }
        break;
    }
    uint64_t entry, funcoff;
    const char *name;
    if (!functab_entry(t, 0, &entry, &funcoff) || !(name = func_name(t, funcoff)) ||
        (uint8_t)name[0] < 0x21 || (uint8_t)name[0] > 0x7e) {
        return 0;
    }
    return !strict || in_exec(c, entry);
}

/* Reads every function of a validated table into g. */
static kin_status parse(struct load_ctx *c, const struct tab *t, struct kin_go_info *g)
{
    uint64_t n = t->nfunc;
    if (n > KIN_MAX_GO_FUNCS) {
        LOAD_ANOMALY(c, "limit.go.funcs", t->file_off, "more than %u Go functions (cap)",
                     KIN_MAX_GO_FUNCS);
        n = KIN_MAX_GO_FUNCS;
    }
    struct kin_go_func *v = kin__arena_array(c->a, (size_t)n, sizeof(*v));
    if (!v) {
        return KIN_NOMEM;
    }
    size_t count = 0, unsorted = 0, unnamed = 0;
    uint64_t prev = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t entry, funcoff;
        if (!functab_entry(t, i, &entry, &funcoff)) {
            break; /* cannot happen: the header checked the functab's size */
        }
        if (count && entry <= prev) {
            unsorted++;
            continue;
        }
        struct kin_go_func *f = &v[count++];
        f->va = entry;
        f->name = func_name(t, funcoff);
        unnamed += f->name == NULL;
        f->kind = kin__go_classify(g, f->name);
        prev = entry;
    }
    if (unsorted) {
        LOAD_ANOMALY(c, "go.pclntab.unsorted", t->file_off,
                     "%zu Go pclntab entries out of address order (skipped)", unsorted);
    }
    if (unnamed) {
        LOAD_ANOMALY(c, "go.pclntab.name", t->file_off,
                     "%zu Go functions whose name lies outside the name table or is not "
                     "terminated",
                     unnamed);
    }
    uint64_t end = 0;
    if (!functab_entry(t, t->nfunc, &end, NULL) || end < prev) {
        LOAD_ANOMALY(c, "go.pclntab.end", t->file_off,
                     "the Go pclntab's end address is missing or before its last function");
        end = prev;
    }
    g->funcs = v;
    g->func_count = count;
    g->pclntab_version = t->version;
    g->ptr_size = t->ptr;
    g->pclntab_offset = t->file_off;
    g->text_start = t->version >= 118 ? t->text : (count ? v[0].va : 0);
    g->text_end = end;
    return KIN_OK;
}

kin_status kin__go_pclntab(struct load_ctx *c, struct kin_go_info *g)
{
    size_t count;
    const struct kin_section *secs = kin__go_sections(c, &count);
    struct tab t;
    for (size_t i = 0; i < count; i++) {
        const char *name = secs[i].name;
        if (name && (!strcmp(name, ".gopclntab") || !strcmp(name, ".data.rel.ro.gopclntab"))) {
            if (header(c, kin__go_section_span(c, &secs[i]), secs[i].offset, 0, &t)) {
                return parse(c, &t, g);
            }
            LOAD_ANOMALY(c, "go.pclntab.header", secs[i].offset,
                         "section %s does not start with a valid Go pclntab header", name);
        }
    }
    /*
     * A scan: data sections first (PE keeps the table in .rdata), code last. Candidates share
     * the magic's last bytes (0xff 0xff 0xff) and zero padding; few pass, and their number is
     * capped so that a crafted file cannot make the scan validate without end.
     */
    unsigned tries = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < count; i++) {
            if (is_exec(&secs[i]) != (pass == 1)) {
                continue;
            }
            struct span s = kin__go_section_span(c, &secs[i]);
            int big = c->img->big_endian != 0;
            for (uint64_t off = 0; kin__span_fits(s, off, 8); off += 4) {
                uint32_t magic;
                uint16_t pad;
                if (!kin__span_u32e(s, off, big, &magic) || !version_of(magic) ||
                    !kin__span_le16(s, off + 4, &pad) || pad != 0) {
                    continue;
                }
                if (++tries > KIN_MAX_GO_PCLNTAB_TRIES) {
                    LOAD_ANOMALY(c, "limit.go.pclntab", secs[i].offset + off,
                                 "more than %u Go pclntab header candidates (cap)",
                                 KIN_MAX_GO_PCLNTAB_TRIES);
                    return KIN_OK;
                }
                struct span tail;
                if (kin__span_tail(s, off, &tail) && header(c, tail, secs[i].offset + off, 1, &t)) {
                    return parse(c, &t, g);
                }
            }
        }
    }
    return KIN_OK;
}

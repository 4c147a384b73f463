/*
 * elf_segments.c: the program header table (gABI 4.1 "Program Header"), the interpreter
 * (PT_INTERP), the image base and virtual address -> file offset mapping through PT_LOAD.
 *
 * Segments are published as written (the CLI and readelf show the same values); anomalies note
 * the ones that reach past the file, wrap the address space, overlap another PT_LOAD, or carry
 * more file bytes than memory bytes. The base is the lowest PT_LOAD address rounded down to a
 * 4 KiB page, as the Linux loader maps it.
 *
 *   Elf32_Phdr  type offset vaddr paddr filesz memsz flags align    at 0 4 8 12 16 20 24 28
 *   Elf64_Phdr  type flags offset vaddr paddr filesz memsz align    at 0 4 8 16 24 32 40 48
 */
#include <stdlib.h>

#include "elf_int.h"

static void
decode_phdr(const struct elf_ctx *e, struct span r, struct kin_segment *g, uint64_t *align)
{
    g->type = elf_rd32(e, r, 0);
    if (e->is64) {
        *align = elf_rd64(e, r, 48);
        g->flags = elf_rd32(e, r, 4);
        g->offset = elf_rd64(e, r, 8);
        g->va = elf_rd64(e, r, 16);
        g->filesz = elf_rd64(e, r, 32);
        g->memsz = elf_rd64(e, r, 40);
    } else {
        g->offset = elf_rd32(e, r, 4);
        g->va = elf_rd32(e, r, 8);
        g->filesz = elf_rd32(e, r, 16);
        g->memsz = elf_rd32(e, r, 20);
        g->flags = elf_rd32(e, r, 24);
        *align = elf_rd32(e, r, 28);
    }
}

int kin__elf_va_to_offset(const struct elf_ctx *e, uint64_t va, uint64_t *off)
{
    for (size_t i = 0; i < e->seg_count; i++) {
        const struct kin_segment *g = &e->segs[i];
        if (g->type != ELF_PT_LOAD || va < g->va) {
            continue;
        }
        uint64_t delta = va - g->va;
        if (delta < g->filesz && delta <= UINT64_MAX - g->offset) {
            *off = g->offset + delta;
            return 1;
        }
    }
    return 0;
}

/* The PT_INTERP path: up to its NUL, within the segment's bytes and KIN_MAX_STRING_LEN. */
static kin_status read_interp(struct elf_ctx *e, const struct kin_segment *g, uint64_t hdr_off)
{
    struct load_ctx *c = e->c;
    if (c->img->elf.interpreter) {
        LOAD_ANOMALY(c, "elf.interp.multiple", hdr_off, "more than one PT_INTERP segment");
        return KIN_OK;
    }
    struct span b;
    if (!kin__span_tail(e->file, g->offset, &b) || g->filesz == 0) {
        LOAD_ANOMALY(c, "elf.interp.past_eof", hdr_off, "PT_INTERP lies outside the file");
        return KIN_OK;
    }
    if (b.n > g->filesz) {
        b.n = (size_t)g->filesz;
    }
    int terminated;
    size_t len = kin__span_strnlen(b, 0, KIN_MAX_STRING_LEN, &terminated);
    if (!terminated) {
        LOAD_ANOMALY(c, "elf.interp.unterminated", g->offset,
                     "PT_INTERP path is not NUL-terminated within its segment");
    }
    char *path = kin__arena_strndup(c->a, b.p, len);
    if (!path) {
        return elf_alloc_failed(e);
    }
    c->img->elf.interpreter = path;
    return KIN_OK;
}

/* Per-segment checks; the counters cap repeats of each kind. */
struct seg_checks {
    unsigned past_eof, wrap, filesz;
};

static void check_segment(struct elf_ctx *e,
                          const struct kin_segment *g,
                          uint64_t hdr_off,
                          struct seg_checks *k)
{
    struct load_ctx *c = e->c;
    uint64_t top = e->is64 ? UINT64_MAX : UINT32_MAX;
    if (g->filesz > 0 && !kin__span_fits(e->file, g->offset, g->filesz) &&
        elf_repeat_ok(&k->past_eof)) {
        LOAD_ANOMALY(c, "elf.segment.past_eof", hdr_off,
                     "segment of type 0x%x at 0x%llx, %llu bytes, extends past the end of the file",
                     g->type, (unsigned long long)g->offset, (unsigned long long)g->filesz);
    }
    if (g->type != ELF_PT_LOAD) {
        return;
    }
    if (g->filesz > g->memsz && elf_repeat_ok(&k->filesz)) {
        LOAD_ANOMALY(c, "elf.segment.filesz_gt_memsz", hdr_off,
                     "PT_LOAD at 0x%llx has p_filesz %llu > p_memsz %llu",
                     (unsigned long long)g->va, (unsigned long long)g->filesz,
                     (unsigned long long)g->memsz);
    }
    if ((g->va > top || g->memsz > top - g->va) && elf_repeat_ok(&k->wrap)) {
        LOAD_ANOMALY(c, "elf.segment.va_wrap", hdr_off,
                     "PT_LOAD at 0x%llx, %llu bytes, wraps the address space",
                     (unsigned long long)g->va, (unsigned long long)g->memsz);
    }
}

static int seg_va_cmp(const void *a, const void *b)
{
    const struct kin_segment *x = *(const struct kin_segment *const *)a;
    const struct kin_segment *y = *(const struct kin_segment *const *)b;
    return x->va < y->va ? -1 : x->va > y->va ? 1 : 0;
}

static uint64_t seg_end(const struct kin_segment *g)
{
    return g->memsz > UINT64_MAX - g->va ? UINT64_MAX : g->va + g->memsz;
}

/* Records PT_LOAD segments whose memory ranges overlap (sorted sweep) and sets the base. */
static kin_status check_loads(struct elf_ctx *e)
{
    const struct kin_segment **v =
        kin__arena_array(e->c->a, e->seg_count, sizeof(const struct kin_segment *));
    if (!v) {
        return elf_alloc_failed(e);
    }
    size_t n = 0;
    for (size_t i = 0; i < e->seg_count; i++) {
        if (e->segs[i].type == ELF_PT_LOAD && e->segs[i].memsz > 0) {
            v[n++] = &e->segs[i];
        }
    }
    if (n == 0) {
        return KIN_OK;
    }
    qsort(v, n, sizeof(const struct kin_segment *), seg_va_cmp);
    e->c->img->base = v[0]->va & ~(uint64_t)(ELF_PAGE_SIZE - 1);
    size_t widest = 0;
    unsigned reported = 0;
    for (size_t k = 1; k < n; k++) {
        if (v[k]->va < seg_end(v[widest]) && elf_repeat_ok(&reported)) {
            LOAD_ANOMALY(e->c, "elf.segment.overlap", e->phoff,
                         "PT_LOAD at 0x%llx overlaps the PT_LOAD at 0x%llx",
                         (unsigned long long)v[k]->va, (unsigned long long)v[widest]->va);
        }
        if (seg_end(v[k]) > seg_end(v[widest])) {
            widest = k;
        }
    }
    return KIN_OK;
}

kin_status kin__elf_segments(struct elf_ctx *e)
{
    struct load_ctx *c = e->c;
    const uint64_t need = e->is64 ? ELF_PHDR64 : ELF_PHDR32;
    const uint64_t field = e->is64 ? 32 : 28; /* e_phoff, for anomalies */
    if (e->phnum == 0) {
        return KIN_OK;
    }
    if (e->phoff == 0) {
        LOAD_ANOMALY(c, "elf.phdr.no_offset", field,
                     "e_phnum is %llu but e_phoff is 0; no program headers",
                     (unsigned long long)e->phnum);
        return KIN_OK;
    }
    if (e->phentsize < need) {
        LOAD_ANOMALY(c, "elf.phentsize.small", field,
                     "e_phentsize %u is smaller than the %u-byte program header; table ignored",
                     e->phentsize, (unsigned)need);
        return KIN_OK;
    }
    struct span table;
    if (!kin__span_tail(e->file, e->phoff, &table) || table.n < need) {
        LOAD_ANOMALY(c, "elf.phdr.past_eof", e->phoff,
                     "program header table at 0x%llx lies outside the %zu-byte file",
                     (unsigned long long)e->phoff, e->file.n);
        return KIN_OK;
    }
    uint64_t count = e->phnum;
    uint64_t fit = table.n / e->phentsize;
    if (count > fit) {
        LOAD_ANOMALY(c, "elf.phdr.past_eof", e->phoff,
                     "%llu program headers declared at 0x%llx, only %llu fit in the file",
                     (unsigned long long)count, (unsigned long long)e->phoff,
                     (unsigned long long)fit);
        count = fit;
    }
    if (count > KIN_MAX_SEGMENTS) {
        LOAD_ANOMALY(c, "limit.segments", e->phoff, "%llu program headers; only %u read (cap)",
                     (unsigned long long)count, (unsigned)KIN_MAX_SEGMENTS);
        count = KIN_MAX_SEGMENTS;
    }
    e->segs = kin__arena_array(c->a, (size_t)count, sizeof(*e->segs));
    e->seg_aligns = kin__arena_array(c->a, (size_t)count, sizeof(*e->seg_aligns));
    if (!e->segs || !e->seg_aligns) {
        e->segs = NULL;
        return elf_alloc_failed(e);
    }
    e->seg_count = (size_t)count;
    c->img->elf.segments = e->segs;
    c->img->elf.segment_count = e->seg_count;
    struct seg_checks checks = {0, 0, 0};
    for (size_t i = 0; i < e->seg_count; i++) {
        struct span r = {NULL, 0};
        /* i * phentsize < table.n: count was clipped to what fits. */
        (void)kin__span_sub(table, (uint64_t)i * e->phentsize, need, &r);
        decode_phdr(e, r, &e->segs[i], &e->seg_aligns[i]);
        uint64_t hdr_off = e->phoff + (uint64_t)i * e->phentsize;
        check_segment(e, &e->segs[i], hdr_off, &checks);
        if (e->segs[i].type == ELF_PT_INTERP) {
            KIN_TRY(read_interp(e, &e->segs[i], hdr_off));
        }
    }
    return check_loads(e);
}

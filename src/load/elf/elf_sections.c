/*
 * elf_sections.c: the section header table (gABI 4.1 "Sections") and the image's sections.
 *
 * Section headers are optional in executables (sstrip removes them) and entirely under the
 * author's control, so the table is clipped to the file and to KIN_MAX_SECTIONS, entries shorter
 * than the class's structure are refused, and extended numbering is honoured: e_shnum 0 puts the
 * count in section 0's sh_size, e_shstrndx SHN_XINDEX puts the index in its sh_link, and e_phnum
 * PN_XNUM puts the segment count in its sh_info. Section 0 is reserved and not published, so
 * image section i is ELF section i + 1.
 *
 *   Elf32_Shdr / Elf64_Shdr   name type flags addr offset size link info addralign entsize
 *   offsets (32-bit)             0    4     8   12     16   20   24   28        32      36
 *   offsets (64-bit)             0    4     8   16     24   32   40   44        48      56
 */
#include <stdlib.h>

#include "../../core/limits.h"
#include "elf_int.h"

static void decode_shdr(const struct elf_ctx *e, struct span r, struct elf_shdr *sh)
{
    sh->name = elf_rd32(e, r, 0);
    sh->type = elf_rd32(e, r, 4);
    if (e->is64) {
        sh->flags = elf_rd64(e, r, 8);
        sh->addr = elf_rd64(e, r, 16);
        sh->offset = elf_rd64(e, r, 24);
        sh->size = elf_rd64(e, r, 32);
        sh->link = elf_rd32(e, r, 40);
        sh->info = elf_rd32(e, r, 44);
        sh->addralign = elf_rd64(e, r, 48);
        sh->entsize = elf_rd64(e, r, 56);
    } else {
        sh->flags = elf_rd32(e, r, 8);
        sh->addr = elf_rd32(e, r, 12);
        sh->offset = elf_rd32(e, r, 16);
        sh->size = elf_rd32(e, r, 20);
        sh->link = elf_rd32(e, r, 24);
        sh->info = elf_rd32(e, r, 28);
        sh->addralign = elf_rd32(e, r, 32);
        sh->entsize = elf_rd32(e, r, 36);
    }
}

/* Applies extended numbering from section 0 to the counts and the name table index. */
static void extended_numbering(struct elf_ctx *e, const struct elf_shdr *sh0)
{
    if (e->shnum == 0) {
        e->shnum = sh0->size;
    }
    if (e->shstrndx == ELF_SHN_XINDEX) {
        e->shstrndx = sh0->link;
    } else if (e->shstrndx >= ELF_SHN_LORESV) {
        LOAD_ANOMALY(e->c, "elf.shstrndx.reserved", e->is64 ? 62 : 50,
                     "e_shstrndx 0x%x is a reserved index", (unsigned)e->shstrndx);
    }
    if (e->phnum == ELF_PN_XNUM && sh0->info != 0) {
        e->phnum = sh0->info;
    }
}

kin_status kin__elf_read_shdrs(struct elf_ctx *e)
{
    struct load_ctx *c = e->c;
    const uint64_t need = e->is64 ? ELF_SHDR64 : ELF_SHDR32;
    const uint64_t field = e->is64 ? 40 : 32; /* e_shoff, for anomalies */
    if (e->shoff == 0) {
        if (e->shnum != 0) {
            LOAD_ANOMALY(c, "elf.shdr.no_offset", field,
                         "e_shnum is %llu but e_shoff is 0; no section headers",
                         (unsigned long long)e->shnum);
        }
        return KIN_OK;
    }
    if (e->shentsize < need) {
        LOAD_ANOMALY(c, "elf.shentsize.small", field,
                     "e_shentsize %u is smaller than the %u-byte section header; table ignored",
                     e->shentsize, (unsigned)need);
        return KIN_OK;
    }
    struct span table;
    if (!kin__span_tail(e->file, e->shoff, &table) || table.n < need) {
        LOAD_ANOMALY(c, "elf.shdr.past_eof", e->shoff,
                     "section header table at 0x%llx lies outside the %zu-byte file",
                     (unsigned long long)e->shoff, e->file.n);
        return KIN_OK;
    }
    struct elf_shdr sh0;
    struct span r = {table.p, (size_t)need};
    decode_shdr(e, r, &sh0);
    extended_numbering(e, &sh0);

    uint64_t count = e->shnum;
    uint64_t fit = table.n / e->shentsize;
    if (count > fit) {
        LOAD_ANOMALY(c, "elf.shdr.past_eof", e->shoff,
                     "%llu section headers declared at 0x%llx, only %llu fit in the file",
                     (unsigned long long)count, (unsigned long long)e->shoff,
                     (unsigned long long)fit);
        count = fit;
    }
    if (count > KIN_MAX_SECTIONS) {
        LOAD_ANOMALY(c, "limit.sections", e->shoff, "%llu section headers; only %u read (cap)",
                     (unsigned long long)count, (unsigned)KIN_MAX_SECTIONS);
        count = KIN_MAX_SECTIONS;
    }
    if (count == 0) {
        return KIN_OK;
    }
    e->shdrs = kin__arena_array(c->a, (size_t)count, sizeof(*e->shdrs));
    e->strtabs = kin__arena_array(c->a, (size_t)count, sizeof(*e->strtabs));
    if (!e->shdrs || !e->strtabs) {
        e->shdrs = NULL;
        e->strtabs = NULL;
        return elf_alloc_failed(e);
    }
    for (size_t i = 0; i < (size_t)count; i++) {
        /* i * shentsize < table.n: count was clipped to what fits. */
        (void)kin__span_sub(table, (uint64_t)i * e->shentsize, need, &r);
        decode_shdr(e, r, &e->shdrs[i]);
        e->shdrs[i].hdr_offset = e->shoff + (uint64_t)i * e->shentsize;
    }
    e->shdr_count = (size_t)count;
    if (e->shstrndx != ELF_SHN_UNDEF && e->shstrndx >= e->shdr_count) {
        LOAD_ANOMALY(c, "elf.shstrndx.out_of_range", e->is64 ? 62 : 50,
                     "e_shstrndx %u is not one of the %zu sections; no section names",
                     (unsigned)e->shstrndx, e->shdr_count);
    } else if (e->shstrndx != ELF_SHN_UNDEF && e->shdrs[e->shstrndx].type != ELF_SHT_STRTAB) {
        LOAD_ANOMALY(c, "elf.shstrndx.not_strtab", e->shdrs[e->shstrndx].hdr_offset,
                     "section %u named by e_shstrndx has type %u, not SHT_STRTAB",
                     (unsigned)e->shstrndx, e->shdrs[e->shstrndx].type);
    }
    return KIN_OK;
}

int kin__elf_section_bytes(const struct elf_ctx *e, size_t i, struct span *out)
{
    if (i >= e->shdr_count) {
        return 0;
    }
    const struct elf_shdr *sh = &e->shdrs[i];
    struct span t;
    if (sh->type == ELF_SHT_NOBITS || !kin__span_tail(e->file, sh->offset, &t)) {
        return 0;
    }
    if (t.n > sh->size) {
        t.n = (size_t)sh->size;
    }
    *out = t;
    return 1;
}

/* Entropy of a section's bytes within the per-file work allowance (see KIN_ENTROPY_WORK_FACTOR). */
static double section_entropy(struct elf_ctx *e, struct span b, uint64_t hdr_offset)
{
    if (b.n > e->entropy_left) {
        if (e->entropy_left != UINT64_MAX) {
            LOAD_ANOMALY(e->c, "limit.entropy", hdr_offset,
                         "sections cover the file many times over; entropy not computed");
            e->entropy_left = UINT64_MAX; /* report once, compute no more */
            return 0.0;
        }
        return 0.0;
    }
    if (e->entropy_left == UINT64_MAX) {
        return 0.0;
    }
    e->entropy_left -= b.n;
    return kin__entropy(b.p, b.n);
}

static uint32_t map_flags(uint64_t f)
{
    uint32_t k = 0;
    if (f & ELF_SHF_ALLOC) {
        k |= KIN_SEC_ALLOC | KIN_SEC_READ;
    }
    if (f & ELF_SHF_WRITE) {
        k |= KIN_SEC_WRITE;
    }
    if (f & ELF_SHF_EXECINSTR) {
        k |= KIN_SEC_EXEC | KIN_SEC_CODE;
    }
    return k;
}

/* Range of file bytes of one section, for the overlap check. */
struct file_range {
    uint64_t start;
    uint64_t end;
    size_t index;
};

static int range_cmp(const void *a, const void *b)
{
    const struct file_range *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

/* Records sections whose file bytes overlap another's (sorted sweep, O(n log n)). */
static kin_status check_overlaps(struct elf_ctx *e)
{
    struct file_range *v = kin__arena_array(e->c->a, e->shdr_count, sizeof(*v));
    if (!v) {
        return elf_alloc_failed(e);
    }
    size_t n = 0;
    for (size_t i = 1; i < e->shdr_count; i++) {
        struct span b;
        if (e->shdrs[i].type != ELF_SHT_NULL && kin__elf_section_bytes(e, i, &b) && b.n > 0) {
            v[n].start = e->shdrs[i].offset;
            v[n].end = e->shdrs[i].offset + b.n; /* in the file: cannot wrap */
            v[n].index = i;
            n++;
        }
    }
    qsort(v, n, sizeof(*v), range_cmp);
    size_t widest = 0;
    unsigned reported = 0;
    for (size_t k = 1; k < n; k++) {
        if (v[k].start < v[widest].end && elf_repeat_ok(&reported)) {
            LOAD_ANOMALY(e->c, "elf.section.overlap", e->shdrs[v[k].index].hdr_offset,
                         "section %zu at 0x%llx overlaps section %zu in the file", v[k].index,
                         (unsigned long long)v[k].start, v[widest].index);
        }
        if (v[k].end > v[widest].end) {
            widest = k;
        }
    }
    return KIN_OK;
}

kin_status kin__elf_sections(struct elf_ctx *e)
{
    struct load_ctx *c = e->c;
    struct elf_strtab *names = kin__elf_section_strtab(e, e->shstrndx);
    unsigned past_eof = 0, wrap = 0;
    for (size_t i = 1; i < e->shdr_count; i++) {
        const struct elf_shdr *sh = &e->shdrs[i];
        struct kin_section *sec = kin__load_add_section(c);
        if (!sec) {
            return c->v.sections_count > KIN_MAX_SECTIONS ? KIN_OK : elf_alloc_failed(e);
        }
        const char *name = NULL;
        if (names) {
            KIN_TRY(kin__elf_strtab_get(e, names, sh->name, &name));
        }
        sec->name = name ? name : "";
        sec->va = sh->addr;
        sec->vsize = sh->size;
        sec->offset = sh->offset;
        sec->flags = map_flags(sh->flags);
        sec->raw_flags = (uint32_t)sh->flags;
        sec->type = sh->type;
        struct span b;
        if (kin__elf_section_bytes(e, i, &b)) {
            sec->size = b.n;
            sec->entropy = section_entropy(e, b, sh->hdr_offset);
        }
        if (sh->type != ELF_SHT_NOBITS && sh->type != ELF_SHT_NULL && sec->size < sh->size &&
            elf_repeat_ok(&past_eof)) {
            LOAD_ANOMALY(c, "elf.section.past_eof", sh->hdr_offset,
                         "section %zu (%s) at 0x%llx, %llu bytes, extends past the end of the "
                         "file",
                         i, sec->name, (unsigned long long)sh->offset,
                         (unsigned long long)sh->size);
        }
        uint64_t top = e->is64 ? UINT64_MAX : UINT32_MAX;
        if ((sh->flags & ELF_SHF_ALLOC) && (sh->addr > top || sh->size > top - sh->addr) &&
            elf_repeat_ok(&wrap)) {
            LOAD_ANOMALY(c, "elf.section.va_wrap", sh->hdr_offset,
                         "section %zu (%s) at 0x%llx, %llu bytes, wraps the address space", i,
                         sec->name, (unsigned long long)sh->addr, (unsigned long long)sh->size);
        }
    }
    if (e->shdr_count > 2) {
        KIN_TRY(check_overlaps(e));
    }
    return KIN_OK;
}

/*
 * elf_dynamic.c: the dynamic table (gABI 4.1 "Dynamic Section"): DT_NEEDED and DT_SONAME.
 *
 * The table is found as the run-time linker finds it, through PT_DYNAMIC, so files whose section
 * headers were stripped still yield their libraries; a SHT_DYNAMIC section is the fallback. Names
 * are offsets into the table named by DT_STRTAB, a virtual address mapped to the file through
 * PT_LOAD and bounded by DT_STRSZ; when it does not map, the .dynamic section's sh_link table is
 * used. The walk stops at DT_NULL or the table's end, so a table without DT_NULL cannot loop.
 * Without a SHT_DYNSYM section, elf_dynsym.c reads .dynsym through DT_SYMTAB.
 *
 *   Elf32_Dyn  d_tag d_val   at 0 4 (8 bytes)      Elf64_Dyn  d_tag d_val   at 0 8 (16 bytes)
 */
#include <string.h>

#include "elf_int.h"

/* Where the table came from, and what its first pass found. */
struct dyn_scan {
    struct span table;
    uint64_t offset; /* file offset of the table */
    size_t section;  /* SHT_DYNAMIC section index, 0 when none */
    size_t count;    /* entries before DT_NULL (or to the end) */
    struct elf_dyn_tags tags;
};

int kin__elf_dyn_slot(uint64_t tag)
{
    switch (tag) {
    case ELF_DT_STRTAB:
        return ELF_DYN_STRTAB;
    case ELF_DT_STRSZ:
        return ELF_DYN_STRSZ;
    case ELF_DT_SONAME:
        return ELF_DYN_SONAME;
    case ELF_DT_SYMTAB:
        return ELF_DYN_SYMTAB;
    case ELF_DT_SYMENT:
        return ELF_DYN_SYMENT;
    case ELF_DT_HASH:
        return ELF_DYN_HASH;
    case ELF_DT_GNU_HASH:
        return ELF_DYN_GNU_HASH;
    case ELF_DT_RELA:
        return ELF_DYN_RELA;
    case ELF_DT_RELASZ:
        return ELF_DYN_RELASZ;
    case ELF_DT_REL:
        return ELF_DYN_REL;
    case ELF_DT_RELSZ:
        return ELF_DYN_RELSZ;
    case ELF_DT_JMPREL:
        return ELF_DYN_JMPREL;
    case ELF_DT_PLTRELSZ:
        return ELF_DYN_PLTRELSZ;
    case ELF_DT_PLTREL:
        return ELF_DYN_PLTREL;
    case ELF_DT_PLTGOT:
        return ELF_DYN_PLTGOT;
    case ELF_DT_VERSYM:
        return ELF_DYN_VERSYM;
    case ELF_DT_VERNEED:
        return ELF_DYN_VERNEED;
    case ELF_DT_VERNEEDNUM:
        return ELF_DYN_VERNEEDNUM;
    default:
        return -1;
    }
}

/* Finds the table: PT_DYNAMIC first, then the first SHT_DYNAMIC section. 0 when none. */
static int find_table(struct elf_ctx *e, struct dyn_scan *d)
{
    for (size_t i = 1; i < e->shdr_count && d->section == 0; i++) {
        if (e->shdrs[i].type == ELF_SHT_DYNAMIC) {
            d->section = i;
        }
    }
    for (size_t i = 0; i < e->seg_count; i++) {
        const struct kin_segment *g = &e->segs[i];
        if (g->type != ELF_PT_DYNAMIC) {
            continue;
        }
        if (g->filesz == 0) {
            LOAD_ANOMALY(e->c, "elf.dynamic.empty", g->offset, "PT_DYNAMIC has no file bytes");
            break;
        }
        if (!kin__span_tail(e->file, g->offset, &d->table)) {
            LOAD_ANOMALY(e->c, "elf.dynamic.past_eof", g->offset,
                         "PT_DYNAMIC at 0x%llx lies outside the file",
                         (unsigned long long)g->offset);
            break;
        }
        if (d->table.n > g->filesz) {
            d->table.n = (size_t)g->filesz;
        }
        d->offset = g->offset;
        if (d->section && e->shdrs[d->section].offset != g->offset) {
            LOAD_ANOMALY(e->c, "elf.dynamic.mismatch", e->shdrs[d->section].hdr_offset,
                         "SHT_DYNAMIC section at 0x%llx is not the PT_DYNAMIC table at 0x%llx",
                         (unsigned long long)e->shdrs[d->section].offset,
                         (unsigned long long)g->offset);
        }
        return 1;
    }
    if (d->section && kin__elf_section_bytes(e, d->section, &d->table)) {
        d->offset = e->shdrs[d->section].offset;
        return 1;
    }
    return 0;
}

static void first_pass(struct elf_ctx *e, struct dyn_scan *d, uint64_t stride)
{
    size_t total = d->table.n / stride;
    for (size_t i = 0; i < total; i++) {
        struct span r;
        /* Always fits (i < total); checked anyway. */
        if (!kin__span_sub(d->table, (uint64_t)i * stride, stride, &r)) {
            break;
        }
        uint64_t tag = elf_rdaddr(e, r, 0);
        uint64_t val = elf_rdaddr(e, r, stride / 2);
        if (tag == ELF_DT_NULL) {
            d->count = i;
            return;
        }
        int slot = kin__elf_dyn_slot(tag);
        if (slot >= 0 && !(d->tags.have & (1u << slot))) {
            d->tags.have |= 1u << slot;
            d->tags.val[slot] = val;
        }
    }
    d->count = total;
    LOAD_ANOMALY(e->c, "elf.dynamic.no_null", d->offset,
                 "dynamic table at 0x%llx has no DT_NULL terminator",
                 (unsigned long long)d->offset);
}

/* The dynamic string table: DT_STRTAB through PT_LOAD, else the section's sh_link. */
static int dyn_strtab(struct elf_ctx *e, const struct dyn_scan *d, struct elf_strtab *out)
{
    uint64_t off;
    struct span b;
    const struct elf_dyn_tags *t = &d->tags;
    uint64_t strsz = t->val[ELF_DYN_STRSZ];
    if (elf_dyn_has(t, ELF_DYN_STRTAB) && kin__elf_va_to_offset(e, t->val[ELF_DYN_STRTAB], &off) &&
        kin__span_tail(e->file, off, &b)) {
        if (!elf_dyn_has(t, ELF_DYN_STRSZ)) {
            LOAD_ANOMALY(e->c, "elf.dynamic.no_strsz", d->offset,
                         "dynamic table has DT_STRTAB but no DT_STRSZ; reading to end of file");
        } else if (b.n >= strsz) {
            b.n = (size_t)strsz;
        } else {
            LOAD_ANOMALY(e->c, "elf.dynamic.strtab_past_eof", off,
                         "dynamic string table at 0x%llx, %llu bytes, extends past the end of "
                         "the file",
                         (unsigned long long)off, (unsigned long long)strsz);
        }
        kin__elf_strtab_init(e, out, b, off);
        return 1;
    }
    if (elf_dyn_has(t, ELF_DYN_STRTAB)) {
        LOAD_ANOMALY(e->c, "elf.dynamic.strtab_unmapped", d->offset,
                     "DT_STRTAB 0x%llx is not inside any PT_LOAD segment's file bytes",
                     (unsigned long long)t->val[ELF_DYN_STRTAB]);
    }
    if (d->section) {
        struct elf_strtab *link = kin__elf_section_strtab(e, e->shdrs[d->section].link);
        if (link) {
            *out = *link;
            return 1;
        }
    }
    LOAD_ANOMALY(e->c, "elf.dynamic.no_strtab", d->offset,
                 "no string table for the dynamic table; library names unknown");
    return 0;
}

/* The DT_NEEDED names being collected: a growable array in the arena. */
struct needed_vec {
    const char **v;
    size_t count, cap;
    int capped;
};

static kin_status add_needed(struct elf_ctx *e, struct needed_vec *n, const char *name)
{
    if (n->count >= KIN_MAX_NEEDED) {
        if (!n->capped) {
            n->capped = 1;
            LOAD_ANOMALY(e->c, "limit.needed", 0, "more than %u DT_NEEDED entries (cap)",
                         (unsigned)KIN_MAX_NEEDED);
        }
        return KIN_OK;
    }
    if (!kin__arena_vec_reserve(e->c->a, (void **)&n->v, n->count, &n->cap, sizeof(*n->v))) {
        return elf_alloc_failed(e);
    }
    n->v[n->count++] = name;
    e->c->img->elf.needed = n->v;
    e->c->img->elf.needed_count = n->count;
    return KIN_OK;
}

kin_status kin__elf_dynamic(struct elf_ctx *e)
{
    struct dyn_scan d;
    memset(&d, 0, sizeof(d));
    if (!find_table(e, &d)) {
        return KIN_OK;
    }
    const uint64_t stride = e->is64 ? ELF_DYN64 : ELF_DYN32;
    first_pass(e, &d, stride);
    struct elf_strtab names;
    if (!dyn_strtab(e, &d, &names)) {
        return KIN_OK;
    }
    if (elf_dyn_has(&d.tags, ELF_DYN_PLTGOT)) {
        e->c->img->elf.pltgot = d.tags.val[ELF_DYN_PLTGOT];
    }
    const char *name;
    if (elf_dyn_has(&d.tags, ELF_DYN_SONAME)) {
        KIN_TRY(kin__elf_strtab_get(e, &names, d.tags.val[ELF_DYN_SONAME], &name));
        e->c->img->elf.soname = name;
    }
    struct needed_vec needed = {NULL, 0, 0, 0};
    for (size_t i = 0; i < d.count && !needed.capped; i++) {
        struct span r;
        /* Always fits (i < d.count <= d.table.n / stride); checked anyway. */
        if (!kin__span_sub(d.table, (uint64_t)i * stride, stride, &r)) {
            break;
        }
        if (elf_rdaddr(e, r, 0) != ELF_DT_NEEDED) {
            continue;
        }
        KIN_TRY(kin__elf_strtab_get(e, &names, elf_rdaddr(e, r, stride / 2), &name));
        if (name) {
            KIN_TRY(add_needed(e, &needed, name));
        } else if (e->c->a->over_budget) {
            break;
        }
    }
    if (!e->have_dynsym && !e->syms_stopped) {
        KIN_TRY(kin__elf_dynsym(e, &d.tags, d.offset, &names));
    }
    return kin__elf_imports(e, &d.tags, &names);
}

/*
 * pe.c: PE32/PE32+ detection, headers, section table, the RVA map, the entry point, the
 * Authenticode and overlay extents, and dispatch to the data-directory parsers (pe_*.c).
 *
 * Invariant: every byte is read through span helpers or the RVA map; every bad field becomes an
 * anomaly and parsing goes on. The load fails (KIN_MALFORMED) only without a DOS header, an NT
 * signature and a file header. The RVA map follows pefile's section lookup (alignment rounding
 * of VirtualAddress and PointerToRawData, sections clipped at the next section's start, RVAs
 * outside every section read 1:1 below the file size) so imphash and imports agree with it.
 */
#include <stdlib.h>
#include <string.h>

#include "pe_int.h"

#define PE_DOS_SIZE     0x40u
#define PE_FILE_HDR     20u
#define PE_SECT_HDR     40u
#define PE_OPT_MAX      (112u + 8u * PE_NUM_DIRS) /* PE32+ fixed part plus 16 directories */
#define PE_FILE_DLL     0x2000u
#define PE_SCN_CODE     0x00000020u
#define PE_SCN_LNK_RM   0x00000800u
#define PE_SCN_EXEC     0x20000000u
#define PE_SCN_READ     0x40000000u
#define PE_SCN_WRITE    0x80000000u
#define PE_RAW_ALIGN    0x200u /* pefile's FILE_ALIGNMENT_HARDCODED_VALUE, Windows' too */
#define PE_PAGE         0x1000u
#define PE_COFF_SYMSIZE 18u

int kin__pe_detect(struct span file)
{
    uint16_t mz;
    return kin__span_le16(file, 0, &mz) && mz == 0x5a4d;
}

/* ---------------------------------------------------------------------------------------------
 * The RVA map.
 */

int kin__pe_map(const struct pe_ctx *p, uint64_t rva, uint64_t *off, uint64_t *avail)
{
    *off = 0;
    *avail = 0;
    if (rva > UINT32_MAX) {
        return PE_MAP_NONE;
    }
    size_t lo = 0, hi = p->nmap;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->map[mid].hi <= rva) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < p->nmap && p->map[lo].lo <= rva) {
        const struct pe_piece *m = &p->map[lo];
        *off = m->raw + (rva - m->lo);
        if (*off < m->raw_end) {
            *avail = m->raw_end - *off;
            return PE_MAP_SECTION;
        }
        return PE_MAP_VIRTUAL;
    }
    if (rva < p->f.n) {
        *off = rva;
        *avail = p->f.n - rva;
        return PE_MAP_FLAT;
    }
    return PE_MAP_NONE;
}

int kin__pe_span_at(const struct pe_ctx *p, uint64_t rva, uint64_t max, struct span *out)
{
    uint64_t off, avail;
    int kind = kin__pe_map(p, rva, &off, &avail);
    if ((kind != PE_MAP_SECTION && kind != PE_MAP_FLAT) || avail == 0) {
        return 0;
    }
    return kin__span_sub(p->f, off, avail < max ? avail : max, out);
}

int kin__pe_read(const struct pe_ctx *p, uint64_t rva, uint64_t len, struct span *out)
{
    struct span s;
    if (!kin__pe_span_at(p, rva, len, &s) || s.n < len) {
        return 0;
    }
    *out = s;
    return 1;
}

int kin__pe_u16(const struct pe_ctx *p, uint64_t rva, uint16_t *v)
{
    struct span s;
    return kin__pe_read(p, rva, 2, &s) && kin__span_le16(s, 0, v);
}

int kin__pe_u32(const struct pe_ctx *p, uint64_t rva, uint32_t *v)
{
    struct span s;
    return kin__pe_read(p, rva, 4, &s) && kin__span_le32(s, 0, v);
}

int kin__pe_u64(const struct pe_ctx *p, uint64_t rva, uint64_t *v)
{
    struct span s;
    return kin__pe_read(p, rva, 8, &s) && kin__span_le64(s, 0, v);
}

int kin__pe_ptr(const struct pe_ctx *p, uint64_t rva, uint64_t *v)
{
    if (p->is64) {
        return kin__pe_u64(p, rva, v);
    }
    uint32_t v32;
    if (!kin__pe_u32(p, rva, &v32)) {
        return 0;
    }
    *v = v32;
    return 1;
}

const char *kin__pe_string(const struct pe_ctx *p, uint64_t rva, size_t max, int *nomem)
{
    struct span s;
    *nomem = 0;
    if (!kin__pe_span_at(p, rva, max, &s)) {
        return NULL;
    }
    const char *str = kin__load_strdup(p->c, s.p, s.n);
    if (!str) {
        *nomem = 1;
    }
    return str;
}

int kin__pe_va_to_rva(const struct pe_ctx *p, uint64_t va, uint64_t *rva)
{
    if (va < p->base || va - p->base > UINT32_MAX) {
        return 0;
    }
    *rva = va - p->base;
    return 1;
}

uint64_t kin__pe_off(const struct pe_ctx *p, uint64_t rva)
{
    uint64_t off, avail;
    return kin__pe_map(p, rva, &off, &avail) == PE_MAP_NONE ? 0 : off;
}

kin_status kin__pe_nomem(const struct pe_ctx *p)
{
    return p->c->a->over_budget ? KIN_OK : KIN_NOMEM;
}

int kin__pe_entropy(struct pe_ctx *p, struct span s, double *out)
{
    if (s.n > p->entropy_budget) {
        if (!p->entropy_spent) {
            PE_ANOMALY(p, "limit.entropy", 0, "entropy work budget spent; later entropies are 0");
            p->entropy_spent = 1;
        }
        *out = 0.0;
        return 0;
    }
    p->entropy_budget -= s.n;
    *out = kin__entropy(s.p, s.n);
    return 1;
}

/* pefile's adjust_FileAlignment: raw pointers round down to 0x200 once FileAlignment >= 0x200. */
static uint64_t adjust_raw(const struct pe_ctx *p, uint32_t ptr)
{
    return p->file_align < PE_RAW_ALIGN ? ptr : ptr & ~(uint64_t)(PE_RAW_ALIGN - 1);
}

/* pefile's adjust_SectionAlignment: VAs round down to the section alignment. */
static uint64_t adjust_va(const struct pe_ctx *p, uint32_t va)
{
    uint32_t align = p->sect_align < PE_PAGE ? p->file_align : p->sect_align;
    return align ? va - va % align : va;
}

struct order {
    uint32_t va;
    uint32_t idx;
};

static int order_cmp(const void *a, const void *b)
{
    const struct order *x = a, *y = b;
    if (x->va != y->va) {
        return x->va < y->va ? -1 : 1;
    }
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Builds the map: sections sorted by VirtualAddress (stable), each covering [va_adj, va_adj +
 * size) where size is max(raw, virtual) (only virtual when the raw data is cut by the end of the
 * file) clipped at the next section's start; where ranges still overlap, the first in that order
 * wins, as in pefile's first-match lookup. Overlaps are reported.
 */
static kin_status build_map(struct pe_ctx *p)
{
    if (p->nsecs == 0) {
        return KIN_OK;
    }
    struct order *ord = kin__arena_array(p->c->a, p->nsecs, sizeof(*ord));
    p->map = kin__arena_array(p->c->a, p->nsecs, sizeof(*p->map));
    if (!ord || !p->map) {
        p->map = NULL;
        return kin__pe_nomem(p);
    }
    for (size_t i = 0; i < p->nsecs; i++) {
        ord[i].va = p->secs[i].va;
        ord[i].idx = (uint32_t)i;
    }
    qsort(ord, p->nsecs, sizeof(*ord), order_cmp);
    uint64_t covered = 0;
    int overlap_reported = 0;
    for (size_t k = 0; k < p->nsecs; k++) {
        const struct pe_sect *s = &p->secs[ord[k].idx];
        uint64_t va_adj = adjust_va(p, s->va);
        uint64_t raw_adj = adjust_raw(p, s->raw_ptr);
        uint64_t size;
        if (raw_adj > p->f.n || p->f.n - raw_adj < s->raw_size) {
            size = s->vsize;
        } else {
            size = s->raw_size > s->vsize ? s->raw_size : s->vsize;
        }
        if (k + 1 < p->nsecs) {
            uint32_t next = ord[k + 1].va;
            if (next > s->va && va_adj + size > next) {
                size = next - va_adj;
            }
        }
        uint64_t lo = va_adj, hi = va_adj + size;
        if (lo < covered && hi > lo) {
            if (!overlap_reported) {
                PE_ANOMALY(p, "pe.section.overlap", s->hdr_off,
                           "section at RVA 0x%llx overlaps an earlier section",
                           (unsigned long long)s->va);
                overlap_reported = 1;
            }
            lo = covered;
        }
        if (hi > covered) {
            covered = hi;
        }
        if (lo >= hi) {
            continue;
        }
        uint64_t end = (uint64_t)s->raw_ptr + s->raw_size;
        struct pe_piece *m = &p->map[p->nmap++];
        m->lo = lo;
        m->hi = hi;
        m->raw = raw_adj + (lo - va_adj);
        m->raw_end = end < p->f.n ? end : p->f.n;
        if (s->raw_size == 0) {
            m->raw_end = 0;
        }
    }
    return KIN_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Headers.
 */

static uint32_t machine_arch(uint16_t machine)
{
    switch (machine) {
    case 0x014c: /* I386 */
        return KIN_ARCH_X86;
    case 0x8664: /* AMD64 */
        return KIN_ARCH_X64;
    case 0x01c0: /* ARM */
    case 0x01c2: /* THUMB */
    case 0x01c4: /* ARMNT */
        return KIN_ARCH_ARM;
    case 0xaa64: /* ARM64 */
        return KIN_ARCH_ARM64;
    case 0x0162: /* R3000 */
    case 0x0166: /* R4000 */
    case 0x0168: /* R10000 */
    case 0x0169: /* WCEMIPSV2 */
    case 0x0266: /* MIPS16 */
    case 0x0366: /* MIPSFPU */
    case 0x0466: /* MIPSFPU16 */
        return KIN_ARCH_MIPS;
    case 0:
        return KIN_ARCH_UNKNOWN;
    default:
        return KIN_ARCH_OTHER;
    }
}

static kin_status read_headers(struct pe_ctx *p)
{
    struct kin_image *img = p->c->img;
    struct kin_pe_info *pe = &img->pe;
    uint32_t lfanew, sig;
    if (!kin__span_le32(p->f, 0x3c, &lfanew)) {
        PE_ANOMALY(p, "pe.dos.truncated", 0, "file too short for a DOS header (%zu bytes)", p->f.n);
        return KIN_MALFORMED;
    }
    p->nt_off = lfanew;
    pe->pe_offset = lfanew;
    if (!kin__span_le32(p->f, p->nt_off, &sig)) {
        PE_ANOMALY(p, "pe.nt.past_eof", 0x3c, "e_lfanew 0x%x points past the end of the file",
                   lfanew);
        return KIN_MALFORMED;
    }
    if (sig != 0x00004550) {
        PE_ANOMALY(p, "pe.nt.bad_signature", p->nt_off, "no PE signature at e_lfanew 0x%x", lfanew);
        return KIN_MALFORMED;
    }
    struct span fh;
    if (!kin__span_sub(p->f, p->nt_off + 4, PE_FILE_HDR, &fh)) {
        PE_ANOMALY(p, "pe.file_header.truncated", p->nt_off + 4, "file header cut by end of file");
        return KIN_MALFORMED;
    }
    uint16_t nsec;
    (void)kin__span_le16(fh, 0, &p->machine);
    (void)kin__span_le16(fh, 2, &nsec);
    (void)kin__span_le32(fh, 4, &pe->timestamp);
    (void)kin__span_le32(fh, 8, &p->symtab_off);
    (void)kin__span_le32(fh, 12, &p->symtab_count);
    (void)kin__span_le16(fh, 16, &p->opt_size);
    (void)kin__span_le16(fh, 18, &p->characteristics);
    p->nsections_declared = nsec;
    p->opt_off = p->nt_off + 4 + PE_FILE_HDR;
    p->sect_off = p->opt_off + p->opt_size;
    pe->machine = p->machine;
    pe->characteristics = p->characteristics;
    img->arch = machine_arch(p->machine);
    if (img->arch == KIN_ARCH_UNKNOWN) {
        PE_ANOMALY(p, "pe.machine.unknown", p->nt_off + 4, "machine field is 0");
    }

    /* The optional header, zero-padded when the file ends inside it (Windows reads zeros). */
    uint8_t opt[PE_OPT_MAX];
    memset(opt, 0, sizeof(opt));
    struct span tail;
    if (!kin__span_tail(p->f, p->opt_off, &tail) || tail.n == 0) {
        PE_ANOMALY(p, "pe.optional.missing", p->opt_off, "file ends before the optional header");
        return KIN_MALFORMED;
    }
    size_t have = tail.n < sizeof(opt) ? tail.n : sizeof(opt);
    memcpy(opt, tail.p, have);
    struct span o = kin__span(opt, sizeof(opt));
    (void)kin__span_le16(o, 0, &p->magic);
    pe->magic = p->magic;
    if (p->magic == 0x20b) {
        p->is64 = 1;
    } else if (p->magic != 0x10b) {
        PE_ANOMALY(p, "pe.optional.bad_magic", p->opt_off,
                   "optional header magic 0x%x is neither PE32 nor PE32+; read as PE32", p->magic);
    }
    size_t fixed = p->is64 ? 112u : 96u;
    if (have < fixed) {
        PE_ANOMALY(p, "pe.optional.truncated", p->opt_off,
                   "optional header cut by end of file after %zu bytes", have);
    }
    uint8_t u8v;
    (void)kin__span_u8(o, 2, &u8v);
    pe->linker_major = u8v;
    (void)kin__span_u8(o, 3, &u8v);
    pe->linker_minor = u8v;
    (void)kin__span_le32(o, 16, &p->entry_rva);
    if (p->is64) {
        (void)kin__span_le64(o, 24, &p->base);
    } else {
        uint32_t b32 = 0;
        (void)kin__span_le32(o, 28, &b32);
        p->base = b32;
    }
    (void)kin__span_le32(o, 32, &p->sect_align);
    (void)kin__span_le32(o, 36, &p->file_align);
    (void)kin__span_le32(o, 56, &p->size_of_image);
    (void)kin__span_le32(o, 60, &p->size_of_headers);
    (void)kin__span_le32(o, 64, &pe->checksum);
    (void)kin__span_le16(o, 68, &pe->subsystem);
    (void)kin__span_le16(o, 70, &pe->dll_characteristics);
    uint32_t nrva = 0;
    (void)kin__span_le32(o, p->is64 ? 108 : 92, &nrva);
    if (nrva > PE_NUM_DIRS) {
        PE_ANOMALY(p, "pe.optional.many_dirs", p->opt_off,
                   "NumberOfRvaAndSizes is %u; only %u directories are defined", nrva, PE_NUM_DIRS);
        nrva = PE_NUM_DIRS;
    }
    /* pefile stops at the end of the file; a partial last entry reads as zero-padded. */
    uint64_t dir_off = p->opt_off + fixed;
    for (uint32_t i = 0; i < nrva && dir_off + 8u * (uint64_t)i < p->f.n; i++) {
        (void)kin__span_le32(o, fixed + 8u * (uint64_t)i, &p->dirs[i].rva);
        (void)kin__span_le32(o, fixed + 8u * (uint64_t)i + 4, &p->dirs[i].size);
        p->ndirs = i + 1;
    }
    if (p->opt_size < fixed + 8u * (uint64_t)p->ndirs) {
        PE_ANOMALY(p, "pe.optional.size_small", p->nt_off + 20,
                   "SizeOfOptionalHeader %u is smaller than the header it describes", p->opt_size);
    }
    if (p->file_align == 0 || (p->file_align & (p->file_align - 1)) != 0) {
        PE_ANOMALY(p, "pe.optional.file_alignment", p->opt_off + 36,
                   "FileAlignment 0x%x is not a power of two", p->file_align);
    }
    if (p->sect_align < p->file_align) {
        PE_ANOMALY(p, "pe.optional.section_alignment", p->opt_off + 32,
                   "SectionAlignment 0x%x is below FileAlignment 0x%x", p->sect_align,
                   p->file_align);
    }
    if (p->is64 && p->machine == PE_MACHINE_I386) {
        PE_ANOMALY(p, "pe.optional.magic_machine", p->opt_off, "PE32+ header on an i386 machine");
    }

    img->bits = p->is64 ? 64 : 32;
    img->base = p->base;
    pe->image_base = p->base;
    pe->size_of_image = p->size_of_image;
    pe->size_of_headers = p->size_of_headers;
    pe->section_alignment = p->sect_align;
    pe->file_alignment = p->file_align;
    pe->entry_rva = p->entry_rva;
    return KIN_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Sections.
 */

/*
 * A "/123" name refers to offset 123 of the COFF string table, which follows the symbol table
 * (object files, and images linked by GNU ld with debug sections). NULL when it cannot be read.
 */
static const char *long_name(struct pe_ctx *p, const uint8_t *raw, uint64_t hdr_off, int *nomem)
{
    uint64_t n = 0;
    int digits = 0;
    *nomem = 0;
    for (int i = 1; i < 8 && raw[i] >= '0' && raw[i] <= '9'; i++) {
        n = n * 10 + (uint64_t)(raw[i] - '0');
        digits++;
    }
    if (digits == 0 || (digits < 7 && raw[digits + 1] != 0)) {
        return NULL;
    }
    if (p->symtab_off == 0) {
        PE_ANOMALY(p, "pe.section.long_name", hdr_off, "long section name without string table");
        return NULL;
    }
    uint64_t strtab = (uint64_t)p->symtab_off + (uint64_t)p->symtab_count * PE_COFF_SYMSIZE;
    uint32_t strtab_size;
    if (!kin__span_le32(p->f, strtab, &strtab_size) || n < 4 || n >= strtab_size ||
        strtab + n >= p->f.n) {
        PE_ANOMALY(p, "pe.section.long_name", hdr_off,
                   "long section name /%llu outside the string table", (unsigned long long)n);
        return NULL;
    }
    const char *s = kin__load_cstr_at(p->c, strtab + n);
    if (!s) {
        *nomem = 1;
    }
    return s;
}

static kin_status read_sections(struct pe_ctx *p)
{
    uint64_t n = p->nsections_declared;
    uint64_t fits = p->sect_off <= p->f.n ? (p->f.n - p->sect_off) / PE_SECT_HDR : 0;
    if (n > fits) {
        PE_ANOMALY(p, "pe.section.table_past_eof", p->sect_off,
                   "section table of %llu entries ends past the end of the file (%llu fit)",
                   (unsigned long long)n, (unsigned long long)fits);
        n = fits;
    }
    if (n > KIN_MAX_SECTIONS) {
        PE_ANOMALY(p, "limit.sections", p->sect_off, "more than %u sections (cap)",
                   KIN_MAX_SECTIONS);
        n = KIN_MAX_SECTIONS;
    }
    if (p->nsections_declared == 0) {
        PE_ANOMALY(p, "pe.section.none", p->nt_off + 6, "no sections");
    }
    if (n == 0) {
        return KIN_OK;
    }
    p->secs = kin__arena_array(p->c->a, (size_t)n, sizeof(*p->secs));
    if (!p->secs) {
        return kin__pe_nomem(p);
    }
    int past_eof = 0, truncated = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t off = p->sect_off + i * PE_SECT_HDR;
        struct span h;
        if (!kin__span_sub(p->f, off, PE_SECT_HDR, &h)) {
            break;
        }
        size_t zeros = 0;
        while (zeros < PE_SECT_HDR && h.p[zeros] == 0) {
            zeros++;
        }
        if (zeros == PE_SECT_HDR) {
            /* pefile stops at a null entry; so do we, to list the same sections. */
            PE_ANOMALY(p, "pe.section.null", off, "section header %llu is all zero; table ends",
                       (unsigned long long)i);
            break;
        }
        struct pe_sect *s = &p->secs[p->nsecs];
        s->hdr_off = off;
        (void)kin__span_le32(h, 8, &s->vsize);
        (void)kin__span_le32(h, 12, &s->va);
        (void)kin__span_le32(h, 16, &s->raw_size);
        (void)kin__span_le32(h, 20, &s->raw_ptr);
        (void)kin__span_le32(h, 36, &s->chr);

        struct kin_section *ks = kin__load_add_section(p->c);
        if (!ks) {
            if (p->c->v.sections_count > KIN_MAX_SECTIONS) {
                break;
            }
            return kin__pe_nomem(p);
        }
        p->nsecs++;
        int nomem = 0;
        const char *name = h.p[0] == '/' ? long_name(p, h.p, off, &nomem) : NULL;
        if (!name && !nomem) {
            name = kin__load_strdup(p->c, h.p, 8);
        }
        if (!name) {
            return kin__pe_nomem(p);
        }
        ks->name = name;
        ks->va = p->base + s->va;
        ks->vsize = s->vsize ? s->vsize : s->raw_size;
        ks->raw_flags = s->chr;
        ks->flags = (s->chr & PE_SCN_LNK_RM) ? 0 : KIN_SEC_ALLOC;
        ks->flags |= (s->chr & PE_SCN_READ) ? KIN_SEC_READ : 0;
        ks->flags |= (s->chr & PE_SCN_WRITE) ? KIN_SEC_WRITE : 0;
        ks->flags |= (s->chr & PE_SCN_EXEC) ? KIN_SEC_EXEC : 0;
        ks->flags |= (s->chr & PE_SCN_CODE) ? KIN_SEC_CODE : 0;

        /* Raw data: [adjusted pointer, pointer + SizeOfRawData) clipped to the file. */
        uint64_t raw_adj = adjust_raw(p, s->raw_ptr);
        uint64_t end = (uint64_t)s->raw_ptr + s->raw_size;
        ks->offset = raw_adj;
        if (s->raw_size == 0) {
            ks->size = 0;
        } else if (raw_adj >= p->f.n) {
            if (!past_eof++) {
                PE_ANOMALY(p, "pe.section.past_eof", off,
                           "raw data of section %llu at 0x%x starts past the end of the file",
                           (unsigned long long)i, s->raw_ptr);
            }
            ks->size = 0;
        } else {
            if (end > p->f.n) {
                if (!truncated++) {
                    PE_ANOMALY(p, "pe.section.raw_truncated", off,
                               "raw data of section %llu ends past the end of the file",
                               (unsigned long long)i);
                }
                end = p->f.n;
            }
            ks->size = end - raw_adj;
        }
        if (raw_adj != s->raw_ptr && s->raw_size) {
            PE_ANOMALY(p, "pe.section.unaligned_raw", off,
                       "PointerToRawData 0x%x is not a multiple of 0x200; read from 0x%llx",
                       s->raw_ptr, (unsigned long long)raw_adj);
        }
        if ((uint64_t)s->va + ks->vsize > (uint64_t)UINT32_MAX + 1) {
            PE_ANOMALY(p, "pe.rva.wrap", off,
                       "section at RVA 0x%x of %llu bytes wraps around 4 GiB", s->va,
                       (unsigned long long)ks->vsize);
        } else if ((uint64_t)s->va + ks->vsize > p->size_of_image) {
            PE_ANOMALY(p, "pe.section.past_image", off,
                       "section at RVA 0x%x extends past SizeOfImage 0x%x", s->va,
                       p->size_of_image);
        }
        struct span data;
        if (ks->size && kin__span_sub(p->f, ks->offset, ks->size, &data)) {
            (void)kin__pe_entropy(p, data, &ks->entropy);
        }
    }
    return KIN_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Entry point, Authenticode, overlay.
 */

static kin_status entry_point(struct pe_ctx *p)
{
    if (p->entry_rva == 0) {
        if (p->characteristics & PE_FILE_DLL) {
            return KIN_OK;
        }
        PE_ANOMALY(p, "pe.entry.zero", p->opt_off + 16,
                   "executable with AddressOfEntryPoint 0 (starts at the DOS header)");
    }
    uint64_t off, avail;
    int kind = kin__pe_map(p, p->entry_rva, &off, &avail);
    if (kind != PE_MAP_SECTION && kind != PE_MAP_FLAT) {
        PE_ANOMALY(p, "pe.entry.unmapped", p->opt_off + 16,
                   "entry point RVA 0x%x is not backed by file bytes", p->entry_rva);
        return KIN_OK;
    }
    if (p->size_of_image && p->entry_rva >= p->size_of_image) {
        PE_ANOMALY(p, "pe.entry.outside_image", p->opt_off + 16,
                   "entry point RVA 0x%x is past SizeOfImage", p->entry_rva);
    }
    if (!kin__load_add_entry(p->c, p->base + p->entry_rva, KIN_ENTRY_MAIN)) {
        return kin__pe_nomem(p);
    }
    return KIN_OK;
}

/* The security directory holds a file offset, not an RVA (PE/COFF 4.7). */
static void security(struct pe_ctx *p)
{
    if (p->ndirs <= PE_DIR_SECURITY || p->dirs[PE_DIR_SECURITY].size == 0) {
        return;
    }
    struct kin_pe_info *pe = &p->c->img->pe;
    uint64_t off = p->dirs[PE_DIR_SECURITY].rva, size = p->dirs[PE_DIR_SECURITY].size;
    if (!kin__span_fits(p->f, off, size)) {
        PE_ANOMALY(p, "pe.security.past_eof", off,
                   "signature at 0x%llx (%llu bytes) ends past the end of the file",
                   (unsigned long long)off, (unsigned long long)size);
        if (off >= p->f.n) {
            return;
        }
        size = p->f.n - off;
    }
    pe->security_offset = off;
    pe->security_size = size;
    uint16_t type;
    if (!kin__span_le16(p->f, off + 6, &type) || type != 2) {
        PE_ANOMALY(p, "pe.security.bad_type", off,
                   "WIN_CERTIFICATE is not PKCS#7 signed data (type 2)");
    }
}

/*
 * pefile's get_overlay_data_start_offset(): the largest end, within the file, of the optional
 * header, of each section's raw data and of each data directory but the security one; whatever
 * follows is the overlay. An Authenticode signature usually lies in the overlay.
 */
static void overlay(struct pe_ctx *p)
{
    uint64_t best = 0;
    uint64_t end = p->opt_off + p->opt_size;
    if (end <= p->f.n) {
        best = end;
    }
    for (size_t i = 0; i < p->nsecs; i++) {
        end = (uint64_t)p->secs[i].raw_ptr + p->secs[i].raw_size;
        if (end <= p->f.n && end > best) {
            best = end;
        }
    }
    for (uint32_t i = 0; i < p->ndirs; i++) {
        uint64_t off, avail;
        if (i == PE_DIR_SECURITY || kin__pe_map(p, p->dirs[i].rva, &off, &avail) == PE_MAP_NONE) {
            continue;
        }
        end = off + p->dirs[i].size;
        if (end <= p->f.n && end > best) {
            best = end;
        }
    }
    if (p->f.n > best) {
        p->c->img->pe.overlay_offset = best;
        p->c->img->pe.overlay_size = p->f.n - best;
    }
}

kin_status kin__pe_load(struct load_ctx *c)
{
    struct pe_ctx p;
    memset(&p, 0, sizeof(p));
    p.c = c;
    p.f = c->file;
    p.entropy_budget = (uint64_t)c->file.n * KIN_ENTROPY_WORK_FACTOR + ((uint64_t)1 << 20);
    KIN_TRY(read_headers(&p));
    KIN_TRY(read_sections(&p));
    KIN_TRY(build_map(&p));
    KIN_TRY(entry_point(&p));
    KIN_TRY(kin__pe_rich(&p));
    KIN_TRY(kin__pe_imports(&p));
    KIN_TRY(kin__pe_delay_imports(&p));
    KIN_TRY(kin__pe_imphash(&p));
    KIN_TRY(kin__pe_exports(&p));
    KIN_TRY(kin__pe_relocs(&p));
    KIN_TRY(kin__pe_tls(&p));
    KIN_TRY(kin__pe_pdata(&p));
    KIN_TRY(kin__pe_debug(&p));
    KIN_TRY(kin__pe_resources(&p));
    security(&p);
    overlay(&p);
    return KIN_OK;
}

/*
 * pe_reloc.c: base relocations (PE/COFF 6.6). The directory is a run of blocks, each a page RVA
 * and a block size (both u32, the size counting the 8-byte header) followed by u16 entries: type
 * in the top 4 bits, offset in the page in the low 12. ABSOLUTE (0) entries pad; HIGHADJ (4)
 * takes the next entry as its parameter. Two passes: count, then fill an exactly sized array, so
 * the memory is bounded by the directory's size and KIN_MAX_RELOCS.
 */
#include "pe_int.h"

#define REL_ABSOLUTE 0u
#define REL_HIGHADJ  4u

/* Walks the blocks; with out == NULL only counts. Returns the number of relocations. */
static size_t walk(struct pe_ctx *p, struct span s, struct kin_reloc *out, size_t cap, int report)
{
    size_t n = 0;
    uint64_t pos = 0;
    while (pos + 8 <= s.n && n < cap) {
        uint32_t page = 0, bsize = 0;
        (void)kin__span_le32(s, pos, &page);
        (void)kin__span_le32(s, pos + 4, &bsize);
        uint64_t block_off = kin__pe_off(p, p->dirs[PE_DIR_BASERELOC].rva + pos);
        if (bsize < 8) {
            /* A zero-sized block would loop forever; a size below the header is nonsense. */
            if (report && (page != 0 || bsize != 0)) {
                PE_ANOMALY(p, "pe.reloc.bad_block", block_off,
                           "relocation block size %u is below its 8-byte header", bsize);
            }
            break;
        }
        uint64_t end = pos + bsize;
        if (end > s.n) {
            if (report) {
                PE_ANOMALY(p, "pe.reloc.block_truncated", block_off,
                           "relocation block of %u bytes ends past the directory", bsize);
            }
            end = s.n;
        }
        for (uint64_t e = pos + 8; e + 2 <= end && n < cap; e += 2) {
            uint16_t v = 0;
            (void)kin__span_le16(s, e, &v);
            uint32_t type = v >> 12;
            if (type == REL_ABSOLUTE) {
                continue;
            }
            if (out) {
                out[n].va = p->base + page + (v & 0xfffu);
                out[n].type = type;
            }
            n++;
            if (type == REL_HIGHADJ) {
                e += 2;
            }
        }
        pos = end;
    }
    return n;
}

kin_status kin__pe_relocs(struct pe_ctx *p)
{
    if (p->ndirs <= PE_DIR_BASERELOC || p->dirs[PE_DIR_BASERELOC].rva == 0 ||
        p->dirs[PE_DIR_BASERELOC].size == 0) {
        return KIN_OK;
    }
    const struct pe_dir *dir = &p->dirs[PE_DIR_BASERELOC];
    struct span s;
    if (!kin__pe_span_at(p, dir->rva, dir->size, &s)) {
        PE_ANOMALY(p, "pe.reloc.unmapped", p->opt_off,
                   "relocation directory at RVA 0x%x is not in the file", dir->rva);
        return KIN_OK;
    }
    if (s.n < dir->size) {
        PE_ANOMALY(p, "pe.reloc.truncated", kin__pe_off(p, dir->rva),
                   "relocation directory of %u bytes is cut to %zu by its section or the file",
                   dir->size, s.n);
    }
    size_t n = walk(p, s, NULL, KIN_MAX_RELOCS + 1u, 1);
    if (n > KIN_MAX_RELOCS) {
        PE_ANOMALY(p, "limit.relocs", kin__pe_off(p, dir->rva), "more than %u relocations (cap)",
                   KIN_MAX_RELOCS);
        n = KIN_MAX_RELOCS;
    }
    if (n == 0) {
        return KIN_OK;
    }
    struct kin_reloc *r = kin__arena_array(p->c->a, n, sizeof(*r));
    if (!r) {
        return kin__pe_nomem(p);
    }
    p->c->img->pe.relocs = r;
    p->c->img->pe.reloc_count = walk(p, s, r, n, 0);
    return KIN_OK;
}

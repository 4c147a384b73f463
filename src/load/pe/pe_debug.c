/*
 * pe_debug.c: the debug directory (PE/COFF 6.1) and its CodeView record: the PDB path, GUID and
 * age the linker wrote. PDB paths often carry a developer's user name and project layout, which
 * makes them attribution evidence (docs/ATTRIBUTION.md).
 *
 *   IMAGE_DEBUG_DIRECTORY (28 bytes): 12 Type (2 = CODEVIEW), 16 SizeOfData,
 *                                     20 AddressOfRawData (RVA), 24 PointerToRawData (file)
 *   RSDS record: "RSDS", GUID (16 bytes), Age (u32), path (NUL-terminated)
 *   NB10 record: "NB10", Offset (u32), Signature (u32), Age (u32), path
 * The record is read at PointerToRawData (as pefile and debuggers do), else at AddressOfRawData.
 * The first CodeView entry wins; at most KIN_MAX_DEBUG_ENTRIES entries are read.
 */
#include <string.h>

#include "pe_int.h"

#define DBG_ENTRY_SIZE    28u
#define DBG_TYPE_CODEVIEW 2u
#define CV_RSDS           0x53445352u /* "RSDS" */
#define CV_NB10           0x3031424eu /* "NB10" */
#define CV_RSDS_PATH      24u
#define CV_NB10_PATH      16u

static kin_status codeview(struct pe_ctx *p, struct span rec, uint64_t rec_off)
{
    struct kin_pe_info *pe = &p->c->img->pe;
    uint32_t sig = 0;
    uint64_t path_at;
    (void)kin__span_le32(rec, 0, &sig);
    if (sig == CV_RSDS && rec.n >= CV_RSDS_PATH) {
        memcpy(pe->pdb_guid, rec.p + 4, 16);
        (void)kin__span_le32(rec, 20, &pe->pdb_age);
        path_at = CV_RSDS_PATH;
    } else if (sig == CV_NB10 && rec.n >= CV_NB10_PATH) {
        (void)kin__span_le32(rec, 8, &pe->pdb_signature);
        (void)kin__span_le32(rec, 12, &pe->pdb_age);
        path_at = CV_NB10_PATH;
    } else {
        PE_ANOMALY(p, "pe.debug.bad_codeview", rec_off,
                   "CodeView record is neither RSDS nor NB10, or is too short (%zu bytes)", rec.n);
        return KIN_OK;
    }
    struct span path;
    (void)kin__span_tail(rec, path_at, &path);
    int term = 0;
    size_t len = kin__span_strnlen(path, 0, KIN_MAX_STRING_LEN, &term);
    if (!term && path.n > len) {
        term = 1; /* cut at KIN_MAX_STRING_LEN; not a damaged record */
    }
    if (!term) {
        PE_ANOMALY(p, "pe.debug.unterminated_path", rec_off, "PDB path is not NUL-terminated");
    }
    pe->pdb_path = kin__arena_strndup(p->c->a, path.p, len);
    if (!pe->pdb_path) {
        return kin__pe_nomem(p);
    }
    return KIN_OK;
}

kin_status kin__pe_debug(struct pe_ctx *p)
{
    if (p->ndirs <= PE_DIR_DEBUG || p->dirs[PE_DIR_DEBUG].rva == 0 ||
        p->dirs[PE_DIR_DEBUG].size == 0) {
        return KIN_OK;
    }
    const struct pe_dir *dir = &p->dirs[PE_DIR_DEBUG];
    struct span s;
    if (!kin__pe_span_at(p, dir->rva, dir->size, &s)) {
        PE_ANOMALY(p, "pe.debug.unmapped", p->opt_off,
                   "debug directory at RVA 0x%x is not in the file", dir->rva);
        return KIN_OK;
    }
    uint64_t n = s.n / DBG_ENTRY_SIZE;
    if (s.n < dir->size) {
        PE_ANOMALY(p, "pe.debug.truncated", kin__pe_off(p, dir->rva),
                   "debug directory of %u bytes is cut to %zu", dir->size, s.n);
    }
    if (n > KIN_MAX_DEBUG_ENTRIES) {
        PE_ANOMALY(p, "limit.debug_entries", kin__pe_off(p, dir->rva),
                   "more than %u debug entries (cap)", KIN_MAX_DEBUG_ENTRIES);
        n = KIN_MAX_DEBUG_ENTRIES;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint32_t type = 0, size = 0, addr = 0, ptr = 0;
        (void)kin__span_le32(s, i * DBG_ENTRY_SIZE + 12, &type);
        (void)kin__span_le32(s, i * DBG_ENTRY_SIZE + 16, &size);
        (void)kin__span_le32(s, i * DBG_ENTRY_SIZE + 20, &addr);
        (void)kin__span_le32(s, i * DBG_ENTRY_SIZE + 24, &ptr);
        if (type != DBG_TYPE_CODEVIEW || p->c->img->pe.pdb_path) {
            continue;
        }
        struct span rec;
        uint64_t rec_off = ptr;
        int ok = 0;
        if (ptr != 0) {
            struct span tail;
            if (kin__span_tail(p->f, ptr, &tail)) {
                rec = kin__span(tail.p, tail.n < size ? tail.n : size);
                ok = rec.n > 0;
            }
        } else if (addr != 0) {
            ok = kin__pe_span_at(p, addr, size, &rec);
            rec_off = kin__pe_off(p, addr);
        }
        if (!ok) {
            PE_ANOMALY(p, "pe.debug.codeview_unmapped", kin__pe_off(p, dir->rva),
                       "CodeView record (file 0x%x, RVA 0x%x) is not in the file", ptr, addr);
            continue;
        }
        if (rec.n < size) {
            PE_ANOMALY(p, "pe.debug.codeview_truncated", rec_off,
                       "CodeView record of %u bytes is cut to %zu", size, rec.n);
        }
        KIN_TRY(codeview(p, rec, rec_off));
    }
    return KIN_OK;
}

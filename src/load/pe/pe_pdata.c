/*
 * pe_pdata.c: the x64 exception directory (.pdata), an array of 12-byte RUNTIME_FUNCTION entries
 * (BeginAddress, EndAddress, UnwindInfoAddress: RVAs) sorted by address. Every non-leaf x64
 * function has one, so it is the best function-start list a stripped binary carries. Only AMD64
 * images use this layout (ARM64's entries are 8 bytes and are not read). Entries whose end is not
 * past their start are skipped; the count is bounded by the directory's bytes and
 * KIN_MAX_RUNTIME_FUNCS.
 */
#include "pe_int.h"

#define RF_SIZE 12u

kin_status kin__pe_pdata(struct pe_ctx *p)
{
    if (p->machine != PE_MACHINE_AMD64 || p->ndirs <= PE_DIR_EXCEPTION ||
        p->dirs[PE_DIR_EXCEPTION].rva == 0 || p->dirs[PE_DIR_EXCEPTION].size == 0) {
        return KIN_OK;
    }
    const struct pe_dir *dir = &p->dirs[PE_DIR_EXCEPTION];
    uint64_t dir_off = kin__pe_off(p, dir->rva);
    struct span s;
    if (!kin__pe_span_at(p, dir->rva, dir->size, &s)) {
        PE_ANOMALY(p, "pe.pdata.unmapped", p->opt_off,
                   "exception directory at RVA 0x%x is not in the file", dir->rva);
        return KIN_OK;
    }
    if (s.n < dir->size) {
        PE_ANOMALY(p, "pe.pdata.truncated", dir_off,
                   "exception directory of %u bytes is cut to %zu by its section or the file",
                   dir->size, s.n);
    } else if (dir->size % RF_SIZE) {
        PE_ANOMALY(p, "pe.pdata.size", dir_off,
                   "exception directory size %u is not a multiple of 12", dir->size);
    }
    size_t n = s.n / RF_SIZE;
    if (n > KIN_MAX_RUNTIME_FUNCS) {
        PE_ANOMALY(p, "limit.runtime_functions", dir_off, "more than %u .pdata entries (cap)",
                   KIN_MAX_RUNTIME_FUNCS);
        n = KIN_MAX_RUNTIME_FUNCS;
    }
    if (n == 0) {
        return KIN_OK;
    }
    struct kin_runtime_function *rf = kin__arena_array(p->c->a, n, sizeof(*rf));
    if (!rf) {
        return kin__pe_nomem(p);
    }
    size_t k = 0, bad = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t begin = 0, end = 0, unwind = 0;
        (void)kin__span_le32(s, i * RF_SIZE, &begin);
        (void)kin__span_le32(s, i * RF_SIZE + 4, &end);
        (void)kin__span_le32(s, i * RF_SIZE + 8, &unwind);
        if (end <= begin) {
            /* All-zero entries pad the end of many tables; only others are damage. */
            if (begin || end || unwind) {
                bad++;
            }
            continue;
        }
        rf[k].begin_va = p->base + begin;
        rf[k].end_va = p->base + end;
        rf[k].unwind_va = p->base + unwind;
        k++;
    }
    if (bad) {
        PE_ANOMALY(p, "pe.pdata.bad_entry", dir_off,
                   "%zu .pdata entries end before they begin (skipped)", bad);
    }
    p->c->img->pe.pdata = rf;
    p->c->img->pe.pdata_count = k;
    return KIN_OK;
}

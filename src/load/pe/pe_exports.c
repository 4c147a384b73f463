/*
 * pe_exports.c: the export directory. Named exports come first, in name-table order, then the
 * functions no name points at (ordinal-only exports), as pefile lists them. A function RVA inside
 * the export directory's own range is a forwarder: its "DLL.Name" string is reported, va is 0.
 *
 *   IMAGE_EXPORT_DIRECTORY (40 bytes)
 *    12 Name   16 Base   20 NumberOfFunctions   24 NumberOfNames
 *    28 AddressOfFunctions (u32 RVAs)   32 AddressOfNames (u32 RVAs)
 *    36 AddressOfNameOrdinals (u16 indexes into AddressOfFunctions)
 *
 * Counts are bounded by the bytes the arrays actually occupy in the file and by KIN_MAX_EXPORTS,
 * so NumberOfNames = 0xffffffff in a small file costs nothing.
 */
#include "pe_int.h"

#define EXP_DIR_SIZE 40u

/* The number of whole elements of elem bytes readable at rva, at most want. */
static uint64_t
array_at(const struct pe_ctx *p, uint64_t rva, uint64_t want, uint64_t elem, struct span *s)
{
    if (want == 0 || !kin__pe_span_at(p, rva, want * elem, s)) {
        s->p = NULL;
        s->n = 0;
        return 0;
    }
    return s->n / elem;
}

static kin_status
add_export(struct pe_ctx *p, const char *name, uint32_t ordinal, uint32_t func_rva, int *stop)
{
    const struct pe_dir *dir = &p->dirs[PE_DIR_EXPORT];
    const char *fwd = NULL;
    if (func_rva >= dir->rva && (uint64_t)func_rva < (uint64_t)dir->rva + dir->size) {
        int nomem = 0;
        fwd = kin__pe_string(p, func_rva, KIN_MAX_STRING_LEN, &nomem);
        if (nomem) {
            return kin__pe_nomem(p);
        }
        if (!fwd) {
            fwd = "";
        }
    }
    struct kin_export *e = kin__load_add_export(p->c);
    if (!e) {
        if (p->c->v.exports_count > KIN_MAX_EXPORTS) {
            *stop = 1;
            return KIN_OK;
        }
        return kin__pe_nomem(p);
    }
    e->name = name;
    e->ordinal = ordinal;
    e->forwarder = fwd;
    e->va = fwd ? 0 : p->base + func_rva;
    return KIN_OK;
}

kin_status kin__pe_exports(struct pe_ctx *p)
{
    if (p->ndirs <= PE_DIR_EXPORT || p->dirs[PE_DIR_EXPORT].rva == 0) {
        return KIN_OK;
    }
    uint64_t rva = p->dirs[PE_DIR_EXPORT].rva;
    struct span d;
    if (!kin__pe_read(p, rva, EXP_DIR_SIZE, &d)) {
        PE_ANOMALY(p, "pe.export.unmapped", kin__pe_off(p, rva),
                   "export directory at RVA 0x%llx is not in the file", (unsigned long long)rva);
        return KIN_OK;
    }
    uint32_t base = 0, nfuncs = 0, nnames = 0, funcs_rva = 0, names_rva = 0, ords_rva = 0;
    uint32_t dll_rva = 0;
    (void)kin__span_le32(d, 12, &dll_rva);
    (void)kin__span_le32(d, 16, &base);
    (void)kin__span_le32(d, 20, &nfuncs);
    (void)kin__span_le32(d, 24, &nnames);
    (void)kin__span_le32(d, 28, &funcs_rva);
    (void)kin__span_le32(d, 32, &names_rva);
    (void)kin__span_le32(d, 36, &ords_rva);
    uint64_t dir_off = kin__pe_off(p, rva);
    if (dll_rva) {
        /* The module's own name, as the linker wrote it ("LIBRARY" of a .def file). */
        int nomem = 0;
        p->c->img->pe.dll_name = kin__pe_string(p, dll_rva, KIN_MAX_STRING_LEN, &nomem);
        if (nomem) {
            return kin__pe_nomem(p);
        }
        if (!p->c->img->pe.dll_name) {
            PE_ANOMALY(p, "pe.export.dll_name_unmapped", dir_off,
                       "the export directory's Name RVA 0x%x is not in the file", dll_rva);
        }
    }

    struct span funcs, names, ords;
    uint64_t nf = array_at(p, funcs_rva, nfuncs, 4, &funcs);
    if (nf < nfuncs) {
        PE_ANOMALY(p, "pe.export.functions_truncated", dir_off,
                   "NumberOfFunctions is %u but the file holds %llu", nfuncs,
                   (unsigned long long)nf);
    }
    uint64_t nn = array_at(p, names_rva, nnames, 4, &names);
    uint64_t no = array_at(p, ords_rva, nnames, 2, &ords);
    if (no < nn) {
        nn = no;
    }
    if (nn < nnames) {
        PE_ANOMALY(p, "pe.export.names_truncated", dir_off,
                   "NumberOfNames is %u but the file holds %llu", nnames, (unsigned long long)nn);
    }
    if (nf > KIN_MAX_EXPORTS) {
        nf = KIN_MAX_EXPORTS; /* the appender reports the cap once it is reached */
    }
    uint8_t *named = nf ? kin__arena_alloc(p->c->a, (size_t)nf) : NULL;
    if (nf && !named) {
        return kin__pe_nomem(p);
    }

    int stop = 0, bad_ord = 0, bad_name = 0;
    for (uint64_t i = 0; i < nn && !stop; i++) {
        uint16_t idx = 0;
        uint32_t name_rva = 0, func_rva = 0;
        (void)kin__span_le16(ords, i * 2, &idx);
        (void)kin__span_le32(names, i * 4, &name_rva);
        if (idx >= nf) {
            if (!bad_ord++) {
                PE_ANOMALY(p, "pe.export.bad_ordinal", dir_off,
                           "name ordinal %u is past the %llu functions", idx,
                           (unsigned long long)nf);
            }
            continue;
        }
        (void)kin__span_le32(funcs, (uint64_t)idx * 4, &func_rva);
        if (named) { /* never NULL here (idx < nf), said for the analyzer */
            named[idx] = 1;
        }
        if (func_rva == 0) {
            continue;
        }
        int nomem = 0;
        const char *name = kin__pe_string(p, name_rva, KIN_MAX_STRING_LEN, &nomem);
        if (nomem) {
            return kin__pe_nomem(p);
        }
        if (!name && !bad_name++) {
            /* The function is still exported, by ordinal: keep it, nameless (as pefile). */
            PE_ANOMALY(p, "pe.export.name_unmapped", dir_off,
                       "export name RVA 0x%x is not in the file", name_rva);
        }
        KIN_TRY(add_export(p, name, base + idx, func_rva, &stop));
    }
    for (uint64_t idx = 0; idx < nf && !stop; idx++) {
        uint32_t func_rva = 0;
        (void)kin__span_le32(funcs, idx * 4, &func_rva);
        if (named[idx] || func_rva == 0) {
            continue;
        }
        KIN_TRY(add_export(p, NULL, base + (uint32_t)idx, func_rva, &stop));
    }
    return KIN_OK;
}

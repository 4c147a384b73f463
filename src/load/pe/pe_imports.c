/*
 * pe_imports.c: the import directory and the delay-load import directory, as the Windows loader
 * reads them: one entry per thunk of each descriptor's lookup table, with the VA of the IAT slot
 * the loader fills (what `call [slot]` reads). pefile's quirks for imphash live in pe_imphash.c.
 *
 *   IMAGE_IMPORT_DESCRIPTOR (20 bytes)      IMAGE_DELAYLOAD_DESCRIPTOR (32 bytes)
 *    0 OriginalFirstThunk (lookup table)     0 Attributes (bit 0: fields are RVAs, else VAs)
 *    4 TimeDateStamp                         4 DllNameRVA
 *    8 ForwarderChain                        8 ModuleHandleRVA
 *   12 Name (RVA of the DLL name)           12 ImportAddressTableRVA
 *   16 FirstThunk (IAT)                     16 ImportNameTableRVA
 *                                           20 BoundImportAddressTableRVA, 24 Unload..., 28 Time
 * A thunk is 4 (PE32) or 8 (PE32+) bytes: top bit set = ordinal in the low 16 bits, else the RVA
 * of a hint (u16) and a NUL-terminated name. Tables end with a zero thunk, directories with an
 * all-zero descriptor.
 *
 * Bounds: descriptors <= KIN_MAX_IMPORT_DLLS, thunks read <= KIN_MAX_IMPORT_THUNKS, imports <=
 * KIN_MAX_IMPORTS; every read must map to file bytes. A descriptor repeating an earlier one's
 * tables is an import loop: reported and skipped, so no table is walked twice.
 */
#include <string.h>

#include "pe_int.h"

#define IMP_DESC_SIZE   20u
#define DELAY_DESC_SIZE 32u

struct imp_walk {
    struct pe_ctx *p;
    uint64_t *seen; /* (lookup table << 32 | IAT) of descriptors walked so far */
    size_t nseen, cap_seen;
    uint64_t thunks; /* thunks read so far, both directories */
    int stop;        /* a cap was reached: no more imports */
    const char *what;
};

/* Records a descriptor's tables; 0 when they were walked before (a loop), -1 on no memory. */
static int first_visit(struct imp_walk *w, uint32_t lookup, uint32_t iat)
{
    uint64_t key = ((uint64_t)lookup << 32) | iat;
    for (size_t i = 0; i < w->nseen; i++) {
        if (w->seen[i] == key) {
            return 0;
        }
    }
    if (!kin__arena_vec_reserve(w->p->c->a, (void **)&w->seen, w->nseen, &w->cap_seen,
                                sizeof(*w->seen))) {
        return -1;
    }
    w->seen[w->nseen++] = key;
    return 1;
}

/* A delay descriptor field or thunk in the old VA form, made an RVA when it lies in the image. */
static uint64_t normalize_va(const struct pe_ctx *p, uint64_t va)
{
    if (va >= p->base && va - p->base < p->size_of_image) {
        return va - p->base;
    }
    return va;
}

/*
 * Walks one lookup table (at rva `lookup`) whose slots are at `iat`, adding one import per thunk.
 * va_form: thunks hold VAs (old delay-load descriptors).
 */
static kin_status walk_thunks(
    struct imp_walk *w, const char *dll, uint64_t lookup, uint64_t iat, uint32_t flags, int va_form)
{
    struct pe_ctx *p = w->p;
    uint64_t ps = p->is64 ? 8 : 4;
    uint64_t ord_flag = p->is64 ? (uint64_t)1 << 63 : (uint64_t)1 << 31;
    int bad_ord = 0, bad_name = 0;
    for (uint64_t j = 0;; j++) {
        if (++w->thunks > KIN_MAX_IMPORT_THUNKS) {
            PE_ANOMALY(p, "limit.import_thunks", kin__pe_off(p, lookup),
                       "more than %u import thunks read (cap)", KIN_MAX_IMPORT_THUNKS);
            w->stop = 1;
            return KIN_OK;
        }
        uint64_t trva = lookup + j * ps, val, off, avail;
        if (!kin__pe_ptr(p, trva, &val)) {
            /* Thunks past the raw data read as zero in memory: the table simply ends. */
            if (kin__pe_map(p, trva, &off, &avail) != PE_MAP_VIRTUAL) {
                PE_ANOMALY(p, "pe.import.thunk_unmapped", kin__pe_off(p, lookup),
                           "%s lookup table of '%s' runs out of the file at RVA 0x%llx", w->what,
                           dll, (unsigned long long)trva);
            }
            return KIN_OK;
        }
        if (val == 0) {
            return KIN_OK;
        }
        const char *name = NULL;
        uint32_t hint = 0, ordinal = 0;
        if (val & ord_flag) {
            ordinal = (uint32_t)(val & 0xffff);
            if ((val & ~ord_flag) > 0xffff && !bad_ord++) {
                PE_ANOMALY(p, "pe.import.bad_ordinal", kin__pe_off(p, trva),
                           "ordinal thunk 0x%llx of '%s' has bits set above the ordinal",
                           (unsigned long long)val, dll);
            }
        } else {
            if (va_form) {
                val = normalize_va(p, val);
            }
            uint16_t h16 = 0;
            int nomem = 0;
            if (val <= UINT32_MAX && kin__pe_u16(p, val, &h16)) {
                name = kin__pe_string(p, val + 2, KIN_MAX_STRING_LEN, &nomem);
            }
            if (nomem) {
                return kin__pe_nomem(p);
            }
            if (!name) {
                if (!bad_name++) {
                    PE_ANOMALY(p, "pe.import.name_unmapped", kin__pe_off(p, trva),
                               "import name RVA 0x%llx of '%s' is not in the file",
                               (unsigned long long)val, dll);
                }
                continue;
            }
            hint = h16;
        }
        struct kin_import *imp = kin__load_add_import(p->c);
        if (!imp) {
            if (p->c->v.imports_count > KIN_MAX_IMPORTS) {
                w->stop = 1;
                return KIN_OK;
            }
            return kin__pe_nomem(p);
        }
        imp->library = dll;
        imp->name = name;
        imp->ordinal = ordinal;
        imp->hint = hint;
        imp->flags = flags | (name ? 0 : KIN_IMPORT_BY_ORDINAL);
        imp->slot_va = p->base + iat + j * ps;
    }
}

/* Common checks of one descriptor; returns the DLL name or NULL to skip it. */
static const char *descriptor_dll(struct imp_walk *w,
                                  uint64_t desc_off,
                                  uint64_t name_rva,
                                  uint32_t lookup,
                                  uint32_t iat,
                                  kin_status *st)
{
    struct pe_ctx *p = w->p;
    *st = KIN_OK;
    if (name_rva == 0 || iat == 0) {
        PE_ANOMALY(p, "pe.import.bad_descriptor", desc_off,
                   "%s descriptor without a DLL name or address table", w->what);
        return NULL;
    }
    int nomem = 0;
    const char *dll = kin__pe_string(p, name_rva, KIN_MAX_STRING_LEN, &nomem);
    if (nomem) {
        *st = kin__pe_nomem(p);
        return NULL;
    }
    if (!dll) {
        PE_ANOMALY(p, "pe.import.dll_name_unmapped", desc_off,
                   "%s DLL name at RVA 0x%llx is not in the file", w->what,
                   (unsigned long long)name_rva);
        return NULL;
    }
    int fresh = first_visit(w, lookup, iat);
    if (fresh < 0) {
        *st = kin__pe_nomem(p);
        return NULL;
    }
    if (!fresh) {
        PE_ANOMALY(p, "pe.import.loop", desc_off,
                   "%s descriptor for '%s' repeats the tables of an earlier one", w->what, dll);
        return NULL;
    }
    return dll;
}

/*
 * Reads descriptor i of a directory into d; 0 at the end (all zero, zero-filled memory, or the
 * file runs out, which is reported).
 */
static int read_descriptor(struct imp_walk *w, uint64_t rva, uint64_t size, struct span *d)
{
    struct pe_ctx *p = w->p;
    uint64_t off, avail;
    if (kin__pe_read(p, rva, size, d)) {
        for (size_t k = 0; k < d->n; k++) {
            if (d->p[k]) {
                return 1;
            }
        }
        return 0;
    }
    int kind = kin__pe_map(p, rva, &off, &avail);
    if (kind == PE_MAP_NONE) {
        PE_ANOMALY(p, "pe.rva.unmapped", off,
                   "%s descriptor RVA 0x%llx is outside the sections and the file", w->what,
                   (unsigned long long)rva);
    } else if (kind != PE_MAP_VIRTUAL) {
        PE_ANOMALY(p, "pe.import.unterminated", off,
                   "%s descriptors run out of the file at RVA 0x%llx", w->what,
                   (unsigned long long)rva);
    }
    return 0;
}

kin_status kin__pe_imports(struct pe_ctx *p)
{
    if (p->ndirs <= PE_DIR_IMPORT || p->dirs[PE_DIR_IMPORT].rva == 0) {
        return KIN_OK;
    }
    struct imp_walk w;
    memset(&w, 0, sizeof(w));
    w.p = p;
    w.what = "import";
    uint64_t base_rva = p->dirs[PE_DIR_IMPORT].rva;
    for (uint64_t i = 0; !w.stop; i++) {
        if (i >= KIN_MAX_IMPORT_DLLS) {
            PE_ANOMALY(p, "limit.import_dlls", kin__pe_off(p, base_rva),
                       "more than %u import descriptors (cap)", KIN_MAX_IMPORT_DLLS);
            break;
        }
        uint64_t rva = base_rva + i * IMP_DESC_SIZE;
        struct span d;
        if (!read_descriptor(&w, rva, IMP_DESC_SIZE, &d)) {
            break;
        }
        uint32_t lookup = 0, name = 0, iat = 0;
        (void)kin__span_le32(d, 0, &lookup);
        (void)kin__span_le32(d, 12, &name);
        (void)kin__span_le32(d, 16, &iat);
        kin_status st;
        const char *dll = descriptor_dll(&w, kin__pe_off(p, rva), name, lookup, iat, &st);
        if (st != KIN_OK) {
            return st;
        }
        if (dll) {
            /* Without a lookup table the IAT doubles as one (unbound images). */
            KIN_TRY(walk_thunks(&w, dll, lookup ? lookup : iat, iat, 0, 0));
        }
    }
    return KIN_OK;
}

kin_status kin__pe_delay_imports(struct pe_ctx *p)
{
    if (p->ndirs <= PE_DIR_DELAY_IMPORT || p->dirs[PE_DIR_DELAY_IMPORT].rva == 0) {
        return KIN_OK;
    }
    struct imp_walk w;
    memset(&w, 0, sizeof(w));
    w.p = p;
    w.what = "delay-load";
    uint64_t base_rva = p->dirs[PE_DIR_DELAY_IMPORT].rva;
    for (uint64_t i = 0; !w.stop; i++) {
        if (i >= KIN_MAX_IMPORT_DLLS) {
            PE_ANOMALY(p, "limit.import_dlls", kin__pe_off(p, base_rva),
                       "more than %u delay-load descriptors (cap)", KIN_MAX_IMPORT_DLLS);
            break;
        }
        uint64_t rva = base_rva + i * DELAY_DESC_SIZE;
        struct span d;
        if (!read_descriptor(&w, rva, DELAY_DESC_SIZE, &d)) {
            break;
        }
        uint32_t attrs = 0, name32 = 0, iat32 = 0, int32 = 0;
        (void)kin__span_le32(d, 0, &attrs);
        (void)kin__span_le32(d, 4, &name32);
        (void)kin__span_le32(d, 12, &iat32);
        (void)kin__span_le32(d, 16, &int32);
        uint64_t name = name32, iat = iat32, lookup = int32;
        /*
         * Visual C++ before 6.0 wrote VAs (Attributes 0); only 32-bit images can have them, and
         * pefile converts them only for i386, as done here.
         */
        int va_form = (attrs & 1) == 0 && p->machine == PE_MACHINE_I386;
        if (va_form) {
            name = normalize_va(p, name);
            iat = normalize_va(p, iat);
            lookup = normalize_va(p, lookup);
        }
        kin_status st;
        const char *dll =
            descriptor_dll(&w, kin__pe_off(p, rva), name, (uint32_t)lookup, (uint32_t)iat, &st);
        if (st != KIN_OK) {
            return st;
        }
        if (dll && lookup == 0) {
            /* The delay IAT holds stub addresses, not names: without a name table, nothing. */
            PE_ANOMALY(p, "pe.import.bad_descriptor", kin__pe_off(p, rva),
                       "delay-load descriptor for '%s' has no name table", dll);
        } else if (dll) {
            KIN_TRY(walk_thunks(&w, dll, lookup, iat, KIN_IMPORT_DELAY, va_form));
        }
    }
    return KIN_OK;
}

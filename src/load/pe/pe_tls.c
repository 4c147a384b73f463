/*
 * pe_tls.c: TLS callbacks (PE/COFF 6.7). The TLS directory's AddressOfCallBacks is a VA (not an
 * RVA) of a zero-terminated array of callback VAs; Windows calls each before the entry point,
 * which makes them entry points in their own right (KIN_ENTRY_TLS_CALLBACK).
 *
 *   IMAGE_TLS_DIRECTORY32: 0 StartAddressOfRawData, 4 End..., 8 AddressOfIndex,
 *                          12 AddressOfCallBacks, 16 SizeOfZeroFill, 20 Characteristics
 *   IMAGE_TLS_DIRECTORY64: the same with 8-byte VAs (AddressOfCallBacks at 24).
 * At most KIN_MAX_TLS_CALLBACKS are read.
 */
#include "pe_int.h"

kin_status kin__pe_tls(struct pe_ctx *p)
{
    if (p->ndirs <= PE_DIR_TLS || p->dirs[PE_DIR_TLS].rva == 0) {
        return KIN_OK;
    }
    uint64_t rva = p->dirs[PE_DIR_TLS].rva, cb_va, cb_rva;
    uint64_t dir_off = kin__pe_off(p, rva);
    uint64_t ps = p->is64 ? 8 : 4;
    if (!kin__pe_ptr(p, rva + 3 * ps, &cb_va)) {
        PE_ANOMALY(p, "pe.tls.unmapped", dir_off, "TLS directory at RVA 0x%llx is not in the file",
                   (unsigned long long)rva);
        return KIN_OK;
    }
    if (cb_va == 0) {
        return KIN_OK;
    }
    if (!kin__pe_va_to_rva(p, cb_va, &cb_rva)) {
        PE_ANOMALY(p, "pe.tls.callbacks_outside", dir_off,
                   "TLS callback array VA 0x%llx is outside the image", (unsigned long long)cb_va);
        return KIN_OK;
    }
    uint32_t count = 0;
    int outside = 0;
    for (uint64_t i = 0;; i++) {
        if (i >= KIN_MAX_TLS_CALLBACKS) {
            PE_ANOMALY(p, "limit.tls_callbacks", kin__pe_off(p, cb_rva),
                       "more than %u TLS callbacks (cap)", KIN_MAX_TLS_CALLBACKS);
            break;
        }
        uint64_t va, off, avail;
        if (!kin__pe_ptr(p, cb_rva + i * ps, &va)) {
            /* Zero-filled memory past the raw data ends the array; anything else is damage. */
            if (kin__pe_map(p, cb_rva + i * ps, &off, &avail) != PE_MAP_VIRTUAL) {
                PE_ANOMALY(p, "pe.tls.callbacks_unmapped", dir_off,
                           "TLS callback array runs out of the file at RVA 0x%llx",
                           (unsigned long long)(cb_rva + i * ps));
            }
            break;
        }
        if (va == 0) {
            break;
        }
        if (va < p->base || va - p->base >= p->size_of_image) {
            if (!outside++) {
                PE_ANOMALY(p, "pe.tls.callback_outside", kin__pe_off(p, cb_rva + i * ps),
                           "TLS callback VA 0x%llx is outside the image", (unsigned long long)va);
            }
            continue;
        }
        if (!kin__load_add_entry(p->c, va, KIN_ENTRY_TLS_CALLBACK)) {
            return kin__pe_nomem(p);
        }
        count++;
    }
    p->c->img->pe.tls_callback_count = count;
    return KIN_OK;
}

/*
 * raw.c: raw mode (`--raw --arch x86|x64 --base ADDR`): the whole file is code mapped at base,
 * as shellcode or a memory dump. One executable section, one entry point at its first byte.
 * The section never wraps the address space: a base too close to its top clips the section
 * ("raw.base.wrap"); for x86 the address space ends at 4 GiB ("raw.base.above_4g").
 */
#include "load.h"

kin_status kin__raw_load(struct load_ctx *c)
{
    struct kin_image *img = c->img;
    if (c->opt->arch != KIN_ARCH_X86 && c->opt->arch != KIN_ARCH_X64) {
        return KIN_INVALID;
    }
    img->format = KIN_FORMAT_RAW;
    img->arch = c->opt->arch;
    img->bits = c->opt->arch == KIN_ARCH_X64 ? 64 : 32;
    img->base = c->opt->base;
    if (c->file.n == 0) {
        LOAD_ANOMALY(c, "raw.empty", 0, "empty file: no code");
        return KIN_MALFORMED;
    }
    /*
     * The section's exclusive end, base + size, must stay representable: at most 2^64 - 1, or
     * 2^32 for x86 code (its addresses are 32 bits wide).
     */
    uint64_t limit = c->opt->arch == KIN_ARCH_X86 ? (uint64_t)1 << 32 : UINT64_MAX;
    uint64_t base = c->opt->base;
    uint64_t size = c->file.n;
    if (c->opt->arch == KIN_ARCH_X86 && base > UINT32_MAX) {
        LOAD_ANOMALY(c, "raw.base.above_4g", 0,
                     "base 0x%llx is above the 4 GiB address space of x86 code",
                     (unsigned long long)base);
        limit = UINT64_MAX;
    }
    if (size > limit - base) {
        LOAD_ANOMALY(c, "raw.base.wrap", 0,
                     "%llu bytes at base 0x%llx wrap the address space; clipped to %llu",
                     (unsigned long long)size, (unsigned long long)base,
                     (unsigned long long)(limit - base));
        size = limit - base;
        if (size == 0) {
            return KIN_MALFORMED;
        }
    }
    struct kin_section *sec = kin__load_add_section(c);
    if (!sec) {
        return KIN_NOMEM;
    }
    sec->name = "raw";
    sec->va = c->opt->base;
    sec->vsize = size;
    sec->offset = 0;
    sec->size = size;
    sec->flags = KIN_SEC_READ | KIN_SEC_EXEC | KIN_SEC_CODE | KIN_SEC_ALLOC;
    sec->entropy = kin__entropy(c->file.p, (size_t)size);
    if (!kin__load_add_entry(c, c->opt->base, KIN_ENTRY_RAW)) {
        return KIN_NOMEM;
    }
    return KIN_OK;
}

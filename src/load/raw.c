/*
 * raw.c: raw mode (`--raw --arch x86|x64 --base ADDR`): the whole file is code mapped at base,
 * as shellcode or a memory dump. One executable section, one entry point at its first byte.
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
    struct kin_section *sec = kin__load_add_section(c);
    if (!sec) {
        return KIN_NOMEM;
    }
    sec->name = "raw";
    sec->va = c->opt->base;
    sec->vsize = c->file.n;
    sec->offset = 0;
    sec->size = c->file.n;
    sec->flags = KIN_SEC_READ | KIN_SEC_EXEC | KIN_SEC_CODE | KIN_SEC_ALLOC;
    sec->entropy = kin__entropy(c->file.p, c->file.n);
    if (!kin__load_add_entry(c, c->opt->base, KIN_ENTRY_RAW)) {
        return KIN_NOMEM;
    }
    return KIN_OK;
}

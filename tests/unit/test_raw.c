/*
 * test_raw.c: raw mode (src/load/raw.c): one code section at the caller's base, one entry point,
 * and the address-space checks: a section never wraps past 2^64 (x64) or 4 GiB (x86).
 */
#include <stdint.h>

#include "check.h"
#include "image_util.h"
#include "kin.h"

static const uint8_t code[32] = {0x55, 0x48, 0x89, 0xe5, 0xc3};

/* Loads code as raw arch at base; checks the status and the section's size. */
static void
check_raw(uint32_t arch, uint64_t base, kin_status want, uint64_t size, const char *kind)
{
    struct kin_load_options o = {1, arch, base, 1};
    struct kin_sample *s = NULL;
    kin_status st = kin_sample_load_mem(code, sizeof(code), &o, &s);
    CHECK_EQ_U64(st, want);
    if (!s) {
        return;
    }
    const struct kin_image *img = kin_sample_image(s);
    CHECK_EQ_U64(img->format, KIN_FORMAT_RAW);
    CHECK_EQ_U64(img->base, base);
    if (want == KIN_OK) {
        CHECK_EQ_U64(img->section_count, 1);
        CHECK_EQ_U64(img->entry_count, 1);
    }
    if (want == KIN_OK && img->section_count == 1 && img->entry_count == 1) {
        CHECK_EQ_U64(img->sections[0].va, base);
        CHECK_EQ_U64(img->sections[0].size, size);
        CHECK_EQ_U64(img->sections[0].vsize, size);
        /* The exclusive end is representable: no wrap. */
        CHECK(img->sections[0].va + img->sections[0].vsize >= img->sections[0].va);
        CHECK_EQ_U64(img->entries[0].va, base);
        CHECK_EQ_U64(img->entries[0].kind, KIN_ENTRY_RAW);
    }
    if (kind) {
        CHECK(has_anomaly(img, kind));
    } else {
        CHECK_EQ_U64(img->anomaly_count, 0);
    }
    kin_sample_free(s);
}

int main(void)
{
    check_raw(KIN_ARCH_X64, 0x140001000, KIN_OK, 32, NULL);
    check_raw(KIN_ARCH_X86, 0x401000, KIN_OK, 32, NULL);
    /* Ends exactly at the top: allowed. */
    check_raw(KIN_ARCH_X86, 0xffffffe0, KIN_OK, 32, NULL);
    check_raw(KIN_ARCH_X64, UINT64_MAX - 32, KIN_OK, 32, NULL);
    /* Past the top: clipped, with an anomaly. */
    check_raw(KIN_ARCH_X64, UINT64_MAX - 3, KIN_OK, 3, "raw.base.wrap");
    check_raw(KIN_ARCH_X86, 0xfffffff0, KIN_OK, 16, "raw.base.wrap");
    /* x86 code at or above 4 GiB: recorded, kept as given. */
    check_raw(KIN_ARCH_X86, 0x100000000, KIN_OK, 32, "raw.base.above_4g");
    check_raw(KIN_ARCH_X86, 0x7fff00000000, KIN_OK, 32, "raw.base.above_4g");
    /* No room at all. */
    check_raw(KIN_ARCH_X64, UINT64_MAX, KIN_MALFORMED, 0, "raw.base.wrap");
    CHECK_DONE();
}

/*
 * fuzz_load.c: libFuzzer target for format detection and every load mode. The first input byte
 * picks the options, the rest is the file (the git fuzz-date.c / Zydis pattern):
 *
 *   bit 0      raw mode (otherwise detect PE / ELF / unsupported)
 *   bits 1-2   raw architecture: x86, x64, unknown, arm (the last two must be refused)
 *   bit 3      skip_fuzzy: do not compute TLSH and ssdeep
 *   bits 4-7   raw base address, one of 16 (0, typical image bases, values near 2^32 and 2^64
 *              so that base + size wraps)
 *
 * image_walk.c then checks the result as for fuzz_pe.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "image_walk.h"
#include "kin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t arches[4] = {KIN_ARCH_X86, KIN_ARCH_X64, KIN_ARCH_UNKNOWN, KIN_ARCH_ARM};

static const uint64_t bases[16] = {
    0,
    0x1000,
    0x400000,
    0x10000000,
    0x140000000,
    0x7ffe0000,
    0xfffff000,
    0xffffffff,
    0x100000000,
    0x7fffffff0000,
    0x7fffffffffffffff,
    0x8000000000000000,
    0xfffffffffffff000,
    0xffffffffffffffff,
    0x12345678,
    0xffff800000000000,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int hooked;
    if (!hooked) {
        fuzz_count_allocations();
        hooked = 1;
    }
    if (size < 1) {
        return 0;
    }
    uint8_t mode = data[0];
    struct kin_load_options opt = {0};
    opt.raw = mode & 1u;
    opt.arch = arches[(mode >> 1) & 3u];
    opt.skip_fuzzy = (mode >> 3) & 1u;
    opt.base = bases[mode >> 4];

    /* The file is the rest of the input: a fresh pointer to the same buffer, so ASan still sees
     * reads past its end. */
    const uint8_t *file = data + 1;
    size_t file_size = size - 1;
    struct kin_sample *s = NULL;
    fuzz_reset_peak();
    kin_status st = kin_sample_load_mem(file, file_size, &opt, &s);
    if (opt.raw && opt.arch != KIN_ARCH_X86 && opt.arch != KIN_ARCH_X64 && st != KIN_INVALID) {
        /* Raw mode without an x86/x64 architecture is a caller error (raw.c). */
        fprintf(stderr, "fuzz_load: raw mode accepted arch %u\n", (unsigned)opt.arch);
        abort();
    }
    fuzz_check_load(file, file_size, st, s);
    kin_sample_free(s);
    return 0;
}

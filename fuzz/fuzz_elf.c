/*
 * fuzz_elf.c: libFuzzer target for the ELF loader. The input is the file; it goes through
 * kin_sample_load_mem() and image_walk.c reads every array of the image (sections, segments,
 * symbols, DT_NEEDED, entries, anomalies) and every string, checks the image's invariants and
 * the memory bound. Inputs that do not start with "\177ELF" are not ELF files and are skipped,
 * so the fuzzer spends its time inside the ELF loader. TLSH and ssdeep are skipped: they do not
 * read ELF structures (fuzz_load covers them).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "image_walk.h"
#include "kin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int hooked;
    if (!hooked) {
        fuzz_count_allocations();
        hooked = 1;
    }
    if (size < 4 || memcmp(data, "\177ELF", 4) != 0) {
        return 0;
    }
    struct kin_load_options opt = {0};
    opt.skip_fuzzy = 1;
    struct kin_sample *s = NULL;
    fuzz_reset_peak();
    kin_status st = kin_sample_load_mem(data, size, &opt, &s);
    fuzz_check_load(data, size, st, s);
    kin_sample_free(s);
    return 0;
}

/*
 * fuzz_go.c: libFuzzer target for Go's pclntab and build info readers (src/load/go/). The
 * input is a mode byte, a 2-byte little-endian length L, then L bytes of pclntab and the rest
 * as build info; go_wrap.h puts them into a minimal ELF (mode bit 0: 64-bit, else 32-bit; bit 1:
 * the table's section is named .rodata, so the reader must find it by scanning, else
 * .gopclntab). The file goes through kin_sample_load_mem(), image_walk.c checks the image (Go
 * functions sorted and bounded, names and deps terminated, the memory bound), and function
 * analysis then names and flags starts from the table (src/func/goname.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "go_wrap.h"
#include "image_walk.h"
#include "kin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PART ((size_t)1 << 18)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int hooked;
    static uint8_t file[2 * MAX_PART + 4096];
    if (!hooked) {
        fuzz_count_allocations();
        hooked = 1;
    }
    if (size < 3) {
        return 0;
    }
    uint8_t mode = data[0];
    size_t len = (size_t)data[1] | (size_t)data[2] << 8;
    data += 3;
    size -= 3;
    len = len < size ? len : size;
    size_t bi_n = size - len;
    if (len > MAX_PART || bi_n > MAX_PART) {
        return 0;
    }
    size_t n = go_wrap_elf(file, sizeof(file), (mode & 1) ? 64 : 32, data, len,
                           (mode & 2) ? ".rodata" : ".gopclntab", data + len, bi_n);
    if (n == 0) {
        return 0;
    }
    struct kin_load_options opt = {0};
    opt.skip_fuzzy = 1;
    struct kin_sample *s = NULL;
    fuzz_reset_peak();
    kin_status st = kin_sample_load_mem(file, n, &opt, &s);
    fuzz_check_load(file, n, st, s);
    struct kin_funcs *f = NULL;
    if (s && kin_funcs_analyze(s, NULL, &f) == KIN_OK) {
        for (size_t i = 0; i < kin_funcs_count(f); i++) {
            const struct kin_function *fn = kin_funcs_get(f, i);
            if (fn->name && strlen(fn->name) > KIN_MAX_STRING_LEN) {
                abort();
            }
        }
    }
    kin_funcs_free(f);
    kin_sample_free(s);
    return 0;
}

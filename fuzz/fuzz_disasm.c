/*
 * fuzz_disasm.c: libFuzzer target for disassembly, function discovery, CFGs and signatures on
 * raw bytes. The first input byte picks the options, the rest is code (Zydis / git pattern):
 *
 *   bit 0      x64 (else x86)
 *   bit 1      no gap scan
 *   bit 2      also decode every offset of the first 4 KiB directly (kin__dis_decode and
 *              kin__dis_operands), the stage's own surface
 *   bits 4-7   base address, one of 16 (including values where base + size wraps)
 *
 * Each function's facts are checked for consistency: blocks inside the code, sizes adding up,
 * a signature equal to itself.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "disasm/disasm.h"
#include "kin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint64_t bases[16] = {
    0,
    0x1000,
    0x400000,
    0x10000000,
    0x140000000,
    0x7ffe0000,
    0xfffff000,
    0xffffff00,
    0x100000000,
    0x7fffffff0000,
    0x401000,
    0x8000000000000000ULL,
    0xfffffffffffff000ULL,
    0xffffffffffffff00ULL,
    0x12345678,
    0xffff800000000000ULL,
};

static void direct(int bits, const uint8_t *p, size_t n)
{
    struct dis d;
    struct dis_insn in;
    struct dis_ops ops;
    if (kin__dis_init(&d, bits) != KIN_OK) {
        abort();
    }
    for (size_t o = 0; o < n && o < 4096; o++) {
        if (kin__dis_decode(&d, p + o, n - o, 0x1000 + o, &in) == KIN_OK) {
            if (in.length == 0 || in.length > 15 || in.length > n - o) {
                abort();
            }
            if (in.disp_size && (size_t)in.disp_off + in.disp_size > in.length) {
                abort();
            }
            if (in.imm_size && (size_t)in.imm_off + in.imm_size > in.length) {
                abort();
            }
            if (kin__dis_operands(&d, p + o, n - o, &ops) == KIN_OK && ops.count > 4) {
                abort();
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    uint8_t mode = data[0];
    const uint8_t *code = data + 1;
    size_t n = size - 1;
    struct kin_load_options lo = {0};
    struct kin_analyze_options ao = {0};
    lo.raw = 1;
    lo.arch = (mode & 1u) ? KIN_ARCH_X64 : KIN_ARCH_X86;
    lo.base = bases[mode >> 4];
    lo.skip_fuzzy = 1;
    ao.no_gapscan = (mode >> 1) & 1u;
    if (mode & 4u) {
        direct((mode & 1u) ? 64 : 32, code, n);
    }
    struct kin_sample *s = NULL;
    if (kin_sample_load_mem(code, n, &lo, &s) != KIN_OK) {
        kin_sample_free(s);
        return 0;
    }
    struct kin_funcs *f = NULL;
    if (kin_funcs_analyze(s, &ao, &f) == KIN_OK) {
        size_t count = kin_funcs_count(f);
        for (size_t i = 0; i < count; i++) {
            const struct kin_function *fn = kin_funcs_get(f, i);
            uint64_t sum = 0;
            if (i && fn->va <= kin_funcs_get(f, i - 1)->va) {
                abort(); /* sorted, distinct */
            }
            if (fn->va - lo.base >= n || fn->size > n * 16 + 16) {
                abort();
            }
            if (fn->block_count > fn->insn_count || (fn->insn_count && !fn->block_count)) {
                abort();
            }
            for (uint32_t k = 0; k < fn->block_count; k++) {
                if (fn->block_vas[k] - lo.base >= n ||
                    (k && fn->block_vas[k] <= fn->block_vas[k - 1])) {
                    abort();
                }
                sum += fn->block_hashes[k] & 1u;
            }
            (void)sum;
            if (kin_minhash_similarity(fn->minhash, fn->minhash) != 1.0) {
                abort();
            }
            uint64_t bands[KIN_LSH_BANDS];
            kin_minhash_bands(fn->minhash, bands);
        }
        kin_funcs_free(f);
    }
    kin_sample_free(s);
    return 0;
}

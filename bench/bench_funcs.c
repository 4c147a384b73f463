/*
 * bench_funcs.c: speed of the whole function analysis (load, decode, discovery, CFG,
 * signatures) beside raw Zydis decoding of the same executable sections, in one run.
 *
 *   bench_funcs [--raw --arch x86|x64 --base ADDR] [--reps N] FILE...
 *
 * For each file: the executable bytes (regions of struct kin_section with EXEC or CODE), then
 * the best of N runs of (a) a Zydis linear sweep in its default mode
 * (ZydisDecoderDecodeInstruction, no operands: the ceiling of any disassembly-based analysis), (b)
 * the same sweep in Zydis' minimal mode, (c) kin_sample_load_mem + kin_funcs_analyze. MB/s are of
 * executable bytes per second of this thread's CPU time (the machine is shared: wall time would
 * measure the load). Benchmarks may include Zydis directly; the library keeps it in
 * src/disasm/.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <Zydis/Zydis.h>

#include "kin.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint8_t *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(len > 0 ? (size_t)len : 1);
    *n = p ? fread(p, 1, (size_t)len, f) : 0;
    fclose(f);
    return p;
}

static uint64_t sweep(const ZydisDecoder *z, const uint8_t *p, size_t n)
{
    uint64_t count = 0;
    size_t o = 0;
    ZydisDecodedInstruction in;
    ZydisDecoderContext ctx;
    while (o < n) {
        if (ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(z, &ctx, p + o, n - o, &in))) {
            o += in.length;
            count++;
        } else {
            o++;
        }
    }
    return count;
}

int main(int argc, char **argv)
{
    struct kin_load_options lo = {0};
    int reps = 5;
    int i = 1;
    lo.skip_fuzzy = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--raw")) {
            lo.raw = 1;
        } else if (!strcmp(argv[i], "--arch") && i + 1 < argc) {
            i++;
            lo.arch = !strcmp(argv[i], "x86") ? KIN_ARCH_X86 : KIN_ARCH_X64;
        } else if (!strcmp(argv[i], "--base") && i + 1 < argc) {
            lo.base = strtoull(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
            reps = atoi(argv[++i]);
        } else {
            fprintf(stderr,
                    "usage: bench_funcs [--raw --arch x86|x64 --base A] [--reps N] FILE...\n");
            return 2;
        }
    }
    printf("%-28s %9s %9s %8s %9s %9s %9s %6s\n", "file", "code_KB", "insns", "funcs", "zydis",
           "minimal", "kin", "kin/z");
    double tot_code = 0, tot_z = 0, tot_k = 0;
    for (; i < argc; i++) {
        size_t n;
        uint8_t *data = read_file(argv[i], &n);
        struct kin_sample *s = NULL;
        if (!data || kin_sample_load_mem(data, n, &lo, &s) != KIN_OK) {
            fprintf(stderr, "bench_funcs: cannot load %s\n", argv[i]);
            kin_sample_free(s);
            free(data);
            continue;
        }
        const struct kin_image *img = kin_sample_image(s);
        ZydisDecoder z, zm;
        ZydisMachineMode mode =
            img->bits == 64 ? ZYDIS_MACHINE_MODE_LONG_64 : ZYDIS_MACHINE_MODE_LONG_COMPAT_32;
        ZydisStackWidth sw = img->bits == 64 ? ZYDIS_STACK_WIDTH_64 : ZYDIS_STACK_WIDTH_32;
        ZydisDecoderInit(&z, mode, sw);
        ZydisDecoderInit(&zm, mode, sw);
        ZydisDecoderEnableMode(&zm, ZYDIS_DECODER_MODE_MINIMAL, ZYAN_TRUE);
        double code = 0, tz = 1e30, tm = 1e30, tk = 1e30;
        uint64_t insns = 0;
        size_t funcs = 0;
        for (int r = 0; r < reps; r++) {
            double t0 = now();
            insns = 0;
            code = 0;
            for (size_t k = 0; k < img->section_count; k++) {
                const struct kin_section *sec = &img->sections[k];
                if (!(sec->flags & (KIN_SEC_EXEC | KIN_SEC_CODE)) || sec->offset >= n) {
                    continue;
                }
                size_t len = sec->size < n - sec->offset ? (size_t)sec->size : n - sec->offset;
                insns += sweep(&z, data + sec->offset, len);
                code += (double)len;
            }
            double t1 = now();
            for (size_t k = 0; k < img->section_count; k++) {
                const struct kin_section *sec = &img->sections[k];
                if (!(sec->flags & (KIN_SEC_EXEC | KIN_SEC_CODE)) || sec->offset >= n) {
                    continue;
                }
                size_t len = sec->size < n - sec->offset ? (size_t)sec->size : n - sec->offset;
                sweep(&zm, data + sec->offset, len);
            }
            double t2 = now();
            struct kin_sample *s2 = NULL;
            struct kin_funcs *f = NULL;
            if (kin_sample_load_mem(data, n, &lo, &s2) != KIN_OK ||
                kin_funcs_analyze(s2, NULL, &f) != KIN_OK) {
                fprintf(stderr, "bench_funcs: analysis of %s failed\n", argv[i]);
            }
            double t3 = now();
            funcs = kin_funcs_count(f);
            kin_funcs_free(f);
            kin_sample_free(s2);
            tz = t1 - t0 < tz ? t1 - t0 : tz;
            tm = t2 - t1 < tm ? t2 - t1 : tm;
            tk = t3 - t2 < tk ? t3 - t2 : tk;
        }
        const char *base = strrchr(argv[i], '/');
        base = base ? base + 1 : argv[i];
        printf("%-28.28s %9.0f %9" PRIu64 " %8zu %9.1f %9.1f %9.1f %5.0f%%\n", base, code / 1024,
               insns, funcs, code / tz / 1e6, code / tm / 1e6, code / tk / 1e6, 100 * tz / tk);
        tot_code += code;
        tot_z += tz;
        tot_k += tk;
        kin_sample_free(s);
        free(data);
    }
    if (tot_k > 0) {
        printf("%-28s %9.0f %9s %8s %9.1f %9s %9.1f %5.0f%%\n", "TOTAL", tot_code / 1024, "", "",
               tot_code / tot_z / 1e6, "", tot_code / tot_k / 1e6, 100 * tot_z / tot_k);
    }
    return 0;
}

/*
 * test_func.c: function discovery and CFGs on fixtures compiled by the build (tests/fixtures/
 * funcs.cmake: gcc -O2, x64 and x86, raw images with nm symbol lists) and on hand-assembled
 * code: every symbol is found and nothing else, jump tables become blocks, a function reached
 * only by a tail call is found, and hostile code (loops onto itself, overlapping instructions,
 * garbage) ends quickly. Determinism: two analyses give identical results. A mingw-built PE
 * checks import thunks, API calls and relocation-independent signatures.
 */
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "kin.h"

struct sym {
    uint64_t va;
    char name[64];
};

static uint8_t *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
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

static size_t read_syms(const char *path, struct sym *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    size_t n = 0;
    char line[256];
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return 0;
    }
    while (n < cap && fgets(line, sizeof(line), f)) {
        char type;
        unsigned long long va;
        if (sscanf(line, "%llx %c %63s", &va, &type, out[n].name) == 3) {
            out[n].va = va;
            n++;
        }
    }
    fclose(f);
    return n;
}

static struct kin_funcs *
analyze_raw(const uint8_t *p, size_t n, uint32_t arch, uint64_t base, struct kin_sample **s)
{
    struct kin_load_options lo = {0};
    struct kin_funcs *f = NULL;
    lo.raw = 1;
    lo.arch = arch;
    lo.base = base;
    lo.skip_fuzzy = 1;
    CHECK_OK(kin_sample_load_mem(p, n, &lo, s));
    if (*s) {
        CHECK_OK(kin_funcs_analyze(*s, NULL, &f));
    }
    return f;
}

static const struct kin_function *find(const struct kin_funcs *f, uint64_t va)
{
    for (size_t i = 0; i < kin_funcs_count(f); i++) {
        if (kin_funcs_get(f, i)->va == va) {
            return kin_funcs_get(f, i);
        }
    }
    return NULL;
}

static void test_fixture(const char *prog, const char *arch_name, uint32_t arch)
{
    char path[512];
    struct sym syms[64];
    size_t n;
    snprintf(path, sizeof(path), "%s/funcs_%s.%s.syms", KIN_FIXTURE_DIR, prog, arch_name);
    size_t ns = read_syms(path, syms, 64);
    CHECK(ns >= 8);
    snprintf(path, sizeof(path), "%s/funcs_%s.%s.bin", KIN_FIXTURE_DIR, prog, arch_name);
    uint8_t *bytes = read_file(path, &n);
    if (!bytes) {
        check_failures++;
        return;
    }
    struct kin_sample *s = NULL;
    struct kin_funcs *f = analyze_raw(bytes, n, arch, 0x401000, &s);
    if (!f) {
        check_failures++;
        goto out;
    }
    /* Recall: every function symbol but gcc's .cold fragments (parts of their parent). */
    size_t expected = 0;
    for (size_t i = 0; i < ns; i++) {
        if (strstr(syms[i].name, ".cold")) {
            continue;
        }
        expected++;
        const struct kin_function *fn = find(f, syms[i].va);
        if (!fn) {
            fprintf(stderr, "%s.%s: %s at 0x%llx not found\n", prog, arch_name, syms[i].name,
                    (unsigned long long)syms[i].va);
            check_failures++;
            continue;
        }
        CHECK(fn->size > 0 && fn->insn_count > 0 && fn->block_count > 0);
        if (!strcmp(syms[i].name, "shared_dispatch")) {
            /* Ten cases and a default: the jump table's targets are blocks and edges. */
            CHECK(fn->block_count >= 11);
            CHECK(fn->edge_count >= 11);
        }
        if (!strcmp(syms[i].name, "_start")) {
            CHECK(fn->flags & KIN_FUNC_ENTRY);
            CHECK(fn->call_count >= 4);
        }
    }
    /* Precision: nothing but those symbols. */
    CHECK_EQ_U64(kin_funcs_count(f), expected);
    /* Determinism. */
    struct kin_funcs *g = NULL;
    CHECK_OK(kin_funcs_analyze(s, NULL, &g));
    CHECK_EQ_U64(kin_funcs_count(g), kin_funcs_count(f));
    for (size_t i = 0; g && i < kin_funcs_count(f) && i < kin_funcs_count(g); i++) {
        const struct kin_function *a = kin_funcs_get(f, i), *b = kin_funcs_get(g, i);
        CHECK_EQ_U64(a->va, b->va);
        CHECK_EQ_U64(a->pichash, b->pichash);
        CHECK_EQ_MEM(a->minhash, b->minhash, sizeof(a->minhash));
        CHECK_EQ_U64(a->block_count, b->block_count);
        for (uint32_t k = 0; k < a->block_count; k++) {
            CHECK_EQ_U64(a->block_hashes[k], b->block_hashes[k]);
            CHECK_EQ_U64(a->block_vas[k], b->block_vas[k]);
        }
    }
    kin_funcs_free(g);
out:
    kin_funcs_free(f);
    kin_sample_free(s);
    free(bytes);
}

/* Hostile shapes: each must end fast with sane results. */
static void test_hostile(void)
{
    struct kin_sample *s = NULL;
    struct kin_funcs *f;
    /* jmp $ : a one-instruction loop. */
    static const uint8_t loop[] = {0xeb, 0xfe};
    f = analyze_raw(loop, sizeof(loop), KIN_ARCH_X64, 0x1000, &s);
    CHECK_EQ_U64(kin_funcs_count(f), 1);
    if (kin_funcs_count(f) == 1) {
        CHECK_EQ_U64(kin_funcs_get(f, 0)->block_count, 1);
        CHECK_EQ_U64(kin_funcs_get(f, 0)->edge_count, 1);
    }
    kin_funcs_free(f);
    kin_sample_free(s);

    /* Overlapping instructions: jmp into the middle of a mov's immediate. */
    static const uint8_t overlap[] = {0xb8, 0xeb, 0xfe, 0x90, 0x90, 0xeb, 0xfa, 0xc3};
    f = analyze_raw(overlap, sizeof(overlap), KIN_ARCH_X86, 0x1000, &s);
    CHECK(kin_funcs_count(f) >= 1);
    kin_funcs_free(f);
    kin_sample_free(s);

    /* Pseudo-random bytes: bounded, no crash (ASan and the fuzzer cover the rest). */
    static uint8_t junk[65536];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof(junk); i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (uint8_t)(x >> 16);
    }
    f = analyze_raw(junk, sizeof(junk), KIN_ARCH_X64, 0x10000, &s);
    CHECK(f != NULL);
    kin_funcs_free(f);
    kin_sample_free(s);

    /*
     * 512 KiB of "lea eax, [addr]; jmp $+2" (each lea names code further on): every jump and
     * every rejected candidate once cost a bitmap scan or a walk to the end, quadratic in the
     * size (seconds); it must stay well under a second of CPU.
     */
    size_t chain_size = 512u << 10;
    uint8_t *chain = malloc(chain_size);
    CHECK(chain != NULL);
    if (chain) {
        for (size_t i = 0; i + 8 <= chain_size; i += 8) {
            uint32_t target = 0x1000u + (uint32_t)((i + 4096) % chain_size);
            chain[i] = 0x8d; /* lea eax, [target] */
            chain[i + 1] = 0x05;
            memcpy(chain + i + 2, &target, 4);
            chain[i + 6] = 0xeb; /* jmp $+2 */
            chain[i + 7] = 0x00;
        }
        clock_t t0 = clock();
        f = analyze_raw(chain, chain_size, KIN_ARCH_X86, 0x1000, &s);
        double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
        CHECK(f != NULL && kin_funcs_count(f) >= 1);
        CHECK(cpu < 1.0);
        kin_funcs_free(f);
        kin_sample_free(s);
        free(chain);
    }

    /* A call to the next instruction reads the program counter: not a function start. */
    static const uint8_t getpc[] = {0xe8, 0x00, 0x00, 0x00, 0x00, 0x58, 0xc3};
    f = analyze_raw(getpc, sizeof(getpc), KIN_ARCH_X86, 0x1000, &s);
    CHECK_EQ_U64(kin_funcs_count(f), 1);
    kin_funcs_free(f);
    kin_sample_free(s);
}

/*
 * Hand-assembled x64: entry calls f1 and f2; f2 ends with a tail jump to f3, which nothing calls
 * and which lies before f2 (a jump backwards past the entry leaves the function).
 *   0x00 entry: call f1 (0x20); call f2 (0x40); ret
 *   0x20 f1:    mov eax, 1; ret
 *   0x30 f3:    mov eax, 3; ret
 *   0x40 f2:    test edi, edi; jz 0x48; jmp f3 (0x30); 0x48: xor eax, eax; ret
 */
static void test_tail_call(void)
{
    uint8_t code[0x50];
    memset(code, 0xcc, sizeof(code));
    static const uint8_t entry[] = {0xe8, 0x1b, 0, 0, 0, 0xe8, 0x36, 0, 0, 0, 0xc3};
    static const uint8_t f1[] = {0xb8, 1, 0, 0, 0, 0xc3};
    static const uint8_t f3[] = {0xb8, 3, 0, 0, 0, 0xc3};
    static const uint8_t f2[] = {0x85, 0xff, 0x74, 0x02, 0xeb, 0xea, 0x31, 0xc0, 0xc3};
    memcpy(code, entry, sizeof(entry));
    memcpy(code + 0x20, f1, sizeof(f1));
    memcpy(code + 0x30, f3, sizeof(f3));
    memcpy(code + 0x40, f2, sizeof(f2));
    struct kin_sample *s = NULL;
    struct kin_analyze_options ao = {0};
    struct kin_load_options lo = {0};
    struct kin_funcs *f = NULL;
    lo.raw = 1;
    lo.arch = KIN_ARCH_X64;
    lo.base = 0x1000;
    ao.no_gapscan = 1; /* found by the tail-call rule, not by the gap scan */
    CHECK_OK(kin_sample_load_mem(code, sizeof(code), &lo, &s));
    CHECK_OK(kin_funcs_analyze(s, &ao, &f));
    CHECK_EQ_U64(kin_funcs_count(f), 4);
    CHECK(find(f, 0x1030) != NULL);
    const struct kin_function *f2fn = find(f, 0x1040);
    CHECK(f2fn != NULL);
    if (f2fn) {
        CHECK_EQ_U64(f2fn->insn_count, 5);
        CHECK_EQ_U64(f2fn->block_count, 3);
        CHECK_EQ_U64(f2fn->edge_count, 2);
    }
    kin_funcs_free(f);
    kin_sample_free(s);
}

/*
 * Hand-assembled i386 position-independent switch (gcc -m32 -fPIE -O2 shape): the GOT address
 * from __x86.get_pc_thunk.ax + add is spilled to [esp+0x10] in one run and reloaded in the run
 * that ends in the indirect jump; the table holds GOT-relative entries. Its cases must become
 * blocks of f, not functions of their own (the gap scan would take 0x1060 otherwise).
 *   0x00 entry: call f (0x20); ret
 *   0x10 thunk: mov eax, [esp]; ret
 *   0x20 f:     call thunk; add eax, 0xdb (GOT = 0x1100); push ebx; sub esp, 0x18;
 *               mov [esp+0x10], eax; mov ecx, [esp+0x20]; jmp 0x40
 *   0x40        cmp ecx, 3; ja 0x70; mov edx, [esp+0x10]; mov eax, [edx+ecx*4-0x80];
 *               add eax, edx; jmp eax
 *   0x58, 0x60, 0x68: mov eax, N; jmp 0x75     0x70: mov eax, 3
 *   0x75        add esp, 0x18; pop ebx; ret
 *   0x80 table: 0x1058, 0x1060, 0x1068, 0x1070 minus the GOT
 */
static void test_pic_jumptable(void)
{
    uint8_t code[0x90];
    memset(code, 0xcc, sizeof(code));
    static const uint8_t entry[] = {0xe8, 0x1b, 0, 0, 0, 0xc3};
    static const uint8_t thunk[] = {0x8b, 0x04, 0x24, 0xc3};
    static const uint8_t f[] = {
        0xe8, 0xeb, 0xff, 0xff, 0xff, /* 0x20 call 0x10 */
        0x05, 0xdb, 0x00, 0x00, 0x00, /* 0x25 add eax, 0xdb */
        0x53,                         /* 0x2a push ebx */
        0x83, 0xec, 0x18,             /* 0x2b sub esp, 0x18 */
        0x89, 0x44, 0x24, 0x10,       /* 0x2e mov [esp+0x10], eax */
        0x8b, 0x4c, 0x24, 0x20,       /* 0x32 mov ecx, [esp+0x20] */
        0xeb, 0x08,                   /* 0x36 jmp 0x40 */
    };
    static const uint8_t g[] = {
        0x83, 0xf9, 0x03,                         /* 0x40 cmp ecx, 3 */
        0x77, 0x2b,                               /* 0x43 ja 0x70 */
        0x8b, 0x54, 0x24, 0x10,                   /* 0x45 mov edx, [esp+0x10] */
        0x8b, 0x84, 0x8a, 0x80, 0xff, 0xff, 0xff, /* 0x49 mov eax, [edx+ecx*4-0x80] */
        0x01, 0xd0,                               /* 0x50 add eax, edx */
        0xff, 0xe0,                               /* 0x52 jmp eax */
    };
    static const uint8_t tail[] = {0x83, 0xc4, 0x18, 0x5b, 0xc3};
    static const int32_t table[] = {0x58 - 0x100, 0x60 - 0x100, 0x68 - 0x100, 0x70 - 0x100};
    memcpy(code, entry, sizeof(entry));
    memcpy(code + 0x10, thunk, sizeof(thunk));
    memcpy(code + 0x20, f, sizeof(f));
    memcpy(code + 0x40, g, sizeof(g));
    for (int i = 0; i < 4; i++) {
        uint8_t *c = code + 0x58 + 8 * i;
        c[0] = 0xb8; /* mov eax, i */
        c[1] = (uint8_t)i;
        c[2] = c[3] = c[4] = 0;
        if (i < 3) {
            c[5] = 0xeb; /* jmp 0x75 */
            c[6] = (uint8_t)(0x75 - (0x58 + 8 * i + 7));
        }
    }
    memcpy(code + 0x75, tail, sizeof(tail));
    memcpy(code + 0x80, table, sizeof(table));
    struct kin_sample *s = NULL;
    struct kin_funcs *fs = analyze_raw(code, sizeof(code), KIN_ARCH_X86, 0x1000, &s);
    if (!fs) {
        check_failures++;
        kin_sample_free(s);
        return;
    }
    CHECK_EQ_U64(kin_funcs_count(fs), 3);
    CHECK(find(fs, 0x1060) == NULL);
    const struct kin_function *fn = find(fs, 0x1020);
    CHECK(fn != NULL);
    if (fn) {
        /* 0x20, 0x40, 0x45, four cases and the shared tail. */
        CHECK_EQ_U64(fn->block_count, 8);
        CHECK(fn->edge_count >= 11);
    }
    kin_funcs_free(fs);
    kin_sample_free(s);
}

/*
 * Hand-assembled x64: g (explored before f) jumps into the middle of f, the way a gcc .cold
 * fragment returns to its parent. The target is covered by f's body once f is explored, so it
 * is a block of f, not a tail-called function.
 *   0x00 entry: call g (0x20); call f (0x40); ret
 *   0x20 g:     mov eax, 1; jmp 0x48
 *   0x40 f:     test edi, edi; jnz 0x48; xor eax, eax; ret; 0x48: mov eax, 2; ret
 */
static void test_jump_into_body(void)
{
    uint8_t code[0x50];
    memset(code, 0xcc, sizeof(code));
    static const uint8_t entry[] = {0xe8, 0x1b, 0, 0, 0, 0xe8, 0x36, 0, 0, 0, 0xc3};
    static const uint8_t g[] = {0xb8, 1, 0, 0, 0, 0xeb, 0x21};
    static const uint8_t f[] = {0x85, 0xff, 0x75, 0x04, 0x31, 0xc0, 0xc3,
                                0xcc, 0xb8, 2,    0,    0,    0,    0xc3};
    memcpy(code, entry, sizeof(entry));
    memcpy(code + 0x20, g, sizeof(g));
    memcpy(code + 0x40, f, sizeof(f));
    struct kin_sample *s = NULL;
    struct kin_analyze_options ao = {0};
    struct kin_load_options lo = {0};
    struct kin_funcs *fs = NULL;
    lo.raw = 1;
    lo.arch = KIN_ARCH_X64;
    lo.base = 0x1000;
    ao.no_gapscan = 1;
    CHECK_OK(kin_sample_load_mem(code, sizeof(code), &lo, &s));
    CHECK_OK(kin_funcs_analyze(s, &ao, &fs));
    CHECK_EQ_U64(kin_funcs_count(fs), 3);
    CHECK(find(fs, 0x1048) == NULL);
    CHECK(find(fs, 0x1020) != NULL && find(fs, 0x1040) != NULL);
    kin_funcs_free(fs);
    kin_sample_free(s);
}

/*
 * Hand-assembled x86, unaligned code as gcc -O1 lays it out: a, called by the entry, ends with a
 * jump; b follows at once, unaligned and referenced by nothing, and opens a frame with pushes.
 * The gap scan must find b where it starts, not at its sub esp.
 *   0x00 entry: call a (0x10); ret
 *   0x10 a:     test ecx, ecx; je 0x17; xor eax, eax; ret; 0x17: mov eax, 1; jmp 0x16
 *   0x1e b:     push ebp; push edi; push esi; push ebx; sub esp, 0x10; mov eax, [esp+0x24];
 *               add esp, 0x10; pop ebx; pop esi; pop edi; pop ebp; jmp 0x16 (into a's ret)
 *   0x32 d:     sub esp, 0x1c; mov eax, [esp+0x20]; add esp, 0x1c; ret (a frame without pushes)
 */
static void test_unaligned_gap(void)
{
    uint8_t code[0x40];
    memset(code, 0xcc, sizeof(code));
    static const uint8_t entry[] = {0xe8, 0x0b, 0, 0, 0, 0xc3};
    static const uint8_t a[] = {0x85, 0xc9, 0x74, 0x03, 0x31, 0xc0, 0xc3,
                                0xb8, 1,    0,    0,    0,    0xeb, 0xf8};
    static const uint8_t b[] = {0x55, 0x57, 0x56, 0x53, 0x83, 0xec, 0x10, 0x8b, 0x44, 0x24,
                                0x24, 0x83, 0xc4, 0x10, 0x5b, 0x5e, 0x5f, 0x5d, 0xeb, 0xe4};
    static const uint8_t d[] = {0x83, 0xec, 0x1c, 0x8b, 0x44, 0x24, 0x20, 0x83, 0xc4, 0x1c, 0xc3};
    memcpy(code, entry, sizeof(entry));
    memcpy(code + 0x10, a, sizeof(a));
    memcpy(code + 0x1e, b, sizeof(b));
    memcpy(code + 0x32, d, sizeof(d));
    struct kin_sample *s = NULL;
    struct kin_funcs *fs = analyze_raw(code, sizeof(code), KIN_ARCH_X86, 0x1000, &s);
    if (!fs) {
        check_failures++;
        kin_sample_free(s);
        return;
    }
    CHECK_EQ_U64(kin_funcs_count(fs), 4);
    CHECK(find(fs, 0x1032) != NULL);
    const struct kin_function *fn = find(fs, 0x101e);
    CHECK(fn != NULL);
    if (fn) {
        CHECK(fn->flags & KIN_FUNC_GAP);
        CHECK_EQ_U64(fn->insn_count, 12);
    }
    kin_funcs_free(fs);
    kin_sample_free(s);
}

/*
 * Hand-assembled x64 switch as gcc -O0 emits it: the entry is loaded into eax and sign-extended
 * by cdqe (implicit operands) before the table address is added. Cases at 0x48 and 0x50 follow
 * a ret, so the gap scan would take them for functions if the table were not resolved.
 *   0x00 entry: call f (0x10); ret
 *   0x10 f:     cmp edi, 2; ja 0x40; mov eax, edi; lea rdx, [rax*4]; lea rax, [rip+T];
 *               mov eax, [rdx+rax]; cdqe; lea rdx, [rip+T]; add rax, rdx; jmp rax
 *   0x38 case 0, 0x40 default, 0x48 case 1, 0x50 case 2: mov eax, N; ret
 *   0x60 T:     0x38, 0x48, 0x50 minus T
 */
static void test_o0_jumptable(void)
{
    uint8_t code[0x70];
    memset(code, 0xcc, sizeof(code));
    static const uint8_t entry[] = {0xe8, 0x0b, 0, 0, 0, 0xc3};
    static const uint8_t f[] = {
        0x83, 0xff, 0x02,                   /* 0x10 cmp edi, 2 */
        0x77, 0x2b,                         /* 0x13 ja 0x40 */
        0x89, 0xf8,                         /* 0x15 mov eax, edi */
        0x48, 0x8d, 0x14, 0x85, 0, 0, 0, 0, /* 0x17 lea rdx, [rax*4+0] */
        0x48, 0x8d, 0x05, 0x3a, 0, 0, 0,    /* 0x1f lea rax, [rip+T] */
        0x8b, 0x04, 0x02,                   /* 0x26 mov eax, [rdx+rax] */
        0x48, 0x98,                         /* 0x29 cdqe */
        0x48, 0x8d, 0x15, 0x2e, 0, 0, 0,    /* 0x2b lea rdx, [rip+T] */
        0x48, 0x01, 0xd0,                   /* 0x32 add rax, rdx */
        0xff, 0xe0,                         /* 0x35 jmp rax */
    };
    static const int32_t table[] = {0x38 - 0x60, 0x48 - 0x60, 0x50 - 0x60};
    memcpy(code, entry, sizeof(entry));
    memcpy(code + 0x10, f, sizeof(f));
    static const uint8_t at[] = {0x38, 0x40, 0x48, 0x50};
    for (int i = 0; i < 4; i++) {
        uint8_t *c = code + at[i];
        c[0] = 0xb8; /* mov eax, i; ret */
        c[1] = (uint8_t)i;
        c[2] = c[3] = c[4] = 0;
        c[5] = 0xc3;
    }
    memcpy(code + 0x60, table, sizeof(table));
    struct kin_sample *s = NULL;
    struct kin_funcs *fs = analyze_raw(code, sizeof(code), KIN_ARCH_X64, 0x1000, &s);
    if (!fs) {
        check_failures++;
        kin_sample_free(s);
        return;
    }
    CHECK_EQ_U64(kin_funcs_count(fs), 2);
    CHECK(find(fs, 0x1048) == NULL && find(fs, 0x1050) == NULL);
    const struct kin_function *fn = find(fs, 0x1010);
    CHECK(fn != NULL);
    if (fn) {
        /* 0x10, 0x15, three cases and the default. */
        CHECK_EQ_U64(fn->block_count, 6);
    }
    kin_funcs_free(fs);
    kin_sample_free(s);
}

/*
 * Hand-assembled x64 computed-goto dispatch as clang -O0 emits it: the table entry is stored to
 * a stack slot and a shared block reached by a direct jump reloads it and jumps. The window of
 * the indirect jump must reach back through the direct jump and follow the slot.
 *   0x00 entry: call f (0x10); ret
 *   0x10 f:     cmp edi, 3; ja 0x60; mov ecx, edi; lea rax, [rip+T]; mov rax, [rax+rcx*8];
 *               mov [rsp-0x10], rax; jmp 0x30
 *   0x30        mov rax, [rsp-0x10]; jmp rax
 *   0x40, 0x48, 0x50, 0x58 cases, 0x60 default: mov eax, N; ret
 *   0x80 T:     absolute addresses of the four cases
 */
static void test_slot_dispatch(void)
{
    uint8_t code[0xa0];
    memset(code, 0xcc, sizeof(code));
    static const uint8_t entry[] = {0xe8, 0x0b, 0, 0, 0, 0xc3};
    static const uint8_t f[] = {
        0x83, 0xff, 0x03,                   /* 0x10 cmp edi, 3 */
        0x77, 0x4b,                         /* 0x13 ja 0x60 */
        0x89, 0xf9,                         /* 0x15 mov ecx, edi */
        0x48, 0x8d, 0x05, 0x62, 0,    0, 0, /* 0x17 lea rax, [rip+T] */
        0x48, 0x8b, 0x04, 0xc8,             /* 0x1e mov rax, [rax+rcx*8] */
        0x48, 0x89, 0x44, 0x24, 0xf0,       /* 0x22 mov [rsp-0x10], rax */
        0xeb, 0x07,                         /* 0x27 jmp 0x30 */
    };
    static const uint8_t d[] = {0x48, 0x8b, 0x44, 0x24, 0xf0, 0xff, 0xe0};
    memcpy(code, entry, sizeof(entry));
    memcpy(code + 0x10, f, sizeof(f));
    memcpy(code + 0x30, d, sizeof(d));
    for (int i = 0; i < 5; i++) {
        uint8_t *c = code + 0x40 + 8 * i;
        c[0] = 0xb8; /* mov eax, i; ret */
        c[1] = (uint8_t)i;
        c[2] = c[3] = c[4] = 0;
        c[5] = 0xc3;
    }
    for (int i = 0; i < 4; i++) {
        uint64_t va = 0x1040 + 8 * (uint64_t)i;
        memcpy(code + 0x80 + 8 * i, &va, 8);
    }
    struct kin_sample *s = NULL;
    struct kin_funcs *fs = analyze_raw(code, sizeof(code), KIN_ARCH_X64, 0x1000, &s);
    if (!fs) {
        check_failures++;
        kin_sample_free(s);
        return;
    }
    CHECK_EQ_U64(kin_funcs_count(fs), 2);
    CHECK(find(fs, 0x1048) == NULL && find(fs, 0x1050) == NULL && find(fs, 0x1058) == NULL);
    const struct kin_function *fn = find(fs, 0x1010);
    CHECK(fn != NULL);
    if (fn) {
        /* 0x10, 0x15, 0x30, four cases and the default. */
        CHECK_EQ_U64(fn->block_count, 8);
    }
    kin_funcs_free(fs);
    kin_sample_free(s);
}

/*
 * Hand-assembled x64 switches as LLVM lays them out, tables in code right after the function:
 * g clamps its index with cmov instead of a bounds branch; h takes a byte as the index (movzx)
 * and has no bound at all; k switches on a 32-bit value loaded from memory, unbounded. All three
 * tables must be read (their cases become blocks, not functions).
 *   0x00 entry: call g (0x10); call h (0x60); call k (0xa0); ret
 *   0x10 g:     cmp edi, 2; mov eax, 2; cmovb eax, edi; lea rcx, [rip+T1]; movsxd rax, [rcx+rax*4];
 *               add rax, rcx; jmp rax
 *   0x30, 0x38, 0x40 cases: mov eax, N; ret      0x48 T1: 0x30, 0x38, 0x40 minus T1
 *   0x60 h:     movzx eax, byte [rdi]; lea rcx, [rip+T2]; movsxd rax, [rcx+rax*4]; add rax, rcx;
 *               jmp rax
 *   0x78, 0x80 cases: mov eax, N; ret            0x88 T2: 0x78, 0x80 minus T2; int3 padding
 *   0xa0 k:     mov eax, [rdi]; lea rcx, [rip+T3]; movsxd rax, [rcx+rax*4]; add rax, rcx; jmp rax
 *   0xb8, 0xc0 cases                             0xc8 T3: 0xb8, 0xc0 minus T3; int3 padding
 */
static void test_llvm_tables(void)
{
    uint8_t code[0xe0];
    memset(code, 0xcc, sizeof(code));
    static const uint8_t entry[] = {0xe8, 0x0b, 0,    0,    0, 0xe8, 0x56, 0,
                                    0,    0,    0xe8, 0x91, 0, 0,    0,    0xc3};
    static const uint8_t g[] = {
        0x83, 0xff, 0x02,                /* 0x10 cmp edi, 2 */
        0xb8, 0x02, 0,    0,    0,       /* 0x13 mov eax, 2 */
        0x0f, 0x42, 0xc7,                /* 0x18 cmovb eax, edi */
        0x48, 0x8d, 0x0d, 0x26, 0, 0, 0, /* 0x1b lea rcx, [rip+0x26] (0x48) */
        0x48, 0x63, 0x04, 0x81,          /* 0x22 movsxd rax, [rcx+rax*4] */
        0x48, 0x01, 0xc8,                /* 0x26 add rax, rcx */
        0xff, 0xe0,                      /* 0x29 jmp rax */
    };
    static const uint8_t h[] = {
        0x0f, 0xb6, 0x07,                /* 0x60 movzx eax, byte [rdi] */
        0x48, 0x8d, 0x0d, 0x1e, 0, 0, 0, /* 0x63 lea rcx, [rip+0x1e] (0x88) */
        0x48, 0x63, 0x04, 0x81,          /* 0x6a movsxd rax, [rcx+rax*4] */
        0x48, 0x01, 0xc8,                /* 0x6e add rax, rcx */
        0xff, 0xe0,                      /* 0x71 jmp rax */
    };
    static const uint8_t k[] = {
        0x8b, 0x07,                      /* 0xa0 mov eax, [rdi] */
        0x48, 0x8d, 0x0d, 0x1f, 0, 0, 0, /* 0xa2 lea rcx, [rip+0x1f] (0xc8) */
        0x48, 0x63, 0x04, 0x81,          /* 0xa9 movsxd rax, [rcx+rax*4] */
        0x48, 0x01, 0xc8,                /* 0xad add rax, rcx */
        0xff, 0xe0,                      /* 0xb0 jmp rax */
    };
    static const int32_t t1[] = {0x30 - 0x48, 0x38 - 0x48, 0x40 - 0x48};
    static const int32_t t2[] = {0x78 - 0x88, 0x80 - 0x88};
    static const int32_t t3[] = {0xb8 - 0xc8, 0xc0 - 0xc8};
    static const uint8_t cases[] = {0x30, 0x38, 0x40, 0x78, 0x80, 0xb8, 0xc0};
    memcpy(code, entry, sizeof(entry));
    memcpy(code + 0x10, g, sizeof(g));
    memcpy(code + 0x60, h, sizeof(h));
    memcpy(code + 0xa0, k, sizeof(k));
    for (int i = 0; i < 7; i++) {
        uint8_t *c = code + cases[i];
        c[0] = 0xb8; /* mov eax, i; ret */
        c[1] = (uint8_t)i;
        c[2] = c[3] = c[4] = 0;
        c[5] = 0xc3;
    }
    memcpy(code + 0x48, t1, sizeof(t1));
    memcpy(code + 0x88, t2, sizeof(t2));
    memcpy(code + 0xc8, t3, sizeof(t3));
    struct kin_sample *s = NULL;
    struct kin_funcs *fs = analyze_raw(code, sizeof(code), KIN_ARCH_X64, 0x1000, &s);
    if (!fs) {
        check_failures++;
        kin_sample_free(s);
        return;
    }
    CHECK_EQ_U64(kin_funcs_count(fs), 4);
    CHECK(find(fs, 0x1038) == NULL && find(fs, 0x1040) == NULL && find(fs, 0x1080) == NULL);
    CHECK(find(fs, 0x10c0) == NULL);
    const struct kin_function *fg = find(fs, 0x1010), *fh = find(fs, 0x1060);
    const struct kin_function *fk = find(fs, 0x10a0);
    CHECK(fg != NULL && fh != NULL && fk != NULL);
    if (fg && fh && fk) {
        CHECK_EQ_U64(fg->block_count, 4);
        CHECK_EQ_U64(fh->block_count, 3);
        CHECK_EQ_U64(fk->block_count, 3);
    }
    kin_funcs_free(fs);
    kin_sample_free(s);
}

static struct kin_funcs *analyze_file(const char *name, struct kin_sample **s)
{
    char path[512];
    struct kin_load_options lo = {0};
    struct kin_funcs *f = NULL;
    lo.skip_fuzzy = 1;
    snprintf(path, sizeof(path), "%s/%s", KIN_FIXTURE_DIR, name);
    *s = NULL;
    CHECK_OK(kin_sample_open(path, &lo, s));
    if (*s) {
        CHECK_OK(kin_funcs_analyze(*s, NULL, &f));
    }
    return f;
}

/*
 * mingw-w64 PE fixture (tests/fixtures/funcs/pe_thunks.c): msvcrt functions are reached through
 * jmp [IAT] thunks, which must be named after their import and flagged; calls through the IAT
 * count as API calls; the x86 build linked at two image bases gives identical signatures.
 */
static void test_pe_thunks(void)
{
    struct kin_sample *s64, *s1, *s2;
    struct kin_funcs *f64 = analyze_file("funcs_pe_thunks.x64.exe", &s64);
    size_t thunks = 0, puts_thunk = 0;
    uint32_t max_api = 0;
    for (size_t i = 0; i < kin_funcs_count(f64); i++) {
        const struct kin_function *fn = kin_funcs_get(f64, i);
        if (fn->flags & KIN_FUNC_THUNK) {
            thunks++;
            CHECK(fn->flags & KIN_FUNC_SMALL);
            CHECK(fn->name && !strncmp(fn->name, "thunk:", 6) && strchr(fn->name, '!'));
            puts_thunk += fn->name && !strcmp(fn->name, "thunk:msvcrt.dll!puts");
        }
        if (fn->api_call_count > max_api) {
            max_api = fn->api_call_count;
        }
    }
    CHECK(thunks >= 10);
    CHECK_EQ_U64(puts_thunk, 1);
    CHECK(max_api >= 3);
    kin_funcs_free(f64);
    kin_sample_free(s64);

    struct kin_funcs *f1 = analyze_file("funcs_pe_thunks.x86.exe", &s1);
    struct kin_funcs *f2 = analyze_file("funcs_pe_thunks.x86b.exe", &s2);
    CHECK(kin_funcs_count(f1) >= 50);
    CHECK_EQ_U64(kin_funcs_count(f1), kin_funcs_count(f2));
    for (size_t i = 0; i < kin_funcs_count(f1) && i < kin_funcs_count(f2); i++) {
        const struct kin_function *a = kin_funcs_get(f1, i), *b = kin_funcs_get(f2, i);
        CHECK_EQ_U64(b->va - a->va, 0x10000000 - 0x400000);
        CHECK_EQ_U64(a->pichash, b->pichash);
        CHECK_EQ_MEM(a->minhash, b->minhash, sizeof(a->minhash));
        CHECK_EQ_U64(a->flags, b->flags);
    }
    kin_funcs_free(f1);
    kin_funcs_free(f2);
    kin_sample_free(s1);
    kin_sample_free(s2);
}

int main(void)
{
    test_fixture("prog_a", "x64", KIN_ARCH_X64);
    test_fixture("prog_b", "x64", KIN_ARCH_X64);
    test_fixture("prog_a", "x86", KIN_ARCH_X86);
    test_fixture("prog_b", "x86", KIN_ARCH_X86);
    test_hostile();
    test_tail_call();
    test_pic_jumptable();
    test_jump_into_body();
    test_unaligned_gap();
    test_o0_jumptable();
    test_slot_dispatch();
    test_llvm_tables();
    test_pe_thunks();
    CHECK_DONE();
}

/*
 * test_sig.c: signatures. A copy of a function at another address, or next to other code, has
 * the same exact hash (pichash) and MinHash; a change inside it changes the exact hash; MinHash
 * similarity and LSH bands behave as documented; small functions are flagged.
 */
#include <stdlib.h>

#include "check.h"
#include "kin.h"
#include "sig/sig.h"

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

static struct kin_funcs *
analyze_raw(const uint8_t *p, size_t n, uint32_t arch, uint64_t base, struct kin_sample **s)
{
    struct kin_load_options lo = {0};
    struct kin_funcs *f = NULL;
    lo.raw = 1;
    lo.arch = arch;
    lo.base = base;
    lo.skip_fuzzy = 1;
    *s = NULL;
    CHECK_OK(kin_sample_load_mem(p, n, &lo, s));
    if (*s) {
        CHECK_OK(kin_funcs_analyze(*s, NULL, &f));
    }
    return f;
}

/* The x64 fixture is position-independent: loaded at two bases, every signature is equal. */
static void test_rebase(void)
{
    size_t n;
    char path[512];
    snprintf(path, sizeof(path), "%s/funcs_prog_a.x64.bin", KIN_FIXTURE_DIR);
    uint8_t *bytes = read_file(path, &n);
    if (!bytes) {
        check_failures++;
        return;
    }
    struct kin_sample *s1, *s2;
    struct kin_funcs *f1 = analyze_raw(bytes, n, KIN_ARCH_X64, 0x401000, &s1);
    struct kin_funcs *f2 = analyze_raw(bytes, n, KIN_ARCH_X64, 0x7ff012340000ULL, &s2);
    CHECK(kin_funcs_count(f1) >= 8);
    CHECK_EQ_U64(kin_funcs_count(f1), kin_funcs_count(f2));
    for (size_t i = 0; i < kin_funcs_count(f1) && i < kin_funcs_count(f2); i++) {
        const struct kin_function *a = kin_funcs_get(f1, i), *b = kin_funcs_get(f2, i);
        CHECK_EQ_U64(a->va - 0x401000, b->va - 0x7ff012340000ULL);
        CHECK_EQ_U64(a->pichash, b->pichash);
        CHECK_EQ_MEM(a->minhash, b->minhash, sizeof(a->minhash));
        CHECK_EQ_U64(a->flags, b->flags);
        for (uint32_t k = 0; k < a->block_count && k < b->block_count; k++) {
            CHECK_EQ_U64(a->block_hashes[k], b->block_hashes[k]);
        }
    }
    /* Distinct functions have distinct exact hashes. */
    for (size_t i = 1; i < kin_funcs_count(f1); i++) {
        CHECK(kin_funcs_get(f1, i)->pichash != kin_funcs_get(f1, i - 1)->pichash);
    }
    kin_funcs_free(f1);
    kin_funcs_free(f2);
    kin_sample_free(s1);
    kin_sample_free(s2);
    free(bytes);
}

/*
 * f calls g. Moving g (more padding between them) changes f's call displacement but not f's
 * pichash; changing an instruction of f changes it.
 *   f: push rbx; mov ebx, edi; call g; add eax, ebx; pop rbx; ret ... g: lea eax,[rdi+1]; ret
 */
static void build(uint8_t *code, size_t size, size_t g_off, uint8_t add_opcode)
{
    memset(code, 0xcc, size);
    uint8_t f[] = {0x53, 0x89, 0xfb, 0xe8, 0, 0, 0, 0, add_opcode, 0xd8, 0x5b, 0xc3};
    int32_t rel = (int32_t)(g_off - 8);
    memcpy(f + 4, &rel, 4);
    memcpy(code, f, sizeof(f));
    static const uint8_t g[] = {0x8d, 0x47, 0x01, 0xc3};
    memcpy(code + g_off, g, sizeof(g));
}

static void test_masking(void)
{
    uint8_t c1[256], c2[256], c3[256];
    build(c1, sizeof(c1), 0x20, 0x01);
    build(c2, sizeof(c2), 0x80, 0x01);
    build(c3, sizeof(c3), 0x20, 0x29); /* add -> sub */
    struct kin_sample *s1, *s2, *s3;
    struct kin_funcs *f1 = analyze_raw(c1, sizeof(c1), KIN_ARCH_X64, 0x1000, &s1);
    struct kin_funcs *f2 = analyze_raw(c2, sizeof(c2), KIN_ARCH_X64, 0x1000, &s2);
    struct kin_funcs *f3 = analyze_raw(c3, sizeof(c3), KIN_ARCH_X64, 0x1000, &s3);
    CHECK_EQ_U64(kin_funcs_count(f1), 2);
    CHECK_EQ_U64(kin_funcs_count(f2), 2);
    if (kin_funcs_count(f1) == 2 && kin_funcs_count(f2) == 2 && kin_funcs_count(f3) == 2) {
        CHECK_EQ_U64(kin_funcs_get(f1, 0)->pichash, kin_funcs_get(f2, 0)->pichash);
        CHECK_EQ_U64(kin_funcs_get(f1, 1)->pichash, kin_funcs_get(f2, 1)->pichash);
        CHECK(kin_funcs_get(f1, 0)->pichash != kin_funcs_get(f3, 0)->pichash);
        CHECK_EQ_U64(kin_funcs_get(f1, 0)->call_count, 1);
        /* Small: 6 and 2 instructions. */
        CHECK(kin_funcs_get(f1, 0)->flags & KIN_FUNC_SMALL);
        CHECK(kin_funcs_get(f1, 1)->flags & KIN_FUNC_SMALL);
    }
    kin_funcs_free(f1);
    kin_funcs_free(f2);
    kin_funcs_free(f3);
    kin_sample_free(s1);
    kin_sample_free(s2);
    kin_sample_free(s3);
}

static void test_minhash(void)
{
    uint32_t a[KIN_MINHASH_SIZE], b[KIN_MINHASH_SIZE], e[KIN_MINHASH_SIZE];
    struct oph o1, o2, o3;
    kin__oph_init(&o1);
    kin__oph_init(&o2);
    kin__oph_init(&o3);
    /* Two sets of 2000 features sharing 1000: Jaccard 1/3. */
    for (uint64_t i = 0; i < 2000; i++) {
        kin__oph_add(&o1, kin__feat(99, i, 0));
        kin__oph_add(&o2, kin__feat(99, i + 1000, 0));
    }
    kin__oph_finish(&o1, a);
    kin__oph_finish(&o2, b);
    kin__oph_finish(&o3, e);
    double s = kin_minhash_similarity(a, b);
    CHECK(s > 0.15 && s < 0.55);
    CHECK(kin_minhash_similarity(a, a) == 1.0);
    for (unsigned i = 0; i < KIN_MINHASH_SIZE; i++) {
        CHECK_EQ_U64(e[i], 0xffffffffu); /* no features: the fixed empty signature */
    }
    /* A small set fills every bin (densification) and matches itself. */
    struct oph o4;
    uint32_t d[KIN_MINHASH_SIZE];
    kin__oph_init(&o4);
    kin__oph_add(&o4, kin__feat(1, 2, 3));
    kin__oph_add(&o4, kin__feat(1, 2, 4));
    kin__oph_finish(&o4, d);
    for (unsigned i = 0; i < KIN_MINHASH_SIZE; i++) {
        CHECK(d[i] == (uint32_t)kin__feat(1, 2, 3) || d[i] == (uint32_t)kin__feat(1, 2, 4));
    }
    /* Bands: equal signatures, equal bands; one changed value changes exactly one band. */
    uint64_t ba[KIN_LSH_BANDS], bb[KIN_LSH_BANDS];
    kin_minhash_bands(a, ba);
    memcpy(b, a, sizeof(b));
    b[5] ^= 1;
    kin_minhash_bands(b, bb);
    unsigned diff = 0;
    for (unsigned i = 0; i < KIN_LSH_BANDS; i++) {
        diff += ba[i] != bb[i];
    }
    CHECK_EQ_U64(diff, 1);
    CHECK(ba[5 / (KIN_MINHASH_SIZE / KIN_LSH_BANDS)] != bb[5 / (KIN_MINHASH_SIZE / KIN_LSH_BANDS)]);
    CHECK_EQ_U64(kin_sig_scheme_version(), KIN_SIG_SCHEME);
}

int main(void)
{
    test_rebase();
    test_masking();
    test_minhash();
    CHECK_DONE();
}

/*
 * test_ioc_vectors.c: the indicator validators against the official test vectors in
 * tests/data/vectors/ (provenance in tests/data/README.md): Keccak-256, base58, Base58Check,
 * BIP173/BIP350, EIP-55, Monero, onion v3. Valid vectors must validate; every copy with one
 * character changed must not.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "check.h"
#include "ioc/ioc.h"

#define MAX_FIELDS 4
#define LINE_MAX_  4096

struct vec {
    char *f[MAX_FIELDS];
    int n;
};

/* Reads the next vector line (comments and blank lines skipped). 0 at the end. */
static int next_vec(FILE *fp, char *line, struct vec *v)
{
    while (fgets(line, LINE_MAX_, fp)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#') {
            continue;
        }
        v->n = 0;
        for (char *save = NULL, *t = strtok_r(line, " ", &save); t && v->n < MAX_FIELDS;
             t = strtok_r(NULL, " ", &save)) {
            v->f[v->n++] = t;
        }
        return 1;
    }
    return 0;
}

static FILE *open_vec(const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/vectors/%s", KIN_TEST_DATA_DIR, name);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "cannot open %s\n", path);
        check_failures++;
    }
    return fp;
}

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    if (!strcmp(s, "-")) {
        return 0;
    }
    for (; s[0] && s[1] && n < cap; s += 2) {
        unsigned v;
        sscanf(s, "%2x", &v);
        out[n++] = (uint8_t)v;
    }
    return n;
}

/* Decodes \xNN escapes in place; returns the length. */
static size_t unescape(char *s)
{
    size_t o = 0;
    for (size_t i = 0; s[i]; i++) {
        unsigned v;
        if (s[i] == '\\' && s[i + 1] == 'x' && sscanf(s + i + 2, "%2x", &v) == 1) {
            s[o++] = (char)v;
            i += 3;
        } else {
            s[o++] = s[i];
        }
    }
    s[o] = '\0';
    return o;
}

typedef int (*check_fn)(const char *s, size_t n, const char **detail);

/*
 * Tries every one-character change of s to another alphabet character and returns how many
 * still validate. Base58Check and Monero (32-bit checksums), Bech32 (a BCH code that detects
 * any 4 errors) must reject all; onion v3 has a 16-bit checksum, so about 1 in 65536 passes.
 */
static int count_mutations(const char *s, check_fn fn, const char *alphabet, int *tried)
{
    char buf[256];
    size_t n = strlen(s);
    int passed = 0;
    *tried = 0;
    for (size_t i = 0; i < n; i++) {
        for (const char *a = alphabet; *a; a++) {
            if (*a == s[i]) {
                continue;
            }
            memcpy(buf, s, n + 1);
            buf[i] = *a;
            const char *detail;
            (*tried)++;
            if (fn(buf, n, &detail) == KIN_IOC_VALID) {
                passed++;
            }
        }
    }
    return passed;
}

static void check_mutations(const char *s, check_fn fn, const char *alphabet)
{
    int tried;
    int passed = count_mutations(s, fn, alphabet, &tried);
    CHECK(tried > (int)strlen(s));
    if (passed) {
        fprintf(stderr, "%d one-character changes of '%s' validated\n", passed, s);
        check_failures++;
    }
}

static void test_keccak(void)
{
    char line[LINE_MAX_];
    struct vec v;
    FILE *fp = open_vec("keccak256.txt");
    int count = 0;
    while (fp && next_vec(fp, line, &v)) {
        uint8_t msg[512], want[32], got[32];
        size_t n = unhex(v.f[1], msg, sizeof(msg));
        CHECK_EQ_U64(unhex(v.f[0], want, sizeof(want)), 32);
        kin__keccak256(msg, n, got);
        CHECK_EQ_MEM(got, want, 32);
        count++;
    }
    CHECK(count >= 7);
    if (fp) {
        fclose(fp);
    }
    /* With SHA-3's padding byte the same sponge must agree with OpenSSL's SHA3-256. */
    uint8_t buf[300];
    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = (uint8_t)(i * 7 + 3);
    }
    for (size_t n = 0; n <= sizeof(buf); n += 17) {
        uint8_t mine[32];
        unsigned char ref[EVP_MAX_MD_SIZE];
        unsigned int ref_len = 0;
        kin__keccak256_pad(buf, n, 0x06, mine);
        CHECK(EVP_Digest(buf, n, ref, &ref_len, EVP_sha3_256(), NULL) == 1);
        CHECK_EQ_U64(ref_len, 32);
        CHECK_EQ_MEM(mine, ref, 32);
    }
}

static void test_base58(void)
{
    char line[LINE_MAX_];
    struct vec v;
    FILE *fp = open_vec("base58.txt");
    int count = 0;
    while (fp && next_vec(fp, line, &v)) {
        uint8_t bytes[512], got[512];
        char text[1024];
        size_t n = unhex(v.f[0], bytes, sizeof(bytes));
        const char *want = strcmp(v.f[1], "-") ? v.f[1] : "";
        size_t len = kin__base58_encode(bytes, n, text, sizeof(text));
        CHECK_EQ_U64(len, strlen(want));
        CHECK_EQ_STR(text, want);
        size_t got_n = 0;
        CHECK(kin__base58_decode(want, strlen(want), got, sizeof(got), &got_n));
        CHECK_EQ_U64(got_n, n);
        CHECK_EQ_MEM(got, bytes, n);
        count++;
    }
    CHECK(count >= 14);
    if (fp) {
        fclose(fp);
    }
    uint8_t out[8];
    size_t n;
    CHECK(!kin__base58_decode("0OIl", 4, out, sizeof(out), &n)); /* excluded characters */
    CHECK(!kin__base58_decode("zzzzzzzzzzzzzzzz", 16, out, sizeof(out), &n)); /* overflow */
    char small[4];
    CHECK_EQ_U64(kin__base58_encode((const uint8_t *)"hello", 5, small, sizeof(small)), 0);
}

static void test_base58check(void)
{
    char line[LINE_MAX_];
    struct vec v;
    FILE *fp = open_vec("base58check.txt");
    int count = 0;
    while (fp && next_vec(fp, line, &v)) {
        const char *detail;
        char want[64];
        snprintf(want, sizeof(want), "%s", v.f[1]);
        *strchr(want, '-') = ' ';
        CHECK_EQ_U64(kin__btc_base58_check(v.f[0], strlen(v.f[0]), &detail), KIN_IOC_VALID);
        CHECK_EQ_STR(detail, want);
        check_mutations(v.f[0], kin__btc_base58_check,
                        "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");
        count++;
    }
    CHECK(count >= 10);
    if (fp) {
        fclose(fp);
    }
    /* The WannaCry address with its last character changed fails the checksum. */
    const char *detail;
    CHECK_EQ_U64(kin__btc_base58_check("13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb95", 34, &detail),
                 KIN_IOC_CHECKSUM_FAILED);
}

static void test_bech32_strings(void)
{
    static const struct {
        const char *name;
        int enc;
    } valid[] = {{"bip173_valid_strings.txt", BECH32_BECH32},
                 {"bip350_valid_strings.txt", BECH32_BECH32M}};
    char line[LINE_MAX_];
    struct vec v;
    for (size_t k = 0; k < 2; k++) {
        FILE *fp = open_vec(valid[k].name);
        int count = 0;
        while (fp && next_vec(fp, line, &v)) {
            char hrp[96];
            uint8_t data[96];
            size_t len;
            CHECK_EQ_U64(kin__bech32_decode(v.f[0], strlen(v.f[0]), hrp, data, &len), valid[k].enc);
            /* One changed character breaks the checksum (BCH code, distance >= 4). */
            char mut[128];
            snprintf(mut, sizeof(mut), "%s", v.f[0]);
            size_t last = strlen(mut) - 1;
            mut[last] = mut[last] == 'q' || mut[last] == 'Q' ? 'p' : 'q';
            if (mut[0] >= 'A' && mut[0] <= 'Z') {
                mut[last] = (char)(mut[last] - 'a' + 'A');
            }
            CHECK_EQ_U64(kin__bech32_decode(mut, strlen(mut), hrp, data, &len), BECH32_NONE);
            count++;
        }
        CHECK_EQ_U64(count, 7);
        if (fp) {
            fclose(fp);
        }
    }
    const char *invalid[] = {"bip173_invalid_strings.txt", "bip350_invalid_strings.txt"};
    for (size_t k = 0; k < 2; k++) {
        FILE *fp = open_vec(invalid[k]);
        int count = 0;
        while (fp && next_vec(fp, line, &v)) {
            char hrp[96];
            uint8_t data[96];
            size_t len, n = unescape(v.f[0]);
            CHECK_EQ_U64(kin__bech32_decode(v.f[0], n, hrp, data, &len), BECH32_NONE);
            count++;
        }
        CHECK(count >= 12);
        if (fp) {
            fclose(fp);
        }
    }
}

static int reason_code(const char *r)
{
    static const struct {
        const char *name;
        int code;
    } map[] = {{"hrp", SEGWIT_HRP},         {"checksum", SEGWIT_CHECKSUM},
               {"version", SEGWIT_VERSION}, {"program", SEGWIT_PROGRAM},
               {"variant", SEGWIT_VARIANT}, {"format", SEGWIT_FORMAT}};
    for (size_t i = 0; i < KIN_ARRAY_COUNT(map); i++) {
        if (!strcmp(r, map[i].name)) {
            return map[i].code;
        }
    }
    return -1;
}

static const char *hrp_of(const char *addr)
{
    if ((addr[0] | 0x20) == 't') {
        return "tb";
    }
    return (addr[2] | 0x20) == 'r' ? "bcrt" : "bc";
}

static void test_segwit(void)
{
    char line[LINE_MAX_];
    struct vec v;
    const char *valid[] = {"bip173_valid_addresses.txt", "bip350_valid_addresses.txt"};
    for (size_t k = 0; k < 2; k++) {
        FILE *fp = open_vec(valid[k]);
        int count = 0;
        while (fp && next_vec(fp, line, &v)) {
            const char *a = v.f[0];
            size_t n = strlen(a);
            int version = -1;
            uint8_t prog[40], spk[64];
            size_t prog_len = 0;
            int err = kin__segwit_decode(hrp_of(a), a, n, &version, prog, &prog_len);
            size_t spk_len = unhex(v.f[1], spk, sizeof(spk));
            int v1_in_bip173 = k == 0 && spk[0] != 0;
            const char *detail;
            if (v1_in_bip173) {
                /* BIP350 retired Bech32 for witness v1+: these are no longer addresses. */
                CHECK_EQ_U64(err, SEGWIT_VARIANT);
                CHECK_EQ_U64(kin__btc_bech32_check(a, n, &detail), KIN_IOC_INVALID);
            } else {
                CHECK_EQ_U64(err, SEGWIT_OK);
                CHECK_EQ_U64(spk[0], version ? 0x50 + version : 0);
                CHECK_EQ_U64(spk[1], prog_len);
                CHECK_EQ_U64(spk_len, prog_len + 2);
                CHECK_EQ_MEM(spk + 2, prog, prog_len);
                CHECK_EQ_U64(kin__btc_bech32_check(a, n, &detail), KIN_IOC_VALID);
                check_mutations(a, kin__btc_bech32_check,
                                (a[0] == 'B' || a[0] == 'T') ? "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
                                                             : "qpzry9x8gf2tvdw0s3jn54khce6mua7l");
            }
            count++;
        }
        CHECK(count >= 6);
        if (fp) {
            fclose(fp);
        }
    }
    const char *invalid[] = {"bip173_invalid_addresses.txt", "bip350_invalid_addresses.txt"};
    for (size_t k = 0; k < 2; k++) {
        FILE *fp = open_vec(invalid[k]);
        int count = 0;
        while (fp && next_vec(fp, line, &v)) {
            const char *a = v.f[0];
            int version;
            uint8_t prog[40];
            size_t prog_len;
            int want = reason_code(v.f[1]);
            const char *expect_hrp = reason_code(v.f[1]) == SEGWIT_HRP ? "bc" : hrp_of(a);
            int got = kin__segwit_decode(expect_hrp, a, strlen(a), &version, prog, &prog_len);
            if (got != want) {
                fprintf(stderr, "%s: %s gave %d, want %s\n", invalid[k], a, got, v.f[1]);
                check_failures++;
            }
            const char *detail;
            CHECK(kin__btc_bech32_check(a, strlen(a), &detail) != KIN_IOC_VALID);
            count++;
        }
        CHECK(count >= 10);
        if (fp) {
            fclose(fp);
        }
    }
}

static void test_eip55(void)
{
    char line[LINE_MAX_];
    struct vec v;
    FILE *fp = open_vec("eip55.txt");
    int count = 0;
    while (fp && next_vec(fp, line, &v)) {
        const char *detail;
        int want = !strcmp(v.f[1], "valid") ? KIN_IOC_VALID : KIN_IOC_UNCHECKED;
        CHECK_EQ_U64(kin__eth_check(v.f[0], 42, &detail), want);
        if (want == KIN_IOC_VALID) {
            /* Flipping the case of any one letter breaks the checksum. */
            char mut[43];
            for (size_t i = 2; i < 42; i++) {
                memcpy(mut, v.f[0], 43);
                if ((mut[i] | 0x20) >= 'a' && (mut[i] | 0x20) <= 'f') {
                    mut[i] ^= 0x20;
                    CHECK_EQ_U64(kin__eth_check(mut, 42, &detail), KIN_IOC_CHECKSUM_FAILED);
                }
            }
        }
        count++;
    }
    CHECK_EQ_U64(count, 8);
    if (fp) {
        fclose(fp);
    }
    const char *detail;
    CHECK_EQ_U64(kin__eth_check("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", 42, &detail),
                 (uint64_t)(int64_t)IOC_NONE);
}

static void test_monero(void)
{
    char line[LINE_MAX_];
    struct vec v;
    FILE *fp = open_vec("monero.txt");
    int count = 0;
    while (fp && next_vec(fp, line, &v)) {
        const char *detail;
        char want[64];
        snprintf(want, sizeof(want), "%s", v.f[1]);
        *strchr(want, '-') = ' ';
        CHECK_EQ_U64(kin__xmr_check(v.f[0], strlen(v.f[0]), &detail), KIN_IOC_VALID);
        CHECK_EQ_STR(detail, want);
        check_mutations(v.f[0], kin__xmr_check,
                        "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");
        count++;
    }
    CHECK(count >= 11);
    if (fp) {
        fclose(fp);
    }
}

/* The onion check takes the name without ".onion"; a changed suffix is no onion at all. */
static int onion_name_check(const char *s, size_t n, const char **detail)
{
    if (n < 6 || strcmp(s + n - 6, ".onion") != 0) {
        return IOC_NONE;
    }
    return kin__onion_check(s, n - 6, detail);
}

static void test_onion(void)
{
    char line[LINE_MAX_];
    struct vec v;
    FILE *fp = open_vec("onion_v3.txt");
    int count = 0, passed = 0, total = 0;
    while (fp && next_vec(fp, line, &v)) {
        const char *detail;
        CHECK_EQ_U64(onion_name_check(v.f[0], strlen(v.f[0]), &detail), KIN_IOC_VALID);
        CHECK_EQ_STR(detail, "onion v3");
        int tried;
        passed +=
            count_mutations(v.f[0], onion_name_check, "abcdefghijklmnopqrstuvwxyz234567", &tried);
        total += tried;
        count++;
    }
    CHECK(count >= 6);
    /* About total / 65536 changes keep a valid checksum (observed: 1 of 10416). */
    CHECK(total > 10000);
    CHECK(passed * 1024 < total);
    if (fp) {
        fclose(fp);
    }
    const char *detail;
    CHECK_EQ_U64(kin__onion_check("gx7ekbenv2riucmf", 16, &detail), KIN_IOC_UNCHECKED);
    CHECK_EQ_U64(kin__onion_check("gx7ekbenv2riucm1", 16, &detail), (uint64_t)(int64_t)IOC_NONE);
}

int main(void)
{
    test_keccak();
    test_base58();
    test_base58check();
    test_bech32_strings();
    test_segwit();
    test_eip55();
    test_monero();
    test_onion();
    CHECK_DONE();
}

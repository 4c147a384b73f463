/*
 * bech32.c: Bech32 (BIP173) and Bech32m (BIP350) strings and segwit addresses.
 *
 * A string is hrp '1' data, at most 90 characters, all lower or all upper case; the data part
 * holds 5-bit values in the charset below, its last 6 a BCH checksum over the expanded hrp and
 * the data, whose polymod is 1 for Bech32 and 0x2bc830a3 for Bech32m. A segwit address adds:
 * hrp "bc" (mainnet), "tb" (testnet) or "bcrt" (regtest); a witness version 0..16 first; a
 * program of 2..40 bytes (20 or 32 for v0) with at most 4 bits of zero padding; Bech32 for v0,
 * Bech32m for v1 and later. Vectors: tests/data/vectors/bip173_*.txt and bip350_*.txt.
 */
#include <string.h>

#include "ioc.h"

#define BECH32_MAX_LEN   90
#define BECH32M_CONST    0x2bc830a3u
#define BECH32_CHECKSUM  6
#define SEGWIT_PROG_MIN  2
#define SEGWIT_PROG_MAX  40
#define SEGWIT_MAX_VER   16
#define SEGWIT_V0_P2WPKH 20
#define SEGWIT_V0_P2WSH  32

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t polymod_step(uint32_t chk, uint8_t v)
{
    static const uint32_t gen[5] = {0x3b6a57b2u, 0x26508e6du, 0x1ea119fau, 0x3d4233ddu,
                                    0x2a1462b3u};
    uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffffu) << 5) ^ v;
    for (int i = 0; i < 5; i++) {
        if ((top >> i) & 1u) {
            chk ^= gen[i];
        }
    }
    return chk;
}

/* Value of a data character (either case), or -1. */
static int charset_value(char c)
{
    if (c >= 'A' && c <= 'Z') {
        c = (char)(c - 'A' + 'a');
    }
    const char *hit = c ? strchr(charset, c) : NULL;
    return hit ? (int)(hit - charset) : -1;
}

int kin__bech32_decode(const char *s, size_t n, char *hrp, uint8_t *data, size_t *data_len)
{
    int lower = 0, upper = 0;
    size_t sep = n;
    if (n > BECH32_MAX_LEN) {
        return BECH32_NONE;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 33 || c > 126) {
            return BECH32_NONE;
        }
        lower |= c >= 'a' && c <= 'z';
        upper |= c >= 'A' && c <= 'Z';
        if (c == '1') {
            sep = i;
        }
    }
    /* One case only; a non-empty hrp; a separator followed by at least the checksum. */
    if ((lower && upper) || sep == n || sep < 1 || sep + 1 + BECH32_CHECKSUM > n) {
        return BECH32_NONE;
    }
    uint32_t chk = 1;
    for (size_t i = 0; i < sep; i++) {
        char c = s[i];
        hrp[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        chk = polymod_step(chk, (uint8_t)((unsigned char)hrp[i] >> 5));
    }
    hrp[sep] = '\0';
    chk = polymod_step(chk, 0);
    for (size_t i = 0; i < sep; i++) {
        chk = polymod_step(chk, (uint8_t)((unsigned char)hrp[i] & 31));
    }
    size_t count = 0;
    for (size_t i = sep + 1; i < n; i++) {
        int v = charset_value(s[i]);
        if (v < 0) {
            return BECH32_NONE;
        }
        chk = polymod_step(chk, (uint8_t)v);
        data[count++] = (uint8_t)v;
    }
    *data_len = count - BECH32_CHECKSUM;
    if (chk == 1) {
        return BECH32_BECH32;
    }
    if (chk == BECH32M_CONST) {
        return BECH32_BECH32M;
    }
    return BECH32_NONE;
}

/*
 * Regroups 5-bit values into bytes. BIP173: at most 4 bits of padding, and they must be zero.
 * Returns 1 on success.
 */
static int to_bytes(const uint8_t *in, size_t n, uint8_t *out, size_t cap, size_t *out_len)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        acc = ((acc << 5) | in[i]) & 0xfffu;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            if (len >= cap) {
                return 0;
            }
            out[len++] = (uint8_t)(acc >> bits);
        }
    }
    if (bits >= 5 || ((acc << (8 - bits)) & 0xffu) != 0) {
        return 0;
    }
    *out_len = len;
    return 1;
}

/*
 * Whether s could be a Bech32 string apart from its checksum: one case, a separator, data
 * characters only after it. Used to call a failed decode a checksum failure, not noise.
 */
static int well_formed(const char *s, size_t n)
{
    const char *sep = NULL;
    int lower = 0, upper = 0;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126) {
            return 0;
        }
        lower |= s[i] >= 'a' && s[i] <= 'z';
        upper |= s[i] >= 'A' && s[i] <= 'Z';
        if (s[i] == '1') {
            sep = s + i;
        }
    }
    if (!sep || sep == s || (lower && upper) || n > BECH32_MAX_LEN) {
        return 0;
    }
    for (const char *c = sep + 1; c < s + n; c++) {
        if (charset_value(*c) < 0) {
            return 0;
        }
    }
    return (size_t)(s + n - sep) > BECH32_CHECKSUM;
}

int kin__segwit_decode(
    const char *expect_hrp, const char *s, size_t n, int *version, uint8_t *prog, size_t *prog_len)
{
    char hrp[BECH32_MAX_LEN];
    uint8_t data[BECH32_MAX_LEN];
    size_t data_len;
    int enc = kin__bech32_decode(s, n, hrp, data, &data_len);
    if (enc == BECH32_NONE) {
        return well_formed(s, n) ? SEGWIT_CHECKSUM : SEGWIT_FORMAT;
    }
    if (strcmp(hrp, expect_hrp) != 0) {
        return SEGWIT_HRP;
    }
    if (data_len < 1 || data[0] > SEGWIT_MAX_VER) {
        return SEGWIT_VERSION;
    }
    uint8_t bytes[SEGWIT_PROG_MAX + 8];
    size_t len;
    if (!to_bytes(data + 1, data_len - 1, bytes, sizeof(bytes), &len) || len < SEGWIT_PROG_MIN ||
        len > SEGWIT_PROG_MAX) {
        return SEGWIT_PROGRAM;
    }
    if (data[0] == 0 && len != SEGWIT_V0_P2WPKH && len != SEGWIT_V0_P2WSH) {
        return SEGWIT_PROGRAM;
    }
    if ((data[0] == 0) != (enc == BECH32_BECH32)) {
        return SEGWIT_VARIANT;
    }
    *version = data[0];
    memcpy(prog, bytes, len);
    *prog_len = len;
    return SEGWIT_OK;
}

int kin__btc_bech32_check(const char *s, size_t n, const char **detail)
{
    static const char *const hrps[] = {"bc", "tb", "bcrt"};
    *detail = "";
    size_t which;
    /* "bcrt1" first: "bc" is its prefix but "bc" + "rt1..." would be a different split. */
    if (n >= 5 && (s[0] | 0x20) == 'b' && (s[1] | 0x20) == 'c' && (s[2] | 0x20) == 'r' &&
        (s[3] | 0x20) == 't' && s[4] == '1') {
        which = 2;
    } else if (n >= 3 && (s[0] | 0x20) == 'b' && (s[1] | 0x20) == 'c' && s[2] == '1') {
        which = 0;
    } else if (n >= 3 && (s[0] | 0x20) == 't' && (s[1] | 0x20) == 'b' && s[2] == '1') {
        which = 1;
    } else {
        return IOC_NONE;
    }
    if (!well_formed(s, n)) {
        return IOC_NONE;
    }
    int version;
    uint8_t prog[SEGWIT_PROG_MAX];
    size_t prog_len;
    int err = kin__segwit_decode(hrps[which], s, n, &version, prog, &prog_len);
    switch (err) {
    case SEGWIT_OK:
        break;
    case SEGWIT_CHECKSUM:
        *detail = "bech32 checksum failed";
        return KIN_IOC_CHECKSUM_FAILED;
    case SEGWIT_VARIANT:
        *detail = "wrong bech32 variant for the witness version";
        return KIN_IOC_INVALID;
    case SEGWIT_VERSION:
        *detail = "bad witness version";
        return KIN_IOC_INVALID;
    case SEGWIT_PROGRAM:
        *detail = "bad witness program length or padding";
        return KIN_IOC_INVALID;
    default:
        return IOC_NONE;
    }
    /* A static description for every (version, length, network) an address can have. */
    if (version == 0) {
        static const char *const v0[2][3] = {
            {"bech32 v0 p2wpkh mainnet", "bech32 v0 p2wpkh testnet", "bech32 v0 p2wpkh regtest"},
            {"bech32 v0 p2wsh mainnet", "bech32 v0 p2wsh testnet", "bech32 v0 p2wsh regtest"},
        };
        *detail = v0[prog_len == SEGWIT_V0_P2WSH][which];
    } else if (version == 1 && prog_len == 32) {
        static const char *const tr[3] = {"bech32m v1 p2tr mainnet", "bech32m v1 p2tr testnet",
                                          "bech32m v1 p2tr regtest"};
        *detail = tr[which];
    } else {
        static const char *const future[3] = {"bech32m future version mainnet",
                                              "bech32m future version testnet",
                                              "bech32m future version regtest"};
        *detail = future[which];
    }
    return KIN_IOC_VALID;
}

/* Regroups bytes into 5-bit values, the last one zero-padded. */
static size_t to_fives(const uint8_t *in, size_t n, uint8_t *out)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        acc = ((acc << 8) | in[i]) & 0xfffu;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[len++] = (uint8_t)((acc >> bits) & 31u);
        }
    }
    if (bits) {
        out[len++] = (uint8_t)((acc << (5 - bits)) & 31u);
    }
    return len;
}

size_t kin__bech32_encode(
    const char *hrp, const uint8_t *data, size_t n, int encoding, char *out, size_t cap)
{
    size_t hrp_len = strlen(hrp);
    /* hrp, '1', data, checksum and the NUL; BIP173 caps the string at 90 characters. */
    if (hrp_len < 1 || hrp_len + 1 + n + BECH32_CHECKSUM > BECH32_MAX_LEN ||
        hrp_len + 1 + n + BECH32_CHECKSUM + 1 > cap) {
        return 0;
    }
    uint32_t chk = 1;
    for (size_t i = 0; i < hrp_len; i++) {
        chk = polymod_step(chk, (uint8_t)((unsigned char)hrp[i] >> 5));
    }
    chk = polymod_step(chk, 0);
    for (size_t i = 0; i < hrp_len; i++) {
        chk = polymod_step(chk, (uint8_t)((unsigned char)hrp[i] & 31));
    }
    size_t len = 0;
    memcpy(out, hrp, hrp_len);
    len = hrp_len;
    out[len++] = '1';
    for (size_t i = 0; i < n; i++) {
        if (data[i] > 31) {
            return 0;
        }
        chk = polymod_step(chk, data[i]);
        out[len++] = charset[data[i]];
    }
    for (int i = 0; i < BECH32_CHECKSUM; i++) {
        chk = polymod_step(chk, 0);
    }
    chk ^= encoding == BECH32_BECH32M ? BECH32M_CONST : 1u;
    for (int i = 0; i < BECH32_CHECKSUM; i++) {
        out[len++] = charset[(chk >> (5 * (BECH32_CHECKSUM - 1 - i))) & 31u];
    }
    out[len] = '\0';
    return len;
}

size_t kin__segwit_encode(
    const char *hrp, int version, const uint8_t *prog, size_t prog_len, char *out, size_t cap)
{
    uint8_t data[1 + (SEGWIT_PROG_MAX * 8 + 4) / 5];
    if (version < 0 || version > SEGWIT_MAX_VER || prog_len < SEGWIT_PROG_MIN ||
        prog_len > SEGWIT_PROG_MAX ||
        (version == 0 && prog_len != SEGWIT_V0_P2WPKH && prog_len != SEGWIT_V0_P2WSH)) {
        return 0;
    }
    data[0] = (uint8_t)version;
    size_t n = 1 + to_fives(prog, prog_len, data + 1);
    return kin__bech32_encode(hrp, data, n, version == 0 ? BECH32_BECH32 : BECH32_BECH32M, out,
                              cap);
}

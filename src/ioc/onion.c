/*
 * onion.c: Tor onion service names (the label before ".onion").
 *
 * v2 names are 16 base32 characters (80 bits of a key hash) and have no checksum: unchecked.
 * v3 names (rend-spec-v3, "Encoding onion addresses") are 56 base32 characters encoding 35
 * bytes: PUBKEY (32) | CHECKSUM (2) | VERSION (1), where VERSION is 3 and CHECKSUM is the first
 * two bytes of SHA3-256(".onion checksum" | PUBKEY | VERSION). Base32 is RFC 4648's alphabet
 * a-z 2-7, either case. Vectors: tests/data/vectors/onion_v3.txt.
 */
#include <string.h>

#include <openssl/evp.h>

#include "ioc.h"

#define ONION_V2_CHARS   16
#define ONION_V3_CHARS   56
#define ONION_V3_BYTES   35
#define ONION_V3_VERSION 3

static int base32_value(char c)
{
    if (c >= 'a' && c <= 'z') {
        return c - 'a';
    }
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= '2' && c <= '7') {
        return c - '2' + 26;
    }
    return -1;
}

int kin__onion_check(const char *s, size_t n, const char **detail)
{
    *detail = "";
    if (n != ONION_V2_CHARS && n != ONION_V3_CHARS) {
        return IOC_NONE;
    }
    uint8_t raw[ONION_V3_BYTES];
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int v = base32_value(s[i]);
        if (v < 0) {
            return IOC_NONE;
        }
        acc = (acc << 5) | (uint32_t)v;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            raw[len++] = (uint8_t)(acc >> bits);
        }
    }
    if (n == ONION_V2_CHARS) {
        *detail = "onion v2 (no checksum)";
        return KIN_IOC_UNCHECKED;
    }
    static const char prefix[] = ".onion checksum";
    uint8_t buf[sizeof(prefix) - 1 + 32 + 1];
    memcpy(buf, prefix, sizeof(prefix) - 1);
    memcpy(buf + sizeof(prefix) - 1, raw, 32);
    buf[sizeof(buf) - 1] = raw[34];
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (!EVP_Digest(buf, sizeof(buf), digest, &digest_len, EVP_sha3_256(), NULL) ||
        digest_len < 2) {
        return IOC_NONE;
    }
    if (digest[0] != raw[32] || digest[1] != raw[33]) {
        *detail = "onion v3 checksum failed";
        return KIN_IOC_CHECKSUM_FAILED;
    }
    if (raw[34] != ONION_V3_VERSION) {
        *detail = "onion v3 bad version byte";
        return KIN_IOC_INVALID;
    }
    *detail = "onion v3";
    return KIN_IOC_VALID;
}

/*
 * base58.c: Bitcoin's base58 and Base58Check addresses.
 *
 * Base58 reads the text as one big-endian number in the alphabet below; each leading '1' stands
 * for a leading zero byte. A Base58Check address is 25 bytes: version (0x00 P2PKH, 0x05 P2SH on
 * mainnet; 0x6f, 0xc4 on testnet), a 20-byte hash and the first 4 bytes of SHA-256(SHA-256())
 * of the first 21. Vectors: tests/data/vectors/base58*.txt (Bitcoin Core's test data).
 */
#include <string.h>

#include <openssl/sha.h>

#include "ioc.h"

static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

int kin__base58_digit(char c)
{
    /* Digits of the alphabet by ASCII code; -1 for 0, O, I, l and everything else. */
    static const int8_t map[128] = {
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, 0,  1,  2,  3,  4,  5,  6,  7,  8,  -1, -1, -1, -1, -1, -1, -1, 9,
        10, 11, 12, 13, 14, 15, 16, -1, 17, 18, 19, 20, 21, -1, 22, 23, 24, 25, 26, 27, 28, 29,
        30, 31, 32, -1, -1, -1, -1, -1, -1, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, -1, 44,
        45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, -1, -1, -1, -1, -1,
    };
    unsigned char u = (unsigned char)c;
    return u < 128 ? map[u] : -1;
}

int kin__base58_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *out_size)
{
    size_t zeros = 0;
    while (zeros < n && s[zeros] == '1') {
        zeros++;
    }
    /*
     * Big-number decode into the tail of out: size holds the significant bytes so far, kept at
     * out[cap - size .. cap). Each digit multiplies by 58 and adds.
     */
    size_t size = 0;
    for (size_t i = zeros; i < n; i++) {
        int d = kin__base58_digit(s[i]);
        if (d < 0) {
            return 0;
        }
        uint32_t carry = (uint32_t)d;
        for (size_t j = 0; j < size; j++) {
            uint8_t *b = &out[cap - 1 - j];
            carry += 58u * *b;
            *b = (uint8_t)carry;
            carry >>= 8;
        }
        while (carry) {
            if (size >= cap) {
                return 0;
            }
            out[cap - 1 - size] = (uint8_t)carry;
            size++;
            carry >>= 8;
        }
    }
    if (zeros > cap - size) {
        return 0;
    }
    memmove(out + zeros, out + cap - size, size);
    memset(out, 0, zeros);
    *out_size = zeros + size;
    return 1;
}

size_t kin__base58_encode(const uint8_t *p, size_t n, char *out, size_t cap)
{
    size_t zeros = 0;
    while (zeros < n && p[zeros] == 0) {
        zeros++;
    }
    /* Base-58 digits, least significant first, in out itself (log(256)/log(58) < 1.37). */
    size_t digits = 0;
    for (size_t i = zeros; i < n; i++) {
        uint32_t carry = p[i];
        for (size_t j = 0; j < digits; j++) {
            carry += (uint32_t)(uint8_t)out[j] << 8;
            out[j] = (char)(carry % 58);
            carry /= 58;
        }
        while (carry) {
            if (digits >= cap) {
                return 0;
            }
            out[digits++] = (char)(carry % 58);
            carry /= 58;
        }
    }
    if (zeros + digits + 1 > cap) {
        return 0;
    }
    for (size_t i = 0; i < digits / 2; i++) {
        char t = out[i];
        out[i] = out[digits - 1 - i];
        out[digits - 1 - i] = t;
    }
    memmove(out + zeros, out, digits);
    memset(out, '1', zeros);
    for (size_t i = zeros; i < zeros + digits; i++) {
        out[i] = alphabet[(uint8_t)out[i]];
    }
    out[zeros + digits] = '\0';
    return zeros + digits;
}

int kin__btc_base58_check(const char *s, size_t n, const char **detail)
{
    uint8_t raw[32];
    size_t size;
    *detail = "";
    /* 25 bytes take 25 to 34 characters ("1111111111111111111114oLvT2" is 27). */
    if (n < 25 || n > 35 || !kin__base58_decode(s, n, raw, sizeof(raw), &size) || size != 25) {
        return IOC_NONE;
    }
    switch (raw[0]) {
    case 0x00:
        *detail = "p2pkh mainnet";
        break;
    case 0x05:
        *detail = "p2sh mainnet";
        break;
    case 0x6f:
        *detail = "p2pkh testnet";
        break;
    case 0xc4:
        *detail = "p2sh testnet";
        break;
    default:
        return IOC_NONE;
    }
    uint8_t h1[SHA256_DIGEST_LENGTH], h2[SHA256_DIGEST_LENGTH];
    SHA256(raw, 21, h1);
    SHA256(h1, sizeof(h1), h2);
    return memcmp(h2, raw + 21, 4) == 0 ? KIN_IOC_VALID : KIN_IOC_CHECKSUM_FAILED;
}

size_t kin__base58check_encode(const uint8_t *p, size_t n, char *out, size_t cap)
{
    /* Payload plus the first 4 bytes of its double SHA-256; addresses are 21 bytes. */
    uint8_t buf[128];
    if (n > sizeof(buf) - 4) {
        return 0;
    }
    uint8_t h1[SHA256_DIGEST_LENGTH], h2[SHA256_DIGEST_LENGTH];
    SHA256(p, n, h1);
    SHA256(h1, sizeof(h1), h2);
    memcpy(buf, p, n);
    memcpy(buf + n, h2, 4);
    return kin__base58_encode(buf, n + 4, out, cap);
}

/*
 * monero.c: Monero addresses.
 *
 * Monero's base58 cuts the bytes into 8-byte blocks, each written as exactly 11 characters (a
 * shorter last block of k bytes takes block_chars[k]), so the text length fixes the byte length.
 * An address is varint(network prefix) | public spend key (32) | public view key (32)
 * [| payment id (8), integrated only] | first 4 bytes of Keccak-256 of all before:
 *
 *   kind          mainnet  testnet  stagenet  characters  bytes
 *   standard      18       53       24        95          69
 *   integrated    19       54       25        106         77
 *   subaddress    42       63       36        95          69
 *
 * Every prefix is below 128, so its varint is one byte. Vectors: tests/data/vectors/monero.txt.
 */
#include <string.h>

#include "ioc.h"

#define XMR_BLOCK_BYTES 8
#define XMR_BLOCK_CHARS 11
#define XMR_STD_CHARS   95
#define XMR_INT_CHARS   106
#define XMR_STD_BYTES   69
#define XMR_INT_BYTES   77
#define XMR_CHECKSUM    4

/* Characters used by a final block of 0..8 bytes. */
static const size_t block_chars[XMR_BLOCK_BYTES + 1] = {0, 2, 3, 5, 6, 7, 9, 10, 11};

int kin__monero_base58_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *out_size)
{
    size_t size = 0;
    while (n > 0) {
        size_t chars = n < XMR_BLOCK_CHARS ? n : XMR_BLOCK_CHARS;
        size_t bytes = 0;
        while (bytes <= XMR_BLOCK_BYTES && block_chars[bytes] != chars) {
            bytes++;
        }
        if (bytes > XMR_BLOCK_BYTES || size + bytes > cap) {
            return 0;
        }
        uint64_t v = 0;
        for (size_t i = 0; i < chars; i++) {
            int d = kin__base58_digit(s[i]);
            if (d < 0 || v > (UINT64_MAX - (uint64_t)d) / 58) {
                return 0;
            }
            v = v * 58 + (uint64_t)d;
        }
        /* The value must fit the block's byte count. */
        if (bytes < XMR_BLOCK_BYTES && (v >> (8 * bytes)) != 0) {
            return 0;
        }
        for (size_t i = 0; i < bytes; i++) {
            out[size + bytes - 1 - i] = (uint8_t)(v >> (8 * i));
        }
        size += bytes;
        s += chars;
        n -= chars;
    }
    *out_size = size;
    return 1;
}

int kin__xmr_check(const char *s, size_t n, const char **detail)
{
    uint8_t raw[XMR_INT_BYTES];
    size_t size;
    *detail = "";
    if ((n != XMR_STD_CHARS && n != XMR_INT_CHARS) ||
        !kin__monero_base58_decode(s, n, raw, sizeof(raw), &size)) {
        return IOC_NONE;
    }
    int integrated = size == XMR_INT_BYTES;
    switch (raw[0]) {
    case 18:
        *detail = "standard mainnet";
        break;
    case 53:
        *detail = "standard testnet";
        break;
    case 24:
        *detail = "standard stagenet";
        break;
    case 19:
        *detail = "integrated mainnet";
        break;
    case 54:
        *detail = "integrated testnet";
        break;
    case 25:
        *detail = "integrated stagenet";
        break;
    case 42:
        *detail = "subaddress mainnet";
        break;
    case 63:
        *detail = "subaddress testnet";
        break;
    case 36:
        *detail = "subaddress stagenet";
        break;
    default:
        return IOC_NONE;
    }
    /* The prefix's kind must match the length: integrated addresses alone carry a payment id. */
    if ((strncmp(*detail, "integrated", 10) == 0) != integrated) {
        *detail = "prefix does not match the length";
        return KIN_IOC_INVALID;
    }
    uint8_t digest[32];
    kin__keccak256(raw, size - XMR_CHECKSUM, digest);
    if (memcmp(digest, raw + size - XMR_CHECKSUM, XMR_CHECKSUM) != 0) {
        *detail = "keccak checksum failed";
        return KIN_IOC_CHECKSUM_FAILED;
    }
    return KIN_IOC_VALID;
}

/*
 * eth.c: Ethereum addresses, "0x" and 40 hexadecimal digits, with EIP-55's checksum.
 *
 * EIP-55 writes a letter in upper case exactly when the matching nibble of
 * Keccak-256(lowercase hex digits as ASCII) is 8 or more. An address in one case throughout
 * carries no checksum (EIP-55 accepts it as unchecked); mixed case must match. Vectors:
 * tests/data/vectors/eip55.txt (the EIP's examples).
 */
#include "ioc.h"

#define ETH_HEX_DIGITS 40

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int kin__eth_check(const char *s, size_t n, const char **detail)
{
    *detail = "";
    if (n != 2 + ETH_HEX_DIGITS || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) {
        return IOC_NONE;
    }
    const char *h = s + 2;
    uint8_t lower[ETH_HEX_DIGITS];
    int has_lower = 0, has_upper = 0;
    for (size_t i = 0; i < ETH_HEX_DIGITS; i++) {
        if (hex_value(h[i]) < 0) {
            return IOC_NONE;
        }
        has_lower |= h[i] >= 'a' && h[i] <= 'f';
        has_upper |= h[i] >= 'A' && h[i] <= 'F';
        lower[i] = (uint8_t)(h[i] >= 'A' && h[i] <= 'F' ? h[i] - 'A' + 'a' : h[i]);
    }
    if (!(has_lower && has_upper)) {
        *detail = "no eip-55 checksum (single case)";
        return KIN_IOC_UNCHECKED;
    }
    uint8_t digest[32];
    kin__keccak256(lower, sizeof(lower), digest);
    for (size_t i = 0; i < ETH_HEX_DIGITS; i++) {
        if (h[i] >= '0' && h[i] <= '9') {
            continue;
        }
        unsigned nibble = (i % 2 == 0) ? digest[i / 2] >> 4 : digest[i / 2] & 0x0fu;
        int want_upper = nibble >= 8;
        if (want_upper != (h[i] >= 'A' && h[i] <= 'F')) {
            *detail = "eip-55 checksum failed";
            return KIN_IOC_CHECKSUM_FAILED;
        }
    }
    *detail = "eip-55 checksum";
    return KIN_IOC_VALID;
}

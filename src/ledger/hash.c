/*
 * hash.c: the hashes and curve arithmetic of the ledger stage, over OpenSSL's libcrypto: double
 * SHA-256 (block and transaction ids), HASH160 (RIPEMD-160 of SHA-256, key hashes), hex in
 * Bitcoin's display order, and the secp256k1 point decompression that undo records need for
 * P2PK outputs whose uncompressed key they store as 33 bytes (Bitcoin Core compressor.cpp).
 * Also the network parameters (magics, address prefixes).
 */
#include <string.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/sha.h>

#include "ledger.h"

void kin__sha256d(const uint8_t *p, size_t n, uint8_t out[HASH_SIZE])
{
    uint8_t h1[SHA256_DIGEST_LENGTH];
    SHA256(p, n, h1);
    SHA256(h1, sizeof(h1), out);
}

int kin__hash160(const uint8_t *p, size_t n, uint8_t out[20])
{
    uint8_t h1[SHA256_DIGEST_LENGTH];
    unsigned int len = 0;
    SHA256(p, n, h1);
    /* RIPEMD-160 is in OpenSSL 3's default provider again since 3.0.7. */
    return EVP_Digest(h1, sizeof(h1), out, &len, EVP_ripemd160(), NULL) == 1 && len == 20;
}

void kin__hash_hex(const uint8_t h[HASH_SIZE], char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < HASH_SIZE; i++) {
        uint8_t b = h[HASH_SIZE - 1 - i];
        out[2 * i] = digits[b >> 4];
        out[2 * i + 1] = digits[b & 15];
    }
    out[(size_t)2 * HASH_SIZE] = '\0';
}

static int hexval(char c)
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

int kin__hash_parse(const char *s, uint8_t h[HASH_SIZE])
{
    if (!s || strlen(s) != (size_t)2 * HASH_SIZE) {
        return 0;
    }
    for (size_t i = 0; i < HASH_SIZE; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return 0;
        }
        h[HASH_SIZE - 1 - i] = (uint8_t)(hi << 4 | lo);
    }
    return 1;
}

struct ec_ctx {
    EC_GROUP *group;
    EC_POINT *point;
    BN_CTX *bn;
};

struct ec_ctx *kin__ec_new(void)
{
    struct ec_ctx *e = kin__calloc(1, sizeof(*e));
    if (!e) {
        return NULL;
    }
    e->group = EC_GROUP_new_by_curve_name(NID_secp256k1);
    e->point = e->group ? EC_POINT_new(e->group) : NULL;
    e->bn = BN_CTX_new();
    if (!e->group || !e->point || !e->bn) {
        kin__ec_free(e);
        return NULL;
    }
    return e;
}

void kin__ec_free(struct ec_ctx *e)
{
    if (!e) {
        return;
    }
    EC_POINT_free(e->point);
    EC_GROUP_free(e->group);
    BN_CTX_free(e->bn);
    kin__free(e);
}

int kin__ec_decompress(struct ec_ctx *e, const uint8_t in[33], uint8_t out[65])
{
    if (!e || (in[0] != 2 && in[0] != 3) ||
        EC_POINT_oct2point(e->group, e->point, in, 33, e->bn) != 1) {
        return 0;
    }
    return EC_POINT_point2oct(e->group, e->point, POINT_CONVERSION_UNCOMPRESSED, out, 65, e->bn) ==
           65;
}

/* Magics are the pchMessageStart of Bitcoin Core's chainparams.cpp; prefixes from the same. */
static const struct net_params nets[] = {
    {KIN_BTC_MAINNET, "mainnet", {0xf9, 0xbe, 0xb4, 0xd9}, 0x00, 0x05, "bc"},
    {KIN_BTC_TESTNET3, "testnet3", {0x0b, 0x11, 0x09, 0x07}, 0x6f, 0xc4, "tb"},
    {KIN_BTC_TESTNET4, "testnet4", {0x1c, 0x16, 0x3f, 0x28}, 0x6f, 0xc4, "tb"},
    {KIN_BTC_SIGNET, "signet", {0x0a, 0x03, 0xcf, 0x40}, 0x6f, 0xc4, "tb"},
    {KIN_BTC_REGTEST, "regtest", {0xfa, 0xbf, 0xb5, 0xda}, 0x6f, 0xc4, "bcrt"},
};

const struct net_params *kin__net(uint32_t network)
{
    for (size_t i = 0; i < KIN_ARRAY_COUNT(nets); i++) {
        if (nets[i].network == network) {
            return &nets[i];
        }
    }
    return NULL;
}

const struct net_params *kin__net_by_magic(const uint8_t m[4])
{
    for (size_t i = 0; i < KIN_ARRAY_COUNT(nets); i++) {
        if (memcmp(nets[i].magic, m, 4) == 0) {
            return &nets[i];
        }
    }
    return NULL;
}

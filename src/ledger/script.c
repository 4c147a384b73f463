/*
 * script.c: output scripts to address keys and address strings (Bitcoin Core's Solver and
 * ExtractDestination, script/solver.cpp). The shapes recognised:
 *
 *   P2PK      <33 or 65-byte key> OP_CHECKSIG            (address: P2PKH of the key)
 *   P2PKH     OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG
 *   P2SH      OP_HASH160 <20> OP_EQUAL
 *   witness   OP_0..OP_16 <2..40 bytes>: v0 20 P2WPKH, v0 32 P2WSH, v1 32 P2TR, v1+ other
 *   multisig  OP_m <key>... OP_n OP_CHECKMULTISIG       (no address)
 *   nulldata  OP_RETURN ...                               (no address)
 *
 * Addresses are encoded with the indicator stage's Base58Check and Bech32/Bech32m (BIP173/350).
 */
#include <string.h>

#include <openssl/sha.h>

#include "../ioc/ioc.h"
#include "ledger.h"

#define OP_0             0x00
#define OP_1             0x51
#define OP_16            0x60
#define OP_RETURN        0x6a
#define OP_DUP           0x76
#define OP_EQUAL         0x87
#define OP_EQUALVERIFY   0x88
#define OP_HASH160       0xa9
#define OP_CHECKSIG      0xac
#define OP_CHECKMULTISIG 0xae

static const char *const type_names[SCRIPT__COUNT] = {
    "nonstandard", "p2pk", "p2pkh",           "p2sh",     "p2wpkh",
    "p2wsh",       "p2tr", "witness_unknown", "multisig", "nulldata",
};

const char *kin__script_type_name(uint32_t type)
{
    return type < SCRIPT__COUNT ? type_names[type] : "unknown";
}

/* A public key's size from its first byte (CPubKey::GetLen), 0 when invalid. */
static size_t pubkey_len(uint8_t header)
{
    if (header == 2 || header == 3) {
        return 33;
    }
    if (header == 4 || header == 6 || header == 7) {
        return 65;
    }
    return 0;
}

/* OP_m <keys> OP_n OP_CHECKMULTISIG with n keys of valid sizes and 1 <= m <= n. */
static int is_multisig(const uint8_t *p, size_t n)
{
    if (n < 3 || p[0] < OP_1 || p[0] > OP_16 || p[n - 1] != OP_CHECKMULTISIG || p[n - 2] < OP_1 ||
        p[n - 2] > OP_16) {
        return 0;
    }
    size_t keys = 0, i = 1;
    while (i < n - 2) {
        size_t len = p[i];
        if ((len != 33 && len != 65) || len > n - 2 - i - 1 || pubkey_len(p[i + 1]) != len) {
            return 0;
        }
        i += 1 + len;
        keys++;
    }
    size_t m = (size_t)p[0] - OP_1 + 1, total = (size_t)p[n - 2] - OP_1 + 1;
    return i == n - 2 && keys == total && m <= total;
}

void kin__script_classify(struct span script, struct script_info *si)
{
    const uint8_t *p = script.p;
    size_t n = script.n;
    si->type = SCRIPT_NONSTANDARD;
    si->data = NULL;
    si->data_len = 0;
    si->version = 0;
    if (n == 25 && p[0] == OP_DUP && p[1] == OP_HASH160 && p[2] == 20 && p[23] == OP_EQUALVERIFY &&
        p[24] == OP_CHECKSIG) {
        si->type = SCRIPT_P2PKH;
        si->data = p + 3;
        si->data_len = 20;
    } else if (n == 23 && p[0] == OP_HASH160 && p[1] == 20 && p[22] == OP_EQUAL) {
        si->type = SCRIPT_P2SH;
        si->data = p + 2;
        si->data_len = 20;
    } else if (n >= 4 && n <= 42 && (p[0] == OP_0 || (p[0] >= OP_1 && p[0] <= OP_16)) &&
               p[1] == n - 2) {
        uint8_t version = p[0] == OP_0 ? 0 : (uint8_t)(p[0] - OP_1 + 1);
        si->data = p + 2;
        si->data_len = (uint8_t)(n - 2);
        si->version = version;
        if (version == 0) {
            si->type = n == 22 ? SCRIPT_P2WPKH : n == 34 ? SCRIPT_P2WSH : SCRIPT_NONSTANDARD;
        } else {
            si->type = version == 1 && n == 34 ? SCRIPT_P2TR : SCRIPT_WITNESS_UNKNOWN;
        }
        if (si->type == SCRIPT_NONSTANDARD) {
            si->data = NULL;
            si->data_len = 0;
        }
    } else if ((n == 35 || n == 67) && p[0] == n - 2 && p[n - 1] == OP_CHECKSIG &&
               pubkey_len(p[1]) == n - 2) {
        si->type = SCRIPT_P2PK;
        si->data = p + 1;
        si->data_len = (uint8_t)(n - 2);
    } else if (n >= 1 && p[0] == OP_RETURN) {
        si->type = SCRIPT_NULLDATA;
    } else if (is_multisig(p, n)) {
        si->type = SCRIPT_MULTISIG;
    }
}

int kin__script_key(const struct script_info *si, struct addr_key *k)
{
    memset(k, 0, sizeof(*k));
    switch (si->type) {
    case SCRIPT_P2PKH:
    case SCRIPT_P2SH:
        k->kind = si->type == SCRIPT_P2PKH ? ADDR_PKH : ADDR_SH;
        k->len = 20;
        memcpy(k->prog, si->data, 20);
        return 1;
    case SCRIPT_P2WPKH:
    case SCRIPT_P2WSH:
    case SCRIPT_P2TR:
    case SCRIPT_WITNESS_UNKNOWN:
        k->kind = ADDR_WITNESS;
        k->version = si->version;
        k->len = si->data_len;
        memcpy(k->prog, si->data, si->data_len);
        return 1;
    case SCRIPT_P2PK:
        k->kind = ADDR_PKH;
        k->len = 20;
        return kin__hash160(si->data, si->data_len, k->prog);
    default:
        return 0;
    }
}

uint64_t kin__addr_key_hash(const struct addr_key *k)
{
    /* Programs are hashes (or keys): their first 8 bytes are already uniform. */
    uint64_t h;
    memcpy(&h, k->prog, sizeof(h));
    h ^= (uint64_t)k->kind << 56 ^ (uint64_t)k->version << 48 ^ (uint64_t)k->len << 40;
    h *= 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 29);
}

int kin__addr_key_equal(const struct addr_key *a, const struct addr_key *b)
{
    return a->kind == b->kind && a->version == b->version && a->len == b->len &&
           memcmp(a->prog, b->prog, a->len) == 0;
}

size_t kin__addr_encode(const struct addr_key *k, uint32_t network, char *out, size_t cap)
{
    const struct net_params *net = kin__net(network);
    if (!net) {
        net = kin__net(KIN_BTC_MAINNET);
    }
    if (cap > 0) {
        out[0] = '\0';
    }
    if (k->kind == ADDR_PKH || k->kind == ADDR_SH) {
        uint8_t raw[21];
        raw[0] = k->kind == ADDR_PKH ? net->p2pkh : net->p2sh;
        memcpy(raw + 1, k->prog, 20);
        return kin__base58check_encode(raw, sizeof(raw), out, cap);
    }
    if (k->kind == ADDR_WITNESS) {
        return kin__segwit_encode(net->hrp, k->version, k->prog, k->len, out, cap);
    }
    return 0;
}

int kin__addr_decode(const char *s, struct addr_key *k, uint32_t *network)
{
    static const struct {
        const char *hrp;
        uint32_t network;
    } hrps[] = {{"bc", KIN_BTC_MAINNET}, {"tb", KIN_BTC_TESTNET3}, {"bcrt", KIN_BTC_REGTEST}};
    size_t n = strlen(s);
    memset(k, 0, sizeof(*k));
    for (size_t i = 0; i < KIN_ARRAY_COUNT(hrps); i++) {
        int version;
        size_t len;
        if (kin__segwit_decode(hrps[i].hrp, s, n, &version, k->prog, &len) == SEGWIT_OK) {
            k->kind = ADDR_WITNESS;
            k->version = (uint8_t)version;
            k->len = (uint8_t)len;
            *network = hrps[i].network;
            return 1;
        }
    }
    uint8_t raw[32], h1[SHA256_DIGEST_LENGTH], h2[SHA256_DIGEST_LENGTH];
    size_t size;
    if (n < 25 || n > 35 || !kin__base58_decode(s, n, raw, sizeof(raw), &size) || size != 25) {
        return 0;
    }
    SHA256(raw, 21, h1);
    SHA256(h1, sizeof(h1), h2);
    if (memcmp(h2, raw + 21, 4) != 0) {
        return 0;
    }
    switch (raw[0]) {
    case 0x00:
    case 0x05:
        *network = KIN_BTC_MAINNET;
        break;
    case 0x6f:
    case 0xc4:
        *network = KIN_BTC_TESTNET3;
        break;
    default:
        return 0;
    }
    k->kind = raw[0] == 0x00 || raw[0] == 0x6f ? ADDR_PKH : ADDR_SH;
    k->len = 20;
    memcpy(k->prog, raw + 1, 20);
    return 1;
}

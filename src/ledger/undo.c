/*
 * undo.c: Bitcoin Core's undo data (rev*.dat), which holds the coins each block spends, so input
 * values and scripts are known without a UTXO set. Formats from Bitcoin Core undo.h,
 * compressor.{h,cpp} and serialize.h:
 *
 *   record     magic | size u32 | CBlockUndo | checksum: SHA256d(prev block hash | CBlockUndo)
 *   CBlockUndo CompactSize n | n x CTxUndo                 (one per transaction but the coinbase)
 *   CTxUndo    CompactSize n | n x coin                    (one per input, in order)
 *   coin       VARINT(height * 2 + coinbase) | [VARINT(0) when height > 0]
 *              | VARINT(CompressAmount(value)) | compressed script
 *   script     VARINT(n): 0 P2PKH hash 20 | 1 P2SH hash 20 | 2, 3 compressed key x 32
 *              | 4, 5 uncompressed key stored as x 32 (parity 4 even, 5 odd) | n >= 6: n-6 bytes
 *   VARINT     base-128, most significant group first, each continuation adds one
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "ledger.h"

#define SPECIAL_SCRIPTS 6

int kin__varint(struct span s, uint64_t *off, uint64_t *v)
{
    uint64_t n = 0, p = *off;
    /* ReadVarInt: ten bytes carry 64 bits; the overflow checks are Bitcoin Core's. */
    for (int i = 0; i < 10; i++) {
        uint8_t ch;
        if (!kin__span_u8(s, p++, &ch) || n > (UINT64_MAX >> 7)) {
            return 0;
        }
        n = (n << 7) | (ch & 0x7fu);
        if (!(ch & 0x80u)) {
            *off = p;
            *v = n;
            return 1;
        }
        if (n == UINT64_MAX) {
            return 0;
        }
        n++;
    }
    return 0;
}

uint64_t kin__amount_compress(uint64_t n)
{
    if (n == 0) {
        return 0;
    }
    unsigned e = 0;
    while (n % 10 == 0 && e < 9) {
        n /= 10;
        e++;
    }
    if (e < 9) {
        uint64_t d = n % 10;
        n /= 10;
        return 1 + (n * 9 + d - 1) * 10 + e;
    }
    return 1 + (n - 1) * 10 + 9;
}

uint64_t kin__amount_decompress(uint64_t x, int *ok)
{
    *ok = 1;
    if (x == 0) {
        return 0;
    }
    x--;
    unsigned e = (unsigned)(x % 10);
    x /= 10;
    uint64_t n;
    if (e < 9) {
        uint64_t d = x % 9 + 1;
        x /= 9;
        if (x > (UINT64_MAX - d) / 10) {
            *ok = 0;
            return 0;
        }
        n = x * 10 + d;
    } else {
        n = x + 1;
    }
    while (e--) {
        if (n > UINT64_MAX / 10) {
            *ok = 0;
            return 0;
        }
        n *= 10;
    }
    return n;
}

static int fail(const char **why, const char *reason)
{
    *why = reason;
    return 0;
}

int kin__undo_coin(struct span s, uint64_t *off, struct undo_coin *c, const char **why)
{
    static const uint8_t op_return = 0x6a;
    uint64_t p = *off, code, dummy, amount, size;
    int ok;
    if (!kin__varint(s, &p, &code) || code > UINT32_MAX) {
        return fail(why, "bad coin height");
    }
    c->height = (uint32_t)(code >> 1);
    c->coinbase = (uint8_t)(code & 1);
    /* Old undo versions stored the transaction version after a non-zero height. */
    if (c->height > 0 && !kin__varint(s, &p, &dummy)) {
        return fail(why, "truncated coin");
    }
    if (!kin__varint(s, &p, &amount)) {
        return fail(why, "truncated coin amount");
    }
    c->value = kin__amount_decompress(amount, &ok);
    if (!ok || c->value > MAX_MONEY) {
        return fail(why, "coin amount out of range");
    }
    if (!kin__varint(s, &p, &size) || size > UINT32_MAX) {
        return fail(why, "bad coin script size");
    }
    if (size < SPECIAL_SCRIPTS) {
        c->stype = (uint8_t)size;
        if (!kin__span_sub(s, p, size < 2 ? 20 : 32, &c->data)) {
            return fail(why, "truncated coin script");
        }
        p += c->data.n;
    } else {
        size -= SPECIAL_SCRIPTS;
        c->stype = UNDO_RAW;
        if (!kin__span_sub(s, p, size, &c->data)) {
            return fail(why, "truncated coin script");
        }
        p += size;
        if (size > MAX_SCRIPT_SIZE) {
            /* Bitcoin Core keeps an unspendable OP_RETURN in place of an overlong script. */
            c->data = kin__span(&op_return, 1);
        }
    }
    *off = p;
    return 1;
}

int kin__undo_coin_key(const struct undo_coin *c, struct ec_ctx *ec, struct addr_key *k)
{
    uint8_t key[65];
    memset(k, 0, sizeof(*k));
    switch (c->stype) {
    case UNDO_P2PKH:
    case UNDO_P2SH:
        k->kind = c->stype == UNDO_P2PKH ? ADDR_PKH : ADDR_SH;
        k->len = 20;
        memcpy(k->prog, c->data.p, 20);
        return 1;
    case UNDO_P2PK_EVEN:
    case UNDO_P2PK_ODD:
        key[0] = c->stype;
        memcpy(key + 1, c->data.p, 32);
        k->kind = ADDR_PKH;
        k->len = 20;
        return kin__hash160(key, 33, k->prog);
    case UNDO_P2PK_FULL_EVEN:
    case UNDO_P2PK_FULL_ODD: {
        uint8_t compressed[33];
        compressed[0] = (uint8_t)(c->stype - 2);
        memcpy(compressed + 1, c->data.p, 32);
        if (!kin__ec_decompress(ec, compressed, key)) {
            return 0;
        }
        k->kind = ADDR_PKH;
        k->len = 20;
        return kin__hash160(key, 65, k->prog);
    }
    default: {
        struct script_info si;
        kin__script_classify(c->data, &si);
        return kin__script_key(&si, k);
    }
    }
}

size_t kin__undo_coin_script(const struct undo_coin *c, struct ec_ctx *ec, uint8_t *out)
{
    switch (c->stype) {
    case UNDO_P2PKH:
        out[0] = 0x76;
        out[1] = 0xa9;
        out[2] = 20;
        memcpy(out + 3, c->data.p, 20);
        out[23] = 0x88;
        out[24] = 0xac;
        return 25;
    case UNDO_P2SH:
        out[0] = 0xa9;
        out[1] = 20;
        memcpy(out + 2, c->data.p, 20);
        out[22] = 0x87;
        return 23;
    case UNDO_P2PK_EVEN:
    case UNDO_P2PK_ODD:
        out[0] = 33;
        out[1] = c->stype;
        memcpy(out + 2, c->data.p, 32);
        out[34] = 0xac;
        return 35;
    case UNDO_P2PK_FULL_EVEN:
    case UNDO_P2PK_FULL_ODD: {
        uint8_t compressed[33];
        compressed[0] = (uint8_t)(c->stype - 2);
        memcpy(compressed + 1, c->data.p, 32);
        if (!kin__ec_decompress(ec, compressed, out + 1)) {
            return 0;
        }
        out[0] = 65;
        out[66] = 0xac;
        return 67;
    }
    default:
        memcpy(out, c->data.p, c->data.n);
        return c->data.n;
    }
}

int kin__undo_checksum_ok(struct span data, const uint8_t prev[HASH_SIZE], const uint8_t *sum)
{
    uint8_t h1[HASH_SIZE], h2[HASH_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
             EVP_DigestUpdate(md, prev, HASH_SIZE) == 1 &&
             EVP_DigestUpdate(md, data.p, data.n) == 1 && EVP_DigestFinal_ex(md, h1, &len) == 1 &&
             len == HASH_SIZE;
    EVP_MD_CTX_free(md);
    if (!ok) {
        return 0;
    }
    SHA256(h1, sizeof(h1), h2);
    return memcmp(h2, sum, HASH_SIZE) == 0;
}

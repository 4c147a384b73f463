/*
 * tx.c: Bitcoin's block header and transaction serialisation (legacy and BIP144 segwit), txid,
 * wtxid and the merkle root. Decoding is one pass over the bytes into caller scratch; every
 * count is checked against the bytes left before anything is allocated, so a hostile count costs
 * nothing. Rules follow Bitcoin Core's primitives/transaction.h UnserializeTransaction:
 *
 *   CompactSize  < 0xfd: 1 byte | 0xfd u16 | 0xfe u32 | 0xff u64, shortest form, <= 0x02000000
 *   header       version u32 | prev 32 | merkle 32 | time u32 | bits u32 | nonce u32 (80 bytes)
 *   tx           version u32 | [marker 00, flag 01] | vin | vout | [witness stacks] | locktime
 *   txin         prev txid 32 | prev index u32 | script (CompactSize + bytes) | sequence u32
 *   txout        value i64 | script
 */
#include <string.h>

#include "../core/limits.h"
#include "ledger.h"

/* Smallest encodings, used to bound counts by the bytes left. */
#define MIN_TXIN_SIZE  41u /* prevout 36, empty script 1, sequence 4 */
#define MIN_TXOUT_SIZE 9u  /* value 8, empty script 1 */

int kin__compact_size(struct span s, uint64_t *off, uint64_t *v)
{
    uint8_t b;
    uint64_t val, len;
    if (!kin__span_u8(s, *off, &b)) {
        return 0;
    }
    if (b < 0xfd) {
        val = b;
        len = 1;
    } else if (b == 0xfd) {
        uint16_t x;
        if (!kin__span_le16(s, *off + 1, &x) || x < 0xfd) {
            return 0;
        }
        val = x;
        len = 3;
    } else if (b == 0xfe) {
        uint32_t x;
        if (!kin__span_le32(s, *off + 1, &x) || x < 0x10000u) {
            return 0;
        }
        val = x;
        len = 5;
    } else {
        uint64_t x;
        if (!kin__span_le64(s, *off + 1, &x) || x < 0x100000000ull) {
            return 0;
        }
        val = x;
        len = 9;
    }
    if (val > COMPACT_MAX) {
        return 0;
    }
    *off += len;
    *v = val;
    return 1;
}

int kin__header_parse(struct span s, struct block_header *h)
{
    if (!kin__span_fits(s, 0, HEADER_SIZE)) {
        return 0;
    }
    (void)kin__span_le32(s, 0, &h->version);
    memcpy(h->prev, s.p + 4, HASH_SIZE);
    memcpy(h->merkle, s.p + 36, HASH_SIZE);
    (void)kin__span_le32(s, 68, &h->time);
    (void)kin__span_le32(s, 72, &h->bits);
    (void)kin__span_le32(s, 76, &h->nonce);
    return 1;
}

void kin__tx_scratch_release(struct tx_scratch *sc)
{
    kin__free(sc->in);
    kin__free(sc->out);
    kin__free(sc->buf);
    memset(sc, 0, sizeof(*sc));
}

/* Makes room for count elements of size bytes in *v (capacity *cap). */
static kin_status grow(void **v, size_t *cap, size_t count, size_t size)
{
    if (count <= *cap) {
        return KIN_OK;
    }
    size_t ncap = *cap * 2 > count ? *cap * 2 : count;
    if (ncap < 16) {
        ncap = 16;
    }
    void *nv = kin__realloc(*v, ncap * size);
    if (!nv) {
        return KIN_NOMEM;
    }
    *v = nv;
    *cap = ncap;
    return KIN_OK;
}

/* A CompactSize length followed by that many bytes: *out gets them, *off moves past. */
static int var_bytes(struct span s, uint64_t *off, struct span *out)
{
    uint64_t len;
    if (!kin__compact_size(s, off, &len) || !kin__span_sub(s, *off, len, out)) {
        return 0;
    }
    *off += len;
    return 1;
}

static kin_status malformed(const char **why, const char *reason)
{
    *why = reason;
    return KIN_MALFORMED;
}

kin_status
kin__tx_parse(struct span s, uint64_t *off, struct tx_scratch *sc, struct tx *tx, const char **why)
{
    uint64_t start = *off, p = start, count;
    uint8_t marker = 0, flag = 0;
    memset(tx, 0, sizeof(*tx));
    if (!kin__span_le32(s, p, &tx->version)) {
        return malformed(why, "truncated version");
    }
    p += 4;
    if (kin__span_u8(s, p, &marker) && marker == 0) {
        /* An empty input list is the BIP144 marker; the flag must then be 1 (witness). */
        if (!kin__span_u8(s, p + 1, &flag) || flag != 1) {
            return malformed(why, "no inputs or unknown segwit flag");
        }
        tx->segwit = 1;
        p += 2;
    }
    tx->body_start = p - start;

    if (!kin__compact_size(s, &p, &count) || count == 0 || count > (s.n - p) / MIN_TXIN_SIZE) {
        return malformed(why, "bad input count");
    }
    KIN_TRY(grow((void **)&sc->in, &sc->in_cap, (size_t)count, sizeof(*sc->in)));
    for (size_t i = 0; i < count; i++) {
        struct tx_in *in = &sc->in[i];
        if (!kin__span_fits(s, p, OUTPOINT_SIZE)) {
            return malformed(why, "truncated input");
        }
        in->prevout = s.p + p;
        (void)kin__span_le32(s, p + HASH_SIZE, &in->vout);
        p += OUTPOINT_SIZE;
        if (!var_bytes(s, &p, &in->script) || !kin__span_le32(s, p, &in->sequence)) {
            return malformed(why, "truncated input script");
        }
        p += 4;
    }
    tx->in_count = (size_t)count;

    if (!kin__compact_size(s, &p, &count) || count > (s.n - p) / MIN_TXOUT_SIZE) {
        return malformed(why, "bad output count");
    }
    KIN_TRY(grow((void **)&sc->out, &sc->out_cap, (size_t)count, sizeof(*sc->out)));
    for (size_t i = 0; i < count; i++) {
        struct tx_out *o = &sc->out[i];
        if (!kin__span_le64(s, p, &o->value)) {
            return malformed(why, "truncated output");
        }
        p += 8;
        if (!var_bytes(s, &p, &o->script)) {
            return malformed(why, "truncated output script");
        }
    }
    tx->out_count = (size_t)count;
    tx->body_end = p - start;

    if (tx->segwit) {
        int any = 0;
        for (size_t i = 0; i < tx->in_count; i++) {
            uint64_t items;
            if (!kin__compact_size(s, &p, &items) || items > s.n - p) {
                return malformed(why, "bad witness count");
            }
            any |= items != 0;
            for (uint64_t k = 0; k < items; k++) {
                struct span item;
                if (!var_bytes(s, &p, &item)) {
                    return malformed(why, "truncated witness");
                }
            }
        }
        if (!any) {
            return malformed(why, "superfluous witness record");
        }
    }
    tx->witness_end = p - start;
    if (!kin__span_le32(s, p, &tx->locktime)) {
        return malformed(why, "truncated locktime");
    }
    p += 4;
    (void)kin__span_sub(s, start, p - start, &tx->raw);
    tx->in = sc->in;
    tx->out = sc->out;
    *off = p;
    return KIN_OK;
}

kin_status kin__tx_txid(const struct tx *tx, struct tx_scratch *sc, uint8_t out[HASH_SIZE])
{
    if (!tx->segwit) {
        kin__sha256d(tx->raw.p, tx->raw.n, out);
        return KIN_OK;
    }
    /* version | inputs and outputs | locktime, without marker, flag and witness. */
    size_t body = (size_t)(tx->body_end - tx->body_start);
    KIN_TRY(grow((void **)&sc->buf, &sc->buf_cap, body + 8, 1));
    memcpy(sc->buf, tx->raw.p, 4);
    memcpy(sc->buf + 4, tx->raw.p + tx->body_start, body);
    memcpy(sc->buf + 4 + body, tx->raw.p + tx->witness_end, 4);
    kin__sha256d(sc->buf, body + 8, out);
    return KIN_OK;
}

void kin__tx_wtxid(const struct tx *tx, uint8_t out[HASH_SIZE])
{
    kin__sha256d(tx->raw.p, tx->raw.n, out);
}

kin_status kin__merkle_root(const uint8_t (*hashes)[HASH_SIZE], size_t n, uint8_t out[HASH_SIZE])
{
    if (n == 0) {
        memset(out, 0, HASH_SIZE);
        return KIN_OK;
    }
    uint8_t(*level)[HASH_SIZE] = kin__calloc(n + 1, HASH_SIZE);
    if (!level) {
        return KIN_NOMEM;
    }
    memcpy(level, hashes, n * HASH_SIZE);
    while (n > 1) {
        if (n & 1) {
            memcpy(level[n], level[n - 1], HASH_SIZE);
            n++;
        }
        for (size_t i = 0; i < n / 2; i++) {
            kin__sha256d(level[2 * i], (size_t)2 * HASH_SIZE, level[i]);
        }
        n /= 2;
    }
    memcpy(out, level[0], HASH_SIZE);
    kin__free(level);
    return KIN_OK;
}

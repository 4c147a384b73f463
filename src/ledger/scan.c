/*
 * scan.c: one walk over the most-work chain in height order, for the watch and the cluster. Each
 * block is decoded with its undo record in lockstep: the n-th CTxUndo belongs to the (n+1)-th
 * transaction and holds one coin per input, so every input's value and script are known as the
 * transaction is visited. A block whose undo record is missing or does not fit is still visited,
 * with no coins (the visitor then falls back on the outpoints it remembers). A malformed block
 * is an anomaly; the walk goes on with the next one.
 */
#include <string.h>

#include "../core/limits.h"
#include "ledger.h"

#define MIN_COIN_SIZE 3u /* height code, amount and script size of one byte each */

void kin__scan_release(struct scan_state *st)
{
    kin__tx_scratch_release(&st->sc);
    kin__free(st->coins);
    st->coins = NULL;
    st->coin_cap = 0;
}

static kin_status grow_coins(struct scan_state *st, size_t n)
{
    if (n <= st->coin_cap) {
        return KIN_OK;
    }
    size_t ncap = st->coin_cap * 2 > n ? st->coin_cap * 2 : n;
    ncap = ncap < 64 ? 64 : ncap;
    struct undo_coin *nc = kin__realloc(st->coins, ncap * sizeof(*nc));
    if (!nc) {
        return KIN_NOMEM;
    }
    st->coins = nc;
    st->coin_cap = ncap;
    return KIN_OK;
}

/*
 * Reads the CTxUndo of a transaction with in_count inputs at *off. KIN_OK, KIN_MALFORMED (with
 * *why) or KIN_NOMEM.
 */
static kin_status read_tx_undo(
    struct scan_state *st, struct span undo, uint64_t *off, size_t in_count, const char **why)
{
    uint64_t n;
    if (!kin__compact_size(undo, off, &n) || n > (undo.n - *off) / MIN_COIN_SIZE) {
        *why = "bad coin count";
        return KIN_MALFORMED;
    }
    if (n != in_count) {
        *why = "coin count differs from the input count";
        return KIN_MALFORMED;
    }
    KIN_TRY(grow_coins(st, (size_t)n));
    for (size_t i = 0; i < n; i++) {
        if (!kin__undo_coin(undo, off, &st->coins[i], why)) {
            return KIN_MALFORMED;
        }
    }
    return KIN_OK;
}

/* Coins from an undo record, read in lockstep with the transactions. */
struct undo_cursor {
    struct scan_state *st;
    struct span undo;
    uint64_t off;
};

static kin_status undo_coins(
    void *ctx, size_t t, const struct tx *tx, const struct undo_coin **coins, const char **why)
{
    struct undo_cursor *u = ctx;
    (void)t;
    KIN_TRY(read_tx_undo(u->st, u->undo, &u->off, tx->in_count, why));
    *coins = u->st->coins;
    return KIN_OK;
}

kin_status kin__scan_block_bytes(struct scan_state *st,
                                 const struct scan_visitor *v,
                                 const struct scan_block *sb,
                                 struct span blk,
                                 coins_fn coins,
                                 void *ctx,
                                 struct anomaly_list *al,
                                 struct arena *a,
                                 int *stop)
{
    char hex[65];
    const char *why = NULL;
    uint64_t off = HEADER_SIZE, txs;
    kin_status s;
    if (!kin__compact_size(blk, &off, &txs)) {
        why = "bad transaction count";
        goto malformed;
    }
    for (size_t t = 0; t < txs; t++) {
        struct tx tx;
        s = kin__tx_parse(blk, &off, &st->sc, &tx, &why);
        if (s == KIN_MALFORMED) {
            goto malformed;
        }
        KIN_TRY(s);
        const struct undo_coin *spent = NULL;
        if (t > 0 && coins) {
            const char *cwhy = NULL;
            s = coins(ctx, t, &tx, &spent, &cwhy);
            if (s == KIN_MALFORMED) {
                kin__hash_hex(sb->hash, hex);
                kin__anomaly_add(al, a, "ledger.undo.mismatch", 0,
                                 "spent coins of block %s (height %u), transaction %zu: %s", hex,
                                 sb->height, t, cwhy);
                coins = NULL;
                spent = NULL;
            } else {
                KIN_TRY(s);
            }
        }
        st->txs++;
        if (v->tx(v->ctx, sb, &tx, t, spent)) {
            *stop = 1;
            return KIN_OK;
        }
    }
    if (off != blk.n) {
        why = "bytes after the last transaction";
        goto malformed;
    }
    return KIN_OK;
malformed:
    kin__hash_hex(sb->hash, hex);
    kin__anomaly_add(al, a, "ledger.block.malformed", 0, "block %s (height %u): %s", hex,
                     sb->height, why);
    return KIN_OK;
}

/* Scans one chain block of the files. KIN_OK (also when malformed), KIN_NOMEM or KIN_IO. */
static kin_status scan_block(struct kin_ledger *l,
                             struct scan_state *st,
                             const struct scan_visitor *v,
                             uint32_t index,
                             struct anomaly_list *al,
                             struct arena *a,
                             int *stop)
{
    const struct ledger_block *b = &l->chain.v[index];
    struct span blk;
    struct scan_block sb = {b->height, b->time, b->hash, index};
    struct undo_cursor u = {st, {NULL, 0}, 0};
    char hex[65];
    uint64_t ucount;
    kin_status s = kin__ledger_bytes(l, &l->files.blk[b->file], b->offset, b->size, &l->buf,
                                     &l->buf_cap, &blk);
    if (s == KIN_MALFORMED) {
        kin__hash_hex(b->hash, hex);
        kin__anomaly_add(al, a, "ledger.block.gone", b->offset, "block %s (height %u) is gone", hex,
                         b->height);
        return KIN_OK;
    }
    KIN_TRY(s);
    int have_undo = 0;
    if (b->undo_file != BLOCK_NONE) {
        /* Mapping the rev file unmaps the least recently used file, never the blk file. */
        s = kin__ledger_bytes(l, &l->files.rev[b->undo_file], b->undo_offset, b->undo_size,
                              &l->ubuf, &l->ubuf_cap, &u.undo);
        if (s == KIN_NOMEM) {
            return s;
        }
        have_undo =
            s == KIN_OK && kin__compact_size(u.undo, &u.off, &ucount) && ucount + 1 == b->tx_count;
    }
    st->undo_missing += !have_undo && b->parent != BLOCK_NONE;
    st->blocks++;
    st->bytes += b->size;
    return kin__scan_block_bytes(st, v, &sb, blk, have_undo ? undo_coins : NULL, &u, al, a, stop);
}

kin_status kin__scan(struct kin_ledger *l,
                     struct scan_state *st,
                     const struct scan_visitor *v,
                     struct anomaly_list *al,
                     struct arena *a)
{
    int stop = 0;
    if (l->rpc) {
        return kin__rpc_scan(l, st, v, al, a);
    }
    for (size_t i = 0; i < l->chain.main_count && !stop; i++) {
        KIN_TRY(scan_block(l, st, v, l->chain.main[i], al, a, &stop));
    }
    return KIN_OK;
}

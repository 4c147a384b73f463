/*
 * ledger.c: public entry points of the ledger stage: opening a blocks directory (argument checks,
 * ownership, the index build of index.c), what it found, network names and address checks.
 */
#include "ledger.h"

#include <stdio.h>
#include <string.h>

#include "../core/limits.h"

/* Memory of a ledger's arena: anomalies and their messages, capped at KIN_MAX_ANOMALIES. */
#define LEDGER_ARENA_BUDGET ((size_t)8 << 20)

const char *kin_btc_network_name(uint32_t network)
{
    const struct net_params *n = kin__net(network);
    return n ? n->name : "unknown";
}

kin_status kin_btc_address_check(const char *s, uint32_t *network)
{
    struct addr_key k;
    uint32_t net;
    if (!s || !kin__addr_decode(s, &k, &net)) {
        return KIN_INVALID;
    }
    if (network) {
        *network = net;
    }
    return KIN_OK;
}

kin_status kin_ledger_open(const char *blocks_dir,
                           const struct kin_ledger_options *opts,
                           struct kin_ledger **out)
{
    if (!out) {
        return KIN_INVALID;
    }
    *out = NULL;
    if (!blocks_dir || (opts && opts->network && !kin__net(opts->network))) {
        return KIN_INVALID;
    }
    struct kin_ledger *l = kin__calloc(1, sizeof(*l));
    if (!l) {
        return KIN_NOMEM;
    }
    kin__arena_init(&l->arena, LEDGER_ARENA_BUDGET);
    kin__chain_init(&l->chain);
    if (opts && opts->network) {
        l->net = kin__net(opts->network);
    }
    kin_status st = kin__files_open(&l->files, blocks_dir);
    if (st == KIN_OK) {
        st = kin__index_build(l);
    }
    if (st != KIN_OK) {
        kin_ledger_close(l);
        return st;
    }
    *out = l;
    return l->chain.main_count ? KIN_OK : KIN_MALFORMED;
}

void kin_ledger_close(struct kin_ledger *l)
{
    if (!l) {
        return;
    }
    kin__files_release(&l->files);
    kin__chain_release(&l->chain);
    kin__rpc_free(l->rpc);
    kin__free(l->buf);
    kin__free(l->ubuf);
    kin__arena_release(&l->arena);
    kin__free(l);
}

/* Hex of a 256-bit number, most significant digit first (64 digits). */
static void u256_hex(const struct u256 *v, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 64; i++) {
        unsigned shift = (unsigned)(63 - i) * 4;
        out[i] = digits[(v->w[shift / 64] >> (shift % 64)) & 15];
    }
    out[64] = '\0';
}

void kin_ledger_get_info(const struct kin_ledger *l, struct kin_ledger_info *out)
{
    memset(out, 0, sizeof(*out));
    const struct ledger_chain *c = &l->chain;
    out->network = l->net ? l->net->network : KIN_BTC_UNKNOWN;
    out->obfuscated = l->files.obfuscated;
    out->block_files = l->files.blk_count;
    out->undo_files = l->files.rev_count;
    out->block_bytes = l->block_bytes;
    out->undo_bytes = l->undo_bytes;
    out->records = l->records;
    out->blocks = c->count;
    out->chain_blocks = c->main_count;
    out->stale_blocks = c->count - c->main_count;
    out->roots = c->roots;
    out->undo_records = l->undo_records;
    out->undo_matched = l->undo_matched;
    if (l->rpc) {
        uint64_t from, to;
        kin__rpc_range(l->rpc, &from, &to);
        out->first_height = from;
        out->tip_height = to;
        out->chain_blocks = to >= from ? to - from + 1 : 0;
        out->blocks = out->chain_blocks;
        out->roots = 1;
        (void)snprintf(out->tip_hash, sizeof(out->tip_hash), "%s", l->tip_hex); /* same size */
        out->chainwork[0] = '\0';
        return;
    }
    if (c->tip != BLOCK_NONE) {
        const struct ledger_block *t = &c->v[c->tip];
        out->first_height = c->base_height;
        out->tip_height = t->height;
        out->tip_time = t->time;
        kin__hash_hex(t->hash, out->tip_hash);
        u256_hex(&t->chainwork, out->chainwork);
    }
}

const struct kin_anomaly *
kin_ledger_anomalies(const struct kin_ledger *l, size_t *count, size_t *dropped)
{
    *count = l->anomalies.count;
    if (dropped) {
        *dropped = l->anomalies.dropped;
    }
    return l->anomalies.v;
}

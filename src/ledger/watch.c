/*
 * watch.c: kin_ledger_watch(), one pass over the most-work chain for a set of addresses.
 *
 * Each output is classified and its address key looked up in a small table of watched keys: a
 * hit is a payment, remembered by outpoint. Each input's spent coin comes from the undo record,
 * so a spend from a watched address is seen by its script, with its value, whether or not the
 * payment was seen (a pruned directory); without undo data the outpoint set still catches
 * spends of remembered payments. The outputs of a withdrawal are followed coins (level 1, at most
 * `fanout` of them, largest first); a transaction spending followed coins of level k is a flow
 * of hop k, whose outputs become level k + 1 while k < follow. Memory grows with the watched and
 * followed coins and the events recorded, never with the chain; both are capped (limits.h).
 * txids are computed only for transactions that touch a watched or followed coin.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"
#include "ledger.h"

#define WATCH_ARENA_BUDGET ((size_t)256 << 20)
#define DEFAULT_FANOUT     8u
#define ADDR_TEXT          100

enum { OP_PAYMENT = 1, OP_FOLLOWED = 2 };

/* A remembered coin: a payment to a watched address, or a followed coin. */
struct outpoint {
    uint8_t txid[HASH_SIZE];
    uint32_t vout;
    uint8_t kind;  /* 0 = empty slot, OP_PAYMENT, OP_FOLLOWED */
    uint8_t level; /* followed coins: hops from the withdrawal (1 = its outputs) */
    uint32_t addr; /* payments: watched address index */
    uint32_t ref;  /* payments: index in its address's payments */
    uint64_t value;
};

struct watched {
    struct addr_key key;
    const char *text; /* as given */
    const char *type;
    struct kin_ledger_payment *payments;
    size_t payment_count, payment_cap;
    struct kin_ledger_spend *spends;
    size_t spend_count, spend_cap;
};

struct kin_watch {
    struct arena arena; /* strings and output lists */
    struct anomaly_list anomalies;
    struct watched *w;
    size_t count;
    struct kin_ledger_address *reports;
    struct kin_ledger_alert *alerts;
    size_t alert_count, alert_cap;
    struct kin_ledger_flow *flows;
    size_t flow_count, flow_cap;
    struct kin_scan_stats stats;
    int truncated;
};

/* Per-input accumulation of a transaction's spends from watched addresses. */
struct tx_spend {
    uint32_t addr;
    uint32_t inputs;
    uint64_t amount;
};

struct watch_ctx {
    struct kin_watch *r;
    struct kin_ledger *l;
    const struct kin_watch_options *o;
    uint32_t fanout;
    int has_pkh; /* a watched key hash: P2PK scripts must be hashed to match */
    struct ec_ctx *ec;
    uint32_t *table; /* watched keys: index + 1, 0 empty */
    size_t table_mask;
    struct outpoint *ops;
    size_t op_count, op_mask;
    struct tx_spend *spends; /* per transaction */
    size_t spend_cap;
    struct tx_scratch idsc; /* for txids */
    uint64_t events;
    kin_status st;
};

/* ---- Tables ---- */

static uint32_t watched_find(const struct watch_ctx *c, const struct addr_key *k)
{
    for (size_t i = kin__addr_key_hash(k) & c->table_mask;; i = (i + 1) & c->table_mask) {
        uint32_t v = c->table[i];
        if (v == 0) {
            return UINT32_MAX;
        }
        if (kin__addr_key_equal(&c->r->w[v - 1].key, k)) {
            return v - 1;
        }
    }
}

static size_t op_hash(const uint8_t *txid, uint32_t vout)
{
    uint64_t h;
    memcpy(&h, txid, sizeof(h));
    h ^= (uint64_t)vout * 0x9e3779b97f4a7c15ull;
    return (size_t)(h ^ (h >> 31));
}

static struct outpoint *op_find(const struct watch_ctx *c, const uint8_t *txid, uint32_t vout)
{
    if (c->op_count == 0) {
        return NULL;
    }
    for (size_t i = op_hash(txid, vout) & c->op_mask;; i = (i + 1) & c->op_mask) {
        struct outpoint *e = &c->ops[i];
        if (e->kind == 0) {
            return NULL;
        }
        if (e->vout == vout && memcmp(e->txid, txid, HASH_SIZE) == 0) {
            return e;
        }
    }
}

static kin_status op_grow(struct watch_ctx *c)
{
    size_t n = c->op_mask ? (c->op_mask + 1) * 2 : 1024;
    struct outpoint *nv = kin__calloc(n, sizeof(*nv));
    if (!nv) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; c->ops && i <= c->op_mask; i++) {
        if (c->ops[i].kind) {
            size_t j = op_hash(c->ops[i].txid, c->ops[i].vout) & (n - 1);
            while (nv[j].kind) {
                j = (j + 1) & (n - 1);
            }
            nv[j] = c->ops[i];
        }
    }
    kin__free(c->ops);
    c->ops = nv;
    c->op_mask = n - 1;
    return KIN_OK;
}

/* Remembers a coin. KIN_OK, KIN_NOMEM; past the cap the coin is dropped (truncated). */
static kin_status op_add(struct watch_ctx *c, const struct outpoint *e)
{
    if (c->op_count >= KIN_MAX_LEDGER_OUTPOINTS) {
        if (!c->r->truncated) {
            kin__anomaly_add(&c->r->anomalies, &c->r->arena, "ledger.watch.limit", 0,
                             "more than %u watched and followed coins: the rest are not followed",
                             KIN_MAX_LEDGER_OUTPOINTS);
        }
        c->r->truncated = 1;
        return KIN_OK;
    }
    if (2 * (c->op_count + 1) > c->op_mask + 1) {
        KIN_TRY(op_grow(c));
    }
    size_t i = op_hash(e->txid, e->vout) & c->op_mask;
    while (c->ops[i].kind) {
        if (c->ops[i].vout == e->vout && !memcmp(c->ops[i].txid, e->txid, HASH_SIZE)) {
            return KIN_OK; /* a duplicate txid (BIP30): keep the first */
        }
        i = (i + 1) & c->op_mask;
    }
    c->ops[i] = *e;
    c->op_count++;
    return KIN_OK;
}

/* ---- Events ---- */

static int event_room(struct watch_ctx *c)
{
    if (c->events >= KIN_MAX_LEDGER_EVENTS) {
        if (!c->r->truncated) {
            kin__anomaly_add(&c->r->anomalies, &c->r->arena, "ledger.watch.limit", 0,
                             "more than %u payments, spends and flows: the rest are not recorded",
                             KIN_MAX_LEDGER_EVENTS);
        }
        c->r->truncated = 1;
        return 0;
    }
    c->events++;
    return 1;
}

/* Grows a kin__realloc'd vector to hold one more element. */
static kin_status vec_room(void **v, size_t count, size_t *cap, size_t size)
{
    if (count < *cap) {
        return KIN_OK;
    }
    size_t ncap = *cap ? *cap * 2 : 16;
    void *nv = kin__realloc(*v, ncap * size);
    if (!nv) {
        return KIN_NOMEM;
    }
    *v = nv;
    *cap = ncap;
    return KIN_OK;
}

static void value_at(const struct watch_ctx *c, uint64_t amount, int64_t time, int *has, double *v)
{
    double price;
    *has = 0;
    *v = 0;
    if (c->o && c->o->prices && kin_prices_at(c->o->prices, time, &price)) {
        *has = 1;
        *v = (double)amount / 1e8 * price;
    }
}

static void
txref(const struct scan_block *b, const uint8_t txid[HASH_SIZE], struct kin_ledger_txref *t)
{
    kin__hash_hex(txid, t->txid);
    kin__hash_hex(b->hash, t->block);
    t->height = b->height;
    t->time = b->time;
}

/*
 * Lists the outputs of tx (at most KIN_MAX_LEDGER_LISTED) with their addresses, in the arena.
 * followed[i] (may be NULL) marks the outputs kin follows.
 */
static kin_status list_outputs(struct watch_ctx *c,
                               const struct tx *tx,
                               const uint8_t *followed,
                               const struct kin_ledger_output **out,
                               size_t *count,
                               size_t *omitted)
{
    size_t n = tx->out_count < KIN_MAX_LEDGER_LISTED ? tx->out_count : KIN_MAX_LEDGER_LISTED;
    struct kin_ledger_output *v = kin__arena_array(&c->r->arena, n ? n : 1, sizeof(*v));
    if (!v && c->r->arena.over_budget) {
        /* The result's memory budget is spent: count the outputs, list none. */
        c->r->truncated = 1;
        *out = NULL;
        *count = 0;
        *omitted = tx->out_count;
        return KIN_OK;
    }
    if (!v) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        struct script_info si;
        struct addr_key k;
        char text[ADDR_TEXT];
        kin__script_classify(tx->out[i].script, &si);
        text[0] = '\0';
        if (kin__script_key(&si, &k)) {
            kin__addr_encode(&k, c->l->net->network, text, sizeof(text));
            v[i].watched = watched_find(c, &k) != UINT32_MAX;
        }
        v[i].address = kin__arena_strndup(&c->r->arena, text, strlen(text));
        if (!v[i].address) {
            v[i].address = "";
            c->r->truncated |= c->r->arena.over_budget;
        }
        v[i].type = kin__script_type_name(si.type);
        v[i].vout = (uint32_t)i;
        v[i].amount = tx->out[i].value;
        v[i].followed = followed && followed[i];
    }
    *out = v;
    *count = n;
    *omitted = tx->out_count - n;
    return KIN_OK;
}

/* Sort context for the fan-out choice (qsort has none: the outputs go first in the array). */
struct rank {
    uint64_t value;
    size_t vout;
};

static int rank_cmp(const void *a, const void *b)
{
    const struct rank *x = a, *y = b;
    if (x->value != y->value) {
        return x->value > y->value ? -1 : 1;
    }
    return x->vout < y->vout ? -1 : x->vout > y->vout;
}

/*
 * Follows the outputs of a transaction at `level`: the largest `fanout` outputs with value that
 * do not pay a watched address. Sets followed[i]; *truncated when more were eligible.
 */
static kin_status follow_outputs(struct watch_ctx *c,
                                 const struct tx *tx,
                                 const uint8_t txid[HASH_SIZE],
                                 uint8_t level,
                                 uint8_t *followed,
                                 int *truncated)
{
    struct rank *rk = kin__malloc((tx->out_count ? tx->out_count : 1) * sizeof(*rk));
    size_t n = 0;
    if (!rk) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < tx->out_count; i++) {
        struct script_info si;
        struct addr_key k;
        kin__script_classify(tx->out[i].script, &si);
        if (tx->out[i].value == 0 ||
            (kin__script_key(&si, &k) && watched_find(c, &k) != UINT32_MAX)) {
            continue;
        }
        rk[n].value = tx->out[i].value;
        rk[n].vout = i;
        n++;
    }
    if (n > c->fanout) {
        qsort(rk, n, sizeof(*rk), rank_cmp);
        *truncated = 1;
        n = c->fanout;
    }
    kin_status st = KIN_OK;
    for (size_t i = 0; i < n && st == KIN_OK; i++) {
        struct outpoint e;
        memset(&e, 0, sizeof(e));
        memcpy(e.txid, txid, HASH_SIZE);
        e.vout = (uint32_t)rk[i].vout;
        e.kind = OP_FOLLOWED;
        e.level = level;
        e.value = rk[i].value;
        st = op_add(c, &e);
        followed[rk[i].vout] = 1;
    }
    kin__free(rk);
    return st;
}

/* Records a payment to watched address a at output o. */
static kin_status add_payment(struct watch_ctx *c,
                              const struct scan_block *b,
                              const struct tx *tx,
                              const uint8_t txid[HASH_SIZE],
                              uint32_t a,
                              size_t o)
{
    struct watched *w = &c->r->w[a];
    if (!event_room(c)) {
        return KIN_OK;
    }
    KIN_TRY(
        vec_room((void **)&w->payments, w->payment_count, &w->payment_cap, sizeof(*w->payments)));
    struct kin_ledger_payment *p = &w->payments[w->payment_count];
    memset(p, 0, sizeof(*p));
    txref(b, txid, &p->tx);
    p->vout = (uint32_t)o;
    p->amount = tx->out[o].value;
    value_at(c, p->amount, b->time, &p->has_value, &p->value);
    struct outpoint e;
    memset(&e, 0, sizeof(e));
    memcpy(e.txid, txid, HASH_SIZE);
    e.vout = (uint32_t)o;
    e.kind = OP_PAYMENT;
    e.addr = a;
    e.ref = (uint32_t)w->payment_count;
    e.value = p->amount;
    w->payment_count++;
    return op_add(c, &e);
}

/* The visitor: one transaction of the chain. */
static int on_tx(void *ctx,
                 const struct scan_block *b,
                 const struct tx *tx,
                 size_t index,
                 const struct undo_coin *coins)
{
    struct watch_ctx *c = ctx;
    size_t nspend = 0;
    uint64_t in_total = 0, out_total = 0, follow_in = 0;
    int in_known = coins != NULL, have_txid = 0;
    unsigned min_level = UINT8_MAX;
    const uint8_t *from_txid = NULL;
    uint8_t txid[HASH_SIZE];
    kin_status st = KIN_OK;

    if (index > 0) {
        if (tx->in_count > c->spend_cap) {
            struct tx_spend *nv = kin__realloc(c->spends, tx->in_count * sizeof(*nv));
            if (!nv) {
                st = KIN_NOMEM;
                goto fail;
            }
            c->spends = nv;
            c->spend_cap = tx->in_count;
        }
        for (size_t i = 0; i < tx->in_count; i++) {
            uint32_t a = UINT32_MAX;
            uint64_t value = 0;
            if (coins) {
                struct addr_key k;
                value = coins[i].value;
                in_total += value;
                if ((c->has_pkh || coins[i].stype < UNDO_P2PK_EVEN || coins[i].stype == UNDO_RAW) &&
                    kin__undo_coin_key(&coins[i], c->has_pkh ? c->ec : NULL, &k)) {
                    a = watched_find(c, &k);
                }
            }
            struct outpoint *e = op_find(c, tx->in[i].prevout, tx->in[i].vout);
            if (e && e->kind == OP_PAYMENT) {
                if (a == UINT32_MAX && !coins) {
                    a = e->addr;
                    value = e->value;
                }
                if (!have_txid) {
                    st = kin__tx_txid(tx, &c->idsc, txid);
                    have_txid = 1;
                    if (st != KIN_OK) {
                        goto fail;
                    }
                }
                struct kin_ledger_payment *p = &c->r->w[e->addr].payments[e->ref];
                p->spent = 1;
                kin__hash_hex(txid, p->spent_by);
            } else if (e && e->kind == OP_FOLLOWED) {
                follow_in += e->value;
                if (e->level < min_level) {
                    min_level = e->level;
                    from_txid = e->txid;
                }
            }
            if (a != UINT32_MAX) {
                size_t s = 0;
                while (s < nspend && c->spends[s].addr != a) {
                    s++;
                }
                if (s == nspend) {
                    c->spends[nspend++] = (struct tx_spend){a, 0, 0};
                }
                c->spends[s].inputs++;
                c->spends[s].amount += value;
            }
        }
    }
    for (size_t o = 0; o < tx->out_count; o++) {
        out_total += tx->out[o].value;
    }

    /* Payments. */
    for (size_t o = 0; o < tx->out_count; o++) {
        struct script_info si;
        struct addr_key k;
        kin__script_classify(tx->out[o].script, &si);
        if (si.type == SCRIPT_NONSTANDARD || si.type == SCRIPT_NULLDATA ||
            si.type == SCRIPT_MULTISIG || (si.type == SCRIPT_P2PK && !c->has_pkh) ||
            !kin__script_key(&si, &k)) {
            continue;
        }
        uint32_t a = watched_find(c, &k);
        if (a == UINT32_MAX) {
            continue;
        }
        if (!have_txid) {
            st = kin__tx_txid(tx, &c->idsc, txid);
            have_txid = 1;
        }
        if (st == KIN_OK) {
            st = add_payment(c, b, tx, txid, a, o);
        }
        if (st != KIN_OK) {
            goto fail;
        }
    }
    if (nspend == 0 && min_level == UINT8_MAX) {
        return 0;
    }
    if (!have_txid) {
        st = kin__tx_txid(tx, &c->idsc, txid);
        if (st != KIN_OK) {
            goto fail;
        }
    }

    /* Withdrawals: follow their outputs (level 1), list them, raise an alert per address. */
    uint8_t *followed = NULL;
    int truncated = 0; /* the withdrawal had more outputs than the fan-out */
    if (nspend || min_level != UINT8_MAX) {
        followed = kin__calloc(tx->out_count ? tx->out_count : 1, 1);
        if (!followed) {
            st = KIN_NOMEM;
            goto fail;
        }
    }
    if (nspend && c->o->follow > 0) {
        st = follow_outputs(c, tx, txid, 1, followed, &truncated);
    }
    for (size_t s = 0; s < nspend && st == KIN_OK; s++) {
        struct watched *w = &c->r->w[c->spends[s].addr];
        if (!event_room(c)) {
            break;
        }
        st = vec_room((void **)&w->spends, w->spend_count, &w->spend_cap, sizeof(*w->spends));
        if (st != KIN_OK) {
            break;
        }
        struct kin_ledger_spend *sp = &w->spends[w->spend_count];
        memset(sp, 0, sizeof(*sp));
        txref(b, txid, &sp->tx);
        sp->amount = c->spends[s].amount;
        sp->inputs = c->spends[s].inputs;
        sp->fee = in_known && in_total >= out_total ? in_total - out_total : 0;
        value_at(c, sp->amount, b->time, &sp->has_value, &sp->value);
        st = list_outputs(c, tx, followed, &sp->outputs, &sp->output_count, &sp->outputs_omitted);
        if (st != KIN_OK) {
            break;
        }
        st = vec_room((void **)&c->r->alerts, c->r->alert_count, &c->r->alert_cap,
                      sizeof(*c->r->alerts));
        if (st != KIN_OK) {
            break;
        }
        c->r->alerts[c->r->alert_count++] =
            (struct kin_ledger_alert){c->spends[s].addr, w->spend_count};
        w->spend_count++;
    }

    /* A flow: the transaction moves followed coins on. */
    if (st == KIN_OK && min_level != UINT8_MAX && event_room(c)) {
        struct kin_ledger_flow fl;
        memset(&fl, 0, sizeof(fl));
        fl.hop = min_level;
        txref(b, txid, &fl.tx);
        kin__hash_hex(from_txid, fl.from_txid);
        fl.amount_in = follow_in;
        value_at(c, follow_in, b->time, &fl.has_value, &fl.value);
        if (min_level < c->o->follow) {
            int flow_trunc = 0;
            st = follow_outputs(c, tx, txid, (uint8_t)(min_level + 1), followed, &flow_trunc);
            fl.truncated = flow_trunc;
        }
        if (st == KIN_OK) {
            st = list_outputs(c, tx, followed, &fl.outputs, &fl.output_count, &fl.outputs_omitted);
        }
        if (st == KIN_OK) {
            st = vec_room((void **)&c->r->flows, c->r->flow_count, &c->r->flow_cap,
                          sizeof(*c->r->flows));
        }
        if (st == KIN_OK) {
            c->r->flows[c->r->flow_count++] = fl;
        }
    }
    kin__free(followed);
    if (st != KIN_OK) {
        goto fail;
    }
    return 0;
fail:
    c->st = st;
    return 1;
}

/* ---- Public entry points ---- */

static const char *key_type(const struct addr_key *k)
{
    if (k->kind == ADDR_PKH) {
        return "p2pkh";
    }
    if (k->kind == ADDR_SH) {
        return "p2sh";
    }
    if (k->version == 0) {
        return k->len == 20 ? "p2wpkh" : "p2wsh";
    }
    return k->version == 1 && k->len == 32 ? "p2tr" : "witness";
}

void kin_watch_free(struct kin_watch *r)
{
    if (!r) {
        return;
    }
    for (size_t i = 0; r->w && i < r->count; i++) {
        kin__free(r->w[i].payments);
        kin__free(r->w[i].spends);
    }
    kin__free(r->w);
    kin__free(r->reports);
    kin__free(r->alerts);
    kin__free(r->flows);
    kin__arena_release(&r->arena);
    kin__free(r);
}

/* Decodes and deduplicates the addresses into r->w; builds the lookup table. */
static kin_status
add_addresses(struct watch_ctx *c, const char *const *addresses, size_t count, size_t *bad)
{
    struct kin_watch *r = c->r;
    size_t size = 16;
    while (size < 2 * count) {
        size *= 2;
    }
    r->w = kin__calloc(count, sizeof(*r->w));
    c->table = kin__calloc(size, sizeof(*c->table));
    if (!r->w || !c->table) {
        return KIN_NOMEM;
    }
    c->table_mask = size - 1;
    for (size_t i = 0; i < count; i++) {
        struct addr_key k;
        uint32_t net;
        if (!addresses[i] || !kin__addr_decode(addresses[i], &k, &net)) {
            if (bad) {
                *bad = i;
            }
            return KIN_INVALID;
        }
        if (watched_find(c, &k) != UINT32_MAX) {
            continue;
        }
        if ((net == KIN_BTC_MAINNET) != (c->l->net->network == KIN_BTC_MAINNET)) {
            kin__anomaly_add(&r->anomalies, &r->arena, "ledger.watch.network", 0,
                             "%s is a %s address; the blocks are %s", addresses[i],
                             net == KIN_BTC_MAINNET ? "mainnet" : "test network", c->l->net->name);
        }
        struct watched *w = &r->w[r->count];
        w->key = k;
        w->text = kin__arena_strndup(&r->arena, addresses[i], strlen(addresses[i]));
        w->type = key_type(&k);
        if (!w->text) {
            return KIN_NOMEM;
        }
        c->has_pkh |= k.kind == ADDR_PKH;
        size_t j = kin__addr_key_hash(&k) & c->table_mask;
        while (c->table[j]) {
            j = (j + 1) & c->table_mask;
        }
        c->table[j] = (uint32_t)(++r->count);
    }
    return KIN_OK;
}

static kin_status build_reports(struct kin_watch *r)
{
    r->reports = kin__calloc(r->count ? r->count : 1, sizeof(*r->reports));
    if (!r->reports) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < r->count; i++) {
        const struct watched *w = &r->w[i];
        struct kin_ledger_address *a = &r->reports[i];
        a->address = w->text;
        a->type = w->type;
        a->payments = w->payments;
        a->payment_count = w->payment_count;
        a->spends = w->spends;
        a->spend_count = w->spend_count;
        for (size_t k = 0; k < w->payment_count; k++) {
            const struct kin_ledger_payment *p = &w->payments[k];
            a->received += p->amount;
            a->received_value += p->has_value ? p->value : 0;
            if (!a->first_height || p->tx.height < a->first_height) {
                a->first_height = p->tx.height;
                a->first_time = p->tx.time;
            }
            if (p->tx.height >= a->last_height) {
                a->last_height = p->tx.height;
                a->last_time = p->tx.time;
            }
        }
        for (size_t k = 0; k < w->spend_count; k++) {
            const struct kin_ledger_spend *s = &w->spends[k];
            a->withdrawn += s->amount;
            a->withdrawn_value += s->has_value ? s->value : 0;
            if (!a->first_height || s->tx.height < a->first_height) {
                a->first_height = s->tx.height;
                a->first_time = s->tx.time;
            }
            if (s->tx.height >= a->last_height) {
                a->last_height = s->tx.height;
                a->last_time = s->tx.time;
            }
        }
        a->balance = (int64_t)(a->received - a->withdrawn);
    }
    return KIN_OK;
}

kin_status kin_ledger_watch(struct kin_ledger *l,
                            const char *const *addresses,
                            size_t count,
                            const struct kin_watch_options *opts,
                            struct kin_watch **out,
                            size_t *bad)
{
    static const struct kin_watch_options defaults;
    if (!out) {
        return KIN_INVALID;
    }
    *out = NULL;
    if (!opts) {
        opts = &defaults;
    }
    if (!l || !l->net || !addresses || count == 0 || count > KIN_MAX_LEDGER_WATCH ||
        opts->follow > KIN_MAX_LEDGER_HOPS) {
        return KIN_INVALID;
    }
    struct watch_ctx c;
    memset(&c, 0, sizeof(c));
    c.l = l;
    c.o = opts;
    c.fanout = opts->fanout ? opts->fanout : DEFAULT_FANOUT;
    if (c.fanout > KIN_MAX_LEDGER_FANOUT) {
        c.fanout = KIN_MAX_LEDGER_FANOUT;
    }
    c.r = kin__calloc(1, sizeof(*c.r));
    if (!c.r) {
        return KIN_NOMEM;
    }
    kin__arena_init(&c.r->arena, WATCH_ARENA_BUDGET);
    kin_status st = add_addresses(&c, addresses, count, bad);
    if (st == KIN_OK && c.has_pkh) {
        /* Without the curve, uncompressed P2PK coins of undo records cannot be matched. */
        c.ec = kin__ec_new();
    }
    struct scan_state ss;
    memset(&ss, 0, sizeof(ss));
    if (st == KIN_OK) {
        struct scan_visitor v = {&c, on_tx};
        st = kin__scan(l, &ss, &v, &c.r->anomalies, &c.r->arena);
        if (st == KIN_OK) {
            st = c.st;
        }
    }
    c.r->stats.blocks = ss.blocks;
    c.r->stats.txs = ss.txs;
    c.r->stats.bytes = ss.bytes;
    c.r->stats.undo_missing = ss.undo_missing;
    if (st == KIN_OK) {
        st = build_reports(c.r);
    }
    kin__scan_release(&ss);
    kin__tx_scratch_release(&c.idsc);
    kin__ec_free(c.ec);
    kin__free(c.table);
    kin__free(c.ops);
    kin__free(c.spends);
    if (st != KIN_OK) {
        kin_watch_free(c.r);
        return st;
    }
    *out = c.r;
    return KIN_OK;
}

size_t kin_watch_address_count(const struct kin_watch *w)
{
    return w->count;
}

const struct kin_ledger_address *kin_watch_address(const struct kin_watch *w, size_t i)
{
    return i < w->count ? &w->reports[i] : NULL;
}

const struct kin_ledger_alert *kin_watch_alerts(const struct kin_watch *w, size_t *count)
{
    *count = w->alert_count;
    return w->alerts;
}

const struct kin_ledger_flow *kin_watch_flows(const struct kin_watch *w, size_t *count)
{
    *count = w->flow_count;
    return w->flows;
}

const struct kin_anomaly *kin_watch_anomalies(const struct kin_watch *w, size_t *count)
{
    *count = w->anomalies.count;
    return w->anomalies.v;
}

void kin_watch_stats(const struct kin_watch *w, struct kin_scan_stats *out)
{
    *out = w->stats;
}

int kin_watch_truncated(const struct kin_watch *w)
{
    return w->truncated;
}

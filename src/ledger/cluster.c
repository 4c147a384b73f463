/*
 * cluster.c: kin_ledger_cluster(), the wallet of an address by common-input ownership: the
 * addresses a transaction spends from are assumed to belong to one owner, so they are united
 * (union-find over addresses, each union keeping the transaction that justifies it).
 *
 * Pass 1 unites the input addresses of every transaction that spends from two or more, so a
 * link seen before its addresses reach the cluster still counts. Its nodes are capped
 * (KIN_MAX_LEDGER_CLUSTER); past the cap, later passes unite only transactions touching the
 * cluster, until one adds nothing. The last pass also scores change outputs of the cluster's
 * transactions (soft links, never merged) and counts its CoinJoin-like transactions, which are
 * never evidence: three or more outputs of one value spent from two or more addresses.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"
#include "ledger.h"

#define CLUSTER_ARENA_BUDGET ((size_t)256 << 20)
#define DEFAULT_PASSES       4u
#define COINJOIN_EQUAL       3u   /* equal-value outputs that make a CoinJoin-like transaction */
#define CHANGE_MIN_SCORE     0.5  /* below this, no output is called change */
#define MAX_DISTINCT         256u /* input addresses united per transaction */

struct edge {
    uint32_t a, b;
    uint8_t txid[HASH_SIZE];
    uint8_t block[HASH_SIZE];
    uint32_t height, time;
    uint32_t inputs; /* distinct input addresses of the transaction */
};

struct kin_cluster {
    struct arena arena;
    struct anomaly_list anomalies;
    const char **addresses;
    size_t count;
    struct kin_cluster_link *links;
    size_t link_count;
    uint64_t coinjoins;
    uint32_t passes;
    int converged;
};

struct soft {
    uint32_t from; /* node of the cluster input */
    struct addr_key to;
    uint8_t txid[HASH_SIZE];
    uint8_t block[HASH_SIZE];
    uint32_t height, time;
    double score;
    char reason[96];
};

struct cluster_ctx {
    struct kin_cluster *r;
    struct kin_ledger *l;
    struct ec_ctx *ec;
    /* Nodes: address keys with union-find parents; node 0 is the asked address. */
    struct addr_key *keys;
    uint32_t *parent;
    size_t node_count, node_cap;
    uint32_t *slots; /* open addressing: node + 1, 0 empty */
    size_t slot_mask;
    struct edge *edges;
    size_t edge_count, edge_cap;
    struct soft *softs;
    size_t soft_count, soft_cap;
    uint64_t coinjoins;
    int restricted; /* unite only transactions touching the cluster */
    int score_change;
    int capped;
    struct tx_scratch idsc;
    /* Per-transaction scratch. */
    uint32_t *in_nodes;
    struct addr_key *in_keys;
    uint8_t *in_has;
    size_t in_cap;
    uint64_t *values;
    size_t value_cap;
    kin_status st;
};

/* ---- Union-find over address keys ---- */

static uint32_t uf_find(struct cluster_ctx *c, uint32_t x)
{
    uint32_t root = x;
    while (c->parent[root] != root) {
        root = c->parent[root];
    }
    while (c->parent[x] != root) {
        uint32_t next = c->parent[x];
        c->parent[x] = root;
        x = next;
    }
    return root;
}

static uint32_t node_find(const struct cluster_ctx *c, const struct addr_key *k)
{
    if (!c->slots) {
        return UINT32_MAX;
    }
    for (size_t i = kin__addr_key_hash(k) & c->slot_mask;; i = (i + 1) & c->slot_mask) {
        uint32_t v = c->slots[i];
        if (v == 0) {
            return UINT32_MAX;
        }
        if (kin__addr_key_equal(&c->keys[v - 1], k)) {
            return v - 1;
        }
    }
}

static kin_status rehash(struct cluster_ctx *c, size_t size)
{
    uint32_t *ns = kin__calloc(size, sizeof(*ns));
    if (!ns) {
        return KIN_NOMEM;
    }
    for (size_t n = 0; n < c->node_count; n++) {
        size_t i = kin__addr_key_hash(&c->keys[n]) & (size - 1);
        while (ns[i]) {
            i = (i + 1) & (size - 1);
        }
        ns[i] = (uint32_t)(n + 1);
    }
    kin__free(c->slots);
    c->slots = ns;
    c->slot_mask = size - 1;
    return KIN_OK;
}

/* The node of k, added when missing; UINT32_MAX past the cap (c->capped set). */
static kin_status node_get(struct cluster_ctx *c, const struct addr_key *k, uint32_t *out)
{
    uint32_t n = node_find(c, k);
    if (n != UINT32_MAX) {
        *out = n;
        return KIN_OK;
    }
    *out = UINT32_MAX;
    if (c->node_count >= KIN_MAX_LEDGER_CLUSTER) {
        c->capped = 1;
        return KIN_OK;
    }
    if (c->node_count == c->node_cap) {
        size_t ncap = c->node_cap ? c->node_cap * 2 : 1024;
        struct addr_key *nk = kin__realloc(c->keys, ncap * sizeof(*nk));
        if (!nk) {
            return KIN_NOMEM;
        }
        c->keys = nk;
        uint32_t *np = kin__realloc(c->parent, ncap * sizeof(*np));
        if (!np) {
            return KIN_NOMEM;
        }
        c->parent = np;
        c->node_cap = ncap;
    }
    if (2 * (c->node_count + 1) > (c->slots ? c->slot_mask + 1 : 0)) {
        KIN_TRY(rehash(c, c->slots ? (c->slot_mask + 1) * 2 : 2048));
    }
    n = (uint32_t)c->node_count++;
    c->keys[n] = *k;
    c->parent[n] = n;
    size_t i = kin__addr_key_hash(k) & c->slot_mask;
    while (c->slots[i]) {
        i = (i + 1) & c->slot_mask;
    }
    c->slots[i] = n + 1;
    *out = n;
    return KIN_OK;
}

/* Unites a and b; a merge is recorded as an edge with the transaction. */
static kin_status unite(struct cluster_ctx *c,
                        uint32_t a,
                        uint32_t b,
                        const struct scan_block *blk,
                        const uint8_t txid[HASH_SIZE],
                        uint32_t inputs)
{
    uint32_t ra = uf_find(c, a), rb = uf_find(c, b);
    if (ra == rb) {
        return KIN_OK;
    }
    /* The asked address's root stays the root, so membership is find(x) == find(0). */
    if (rb == uf_find(c, 0)) {
        c->parent[ra] = rb;
    } else {
        c->parent[rb] = ra;
    }
    if (c->edge_count == c->edge_cap) {
        size_t ncap = c->edge_cap ? c->edge_cap * 2 : 256;
        struct edge *ne = kin__realloc(c->edges, ncap * sizeof(*ne));
        if (!ne) {
            return KIN_NOMEM;
        }
        c->edges = ne;
        c->edge_cap = ncap;
    }
    struct edge *e = &c->edges[c->edge_count++];
    e->a = a;
    e->b = b;
    memcpy(e->txid, txid, HASH_SIZE);
    memcpy(e->block, blk->hash, HASH_SIZE);
    e->height = blk->height;
    e->time = blk->time;
    e->inputs = inputs;
    return KIN_OK;
}

static int in_cluster(struct cluster_ctx *c, uint32_t n)
{
    return n != UINT32_MAX && uf_find(c, n) == uf_find(c, 0);
}

/* ---- Heuristics ---- */

/* Appends s to the string in buf[cap], cut to fit. */
static void reason_add(char *buf, size_t cap, const char *s)
{
    size_t n = strlen(buf), k = strlen(s);
    if (k > cap - 1 - n) {
        k = cap - 1 - n;
    }
    memcpy(buf + n, s, k);
    buf[n + k] = '\0';
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Three or more outputs of one value (two or more input addresses are checked by the caller). */
static kin_status coinjoin_like(struct cluster_ctx *c, const struct tx *tx, int *yes)
{
    *yes = 0;
    if (tx->out_count < COINJOIN_EQUAL) {
        return KIN_OK;
    }
    if (tx->out_count > c->value_cap) {
        uint64_t *nv = kin__realloc(c->values, tx->out_count * sizeof(*nv));
        if (!nv) {
            return KIN_NOMEM;
        }
        c->values = nv;
        c->value_cap = tx->out_count;
    }
    size_t n = 0;
    for (size_t o = 0; o < tx->out_count; o++) {
        if (tx->out[o].value > 0) {
            c->values[n++] = tx->out[o].value;
        }
    }
    qsort(c->values, n, sizeof(*c->values), u64_cmp);
    for (size_t i = 0, run = 1; i + 1 < n; i++) {
        run = c->values[i + 1] == c->values[i] ? run + 1 : 1;
        if (run >= COINJOIN_EQUAL) {
            *yes = 1;
            break;
        }
    }
    return KIN_OK;
}

static unsigned trailing_zeros10(uint64_t v)
{
    unsigned z = 0;
    while (v && v % 10 == 0 && z < 19) {
        v /= 10;
        z++;
    }
    return z;
}

/*
 * Scores the outputs of a transaction that spends from the cluster: the output most likely to
 * be its change becomes a soft link. Rules: the change has the script type of the inputs while
 * another output does not (+0.4); it is the only output with fewer trailing decimal zeros than
 * all others, payments being round (+0.3); with several inputs, it is smaller than every input,
 * or that input was not needed (+0.2); the transaction has exactly two outputs (+0.1).
 */
static kin_status score_change(struct cluster_ctx *c,
                               const struct scan_block *blk,
                               const struct tx *tx,
                               const struct undo_coin *coins,
                               uint32_t from)
{
    if (tx->out_count < 2) {
        return KIN_OK;
    }
    struct script_info in_si;
    uint8_t in_type = 0;
    int same_type = 1;
    uint64_t min_in = UINT64_MAX;
    for (size_t i = 0; i < tx->in_count; i++) {
        uint8_t script[MAX_SCRIPT_SIZE];
        size_t n = kin__undo_coin_script(&coins[i], c->ec, script);
        kin__script_classify(kin__span(script, n), &in_si);
        if (i == 0) {
            in_type = in_si.type;
        }
        same_type &= in_si.type == in_type;
        min_in = coins[i].value < min_in ? coins[i].value : min_in;
    }
    double best = 0;
    size_t best_o = SIZE_MAX, ties = 0;
    char best_reason[96] = "";
    struct addr_key best_key;
    for (size_t o = 0; o < tx->out_count; o++) {
        struct script_info si;
        struct addr_key k;
        kin__script_classify(tx->out[o].script, &si);
        if (tx->out[o].value == 0 || !kin__script_key(&si, &k)) {
            continue;
        }
        if (in_cluster(c, node_find(c, &k))) {
            return KIN_OK; /* change back to the cluster: nothing new to link */
        }
        int other_type = 0, rounder_others = 1;
        unsigned z = trailing_zeros10(tx->out[o].value);
        for (size_t p = 0; p < tx->out_count; p++) {
            struct script_info sp;
            if (p == o || tx->out[p].value == 0) {
                continue;
            }
            kin__script_classify(tx->out[p].script, &sp);
            other_type |= sp.type != si.type;
            rounder_others &= trailing_zeros10(tx->out[p].value) > z;
        }
        double s = 0;
        char reason[96] = "change:";
        if (same_type && si.type == in_type && other_type) {
            s += 0.4;
            reason_add(reason, sizeof(reason), " input type");
        }
        if (rounder_others) {
            s += 0.3;
            reason_add(reason, sizeof(reason), " least round");
        }
        if (tx->in_count > 1 && tx->out[o].value < min_in) {
            s += 0.2;
            reason_add(reason, sizeof(reason), " below every input");
        }
        if (tx->out_count == 2) {
            s += 0.1;
            reason_add(reason, sizeof(reason), " two outputs");
        }
        if (s > best + 1e-9) {
            best = s;
            best_o = o;
            ties = 0;
            memcpy(best_reason, reason, sizeof(reason));
            best_key = k;
        } else if (s > best - 1e-9) {
            ties++;
        }
    }
    if (best_o == SIZE_MAX || ties || best < CHANGE_MIN_SCORE) {
        return KIN_OK;
    }
    for (size_t i = 0; i < c->soft_count; i++) {
        if (kin__addr_key_equal(&c->softs[i].to, &best_key)) {
            return KIN_OK;
        }
    }
    if (c->soft_count == c->soft_cap) {
        size_t ncap = c->soft_cap ? c->soft_cap * 2 : 16;
        struct soft *ns = kin__realloc(c->softs, ncap * sizeof(*ns));
        if (!ns) {
            return KIN_NOMEM;
        }
        c->softs = ns;
        c->soft_cap = ncap;
    }
    struct soft *sf = &c->softs[c->soft_count];
    KIN_TRY(kin__tx_txid(tx, &c->idsc, sf->txid));
    c->soft_count++;
    sf->from = from;
    sf->to = best_key;
    memcpy(sf->block, blk->hash, HASH_SIZE);
    sf->height = blk->height;
    sf->time = blk->time;
    sf->score = best;
    memcpy(sf->reason, best_reason, sizeof(sf->reason));
    return KIN_OK;
}

/* ---- The visitor ---- */

static kin_status visit(struct cluster_ctx *c,
                        const struct scan_block *blk,
                        const struct tx *tx,
                        const struct undo_coin *coins)
{
    size_t n = tx->in_count, distinct = 0;
    if (n > c->in_cap) {
        uint32_t *nn = kin__realloc(c->in_nodes, n * sizeof(*nn));
        if (nn) {
            c->in_nodes = nn;
        }
        struct addr_key *nk = nn ? kin__realloc(c->in_keys, n * sizeof(*nk)) : NULL;
        if (!nn || !nk) {
            return KIN_NOMEM;
        }
        c->in_keys = nk;
        c->in_cap = n;
    }
    /*
     * Distinct input addresses, quadratic in their number, so at most MAX_DISTINCT are united
     * per transaction (wallets rarely spend from more in one).
     */
    for (size_t i = 0; i < n; i++) {
        struct addr_key k;
        if (!kin__undo_coin_key(&coins[i], c->ec, &k)) {
            continue;
        }
        size_t d = 0;
        while (d < distinct && !kin__addr_key_equal(&c->in_keys[d], &k)) {
            d++;
        }
        if (d == distinct && distinct < MAX_DISTINCT) {
            c->in_keys[distinct++] = k;
        }
    }
    int touches = 0;
    uint32_t first_member = UINT32_MAX;
    for (size_t d = 0; d < distinct; d++) {
        c->in_nodes[d] = node_find(c, &c->in_keys[d]);
        if (in_cluster(c, c->in_nodes[d])) {
            touches = 1;
            first_member = first_member == UINT32_MAX ? c->in_nodes[d] : first_member;
        }
    }
    int coinjoin = 0;
    if (distinct >= 2) {
        KIN_TRY(coinjoin_like(c, tx, &coinjoin));
    }
    if (coinjoin) {
        c->coinjoins += touches && c->score_change;
        return KIN_OK;
    }
    if (distinct >= 2 && (!c->restricted || touches)) {
        uint8_t txid[HASH_SIZE];
        int have_txid = 0;
        for (size_t d = 0; d < distinct; d++) {
            if (c->in_nodes[d] == UINT32_MAX) {
                KIN_TRY(node_get(c, &c->in_keys[d], &c->in_nodes[d]));
            }
        }
        for (size_t d = 1; d < distinct; d++) {
            if (c->in_nodes[0] == UINT32_MAX || c->in_nodes[d] == UINT32_MAX ||
                uf_find(c, c->in_nodes[0]) == uf_find(c, c->in_nodes[d])) {
                continue;
            }
            if (!have_txid) {
                KIN_TRY(kin__tx_txid(tx, &c->idsc, txid));
                have_txid = 1;
            }
            KIN_TRY(unite(c, c->in_nodes[0], c->in_nodes[d], blk, txid, (uint32_t)distinct));
        }
        for (size_t d = 0; d < distinct && !touches; d++) {
            if (in_cluster(c, c->in_nodes[d])) {
                touches = 1;
                first_member = c->in_nodes[d];
            }
        }
    }
    if (c->score_change && touches) {
        KIN_TRY(score_change(c, blk, tx, coins, first_member));
    }
    return KIN_OK;
}

static int on_tx(void *ctx,
                 const struct scan_block *b,
                 const struct tx *tx,
                 size_t index,
                 const struct undo_coin *coins)
{
    struct cluster_ctx *c = ctx;
    if (index == 0 || !coins) {
        return 0;
    }
    c->st = visit(c, b, tx, coins);
    return c->st != KIN_OK;
}

/* ---- Results ---- */

static size_t component_size(struct cluster_ctx *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->node_count; i++) {
        n += in_cluster(c, (uint32_t)i);
    }
    return n;
}

static const char *encode(struct cluster_ctx *c, const struct addr_key *k)
{
    char text[100];
    if (!kin__addr_encode(k, c->l->net->network, text, sizeof(text))) {
        return "";
    }
    return kin__arena_strndup(&c->r->arena, text, strlen(text));
}

static void set_ref(struct kin_ledger_txref *t,
                    const uint8_t *txid,
                    const uint8_t *block,
                    uint32_t height,
                    uint32_t time)
{
    kin__hash_hex(txid, t->txid);
    kin__hash_hex(block, t->block);
    t->height = height;
    t->time = time;
}

/*
 * The members (asked address first) and the evidence: the merge edges inside the cluster,
 * oriented away from the asked address (breadth first), then the soft links.
 */
static kin_status build(struct cluster_ctx *c, const char *asked)
{
    struct kin_cluster *r = c->r;
    size_t members = component_size(c);
    uint32_t *queue = kin__malloc((members ? members : 1) * sizeof(*queue));
    uint8_t *seen = kin__calloc(c->node_count ? c->node_count : 1, 1);
    /* Adjacency of the merge edges (each edge listed under both ends), compressed rows. */
    size_t *start = kin__calloc(c->node_count + 1, sizeof(*start));
    uint32_t *adj = kin__malloc((2 * c->edge_count + 1) * sizeof(*adj));
    r->addresses = kin__arena_array(&r->arena, members ? members : 1, sizeof(*r->addresses));
    r->links = kin__arena_array(&r->arena, members + c->soft_count, sizeof(*r->links));
    kin_status st = KIN_OK;
    if (!queue || !seen || !start || !adj || !r->addresses || !r->links) {
        st = KIN_NOMEM;
        goto out;
    }
    for (size_t e = 0; e < c->edge_count; e++) {
        start[c->edges[e].a + 1]++;
        start[c->edges[e].b + 1]++;
    }
    for (size_t i = 0; i < c->node_count; i++) {
        start[i + 1] += start[i];
    }
    for (size_t e = 0; e < c->edge_count; e++) {
        adj[start[c->edges[e].a]++] = (uint32_t)e;
        adj[start[c->edges[e].b]++] = (uint32_t)e;
    }
    for (size_t i = c->node_count; i > 0; i--) {
        start[i] = start[i - 1];
    }
    start[0] = 0;
    size_t head = 0, tail = 0;
    queue[tail++] = 0;
    seen[0] = 1;
    r->addresses[r->count++] = kin__arena_strndup(&r->arena, asked, strlen(asked));
    while (head < tail) {
        uint32_t x = queue[head++];
        for (size_t j = start[x]; j < start[x + 1]; j++) {
            struct edge *ed = &c->edges[adj[j]];
            uint32_t other = ed->a == x ? ed->b : ed->a;
            if (seen[other] || tail >= members) {
                continue;
            }
            seen[other] = 1;
            queue[tail++] = other;
            const char *to = encode(c, &c->keys[other]);
            r->addresses[r->count++] = to;
            struct kin_cluster_link *lk = &r->links[r->link_count++];
            lk->kind = KIN_LINK_INPUTS;
            lk->from = x == 0 ? r->addresses[0] : encode(c, &c->keys[x]);
            lk->to = to;
            set_ref(&lk->tx, ed->txid, ed->block, ed->height, ed->time);
            lk->score = 1.0;
            lk->reason =
                kin__arena_printf(&r->arena, "spent together (%u input addresses)", ed->inputs);
        }
    }
    for (size_t i = 0; i < c->soft_count; i++) {
        const struct soft *sf = &c->softs[i];
        struct kin_cluster_link *lk = &r->links[r->link_count++];
        lk->kind = KIN_LINK_CHANGE;
        lk->from = sf->from == 0 ? r->addresses[0] : encode(c, &c->keys[sf->from]);
        lk->to = encode(c, &sf->to);
        set_ref(&lk->tx, sf->txid, sf->block, sf->height, sf->time);
        lk->score = sf->score;
        lk->reason = kin__arena_strndup(&r->arena, sf->reason, strlen(sf->reason));
    }
    for (size_t i = 0; i < r->count; i++) {
        if (!r->addresses[i]) {
            st = KIN_NOMEM;
        }
    }
    for (size_t i = 0; i < r->link_count; i++) {
        if (!r->links[i].from || !r->links[i].to || !r->links[i].reason) {
            st = KIN_NOMEM;
        }
    }
out:
    kin__free(queue);
    kin__free(seen);
    kin__free(start);
    kin__free(adj);
    return st;
}

static void ctx_release(struct cluster_ctx *c)
{
    kin__free(c->keys);
    kin__free(c->parent);
    kin__free(c->slots);
    kin__free(c->edges);
    kin__free(c->softs);
    kin__free(c->in_nodes);
    kin__free(c->in_keys);
    kin__free(c->values);
    kin__tx_scratch_release(&c->idsc);
    kin__ec_free(c->ec);
}

kin_status kin_ledger_cluster(struct kin_ledger *l,
                              const char *address,
                              const struct kin_cluster_options *opts,
                              struct kin_cluster **out)
{
    if (!out) {
        return KIN_INVALID;
    }
    *out = NULL;
    struct addr_key k;
    uint32_t net;
    if (!l || !l->net || !address || !kin__addr_decode(address, &k, &net)) {
        return KIN_INVALID;
    }
    uint32_t max_passes = opts && opts->max_passes ? opts->max_passes : DEFAULT_PASSES;
    max_passes = max_passes < 2                       ? 2
                 : max_passes > KIN_MAX_LEDGER_PASSES ? KIN_MAX_LEDGER_PASSES
                                                      : max_passes;
    struct cluster_ctx c;
    memset(&c, 0, sizeof(c));
    c.l = l;
    c.r = kin__calloc(1, sizeof(*c.r));
    if (!c.r) {
        return KIN_NOMEM;
    }
    kin__arena_init(&c.r->arena, CLUSTER_ARENA_BUDGET);
    c.ec = kin__ec_new();
    uint32_t target;
    kin_status st = node_get(&c, &k, &target);
    struct scan_state ss;
    memset(&ss, 0, sizeof(ss));
    struct scan_visitor v = {&c, on_tx};
    /* Pass 1 unites everything; later passes only what touches the cluster, and score change. */
    for (uint32_t pass = 1; st == KIN_OK && pass <= max_passes; pass++) {
        size_t before = component_size(&c);
        c.restricted = pass > 1;
        c.score_change = pass > 1;
        c.soft_count = 0;
        c.coinjoins = 0;
        st = kin__scan(l, &ss, &v, &c.r->anomalies, &c.r->arena);
        if (st == KIN_OK) {
            st = c.st;
        }
        c.r->passes = pass;
        if (pass > 1 && component_size(&c) == before) {
            c.r->converged = 1;
            break;
        }
    }
    if (st == KIN_OK && c.capped) {
        kin__anomaly_add(&c.r->anomalies, &c.r->arena, "ledger.cluster.limit", 0,
                         "more than %u addresses spent together: later passes followed only "
                         "the cluster",
                         KIN_MAX_LEDGER_CLUSTER);
    }
    c.r->coinjoins = c.coinjoins;
    if (st == KIN_OK) {
        st = build(&c, address);
    }
    kin__scan_release(&ss);
    ctx_release(&c);
    if (st != KIN_OK) {
        kin_cluster_free(c.r);
        return st;
    }
    *out = c.r;
    return KIN_OK;
}

void kin_cluster_free(struct kin_cluster *c)
{
    if (c) {
        kin__arena_release(&c->arena);
        kin__free(c);
    }
}

const char *const *kin_cluster_addresses(const struct kin_cluster *c, size_t *count)
{
    *count = c->count;
    return c->addresses;
}

const struct kin_cluster_link *kin_cluster_links(const struct kin_cluster *c, size_t *count)
{
    *count = c->link_count;
    return c->links;
}

uint64_t kin_cluster_coinjoins(const struct kin_cluster *c)
{
    return c->coinjoins;
}

uint32_t kin_cluster_passes(const struct kin_cluster *c, int *converged)
{
    if (converged) {
        *converged = c->converged;
    }
    return c->passes;
}

const struct kin_anomaly *kin_cluster_anomalies(const struct kin_cluster *c, size_t *count)
{
    *count = c->anomalies.count;
    return c->anomalies.v;
}

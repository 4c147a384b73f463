/*
 * index.c: pass 1 over a blocks directory. Every blk record's header is hashed and checked
 * against its own nBits (random corruption fails; kin does not re-check difficulty rules: the
 * node that wrote the files did), then the chain is selected (chain.c). Undo records carry no
 * block hash, so they are matched to blocks: Core writes the undo of a block into the rev file
 * numbered like its blk file, when the block is first connected, so a file's undo records follow
 * the height order of its chain blocks, with records of stale blocks in between. Each candidate
 * must have one CTxUndo per non-coinbase transaction and a checksum that holds for the block's
 * parent hash; at most KIN_MAX_LEDGER_UNDO_AHEAD records are tried past the expected one.
 */
#include <string.h>

#include "../core/limits.h"
#include "ledger.h"

struct undo_rec {
    uint64_t offset;
    uint32_t size;
    uint32_t count; /* CTxUndo entries; UINT32_MAX when unreadable */
    uint8_t used;
};

struct rev_list {
    struct undo_rec *v;
    size_t count, cap;
};

struct pass_ctx {
    struct kin_ledger *l;
    struct ledger_file *f;
    uint32_t file;
    struct rev_list *list;
    kin_status st;
};

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

kin_status kin__ledger_bytes(struct kin_ledger *l,
                             struct ledger_file *f,
                             uint64_t off,
                             uint64_t n,
                             uint8_t **buf,
                             size_t *cap,
                             struct span *out)
{
    KIN_TRY(kin__file_map(&l->files, f));
    if (l->files.obfuscated && n > *cap) {
        uint8_t *nb = kin__realloc(*buf, (size_t)n);
        if (!nb) {
            return KIN_NOMEM;
        }
        *buf = nb;
        *cap = (size_t)n;
    }
    return kin__file_bytes(&l->files, f, off, n, *buf, out) ? KIN_OK : KIN_MALFORMED;
}

static int on_block(void *ctx, const struct file_record *r)
{
    struct pass_ctx *c = ctx;
    struct kin_ledger *l = c->l;
    const char *name = base_name(c->f->path);
    uint8_t head[HEADER_SIZE + 9];
    struct span s;
    struct block_header h;
    struct ledger_block b;
    uint64_t off = HEADER_SIZE, txs;
    l->records++;
    size_t n = r->size < sizeof(head) ? r->size : sizeof(head);
    if (r->size <= HEADER_SIZE || !kin__file_bytes(&l->files, c->f, r->offset, n, head, &s) ||
        !kin__header_parse(s, &h) || !kin__compact_size(s, &off, &txs) || txs == 0) {
        kin__anomaly_add(&l->anomalies, &l->arena, "ledger.block.header", r->offset,
                         "%s: block record at %llu has no usable header", name,
                         (unsigned long long)r->offset);
        l->bad_blocks++;
        return 0;
    }
    memset(&b, 0, sizeof(b));
    kin__sha256d(s.p, HEADER_SIZE, b.hash);
    if (!kin__pow_ok(b.hash, h.bits)) {
        kin__anomaly_add(&l->anomalies, &l->arena, "ledger.block.pow", r->offset,
                         "%s: block at %llu fails its proof of work (nBits %08x)", name,
                         (unsigned long long)r->offset, h.bits);
        l->bad_blocks++;
        return 0;
    }
    memcpy(b.prev, h.prev, HASH_SIZE);
    b.offset = r->offset;
    b.size = r->size;
    b.file = c->file;
    b.time = h.time;
    b.bits = h.bits;
    b.tx_count = (uint32_t)txs;
    b.undo_file = BLOCK_NONE;
    int dup;
    c->st = kin__chain_add(&l->chain, &b, &dup);
    if (c->st != KIN_OK) {
        return 1;
    }
    if (dup) {
        char hex[65];
        kin__hash_hex(b.hash, hex);
        kin__anomaly_add(&l->anomalies, &l->arena, "ledger.block.duplicate", r->offset,
                         "%s: block %s at %llu is stored twice", name, hex,
                         (unsigned long long)r->offset);
    }
    return 0;
}

static int on_undo(void *ctx, const struct file_record *r)
{
    struct pass_ctx *c = ctx;
    struct rev_list *list = c->list;
    uint8_t head[9];
    struct span s;
    uint64_t off = 0, count;
    c->l->undo_records++;
    if (list->count == list->cap) {
        size_t ncap = list->cap ? list->cap * 2 : 256;
        struct undo_rec *nv = kin__realloc(list->v, ncap * sizeof(*nv));
        if (!nv) {
            c->st = KIN_NOMEM;
            return 1;
        }
        list->v = nv;
        list->cap = ncap;
    }
    struct undo_rec *u = &list->v[list->count++];
    u->offset = r->offset;
    u->size = r->size;
    u->used = 0;
    u->count = UINT32_MAX;
    size_t n = r->size < sizeof(head) ? r->size : sizeof(head);
    if (kin__file_bytes(&c->l->files, c->f, r->offset, n, head, &s) &&
        kin__compact_size(s, &off, &count)) {
        u->count = (uint32_t)count;
    }
    return 0;
}

/* Picks the network from the first file whose first 4 bytes are a known magic. */
static void detect_network(struct kin_ledger *l)
{
    for (size_t i = 0; i < l->files.blk_count && !l->net; i++) {
        uint8_t m[4];
        struct ledger_file *f = &l->files.blk[i];
        if (kin__file_map(&l->files, f) == KIN_OK && kin__file_magic(&l->files, f, m)) {
            l->net = kin__net_by_magic(m);
        }
    }
}

/*
 * Height of a block whose parent is not in the directory: 0 for genesis (no parent), else the
 * height its coinbase states (BIP34), else 0 with an anomaly.
 */
static uint32_t root_height(void *ctx, uint32_t index)
{
    static const uint8_t zero[HASH_SIZE];
    struct kin_ledger *l = ctx;
    const struct ledger_block *b = &l->chain.v[index];
    struct ledger_file *f = &l->files.blk[b->file];
    char hex[65];
    if (memcmp(b->prev, zero, HASH_SIZE) == 0) {
        return 0;
    }
    kin__hash_hex(b->hash, hex);
    struct span s;
    struct tx_scratch sc;
    struct tx tx;
    struct block_header h;
    uint64_t off = HEADER_SIZE, txs;
    const char *why;
    uint32_t height = 0;
    int found = 0;
    memset(&sc, 0, sizeof(sc));
    if (kin__ledger_bytes(l, f, b->offset, b->size, &l->buf, &l->buf_cap, &s) == KIN_OK &&
        kin__header_parse(s, &h) && h.version >= 2 && kin__compact_size(s, &off, &txs) &&
        kin__tx_parse(s, &off, &sc, &tx, &why) == KIN_OK && tx.in[0].script.n >= 1) {
        /* CScript() << height: OP_1..OP_16 for small heights, else a minimal push of 1-4. */
        const uint8_t *p = tx.in[0].script.p;
        size_t n = tx.in[0].script.n;
        if (p[0] >= 0x51 && p[0] <= 0x60) {
            height = (uint32_t)(p[0] - 0x50);
            found = 1;
        } else if (p[0] >= 1 && p[0] <= 4 && n > p[0] && !(p[p[0]] & 0x80)) {
            for (int i = p[0]; i >= 1; i--) {
                height = height << 8 | p[i];
            }
            found = 1;
        }
    }
    kin__tx_scratch_release(&sc);
    if (found) {
        kin__anomaly_add(&l->anomalies, &l->arena, "ledger.chain.root", b->offset,
                         "block %s has no parent here; height %u from its coinbase (BIP34)", hex,
                         height);
    } else {
        kin__anomaly_add(&l->anomalies, &l->arena, "ledger.chain.root", b->offset,
                         "block %s has no parent here; heights count from 0 at it", hex);
    }
    return height;
}

/* The rev file numbered like blk file i, or BLOCK_NONE. */
static uint32_t rev_for(const struct ledger_files *fs, size_t i)
{
    size_t lo = 0, hi = fs->rev_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (fs->rev[mid].number < fs->blk[i].number) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < fs->rev_count && fs->rev[lo].number == fs->blk[i].number ? (uint32_t)lo
                                                                         : BLOCK_NONE;
}

/* Matches the chain blocks stored in blk file `file` (order[], by height) to their undo. */
static kin_status match_file(
    struct kin_ledger *l, size_t file, const uint32_t *order, size_t n, struct rev_list *revs)
{
    static const uint8_t zero[HASH_SIZE];
    /* revs is NULL when there is no rev file at all. */
    uint32_t ri = revs ? rev_for(&l->files, file) : BLOCK_NONE;
    uint64_t missing = 0;
    size_t j = 0;
    for (size_t k = 0; k < n; k++) {
        struct ledger_block *b = &l->chain.v[order[k]];
        if (memcmp(b->prev, zero, HASH_SIZE) == 0) {
            continue; /* genesis is never connected, so it has no undo record */
        }
        int found = 0;
        for (size_t u = j;
             ri != BLOCK_NONE && u < revs[ri].count && u <= j + KIN_MAX_LEDGER_UNDO_AHEAD && !found;
             u++) {
            struct undo_rec *r = &revs[ri].v[u];
            struct span s, data;
            if (r->used || r->count != b->tx_count - 1) {
                continue;
            }
            kin_status st =
                kin__ledger_bytes(l, &l->files.rev[ri], r->offset, (uint64_t)r->size + HASH_SIZE,
                                  &l->ubuf, &l->ubuf_cap, &s);
            if (st == KIN_NOMEM) {
                return st;
            }
            if (st != KIN_OK || !kin__span_sub(s, 0, r->size, &data) ||
                !kin__undo_checksum_ok(data, b->prev, s.p + r->size)) {
                continue;
            }
            r->used = 1;
            b->undo_file = ri;
            b->undo_offset = r->offset;
            b->undo_size = r->size;
            l->undo_matched++;
            j = u + 1;
            found = 1;
        }
        missing += !found;
    }
    if (missing) {
        kin__anomaly_add(&l->anomalies, &l->arena, "ledger.undo.missing", 0,
                         "%s: %llu chain blocks have no verified undo record%s",
                         base_name(l->files.blk[file].path), (unsigned long long)missing,
                         ri == BLOCK_NONE ? " (no rev file)" : "");
    }
    return KIN_OK;
}

static kin_status match_undo(struct kin_ledger *l, struct rev_list *revs)
{
    const struct ledger_chain *c = &l->chain;
    size_t files = l->files.blk_count;
    size_t *start = kin__calloc(files + 1, sizeof(*start));
    uint32_t *order = kin__malloc((c->main_count ? c->main_count : 1) * sizeof(*order));
    kin_status st = KIN_OK;
    if (!start || !order) {
        st = KIN_NOMEM;
        goto out;
    }
    /* Counting sort of the chain (already in height order) by file. */
    for (size_t i = 0; i < c->main_count; i++) {
        start[c->v[c->main[i]].file + 1]++;
    }
    for (size_t f = 0; f < files; f++) {
        start[f + 1] += start[f];
    }
    for (size_t i = 0; i < c->main_count; i++) {
        order[start[c->v[c->main[i]].file]++] = c->main[i];
    }
    for (size_t f = files; f > 0; f--) {
        start[f] = start[f - 1];
    }
    start[0] = 0;
    for (size_t f = 0; f < files && st == KIN_OK; f++) {
        st = match_file(l, f, order + start[f], start[f + 1] - start[f], revs);
    }
out:
    kin__free(start);
    kin__free(order);
    return st;
}

kin_status kin__index_build(struct kin_ledger *l)
{
    struct ledger_files *fs = &l->files;
    struct rev_list *revs = NULL;
    kin_status st = KIN_OK;
    if (!l->net) {
        detect_network(l);
    }
    if (!l->net) {
        kin__anomaly_add(&l->anomalies, &l->arena, "ledger.network", 0,
                         "no blk file starts with a known network magic");
        return KIN_OK;
    }
    for (size_t i = 0; i < fs->blk_count && st == KIN_OK; i++) {
        struct pass_ctx c = {l, &fs->blk[i], (uint32_t)i, NULL, KIN_OK};
        l->block_bytes += fs->blk[i].size;
        st = kin__file_map(fs, c.f);
        if (st != KIN_OK) {
            kin__anomaly_add(&l->anomalies, &l->arena, "ledger.file", 0, "%s: cannot map (%s)",
                             base_name(c.f->path), kin_status_str(st));
            st = KIN_OK;
            continue;
        }
        kin__file_records(fs, c.f, l->net->magic, 0, &l->anomalies, &l->arena, on_block, &c);
        st = c.st;
    }
    if (st == KIN_OK && fs->rev_count) {
        revs = kin__calloc(fs->rev_count, sizeof(*revs));
        st = revs ? KIN_OK : KIN_NOMEM;
    }
    for (size_t i = 0; i < fs->rev_count && st == KIN_OK; i++) {
        struct pass_ctx c = {l, &fs->rev[i], (uint32_t)i, &revs[i], KIN_OK};
        l->undo_bytes += fs->rev[i].size;
        if (kin__file_map(fs, c.f) != KIN_OK) {
            kin__anomaly_add(&l->anomalies, &l->arena, "ledger.file", 0, "%s: cannot map",
                             base_name(c.f->path));
            continue;
        }
        kin__file_records(fs, c.f, l->net->magic, 1, &l->anomalies, &l->arena, on_undo, &c);
        st = c.st;
    }
    if (st == KIN_OK) {
        st = kin__chain_select(&l->chain, root_height, l);
    }
    if (st == KIN_OK) {
        st = match_undo(l, revs); /* revs may be NULL: then no block has a rev file */
    }
    for (size_t i = 0; revs && i < fs->rev_count; i++) {
        kin__free(revs[i].v);
    }
    kin__free(revs);
    return st;
}

/*
 * test_ledger_chain.c: block files, chain selection and undo data on directories written by
 * tests/fixtures/gen_blocks.c (plain and XOR-obfuscated): shuffled blocks in several files, a
 * stale block, a longer branch with less work, a duplicate, a bad proof of work, stray bytes, a
 * truncated record, zero and key-repeated tails. The scan must reproduce the generator's own
 * list of every chain transaction with its txid and wtxid, each input's spent coin (value,
 * address, script type, from the undo records) and each output, line for line.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/limits.h"
#include "ledger/ledger.h"

#define LEDGER_DIR KIN_FIXTURE_DIR "/ledger/"

struct lines {
    char **v;
    size_t n, cap;
};

static void lines_add(struct lines *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->v = realloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = strdup(s);
}

static void lines_free(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i]);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* The lines of expected.txt starting with prefix (prefix "" for all). */
static void read_expected(const char *dir, const char *prefix, struct lines *out)
{
    char path[600], line[1024];
    snprintf(path, sizeof(path), "%s/expected.txt", dir);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    while (f && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = 0;
        if (!strncmp(line, prefix, strlen(prefix))) {
            lines_add(out, line);
        }
    }
    if (f) {
        fclose(f);
    }
}

/* Value of "key" in the first expected line starting with it. */
static const char *expected_word(const struct lines *all, const char *key, int word)
{
    static char buf[256];
    for (size_t i = 0; i < all->n; i++) {
        if (!strncmp(all->v[i], key, strlen(key)) && all->v[i][strlen(key)] == ' ') {
            const char *p = all->v[i];
            for (int w = 0; w < word && p; w++) {
                p = strchr(p, ' ');
                p = p ? p + 1 : NULL;
            }
            if (!p) {
                return "";
            }
            size_t n = strcspn(p, " ");
            memcpy(buf, p, n);
            buf[n] = 0;
            return buf;
        }
    }
    return "";
}

struct visit {
    struct kin_ledger *l;
    struct lines got;
    struct ec_ctx *ec;
    uint32_t network;
};

static void describe(struct visit *v, const struct addr_key *k, int has_key, char *addr)
{
    if (!has_key || !kin__addr_encode(k, v->network, addr, 100)) {
        strcpy(addr, "-");
    }
}

static int on_tx(void *ctx,
                 const struct scan_block *b,
                 const struct tx *tx,
                 size_t index,
                 const struct undo_coin *coins)
{
    struct visit *v = ctx;
    struct tx_scratch sc;
    uint8_t txid[HASH_SIZE], wtxid[HASH_SIZE];
    char id[65], wid[65], addr[100], line[512];
    memset(&sc, 0, sizeof(sc));
    CHECK_OK(kin__tx_txid(tx, &sc, txid));
    kin__tx_scratch_release(&sc);
    kin__tx_wtxid(tx, wtxid);
    kin__hash_hex(txid, id);
    kin__hash_hex(wtxid, wid);
    snprintf(line, sizeof(line), "tx %u %zu %s %s %zu %zu", b->height, index, id, wid, tx->in_count,
             tx->out_count);
    lines_add(&v->got, line);
    for (size_t i = 0; index > 0 && i < tx->in_count; i++) {
        if (!coins) {
            snprintf(line, sizeof(line), "in %s %zu (no undo)", id, i);
            lines_add(&v->got, line);
            continue;
        }
        struct addr_key k;
        struct script_info si;
        uint8_t script[MAX_SCRIPT_SIZE];
        size_t n = kin__undo_coin_script(&coins[i], v->ec, script);
        kin__script_classify(kin__span(script, n), &si);
        describe(v, &k, kin__undo_coin_key(&coins[i], v->ec, &k), addr);
        snprintf(line, sizeof(line), "in %s %zu %llu %s %s", id, i,
                 (unsigned long long)coins[i].value, addr, kin__script_type_name(si.type));
        lines_add(&v->got, line);
    }
    for (size_t o = 0; o < tx->out_count; o++) {
        struct addr_key k;
        struct script_info si;
        kin__script_classify(tx->out[o].script, &si);
        describe(v, &k, kin__script_key(&si, &k), addr);
        snprintf(line, sizeof(line), "out %s %zu %llu %s %s", id, o,
                 (unsigned long long)tx->out[o].value, addr, kin__script_type_name(si.type));
        lines_add(&v->got, line);
    }
    return 0;
}

static int has_anomaly(struct kin_ledger *l, const char *kind)
{
    size_t count;
    const struct kin_anomaly *an = kin_ledger_anomalies(l, &count, NULL);
    for (size_t i = 0; i < count; i++) {
        if (!strcmp(an[i].kind, kind)) {
            return 1;
        }
    }
    return 0;
}

/* Opens and scans one generated directory; returns its transaction lines. */
static void check_dir(const char *name, int obfuscated, struct lines *got)
{
    char dir[512], blocks[600];
    snprintf(dir, sizeof(dir), LEDGER_DIR "%s", name);
    snprintf(blocks, sizeof(blocks), "%s/blocks", dir);
    struct lines all = {0}, want = {0};
    read_expected(dir, "", &all);
    for (size_t i = 0; i < all.n; i++) {
        if (!strncmp(all.v[i], "tx ", 3) || !strncmp(all.v[i], "in ", 3) ||
            !strncmp(all.v[i], "out ", 4)) {
            lines_add(&want, all.v[i]);
        }
    }
    CHECK(want.n > 300);

    struct kin_ledger *l = NULL;
    CHECK_OK(kin_ledger_open(blocks, NULL, &l));
    if (!l) {
        return;
    }
    struct kin_ledger_info info;
    kin_ledger_get_info(l, &info);
    CHECK_EQ_U64(info.network, KIN_BTC_REGTEST);
    CHECK_EQ_U64(info.obfuscated, obfuscated);
    CHECK_EQ_U64(info.block_files, 6);
    CHECK_EQ_STR(info.tip_hash, expected_word(&all, "tip", 1));
    CHECK_EQ_U64(info.tip_height, strtoull(expected_word(&all, "tip", 2), NULL, 10));
    CHECK_EQ_U64(info.chain_blocks, strtoull(expected_word(&all, "chain", 1), NULL, 10));
    CHECK_EQ_U64(info.stale_blocks, strtoull(expected_word(&all, "stale", 1), NULL, 10));
    CHECK_EQ_U64(info.first_height, 0);
    CHECK_EQ_U64(info.roots, 1);
    /* Every chain block but genesis has its undo record, found among the stale ones. */
    CHECK_EQ_U64(info.undo_matched, info.chain_blocks - 1);
    CHECK(info.undo_records > info.undo_matched);
    for (size_t i = 0; i < all.n; i++) {
        if (!strncmp(all.v[i], "anomaly ", 8)) {
            if (!has_anomaly(l, all.v[i] + 8)) {
                fprintf(stderr, "%s: missing anomaly %s\n", name, all.v[i] + 8);
                CHECK(0);
            }
        }
    }
    CHECK(!has_anomaly(l, "ledger.undo.missing"));
    /* The chain, block by block. */
    for (size_t i = 0; i < all.n; i++) {
        unsigned height;
        char hash[65];
        if (sscanf(all.v[i], "block %u %64s", &height, hash) == 2) {
            CHECK(height < l->chain.main_count);
            if (height < l->chain.main_count) {
                char hex[65];
                kin__hash_hex(l->chain.v[l->chain.main[height]].hash, hex);
                CHECK_EQ_STR(hex, hash);
            }
        }
    }

    struct visit v = {l, {0}, kin__ec_new(), KIN_BTC_REGTEST};
    struct scan_visitor vis = {&v, on_tx};
    struct scan_state st;
    struct anomaly_list al = {0};
    struct arena a;
    memset(&st, 0, sizeof(st));
    kin__arena_init(&a, 0);
    CHECK(v.ec != NULL);
    CHECK_OK(kin__scan(l, &st, &vis, &al, &a));
    CHECK_EQ_U64(al.count, 0);
    CHECK_EQ_U64(st.blocks, info.chain_blocks);
    CHECK_EQ_U64(st.undo_missing, 0);
    CHECK_EQ_U64(v.got.n, want.n);
    size_t shown = 0;
    for (size_t i = 0; i < want.n && i < v.got.n; i++) {
        if (strcmp(want.v[i], v.got.v[i]) != 0 && shown++ < 5) {
            fprintf(stderr, "%s line %zu:\n  want %s\n  got  %s\n", name, i, want.v[i], v.got.v[i]);
            CHECK(0);
        }
    }
    *got = v.got;
    kin__scan_release(&st);
    kin__arena_release(&a);
    kin__ec_free(v.ec);
    kin_ledger_close(l);
    lines_free(&all);
    lines_free(&want);
}

int main(void)
{
    struct lines plain = {0}, xored = {0};
    check_dir("basic", 0, &plain);
    check_dir("basic_xor", 1, &xored);
    CHECK_EQ_U64(plain.n, xored.n);
    lines_free(&plain);
    lines_free(&xored);
    CHECK_DONE();
}

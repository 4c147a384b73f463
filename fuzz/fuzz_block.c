/*
 * fuzz_block.c: libFuzzer target for the block side of the ledger stage. The first input byte
 * picks the mode; the rest is the data:
 *
 *   mode % 3 == 0  a block: header, then every transaction decoded (legacy and segwit), txid
 *                  and wtxid computed, every output classified and its address encoded
 *   mode % 3 == 1  a blk file in memory: record framing with an XOR key (the next 8 bytes, all
 *                  zero when bit 7 of the mode is clear), tails, resynchronisation
 *   mode % 3 == 2  a blocks directory: bytes 1-2 split the data into blk00000.dat and
 *                  rev00000.dat (bit 7: obfuscated with the next 8 bytes as xor.dat), which is
 *                  opened, scanned, watched (two hops, fan-out 2) and clustered
 *
 * Checks: decoded spans stay inside the input, counts fit the bytes, addresses are short ASCII,
 * info counters agree, and the library's heap stays within a small multiple of the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/limits.h"
#include "image_walk.h"
#include "ledger/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_block: %s\n", what);
    abort();
}

static int inside(struct span s, struct span in)
{
    return in.n == 0 || (in.p >= s.p && in.n <= s.n && in.p - s.p <= (ptrdiff_t)(s.n - in.n));
}

static void check_script(struct span script)
{
    struct script_info si;
    struct addr_key k;
    char text[128];
    kin__script_classify(script, &si);
    if (si.type >= SCRIPT__COUNT) {
        fail("script type");
    }
    if (kin__script_key(&si, &k)) {
        size_t n = kin__addr_encode(&k, KIN_BTC_MAINNET, text, sizeof(text));
        if (n == 0 || n > 90 || strlen(text) != n) {
            fail("address length");
        }
        struct addr_key back;
        uint32_t net;
        if (!kin__addr_decode(text, &back, &net) || !kin__addr_key_equal(&k, &back)) {
            fail("address does not decode to its key");
        }
    }
}

static void fuzz_block_bytes(const uint8_t *p, size_t n)
{
    struct span s = kin__span(p, n);
    struct block_header h;
    struct tx_scratch sc;
    uint64_t off = HEADER_SIZE, txs;
    memset(&sc, 0, sizeof(sc));
    if (!kin__header_parse(s, &h) || !kin__compact_size(s, &off, &txs)) {
        return;
    }
    uint8_t hash[HASH_SIZE];
    kin__sha256d(p, HEADER_SIZE, hash);
    (void)kin__pow_ok(hash, h.bits);
    for (uint64_t t = 0; t < txs; t++) {
        struct tx tx;
        const char *why = NULL;
        uint64_t before = off;
        kin_status st = kin__tx_parse(s, &off, &sc, &tx, &why);
        if (st == KIN_MALFORMED) {
            if (!why || off != before) {
                fail("malformed without reason, or offset moved");
            }
            break;
        }
        if (st != KIN_OK) {
            fail("tx_parse status");
        }
        if (!inside(s, tx.raw) || off > n || tx.in_count * 41 > tx.raw.n ||
            tx.body_end > tx.witness_end || tx.witness_end + 4 != tx.raw.n) {
            fail("transaction outside the input");
        }
        uint8_t id[HASH_SIZE];
        if (kin__tx_txid(&tx, &sc, id) != KIN_OK) {
            fail("txid");
        }
        kin__tx_wtxid(&tx, id);
        for (size_t i = 0; i < tx.in_count; i++) {
            if (!inside(s, tx.in[i].script) || !inside(s, kin__span(tx.in[i].prevout, 36))) {
                fail("input outside the input");
            }
        }
        for (size_t o = 0; o < tx.out_count; o++) {
            if (!inside(s, tx.out[o].script)) {
                fail("output outside the input");
            }
            check_script(tx.out[o].script);
        }
    }
    kin__tx_scratch_release(&sc);
}

struct count_ctx {
    size_t records;
    uint64_t last;
    size_t size;
};

static int on_record(void *ctx, const struct file_record *r)
{
    struct count_ctx *c = ctx;
    if (r->offset < 8 || r->offset > c->size || r->size > c->size - r->offset ||
        (c->records && r->offset <= c->last)) {
        fail("record outside the file or out of order");
    }
    c->last = r->offset;
    c->records++;
    return 0;
}

static void fuzz_blk_file(const uint8_t *p, size_t n, int xor)
{
    struct ledger_files fs;
    struct ledger_file f;
    struct anomaly_list al = {0};
    struct arena a;
    memset(&fs, 0, sizeof(fs));
    memset(&f, 0, sizeof(f));
    if (xor&&n >= 8) {
        memcpy(fs.key, p, 8);
        fs.obfuscated = 1;
        p += 8;
        n -= 8;
    }
    char path[] = "blk00000.dat";
    f.path = path;
    f.map = n ? p : NULL;
    f.size = n;
    kin__arena_init(&a, 0);
    static const uint8_t magic[4] = {0xf9, 0xbe, 0xb4, 0xd9};
    for (int undo = 0; undo < 2; undo++) {
        struct count_ctx c = {0, 0, n};
        kin__file_records(&fs, &f, magic, undo, &al, &a, on_record, &c);
    }
    kin__arena_release(&a);
}

struct collect {
    char addr[4][100];
    size_t n;
};

static int collect_tx(void *ctx,
                      const struct scan_block *b,
                      const struct tx *tx,
                      size_t index,
                      const struct undo_coin *coins)
{
    struct collect *c = ctx;
    (void)b;
    (void)index;
    for (size_t i = 0; coins && i < tx->in_count; i++) {
        uint8_t script[MAX_SCRIPT_SIZE];
        (void)kin__undo_coin_script(&coins[i], NULL, script);
    }
    for (size_t o = 0; o < tx->out_count && c->n < 4; o++) {
        struct script_info si;
        struct addr_key k;
        kin__script_classify(tx->out[o].script, &si);
        if (kin__script_key(&si, &k) &&
            kin__addr_encode(&k, KIN_BTC_MAINNET, c->addr[c->n], sizeof(c->addr[0]))) {
            c->n++;
        }
    }
    return 0;
}

static void write_file(const char *dir, const char *name, const uint8_t *p, size_t n)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        fail("cannot write the temporary directory");
    }
    if (n && fwrite(p, 1, n, f) != n) {
        fail("short write");
    }
    fclose(f);
}

static void fuzz_dir(const uint8_t *p, size_t n, int xor)
{
    static char dir[64];
    if (!dir[0]) {
        snprintf(dir, sizeof(dir), "/tmp/kin_fuzz_block_%d", (int)getpid());
        mkdir(dir, 0700);
    }
    char path[128];
    snprintf(path, sizeof(path), "%s/xor.dat", dir);
    unlink(path);
    if (xor&&n >= 8) {
        write_file(dir, "xor.dat", p, 8);
        p += 8;
        n -= 8;
    }
    if (n < 2) {
        return;
    }
    size_t split = (size_t)p[0] << 8 | p[1];
    p += 2;
    n -= 2;
    split = split < n ? split : n;
    write_file(dir, "blk00000.dat", p, split);
    write_file(dir, "rev00000.dat", p + split, n - split);

    struct kin_ledger *l = NULL;
    kin_status st = kin_ledger_open(dir, NULL, &l);
    if (st != KIN_OK && st != KIN_MALFORMED) {
        fail("open status");
    }
    if (!l) {
        return;
    }
    struct kin_ledger_info info;
    kin_ledger_get_info(l, &info);
    if (info.chain_blocks + info.stale_blocks != info.blocks ||
        info.undo_matched > info.chain_blocks || info.records < info.blocks) {
        fail("info counters disagree");
    }
    if (st == KIN_OK) {
        struct collect c;
        struct scan_state ss;
        struct anomaly_list al = {0};
        struct arena a;
        memset(&c, 0, sizeof(c));
        memset(&ss, 0, sizeof(ss));
        kin__arena_init(&a, 0);
        struct scan_visitor v = {&c, collect_tx};
        if (kin__scan(l, &ss, &v, &al, &a) != KIN_OK) {
            fail("scan");
        }
        kin__scan_release(&ss);
        kin__arena_release(&a);
        const char *list[5] = {"13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94"};
        for (size_t i = 0; i < c.n; i++) {
            list[i + 1] = c.addr[i];
        }
        struct kin_watch_options o = {2, 2, NULL};
        struct kin_watch *w = NULL;
        if (kin_ledger_watch(l, list, c.n + 1, &o, &w, NULL) != KIN_OK) {
            fail("watch");
        }
        for (size_t i = 0; i < kin_watch_address_count(w); i++) {
            const struct kin_ledger_address *r = kin_watch_address(w, i);
            for (size_t s = 0; s < r->spend_count; s++) {
                for (size_t k = 0; k < r->spends[s].output_count; k++) {
                    if (strlen(r->spends[s].outputs[k].address) > 90) {
                        fail("output address");
                    }
                }
            }
        }
        kin_watch_free(w);
        struct kin_cluster *cl = NULL;
        struct kin_cluster_options co = {2};
        if (kin_ledger_cluster(l, list[c.n], &co, &cl) != KIN_OK) {
            fail("cluster");
        }
        kin_cluster_free(cl);
    }
    kin_ledger_close(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int hooked;
    if (!hooked) {
        fuzz_count_allocations();
        hooked = 1;
    }
    if (size < 1) {
        return 0;
    }
    uint8_t mode = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    fuzz_reset_peak();
    switch (mode % 3) {
    case 0:
        fuzz_block_bytes(p, n);
        break;
    case 1:
        fuzz_blk_file(p, n, mode & 0x80);
        break;
    default:
        fuzz_dir(p, n, mode & 0x80);
        break;
    }
    /* Index, scratch and decoded copies are each within a few times the input. */
    size_t bound = 32 * n + ((size_t)48 << 20);
    if (fuzz_peak_bytes() > bound) {
        fprintf(stderr, "fuzz_block: heap peak %zu bytes for %zu input bytes\n", fuzz_peak_bytes(),
                n);
        abort();
    }
    return 0;
}

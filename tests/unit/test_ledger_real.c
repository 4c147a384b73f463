/*
 * test_ledger_real.c: real Bitcoin blocks (tests/data/bitcoin/, from the bitcore-lib 11.5.1 npm
 * package; see tests/data/README.md): mainnet block 357238 (369 transactions), the five blocks
 * of Bitcoin Core's blocks.json, and a testnet3 blk file whose second record is truncated. Block
 * hashes must equal the published ones and meet their nBits; every txid is checked through the
 * merkle root of the header, and some against values computed with Python's hashlib.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "ledger/ledger.h"

#define DATA KIN_TEST_DATA_DIR "/bitcoin/"

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n + 1);
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    if (p) {
        p[n] = 0;
        *size = (size_t)n;
    }
    return p;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes the hex digits of s[0..n) into a new buffer. */
static uint8_t *unhex(const char *s, size_t n, size_t *size)
{
    uint8_t *p = malloc(n / 2 + 1);
    for (size_t i = 0; i + 1 < n; i += 2) {
        p[i / 2] = (uint8_t)(hexval(s[i]) << 4 | hexval(s[i + 1]));
    }
    *size = n / 2;
    return p;
}

struct block_check {
    char hash[65];
    size_t tx_count;
    char first_txid[65], last_txid[65];
    size_t types[SCRIPT__COUNT];
    uint64_t out_value;
    char first_address[96];
    int merkle_ok;
    int pow_ok;
    int parsed_all;
};

/* Decodes a whole block: header, every transaction, txids, merkle root, output scripts. */
static void check_block(const uint8_t *p, size_t n, uint32_t network, struct block_check *bc)
{
    struct span s = kin__span(p, n);
    struct block_header h;
    struct tx_scratch sc;
    uint64_t off = HEADER_SIZE, txs;
    memset(bc, 0, sizeof(*bc));
    memset(&sc, 0, sizeof(sc));
    CHECK(kin__header_parse(s, &h));
    uint8_t hash[HASH_SIZE];
    kin__sha256d(p, HEADER_SIZE, hash);
    kin__hash_hex(hash, bc->hash);
    bc->pow_ok = kin__pow_ok(hash, h.bits);
    CHECK(kin__compact_size(s, &off, &txs));
    uint8_t(*ids)[HASH_SIZE] = calloc(txs, HASH_SIZE);
    size_t i;
    for (i = 0; i < txs; i++) {
        struct tx tx;
        const char *why = "";
        kin_status st = kin__tx_parse(s, &off, &sc, &tx, &why);
        if (st != KIN_OK) {
            fprintf(stderr, "tx %zu: %s\n", i, why);
            break;
        }
        CHECK_OK(kin__tx_txid(&tx, &sc, ids[i]));
        for (size_t o = 0; o < tx.out_count; o++) {
            struct script_info si;
            struct addr_key k;
            kin__script_classify(tx.out[o].script, &si);
            bc->types[si.type]++;
            bc->out_value += tx.out[o].value;
            if (i == 0 && o == 0 && kin__script_key(&si, &k)) {
                kin__addr_encode(&k, network, bc->first_address, sizeof(bc->first_address));
            }
        }
    }
    bc->tx_count = i;
    bc->parsed_all = i == txs && off == n;
    if (i > 0) {
        kin__hash_hex(ids[0], bc->first_txid);
        kin__hash_hex(ids[i - 1], bc->last_txid);
    }
    uint8_t root[HASH_SIZE];
    CHECK_OK(kin__merkle_root((const uint8_t(*)[HASH_SIZE])ids, i, root));
    bc->merkle_ok = memcmp(root, h.merkle, HASH_SIZE) == 0;
    free(ids);
    kin__tx_scratch_release(&sc);
}

static void test_block_357238(void)
{
    size_t n, size;
    char *json = (char *)read_file(DATA "block-357238.json", &n);
    CHECK(json != NULL);
    if (!json) {
        return;
    }
    /* The file is one JSON string: the block in hex. */
    const char *q1 = strchr(json, '"'), *q2 = q1 ? strchr(q1 + 1, '"') : NULL;
    CHECK(q1 && q2);
    uint8_t *blk = unhex(q1 + 1, (size_t)(q2 - q1 - 1), &size);
    CHECK_EQ_U64(size, 167542);
    struct block_check bc;
    check_block(blk, size, KIN_BTC_MAINNET, &bc);
    CHECK_EQ_STR(bc.hash, "00000000000000000f3db04d442e92c172691170ca47dfea5be2b9613cf0343d");
    CHECK(bc.pow_ok);
    CHECK(bc.parsed_all);
    CHECK(bc.merkle_ok);
    CHECK_EQ_U64(bc.tx_count, 369);
    /* Computed with Python's hashlib over the same bytes. */
    CHECK_EQ_STR(bc.first_txid, "29395f2d2a96e5f4092a3b410840ef0cdbfca6e96377951bd1fb12118303bf03");
    CHECK_EQ_STR(bc.last_txid, "a58011c2b4e5ced7d18265667c8f4272793f00401c7c01a4f6c540eb273dbe30");
    CHECK_EQ_STR(bc.first_address, "1KFHE7w8BhaENAswwryaoccDb6qcT6DbYY");
    CHECK_EQ_U64(bc.types[SCRIPT_P2PKH], 941);
    CHECK_EQ_U64(bc.types[SCRIPT_P2SH], 23);
    CHECK_EQ_U64(bc.types[SCRIPT_NULLDATA], 2);
    CHECK_EQ_U64(bc.types[SCRIPT_MULTISIG], 2); /* two bare 1-of-n multisig (transaction 5) */
    CHECK_EQ_U64(bc.types[SCRIPT_NONSTANDARD], 0);
    CHECK_EQ_U64(bc.out_value, 408849805792ull);

    /* One flipped byte in a transaction breaks the merkle root; a truncation breaks parsing. */
    blk[1000] ^= 1;
    check_block(blk, size, KIN_BTC_MAINNET, &bc);
    CHECK(!bc.merkle_ok);
    blk[1000] ^= 1;
    check_block(blk, size - 5, KIN_BTC_MAINNET, &bc);
    CHECK(!bc.parsed_all);
    free(blk);
    free(json);
}

static void test_core_blocks_json(void)
{
    size_t n;
    char *json = (char *)read_file(DATA "bitcoind-blocks.json", &n);
    CHECK(json != NULL);
    if (!json) {
        return;
    }
    size_t blocks = 0;
    for (const char *c = strstr(json, "\"comment\""); c; c = strstr(c + 1, "\"comment\"")) {
        /* "... block (HASH) with N transactions", "transactions": N, "data": "HEX" */
        const char *lp = strchr(c, '('), *tx = strstr(c, "\"transactions\":");
        const char *data = strstr(c, "\"data\":");
        CHECK(lp && tx && data);
        if (!lp || !tx || !data) {
            break;
        }
        char want[65];
        memcpy(want, lp + 1, 64);
        want[64] = 0;
        size_t ntx = strtoul(tx + 15, NULL, 10);
        const char *q1 = strchr(data + 7, '"'), *q2 = strchr(q1 + 1, '"');
        size_t size;
        uint8_t *blk = unhex(q1 + 1, (size_t)(q2 - q1 - 1), &size);
        struct block_check bc;
        check_block(blk, size, KIN_BTC_MAINNET, &bc);
        CHECK_EQ_STR(bc.hash, want);
        CHECK(bc.pow_ok);
        CHECK(bc.parsed_all);
        CHECK(bc.merkle_ok);
        CHECK_EQ_U64(bc.tx_count, ntx);
        free(blk);
        blocks++;
    }
    CHECK_EQ_U64(blocks, 5);
    free(json);
}

/* The txids listed in blk86756-testnet.json ("hash" keys after the header's). */
static size_t testnet_txids(char ids[][65], size_t max, char *block_hash)
{
    size_t n;
    char *json = (char *)read_file(DATA "blk86756-testnet.json", &n);
    size_t count = 0;
    if (!json) {
        return 0;
    }
    const char *c = strstr(json, "\"hash\":\"");
    memcpy(block_hash, c + 8, 64);
    block_hash[64] = 0;
    const char *txs = strstr(json, "\"transactions\"");
    for (c = strstr(txs, "\"hash\":\""); c && count < max; c = strstr(c + 1, "\"hash\":\"")) {
        memcpy(ids[count], c + 8, 64);
        ids[count][64] = 0;
        count++;
    }
    free(json);
    return count;
}

static void test_testnet_blk_file(void)
{
    char ids[64][65], want_hash[65];
    size_t nids = testnet_txids(ids, 64, want_hash);
    CHECK_EQ_U64(nids, 22);

    /* As a record file: one block, then a record that runs past the end. */
    size_t n;
    uint8_t *raw = read_file(DATA "blk86756-testnet.dat", &n);
    CHECK(raw && n == 9500);
    uint32_t size = 0;
    struct span s = kin__span(raw, n);
    CHECK(kin__span_le32(s, 4, &size));
    struct block_check bc;
    check_block(raw + 8, size, KIN_BTC_TESTNET3, &bc);
    CHECK_EQ_STR(bc.hash, want_hash);
    CHECK(bc.parsed_all && bc.merkle_ok && bc.pow_ok);
    CHECK_EQ_U64(bc.tx_count, nids);
    CHECK_EQ_STR(bc.first_txid, ids[0]);
    CHECK_EQ_STR(bc.last_txid, ids[nids - 1]);

    /* As a blocks directory: the library frames it and reports the truncated record. */
    char dir[] = "/tmp/kin_ledger_real_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof(path), "%s/blk00000.dat", dir);
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(raw, 1, n, f) == n);
    fclose(f);
    struct kin_ledger *l = NULL;
    CHECK_OK(kin_ledger_open(dir, NULL, &l));
    if (l) {
        struct kin_ledger_info info;
        kin_ledger_get_info(l, &info);
        CHECK_EQ_U64(info.network, KIN_BTC_TESTNET3);
        CHECK_EQ_U64(info.records, 1);
        CHECK_EQ_U64(info.chain_blocks, 1);
        CHECK_EQ_STR(info.tip_hash, want_hash);
        /* Its parent is not here: the height comes from the coinbase (BIP34). */
        CHECK_EQ_U64(info.tip_height, 86756);
        CHECK_EQ_U64(info.roots, 1);
        size_t count;
        const struct kin_anomaly *an = kin_ledger_anomalies(l, &count, NULL);
        int truncated = 0, root = 0;
        for (size_t i = 0; i < count; i++) {
            truncated += !strcmp(an[i].kind, "ledger.record.truncated") && an[i].offset == 8011;
            root += !strcmp(an[i].kind, "ledger.chain.root");
        }
        CHECK_EQ_U64(truncated, 1);
        CHECK_EQ_U64(root, 1);
        kin_ledger_close(l);
    }
    unlink(path);
    rmdir(dir);
    free(raw);
}

/* The same record under each network's magic; a forced network skips the others' records. */
static void test_magics(void)
{
    static const struct {
        uint32_t network;
        uint8_t magic[4];
    } nets[] = {{KIN_BTC_MAINNET, {0xf9, 0xbe, 0xb4, 0xd9}},
                {KIN_BTC_TESTNET3, {0x0b, 0x11, 0x09, 0x07}},
                {KIN_BTC_TESTNET4, {0x1c, 0x16, 0x3f, 0x28}},
                {KIN_BTC_SIGNET, {0x0a, 0x03, 0xcf, 0x40}},
                {KIN_BTC_REGTEST, {0xfa, 0xbf, 0xb5, 0xda}}};
    size_t n;
    uint8_t *raw = read_file(DATA "blk86756-testnet.dat", &n);
    char dir[] = "/tmp/kin_ledger_magic_XXXXXX", path[256];
    CHECK(raw && mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/blk00000.dat", dir);
    for (size_t i = 0; raw && i < sizeof(nets) / sizeof(nets[0]); i++) {
        memcpy(raw, nets[i].magic, 4);
        FILE *f = fopen(path, "wb");
        CHECK(f && fwrite(raw, 1, 8011, f) == 8011); /* the complete record only */
        fclose(f);
        struct kin_ledger *l = NULL;
        struct kin_ledger_info info;
        CHECK_OK(kin_ledger_open(dir, NULL, &l));
        if (l) {
            kin_ledger_get_info(l, &info);
            CHECK_EQ_U64(info.network, nets[i].network);
            CHECK_EQ_U64(info.chain_blocks, 1);
            kin_ledger_close(l);
        }
        /* Forced to another network: the record's magic is wrong, nothing is usable. */
        struct kin_ledger_options o = {nets[(i + 1) % 5].network};
        l = NULL;
        CHECK_EQ_U64(kin_ledger_open(dir, &o, &l), KIN_MALFORMED);
        if (l) {
            size_t count;
            const struct kin_anomaly *an = kin_ledger_anomalies(l, &count, NULL);
            CHECK(count >= 1 && !strcmp(an[0].kind, "ledger.record.magic"));
            kin_ledger_close(l);
        }
    }
    unlink(path);
    rmdir(dir);
    free(raw);
}

int main(void)
{
    test_magics();
    test_block_357238();
    test_core_blocks_json();
    test_testnet_blk_file();
    CHECK_DONE();
}

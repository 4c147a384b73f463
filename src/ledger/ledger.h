/*
 * ledger.h: the Bitcoin ledger stage's interface (issue #6). A Bitcoin Core blocks/ directory in,
 * payments, spends, followed funds and wallet clusters out.
 *
 * blockfile.c frames blk*.dat and rev*.dat records (XOR obfuscation by file position); index.c
 * builds the block index from them and matches undo records to blocks; chain.c links headers
 * and picks the most-work chain; tx.c and script.c decode transactions and their output scripts;
 * undo.c decodes the undo records that give every input its value and script; scan.c walks the
 * chain in height order for watch.c and cluster.c. Decoders read only through span.h and return
 * 0 on malformed bytes with a static reason; callers turn that into an anomaly.
 */
#ifndef KIN_LEDGER_H
#define KIN_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "../core/span.h"

#define HASH_SIZE       32
#define HEADER_SIZE     80
#define OUTPOINT_SIZE   36 /* txid and output index */
#define MAX_SCRIPT_SIZE 10000u
#define MAX_MONEY       ((uint64_t)21000000 * 100000000)
#define COMPACT_MAX     0x02000000u /* Bitcoin's MAX_SIZE for vector and string lengths */

/* ---- Hashing (hash.c) ---- */

/* Double SHA-256, as Bitcoin hashes headers and transactions. */
void kin__sha256d(const uint8_t *p, size_t n, uint8_t out[HASH_SIZE]);
/* RIPEMD-160 of SHA-256 (a public key's hash in P2PKH). Returns 0 when OpenSSL refuses. */
int kin__hash160(const uint8_t *p, size_t n, uint8_t out[20]);
/* Hex of a hash in display order (byte-reversed, as Bitcoin prints txids): out[65]. */
void kin__hash_hex(const uint8_t h[HASH_SIZE], char *out);
/* Parses 64 hex digits in display order. 1 on success. */
int kin__hash_parse(const char *s, uint8_t h[HASH_SIZE]);

/* A secp256k1 context for P2PK public keys stored compressed in undo records. */
struct ec_ctx;
/* Creates one (NULL when OpenSSL cannot). */
struct ec_ctx *kin__ec_new(void);
void kin__ec_free(struct ec_ctx *e);
/* 33-byte compressed key (02/03 + x) to its 65-byte form (04 + x + y). 1 when x is on the curve. */
int kin__ec_decompress(struct ec_ctx *e, const uint8_t in[33], uint8_t out[65]);

/* ---- Networks ---- */

struct net_params {
    uint32_t network; /* enum kin_btc_network */
    const char *name;
    uint8_t magic[4];
    uint8_t p2pkh, p2sh; /* Base58Check version bytes */
    const char *hrp;     /* Bech32 human-readable part */
};

/* The parameters of a network, or NULL. */
const struct net_params *kin__net(uint32_t network);
/* The network whose magic is m[4], or NULL. */
const struct net_params *kin__net_by_magic(const uint8_t m[4]);

/* ---- Transactions (tx.c) ---- */

/* CompactSize at *off, canonical (shortest form) and at most COMPACT_MAX. 1 on success. */
int kin__compact_size(struct span s, uint64_t *off, uint64_t *v);

struct block_header {
    uint32_t version;
    uint8_t prev[HASH_SIZE];
    uint8_t merkle[HASH_SIZE];
    uint32_t time;
    uint32_t bits;
    uint32_t nonce;
};

/* Reads an 80-byte header at the start of s. 1 on success. */
int kin__header_parse(struct span s, struct block_header *h);

struct tx_in {
    const uint8_t *prevout; /* OUTPOINT_SIZE bytes inside the block: txid then index (LE) */
    uint32_t vout;
    struct span script;
    uint32_t sequence;
};

struct tx_out {
    uint64_t value; /* satoshis */
    struct span script;
};

/* Input and output arrays reused from one transaction to the next (grown on demand). */
struct tx_scratch {
    struct tx_in *in;
    size_t in_cap;
    struct tx_out *out;
    size_t out_cap;
    uint8_t *buf; /* the witness-stripped serialisation, for txids of segwit transactions */
    size_t buf_cap;
};

/*
 * A decoded transaction. Spans point into the block; in/out into the scratch (valid until the
 * next decode with it).
 *
 *   version u32 | [00 01 if segwit] | vin: CompactSize n, n x (prevout 36, script, sequence u32)
 *   | vout: CompactSize n, n x (value u64, script) | [witness per input] | locktime u32
 */
struct tx {
    struct span raw;      /* the whole serialisation */
    uint64_t body_start;  /* offset in raw of the input count */
    uint64_t body_end;    /* offset in raw just past the outputs */
    uint64_t witness_end; /* offset in raw of the locktime */
    uint32_t version;
    uint32_t locktime;
    int segwit;
    const struct tx_in *in;
    size_t in_count;
    const struct tx_out *out;
    size_t out_count;
};

void kin__tx_scratch_release(struct tx_scratch *sc);

/*
 * Decodes the transaction at *off in s and advances *off past it. Returns KIN_OK, KIN_MALFORMED
 * (*why gets a static reason) or KIN_NOMEM. Scratch grows only in proportion to the bytes read.
 */
kin_status
kin__tx_parse(struct span s, uint64_t *off, struct tx_scratch *sc, struct tx *tx, const char **why);
/* txid: double SHA-256 of the serialisation without marker, flag and witness. */
kin_status kin__tx_txid(const struct tx *tx, struct tx_scratch *sc, uint8_t out[HASH_SIZE]);
/* wtxid: double SHA-256 of the whole serialisation (the txid when not segwit). */
void kin__tx_wtxid(const struct tx *tx, uint8_t out[HASH_SIZE]);

/* Merkle root of n hashes (Bitcoin's, duplicating the last of an odd level). KIN_OK or NOMEM. */
kin_status kin__merkle_root(const uint8_t (*hashes)[HASH_SIZE], size_t n, uint8_t out[HASH_SIZE]);

/* ---- Scripts and addresses (script.c) ---- */

enum script_type {
    SCRIPT_NONSTANDARD = 0,
    SCRIPT_P2PK,
    SCRIPT_P2PKH,
    SCRIPT_P2SH,
    SCRIPT_P2WPKH,
    SCRIPT_P2WSH,
    SCRIPT_P2TR,
    SCRIPT_WITNESS_UNKNOWN, /* witness v1..v16 other than P2TR: a valid Bech32m address */
    SCRIPT_MULTISIG,
    SCRIPT_NULLDATA,
    SCRIPT__COUNT
};

/* What an address names: a key hash, a script hash or a witness program. */
enum addr_kind { ADDR_NONE = 0, ADDR_PKH = 1, ADDR_SH = 2, ADDR_WITNESS = 3 };

/*
 * The network-independent identity of an address: the thing watched and matched. P2PK outputs
 * get the key hash of their public key (explorers show them under that P2PKH address).
 */
struct addr_key {
    uint8_t kind;    /* enum addr_kind */
    uint8_t version; /* witness version */
    uint8_t len;     /* program bytes */
    uint8_t prog[40];
};

struct script_info {
    uint8_t type;        /* enum script_type */
    const uint8_t *data; /* the hash, public key or witness program inside the script */
    uint8_t data_len;
    uint8_t version; /* witness version */
};

/* Classifies an output script. Never fails: unknown shapes are SCRIPT_NONSTANDARD. */
void kin__script_classify(struct span script, struct script_info *si);
/* The address key of a classified script. 1 when it has one (P2PK needs hash160). */
int kin__script_key(const struct script_info *si, struct addr_key *k);
/* Short name of a script type ("p2wpkh"). */
const char *kin__script_type_name(uint32_t type);
/* 64-bit hash of a key, for tables. */
uint64_t kin__addr_key_hash(const struct addr_key *k);
int kin__addr_key_equal(const struct addr_key *a, const struct addr_key *b);
/* The address string of a key on a network; out holds at least 91 bytes. Returns the length. */
size_t kin__addr_encode(const struct addr_key *k, uint32_t network, char *out, size_t cap);
/*
 * Decodes an address string (Base58Check P2PKH/P2SH or Bech32/Bech32m segwit) into its key and
 * the network it names (KIN_BTC_TESTNET3 stands for every "tb"/0x6f network). 1 on success.
 */
int kin__addr_decode(const char *s, struct addr_key *k, uint32_t *network);

/* ---- Undo data (undo.c) ---- */

/* Bitcoin Core's VARINT (MSB base-128, +1 per continuation byte), at most 63 bits. */
int kin__varint(struct span s, uint64_t *off, uint64_t *v);
/* Bitcoin Core's CompressAmount and DecompressAmount. Decompress gives 0 on overflow (ok = 0). */
uint64_t kin__amount_compress(uint64_t n);
uint64_t kin__amount_decompress(uint64_t x, int *ok);

/* Compressed script types 0..5 of Bitcoin Core's ScriptCompression; RAW for the rest. */
enum undo_script {
    UNDO_P2PKH = 0,
    UNDO_P2SH = 1,
    UNDO_P2PK_EVEN = 2,
    UNDO_P2PK_ODD = 3,
    UNDO_P2PK_FULL_EVEN = 4,
    UNDO_P2PK_FULL_ODD = 5,
    UNDO_RAW = 6
};

/* One spent coin of an undo record. */
struct undo_coin {
    uint32_t height;
    uint8_t coinbase;
    uint8_t stype;    /* enum undo_script */
    uint64_t value;   /* satoshis */
    struct span data; /* 20 or 32 bytes for types 0-5, the raw script for UNDO_RAW */
};

/* Decodes one coin (TxInUndoFormatter) at *off. 1 on success, else 0 with *why. */
int kin__undo_coin(struct span s, uint64_t *off, struct undo_coin *c, const char **why);
/*
 * The address key of a coin's script without rebuilding it, except for uncompressed P2PK keys,
 * which need the curve (ec may be NULL: then they have no key). 1 when it has one.
 */
int kin__undo_coin_key(const struct undo_coin *c, struct ec_ctx *ec, struct addr_key *k);
/*
 * The scriptPubKey of a coin, rebuilt as Bitcoin Core's DecompressScript does, into out (at
 * least MAX_SCRIPT_SIZE bytes). Returns its length; 0 when it cannot (bad curve point).
 */
size_t kin__undo_coin_script(const struct undo_coin *c, struct ec_ctx *ec, uint8_t *out);
/* Whether a rev*.dat record's checksum (double SHA-256 of prev block hash + data) holds. */
int kin__undo_checksum_ok(struct span data, const uint8_t prev[HASH_SIZE], const uint8_t *sum);

/* ---- Chain (chain.c) ---- */

/* 256-bit unsigned numbers, little-endian 64-bit limbs (Bitcoin Core's arith_uint256). */
struct u256 {
    uint64_t w[4];
};

/* The target a compact nBits encodes; 0 when negative or overflowing (invalid). */
int kin__bits_target(uint32_t bits, struct u256 *target);
/* The work of a block: 2^256 / (target + 1), as Bitcoin Core's GetBlockProof. */
void kin__bits_work(uint32_t bits, struct u256 *work);
/* Whether a block hash (internal byte order) meets its nBits target. */
int kin__pow_ok(const uint8_t hash[HASH_SIZE], uint32_t bits);
void kin__u256_add(struct u256 *a, const struct u256 *b);
int kin__u256_cmp(const struct u256 *a, const struct u256 *b);

#define BLOCK_NONE UINT32_MAX

/* One block record of the index. */
struct ledger_block {
    uint8_t hash[HASH_SIZE];
    uint8_t prev[HASH_SIZE];
    uint64_t offset; /* of the block bytes (after magic and size) in its blk file */
    uint64_t undo_offset;
    uint32_t size;
    uint32_t file; /* index into the blk file list */
    uint32_t undo_size;
    uint32_t undo_file; /* index into the rev file list; BLOCK_NONE when not matched */
    uint32_t time;
    uint32_t bits;
    uint32_t tx_count;
    uint32_t parent; /* BLOCK_NONE for a root */
    uint32_t height; /* from the root of its tree plus the root's height */
    uint32_t next;   /* hash-table chain */
    struct u256 chainwork;
    uint8_t state;
};

struct ledger_chain {
    struct ledger_block *v;
    size_t count, cap;
    uint32_t *buckets; /* heads of hash chains, BLOCK_NONE when empty */
    size_t bucket_count;
    uint32_t *main; /* block indices of the most-work chain, root first */
    size_t main_count;
    uint32_t tip;
    uint32_t base_height; /* height of main[0] */
    uint64_t roots;       /* trees (blocks whose parent is missing, genesis included) */
    uint64_t duplicates;
};

void kin__chain_init(struct ledger_chain *c);
void kin__chain_release(struct ledger_chain *c);
/* The block with this hash, or BLOCK_NONE. */
uint32_t kin__chain_find(const struct ledger_chain *c, const uint8_t hash[HASH_SIZE]);
/* Adds a block (copied). KIN_OK, KIN_NOMEM, KIN_LIMIT; *dup set when the hash was known. */
kin_status kin__chain_add(struct ledger_chain *c, const struct ledger_block *b, int *dup);
/*
 * Links every block to its parent, computes heights and chain work, and selects the most-work
 * chain (first seen wins ties). root_height(ctx, block) gives the height of a root whose parent
 * is missing. KIN_OK or KIN_NOMEM.
 */
typedef uint32_t (*chain_root_height_fn)(void *ctx, uint32_t block);
kin_status kin__chain_select(struct ledger_chain *c, chain_root_height_fn fn, void *ctx);

/* ---- Block files (blockfile.c) ---- */

struct ledger_file {
    char *path;
    uint32_t number; /* NNNNN of blkNNNNN.dat */
    uint64_t size;
    const uint8_t *map; /* NULL while not mapped */
    uint64_t last_use;
};

struct ledger_files {
    struct ledger_file *blk, *rev;
    size_t blk_count, rev_count;
    uint8_t key[8]; /* blocks/xor.dat; all zero when absent */
    int obfuscated;
    uint64_t clock; /* for the mapping LRU */
    size_t mapped;
};

/*
 * Lists blkNNNNN.dat and revNNNNN.dat in dir (sorted by number) and reads xor.dat. Returns
 * KIN_OK, KIN_IO (dir unreadable; errno set), KIN_NOTFOUND (no blk file), KIN_LIMIT, KIN_NOMEM or
 * KIN_MALFORMED (xor.dat not 8 bytes).
 */
kin_status kin__files_open(struct ledger_files *fs, const char *dir);
void kin__files_release(struct ledger_files *fs);
/* Maps a file (a few stay mapped, least recently used unmapped first). KIN_OK or KIN_IO. */
kin_status kin__file_map(struct ledger_files *fs, struct ledger_file *f);

/* Bytes [off, off+n) of a mapped file, de-obfuscated: the mapping itself or a copy in buf. */
int kin__file_bytes(const struct ledger_files *fs,
                    const struct ledger_file *f,
                    uint64_t off,
                    uint64_t n,
                    uint8_t *buf,
                    struct span *out);

/* One framed record: magic, size, then size bytes (and a 32-byte checksum in rev files). */
struct file_record {
    uint64_t offset; /* of the payload */
    uint32_t size;
};

/* Receives each record; returns non-zero to stop. */
typedef int (*record_fn)(void *ctx, const struct file_record *r);

/*
 * Walks the records of a mapped file. magic is the network's; rev files carry the checksum
 * after each payload. A tail of raw zeros (preallocated space; it decodes to the repeating XOR
 * key) or of the repeated key (it decodes to zeros) ends the data. A bad magic, an impossible
 * size or a record running past the end is an anomaly; the walk resumes at the next magic.
 */
void kin__file_records(const struct ledger_files *fs,
                       const struct ledger_file *f,
                       const uint8_t magic[4],
                       int undo,
                       struct anomaly_list *al,
                       struct arena *a,
                       record_fn fn,
                       void *ctx);
/* The first 4 decoded bytes of a mapped file (to detect the network). 1 when it has them. */
int kin__file_magic(const struct ledger_files *fs, const struct ledger_file *f, uint8_t m[4]);

/* ---- JSON-RPC answers (json.c) ---- */

/* A cursor over a JSON text; bad is set when kin__json_next() met a syntax error. */
struct jreader {
    struct span s;
    uint64_t pos;
    int bad;
};

/* The next byte after white space, or -1 at the end. */
int kin__json_peek(struct jreader *r);
/* A string: *out gets its raw bytes between the quotes (escapes are not decoded). */
int kin__json_string(struct jreader *r, struct span *out);
/* A number, true, false or null, raw. */
int kin__json_scalar(struct jreader *r, struct span *out);
/* Skips one value of any kind, iteratively. */
int kin__json_skip(struct jreader *r);
/* Enters an object ('{') or array ('['); *first is the level's state for kin__json_next(). */
int kin__json_begin(struct jreader *r, int open, int *first);
/*
 * Moves to the next member (key != NULL: *key gets its name, the cursor its value) or element;
 * 0 at the closing byte (consumed) or on a syntax error (r->bad).
 */
int kin__json_next(struct jreader *r, int close, int *first, struct span *key);
int kin__json_key_is(struct span key, const char *name);
/* A decimal BTC amount with at most 8 decimals into satoshis (<= MAX_MONEY). */
int kin__json_amount(struct span num, uint64_t *sat);
int kin__json_u64(struct span num, uint64_t *v);
/* Hex digits into bytes; 1 on success (*n bytes). */
int kin__hex_decode(struct span hex, uint8_t *out, size_t cap, size_t *n);

/* ---- A node's JSON-RPC interface (rpc.c) ---- */

struct ledger_rpc;

/* One call: params is a JSON array text. *result spans the "result" value in the answer. */
kin_status
kin__rpc_call(struct ledger_rpc *r, const char *method, const char *params, struct span *result);
void kin__rpc_free(struct ledger_rpc *r);
/*
 * Decodes an HTTP answer held in memory as kin__rpc_call() does and walks its result as getblock
 * verbosity 3; *coins gets the previous outputs found, *bug 1 when a decoded script lies outside
 * the decoded scripts (fuzz_rpc). Returns what kin__rpc_call() would.
 */
kin_status kin__rpc_decode(const uint8_t *p, size_t n, size_t *coins, int *bug);
/* Heights the ledger covers when it reads from a node. */
void kin__rpc_range(const struct ledger_rpc *r, uint64_t *from, uint64_t *to);

/* ---- The opened ledger (ledger.c, index.c) ---- */

struct kin_ledger {
    struct arena arena; /* anomalies and paths */
    struct anomaly_list anomalies;
    struct ledger_files files;
    struct ledger_chain chain;
    const struct net_params *net;
    uint8_t *buf; /* de-obfuscated block bytes (obfuscated directories only) */
    size_t buf_cap;
    uint8_t *ubuf; /* de-obfuscated undo bytes */
    size_t ubuf_cap;
    uint64_t block_bytes;
    uint64_t undo_bytes;
    uint64_t records;
    uint64_t undo_records;
    uint64_t undo_matched;
    uint64_t bad_blocks;
    struct ledger_rpc *rpc; /* set when blocks come from a node's JSON-RPC, not files */
    char tip_hex[65];       /* RPC: the tip's hash, display order */
    uint32_t tip_time;
};

/* Pass 1: reads every record header, fills the chain, selects it and matches undo records. */
kin_status kin__index_build(struct kin_ledger *l);
/*
 * The de-obfuscated bytes [off, off+n) of a file, mapping it first; *buf (capacity *cap) grows to
 * n when the directory is obfuscated. KIN_OK, KIN_IO (unmappable), KIN_MALFORMED (the file is
 * shorter now) or KIN_NOMEM.
 */
kin_status kin__ledger_bytes(struct kin_ledger *l,
                             struct ledger_file *f,
                             uint64_t off,
                             uint64_t n,
                             uint8_t **buf,
                             size_t *cap,
                             struct span *out);

/* ---- Chain scan (scan.c) ---- */

/* A block being scanned. */
struct scan_block {
    uint32_t height;
    uint32_t time;
    const uint8_t *hash;
    uint32_t index; /* into the chain's block array */
};

/*
 * The visitor of a scan. tx() gets each transaction with the coins its inputs spend (from the
 * undo record; NULL when the block has none, as for the coinbase). It returns non-zero to stop.
 */
struct scan_visitor {
    void *ctx;
    int (*tx)(void *ctx,
              const struct scan_block *b,
              const struct tx *tx,
              size_t tx_index,
              const struct undo_coin *coins);
};

struct scan_state {
    struct tx_scratch sc;
    struct undo_coin *coins;
    size_t coin_cap;
    uint64_t bytes; /* block bytes scanned */
    uint64_t blocks;
    uint64_t txs;
    uint64_t undo_missing; /* chain blocks (genesis aside) visited without undo coins */
};

void kin__scan_release(struct scan_state *st);
/*
 * Walks the most-work chain from height `from` in order, decoding each block and its undo
 * record. Malformed blocks and undo records become anomalies in al. KIN_OK, KIN_NOMEM or KIN_IO.
 */
kin_status kin__scan(struct kin_ledger *l,
                     struct scan_state *st,
                     const struct scan_visitor *v,
                     struct anomaly_list *al,
                     struct arena *a);
/* The same walk over blocks read from a node (rpc.c): getblock verbosity 0 and 3 per height. */
kin_status kin__rpc_scan(struct kin_ledger *l,
                         struct scan_state *st,
                         const struct scan_visitor *v,
                         struct anomaly_list *al,
                         struct arena *a);
/*
 * Visits the transactions of one block (shared by both sources). coins(ctx, t, tx, &coins, &why)
 * gives the spent coins of transaction t (NULL when unknown); it returns KIN_MALFORMED with why
 * when they do not fit, and the rest of the block is then visited without coins.
 */
typedef kin_status (*coins_fn)(
    void *ctx, size_t t, const struct tx *tx, const struct undo_coin **coins, const char **why);
kin_status kin__scan_block_bytes(struct scan_state *st,
                                 const struct scan_visitor *v,
                                 const struct scan_block *sb,
                                 struct span blk,
                                 coins_fn coins,
                                 void *ctx,
                                 struct anomaly_list *al,
                                 struct arena *a,
                                 int *stop);

#endif /* KIN_LEDGER_H */

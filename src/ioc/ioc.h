/*
 * ioc.h: the indicator stage's interface. Bytes in, validated indicators out.
 *
 * strings.c cuts a file into printable runs (ASCII and UTF-16LE); extract.c looks in each run for
 * candidates and hands each one to its validator (base58.c, bech32.c, monero.c, eth.c, onion.c,
 * net.c, artefacts.c). Validators work on printable ASCII only (UTF-16LE runs are decoded first),
 * keep no state and never allocate, so later stages (the index, attribution) may call them too.
 */
#ifndef KIN_IOC_H
#define KIN_IOC_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "../core/span.h"

/* A validator's verdict: a kin_ioc_validity, or IOC_NONE when the text is not a candidate. */
#define IOC_NONE (-1)

/* ---- Strings (strings.c) ---- */

/* One printable run. p is ASCII text (UTF-16LE runs are decoded into a scratch buffer). */
struct str_run {
    const char *p;
    size_t n;        /* characters */
    uint64_t offset; /* file offset of the first byte */
    uint32_t encoding;
};

/* Called for each run, in file order per encoding; returns non-zero to stop the scan. */
typedef int (*kin__str_fn)(void *ctx, const struct str_run *r);

/*
 * Calls fn for every ASCII run and then every UTF-16LE run of at least min_len characters.
 * Runs longer than KIN_MAX_IOC_STRING_LEN arrive in pieces. Stops after KIN_MAX_IOC_STRINGS runs
 * (sets *truncated). *count gets the number of runs delivered. Returns KIN_OK or KIN_NOMEM.
 */
kin_status kin__strings_scan(
    struct span file, uint32_t min_len, kin__str_fn fn, void *ctx, uint64_t *count, int *truncated);

/* ---- Hashes (keccak.c) ---- */

/* Keccak-256 as Ethereum and Monero use it: original padding 0x01, not SHA-3's 0x06. */
void kin__keccak256(const uint8_t *p, size_t n, uint8_t out[32]);
/* The same sponge with a chosen domain padding byte (0x06 gives SHA3-256; tests use it). */
void kin__keccak256_pad(const uint8_t *p, size_t n, uint8_t pad, uint8_t out[32]);

/* ---- Base58 and Bitcoin Base58Check (base58.c) ---- */

/* Decodes Bitcoin base58. 1 on success (*out_size set), 0 on a bad character or overflow. */
int kin__base58_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *out_size);
/* Encodes into out (NUL-terminated). Returns the length, or 0 when cap is too small. */
size_t kin__base58_encode(const uint8_t *p, size_t n, char *out, size_t cap);
/* Value of a base58 digit, or -1. */
int kin__base58_digit(char c);

/*
 * Validates a Base58Check Bitcoin address (P2PKH/P2SH, mainnet/testnet). Returns a validity or
 * IOC_NONE; *detail gets a static description ("p2pkh mainnet").
 */
int kin__btc_base58_check(const char *s, size_t n, const char **detail);
/*
 * Base58Check: encodes n payload bytes (version byte first) followed by the first 4 bytes of
 * their double SHA-256. Returns the length (NUL-terminated in out), or 0 when cap is too small.
 */
size_t kin__base58check_encode(const uint8_t *p, size_t n, char *out, size_t cap);

/* ---- Bech32 / Bech32m (bech32.c), BIP173 and BIP350 ---- */

enum bech32_encoding { BECH32_NONE = 0, BECH32_BECH32 = 1, BECH32_BECH32M = 2 };

/* Why a segwit decode failed; SEGWIT_OK on success. */
enum segwit_error {
    SEGWIT_OK = 0,
    SEGWIT_FORMAT,   /* characters, case, separator or length */
    SEGWIT_CHECKSUM, /* neither Bech32 nor Bech32m checksum */
    SEGWIT_HRP,      /* not the expected human-readable part */
    SEGWIT_VERSION,  /* witness version above 16 or data empty */
    SEGWIT_PROGRAM,  /* program length or padding */
    SEGWIT_VARIANT,  /* Bech32 for v1+ or Bech32m for v0 */
};

/*
 * Decodes a Bech32 or Bech32m string (BIP173/BIP350 rules: printable, one case, at most 90
 * characters, separator '1', checksum of 6). hrp (at least 84 bytes) gets the lowercased
 * human-readable part, data (at least 90 bytes) the 5-bit values without the checksum. Returns
 * the encoding, or BECH32_NONE.
 */
int kin__bech32_decode(const char *s, size_t n, char *hrp, uint8_t *data, size_t *data_len);

/*
 * Decodes a segwit address whose human-readable part must be expect_hrp ("bc", "tb", "bcrt").
 * prog (40 bytes) gets the witness program. Returns a segwit_error.
 */
int kin__segwit_decode(
    const char *expect_hrp, const char *s, size_t n, int *version, uint8_t *prog, size_t *prog_len);

/*
 * Encodes hrp (lowercase) and n 5-bit values with a Bech32 or Bech32m checksum (enum
 * bech32_encoding). Returns the length (NUL-terminated in out), or 0 when a value is not 5-bit,
 * the string would pass 90 characters or cap is too small.
 */
size_t kin__bech32_encode(
    const char *hrp, const uint8_t *data, size_t n, int encoding, char *out, size_t cap);
/*
 * Encodes a segwit address: witness version 0..16 and a program of 2..40 bytes (20 or 32 for
 * v0), Bech32 for v0 and Bech32m for v1+ (BIP350). Returns the length, or 0 on a bad argument.
 */
size_t kin__segwit_encode(
    const char *hrp, int version, const uint8_t *prog, size_t prog_len, char *out, size_t cap);

/* Validates a Bech32/Bech32m Bitcoin address on bc, tb or bcrt. Validity or IOC_NONE. */
int kin__btc_bech32_check(const char *s, size_t n, const char **detail);

/* ---- Other currencies and Tor ---- */

/* Ethereum: s is "0x" + 40 hex digits. Validity or IOC_NONE (eth.c). */
int kin__eth_check(const char *s, size_t n, const char **detail);

/* Monero block base58 (8-byte blocks of 11 characters). 1 on success (monero.c). */
int kin__monero_base58_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *out_size);
/* Monero address of 95 or 106 characters. Validity or IOC_NONE. */
int kin__xmr_check(const char *s, size_t n, const char **detail);

/* Onion service name without ".onion": 16 (v2) or 56 (v3) base32 characters (onion.c). */
int kin__onion_check(const char *s, size_t n, const char **detail);

/* ---- Network indicators (net.c) ---- */

struct psl_ctx_st;

/*
 * Per-extraction cache of Public Suffix List answers for top-level labels, so a file with a
 * million "this.length" costs one lookup per distinct label. Lives in the extraction context.
 */
#define TLD_CACHE_SIZE 1024u
struct tld_cache {
    uint64_t key[TLD_CACHE_SIZE]; /* hash of the label, 0 = empty */
    uint8_t known[TLD_CACHE_SIZE];
};

/*
 * Whether s (a dotted host name, any case) is a domain whose suffix the Public Suffix List knows
 * and that is not itself a public suffix. strict applies the rules for names found outside a URL
 * or e-mail address (single case, no file-extension look-alikes). Returns 1 or 0.
 */
int kin__domain_check(struct tld_cache *cache, const char *s, size_t n, int strict);
/* Dotted-quad IPv4 without leading zeros. 1 or 0. */
int kin__ipv4_parse(const char *s, size_t n, uint8_t out[4]);
/* Whether s[0..n) is an IPv6 address (inet_pton plus sanity). 1 or 0. */
int kin__ipv6_check(const char *s, size_t n);

/* ---- Extraction (extract.c) ---- */

struct ioc_found {
    uint32_t type;
    int validity;
    size_t start; /* characters into the run */
    size_t len;
    const char *detail;
    uint32_t hints; /* IOC_HINT_* */
};

/*
 * The name may be glued onto the end of what precedes it ("%" then "github.com", where nothing
 * says whether "%g" was a format directive): iocs.c cuts it when the file holds a shorter name.
 */
#define IOC_HINT_GLUED 0x1u
/* The name starts its run with a byte that may be the run's length ("0github.com/x/y"). */
#define IOC_HINT_LENGTH 0x2u

/* Receives each indicator found in a run; returns non-zero to stop. */
typedef int (*kin__ioc_fn)(void *ctx, const struct str_run *r, const struct ioc_found *f);

/*
 * Per-extraction state: the receiver, the TLD cache and a scratch list of the spans of URLs and
 * e-mail addresses in the current run (so their hosts are not reported twice).
 */
struct ioc_extractor {
    kin__ioc_fn fn;
    void *ctx;
    int include_rejected;
    int stop;
    struct tld_cache tlds;
    size_t *spans; /* start, end pairs; kin__malloc'd */
    size_t span_count, span_cap;
};

void kin__ioc_extractor_init(struct ioc_extractor *x, kin__ioc_fn fn, void *ctx);
void kin__ioc_extractor_release(struct ioc_extractor *x);
/* Finds the indicators of one run. Returns KIN_OK or KIN_NOMEM. */
kin_status kin__ioc_scan_run(struct ioc_extractor *x, const struct str_run *r);

/* Detectors (net.c, artefacts.c, extract.c): each reports through kin__ioc_report(). */
int kin__ioc_report(struct ioc_extractor *x,
                    const struct str_run *r,
                    uint32_t type,
                    int validity,
                    size_t start,
                    size_t len,
                    const char *detail);
/* kin__ioc_report() with IOC_HINT_* hints for the receiver. */
int kin__ioc_report_hinted(struct ioc_extractor *x,
                           const struct str_run *r,
                           uint32_t type,
                           int validity,
                           size_t start,
                           size_t len,
                           const char *detail,
                           uint32_t hints);
/* Whether [start, end) lies inside a URL or e-mail span already reported for this run. */
int kin__ioc_covered(const struct ioc_extractor *x, size_t start, size_t end);
kin_status kin__ioc_add_span(struct ioc_extractor *x, size_t start, size_t end);

kin_status kin__net_scan_urls(struct ioc_extractor *x, const struct str_run *r);
kin_status kin__net_scan_emails(struct ioc_extractor *x, const struct str_run *r);
void kin__net_scan_onions(struct ioc_extractor *x, const struct str_run *r);
void kin__net_scan_hosts(struct ioc_extractor *x, const struct str_run *r);
void kin__net_scan_ipv6(struct ioc_extractor *x, const struct str_run *r);
/* What a run contains, from one pass over it: detectors run only when their trigger is there. */
#define IOC_HAS_DOT       0x01u
#define IOC_HAS_COLON     0x02u
#define IOC_HAS_AT        0x04u
#define IOC_HAS_BACKSLASH 0x08u
#define IOC_HAS_SLASH     0x10u
#define IOC_HAS_ALNUM     0x20u

kin_status kin__artefacts_scan(struct ioc_extractor *x, const struct str_run *r, unsigned mask);

/* Reports the host at r->p[start..start+len) as a domain, IPv4, IPv6 or onion (from a URL). */
void kin__net_report_host(struct ioc_extractor *x,
                          const struct str_run *r,
                          size_t start,
                          size_t len);

/* ---- Indicators as evidence (evidence.c, common.c) ---- */

/*
 * Rank of a type as evidence of kinship, 0 strongest (crypto-currency addresses) to 5 (registry
 * keys, user agents); -1 for types never kept as evidence (file paths). The index keeps a
 * sample's indicators in this order up to KIN_MAX_SAMPLE_IOCS.
 */
int kin__ioc_evidence_rank(uint32_t type);
/* Whether a shared value of this type is strong evidence (a wallet, a C2 host, a build path). */
int kin__ioc_strong(uint32_t type);
/*
 * Writes the normalised form of an indicator value v[0..n) of the given type into out (cap
 * bytes, NUL-terminated): the form the index stores and compares. Returns its length, or 0 when
 * the value cannot be normalised (empty, longer than KIN_MAX_IOC_VALUE_LEN or cap - 1, an IPv6
 * address that does not parse).
 */
size_t kin__ioc_normalize(uint32_t type, const char *v, size_t n, char *out, size_t cap);
/*
 * Whether a normalised value is on the built-in list of ubiquitous values (common.c): returns
 * why (a static English phrase), or NULL when it is not listed. v is never NULL.
 */
const char *kin__ioc_common(uint32_t type, const char *v, size_t n);

#endif /* KIN_IOC_H */

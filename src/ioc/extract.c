/*
 * extract.c: finds the indicators of one printable run.
 *
 * One pass over the run classifies its bytes with a table: it notes which trigger characters
 * occur ('.', ':', '@', '\', '/') and hands every maximal alphanumeric token long enough to be a
 * crypto-currency address to the validator its length and first characters select. Then only
 * the detectors whose trigger occurred run, in an order where the wider indicator comes first:
 * URLs and e-mail addresses claim their span so that the names inside them are not reported
 * twice (a URL reports its host itself). Validation happens only on candidates.
 */
#include <string.h>

#include "ioc.h"

#define CLS_ALNUM 0x40u

/* Trigger classes by byte: IOC_HAS_* bits, plus CLS_ALNUM for letters and digits. */
static const uint8_t cls[256] = {
    ['.'] = IOC_HAS_DOT,   [':'] = IOC_HAS_COLON, ['@'] = IOC_HAS_AT, ['\\'] = IOC_HAS_BACKSLASH,
    ['/'] = IOC_HAS_SLASH, ['0'] = CLS_ALNUM,     ['1'] = CLS_ALNUM,  ['2'] = CLS_ALNUM,
    ['3'] = CLS_ALNUM,     ['4'] = CLS_ALNUM,     ['5'] = CLS_ALNUM,  ['6'] = CLS_ALNUM,
    ['7'] = CLS_ALNUM,     ['8'] = CLS_ALNUM,     ['9'] = CLS_ALNUM,  ['A'] = CLS_ALNUM,
    ['B'] = CLS_ALNUM,     ['C'] = CLS_ALNUM,     ['D'] = CLS_ALNUM,  ['E'] = CLS_ALNUM,
    ['F'] = CLS_ALNUM,     ['G'] = CLS_ALNUM,     ['H'] = CLS_ALNUM,  ['I'] = CLS_ALNUM,
    ['J'] = CLS_ALNUM,     ['K'] = CLS_ALNUM,     ['L'] = CLS_ALNUM,  ['M'] = CLS_ALNUM,
    ['N'] = CLS_ALNUM,     ['O'] = CLS_ALNUM,     ['P'] = CLS_ALNUM,  ['Q'] = CLS_ALNUM,
    ['R'] = CLS_ALNUM,     ['S'] = CLS_ALNUM,     ['T'] = CLS_ALNUM,  ['U'] = CLS_ALNUM,
    ['V'] = CLS_ALNUM,     ['W'] = CLS_ALNUM,     ['X'] = CLS_ALNUM,  ['Y'] = CLS_ALNUM,
    ['Z'] = CLS_ALNUM,     ['a'] = CLS_ALNUM,     ['b'] = CLS_ALNUM,  ['c'] = CLS_ALNUM,
    ['d'] = CLS_ALNUM,     ['e'] = CLS_ALNUM,     ['f'] = CLS_ALNUM,  ['g'] = CLS_ALNUM,
    ['h'] = CLS_ALNUM,     ['i'] = CLS_ALNUM,     ['j'] = CLS_ALNUM,  ['k'] = CLS_ALNUM,
    ['l'] = CLS_ALNUM,     ['m'] = CLS_ALNUM,     ['n'] = CLS_ALNUM,  ['o'] = CLS_ALNUM,
    ['p'] = CLS_ALNUM,     ['q'] = CLS_ALNUM,     ['r'] = CLS_ALNUM,  ['s'] = CLS_ALNUM,
    ['t'] = CLS_ALNUM,     ['u'] = CLS_ALNUM,     ['v'] = CLS_ALNUM,  ['w'] = CLS_ALNUM,
    ['x'] = CLS_ALNUM,     ['y'] = CLS_ALNUM,     ['z'] = CLS_ALNUM,
};

/* Shortest and longest alphanumeric tokens any address validator accepts. */
#define TOKEN_MIN 14  /* "BC1SW50QGDZ25J", a v16 segwit address */
#define TOKEN_MAX 106 /* an integrated Monero address */

void kin__ioc_extractor_init(struct ioc_extractor *x, kin__ioc_fn fn, void *ctx)
{
    memset(x, 0, sizeof(*x));
    x->fn = fn;
    x->ctx = ctx;
}

void kin__ioc_extractor_release(struct ioc_extractor *x)
{
    kin__free(x->spans);
    x->spans = NULL;
    x->span_count = x->span_cap = 0;
}

int kin__ioc_report(struct ioc_extractor *x,
                    const struct str_run *r,
                    uint32_t type,
                    int validity,
                    size_t start,
                    size_t len,
                    const char *detail)
{
    return kin__ioc_report_hinted(x, r, type, validity, start, len, detail, 0);
}

int kin__ioc_report_hinted(struct ioc_extractor *x,
                           const struct str_run *r,
                           uint32_t type,
                           int validity,
                           size_t start,
                           size_t len,
                           const char *detail,
                           uint32_t hints)
{
    if (x->stop) {
        return 1;
    }
    if ((validity == KIN_IOC_CHECKSUM_FAILED || validity == KIN_IOC_INVALID) &&
        !x->include_rejected) {
        return 0;
    }
    struct ioc_found f = {type, validity, start, len, detail ? detail : "", hints};
    if (x->fn(x->ctx, r, &f)) {
        x->stop = 1;
    }
    return x->stop;
}

int kin__ioc_covered(const struct ioc_extractor *x, size_t start, size_t end)
{
    for (size_t i = 0; i < x->span_count; i++) {
        if (start < x->spans[2 * i + 1] && x->spans[2 * i] < end) {
            return 1;
        }
    }
    return 0;
}

kin_status kin__ioc_add_span(struct ioc_extractor *x, size_t start, size_t end)
{
    if (x->span_count == x->span_cap) {
        size_t cap = x->span_cap ? x->span_cap * 2 : 16;
        size_t *v = kin__realloc(x->spans, cap * 2 * sizeof(*v));
        if (!v) {
            return KIN_NOMEM;
        }
        x->spans = v;
        x->span_cap = cap;
    }
    x->spans[2 * x->span_count] = start;
    x->spans[2 * x->span_count + 1] = end;
    x->span_count++;
    return KIN_OK;
}

/* Hands an alphanumeric token to the address validator its shape selects. */
static void crypto_token(struct ioc_extractor *x, const struct str_run *r, size_t s, size_t len)
{
    const char *t = r->p + s;
    const char *detail = "";
    char c0 = t[0], c1 = (char)(t[1] | 0x20);
    int v;
    if (len == 42 && c0 == '0' && c1 == 'x') {
        v = kin__eth_check(t, len, &detail);
        if (v != IOC_NONE) {
            kin__ioc_report(x, r, KIN_IOC_ETH, v, s, len, detail);
        }
        return;
    }
    if (len == 95 || len == 106) {
        v = kin__xmr_check(t, len, &detail);
        if (v != IOC_NONE) {
            kin__ioc_report(x, r, KIN_IOC_XMR, v, s, len, detail);
        }
        return;
    }
    if (len >= 25 && len <= 35 && (c0 == '1' || c0 == '3' || c0 == 'm' || c0 == 'n' || c0 == '2')) {
        v = kin__btc_base58_check(t, len, &detail);
        if (v != IOC_NONE) {
            kin__ioc_report(x, r, KIN_IOC_BTC, v, s, len, detail);
            return;
        }
    }
    if ((c0 | 0x20) == 'b' || (c0 | 0x20) == 't') {
        v = kin__btc_bech32_check(t, len, &detail);
        if (v != IOC_NONE) {
            kin__ioc_report(x, r, KIN_IOC_BTC, v, s, len, detail);
        }
    }
}

kin_status kin__ioc_scan_run(struct ioc_extractor *x, const struct str_run *r)
{
    const uint8_t *p = (const uint8_t *)r->p;
    size_t n = r->n, i = 0;
    unsigned mask = 0;
    x->span_count = 0;
    while (i < n) {
        unsigned c = cls[p[i]];
        if (!(c & CLS_ALNUM)) {
            mask |= c;
            i++;
            continue;
        }
        size_t s = i;
        while (i < n && (cls[p[i]] & CLS_ALNUM)) {
            i++;
        }
        /* Whole tokens only: "_0x..." and "x-1A1z..." count, "abc1A1z..." is one token. */
        if (i - s >= TOKEN_MIN && i - s <= TOKEN_MAX) {
            crypto_token(x, r, s, i - s);
        }
    }
    if (mask & IOC_HAS_COLON) {
        KIN_TRY(kin__net_scan_urls(x, r));
    }
    if (mask & IOC_HAS_AT) {
        KIN_TRY(kin__net_scan_emails(x, r));
    }
    if (mask & IOC_HAS_DOT) {
        kin__net_scan_onions(x, r);
        kin__net_scan_hosts(x, r);
    }
    if (mask & IOC_HAS_COLON) {
        kin__net_scan_ipv6(x, r);
    }
    if (mask & (IOC_HAS_DOT | IOC_HAS_BACKSLASH | IOC_HAS_SLASH)) {
        KIN_TRY(kin__artefacts_scan(x, r, mask));
    }
    return KIN_OK;
}

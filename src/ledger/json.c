/*
 * json.c: a minimal reader for the JSON-RPC answers of a Bitcoin node (rpc.c). It walks a
 * response in place, without building a tree: objects member by member, arrays element by
 * element, any value skipped iteratively (no recursion, so depth costs nothing), strings and
 * numbers returned as raw spans. The bytes come from a socket: every read is through span.h.
 * Only what bitcoind sends is needed: strings without escapes in the fields kin reads (hex,
 * chain names) and plain decimal numbers (amounts are fixed 8-decimal numbers).
 */
#include <string.h>

#include "ledger.h"

static void ws(struct jreader *r)
{
    uint8_t c;
    while (kin__span_u8(r->s, r->pos, &c) && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
        r->pos++;
    }
}

int kin__json_peek(struct jreader *r)
{
    uint8_t c;
    ws(r);
    return kin__span_u8(r->s, r->pos, &c) ? c : -1;
}

static int expect(struct jreader *r, uint8_t want)
{
    if (kin__json_peek(r) != want) {
        return 0;
    }
    r->pos++;
    return 1;
}

int kin__json_string(struct jreader *r, struct span *out)
{
    if (!expect(r, '"')) {
        return 0;
    }
    uint64_t start = r->pos;
    uint8_t c;
    while (kin__span_u8(r->s, r->pos, &c) && c != '"') {
        r->pos += c == '\\' ? 2 : 1;
    }
    if (!kin__span_u8(r->s, r->pos, &c) || c != '"') {
        return 0;
    }
    (void)kin__span_sub(r->s, start, r->pos - start, out);
    r->pos++;
    return 1;
}

int kin__json_scalar(struct jreader *r, struct span *out)
{
    uint64_t start;
    uint8_t c;
    ws(r);
    start = r->pos;
    while (kin__span_u8(r->s, r->pos, &c) &&
           ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' ||
            (c >= 'a' && c <= 'z'))) {
        r->pos++;
    }
    if (r->pos == start) {
        return 0;
    }
    (void)kin__span_sub(r->s, start, r->pos - start, out);
    return 1;
}

int kin__json_skip(struct jreader *r)
{
    uint64_t depth = 0;
    do {
        int c = kin__json_peek(r);
        struct span s;
        if (c == '"') {
            if (!kin__json_string(r, &s)) {
                return 0;
            }
        } else if (c == '{' || c == '[') {
            depth++;
            r->pos++;
        } else if (c == '}' || c == ']') {
            if (depth == 0) {
                return 0;
            }
            depth--;
            r->pos++;
        } else if (c == ',' || c == ':') {
            if (depth == 0) {
                return 0;
            }
            r->pos++;
        } else if (c < 0 || !kin__json_scalar(r, &s)) {
            return 0;
        }
    } while (depth > 0);
    return 1;
}

int kin__json_begin(struct jreader *r, int open, int *first)
{
    *first = 1;
    return expect(r, (uint8_t)open);
}

int kin__json_next(struct jreader *r, int close, int *first, struct span *key)
{
    int c = kin__json_peek(r);
    if (c == close) {
        r->pos++;
        return 0;
    }
    if (!*first && !expect(r, ',')) {
        r->bad = 1;
        return 0;
    }
    *first = 0;
    if (key && (!kin__json_string(r, key) || !expect(r, ':'))) {
        r->bad = 1;
        return 0;
    }
    return 1;
}

int kin__json_key_is(struct span key, const char *name)
{
    size_t n = strlen(name);
    return key.n == n && memcmp(key.p, name, n) == 0;
}

int kin__json_amount(struct span num, uint64_t *sat)
{
    uint64_t whole = 0, frac = 0;
    size_t i = 0, digits = 0, decimals = 0;
    for (; i < num.n && num.p[i] >= '0' && num.p[i] <= '9'; i++, digits++) {
        if (whole > MAX_MONEY / 10) {
            return 0;
        }
        whole = whole * 10 + (uint64_t)(num.p[i] - '0');
    }
    if (i < num.n && num.p[i] == '.') {
        for (i++; i < num.n && num.p[i] >= '0' && num.p[i] <= '9'; i++, decimals++) {
            if (decimals >= 8) {
                return 0;
            }
            frac = frac * 10 + (uint64_t)(num.p[i] - '0');
        }
    }
    if (i != num.n || digits == 0 || whole > MAX_MONEY / 100000000) {
        return 0;
    }
    while (decimals++ < 8) {
        frac *= 10;
    }
    *sat = whole * 100000000 + frac;
    return *sat <= MAX_MONEY;
}

int kin__json_u64(struct span num, uint64_t *v)
{
    uint64_t x = 0;
    if (num.n == 0 || num.n > 19) {
        return 0;
    }
    for (size_t i = 0; i < num.n; i++) {
        if (num.p[i] < '0' || num.p[i] > '9') {
            return 0;
        }
        x = x * 10 + (uint64_t)(num.p[i] - '0');
    }
    *v = x;
    return 1;
}

int kin__hex_decode(struct span hex, uint8_t *out, size_t cap, size_t *n)
{
    if (hex.n % 2 || hex.n / 2 > cap) {
        return 0;
    }
    for (size_t i = 0; i < hex.n; i += 2) {
        int v[2];
        for (int k = 0; k < 2; k++) {
            uint8_t c = hex.p[i + (size_t)k];
            v[k] = c >= '0' && c <= '9'   ? c - '0'
                   : c >= 'a' && c <= 'f' ? c - 'a' + 10
                   : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                          : -1;
            if (v[k] < 0) {
                return 0;
            }
        }
        out[i / 2] = (uint8_t)(v[0] << 4 | v[1]);
    }
    *n = hex.n / 2;
    return 1;
}

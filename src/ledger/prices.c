/*
 * prices.c: daily prices from a CSV file (date,price), to value transactions in a currency.
 *
 *   line   YYYY-MM-DD , price [, more fields ignored]    (fields may be double-quoted)
 *   price  digits [. digits]                              (no sign, no exponent)
 *
 * A first line that is not a date (a header), blank lines and '#' comments are skipped; CRLF is
 * accepted. Days are counted from 1970-01-01 (UTC) with the civil-from-days algorithm, so no
 * locale or time zone is involved. A lookup takes the price of the block's UTC day or, when the
 * file has a gap, of the latest earlier day within a week.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"
#include "ledger.h"

#define PRICE_MAX_GAP_DAYS 7

struct day_price {
    int64_t day;
    double price;
};

struct kin_prices {
    struct day_price *v;
    size_t count;
};

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Skips spaces and one opening quote; returns the new position. */
static const char *field_start(const char *p, const char *end, int *quoted)
{
    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }
    *quoted = p < end && *p == '"';
    return *quoted ? p + 1 : p;
}

static int parse_date(const char **pp, const char *end, int64_t *day)
{
    const char *p = *pp;
    unsigned v[3] = {0, 0, 0};
    size_t widths[3] = {4, 2, 2};
    for (int f = 0; f < 3; f++) {
        for (size_t i = 0; i < widths[f]; i++, p++) {
            if (p >= end || *p < '0' || *p > '9') {
                return 0;
            }
            v[f] = v[f] * 10 + (unsigned)(*p - '0');
        }
        if (f < 2) {
            if (p >= end || *p != '-') {
                return 0;
            }
            p++;
        }
    }
    static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > mdays[v[1] - 1]) {
        return 0;
    }
    *day = days_from_civil(v[0], v[1], v[2]);
    *pp = p;
    return 1;
}

static int parse_price(const char **pp, const char *end, double *price)
{
    const char *p = *pp;
    double v = 0, scale = 1;
    int digits = 0, frac = 0;
    for (; p < end; p++) {
        if (*p >= '0' && *p <= '9') {
            if (digits++ > 15) {
                return 0;
            }
            if (frac) {
                scale /= 10;
                v += (*p - '0') * scale;
            } else {
                v = v * 10 + (*p - '0');
            }
        } else if (*p == '.' && !frac) {
            frac = 1;
        } else {
            break;
        }
    }
    if (!digits) {
        return 0;
    }
    *price = v;
    *pp = p;
    return 1;
}

/* Parses one line [p, end). 1: a price; 0: nothing on it; -1: malformed. */
static int parse_line(const char *p, const char *end, struct day_price *out)
{
    int quoted;
    while (end > p && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    p = field_start(p, end, &quoted);
    if (p >= end || *p == '#') {
        return 0;
    }
    if (!parse_date(&p, end, &out->day)) {
        return -1;
    }
    if (quoted && (p >= end || *p++ != '"')) {
        return -1;
    }
    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }
    if (p >= end || *p++ != ',') {
        return -1;
    }
    p = field_start(p, end, &quoted);
    if (!parse_price(&p, end, &out->price)) {
        return -1;
    }
    if (quoted && (p >= end || *p++ != '"')) {
        return -1;
    }
    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }
    return p == end || *p == ',' ? 1 : -1;
}

static int day_cmp(const void *a, const void *b)
{
    const struct day_price *x = a, *y = b;
    return x->day < y->day ? -1 : x->day > y->day;
}

kin_status kin_prices_parse(const char *text, size_t size, struct kin_prices **out, size_t *bad)
{
    if (!out || (!text && size)) {
        return KIN_INVALID;
    }
    *out = NULL;
    struct kin_prices *p = kin__calloc(1, sizeof(*p));
    if (!p) {
        return KIN_NOMEM;
    }
    size_t cap = 0, line = 0;
    const char *s = text, *end = text + size;
    kin_status st = KIN_OK;
    while (s && s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        struct day_price dp;
        line++;
        int r = parse_line(s, le, &dp);
        if (r < 0 && line > 1) {
            if (bad) {
                *bad = line;
            }
            st = KIN_MALFORMED;
            break;
        }
        if (r > 0) {
            if (p->count >= KIN_MAX_LEDGER_PRICES) {
                st = KIN_LIMIT;
                break;
            }
            if (p->count == cap) {
                size_t ncap = cap ? cap * 2 : 256;
                struct day_price *nv = kin__realloc(p->v, ncap * sizeof(*nv));
                if (!nv) {
                    st = KIN_NOMEM;
                    break;
                }
                p->v = nv;
                cap = ncap;
            }
            p->v[p->count++] = dp;
        }
        s = nl ? nl + 1 : end;
    }
    if (st != KIN_OK) {
        kin_prices_free(p);
        return st;
    }
    if (p->count) {
        qsort(p->v, p->count, sizeof(*p->v), day_cmp);
    }
    *out = p;
    return KIN_OK;
}

void kin_prices_free(struct kin_prices *p)
{
    if (p) {
        kin__free(p->v);
        kin__free(p);
    }
}

int kin_prices_at(const struct kin_prices *p, int64_t time, double *price)
{
    if (!p || p->count == 0 || time < 0) {
        return 0;
    }
    int64_t day = time / 86400;
    size_t lo = 0, hi = p->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->v[mid].day <= day) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0 || day - p->v[lo - 1].day > PRICE_MAX_GAP_DAYS) {
        return 0;
    }
    *price = p->v[lo - 1].price;
    return 1;
}

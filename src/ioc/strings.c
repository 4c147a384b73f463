/*
 * strings.c: printable runs of a file, as strings(1) finds them: ASCII runs (bytes 0x20-0x7e and
 * tab) and UTF-16LE runs (such a byte followed by 0x00), each at least min_len characters.
 *
 * Speed matters (issue #5 asks 200 MB/s per core): the scan tests the last byte of each window
 * of min_len bytes first and, when it is not printable, jumps a whole window, so binary data is
 * mostly skipped without being read byte by byte (the Horspool idea). Every byte is still read
 * at most a small constant number of times. Runs longer than KIN_MAX_IOC_STRING_LEN are cut
 * into pieces; at most KIN_MAX_IOC_STRINGS runs are delivered per file.
 */
#include "../core/limits.h"
#include "ioc.h"

/* 1 for bytes strings(1) calls printable in its default (7-bit) mode. */
static const uint8_t printable[256] = {
    ['\t'] = 1, [' '] = 1, ['!'] = 1, ['"'] = 1, ['#'] = 1, ['$'] = 1,  ['%'] = 1, ['&'] = 1,
    ['\''] = 1, ['('] = 1, [')'] = 1, ['*'] = 1, ['+'] = 1, [','] = 1,  ['-'] = 1, ['.'] = 1,
    ['/'] = 1,  ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,  ['5'] = 1, ['6'] = 1,
    ['7'] = 1,  ['8'] = 1, ['9'] = 1, [':'] = 1, [';'] = 1, ['<'] = 1,  ['='] = 1, ['>'] = 1,
    ['?'] = 1,  ['@'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1,  ['E'] = 1, ['F'] = 1,
    ['G'] = 1,  ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,  ['M'] = 1, ['N'] = 1,
    ['O'] = 1,  ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,  ['U'] = 1, ['V'] = 1,
    ['W'] = 1,  ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['['] = 1, ['\\'] = 1, [']'] = 1, ['^'] = 1,
    ['_'] = 1,  ['`'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,  ['e'] = 1, ['f'] = 1,
    ['g'] = 1,  ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,  ['m'] = 1, ['n'] = 1,
    ['o'] = 1,  ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,  ['u'] = 1, ['v'] = 1,
    ['w'] = 1,  ['x'] = 1, ['y'] = 1, ['z'] = 1, ['{'] = 1, ['|'] = 1,  ['}'] = 1, ['~'] = 1,
};

struct scan {
    kin__str_fn fn;
    void *ctx;
    uint64_t count;
    int stop;
    int truncated;
    char *wide; /* UTF-16LE runs decoded to ASCII, KIN_MAX_IOC_STRING_LEN bytes */
};

/* Delivers one run (or piece); returns non-zero when the scan must stop. */
static int deliver(struct scan *sc, const char *p, size_t n, uint64_t offset, uint32_t encoding)
{
    if (sc->count >= KIN_MAX_IOC_STRINGS) {
        sc->truncated = 1;
        sc->stop = 1;
        return 1;
    }
    struct str_run r = {p, n, offset, encoding};
    sc->count++;
    if (sc->fn(sc->ctx, &r)) {
        sc->stop = 1;
    }
    return sc->stop;
}

/* Delivers an ASCII run [start, end) in pieces of at most KIN_MAX_IOC_STRING_LEN. */
static void ascii_run(struct scan *sc, struct span f, size_t start, size_t end, size_t min_len)
{
    while (start < end && !sc->stop) {
        size_t n = end - start;
        if (n > KIN_MAX_IOC_STRING_LEN) {
            n = KIN_MAX_IOC_STRING_LEN;
        }
        if (n < min_len) {
            return;
        }
        deliver(sc, (const char *)f.p + start, n, start, KIN_ENC_ASCII);
        start += n;
    }
}

static void scan_ascii(struct scan *sc, struct span f, size_t m)
{
    const uint8_t *p = f.p;
    size_t n = f.n, i = 0;
    while (!sc->stop && m <= n - i) {
        size_t k = i + m - 1; /* last byte of the window [i, i + m) */
        if (!printable[p[k]]) {
            i = k + 1;
            continue;
        }
        size_t q = k;
        while (q > i && printable[p[q - 1]]) {
            q--;
        }
        if (q > i) {
            i = q; /* a run could start at q; its window is checked next */
            continue;
        }
        size_t e = k + 1;
        while (e < n && printable[p[e]]) {
            e++;
        }
        ascii_run(sc, f, i, e, m);
        i = e;
    }
}

/* Whether the UTF-16LE code unit at i is a printable ASCII character. */
static int wide_ok(const uint8_t *p, size_t n, size_t i)
{
    return i + 1 < n && p[i + 1] == 0 && printable[p[i]];
}

static void wide_run(struct scan *sc, struct span f, size_t start, size_t end, size_t min_len)
{
    while (start < end && !sc->stop) {
        size_t chars = (end - start) / 2;
        if (chars > KIN_MAX_IOC_STRING_LEN) {
            chars = KIN_MAX_IOC_STRING_LEN;
        }
        if (chars < min_len) {
            return;
        }
        for (size_t j = 0; j < chars; j++) {
            sc->wide[j] = (char)f.p[start + 2 * j];
        }
        deliver(sc, sc->wide, chars, start, KIN_ENC_UTF16LE);
        start += 2 * chars;
    }
}

static void scan_wide(struct scan *sc, struct span f, size_t m)
{
    const uint8_t *p = f.p;
    size_t n = f.n, i = 0;
    size_t window = 2 * m; /* bytes of a run of m characters */
    while (!sc->stop && window <= n - i) {
        /*
         * A run of m units starting at s covers the units s, s+2, ..., s+2(m-1). If neither
         * the unit at k = i+2(m-1) nor the one at k+1 is printable, no run of m units starts
         * anywhere in [i, k+1]: skip past them.
         */
        size_t k = i + window - 2;
        if (!wide_ok(p, n, k) && !wide_ok(p, n, k + 1)) {
            i = k + 2;
            continue;
        }
        if (!wide_ok(p, n, i)) {
            i++;
            continue;
        }
        size_t e = i;
        while (wide_ok(p, n, e)) {
            e += 2;
        }
        if ((e - i) / 2 >= m) {
            wide_run(sc, f, i, e, m);
        }
        i = e;
    }
}

kin_status kin__strings_scan(
    struct span file, uint32_t min_len, kin__str_fn fn, void *ctx, uint64_t *count, int *truncated)
{
    struct scan sc = {fn, ctx, 0, 0, 0, NULL};
    size_t m = min_len ? min_len : 1;
    if (m > KIN_MAX_IOC_STRING_LEN) {
        m = KIN_MAX_IOC_STRING_LEN;
    }
    sc.wide = kin__malloc(KIN_MAX_IOC_STRING_LEN);
    if (!sc.wide) {
        return KIN_NOMEM;
    }
    scan_ascii(&sc, file, m);
    scan_wide(&sc, file, m);
    kin__free(sc.wide);
    *count = sc.count;
    *truncated = sc.truncated;
    return KIN_OK;
}

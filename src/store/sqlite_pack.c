/*
 * sqlite_pack.c: the packed function lists of band postings (schema 4). A row of band_postings
 * is one (band value, sample) pair; its funcs column lists the functions of that sample holding
 * the value: ascending function indexes, STORE_PACK_BYTES little-endian bytes each. The SQL
 * aggregate kin_pack(func) builds such a list (the merge and migration 004 use it), and
 * kin__sqlite_unpack() reads one back, refusing any list that is not well formed.
 *
 * Why: a band value is held by several functions of the same samples (measured on the npm
 * corpus: 5.6 function postings per (value, sample) pair), and a query reads postings row by
 * row, so one row per pair is that many times fewer rows to step through (decision 0001).
 */
#include <stdlib.h>
#include <string.h>

#include "sqlite_int.h"

_Static_assert(STORE_FUNC_BITS <= 8 * STORE_PACK_BYTES, "function indexes fit a packed entry");

/* The aggregate's state: the function indexes met so far (kin__malloc vector). */
struct pack_ctx {
    uint32_t *v;
    size_t count, cap;
    int failed; /* out of memory, or an index out of range: the result is an error */
};

static void pack_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct pack_ctx *p = sqlite3_aggregate_context(ctx, (int)sizeof(*p));
    (void)argc;
    if (!p) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (p->failed) {
        return;
    }
    sqlite3_int64 f = sqlite3_value_int64(argv[0]);
    if (f < 0 || f >= ((sqlite3_int64)1 << STORE_FUNC_BITS) ||
        p->count >= ((size_t)1 << STORE_FUNC_BITS)) {
        p->failed = 2;
        return;
    }
    if (p->count == p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 8;
        uint32_t *n = kin__realloc(p->v, ncap * sizeof(*n));
        if (!n) {
            p->failed = 1;
            return;
        }
        p->v = n;
        p->cap = ncap;
    }
    p->v[p->count++] = (uint32_t)f;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void pack_final(sqlite3_context *ctx)
{
    struct pack_ctx *p = sqlite3_aggregate_context(ctx, 0);
    if (!p || !p->count) {
        sqlite3_result_zeroblob(ctx, 0);
    } else if (p->failed == 1) {
        sqlite3_result_error_nomem(ctx);
    } else if (p->failed) {
        sqlite3_result_error(ctx, "kin_pack: function index out of range", -1);
    } else {
        /* Sorted, each index once, then encoded in place (an entry never outgrows a uint32). */
        qsort(p->v, p->count, sizeof(*p->v), cmp_u32);
        uint8_t *out = (uint8_t *)p->v;
        size_t n = 0;
        uint32_t last = 0;
        for (size_t i = 0; i < p->count; i++) {
            uint32_t f = p->v[i]; /* read before the bytes it occupied are overwritten */
            if (i > 0 && f == last) {
                continue;
            }
            last = f;
            for (size_t b = 0; b < STORE_PACK_BYTES; b++) {
                out[n * STORE_PACK_BYTES + b] = (uint8_t)(f >> (8 * b));
            }
            n++;
        }
        sqlite3_result_blob(ctx, out, (int)(n * STORE_PACK_BYTES), SQLITE_TRANSIENT);
    }
    if (p) {
        kin__free(p->v);
        p->v = NULL;
    }
}

kin_status kin__sqlite_register_pack(struct sqlite_store *s)
{
    int rc = sqlite3_create_function_v2(s->db, "kin_pack", 1,
                                        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                                        NULL, NULL, pack_step, pack_final, NULL);
    return rc == SQLITE_OK ? KIN_OK : kin__sqlite_error(s, rc, "registering kin_pack");
}

kin_status
kin__sqlite_unpack(const void *blob, size_t size, uint32_t *out, size_t out_cap, size_t *count)
{
    const uint8_t *p = blob;
    *count = 0;
    if (size == 0 || size % STORE_PACK_BYTES != 0 || !p) {
        return KIN_MALFORMED;
    }
    size_t n = size / STORE_PACK_BYTES;
    if (n > out_cap) {
        return KIN_LIMIT;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t f = 0;
        for (size_t b = 0; b < STORE_PACK_BYTES; b++) {
            f |= (uint32_t)p[i * STORE_PACK_BYTES + b] << (8 * b);
        }
        /* Ascending and in range, as kin_pack writes them. */
        if (f >= ((uint32_t)1 << STORE_FUNC_BITS) || (i > 0 && f <= out[i - 1])) {
            return KIN_MALFORMED;
        }
        out[i] = f;
    }
    *count = n;
    return KIN_OK;
}

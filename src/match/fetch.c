/*
 * fetch.c: the indexed functions stage 2 compares, read in id order before it starts. Stage 2
 * goes query function by query function, and each one's occurrences lie in many samples: read
 * in that order every fetch is a seek to another page of the functions table. Function ids
 * are (sample << STORE_FUNC_BITS) | index, so reading the distinct occurrences of the verified
 * samples sorted by id reads each page once, in file order.
 *
 * At most KIN_MAX_MATCH_FETCH functions are read ahead; kin__match_function() reads any other
 * from the store, so the cap bounds memory, never the result.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"
#include "match_int.h"

static uint64_t function_id(int64_t sample, uint32_t func)
{
    return ((uint64_t)sample << STORE_FUNC_BITS) | func;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

kin_status kin__match_fetch(struct match_state *m)
{
    struct store *s = m->store;
    size_t n = 0;
    for (size_t i = 0; i < m->hit_count; i++) {
        n += m->samples[m->hits[i].sample].verify;
    }
    n = n < KIN_MAX_MATCH_FETCH ? n : KIN_MAX_MATCH_FETCH;
    if (n == 0) {
        return KIN_OK;
    }
    uint64_t *ids = kin__malloc(n * sizeof(*ids));
    if (!ids) {
        return KIN_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < m->hit_count && k < n; i++) {
        const struct match_hit *h = &m->hits[i];
        const struct match_sample *ms = &m->samples[h->sample];
        if (ms->verify) {
            ids[k++] = function_id(ms->id, h->func);
        }
    }
    qsort(ids, k, sizeof(*ids), cmp_u64);
    size_t distinct = 0;
    for (size_t i = 0; i < k; i++) {
        if (i == 0 || ids[i] != ids[i - 1]) {
            ids[distinct++] = ids[i];
        }
    }
    m->fetched = kin__malloc(distinct * sizeof(*m->fetched));
    if (!m->fetched) {
        kin__free(ids);
        return KIN_NOMEM;
    }
    kin_status st = KIN_OK;
    for (size_t i = 0; i < distinct && st == KIN_OK; i++) {
        struct match_fetched *f = &m->fetched[m->fetched_count];
        int64_t sample = (int64_t)(ids[i] >> STORE_FUNC_BITS);
        uint32_t func = (uint32_t)(ids[i] & ((1u << STORE_FUNC_BITS) - 1));
        st = s->ops->get_function(s, sample, func, &f->fn);
        if (st == KIN_NOTFOUND) {
            st = KIN_OK; /* removed since its postings were read: not in this snapshot */
            continue;
        }
        f->id = ids[i];
        f->fn.name = NULL;
        m->fetched_count += st == KIN_OK;
    }
    kin__free(ids);
    return st;
}

kin_status kin__match_function(struct match_state *m,
                               int64_t sample,
                               uint32_t func,
                               struct store_function *out)
{
    uint64_t id = function_id(sample, func);
    size_t lo = 0, hi = m->fetched_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->fetched[mid].id == id) {
            *out = m->fetched[mid].fn;
            return KIN_OK;
        }
        if (m->fetched[mid].id < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return m->store->ops->get_function(m->store, sample, func, out);
}

/*
 * postings.c: the keys of a query and their postings, read once per distinct key. Every
 * evidence function has KIN_MATCH_KEYS keys (its exact hash and its band values); many repeat
 * across the query's functions (compiler boilerplate, Go's generated equality functions), so
 * the keys are sorted, deduplicated and looked up in key order, in batches, each once.
 *
 * A key is over a cap, and its postings are not kept, when the query itself holds it in more
 * than max_query_dups functions (boilerplate: decided from the query alone), or when more than
 * max_samples samples or more than family_cap labelled families hold it (labels.c). Frequencies are
 * read first; postings only for keys that may be within the caps once the excluded samples are
 * taken away, and the caps are then applied to what the exclusion filter leaves, so a key is
 * over exactly when it would be in an index built without the excluded samples.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"
#include "match_int.h"

#define BATCH 64 /* keys per store lookup */

/* A key of one evidence function, before deduplication. */
struct qk {
    uint64_t value;
    uint32_t band;
    uint32_t kind; /* enum store_kind */
    uint32_t slot; /* function * KIN_MATCH_KEYS + key number */
};

static int cmp_qk(const void *a, const void *b)
{
    const struct qk *x = a, *y = b;
    if (x->kind != y->kind) {
        return x->kind < y->kind ? -1 : 1;
    }
    if (x->band != y->band) {
        return x->band < y->band ? -1 : 1;
    }
    /* The store's order: signed values. */
    int64_t vx = (int64_t)x->value, vy = (int64_t)y->value;
    return vx < vy ? -1 : vx > vy;
}

/* Appends the postings of one key that survive the exclusion filter, unless over a cap. */
static void keep_postings(struct match_state *m,
                          struct match_key *k,
                          const struct store_posting *p,
                          size_t count)
{
    const struct match_params *prm = m->p;
    uint64_t samples = 0, families = 0;
    int64_t last_sample = 0, last_family = 0;
    m->stats->postings += count;
    /* Postings come sorted by (family, sample, func): count distinct ones in one pass. */
    for (size_t i = 0; i < count; i++) {
        if (kin__match_is_excluded(m, p[i].sample)) {
            continue;
        }
        if (samples == 0 || p[i].sample != last_sample) {
            samples++;
            last_sample = p[i].sample;
        }
        if (p[i].family > 0 && p[i].family != last_family) {
            families++;
            last_family = p[i].family;
        }
    }
    if (samples > prm->max_samples || families > m->family_cap) {
        m->stats->keys_after_filter++;
        k->over = 1;
        return;
    }
    if (m->post_count + count > KIN_MAX_MATCH_POSTINGS) {
        m->hits_truncated = 1;
        k->over = 1;
        return;
    }
    if (m->post_count + count > m->post_cap) {
        size_t ncap = m->post_cap ? m->post_cap : 4096;
        while (ncap < m->post_count + count) {
            ncap *= 2;
        }
        struct match_kpost *n = kin__realloc(m->posts, ncap * sizeof(*n));
        if (!n) {
            m->nomem = 1;
            return;
        }
        m->posts = n;
        m->post_cap = ncap;
    }
    k->post_begin = m->post_count;
    for (size_t i = 0; i < count; i++) {
        if (kin__match_is_excluded(m, p[i].sample)) {
            continue;
        }
        int64_t slot = kin__match_sample_slot(m, p[i].sample, p[i].family);
        if (slot < 0) {
            m->nomem = 1;
            return;
        }
        m->posts[m->post_count].sample = (uint32_t)slot;
        m->posts[m->post_count].func = p[i].func;
        m->post_count++;
    }
    k->post_count = (uint32_t)(m->post_count - k->post_begin);
}

struct batch {
    struct match_state *m;
    struct match_key *keys[BATCH]; /* the key of each looked-up position */
    struct store_freq freq[BATCH];
    uint8_t found[BATCH];
};

static int on_freq(void *ctx,
                   size_t key_index,
                   const struct store_freq *freq,
                   const struct store_posting *p,
                   size_t count)
{
    struct batch *b = ctx;
    (void)p;
    (void)count;
    if (key_index < BATCH) {
        b->freq[key_index] = *freq;
        b->found[key_index] = 1;
    }
    return 0;
}

static int on_postings(void *ctx,
                       size_t key_index,
                       const struct store_freq *freq,
                       const struct store_posting *p,
                       size_t count)
{
    struct batch *b = ctx;
    if (key_index >= BATCH) {
        return 0;
    }
    if (count == 0 && freq->samples > 0) {
        b->keys[key_index]->over = 1; /* withheld: not expected after phase 1, but safe */
        return 0;
    }
    keep_postings(b->m, b->keys[key_index], p, count);
    return b->m->nomem;
}

/* Looks up keys[0..n) (one kind, sorted): frequencies, then the postings of those that pass. */
static kin_status
lookup_batch(struct match_state *m, enum store_kind kind, struct match_key **keys, size_t n)
{
    struct store *s = m->store;
    struct store_key sk[BATCH];
    struct batch b;
    uint64_t max_s = m->p->max_samples + (uint64_t)m->excluded_count;
    uint64_t max_f = m->family_cap + (uint64_t)m->excluded_families;
    memset(&b, 0, sizeof(b));
    b.m = m;
    for (size_t i = 0; i < n; i++) {
        sk[i].value = keys[i]->value;
        sk[i].band = keys[i]->band;
    }
    KIN_TRY(s->ops->lookup(s, kind, sk, n, 0, on_freq, &b));
    size_t np = 0;
    for (size_t i = 0; i < n; i++) {
        if (!b.found[i]) {
            continue;
        }
        m->stats->keys++;
        if (b.freq[i].samples > max_s || b.freq[i].families > max_f) {
            m->stats->keys_capped++;
            keys[i]->over = 1;
            continue;
        }
        sk[np] = sk[i];
        b.keys[np] = keys[i];
        np++;
    }
    if (!np) {
        return KIN_OK;
    }
    KIN_TRY(s->ops->lookup(s, kind, sk, np, max_s, on_postings, &b));
    return m->nomem ? KIN_NOMEM : KIN_OK;
}

/*
 * Sorts v[0..n) into cmp_qk's order: by kind and band (one counting pass), then by signed
 * value (an LSD radix sort of 16-bit digits, run first; every pass is stable). A Go program's
 * query has 600,000 keys, where qsort with a call per comparison took a fifth of the index
 * part. Few keys: qsort. Returns -1 when out of memory.
 */
#define QK_DIGIT 16
static int sort_keys(struct qk *v, size_t n)
{
    if (n < 4096) {
        qsort(v, n, sizeof(*v), cmp_qk);
        return 0;
    }
    struct qk *tmp = kin__malloc(n * sizeof(*tmp));
    size_t *count = kin__malloc(((size_t)1 << QK_DIGIT) * sizeof(*count));
    if (!tmp || !count) {
        kin__free(tmp);
        kin__free(count);
        return -1;
    }
    struct qk *from = v, *to = tmp;
    const uint64_t flip = (uint64_t)1 << 63; /* signed order as unsigned */
    const size_t digits = (size_t)1 << QK_DIGIT;
    /* Passes 0-3: value digits, least significant first; pass 4: kind then band. */
    for (unsigned pass = 0; pass < 5; pass++) {
        size_t buckets = pass < 4 ? digits : 2 * ((size_t)KIN_LSH_BANDS + 1);
        memset(count, 0, buckets * sizeof(*count));
        for (size_t i = 0; i < n; i++) {
            size_t d = pass < 4
                           ? (size_t)(((from[i].value ^ flip) >> (QK_DIGIT * pass)) & (digits - 1))
                           : from[i].kind * (KIN_LSH_BANDS + 1) + from[i].band;
            count[d]++;
        }
        size_t sum = 0;
        for (size_t d = 0; d < buckets; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t d = pass < 4
                           ? (size_t)(((from[i].value ^ flip) >> (QK_DIGIT * pass)) & (digits - 1))
                           : from[i].kind * (KIN_LSH_BANDS + 1) + from[i].band;
            to[count[d]++] = from[i];
        }
        struct qk *t = from;
        from = to;
        to = t;
    }
    if (from != v) {
        memcpy(v, from, n * sizeof(*v));
    }
    kin__free(tmp);
    kin__free(count);
    return 0;
}

static void key_values(const struct kin_function *f, uint64_t *values)
{
    values[0] = f->pichash;
    kin_minhash_bands(f->minhash, values + 1);
}

kin_status kin__match_keys(struct match_state *m)
{
    size_t n = m->qf_count * KIN_MATCH_KEYS;
    struct qk *v = kin__calloc(n ? n : 1, sizeof(*v));
    m->key_of = kin__calloc(n ? n : 1, sizeof(*m->key_of));
    if (!v || !m->key_of) {
        kin__free(v);
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < m->qf_count; i++) {
        uint64_t values[KIN_MATCH_KEYS];
        key_values(m->qf[i].f, values);
        for (uint32_t j = 0; j < KIN_MATCH_KEYS; j++) {
            struct qk *k = &v[i * KIN_MATCH_KEYS + j];
            k->value = values[j];
            k->kind = j == 0 ? STORE_PIC : STORE_BAND;
            k->band = j == 0 ? 0 : j - 1;
            k->slot = (uint32_t)(i * KIN_MATCH_KEYS + j);
        }
    }
    if (sort_keys(v, n) != 0) {
        kin__free(v);
        return KIN_NOMEM;
    }
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        distinct += i == 0 || cmp_qk(&v[i], &v[i - 1]) != 0;
    }
    m->keys = kin__calloc(distinct ? distinct : 1, sizeof(*m->keys));
    if (!m->keys) {
        kin__free(v);
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || cmp_qk(&v[i], &v[i - 1]) != 0) {
            struct match_key *k = &m->keys[m->key_count++];
            k->value = v[i].value;
            k->band = v[i].band;
            k->kind = (uint8_t)v[i].kind;
        }
        m->keys[m->key_count - 1].mult++;
        m->key_of[v[i].slot] = (uint32_t)(m->key_count - 1);
    }
    kin__free(v);
    /* Look the keys up in order, in batches of one kind; boilerplate keys are not looked up. */
    struct match_key *batch[BATCH];
    size_t nb = 0;
    kin_status st = KIN_OK;
    for (size_t i = 0; i <= m->key_count && st == KIN_OK; i++) {
        struct match_key *k = i < m->key_count ? &m->keys[i] : NULL;
        if (nb && (!k || nb == BATCH || k->kind != batch[0]->kind)) {
            st = lookup_batch(m, (enum store_kind)batch[0]->kind, batch, nb);
            nb = 0;
        }
        if (!k) {
            break;
        }
        if (k->mult > m->p->max_query_dups) {
            k->over = MATCH_OVER_REPEATED;
            m->stats->keys_boilerplate++;
            continue;
        }
        batch[nb++] = k;
    }
    return st;
}

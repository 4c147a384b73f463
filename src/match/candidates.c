/*
 * candidates.c: stage 1 of attribution. For each evidence function of the query, reads the
 * postings of its exact hash and of its KIN_LSH_BANDS band values, drops excluded samples,
 * applies the caps, and keeps its occurrences: indexed functions with the same exact hash or
 * at least min_bands equal band values. From them it learns in how many families and actors
 * the function occurs (its rarity), whether library code holds it, and a cheap score per
 * sample that picks the samples stage 2 verifies.
 *
 * Caps (MCRIT's issues #69 and #107: Go runtime code held by every Go sample exploded memory):
 * postings.c reads each distinct key once and keeps no postings for keys over a cap; a function
 * is common, and weightless, when its exact hash or at least common_bands of its band values
 * are over a cap.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"
#include "match_int.h"

/* A posting of one query function, before aggregation. */
struct raw {
    uint32_t sample; /* slot */
    uint32_t func;
    uint32_t exact; /* 1: from the exact hash; 0: from a band */
};

struct q_ctx {
    struct match_state *m;
    struct raw *v;
    size_t count, cap;
    struct raw *tmp; /* radix sort scratch, tmp_cap entries */
    size_t tmp_cap;
    uint32_t over_bands; /* band keys over a cap */
    uint32_t rep_bands;  /* ... of which repeated within the query */
    int pic_over;        /* the exact hash is over a cap (MATCH_OVER_*) */
    int nomem;
};

/*
 * Distinct values of a MinHash: below KIN_MINHASH_SIZE when the function had few features
 * (empty bins are filled with copies), so a proxy for how much the signature says.
 */
static uint32_t distinct_values(const uint32_t *mh)
{
    /* An open-addressing set of twice the values' count (called for every query function). */
    enum { SLOTS = 2 * KIN_MINHASH_SIZE };
    uint32_t v[SLOTS];
    uint8_t used[SLOTS];
    uint32_t d = 0;
    memset(used, 0, sizeof(used));
    for (size_t i = 0; i < KIN_MINHASH_SIZE; i++) {
        uint32_t x = mh[i];
        size_t h = (x * 2654435761u) % SLOTS;
        while (used[h] && v[h] != x) {
            h = (h + 1) % SLOTS;
        }
        if (!used[h]) {
            used[h] = 1;
            v[h] = x;
            d++;
        }
    }
    return d;
}

/*
 * Small functions, thunks, and functions whose signature has too few features are not evidence:
 * their hashes and band values are shared by unrelated code (measured in
 * docs/ATTRIBUTION-ENGINE.md: functions under 32 bytes drew three quarters of all postings).
 */
int kin__match_is_evidence(const struct match_params *p, const struct kin_function *f)
{
    if (f->flags & (KIN_FUNC_SMALL | KIN_FUNC_THUNK)) {
        return 0;
    }
    return f->size >= p->min_size && distinct_values(f->minhash) >= p->min_distinct;
}

static int push_raw(struct q_ctx *c, uint32_t sample, uint32_t func, uint32_t exact)
{
    if (c->count == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 256;
        struct raw *n = kin__realloc(c->v, ncap * sizeof(*n));
        if (!n) {
            c->nomem = 1;
            return -1;
        }
        c->v = n;
        c->cap = ncap;
    }
    struct raw *r = &c->v[c->count++];
    r->sample = sample;
    r->func = func;
    r->exact = exact;
    return 0;
}

/* The sort key of a raw posting: sample slot, then function index. */
static uint64_t raw_key(const struct raw *r)
{
    return ((uint64_t)r->sample << STORE_FUNC_BITS) | r->func;
}

#define RADIX_BITS 11 /* digits of the radix sort */

/*
 * Sorts c->v by (sample, func), which is all the merge of runs needs. A function's raw
 * postings number in the hundreds to thousands, one sort per query function: an LSD radix sort
 * over the bits the keys use (insertion sort when few) instead of qsort with its calls per
 * comparison (measured: qsort was a tenth of a query's time at 8 million indexed functions).
 */
static int sort_raw(struct q_ctx *c)
{
    size_t n = c->count;
    if (n < 48) {
        for (size_t i = 1; i < n; i++) {
            struct raw x = c->v[i];
            uint64_t kx = raw_key(&x);
            size_t j = i;
            while (j > 0 && raw_key(&c->v[j - 1]) > kx) {
                c->v[j] = c->v[j - 1];
                j--;
            }
            c->v[j] = x;
        }
        return 0;
    }
    if (c->tmp_cap < n) {
        struct raw *t = kin__realloc(c->tmp, c->cap * sizeof(*t));
        if (!t) {
            c->nomem = 1;
            return -1;
        }
        c->tmp = t;
        c->tmp_cap = c->cap;
    }
    uint64_t max = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = raw_key(&c->v[i]);
        max = k > max ? k : max;
    }
    struct raw *from = c->v, *to = c->tmp;
    for (unsigned shift = 0; shift < 64 && (max >> shift) != 0; shift += RADIX_BITS) {
        size_t count[(1u << RADIX_BITS) + 1];
        memset(count, 0, sizeof(count));
        for (size_t i = 0; i < n; i++) {
            count[((raw_key(&from[i]) >> shift) & ((1u << RADIX_BITS) - 1)) + 1]++;
        }
        for (size_t d = 1; d <= (1u << RADIX_BITS); d++) {
            count[d] += count[d - 1];
        }
        for (size_t i = 0; i < n; i++) {
            to[count[(raw_key(&from[i]) >> shift) & ((1u << RADIX_BITS) - 1)]++] = from[i];
        }
        struct raw *t = from;
        from = to;
        to = t;
    }
    if (from != c->v) {
        memcpy(c->v, from, n * sizeof(*c->v));
    }
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static uint32_t count_distinct(int64_t *v, size_t n)
{
    uint32_t d = 0;
    qsort(v, n, sizeof(*v), cmp_key);
    for (size_t i = 0; i < n; i++) {
        d += i == 0 || v[i] != v[i - 1];
    }
    return d;
}

static kin_status push_hit(struct match_state *m, const struct match_hit *h)
{
    if (m->hit_count >= KIN_MAX_MATCH_HITS) {
        m->hits_truncated = 1;
        return KIN_OK;
    }
    if (m->hit_count == m->hit_cap) {
        size_t ncap = m->hit_cap ? m->hit_cap * 2 : 4096;
        struct match_hit *n = kin__realloc(m->hits, ncap * sizeof(*n));
        if (!n) {
            return KIN_NOMEM;
        }
        m->hits = n;
        m->hit_cap = ncap;
    }
    m->hits[m->hit_count++] = *h;
    return KIN_OK;
}

/* Scratch for the family and actor keys of one function's occurrences. */
struct keys {
    int64_t *fam, *act;
    size_t cap;
};

static kin_status keys_reserve(struct keys *k, size_t n)
{
    if (n <= k->cap) {
        return KIN_OK;
    }
    size_t ncap = k->cap ? k->cap : 64;
    while (ncap < n) {
        ncap *= 2;
    }
    int64_t *a = kin__realloc(k->fam, ncap * sizeof(*a));
    if (!a) {
        return KIN_NOMEM;
    }
    k->fam = a;
    int64_t *b = kin__realloc(k->act, ncap * sizeof(*b));
    if (!b) {
        return KIN_NOMEM;
    }
    k->act = b;
    k->cap = ncap;
    return KIN_OK;
}

/* Aggregates the raw postings of one function into its occurrences and rarity. */
static kin_status
occurrences(struct match_state *m, struct q_ctx *c, struct match_qfunc *qf, struct keys *k)
{
    const struct match_params *p = m->p;
    if (sort_raw(c) != 0) {
        return KIN_NOMEM;
    }
    /*
     * Merge (sample, func) runs: exact flag and number of bands. Rarity counts looser
     * occurrences (rarity_bands) than evidence does (min_bands): a runtime function of another
     * version is a weaker neighbour, but a neighbour all the same.
     */
    uint32_t keep = p->rarity_bands < p->min_bands ? p->rarity_bands : p->min_bands;
    size_t n = 0;
    for (size_t i = 0; i < c->count;) {
        size_t j = i;
        uint32_t bands = 0, exact = 0;
        while (j < c->count && c->v[j].sample == c->v[i].sample && c->v[j].func == c->v[i].func) {
            if (c->v[j].exact) {
                exact = 1;
            } else {
                bands++;
            }
            j++;
        }
        if (exact || bands >= keep) {
            c->v[n].sample = c->v[i].sample;
            c->v[n].func = c->v[i].func;
            c->v[n].exact = exact | (bands << 1);
            n++;
        }
        i = j;
    }
    KIN_TRY(keys_reserve(k, n ? n : 1));
    size_t labelled = 0;
    for (size_t i = 0; i < n; i++) {
        const struct match_sample *s = &m->samples[c->v[i].sample];
        k->fam[i] = s->fam ? s->fam->id : -s->id;
        k->act[i] = kin__match_actor_key(s->fam, s->id);
        if (s->fam) {
            labelled++;
            if (s->fam->kind == KIN_FAMILY_LIBRARY) {
                qf->library = 1;
            }
        }
    }
    qf->families = count_distinct(k->fam, n);
    qf->actors = count_distinct(k->act, n);
    /* Labelled families: the distinct positive keys, at the end of the sorted array. */
    uint32_t labelled_families = 0;
    for (size_t i = 0; i < n && labelled; i++) {
        labelled_families += k->fam[i] > 0 && (i == 0 || k->fam[i] != k->fam[i - 1]);
    }
    /*
     * Common: over an index cap. Repeated: many exact copies in the query, or every band value
     * repeated (generated code); a function with only some band values repeated just has fewer
     * keys to be found by (they are not looked up).
     */
    if (c->pic_over == MATCH_OVER_REPEATED || c->rep_bands == KIN_LSH_BANDS) {
        qf->common = 1;
        qf->repeated = 1;
    } else if (c->pic_over == MATCH_OVER_INDEX || c->over_bands - c->rep_bands >= p->common_bands ||
               labelled_families > m->family_cap) {
        qf->common = 1;
    }
    qf->hit_begin = (uint32_t)m->hit_count;
    if (qf->library || qf->common) {
        return KIN_OK;
    }
    for (size_t i = 0; i < n; i++) {
        struct match_hit h;
        if (!(c->v[i].exact & 1) && (c->v[i].exact >> 1) < p->min_bands) {
            continue; /* a neighbour for rarity only */
        }
        h.sample = c->v[i].sample;
        h.func = c->v[i].func;
        h.exact = (uint8_t)(c->v[i].exact & 1);
        h.bands = (uint8_t)(c->v[i].exact >> 1);
        KIN_TRY(push_hit(m, &h));
    }
    qf->hit_count = (uint32_t)(m->hit_count - qf->hit_begin);
    return KIN_OK;
}

/* Adds a function's stage-1 weight to the samples holding it (the best occurrence each). */
static void stage1_scores(struct match_state *m, const struct match_qfunc *qf)
{
    double w = (double)qf->f->size * kin__match_family_weight(qf);
    for (uint32_t i = 0; i < qf->hit_count;) {
        const struct match_hit *h = &m->hits[qf->hit_begin + i];
        double best = 0;
        uint32_t j = i;
        while (j < qf->hit_count && m->hits[qf->hit_begin + j].sample == h->sample) {
            const struct match_hit *x = &m->hits[qf->hit_begin + j];
            double st = x->exact ? 1.0 : (double)x->bands / KIN_LSH_BANDS;
            best = st > best ? st : best;
            j++;
        }
        m->samples[h->sample].stage1 += w * best;
        i = j;
    }
}

static int cmp_stage1_desc(const void *a, const void *b)
{
    const struct match_sample *const *x = a, *const *y = b;
    if ((*x)->stage1 != (*y)->stage1) {
        return (*x)->stage1 > (*y)->stage1 ? -1 : 1;
    }
    return (*x)->id < (*y)->id ? -1 : (*x)->id > (*y)->id;
}

/*
 * Picks the samples stage 2 verifies: the top_samples best of each of the top_families best
 * families (by their best sample), so every family that can be reported is scored on its own
 * samples rather than crowded out by one family with many.
 */
static kin_status select_samples(struct match_state *m)
{
    const struct match_params *p = m->p;
    if (!m->sample_count) {
        return KIN_OK;
    }
    struct match_sample **order = kin__calloc(m->sample_count, sizeof(struct match_sample *));
    if (!order) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < m->sample_count; i++) {
        order[i] = &m->samples[i];
    }
    qsort(order, m->sample_count, sizeof(struct match_sample *), cmp_stage1_desc);
    for (size_t i = 0; i < m->family_count; i++) {
        m->families[i].stage1 = 0;
    }
    /* Family rank: the order in which its best sample appears. */
    uint32_t *taken = kin__calloc(m->family_count ? m->family_count : 1, sizeof(*taken));
    if (!taken) {
        kin__free(order);
        return KIN_NOMEM;
    }
    uint32_t families = 0;
    for (size_t i = 0; i < m->sample_count; i++) {
        struct match_sample *s = order[i];
        if (!s->fam || s->fam->kind == KIN_FAMILY_LIBRARY || s->stage1 <= 0) {
            continue;
        }
        size_t f = s->fam->slot;
        if (taken[f] == 0) {
            if (families >= p->top_families) {
                continue;
            }
            families++;
            s->fam->stage1 = s->stage1;
        }
        if (taken[f] < p->top_samples) {
            taken[f]++;
            s->verify = 1;
            m->stats->samples_verified++;
        }
    }
    kin__free(taken);
    kin__free(order);
    return KIN_OK;
}

kin_status kin__match_stage1(struct match_state *m)
{
    const struct match_query *q = m->q;
    struct q_ctx c;
    struct keys k;
    kin_status st = KIN_OK;
    memset(&c, 0, sizeof(c));
    memset(&k, 0, sizeof(k));
    c.m = m;
    size_t n = 0;
    uint8_t *evidence = kin__malloc(q->count ? q->count : 1);
    if (!evidence) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < q->count; i++) {
        evidence[i] = (uint8_t)kin__match_is_evidence(m->p, q->funcs[i]);
        n += evidence[i];
    }
    m->qf = kin__arena_array(m->arena, n ? n : 1, sizeof(*m->qf));
    if (!m->qf) {
        kin__free(evidence);
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < q->count; i++) {
        if (evidence[i]) {
            struct match_qfunc *qf = &m->qf[m->qf_count++];
            qf->f = q->funcs[i];
            /*
             * A Go program's third-party modules and runtime, as the query's pclntab and build
             * info place them: library code however few indexed Go programs share it (grpc and
             * protobuf tied unrelated Go programs together). Flags come from the query, so an
             * index built before they existed gives the same answer.
             */
            if (qf->f->flags & (KIN_FUNC_THIRD_PARTY | KIN_FUNC_RUNTIME)) {
                qf->library = 1;
                qf->third_party = 1;
            }
        }
    }
    kin__free(evidence);
    KIN_TRY(kin__match_keys(m));
    for (size_t i = 0; i < m->qf_count && st == KIN_OK; i++) {
        struct match_qfunc *qf = &m->qf[i];
        c.count = 0;
        c.over_bands = 0;
        c.rep_bands = 0;
        c.pic_over = 0;
        for (uint32_t j = 0; j < KIN_MATCH_KEYS && !c.nomem; j++) {
            const struct match_key *key = &m->keys[m->key_of[i * KIN_MATCH_KEYS + j]];
            if (key->over) {
                if (j == 0) {
                    c.pic_over = key->over;
                } else {
                    c.over_bands++;
                    c.rep_bands += key->over == MATCH_OVER_REPEATED;
                }
                continue;
            }
            for (uint32_t p = 0; p < key->post_count; p++) {
                const struct match_kpost *kp = &m->posts[key->post_begin + p];
                if (push_raw(&c, kp->sample, kp->func, j == 0) != 0) {
                    break;
                }
            }
        }
        st = c.nomem ? KIN_NOMEM : occurrences(m, &c, qf, &k);
        if (st == KIN_OK) {
            stage1_scores(m, qf);
        }
    }
    kin__free(c.v);
    kin__free(c.tmp);
    kin__free(k.fam);
    kin__free(k.act);
    return st == KIN_OK ? select_samples(m) : st;
}

/*
 * labels.c: what the match stage knows of the index's labels: every family (id, actor, kind),
 * the samples met in postings (slot table and id map), and the exclusion filter.
 *
 * The exclusion filter makes matching behave as if the excluded samples had never been added:
 * their postings are dropped as they are read and the caps are applied to what remains
 * (candidates.c), so counts of samples and families per key are those of an index built
 * without them. A family whose samples are all excluded is marked excluded and never reported.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"
#include "match_int.h"

struct fam_list {
    struct match_state *m;
    size_t cap;
    int nomem;
};

/* Copies v[n] into the attribution's arena. */
static kin_status copy_aliases(
    struct match_state *m, const char *const *v, size_t n, const char *const **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (n == 0) {
        return KIN_OK;
    }
    const char **c = kin__arena_array(m->arena, n, sizeof(*c));
    if (!c) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        c[i] = kin__arena_strndup(m->arena, v[i], strlen(v[i]));
        if (!c[i]) {
            return KIN_NOMEM;
        }
    }
    *out = c;
    *count = n;
    return KIN_OK;
}

static int on_family(void *ctx, const struct kin_index_family *f)
{
    struct fam_list *l = ctx;
    struct match_state *m = l->m;
    if (!kin__arena_vec_reserve(m->arena, (void **)&m->families, m->family_count, &l->cap,
                                sizeof(*m->families))) {
        l->nomem = 1;
        return 1;
    }
    struct match_family *mf = &m->families[m->family_count];
    memset(mf, 0, sizeof(*mf));
    mf->name = kin__arena_strndup(m->arena, f->name, strlen(f->name));
    mf->actor_name = kin__arena_strndup(m->arena, f->actor, strlen(f->actor));
    if (!mf->name || !mf->actor_name ||
        copy_aliases(m, f->alias_list, f->alias_count, &mf->aliases, &mf->alias_count) != KIN_OK) {
        l->nomem = 1;
        return 1;
    }
    m->family_count++;
    return 0;
}

/* An actor's aliases go to each of its families (few actors have any: most return at once). */
static int on_actor(void *ctx, const struct kin_index_actor *a)
{
    struct fam_list *l = ctx;
    struct match_state *m = l->m;
    const char *const *v = NULL;
    size_t n = 0;
    if (a->alias_count == 0) {
        return 0;
    }
    for (size_t i = 0; i < m->family_count; i++) {
        struct match_family *f = &m->families[i];
        if (strcmp(f->actor_name, a->name) != 0) {
            continue;
        }
        if (!v && copy_aliases(m, a->alias_list, a->alias_count, &v, &n) != KIN_OK) {
            l->nomem = 1;
            return 1;
        }
        f->actor_aliases = v;
        f->actor_alias_count = n;
    }
    return 0;
}

static int cmp_family(const void *a, const void *b)
{
    const struct match_family *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

struct match_family *kin__match_family(const struct match_state *m, int64_t id)
{
    size_t lo = 0, hi = m->family_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->families[mid].id == id) {
            return &m->families[mid];
        }
        if (m->families[mid].id < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

int kin__match_is_excluded(const struct match_state *m, int64_t sample)
{
    return m->excluded_count &&
           bsearch(&sample, m->excluded, m->excluded_count, sizeof(int64_t), cmp_i64) != NULL;
}

int kin__match_holder_left_out(const struct match_state *m, const struct store_ioc_holder *h)
{
    if (kin__match_is_excluded(m, h->sample)) {
        return 1;
    }
    const struct match_family *f = h->family ? kin__match_family(m, h->family) : NULL;
    return f && f->excluded;
}

const char *kin__match_copy(struct match_state *m, const char *s, kin_status *st)
{
    char *p = kin__arena_strndup(m->arena, s, strlen(s));
    if (!p) {
        *st = KIN_NOMEM;
    }
    return p ? p : "";
}

/* Excluded ids with the family of each (for the count of excluded families). */
struct excl {
    int64_t *ids;
    int64_t *fams;
    size_t count, cap;
};

static kin_status excl_add(struct excl *e, int64_t id, int64_t family)
{
    if (e->count == e->cap) {
        size_t ncap = e->cap ? e->cap * 2 : 64;
        int64_t *a = kin__realloc(e->ids, ncap * sizeof(*a));
        if (!a) {
            return KIN_NOMEM;
        }
        e->ids = a;
        int64_t *b = kin__realloc(e->fams, ncap * sizeof(*b));
        if (!b) {
            return KIN_NOMEM;
        }
        e->fams = b;
        e->cap = ncap;
    }
    e->ids[e->count] = id;
    e->fams[e->count] = family;
    e->count++;
    return KIN_OK;
}

static kin_status excl_family(struct match_state *m, struct excl *e, int64_t family)
{
    int64_t *ids = NULL;
    size_t count = 0;
    KIN_TRY(m->store->ops->family_samples(m->store, family, &ids, &count));
    kin_status st = KIN_OK;
    for (size_t i = 0; i < count && st == KIN_OK; i++) {
        st = excl_add(e, ids[i], family);
    }
    kin__free(ids);
    return st;
}

static kin_status load_exclusions(struct match_state *m, struct excl *e, int64_t self)
{
    const struct kin_attribute_options *o = m->o;
    struct store *s = m->store;
    if (self) {
        int64_t id = 0, fam = 0;
        kin_status st = s->ops->find_sample(s, m->q->sha256, &id, &fam);
        if (st != KIN_OK && st != KIN_NOTFOUND) {
            return st;
        }
        KIN_TRY(excl_add(e, self, st == KIN_OK ? fam : 0));
    }
    for (size_t i = 0; o && i < o->exclude_sample_count; i++) {
        int64_t id = 0, fam = 0;
        const char *sha = o->exclude_samples[i];
        kin_status st = sha ? s->ops->find_sample(s, sha, &id, &fam) : KIN_NOTFOUND;
        if (st == KIN_OK) {
            KIN_TRY(excl_add(e, id, fam));
        } else if (st != KIN_NOTFOUND) {
            return st;
        }
    }
    for (size_t i = 0; o && i < o->exclude_family_count; i++) {
        int64_t id = 0, actor = 0;
        uint32_t kind = 0;
        const char *name = o->exclude_families[i];
        kin_status st = name ? kin__store_find_family(s, name, &id, &actor, &kind) : KIN_NOTFOUND;
        if (st == KIN_OK) {
            KIN_TRY(excl_family(m, e, id));
        } else if (st != KIN_NOTFOUND) {
            return st;
        }
    }
    for (size_t i = 0; o && i < o->exclude_actor_count; i++) {
        int64_t id = 0;
        const char *name = o->exclude_actors[i];
        kin_status st = name ? kin__store_find_actor(s, name, &id) : KIN_NOTFOUND;
        if (st == KIN_NOTFOUND) {
            continue;
        }
        KIN_TRY(st);
        for (size_t f = 0; f < m->family_count; f++) {
            if (m->families[f].label_actor == id) {
                KIN_TRY(excl_family(m, e, m->families[f].id));
            }
        }
    }
    return KIN_OK;
}

/* Sorts and deduplicates the excluded ids; counts their distinct labelled families. */
static kin_status finish_exclusions(struct match_state *m, struct excl *e)
{
    if (!e->count) {
        return KIN_OK;
    }
    m->excluded = kin__arena_array(m->arena, e->count, sizeof(int64_t));
    int64_t *fams = kin__calloc(e->count, sizeof(int64_t));
    if (!m->excluded || !fams) {
        kin__free(fams);
        return KIN_NOMEM;
    }
    memcpy(m->excluded, e->ids, e->count * sizeof(int64_t));
    qsort(m->excluded, e->count, sizeof(int64_t), cmp_i64);
    size_t n = 0;
    for (size_t i = 0; i < e->count; i++) {
        if (n == 0 || m->excluded[n - 1] != m->excluded[i]) {
            m->excluded[n++] = m->excluded[i];
        }
    }
    m->excluded_count = n;
    size_t nf = 0;
    for (size_t i = 0; i < e->count; i++) {
        if (e->fams[i] > 0) {
            fams[nf++] = e->fams[i];
        }
    }
    qsort(fams, nf, sizeof(int64_t), cmp_i64);
    for (size_t i = 0; i < nf; i++) {
        if (i == 0 || fams[i] != fams[i - 1]) {
            m->excluded_families++;
        }
    }
    kin__free(fams);
    return KIN_OK;
}

/* A family is excluded when every one of its samples is. */
static kin_status mark_excluded_families(struct match_state *m)
{
    for (size_t f = 0; f < m->family_count && m->excluded_count; f++) {
        int64_t *ids = NULL;
        size_t count = 0, gone = 0;
        KIN_TRY(m->store->ops->family_samples(m->store, m->families[f].id, &ids, &count));
        for (size_t i = 0; i < count; i++) {
            gone += (size_t)kin__match_is_excluded(m, ids[i]);
        }
        kin__free(ids);
        m->families[f].excluded = count > 0 && gone == count;
    }
    return KIN_OK;
}

/*
 * The family cap: a key held by more than max_family_share of the families that remain (after
 * the exclusion filter, so the cap is the one of an index without them) is common code, within
 * [min_families, max_families]. A fixed count would be too lax for a small index (a runtime held
 * by 12 of 28 families is not evidence) and a pure share too strict for a large one.
 */
static void family_cap(struct match_state *m)
{
    const struct match_params *p = m->p;
    size_t remaining = 0;
    for (size_t f = 0; f < m->family_count; f++) {
        remaining += !m->families[f].excluded;
    }
    double cap = p->max_family_share * (double)remaining;
    uint64_t c = (uint64_t)cap + (cap > (double)(uint64_t)cap);
    c = c < p->min_families ? p->min_families : c;
    m->family_cap = c > p->max_families ? p->max_families : c;
}

kin_status kin__match_labels_load(struct match_state *m, int64_t self)
{
    struct store *s = m->store;
    struct fam_list l;
    memset(&l, 0, sizeof(l));
    l.m = m;
    KIN_TRY(s->ops->list_families(s, on_family, &l));
    if (l.nomem) {
        return KIN_NOMEM;
    }
    KIN_TRY(s->ops->list_actors(s, on_actor, &l));
    if (l.nomem) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < m->family_count; i++) {
        struct match_family *f = &m->families[i];
        KIN_TRY(s->ops->find_family(s, f->name, &f->id, &f->label_actor, &f->kind));
        /* A tool is evidence of no actor: matching sees it as a family without one. */
        f->actor = f->kind == KIN_FAMILY_TOOL ? 0 : f->label_actor;
    }
    if (m->family_count) {
        qsort(m->families, m->family_count, sizeof(*m->families), cmp_family);
    }
    for (size_t i = 0; i < m->family_count; i++) {
        m->families[i].slot = i;
    }
    struct excl e;
    memset(&e, 0, sizeof(e));
    kin_status st = load_exclusions(m, &e, self);
    if (st == KIN_OK) {
        st = finish_exclusions(m, &e);
    }
    kin__free(e.ids);
    kin__free(e.fams);
    if (st == KIN_OK) {
        st = mark_excluded_families(m);
    }
    family_cap(m);
    return st;
}

static size_t map_pos(int64_t id, size_t cap)
{
    uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15ULL;
    return (size_t)(h >> 32) & (cap - 1);
}

static kin_status map_grow(struct match_state *m)
{
    size_t ncap = m->sample_map_cap ? m->sample_map_cap * 2 : 1024;
    uint32_t *n = kin__calloc(ncap, sizeof(*n));
    if (!n) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < m->sample_count; i++) {
        size_t p = map_pos(m->samples[i].id, ncap);
        while (n[p]) {
            p = (p + 1) & (ncap - 1);
        }
        n[p] = (uint32_t)(i + 1);
    }
    kin__free(m->sample_map);
    m->sample_map = n;
    m->sample_map_cap = ncap;
    return KIN_OK;
}

int64_t kin__match_sample_slot(struct match_state *m, int64_t id, int64_t family)
{
    if (m->sample_map_cap) {
        size_t p = map_pos(id, m->sample_map_cap);
        while (m->sample_map[p]) {
            uint32_t slot = m->sample_map[p] - 1;
            if (m->samples[slot].id == id) {
                return slot;
            }
            p = (p + 1) & (m->sample_map_cap - 1);
        }
    }
    /* Keep the map at most half full. */
    if ((m->sample_count + 1) * 2 > m->sample_map_cap && map_grow(m) != KIN_OK) {
        return -1;
    }
    if (m->sample_count == m->sample_cap) {
        size_t ncap = m->sample_cap ? m->sample_cap * 2 : 256;
        struct match_sample *n = kin__realloc(m->samples, ncap * sizeof(*n));
        if (!n) {
            return -1;
        }
        m->samples = n;
        m->sample_cap = ncap;
    }
    struct match_sample *s = &m->samples[m->sample_count];
    memset(s, 0, sizeof(*s));
    s->id = id;
    s->family = family;
    s->fam = family > 0 ? kin__match_family(m, family) : NULL;
    size_t p = map_pos(id, m->sample_map_cap);
    while (m->sample_map[p]) {
        p = (p + 1) & (m->sample_map_cap - 1);
    }
    m->sample_map[p] = (uint32_t)(m->sample_count + 1);
    return (int64_t)m->sample_count++;
}

kin_status kin__match_sample_row(struct match_state *m, struct match_sample *s)
{
    if (s->row.id) {
        return KIN_OK;
    }
    return m->store->ops->get_sample(m->store, s->id, m->arena, &s->row);
}

/*
 * Actors are keyed by store id (positive); a family without actor stands for itself (key
 * -family id), and an unlabelled sample for itself too (key below every family key).
 */
int64_t kin__match_actor_key(const struct match_family *f, int64_t sample)
{
    if (f) {
        return f->actor > 0 ? f->actor : -f->id;
    }
    return INT64_MIN / 2 - sample;
}

void kin__match_state_release(struct match_state *m)
{
    kin__free(m->samples);
    kin__free(m->sample_map);
    kin__free(m->hits);
    kin__free(m->keys);
    kin__free(m->key_of);
    kin__free(m->posts);
    kin__free(m->fetched);
    m->fetched = NULL;
    m->keys = NULL;
    m->key_of = NULL;
    m->posts = NULL;
    m->samples = NULL;
    m->sample_map = NULL;
    m->hits = NULL;
}

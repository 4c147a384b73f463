/*
 * attribute.c: public entry points of attribution (kin_attribute*): argument checks, the query
 * built from a loaded sample, from caller functions or from a sample the index holds, and the
 * calibrated parameters. The work is the match stage's (src/match/).
 */
#include <string.h>

#include "../load/load.h"
#include "api.h"

static void begin_call(struct kin_index *idx)
{
    idx->store->errmsg[0] = '\0';
}

static kin_status end_call(struct kin_index *idx, kin_status st)
{
    if (st != KIN_OK && st != KIN_NOTFOUND && idx->store->errmsg[0] == '\0') {
        (void)kin__store_seterr(idx->store, st, "%s", kin_status_str(st));
    }
    return st;
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* The id of the query in the index (0 when absent): it is then excluded from matching. */
static kin_status self_id(struct store *s, const char *sha256, int64_t *id)
{
    int64_t family = 0;
    *id = 0;
    if (!sha256 || !*sha256) {
        return KIN_OK;
    }
    kin_status st = s->ops->find_sample(s, sha256, id, &family);
    return st == KIN_NOTFOUND ? KIN_OK : st;
}

static kin_status attribute_image(struct kin_index *idx,
                                  const struct kin_image *img,
                                  const struct kin_function *const *funcs,
                                  size_t count,
                                  const struct store_ioc_set *iocs,
                                  const struct kin_attribute_options *opts,
                                  struct kin_attribution **out)
{
    struct match_params p;
    struct match_query q;
    int64_t self = 0;
    kin__match_params_default(&p);
    memset(&q, 0, sizeof(q));
    q.sha256 = img->hashes.sha256;
    q.imphash = img->hashes.imphash;
    q.rich_hash = img->hashes.rich_hash;
    q.tlsh = img->hashes.tlsh;
    q.ssdeep = img->hashes.ssdeep;
    q.funcs = funcs;
    q.count = count;
    if (iocs) {
        q.iocs = iocs->v;
        q.ioc_count = iocs->count;
    }
    KIN_TRY(self_id(idx->store, q.sha256, &self));
    return kin__match_attribute(idx->store, &q, self, opts, &p, out);
}

kin_status kin_attribute(struct kin_index *idx,
                         const struct kin_sample *s,
                         const struct kin_funcs *funcs,
                         const struct kin_attribute_options *opts,
                         struct kin_attribution **out)
{
    if (!out) {
        return KIN_INVALID;
    }
    *out = NULL;
    if (!idx || !s || !funcs) {
        return KIN_INVALID;
    }
    begin_call(idx);
    size_t count = kin_funcs_count(funcs);
    const struct kin_function **v =
        kin__calloc(count ? count : 1, sizeof(const struct kin_function *));
    if (!v) {
        return end_call(idx, KIN_NOMEM);
    }
    for (size_t i = 0; i < count; i++) {
        v[i] = kin_funcs_get(funcs, i);
    }
    /* Indicators are compared too (issue #5), selected as kin add keeps them. */
    struct kin_ioc_options io;
    struct kin_iocs *iocs = NULL;
    struct store_ioc_set set;
    memset(&io, 0, sizeof(io));
    memset(&set, 0, sizeof(set));
    io.types = KIN_IOC_EVIDENCE_TYPES;
    kin_status st = kin_iocs_extract(s, &io, &iocs);
    if (st == KIN_OK) {
        st = kin__store_ioc_select(iocs, kin_sample_image(s), &set);
    }
    if (st == KIN_OK) {
        st = attribute_image(idx, kin_sample_image(s), v, count, &set, opts, out);
    }
    kin__store_ioc_set_release(&set);
    kin_iocs_free(iocs);
    kin__free(v);
    return end_call(idx, st);
}

kin_status kin_attribute_functions(struct kin_index *idx,
                                   const struct kin_image *img,
                                   const struct kin_function *funcs,
                                   size_t count,
                                   const struct kin_attribute_options *opts,
                                   struct kin_attribution **out)
{
    if (!out) {
        return KIN_INVALID;
    }
    *out = NULL;
    if (!idx || !img || (count && !funcs)) {
        return KIN_INVALID;
    }
    begin_call(idx);
    const struct kin_function **v =
        kin__calloc(count ? count : 1, sizeof(const struct kin_function *));
    if (!v) {
        return end_call(idx, KIN_NOMEM);
    }
    for (size_t i = 0; i < count; i++) {
        v[i] = &funcs[i];
    }
    kin_status st = attribute_image(idx, img, v, count, NULL, opts, out);
    kin__free(v);
    return end_call(idx, st);
}

/* The stored functions of an indexed sample, read back as the query. */
struct stored {
    struct arena arena;
    struct kin_function *v;
    size_t count, cap;
    int nomem;
};

static int on_function(void *ctx, const struct store_function *f)
{
    struct stored *s = ctx;
    if (!kin__arena_vec_reserve(&s->arena, (void **)&s->v, s->count, &s->cap, sizeof(*s->v))) {
        s->nomem = 1;
        return 1;
    }
    struct kin_function *k = &s->v[s->count];
    memset(k, 0, sizeof(*k));
    k->va = f->va;
    k->size = f->size;
    k->flags = f->flags;
    k->pichash = f->pichash;
    memcpy(k->minhash, f->minhash, sizeof(k->minhash));
    if (f->name) {
        k->name = kin__arena_strndup(&s->arena, f->name, strlen(f->name));
        if (!k->name) {
            s->nomem = 1;
            return 1;
        }
    }
    s->count++;
    return 0;
}

/* Go names and origin flags of img for stored functions (see kin__attribute_indexed_go). */
static void go_overlay(struct stored *fs, const struct kin_image *img)
{
    for (size_t i = 0; img && i < fs->count; i++) {
        struct kin_function *k = &fs->v[i];
        int exact;
        const struct kin_go_func *g = kin__go_func_at(img, k->va, &exact);
        k->flags |= kin__go_origin_flags(img, g);
        if (g) {
            if (exact && !k->name) {
                k->name = g->name;
            }
        }
    }
}

kin_status kin__attribute_indexed_params(struct kin_index *idx,
                                         const char *sha256,
                                         const struct kin_attribute_options *opts,
                                         const struct match_params *params,
                                         struct kin_attribution **out)
{
    return kin__attribute_indexed_go(idx, sha256, opts, params, NULL, out);
}

kin_status kin__attribute_indexed_go(struct kin_index *idx,
                                     const char *sha256,
                                     const struct kin_attribute_options *opts,
                                     const struct match_params *params,
                                     const struct kin_image *img,
                                     struct kin_attribution **out)
{
    if (!out) {
        return KIN_INVALID;
    }
    *out = NULL;
    if (!idx || !sha256) {
        return KIN_INVALID;
    }
    begin_call(idx);
    struct store *s = idx->store;
    struct match_params p;
    struct stored fs;
    struct store_sample row;
    struct store_ioc_set iocs;
    const struct kin_function **v = NULL;
    int64_t id = 0, family = 0;
    if (params) {
        p = *params;
    } else {
        kin__match_params_default(&p);
    }
    memset(&fs, 0, sizeof(fs));
    memset(&iocs, 0, sizeof(iocs));
    kin__arena_init(&fs.arena, 0);
    kin_status st = s->ops->find_sample(s, sha256, &id, &family);
    if (st == KIN_NOTFOUND) {
        (void)kin__store_seterr(s, st, "no sample %s in the index", sha256);
        goto out;
    }
    if (st == KIN_OK) {
        st = s->ops->get_sample(s, id, &fs.arena, &row);
    }
    if (st == KIN_OK) {
        st = s->ops->sample_functions(s, id, on_function, &fs);
        st = st == KIN_OK && fs.nomem ? KIN_NOMEM : st;
    }
    if (st == KIN_OK) {
        go_overlay(&fs, img);
    }
    if (st == KIN_OK) {
        /* Its stored indicators are the query's (issue #5). */
        st = s->ops->sample_iocs(s, id, &iocs);
    }
    if (st == KIN_OK) {
        v = kin__calloc(fs.count ? fs.count : 1, sizeof(const struct kin_function *));
        st = v ? KIN_OK : KIN_NOMEM;
    }
    if (st == KIN_OK) {
        struct match_query q;
        memset(&q, 0, sizeof(q));
        for (size_t i = 0; i < fs.count; i++) {
            v[i] = &fs.v[i];
        }
        q.sha256 = row.sha256;
        q.imphash = or_empty(row.imphash);
        q.rich_hash = or_empty(row.rich_hash);
        q.tlsh = or_empty(row.tlsh);
        q.ssdeep = or_empty(row.ssdeep);
        q.funcs = v;
        q.count = fs.count;
        q.iocs = iocs.v;
        q.ioc_count = iocs.count;
        st = kin__match_attribute(s, &q, id, opts, &p, out);
    }
out:
    kin__store_ioc_set_release(&iocs);
    kin__free(v);
    kin__arena_release(&fs.arena);
    return end_call(idx, st);
}

kin_status kin_attribute_indexed(struct kin_index *idx,
                                 const char *sha256,
                                 const struct kin_attribute_options *opts,
                                 struct kin_attribution **out)
{
    return kin__attribute_indexed_params(idx, sha256, opts, NULL, out);
}

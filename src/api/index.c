/*
 * index.c: the public index API of kin.h (kin_index_*): argument checks, ownership and status
 * messages over the store stage. The back end is chosen here (SQLite for now; a PostgreSQL URI
 * will select postgres.c). Everything else lives in src/store/.
 */
#include <string.h>
#include <time.h>

#include "../core/limits.h"
#include "../ioc/ioc.h"
#include "api.h"

/* Starts an API call: clears the previous message. */
static void begin_call(struct kin_index *idx)
{
    idx->store->errmsg[0] = '\0';
}

/* Ends an API call: a failure without a message gets the status's own. */
static kin_status end_call(struct kin_index *idx, kin_status st)
{
    if (st != KIN_OK && st != KIN_NOTFOUND && idx->store->errmsg[0] == '\0') {
        (void)kin__store_seterr(idx->store, st, "%s", kin_status_str(st));
    }
    return st;
}

kin_status kin_index_open(const char *path, uint32_t flags, struct kin_index **out)
{
    if (!out) {
        return KIN_INVALID;
    }
    *out = NULL;
    if (!path || !*path || (flags & ~(uint32_t)(KIN_INDEX_READONLY | KIN_INDEX_CREATE)) ||
        ((flags & KIN_INDEX_READONLY) && (flags & KIN_INDEX_CREATE))) {
        return KIN_INVALID;
    }
    struct kin_index *idx = kin__calloc(1, sizeof(*idx));
    if (!idx) {
        return KIN_NOMEM;
    }
    kin_status st = kin__sqlite_open(path, flags, &idx->store);
    if (!idx->store) {
        kin__free(idx);
        return st;
    }
    *out = idx;
    return end_call(idx, st);
}

void kin_index_close(struct kin_index *idx)
{
    if (idx) {
        /* Best effort: a failed merge leaves the samples staged, which is a valid state. */
        if (idx->store->ready && !idx->store->readonly) {
            (void)idx->store->ops->flush(idx->store, 1);
        }
        idx->store->ops->close(idx->store);
        kin__free(idx);
    }
}

const char *kin_index_errmsg(const struct kin_index *idx)
{
    return idx ? idx->store->errmsg : "no index";
}

static kin_status add_common(struct kin_index *idx,
                             const struct kin_image *img,
                             const struct kin_function *const *funcs,
                             size_t count,
                             const struct kin_iocs *iocs,
                             const struct kin_labels *labels,
                             int *existed)
{
    struct store_add add;
    int ex = 0;
    memset(&add, 0, sizeof(add));
    add.iocs = iocs;
    add.img = img;
    add.funcs = funcs;
    add.count = count;
    add.labels = labels;
    add.scheme = kin_sig_scheme_version();
    add.now = (int64_t)time(NULL);
    kin_status st = kin__store_add_sample(idx->store, &add, &ex);
    if (existed) {
        *existed = ex;
    }
    return st;
}

kin_status kin_index_add(struct kin_index *idx,
                         const struct kin_image *img,
                         const struct kin_function *funcs,
                         size_t count,
                         const struct kin_labels *labels,
                         int *existed)
{
    if (existed) {
        *existed = 0;
    }
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
    kin_status st = add_common(idx, img, v, count, NULL, labels, existed);
    kin__free(v);
    return end_call(idx, st);
}

kin_status kin_index_add_sample(struct kin_index *idx,
                                const struct kin_sample *s,
                                const struct kin_funcs *funcs,
                                const struct kin_labels *labels,
                                int *existed)
{
    struct kin_ioc_options opts;
    struct kin_iocs *iocs = NULL;
    if (existed) {
        *existed = 0;
    }
    if (!idx || !s) {
        return KIN_INVALID;
    }
    memset(&opts, 0, sizeof(opts));
    opts.types = KIN_IOC_EVIDENCE_TYPES;
    kin_status st = kin_iocs_extract(s, &opts, &iocs);
    if (st == KIN_OK) {
        st = kin_index_add_sample_iocs(idx, s, funcs, iocs, labels, existed);
    } else {
        begin_call(idx);
        st = end_call(idx, st);
    }
    kin_iocs_free(iocs);
    return st;
}

kin_status kin_index_add_sample_iocs(struct kin_index *idx,
                                     const struct kin_sample *s,
                                     const struct kin_funcs *funcs,
                                     const struct kin_iocs *iocs,
                                     const struct kin_labels *labels,
                                     int *existed)
{
    if (existed) {
        *existed = 0;
    }
    if (!idx || !s) {
        return KIN_INVALID;
    }
    begin_call(idx);
    size_t count = funcs ? kin_funcs_count(funcs) : 0;
    const struct kin_function **v =
        kin__calloc(count ? count : 1, sizeof(const struct kin_function *));
    if (!v) {
        return end_call(idx, KIN_NOMEM);
    }
    for (size_t i = 0; i < count; i++) {
        v[i] = kin_funcs_get(funcs, i);
    }
    kin_status st = add_common(idx, kin_sample_image(s), v, count, iocs, labels, existed);
    kin__free(v);
    return end_call(idx, st);
}

kin_status kin_index_flush(struct kin_index *idx)
{
    if (!idx) {
        return KIN_INVALID;
    }
    begin_call(idx);
    return end_call(idx, idx->store->ops->flush(idx->store, 1));
}

kin_status kin_index_has_sample(struct kin_index *idx, const char *sha256, int *found)
{
    int64_t id = 0, family = 0;
    if (!found) {
        return KIN_INVALID;
    }
    *found = 0;
    if (!idx || !sha256) {
        return KIN_INVALID;
    }
    begin_call(idx);
    kin_status st = idx->store->ops->find_sample(idx->store, sha256, &id, &family);
    if (st == KIN_OK) {
        *found = 1;
    }
    return end_call(idx, st == KIN_NOTFOUND ? KIN_OK : st);
}

kin_status kin_index_remove_sample(struct kin_index *idx, const char *sha256)
{
    int64_t id = 0, family = 0;
    if (!idx || !sha256) {
        return KIN_INVALID;
    }
    begin_call(idx);
    kin_status st = idx->store->ops->find_sample(idx->store, sha256, &id, &family);
    if (st == KIN_NOTFOUND) {
        (void)kin__store_seterr(idx->store, st, "no sample %s in the index", sha256);
        return st;
    }
    if (st == KIN_OK) {
        st = kin__store_remove_sample(idx->store, id, family);
    }
    return end_call(idx, st);
}

kin_status kin_index_remove_family(struct kin_index *idx, const char *family, size_t *removed)
{
    int64_t fid = 0, actor = 0;
    uint32_t kind = 0;
    int64_t *ids = NULL;
    size_t count = 0;
    if (removed) {
        *removed = 0;
    }
    if (!idx || !family) {
        return KIN_INVALID;
    }
    begin_call(idx);
    struct store *s = idx->store;
    if (s->readonly) {
        return end_call(idx, kin__store_seterr(s, KIN_INVALID, "the index is open read-only"));
    }
    kin_status st = kin__store_find_family(s, family, &fid, &actor, &kind);
    if (st == KIN_NOTFOUND) {
        (void)kin__store_seterr(s, st, "no family '%s' in the index", family);
        return st;
    }
    if (st == KIN_OK) {
        st = s->ops->family_samples(s, fid, &ids, &count);
    }
    /* One transaction per sample: an interrupted removal leaves whole samples only. */
    for (size_t i = 0; st == KIN_OK && i < count; i++) {
        st = kin__store_remove_sample(s, ids[i], fid);
        if (st == KIN_OK && removed) {
            (*removed)++;
        }
    }
    kin__free(ids);
    if (st == KIN_OK) {
        st = s->ops->begin(s);
        if (st == KIN_OK) {
            st = s->ops->delete_family(s, fid);
            st = st == KIN_OK ? s->ops->commit(s) : st;
            if (st != KIN_OK) {
                (void)s->ops->rollback(s);
            }
        }
    }
    return end_call(idx, st);
}

kin_status
kin_index_samples(struct kin_index *idx, const char *family, kin_index_sample_fn fn, void *ctx)
{
    if (!idx || !fn) {
        return KIN_INVALID;
    }
    begin_call(idx);
    char canon[KIN_MAX_LABEL_LEN + 1];
    if (family) {
        /* An alias lists its family; a name nothing resolves to lists nothing. */
        kin_status st = kin__store_resolve(idx->store, STORE_FAMILY, family, canon, sizeof(canon));
        if (st == KIN_OK) {
            family = canon;
        } else if (st != KIN_NOTFOUND) {
            return end_call(idx, st);
        }
    }
    return end_call(idx, idx->store->ops->list_samples(idx->store, family, fn, ctx));
}

kin_status kin_index_label(struct kin_index *idx,
                           uint32_t target,
                           const char *name,
                           const struct kin_label_change *c)
{
    if (!idx || !name || !c || target > KIN_LABEL_FAMILY ||
        (c->add_alias_count && !c->add_aliases) || (c->remove_alias_count && !c->remove_aliases)) {
        return KIN_INVALID;
    }
    begin_call(idx);
    enum store_label which = target == KIN_LABEL_FAMILY ? STORE_FAMILY : STORE_ACTOR;
    return end_call(idx, kin__store_label(idx->store, which, name, c));
}

kin_status kin_index_resolve(
    struct kin_index *idx, uint32_t target, const char *name, char *out, size_t out_size)
{
    if (!idx || !name || !out || out_size == 0 || target > KIN_LABEL_FAMILY) {
        return KIN_INVALID;
    }
    out[0] = '\0';
    begin_call(idx);
    enum store_label which = target == KIN_LABEL_FAMILY ? STORE_FAMILY : STORE_ACTOR;
    return end_call(idx, kin__store_resolve(idx->store, which, name, out, out_size));
}

kin_status kin_index_families(struct kin_index *idx, kin_index_family_fn fn, void *ctx)
{
    if (!idx || !fn) {
        return KIN_INVALID;
    }
    begin_call(idx);
    return end_call(idx, idx->store->ops->list_families(idx->store, fn, ctx));
}

kin_status kin_index_actors(struct kin_index *idx, kin_index_actor_fn fn, void *ctx)
{
    if (!idx || !fn) {
        return KIN_INVALID;
    }
    begin_call(idx);
    return end_call(idx, idx->store->ops->list_actors(idx->store, fn, ctx));
}

kin_status kin_index_stats(struct kin_index *idx, struct kin_index_stats *out)
{
    struct store_totals t;
    char buf[32];
    if (!idx || !out) {
        return KIN_INVALID;
    }
    memset(out, 0, sizeof(*out));
    begin_call(idx);
    struct store *s = idx->store;
    kin_status st = s->ops->totals(s, &t);
    if (st != KIN_OK) {
        return end_call(idx, st);
    }
    out->samples = t.samples;
    out->families = t.families;
    out->actors = t.actors;
    out->functions = t.functions;
    out->pichashes = t.pic_keys;
    out->band_values = t.band_keys;
    out->db_size = t.db_size;
    out->staged_samples = t.staged_samples;
    out->schema_version = t.schema_version;
    out->indicators = t.ioc_values;
    st = s->ops->get_meta(s, "sig_scheme", buf, sizeof(buf));
    if (st == KIN_OK) {
        unsigned long v = 0;
        for (const char *p = buf; *p >= '0' && *p <= '9' && v < UINT32_MAX / 10; p++) {
            v = v * 10 + (unsigned long)(*p - '0');
        }
        out->sig_scheme = (uint32_t)v;
    }
    return end_call(idx, st == KIN_NOTFOUND ? KIN_OK : st);
}

kin_status kin_index_refresh_stats(struct kin_index *idx)
{
    if (!idx) {
        return KIN_INVALID;
    }
    begin_call(idx);
    if (idx->store->readonly) {
        return end_call(idx,
                        kin__store_seterr(idx->store, KIN_INVALID, "the index is open read-only"));
    }
    return end_call(idx, idx->store->ops->refresh_freq(idx->store));
}

struct search_ctx {
    const struct store_ioc *keys;
    kin_index_ioc_fn fn;
    void *ctx;
};

static int on_search_row(void *ctx,
                         size_t key,
                         const struct store_ioc_freq *freq,
                         const struct store_ioc_holder *h)
{
    struct search_ctx *c = ctx;
    struct kin_index_ioc_hit hit;
    memset(&hit, 0, sizeof(hit));
    hit.type = c->keys[key].type;
    hit.value = c->keys[key].value;
    hit.sha256 = h->sha256;
    hit.family = h->family_name;
    hit.actor = h->actor;
    hit.version = h->version;
    hit.section = h->section;
    hit.offset = h->offset;
    hit.encoding = h->encoding;
    hit.samples = freq->samples;
    hit.families = freq->families;
    /* The built-in list too: an index made by an older kin may hold what is listed now. */
    hit.ubiquitous = kin__store_ioc_ubiquitous(freq, 0) != NULL ||
                     kin__ioc_common(hit.type, hit.value, strlen(hit.value)) != NULL;
    return c->fn(c->ctx, &hit);
}

kin_status kin_index_search_ioc(
    struct kin_index *idx, const char *value, uint32_t types, kin_index_ioc_fn fn, void *ctx)
{
    struct store_ioc keys[KIN__IOC_TYPE_COUNT];
    size_t count = 0;
    if (!idx || !value || !fn) {
        return KIN_INVALID;
    }
    begin_call(idx);
    /* One normalised copy per type: 30 KiB, kept off the stack. */
    char(*norm)[KIN_MAX_IOC_VALUE_LEN + 1] = kin__malloc(KIN__IOC_TYPE_COUNT * sizeof(*norm));
    if (!norm) {
        return end_call(idx, KIN_NOMEM);
    }
    types = (types ? types : KIN_IOC_EVIDENCE_TYPES) & KIN_IOC_EVIDENCE_TYPES;
    /* The same text may be a value of several types ("a.b" as a domain and a mutex name...). */
    for (uint32_t t = 0; t < KIN__IOC_TYPE_COUNT; t++) {
        if (!(types & (1u << t))) {
            continue;
        }
        size_t n = kin__ioc_normalize(t, value, strlen(value), norm[count], sizeof(norm[count]));
        if (n == 0) {
            continue;
        }
        memset(&keys[count], 0, sizeof(keys[count]));
        keys[count].type = t;
        keys[count].value = norm[count];
        count++;
    }
    struct search_ctx c = {keys, fn, ctx};
    kin_status st = KIN_OK;
    if (count > 0) {
        st = idx->store->ops->lookup_iocs(idx->store, keys, count, UINT64_MAX, on_search_row, &c);
    }
    kin__free(norm);
    return end_call(idx, st);
}

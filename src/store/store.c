/*
 * store.c: the operations every back end shares, written once over the ops table: adding a
 * sample with its labels, functions, postings and indicators in one transaction, and removing
 * it again.
 *
 * Invariant: add and remove derive a sample's postings the same way (which functions are
 * indexed, which band values), so a remove takes back exactly what the add put in and the
 * frequency statistics return to their previous values.
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"

#if KIN_MAX_FUNCTIONS > (1u << STORE_FUNC_BITS)
#error "function ids hold the index of a function in STORE_FUNC_BITS bits"
#endif

kin_status kin__store_seterr(struct store *s, kin_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(s->errmsg, sizeof(s->errmsg), fmt, ap);
    va_end(ap);
    return st;
}

/*
 * Thunks are identical in every binary (a masked jmp [IAT]) and carry no evidence, so they get
 * no postings at all. Functions too small to be evidence keep their exact hash (an exact match
 * may still support a claim weakly) but no band values: their MinHash is dominated by a few
 * shingles and their band values would be shared by half the index.
 */
int kin__store_indexes_pichash(uint32_t flags)
{
    return !(flags & KIN_FUNC_THUNK);
}

int kin__store_indexes_bands(uint32_t flags)
{
    return !(flags & (KIN_FUNC_THUNK | KIN_FUNC_SMALL));
}

static int cmp_entry(const void *pa, const void *pb)
{
    const struct store_entry *a = pa, *b = pb;
    if (a->band != b->band) {
        return a->band < b->band ? -1 : 1;
    }
    int64_t va = (int64_t)a->value, vb = (int64_t)b->value;
    if (va != vb) {
        return va < vb ? -1 : 1;
    }
    return a->func < b->func ? -1 : a->func > b->func;
}

void kin__store_sort_entries(struct store_entry *e, size_t count)
{
    if (count > 1) {
        qsort(e, count, sizeof(*e), cmp_entry);
    }
}

void kin__store_encode_minhash(const uint32_t *minhash, uint8_t out[STORE_MINHASH_BYTES])
{
    for (size_t i = 0; i < KIN_MINHASH_SIZE; i++) {
        out[4 * i] = (uint8_t)minhash[i];
        out[4 * i + 1] = (uint8_t)(minhash[i] >> 8);
        out[4 * i + 2] = (uint8_t)(minhash[i] >> 16);
        out[4 * i + 3] = (uint8_t)(minhash[i] >> 24);
    }
}

kin_status kin__store_decode_minhash(const uint8_t *p, size_t n, uint32_t *minhash)
{
    if (n != STORE_MINHASH_BYTES || !p) {
        return KIN_MALFORMED;
    }
    for (size_t i = 0; i < KIN_MINHASH_SIZE; i++) {
        minhash[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
                     (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
    }
    return KIN_OK;
}

/* Postings of a set of functions, sorted. Grown on demand; release with entry_sets_release(). */
struct entry_sets {
    struct store_entry *pic;
    size_t pic_count, pic_cap;
    struct store_entry *band;
    size_t band_count, band_cap;
};

static void entry_sets_release(struct entry_sets *es)
{
    kin__free(es->pic);
    kin__free(es->band);
    memset(es, 0, sizeof(*es));
}

/* Ensures room for `more` entries in *v; doubles the capacity. */
static kin_status reserve(struct store_entry **v, size_t count, size_t *cap, size_t more)
{
    if (*cap - count >= more) {
        return KIN_OK;
    }
    size_t want = *cap ? *cap : 256;
    while (want - count < more) {
        if (want > SIZE_MAX / 2 / sizeof(**v)) {
            return KIN_NOMEM;
        }
        want *= 2;
    }
    struct store_entry *n = kin__realloc(*v, want * sizeof(**v));
    if (!n) {
        return KIN_NOMEM;
    }
    *v = n;
    *cap = want;
    return KIN_OK;
}

static kin_status entry_sets_add(struct entry_sets *es,
                                 uint32_t index,
                                 uint32_t flags,
                                 uint64_t pichash,
                                 const uint32_t *minhash)
{
    if (kin__store_indexes_pichash(flags)) {
        KIN_TRY(reserve(&es->pic, es->pic_count, &es->pic_cap, 1));
        struct store_entry *e = &es->pic[es->pic_count++];
        e->value = pichash;
        e->band = 0;
        e->func = index;
    }
    if (kin__store_indexes_bands(flags)) {
        uint64_t bands[KIN_LSH_BANDS];
        KIN_TRY(reserve(&es->band, es->band_count, &es->band_cap, KIN_LSH_BANDS));
        kin_minhash_bands(minhash, bands);
        for (uint32_t b = 0; b < KIN_LSH_BANDS; b++) {
            struct store_entry *e = &es->band[es->band_count++];
            e->value = bands[b];
            e->band = b;
            e->func = index;
        }
    }
    return KIN_OK;
}

static void entry_sets_sort(struct entry_sets *es)
{
    kin__store_sort_entries(es->pic, es->pic_count);
    kin__store_sort_entries(es->band, es->band_count);
}

/* Checks the index's signature scheme, recording it when the index has none yet. */
static kin_status check_scheme(struct store *s, uint32_t scheme)
{
    char buf[32];
    kin_status st = s->ops->get_meta(s, "sig_scheme", buf, sizeof(buf));
    if (st == KIN_NOTFOUND) {
        (void)snprintf(buf, sizeof(buf), "%u", scheme);
        return s->ops->set_meta(s, "sig_scheme", buf);
    }
    if (st != KIN_OK) {
        return st;
    }
    unsigned long have = strtoul(buf, NULL, 10);
    if (have != scheme) {
        return kin__store_seterr(s, KIN_SCHEMA,
                                 "the index holds signature scheme %lu but this kin computes "
                                 "scheme %u: build a new index",
                                 have, scheme);
    }
    return KIN_OK;
}

/* Resolves (creating when needed) the family of a sample being added; 0 when unlabelled. */
static kin_status resolve_family(struct store *s, const struct kin_labels *l, int64_t *family)
{
    int64_t actor = 0, fam_actor = 0;
    uint32_t fam_kind = 0;
    *family = 0;
    if (!l || !l->family || !*l->family) {
        if (l && l->actor && *l->actor) {
            return kin__store_seterr(s, KIN_INVALID,
                                     "actor '%s' given without a family: an actor is tied to "
                                     "samples through their family",
                                     l->actor);
        }
        return KIN_OK;
    }
    if (l->kind > KIN_FAMILY_LIBRARY) {
        return kin__store_seterr(s, KIN_INVALID, "unknown family kind %u", l->kind);
    }
    if (l->actor && *l->actor) {
        /* An alias names its actor: never a second actor for the same group (store_labels.c). */
        KIN_TRY(kin__store_get_actor(s, l->actor, &actor));
    }
    kin_status st = kin__store_find_family(s, l->family, family, &fam_actor, &fam_kind);
    if (st == KIN_NOTFOUND) {
        char name[KIN_MAX_LABEL_LEN + 1];
        KIN_TRY(kin__store_new_name(s, "family", l->family, name, sizeof(name)));
        return s->ops->put_family(s, name, actor, l->kind, family);
    }
    KIN_TRY(st);
    if (actor && fam_actor && actor != fam_actor) {
        return kin__store_seterr(s, KIN_INVALID,
                                 "family '%s' is already tied to another actor than '%s' (`kin "
                                 "label --family F --actor A` moves a family)",
                                 l->family, l->actor);
    }
    if (l->kind != KIN_FAMILY_MALWARE && l->kind != fam_kind) {
        return kin__store_seterr(s, KIN_INVALID,
                                 "family '%s' already exists with another kind (%s; `kin label "
                                 "--family F --kind K` changes it)",
                                 l->family,
                                 fam_kind == KIN_FAMILY_LIBRARY ? "library"
                                 : fam_kind == KIN_FAMILY_TOOL  ? "tool"
                                                                : "malware");
    }
    if (actor && !fam_actor) {
        KIN_TRY(s->ops->set_family_actor(s, *family, actor));
    }
    return KIN_OK;
}

static const char *nonempty(const char *p)
{
    return p && *p ? p : NULL;
}

static kin_status add_in_transaction(struct store *s, const struct store_add *add, int *existed)
{
    const struct kin_image *img = add->img;
    const struct kin_labels *l = add->labels;
    int64_t id = 0, family = 0;
    kin_status st = s->ops->find_sample(s, img->hashes.sha256, &id, &family);
    if (st == KIN_OK) {
        *existed = 1;
        return KIN_OK;
    }
    if (st != KIN_NOTFOUND) {
        return st;
    }
    KIN_TRY(check_scheme(s, add->scheme));
    KIN_TRY(resolve_family(s, l, &family));

    struct store_sample row;
    memset(&row, 0, sizeof(row));
    row.sha256 = img->hashes.sha256;
    row.family = family;
    row.version = l ? nonempty(l->version) : NULL;
    row.source = l ? nonempty(l->source) : NULL;
    row.arch = img->arch ? kin_arch_name(img->arch) : NULL;
    row.format = img->format ? kin_format_name(img->format) : NULL;
    row.md5 = nonempty(img->hashes.md5);
    row.sha1 = nonempty(img->hashes.sha1);
    row.imphash = nonempty(img->hashes.imphash);
    row.rich_hash = nonempty(img->hashes.rich_hash);
    row.tlsh = nonempty(img->hashes.tlsh);
    row.ssdeep = nonempty(img->hashes.ssdeep);
    row.first_seen = add->now;
    row.scheme = add->scheme;
    row.function_count = add->count;
    row.file_size = img->file_size;
    for (size_t i = 0; i < add->count; i++) {
        row.code_size += add->funcs[i]->size;
    }
    KIN_TRY(s->ops->put_sample(s, &row));
    st = s->ops->put_functions(s, row.id, add->funcs, add->count);
    if (st != KIN_OK) {
        return st;
    }

    struct entry_sets es;
    memset(&es, 0, sizeof(es));
    for (size_t i = 0; i < add->count && st == KIN_OK; i++) {
        const struct kin_function *f = add->funcs[i];
        st = entry_sets_add(&es, (uint32_t)i, f->flags, f->pichash, f->minhash);
    }
    if (st == KIN_OK) {
        entry_sets_sort(&es);
        st = s->ops->stage_postings(s, row.id, es.pic, es.pic_count, es.band, es.band_count);
    }
    entry_sets_release(&es);
    if (st == KIN_OK && (add->iocs || add->img)) {
        struct store_ioc_set set;
        st = kin__store_ioc_select(add->iocs, add->img, &set);
        if (st == KIN_OK && set.count > 0) {
            st = s->ops->put_iocs(s, row.id, family, set.v, set.count);
        }
        kin__store_ioc_set_release(&set);
    }
    return st;
}

static int valid_sha256(const char *p)
{
    size_t n = 0;
    for (; p[n]; n++) {
        if (!((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' && p[n] <= 'f'))) {
            return 0;
        }
    }
    return n == 64;
}

kin_status kin__store_add_sample(struct store *s, const struct store_add *add, int *existed)
{
    *existed = 0;
    if (s->readonly) {
        return kin__store_seterr(s, KIN_INVALID, "the index is open read-only");
    }
    if (!valid_sha256(add->img->hashes.sha256)) {
        return kin__store_seterr(s, KIN_INVALID, "sample sha256 is not 64 lowercase hex digits");
    }
    if (add->count > KIN_MAX_FUNCTIONS) {
        return kin__store_seterr(s, KIN_LIMIT, "sample has %zu functions, more than the cap %u",
                                 add->count, KIN_MAX_FUNCTIONS);
    }
    KIN_TRY(s->ops->begin(s));
    kin_status st = add_in_transaction(s, add, existed);
    if (st == KIN_OK) {
        st = s->ops->commit(s);
    }
    if (st != KIN_OK) {
        /* The failure's message stays; a failed rollback cannot make things worse. */
        (void)s->ops->rollback(s);
        return st;
    }
    /* The sample is in; merging what is staged is a separate transaction. */
    return *existed ? KIN_OK : s->ops->flush(s, 0);
}

struct collect_ctx {
    struct entry_sets es;
    kin_status st;
};

static int collect_function(void *ctx, const struct store_function *f)
{
    struct collect_ctx *c = ctx;
    c->st = entry_sets_add(&c->es, f->index, f->flags, f->pichash, f->minhash);
    return c->st != KIN_OK;
}

static kin_status remove_in_transaction(struct store *s, int64_t sample, int64_t family)
{
    int staged = 0;
    /* Indicators are counted as soon as they are added, staged sample or not. */
    KIN_TRY(s->ops->remove_iocs(s, sample, family));
    KIN_TRY(s->ops->unstage(s, sample, &staged));
    if (staged) {
        /* Never merged: nothing searchable or counted to take back. */
        return s->ops->delete_sample(s, sample);
    }
    char buf[32];
    kin_status st = s->ops->get_meta(s, "sig_scheme", buf, sizeof(buf));
    if (st == KIN_OK && strtoul(buf, NULL, 10) != kin_sig_scheme_version()) {
        /* Band values are recomputed from the stored MinHash: only the same scheme agrees. */
        return kin__store_seterr(s, KIN_SCHEMA,
                                 "the index holds signature scheme %s but this kin computes "
                                 "scheme %u: it cannot remove samples from it",
                                 buf, kin_sig_scheme_version());
    }
    if (st != KIN_OK && st != KIN_NOTFOUND) {
        return st;
    }
    struct collect_ctx c;
    memset(&c, 0, sizeof(c));
    st = s->ops->sample_functions(s, sample, collect_function, &c);
    if (st == KIN_OK) {
        st = c.st;
    }
    if (st == KIN_OK) {
        entry_sets_sort(&c.es);
        st = s->ops->remove_postings(s, STORE_PIC, sample, family, c.es.pic, c.es.pic_count);
    }
    if (st == KIN_OK) {
        st = s->ops->remove_postings(s, STORE_BAND, sample, family, c.es.band, c.es.band_count);
    }
    entry_sets_release(&c.es);
    if (st == KIN_OK) {
        st = s->ops->delete_sample(s, sample);
    }
    return st;
}

kin_status kin__store_remove_sample(struct store *s, int64_t sample, int64_t family)
{
    if (s->readonly) {
        return kin__store_seterr(s, KIN_INVALID, "the index is open read-only");
    }
    KIN_TRY(s->ops->begin(s));
    kin_status st = remove_in_transaction(s, sample, family);
    if (st == KIN_OK) {
        st = s->ops->commit(s);
    }
    if (st != KIN_OK) {
        (void)s->ops->rollback(s);
    }
    return st;
}

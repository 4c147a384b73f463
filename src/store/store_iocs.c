/*
 * store_iocs.c: indicators in the index (issue #5), over the ops table: which of a sample's
 * indicators the index keeps, and the lookup attribution uses to find the indicators a query
 * shares with indexed samples.
 *
 * Invariant: an add and a query select indicators the same way (kin__store_ioc_select()), so a
 * value the index could hold is looked up under the very form it was stored in. Ubiquity is
 * judged twice: the built-in list (src/ioc/common.c) keeps listed values out of the index, and
 * frequency at query time marks values held by many families, or by a library family.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"
#include "../ioc/ioc.h"
#include "store.h"

/* A distinct value met while selecting, with its first occurrence. */
struct cand {
    struct store_ioc ioc;
    size_t len;
    int rank;
    int ignored; /* on the built-in list */
    uint64_t hash;
};

/* Distinct values by (type, value): open addressing over indices into cands. */
struct cand_set {
    struct cand *v;
    size_t count, cap;
    size_t *slots; /* SIZE_MAX: empty */
    size_t slot_count;
};

static uint64_t hash_value(uint32_t type, const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull ^ type; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (uint8_t)p[i]) * 0x100000001b3ull;
    }
    return h;
}

static kin_status grow_slots(struct cand_set *cs)
{
    size_t n = cs->slot_count ? cs->slot_count * 2 : 256;
    size_t *slots = kin__malloc(n * sizeof(*slots));
    if (!slots) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        slots[i] = SIZE_MAX;
    }
    for (size_t i = 0; i < cs->count; i++) {
        size_t k = (size_t)cs->v[i].hash & (n - 1);
        while (slots[k] != SIZE_MAX) {
            k = (k + 1) & (n - 1);
        }
        slots[k] = i;
    }
    kin__free(cs->slots);
    cs->slots = slots;
    cs->slot_count = n;
    return KIN_OK;
}

/* Adds the value unless present. */
static kin_status cand_add(
    struct cand_set *cs, struct arena *a, const struct kin_ioc *o, const char *norm, size_t len)
{
    if (2 * (cs->count + 1) > cs->slot_count) {
        KIN_TRY(grow_slots(cs));
    }
    uint64_t h = hash_value(o->type, norm, len);
    size_t k = (size_t)h & (cs->slot_count - 1);
    for (; cs->slots[k] != SIZE_MAX; k = (k + 1) & (cs->slot_count - 1)) {
        const struct cand *c = &cs->v[cs->slots[k]];
        if (c->hash == h && c->ioc.type == o->type && c->len == len &&
            memcmp(c->ioc.value, norm, len) == 0) {
            return KIN_OK; /* seen: the first occurrence (lowest offset) stays */
        }
    }
    if (cs->count == cs->cap) {
        size_t ncap = cs->cap ? cs->cap * 2 : 64;
        struct cand *nv = kin__realloc(cs->v, ncap * sizeof(*nv));
        if (!nv) {
            return KIN_NOMEM;
        }
        cs->v = nv;
        cs->cap = ncap;
    }
    struct cand *c = &cs->v[cs->count];
    memset(c, 0, sizeof(*c));
    c->ioc.value = kin__arena_strndup(a, norm, len);
    c->ioc.section = o->section ? kin__arena_strndup(a, o->section, strlen(o->section)) : NULL;
    if (!c->ioc.value || (o->section && !c->ioc.section)) {
        return KIN_NOMEM;
    }
    c->ioc.type = o->type;
    c->ioc.encoding = o->encoding;
    c->ioc.offset = o->offset;
    c->len = len;
    c->rank = kin__ioc_evidence_rank(o->type);
    c->ignored = kin__ioc_common(o->type, norm, len) != NULL;
    c->hash = h;
    cs->slots[k] = cs->count++;
    return KIN_OK;
}

/* Strongest types first, then file order, then value (a total order: equal inputs, same set). */
static int cand_cmp(const void *pa, const void *pb)
{
    const struct cand *a = pa, *b = pb;
    if (a->rank != b->rank) {
        return a->rank < b->rank ? -1 : 1;
    }
    if (a->ioc.offset != b->ioc.offset) {
        return a->ioc.offset < b->ioc.offset ? -1 : 1;
    }
    if (a->ioc.type != b->ioc.type) {
        return a->ioc.type < b->ioc.type ? -1 : 1;
    }
    return strcmp(a->ioc.value, b->ioc.value);
}

static int ioc_cmp(const void *pa, const void *pb)
{
    const struct store_ioc *a = pa, *b = pb;
    int ra = kin__ioc_evidence_rank(a->type), rb = kin__ioc_evidence_rank(b->type);
    if (ra != rb) {
        return ra < rb ? -1 : 1;
    }
    if (a->offset != b->offset) {
        return a->offset < b->offset ? -1 : 1;
    }
    if (a->type != b->type) {
        return a->type < b->type ? -1 : 1;
    }
    return strcmp(a->value, b->value);
}

void kin__store_ioc_set_sort(struct store_ioc_set *set)
{
    if (set->count > 1) {
        qsort(set->v, set->count, sizeof(*set->v), ioc_cmp);
    }
}

void kin__store_ioc_set_release(struct store_ioc_set *set)
{
    if (set) {
        kin__free(set->v);
        kin__arena_release(&set->arena);
        memset(set, 0, sizeof(*set));
    }
}

/* Adds a module name of the headers (KIN_IOC_MODULE or KIN_IOC_LOADS) as a candidate. */
static kin_status
module_add(struct cand_set *cs, struct arena *a, uint32_t type, const char *name, char *norm)
{
    if (!name || !*name) {
        return KIN_OK;
    }
    size_t n = strnlen(name, KIN_MAX_IOC_VALUE_LEN + 1);
    size_t len = kin__ioc_normalize(type, name, n, norm, KIN_MAX_IOC_VALUE_LEN + 1);
    if (len == 0) {
        return KIN_OK;
    }
    struct kin_ioc o;
    memset(&o, 0, sizeof(o));
    o.type = type;
    o.value = name;
    o.encoding = KIN_ENC_ASCII;
    return cand_add(cs, a, &o, norm, len);
}

/*
 * The module names of img: its own (PE export Name, ELF soname) and those it loads, at most
 * KIN_MAX_SAMPLE_MODULES candidates (a file importing from thousands of made-up DLLs must not
 * crowd its other indicators out of KIN_MAX_SAMPLE_IOCS).
 */
static kin_status modules_add(struct cand_set *cs, struct arena *a, const struct kin_image *img)
{
    char norm[KIN_MAX_IOC_VALUE_LEN + 1];
    size_t limit = cs->count + KIN_MAX_SAMPLE_MODULES;
    if (img->format == KIN_FORMAT_PE) {
        KIN_TRY(module_add(cs, a, KIN_IOC_MODULE, img->pe.dll_name, norm));
    } else if (img->format == KIN_FORMAT_ELF) {
        KIN_TRY(module_add(cs, a, KIN_IOC_MODULE, img->elf.soname, norm));
        for (size_t i = 0; i < img->elf.needed_count && cs->count < limit; i++) {
            KIN_TRY(module_add(cs, a, KIN_IOC_LOADS, img->elf.needed[i], norm));
        }
    }
    const char *last = NULL;
    for (size_t i = 0; i < img->import_count && cs->count < limit; i++) {
        /* Imports come grouped by library: one lookup per run is enough (cand_add dedups). */
        const char *lib = img->imports[i].library;
        if (lib && lib != last && (!last || strcmp(lib, last) != 0)) {
            KIN_TRY(module_add(cs, a, KIN_IOC_LOADS, lib, norm));
        }
        last = lib;
    }
    return KIN_OK;
}

kin_status kin__store_ioc_select(const struct kin_iocs *iocs,
                                 const struct kin_image *img,
                                 struct store_ioc_set *out)
{
    struct cand_set cs;
    char norm[KIN_MAX_IOC_VALUE_LEN + 1];
    kin_status st = KIN_OK;
    memset(out, 0, sizeof(*out));
    memset(&cs, 0, sizeof(cs));
    kin__arena_init(&out->arena, 0);
    size_t n = kin_iocs_count(iocs);
    for (size_t i = 0; i < n && st == KIN_OK; i++) {
        const struct kin_ioc *o = kin_iocs_get(iocs, i);
        if ((o->validity != KIN_IOC_VALID && o->validity != KIN_IOC_UNCHECKED) ||
            kin__ioc_evidence_rank(o->type) < 0) {
            continue;
        }
        size_t len = kin__ioc_normalize(o->type, o->value, strlen(o->value), norm, sizeof(norm));
        if (len > 0) {
            st = cand_add(&cs, &out->arena, o, norm, len);
        }
    }
    if (st == KIN_OK && img) {
        st = modules_add(&cs, &out->arena, img);
    }
    if (st == KIN_OK) {
        if (cs.count > 1) {
            qsort(cs.v, cs.count, sizeof(*cs.v), cand_cmp);
        }
        size_t kept = 0;
        for (size_t i = 0; i < cs.count; i++) {
            kept += !cs.v[i].ignored;
        }
        out->v = kin__calloc(kept ? kept : 1, sizeof(*out->v));
        if (!out->v) {
            st = KIN_NOMEM;
        }
    }
    for (size_t i = 0; st == KIN_OK && i < cs.count; i++) {
        if (cs.v[i].ignored) {
            continue;
        }
        if (out->count == KIN_MAX_SAMPLE_IOCS) {
            out->dropped++;
            continue;
        }
        out->v[out->count++] = cs.v[i].ioc;
    }
    kin__free(cs.v);
    kin__free(cs.slots);
    if (st != KIN_OK) {
        kin__store_ioc_set_release(out);
    }
    return st;
}

const char *kin__store_ioc_ubiquitous(const struct store_ioc_freq *freq, uint64_t families)
{
    if (freq->library) {
        return "held by a library family: runtime or library data";
    }
    if (freq->families >= (families ? families : STORE_IOC_UBIQUITOUS_FAMILIES)) {
        return "held by many families";
    }
    return NULL;
}

/* Holders of the current key, copied out of the row callback. */
struct shared_ctx {
    const struct store_ioc_set *set;
    uint64_t ubiquitous_families;
    store_ioc_shared_fn fn;
    void *ctx;
    size_t key; /* SIZE_MAX: none yet */
    struct store_ioc_freq freq;
    struct store_ioc_holder *holders;
    size_t count;
    struct arena arena; /* holder strings of the current key */
    kin_status st;
    int stopped;
};

static const char *copy(struct shared_ctx *c, const char *s)
{
    char *p = kin__arena_strndup(&c->arena, s, strlen(s));
    if (!p) {
        c->st = KIN_NOMEM;
    }
    return p ? p : "";
}

/* Reports the current key to the caller and starts afresh. Returns non-zero to stop. */
static int flush_key(struct shared_ctx *c)
{
    int stop = 0;
    if (c->key != SIZE_MAX && c->st == KIN_OK) {
        const struct store_ioc *k = &c->set->v[c->key];
        struct store_ioc_shared sh;
        memset(&sh, 0, sizeof(sh));
        sh.type = k->type;
        sh.value = k->value;
        sh.freq = c->freq;
        sh.strong = kin__ioc_strong(k->type);
        sh.holders = c->holders;
        sh.holder_count = c->count;
        sh.query_index = c->key;
        sh.ubiquitous = kin__store_ioc_ubiquitous(&c->freq, c->ubiquitous_families);
        stop = c->fn(c->ctx, &sh) != 0;
    }
    kin__arena_release(&c->arena);
    kin__arena_init(&c->arena, 0);
    c->count = 0;
    c->key = SIZE_MAX;
    return stop;
}

static int
on_row(void *ctx, size_t key, const struct store_ioc_freq *freq, const struct store_ioc_holder *h)
{
    struct shared_ctx *c = ctx;
    if (key != c->key) {
        if (flush_key(c)) {
            c->stopped = 1;
            return 1;
        }
        c->key = key;
        c->freq = *freq;
    }
    if (c->count >= KIN_MAX_IOC_HOLDERS) {
        return 0;
    }
    struct store_ioc_holder *d = &c->holders[c->count++];
    *d = *h;
    d->sha256 = copy(c, h->sha256);
    d->family_name = copy(c, h->family_name);
    d->actor = copy(c, h->actor);
    d->version = copy(c, h->version);
    d->section = copy(c, h->section);
    return c->st != KIN_OK;
}

kin_status kin__store_shared_ioc_values(struct store *s,
                                        const struct store_ioc *v,
                                        size_t count,
                                        uint64_t ubiquitous_families,
                                        store_ioc_shared_fn fn,
                                        void *ctx)
{
    struct store_ioc_set set;
    struct shared_ctx c;
    memset(&set, 0, sizeof(set));
    set.v = (struct store_ioc *)v; /* only read */
    set.count = count;
    memset(&c, 0, sizeof(c));
    c.set = &set;
    c.ubiquitous_families =
        ubiquitous_families ? ubiquitous_families : STORE_IOC_UBIQUITOUS_FAMILIES;
    c.fn = fn;
    c.ctx = ctx;
    c.key = SIZE_MAX;
    kin__arena_init(&c.arena, 0);
    kin_status st = KIN_OK;
    if (count > 0) {
        c.holders = kin__calloc(KIN_MAX_IOC_HOLDERS, sizeof(*c.holders));
        st = c.holders ? s->ops->lookup_iocs(s, v, count, KIN_MAX_IOC_HOLDERS, on_row, &c)
                       : KIN_NOMEM;
    }
    if (st == KIN_OK && c.st == KIN_OK && !c.stopped) {
        (void)flush_key(&c);
    }
    if (st == KIN_OK) {
        st = c.st;
    }
    kin__arena_release(&c.arena);
    kin__free(c.holders);
    return st;
}

kin_status kin__store_shared_iocs(struct store *s,
                                  const struct kin_iocs *iocs,
                                  uint64_t ubiquitous_families,
                                  store_ioc_shared_fn fn,
                                  void *ctx)
{
    struct store_ioc_set set;
    KIN_TRY(kin__store_ioc_select(iocs, NULL, &set));
    kin_status st = kin__store_shared_ioc_values(s, set.v, set.count, ubiquitous_families, fn, ctx);
    kin__store_ioc_set_release(&set);
    return st;
}

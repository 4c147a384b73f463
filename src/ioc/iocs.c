/*
 * iocs.c: public entry points of the indicator stage: kin_iocs_extract() over a loaded sample
 * or a buffer, the result object, and the names of types, validities and encodings.
 *
 * A result owns an arena holding every indicator's value; its memory is bounded by the same
 * budget rule as a sample's (KIN_ARENA_BUDGET_FACTOR times the file size plus a base) and by
 * KIN_MAX_IOCS. Before indicators are sorted by file offset, one rule that needs the whole file
 * runs: names glued onto the end of a neighbouring string (unglue()).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/limits.h"
#include "ioc.h"

#define IOC_DEFAULT_MIN_LEN 6 /* as `strings -n 6`: shorter runs are mostly noise */
#define ELF_SHT_NOBITS      8 /* .bss: no bytes in the file */
/*
 * Printable runs at least this long are string blobs (Go and Rust keep literals without
 * terminators, one after the other), where a name may be glued onto the end of the previous
 * string ("nilgoogle.golang.org"). C strings and resource text are rarely this long unbroken.
 */
#define GLUE_RUN_MIN 128u

static const char WHY_GLUED[] = "glued onto the end of a neighbouring string: the name at its end "
                                "occurs on its own in the file";
static const char WHY_LENGTH[] = "starts with the length byte of a length-prefixed string: the "
                                 "name after it occurs on its own in the file";

/* A section's file range, sorted by start for lookups. */
struct sec_range {
    uint64_t start;
    uint64_t end;
    const char *name;
};

/* A domain that may be glued onto what precedes it: its index and IOC_HINT_* hints. */
struct glued {
    size_t index;
    uint32_t hints;
};

struct kin_iocs {
    struct arena arena;
    struct kin_ioc *v;
    size_t count, cap;
    uint64_t strings;
    int truncated;
    uint32_t types;
    struct sec_range *secs;
    size_t sec_count;
    struct glued *glued; /* domains from long runs or hinted IOC_HINT_GLUED */
    size_t glued_count, glued_cap;
};

static const char *const type_names[KIN__IOC_TYPE_COUNT] = {
    "url", "domain",   "ipv4",    "ipv6",     "email", "onion",     "btc",    "eth",   "xmr",
    "pdb", "registry", "winpath", "unixpath", "mutex", "useragent", "module", "loads",
};

const char *kin_ioc_type_name(uint32_t type)
{
    return type < KIN__IOC_TYPE_COUNT ? type_names[type] : "unknown";
}

kin_status kin_ioc_type_parse(const char *name, uint32_t *type)
{
    for (uint32_t t = 0; name && t < KIN__IOC_TYPE_COUNT; t++) {
        if (strcmp(name, type_names[t]) == 0) {
            *type = t;
            return KIN_OK;
        }
    }
    return KIN_NOTFOUND;
}

const char *kin_ioc_validity_name(uint32_t validity)
{
    static const char *const names[] = {"valid", "unchecked", "checksum-failed", "invalid"};
    return validity < KIN_ARRAY_COUNT(names) ? names[validity] : "unknown";
}

const char *kin_ioc_encoding_name(uint32_t encoding)
{
    return encoding == KIN_ENC_UTF16LE ? "utf16le" : "ascii";
}

const char *kin_ioc_ubiquitous(uint32_t type, const char *value)
{
    char norm[KIN_MAX_IOC_VALUE_LEN + 1];
    if (!value) {
        return NULL;
    }
    size_t n = kin__ioc_normalize(type, value, strlen(value), norm, sizeof(norm));
    return n ? kin__ioc_common(type, norm, n) : NULL;
}

static int sec_cmp(const void *a, const void *b)
{
    const struct sec_range *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Name of the section holding file offset off, or NULL. Overlaps: the latest start wins. */
static const char *section_at(const struct kin_iocs *res, uint64_t off)
{
    size_t lo = 0, hi = res->sec_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (res->secs[mid].start <= off) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    /* lo is the first section starting after off; look back a little for one containing it. */
    for (size_t k = 0; k < 16 && lo > 0; k++, lo--) {
        const struct sec_range *s = &res->secs[lo - 1];
        if (off < s->end) {
            return s->name;
        }
    }
    return NULL;
}

static kin_status index_sections(struct kin_iocs *res, const struct kin_image *img)
{
    if (!img || img->section_count == 0) {
        return KIN_OK;
    }
    res->secs = kin__arena_array(&res->arena, img->section_count, sizeof(*res->secs));
    if (!res->secs) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < img->section_count; i++) {
        const struct kin_section *s = &img->sections[i];
        if (s->size == 0 || (img->format == KIN_FORMAT_ELF && s->type == ELF_SHT_NOBITS) ||
            s->offset >= img->file_size) {
            continue;
        }
        uint64_t end = s->size > img->file_size - s->offset ? img->file_size : s->offset + s->size;
        struct sec_range *d = &res->secs[res->sec_count++];
        d->start = s->offset;
        d->end = end;
        d->name = s->name;
    }
    qsort(res->secs, res->sec_count, sizeof(*res->secs), sec_cmp);
    return KIN_OK;
}

/* Receives one indicator from the extractor; returns non-zero to stop. */
static int collect(void *ctx, const struct str_run *r, const struct ioc_found *f)
{
    struct kin_iocs *res = ctx;
    if (res->types && !(res->types & (1u << f->type))) {
        return 0;
    }
    if (res->count >= KIN_MAX_IOCS) {
        res->truncated = 1;
        return 1;
    }
    if (!kin__arena_vec_reserve(&res->arena, (void **)&res->v, res->count, &res->cap,
                                sizeof(*res->v))) {
        res->truncated = 1;
        return 1;
    }
    uint64_t unit = r->encoding == KIN_ENC_UTF16LE ? 2 : 1;
    struct kin_ioc *o = &res->v[res->count];
    memset(o, 0, sizeof(*o));
    o->type = f->type;
    o->validity = (uint32_t)f->validity;
    o->encoding = r->encoding;
    o->value = kin__arena_strndup(&res->arena, r->p + f->start, f->len);
    o->detail = f->detail;
    o->offset = r->offset + unit * f->start;
    o->size = unit * f->len;
    o->section = section_at(res, o->offset);
    if (!o->value) {
        res->truncated = 1;
        return 1;
    }
    if (f->type == KIN_IOC_DOMAIN && f->validity == KIN_IOC_VALID &&
        (r->n >= GLUE_RUN_MIN || (f->hints & IOC_HINT_GLUED))) {
        if (!kin__arena_vec_reserve(&res->arena, (void **)&res->glued, res->glued_count,
                                    &res->glued_cap, sizeof(*res->glued))) {
            res->truncated = 1;
            return 1;
        }
        res->glued[res->glued_count].index = res->count;
        res->glued[res->glued_count++].hints = f->hints;
    }
    res->count++;
    return 0;
}

static int is_name(const struct kin_ioc *o)
{
    return o->type == KIN_IOC_DOMAIN && o->validity == KIN_IOC_VALID;
}

static char lower(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/*
 * The file's domains as a hash set, to ask "is this suffix of a candidate a name found in the
 * file". Hashes run from the last character to the first, so one backward pass over a candidate
 * gives the hash of every suffix: the pass costs its length, not its length squared. Slots hold
 * an indicator index + 1 (0 = empty) and NAME_PLAIN when some occurrence was outside a blob.
 */
#define NAME_PLAIN   0x80000000u
#define NAME_MAX_LEN 253 /* longest domain name; a first label is at most 63 */

struct name_set {
    uint32_t *slot;
    size_t mask;
};

static uint64_t hash_step(uint64_t h, char c)
{
    return (h ^ (uint8_t)lower(c)) * 0x100000001b3ull;
}

static uint64_t name_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = strlen(s); i > 0; i--) {
        h = hash_step(h, s[i - 1]);
    }
    return h;
}

/* The slot holding name s (hash h), or the empty slot where it would go. */
static uint32_t *
name_slot(const struct name_set *set, const struct kin_iocs *res, const char *s, uint64_t h)
{
    for (size_t i = (size_t)h & set->mask;; i = (i + 1) & set->mask) {
        uint32_t e = set->slot[i];
        if (e == 0 || strcasecmp(res->v[(e & ~NAME_PLAIN) - 1].value, s) == 0) {
            return &set->slot[i];
        }
    }
}

/*
 * Names glued onto the end of a neighbouring string. In a string blob nothing separates
 * "... != nil" from "google.golang.org/...", so the host run reads "nilgoogle.golang.org"; a
 * printable length byte glues the same way ("0github.com/x/y", '0' = 48 bytes follow), and so
 * does a '%' ("100%" then "github.com"). When such a domain (from a long run, or hinted
 * IOC_HINT_GLUED) has a proper suffix of its first label that, with the labels after it, is a
 * domain found elsewhere in the file, it is that domain (the shortest cut wins), moved to where
 * it starts; with include_rejected the glued form is listed as invalid. A name also found
 * outside any such place ("plain") is never cut: "github.com" starting a NUL-terminated symbol
 * of 104 characters is not 'g' (103) and "ithub.com". A name alone in its file keeps its first
 * label: nothing says where it would be cut. So the file is the evidence, not a list of names.
 */
static kin_status unglue(struct kin_iocs *res, int include_rejected)
{
    if (res->glued_count == 0) {
        return KIN_OK;
    }
    kin_status st = KIN_OK;
    size_t total = res->count, cap = 16;
    while (cap < 2 * total) {
        cap *= 2;
    }
    struct name_set set = {kin__calloc(cap, sizeof(uint32_t)), cap - 1};
    uint8_t *glued = kin__calloc(total, 1);
    uint8_t *cuts = kin__calloc(res->glued_count, 1); /* applied once every lookup is done */
    if (!set.slot || !glued || !cuts) {
        st = KIN_NOMEM;
        goto out;
    }
    for (size_t g = 0; g < res->glued_count; g++) {
        glued[res->glued[g].index] = 1;
    }
    for (size_t i = 0; i < total; i++) {
        if (is_name(&res->v[i])) {
            const char *v = res->v[i].value;
            uint32_t *e = name_slot(&set, res, v, name_hash(v));
            *e = (*e ? *e : (uint32_t)(i + 1)) | (glued[i] ? 0 : NAME_PLAIN);
        }
    }
    for (size_t g = 0; g < res->glued_count; g++) {
        size_t i = res->glued[g].index;
        const char *v = res->v[i].value;
        size_t len = strlen(v), first = strcspn(v, ".");
        uint64_t h[NAME_MAX_LEN + 1];
        assert(first <= len); /* so h[1..first) is set below */
        if (len > NAME_MAX_LEN || (*name_slot(&set, res, v, name_hash(v)) & NAME_PLAIN)) {
            continue;
        }
        /* h[k] is the hash of v + k. */
        h[len] = 0xcbf29ce484222325ull;
        for (size_t k = len; k > 0; k--) {
            h[k - 1] = hash_step(h[k], v[k - 1]);
        }
        size_t cut = 1;
        while (cut < first && *name_slot(&set, res, v + cut, h[cut]) == 0) {
            cut++;
        }
        cuts[g] = cut < first ? (uint8_t)cut : 0;
    }
    for (size_t g = 0; g < res->glued_count; g++) {
        size_t i = res->glued[g].index, cut = cuts[g];
        if (cut == 0) {
            continue;
        }
        if (include_rejected && res->count < KIN_MAX_IOCS &&
            kin__arena_vec_reserve(&res->arena, (void **)&res->v, res->count, &res->cap,
                                   sizeof(*res->v))) {
            struct kin_ioc *o = &res->v[res->count++];
            *o = res->v[i];
            o->validity = KIN_IOC_INVALID;
            o->detail =
                cut == 1 && (res->glued[g].hints & IOC_HINT_LENGTH) ? WHY_LENGTH : WHY_GLUED;
        }
        struct kin_ioc *o = &res->v[i];
        uint64_t unit = o->encoding == KIN_ENC_UTF16LE ? 2 : 1;
        o->value += cut;
        o->offset += unit * cut;
        o->size -= unit * cut;
    }
out:
    kin__free(cuts);
    kin__free(glued);
    kin__free(set.slot);
    return st;
}

struct run_ctx {
    struct ioc_extractor x;
    kin_status st;
};

static int on_run(void *ctx, const struct str_run *r)
{
    struct run_ctx *rc = ctx;
    rc->st = kin__ioc_scan_run(&rc->x, r);
    return rc->st != KIN_OK || rc->x.stop;
}

/* Sort keys: offset, then discovery order, so equal offsets keep detector order. */
struct sort_key {
    uint64_t offset;
    uint64_t seq;
};

static int key_cmp(const void *a, const void *b)
{
    const struct sort_key *x = a, *y = b;
    if (x->offset != y->offset) {
        return x->offset < y->offset ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Sorts in place: sorts 16-byte keys, then applies the permutation by following its cycles, so
 * the only extra memory is the keys.
 */
static kin_status sort_results(struct kin_iocs *res)
{
    if (res->count < 2) {
        return KIN_OK;
    }
    struct sort_key *keys = kin__malloc(res->count * sizeof(*keys));
    if (!keys) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < res->count; i++) {
        keys[i].offset = res->v[i].offset;
        keys[i].seq = i;
    }
    qsort(keys, res->count, sizeof(*keys), key_cmp);
    /* Position j takes the element at keys[j].seq; UINT64_MAX marks a placed position. */
    for (size_t i = 0; i < res->count; i++) {
        if (keys[i].seq == UINT64_MAX || keys[i].seq == i) {
            continue;
        }
        struct kin_ioc first = res->v[i];
        size_t j = i;
        while (keys[j].seq != i) {
            size_t from = (size_t)keys[j].seq;
            res->v[j] = res->v[from];
            keys[j].seq = UINT64_MAX;
            j = from;
        }
        res->v[j] = first;
        keys[j].seq = UINT64_MAX;
    }
    kin__free(keys);
    return KIN_OK;
}

static kin_status extract(const uint8_t *data,
                          size_t size,
                          const struct kin_image *img,
                          const struct kin_ioc_options *opts,
                          struct kin_iocs **out)
{
    static const struct kin_ioc_options defaults;
    *out = NULL;
    if (!data && size) {
        return KIN_INVALID;
    }
    if ((uint64_t)size > KIN_MAX_FILE_SIZE) {
        return KIN_TOOBIG;
    }
    if (!opts) {
        opts = &defaults;
    }
    struct kin_iocs *res = kin__calloc(1, sizeof(*res));
    if (!res) {
        return KIN_NOMEM;
    }
    size_t budget = KIN_ARENA_BUDGET_BASE;
    budget += size > (SIZE_MAX - budget) / KIN_ARENA_BUDGET_FACTOR ? SIZE_MAX - budget
                                                                   : size * KIN_ARENA_BUDGET_FACTOR;
    kin__arena_init(&res->arena, budget);
    res->types = opts->types;
    kin_status st = index_sections(res, img);
    struct run_ctx *rc = NULL;
    if (st != KIN_OK) {
        goto out;
    }
    /* The extractor carries a 9 KiB TLD cache: keep it off the stack. */
    rc = kin__calloc(1, sizeof(*rc));
    if (!rc) {
        st = KIN_NOMEM;
        goto out;
    }
    kin__ioc_extractor_init(&rc->x, collect, res);
    rc->x.include_rejected = opts->include_rejected;
    uint32_t min_len = opts->min_len ? opts->min_len : IOC_DEFAULT_MIN_LEN;
    int truncated = 0;
    st = kin__strings_scan(kin__span(data, size), min_len, on_run, rc, &res->strings, &truncated);
    if (st == KIN_OK) {
        st = rc->st;
    }
    kin__ioc_extractor_release(&rc->x);
    res->truncated |= truncated;
    if (res->arena.over_budget) {
        res->truncated = 1;
    }
    if (st == KIN_OK) {
        st = unglue(res, opts->include_rejected);
    }
    if (st == KIN_OK) {
        st = sort_results(res);
    }
out:
    kin__free(rc);
    if (st != KIN_OK) {
        kin_iocs_free(res);
        return st;
    }
    *out = res;
    return KIN_OK;
}

kin_status kin_iocs_extract(const struct kin_sample *s,
                            const struct kin_ioc_options *opts,
                            struct kin_iocs **out)
{
    size_t size = 0;
    if (!s) {
        *out = NULL;
        return KIN_INVALID;
    }
    const uint8_t *data = kin_sample_data(s, &size);
    return extract(data, size, kin_sample_image(s), opts, out);
}

kin_status kin_iocs_extract_mem(const uint8_t *data,
                                size_t size,
                                const struct kin_ioc_options *opts,
                                struct kin_iocs **out)
{
    return extract(data, size, NULL, opts, out);
}

void kin_iocs_free(struct kin_iocs *r)
{
    if (!r) {
        return;
    }
    kin__arena_release(&r->arena);
    kin__free(r);
}

size_t kin_iocs_count(const struct kin_iocs *r)
{
    return r ? r->count : 0;
}

const struct kin_ioc *kin_iocs_get(const struct kin_iocs *r, size_t i)
{
    return r && i < r->count ? &r->v[i] : NULL;
}

uint64_t kin_iocs_string_count(const struct kin_iocs *r)
{
    return r ? r->strings : 0;
}

int kin_iocs_truncated(const struct kin_iocs *r)
{
    return r ? r->truncated : 0;
}

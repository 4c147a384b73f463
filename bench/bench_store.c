/*
 * bench_store.c: the candidate stage of a query against an index, as attribution will run it:
 * for indexed samples taken as queries, read their functions back, build their keys (pichash of
 * every non-thunk function, 16 band values of every other non-small one), sort them and look
 * them up (frequency, and postings when at most --cap samples hold the key). Prints per query
 * the functions, keys, postings read and time; then the median and 95th percentile, the cost per
 * key and the peak resident memory.
 *
 *   bench_store INDEX.db [--queries N] [--cap SAMPLES]
 *   bench_store INDEX.db --rebuild NEW.db [--schema N]
 *
 * --rebuild measures the store alone: it adds every sample of INDEX.db, with its labels and the
 * functions read back, to a new index through kin_index_add() (staging, merges, statistics),
 * and prints the time, the CPU time and the size of the result. --schema N builds the new index
 * at schema version N instead of the latest (3: band postings one per function, as before
 * decision 0001's packing), to compare the cost of adds and merges.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "api/api.h"
#include "kin.h"
#include "store/store.h"

struct keyset {
    struct store_key *pic, *band;
    size_t npic, nband, cap_pic, cap_band, functions;
};

static int grow(struct store_key **v, size_t n, size_t *cap, size_t more)
{
    if (*cap - n >= more) {
        return 0;
    }
    size_t c = *cap ? *cap : 1024;
    while (c - n < more) {
        c *= 2;
    }
    struct store_key *p = realloc(*v, c * sizeof(*p));
    if (!p) {
        return -1;
    }
    *v = p;
    *cap = c;
    return 0;
}

static int on_function(void *ctx, const struct store_function *f)
{
    struct keyset *k = ctx;
    k->functions++;
    if (kin__store_indexes_pichash(f->flags)) {
        if (grow(&k->pic, k->npic, &k->cap_pic, 1) != 0) {
            return 1;
        }
        k->pic[k->npic].value = f->pichash;
        k->pic[k->npic++].band = 0;
    }
    if (kin__store_indexes_bands(f->flags)) {
        uint64_t bands[KIN_LSH_BANDS];
        if (grow(&k->band, k->nband, &k->cap_band, KIN_LSH_BANDS) != 0) {
            return 1;
        }
        kin_minhash_bands(f->minhash, bands);
        for (uint32_t b = 0; b < KIN_LSH_BANDS; b++) {
            k->band[k->nband].value = bands[b];
            k->band[k->nband++].band = b;
        }
    }
    return 0;
}

static int cmp_key(const void *pa, const void *pb)
{
    const struct store_key *a = pa, *b = pb;
    if (a->band != b->band) {
        return a->band < b->band ? -1 : 1;
    }
    int64_t x = (int64_t)a->value, y = (int64_t)b->value;
    return x < y ? -1 : x > y;
}

struct hits {
    uint64_t keys_found, postings, capped;
};

static int on_hit(void *ctx,
                  size_t key_index,
                  const struct store_freq *freq,
                  const struct store_posting *p,
                  size_t count)
{
    struct hits *h = ctx;
    (void)key_index;
    (void)p;
    h->keys_found++;
    h->postings += count;
    h->capped += count == 0 && freq->samples > 0;
    return 0;
}

struct ids {
    int64_t *v;
    size_t n, cap;
    struct store *s;
};

static int on_sample(void *ctx, const struct kin_index_sample *smp)
{
    struct ids *ids = ctx;
    int64_t id = 0, fam = 0;
    if (ids->s->ops->find_sample(ids->s, smp->sha256, &id, &fam) != KIN_OK) {
        return 0;
    }
    if (ids->n == ids->cap) {
        size_t c = ids->cap ? ids->cap * 2 : 256;
        int64_t *p = realloc(ids->v, c * sizeof(*p));
        if (!p) {
            return 1;
        }
        ids->v = p;
        ids->cap = c;
    }
    ids->v[ids->n++] = id;
    return 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of this process: on a shared machine, wall time also counts other processes. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One sample of the source index, as listed (strings copied). */
struct src_sample {
    char sha256[65];
    char *family, *actor, *version, *source, *arch, *format;
    char md5[33], sha1[41], imphash[33], rich_hash[33], tlsh[73], ssdeep[160];
    uint64_t file_size;
};

struct src_list {
    struct src_sample *v;
    size_t n, cap;
};

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) {
        memcpy(p, s, n);
    }
    return p;
}

static int on_src_sample(void *ctx, const struct kin_index_sample *smp)
{
    struct src_list *l = ctx;
    if (l->n == l->cap) {
        size_t c = l->cap ? l->cap * 2 : 256;
        struct src_sample *p = realloc(l->v, c * sizeof(*p));
        if (!p) {
            return 1;
        }
        l->v = p;
        l->cap = c;
    }
    struct src_sample *d = &l->v[l->n++];
    memset(d, 0, sizeof(*d));
    (void)snprintf(d->sha256, sizeof(d->sha256), "%s", smp->sha256);
    d->family = dup(smp->family);
    d->actor = dup(smp->actor);
    d->version = dup(smp->version);
    d->source = dup(smp->source);
    d->arch = dup(smp->arch);
    d->format = dup(smp->format);
    (void)snprintf(d->md5, sizeof(d->md5), "%s", smp->md5);
    (void)snprintf(d->sha1, sizeof(d->sha1), "%s", smp->sha1);
    (void)snprintf(d->imphash, sizeof(d->imphash), "%s", smp->imphash);
    (void)snprintf(d->rich_hash, sizeof(d->rich_hash), "%s", smp->rich_hash);
    (void)snprintf(d->tlsh, sizeof(d->tlsh), "%s", smp->tlsh);
    (void)snprintf(d->ssdeep, sizeof(d->ssdeep), "%s", smp->ssdeep);
    d->file_size = smp->file_size;
    return 0;
}

struct fn_list {
    struct kin_function *v;
    char **names;
    size_t n, cap;
};

static int on_src_function(void *ctx, const struct store_function *f)
{
    struct fn_list *l = ctx;
    if (l->n == l->cap) {
        size_t c = l->cap ? l->cap * 2 : 4096;
        struct kin_function *p = realloc(l->v, c * sizeof(*p));
        char **q = realloc(l->names, c * sizeof(*q));
        if (p) {
            l->v = p;
        }
        if (q) {
            l->names = q;
        }
        if (!p || !q) {
            return 1;
        }
        l->cap = c;
    }
    struct kin_function *d = &l->v[l->n];
    memset(d, 0, sizeof(*d));
    d->va = f->va;
    d->size = f->size;
    d->flags = f->flags;
    d->pichash = f->pichash;
    memcpy(d->minhash, f->minhash, sizeof(d->minhash));
    l->names[l->n] = f->name ? dup(f->name) : NULL;
    d->name = l->names[l->n];
    l->n++;
    return 0;
}

static uint32_t arch_of(const char *name)
{
    for (uint32_t a = 0; a <= KIN_ARCH_OTHER; a++) {
        if (!strcmp(name, kin_arch_name(a))) {
            return a;
        }
    }
    return KIN_ARCH_UNKNOWN;
}

static uint32_t format_of(const char *name)
{
    for (uint32_t f = 0; f <= KIN_FORMAT_RAW; f++) {
        if (!strcmp(name, kin_format_name(f))) {
            return f;
        }
    }
    return KIN_FORMAT_UNKNOWN;
}

static int rebuild(struct store *src, const char *out, int schema)
{
    struct src_list l = {NULL, 0, 0};
    struct kin_index *idx = NULL;
    if (src->ops->list_samples(src, NULL, on_src_sample, &l) != KIN_OK) {
        fprintf(stderr, "bench_store: %s\n", src->errmsg);
        return 1;
    }
    if (schema > 0) {
        /* An index kept at an older schema: the store opened at that version, not migrated. */
        idx = kin__calloc(1, sizeof(*idx));
        if (!idx ||
            kin__sqlite_open_version(out, KIN_INDEX_CREATE, schema, &idx->store) != KIN_OK) {
            fprintf(stderr, "bench_store: cannot create %s at schema %d\n", out, schema);
            return 1;
        }
    } else if (kin_index_open(out, KIN_INDEX_CREATE, &idx) != KIN_OK) {
        fprintf(stderr, "bench_store: %s\n", kin_index_errmsg(idx));
        kin_index_close(idx);
        return 1;
    }
    double t0 = now_ms(), c0 = cpu_ms(), add_cpu = 0, read_cpu = 0;
    uint64_t functions = 0;
    int rc = 0;
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        struct src_sample *d = &l.v[i];
        struct fn_list fl = {NULL, NULL, 0, 0};
        int64_t id = 0, fam = 0;
        double r0 = cpu_ms();
        if (src->ops->find_sample(src, d->sha256, &id, &fam) != KIN_OK ||
            src->ops->sample_functions(src, id, on_src_function, &fl) != KIN_OK) {
            fprintf(stderr, "bench_store: %s\n", src->errmsg);
            rc = 1;
            break;
        }
        double r1 = cpu_ms();
        struct kin_image img;
        memset(&img, 0, sizeof(img));
        (void)snprintf(img.hashes.sha256, sizeof(img.hashes.sha256), "%s", d->sha256);
        memcpy(img.hashes.md5, d->md5, sizeof(d->md5));
        memcpy(img.hashes.sha1, d->sha1, sizeof(d->sha1));
        memcpy(img.hashes.imphash, d->imphash, sizeof(d->imphash));
        memcpy(img.hashes.rich_hash, d->rich_hash, sizeof(d->rich_hash));
        memcpy(img.hashes.tlsh, d->tlsh, sizeof(d->tlsh));
        memcpy(img.hashes.ssdeep, d->ssdeep, sizeof(d->ssdeep));
        img.arch = arch_of(d->arch);
        img.format = format_of(d->format);
        img.file_size = d->file_size;
        struct kin_labels lab = {*d->family ? d->family : NULL, *d->actor ? d->actor : NULL,
                                 d->version, d->source, KIN_FAMILY_MALWARE};
        int existed = 0;
        if (kin_index_add(idx, &img, fl.v, fl.n, &lab, &existed) != KIN_OK) {
            fprintf(stderr, "bench_store: %s\n", kin_index_errmsg(idx));
            rc = 1;
        }
        add_cpu += cpu_ms() - r1;
        read_cpu += r1 - r0;
        functions += fl.n;
        for (size_t k = 0; k < fl.n; k++) {
            free(fl.names[k]);
        }
        free(fl.v);
        free(fl.names);
    }
    double f0 = cpu_ms();
    if (rc == 0 && kin_index_flush(idx) != KIN_OK) {
        fprintf(stderr, "bench_store: %s\n", kin_index_errmsg(idx));
        rc = 1;
    }
    double flush_cpu = cpu_ms() - f0;
    struct kin_index_stats st;
    if (rc == 0 && kin_index_stats(idx, &st) == KIN_OK) {
        printf("rebuilt: %llu samples, %llu functions, %llu pichashes, %llu band values, "
               "%.1f MB on disk\n",
               (unsigned long long)st.samples, (unsigned long long)st.functions,
               (unsigned long long)st.pichashes, (unsigned long long)st.band_values,
               (double)st.db_size / 1e6);
        printf("wall %.1f s, cpu %.1f s (reading the source %.1f s, adds with automatic merges "
               "%.1f s, final merge %.1f s): %.0f functions per cpu second\n",
               (now_ms() - t0) / 1e3, (cpu_ms() - c0) / 1e3, read_cpu / 1e3, add_cpu / 1e3,
               flush_cpu / 1e3, (double)functions / ((add_cpu + flush_cpu) / 1e3));
    }
    kin_index_close(idx);
    for (size_t i = 0; i < l.n; i++) {
        free(l.v[i].family);
        free(l.v[i].actor);
        free(l.v[i].version);
        free(l.v[i].source);
        free(l.v[i].arch);
        free(l.v[i].format);
    }
    free(l.v);
    return rc;
}

int main(int argc, char **argv)
{
    size_t queries = 20;
    uint64_t cap = 64;
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        fprintf(stderr, "usage: bench_store INDEX.db [--queries N] [--cap SAMPLES]\n");
        return 2;
    }
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--queries")) {
            queries = (size_t)strtoul(argv[i + 1], NULL, 10);
        } else if (!strcmp(argv[i], "--cap")) {
            cap = strtoull(argv[i + 1], NULL, 10);
        }
    }
    const char *rebuild_to = NULL;
    int schema = 0;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--rebuild")) {
            rebuild_to = argv[i + 1];
        } else if (!strcmp(argv[i], "--schema")) {
            schema = atoi(argv[i + 1]);
        }
    }
    struct store *s = NULL;
    if (kin__sqlite_open(argv[1], KIN_INDEX_READONLY, &s) != KIN_OK) {
        fprintf(stderr, "bench_store: %s\n", s ? s->errmsg : "cannot open");
        if (s) {
            s->ops->close(s);
        }
        return 1;
    }
    if (rebuild_to) {
        int rc = rebuild(s, rebuild_to, schema);
        s->ops->close(s);
        return rc;
    }
    struct ids ids = {NULL, 0, 0, s};
    if (s->ops->list_samples(s, NULL, on_sample, &ids) != KIN_OK || ids.n == 0) {
        fprintf(stderr, "bench_store: no samples\n");
        s->ops->close(s);
        return 1;
    }
    struct store_totals t;
    if (s->ops->totals(s, &t) == KIN_OK) {
        printf("index: %llu samples, %llu functions, %llu distinct pichashes, %llu band values, "
               "%.1f MB\n",
               (unsigned long long)t.samples, (unsigned long long)t.functions,
               (unsigned long long)t.pic_keys, (unsigned long long)t.band_keys,
               (double)t.db_size / 1e6);
    }
    if (queries > ids.n) {
        queries = ids.n;
    }
    double *ms = calloc(queries, sizeof(*ms));
    double *cms = calloc(queries, sizeof(*cms));
    double total_keys = 0, total_ms = 0;
    printf("%8s %8s %8s %10s %8s %9s %9s\n", "sample", "funcs", "keys", "postings", "capped",
           "wall ms", "cpu ms");
    for (size_t q = 0; q < queries && ms; q++) {
        int64_t id = ids.v[q * ids.n / queries];
        struct keyset k;
        struct hits h = {0, 0, 0};
        memset(&k, 0, sizeof(k));
        if (s->ops->sample_functions(s, id, on_function, &k) != KIN_OK) {
            fprintf(stderr, "bench_store: %s\n", s->errmsg);
            break;
        }
        /* Timed from here: what a query does once it has its own signatures. */
        double t0 = now_ms(), c0 = cpu_ms();
        qsort(k.pic, k.npic, sizeof(*k.pic), cmp_key);
        qsort(k.band, k.nband, sizeof(*k.band), cmp_key);
        kin_status st = s->ops->lookup(s, STORE_PIC, k.pic, k.npic, cap, on_hit, &h);
        if (st == KIN_OK) {
            st = s->ops->lookup(s, STORE_BAND, k.band, k.nband, cap, on_hit, &h);
        }
        ms[q] = now_ms() - t0;
        cms[q] = cpu_ms() - c0;
        if (st != KIN_OK) {
            fprintf(stderr, "bench_store: %s\n", s->errmsg);
        }
        total_keys += (double)(k.npic + k.nband);
        total_ms += cms[q];
        printf("%8lld %8zu %8zu %10llu %8llu %9.1f %9.1f\n", (long long)id, k.functions,
               k.npic + k.nband, (unsigned long long)h.postings, (unsigned long long)h.capped,
               ms[q], cms[q]);
        free(k.pic);
        free(k.band);
    }
    if (ms && cms && queries) {
        size_t p95 = (queries * 95) / 100 < queries ? (queries * 95) / 100 : queries - 1;
        qsort(ms, queries, sizeof(*ms), cmp_double);
        qsort(cms, queries, sizeof(*cms), cmp_double);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("queries %zu: wall median %.1f ms, p95 %.1f ms; cpu median %.1f ms, p95 %.1f ms; "
               "%.2f us cpu per key; peak RSS %ld MB\n",
               queries, ms[queries / 2], ms[p95], cms[queries / 2], cms[p95],
               total_keys > 0 ? total_ms * 1e3 / total_keys : 0.0, ru.ru_maxrss / 1024);
    }
    free(ms);
    free(cms);
    free(ids.v);
    s->ops->close(s);
    return 0;
}

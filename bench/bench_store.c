/*
 * bench_store.c: the candidate stage of a query against an index, as attribution will run it:
 * for indexed samples taken as queries, read their functions back, build their keys (pichash of
 * every non-thunk function, 16 band values of every other non-small one), sort them and look
 * them up (frequency, and postings when at most --cap samples hold the key). Prints per query
 * the functions, keys, postings read and time; then the median and 95th percentile, the cost per
 * key and the peak resident memory.
 *
 *   bench_store INDEX.db [--queries N] [--cap SAMPLES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

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
    struct store *s = NULL;
    if (kin__sqlite_open(argv[1], KIN_INDEX_READONLY, &s) != KIN_OK) {
        fprintf(stderr, "bench_store: %s\n", s ? s->errmsg : "cannot open");
        if (s) {
            s->ops->close(s);
        }
        return 1;
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

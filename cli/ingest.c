/*
 * ingest.c: the add pipeline of ingest.h. Workers claim files in order from a shared counter,
 * load and analyse them, and push one result each into a bounded queue; the calling thread is
 * the only writer of the index and the only thread that prints.
 *
 * Invariant: every item produces exactly one result unless the batch is stopped (an index
 * failure), in which case the writer drains and frees what is queued and joins the workers.
 */
#include "ingest.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "index_open.h"
#include "progress.h"
#include "text.h"

enum result_kind { R_READY, R_EXISTED, R_SKIPPED, R_FAILED };

struct result {
    size_t item;
    enum result_kind kind;
    struct kin_sample *sample; /* R_READY: owned by the result */
    struct kin_funcs *funcs;   /* R_READY: owned by the result */
    struct kin_iocs *iocs;     /* R_READY: owned by the result; NULL when extraction failed */
    char msg[512];             /* R_SKIPPED, R_FAILED: why */
};

struct pipeline {
    struct ingest *g;
    pthread_mutex_t mu;
    pthread_cond_t not_full;
    pthread_cond_t not_empty;
    size_t next_item; /* next item a worker claims */
    struct result *queue;
    size_t qcap, qhead, qcount;
    int stop;
};

static char *dup_or_null(const char *s)
{
    if (!s || !*s) {
        return NULL;
    }
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) {
        memcpy(p, s, n);
    }
    return p;
}

void ingest_init(struct ingest *g, const char *cmd, const char *db, unsigned jobs)
{
    memset(g, 0, sizeof(*g));
    g->cmd = cmd;
    g->db = db;
    g->jobs = jobs < 1 ? 1 : jobs > INGEST_MAX_JOBS ? INGEST_MAX_JOBS : jobs;
}

unsigned ingest_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > INGEST_MAX_JOBS ? INGEST_MAX_JOBS : (unsigned)n;
}

int ingest_add(struct ingest *g,
               const char *path,
               const char *family,
               const char *actor,
               const char *version,
               uint32_t kind,
               const char *sha256)
{
    if (g->count == g->cap) {
        size_t ncap = g->cap ? g->cap * 2 : 64;
        struct ingest_item *n = realloc(g->items, ncap * sizeof(*n));
        if (!n) {
            return -1;
        }
        g->items = n;
        g->cap = ncap;
    }
    struct ingest_item *it = &g->items[g->count];
    memset(it, 0, sizeof(*it));
    struct stat st;
    it->path = dup_or_null(path);
    it->family = dup_or_null(family);
    it->actor = dup_or_null(actor);
    it->version = dup_or_null(version);
    it->sha256 = dup_or_null(sha256);
    it->kind = kind;
    it->size = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
    if (!it->path || (family && *family && !it->family) || (actor && *actor && !it->actor) ||
        (version && *version && !it->version) || (sha256 && *sha256 && !it->sha256)) {
        free(it->path);
        free(it->family);
        free(it->actor);
        free(it->version);
        free(it->sha256);
        return -1;
    }
    g->count++;
    return 0;
}

void ingest_release(struct ingest *g)
{
    for (size_t i = 0; i < g->count; i++) {
        free(g->items[i].path);
        free(g->items[i].family);
        free(g->items[i].actor);
        free(g->items[i].version);
        free(g->items[i].sha256);
    }
    free(g->items);
    g->items = NULL;
    g->count = g->cap = 0;
}

static void result_release(struct result *r)
{
    kin_iocs_free(r->iocs);
    r->iocs = NULL;
    kin_funcs_free(r->funcs);
    kin_sample_free(r->sample);
    r->funcs = NULL;
    r->sample = NULL;
}

/* Loads and analyses one item (worker side). ro may be NULL (no early duplicate check). */
static void process(const struct ingest_item *it, struct kin_index *ro, struct result *r)
{
    int found = 0;
    if (ro && it->sha256 && kin_index_has_sample(ro, it->sha256, &found) == KIN_OK && found) {
        r->kind = R_EXISTED;
        return;
    }
    errno = 0;
    kin_status st = kin_sample_open(it->path, NULL, &r->sample);
    if (st == KIN_UNSUPPORTED) {
        r->kind = R_SKIPPED;
        (void)snprintf(r->msg, sizeof(r->msg), "not a PE or ELF file");
        return;
    }
    if (st != KIN_OK) {
        const char *why = st == KIN_IO && errno ? strerror(errno) : kin_status_str(st);
        const struct kin_image *img = r->sample ? kin_sample_image(r->sample) : NULL;
        if (st == KIN_MALFORMED && img && img->anomaly_count) {
            (void)snprintf(r->msg, sizeof(r->msg), "%s (%s)", why, img->anomalies[0].message);
        } else {
            (void)snprintf(r->msg, sizeof(r->msg), "%s", why);
        }
        r->kind = R_FAILED;
        result_release(r);
        return;
    }
    const struct kin_image *img = kin_sample_image(r->sample);
    if (it->sha256 && strcmp(it->sha256, img->hashes.sha256) != 0) {
        (void)snprintf(r->msg, sizeof(r->msg), "its sha256 is %s, the manifest says %s",
                       img->hashes.sha256, it->sha256);
        r->kind = R_FAILED;
        result_release(r);
        return;
    }
    if (ro && kin_index_has_sample(ro, img->hashes.sha256, &found) == KIN_OK && found) {
        r->kind = R_EXISTED;
        result_release(r);
        return;
    }
    st = kin_funcs_analyze(r->sample, NULL, &r->funcs);
    if (st == KIN_UNSUPPORTED) {
        (void)snprintf(r->msg, sizeof(r->msg), "%s code is not analysed (x86 and x64 only)",
                       kin_arch_name(img->arch));
        r->kind = R_SKIPPED;
        result_release(r);
        return;
    }
    if (st != KIN_OK) {
        (void)snprintf(r->msg, sizeof(r->msg), "function analysis failed: %s", kin_status_str(st));
        r->kind = R_FAILED;
        result_release(r);
        return;
    }
    /* Indicators are found here too, so the writer only writes (issue #5). */
    struct kin_ioc_options io;
    memset(&io, 0, sizeof(io));
    io.types = KIN_IOC_EVIDENCE_TYPES;
    st = kin_iocs_extract(r->sample, &io, &r->iocs);
    if (st != KIN_OK) {
        (void)snprintf(r->msg, sizeof(r->msg), "indicator extraction failed: %s",
                       kin_status_str(st));
        r->kind = R_FAILED;
        result_release(r);
        return;
    }
    r->kind = R_READY;
}

static void *worker(void *arg)
{
    struct pipeline *p = arg;
    struct ingest *g = p->g;
    struct kin_index *ro = NULL;
    /* A private read-only handle skips files the index already holds before analysing them. */
    if (kin_index_open(g->db, KIN_INDEX_READONLY, &ro) != KIN_OK) {
        kin_index_close(ro);
        ro = NULL;
    }
    for (;;) {
        pthread_mutex_lock(&p->mu);
        if (p->stop || p->next_item >= g->count) {
            pthread_mutex_unlock(&p->mu);
            break;
        }
        size_t i = p->next_item++;
        pthread_mutex_unlock(&p->mu);

        struct result r;
        memset(&r, 0, sizeof(r));
        r.item = i;
        process(&g->items[i], ro, &r);

        pthread_mutex_lock(&p->mu);
        while (p->qcount == p->qcap && !p->stop) {
            pthread_cond_wait(&p->not_full, &p->mu);
        }
        if (p->stop) {
            pthread_mutex_unlock(&p->mu);
            result_release(&r);
            break;
        }
        p->queue[(p->qhead + p->qcount) % p->qcap] = r;
        p->qcount++;
        pthread_cond_signal(&p->not_empty);
        pthread_mutex_unlock(&p->mu);
    }
    kin_index_close(ro);
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        return 0;
    }
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "kin add: <verb> '<path>'[: why]" on stderr. */
static void
note(struct ingest *g, struct progress *pr, const char *verb, size_t item, const char *why)
{
    progress_clear(pr);
    fprintf(stderr, "%s: %s '", g->cmd, verb);
    text_put(stderr, g->items[item].path);
    fputc('\'', stderr);
    if (why && *why) {
        fputs(": ", stderr);
        text_put(stderr, why);
    }
    fputc('\n', stderr);
}

/* Adds one analysed sample. Returns 0, or -1 when the index failed (the batch stops). */
static int write_one(struct ingest *g, struct kin_index *idx, struct progress *pr, struct result *r)
{
    const struct ingest_item *it = &g->items[r->item];
    struct kin_labels l;
    int existed = 0;
    memset(&l, 0, sizeof(l));
    l.family = it->family;
    l.actor = it->actor;
    l.version = it->version;
    l.source = it->path;
    l.kind = it->kind;
    kin_status st = kin_index_add_sample_iocs(idx, r->sample, r->funcs, r->iocs, &l, &existed);
    if (st == KIN_OK) {
        if (existed) {
            g->existed++;
            note(g, pr, "already indexed:", r->item, NULL);
        } else {
            g->added++;
            g->functions += kin_funcs_count(r->funcs);
        }
        return 0;
    }
    if (st == KIN_INVALID || st == KIN_LIMIT) {
        g->failed++;
        note(g, pr, "cannot add", r->item, kin_index_errmsg(idx));
        return 0;
    }
    g->failed++;
    note(g, pr, "cannot add", r->item, kin_index_errmsg(idx));
    return -1;
}

static void show_progress(struct progress *pr,
                          size_t done,
                          size_t total,
                          uint64_t bytes_done,
                          uint64_t bytes_total,
                          double t0)
{
    char line[96];
    double dt = now_s() - t0;
    double rate = dt > 0 ? (double)bytes_done / dt : 0;
    if (rate > 0 && bytes_total >= bytes_done) {
        double eta = (double)(bytes_total - bytes_done) / rate;
        unsigned long e = eta > 359999 ? 359999 : (unsigned long)eta;
        (void)snprintf(line, sizeof(line), "%.1f MB/s, ETA %lu:%02lu:%02lu", rate / 1e6, e / 3600,
                       e / 60 % 60, e % 60);
    } else {
        (void)snprintf(line, sizeof(line), "starting");
    }
    progress_update(pr, done, total, line);
}

int ingest_run(struct ingest *g)
{
    struct pipeline p;
    pthread_t threads[INGEST_MAX_JOBS];
    unsigned started = 0;
    int fatal = 0;
    if (g->count == 0) {
        printf("nothing to add\n");
        return 0;
    }
    struct kin_index *idx = index_open(g->db, KIN_INDEX_CREATE);
    if (!idx) {
        return EXIT_RUNTIME;
    }
    memset(&p, 0, sizeof(p));
    p.g = g;
    p.qcap = (size_t)2 * g->jobs;
    p.queue = calloc(p.qcap, sizeof(*p.queue));
    if (!p.queue) {
        fprintf(stderr, "%s: out of memory\n", g->cmd);
        kin_index_close(idx);
        return EXIT_RUNTIME;
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.not_full, NULL);
    pthread_cond_init(&p.not_empty, NULL);
    for (unsigned i = 0; i < g->jobs; i++) {
        if (pthread_create(&threads[i], NULL, worker, &p) != 0) {
            break;
        }
        started++;
    }
    if (started == 0) {
        fprintf(stderr, "%s: cannot start a worker thread\n", g->cmd);
        fatal = 1;
    }

    struct progress pr;
    progress_init(&pr, stderr);
    uint64_t bytes_total = 0, bytes_done = 0;
    for (size_t i = 0; i < g->count; i++) {
        bytes_total += g->items[i].size;
    }
    double t0 = now_s();
    for (size_t done = 0; done < g->count && !fatal; done++) {
        struct result r;
        pthread_mutex_lock(&p.mu);
        while (p.qcount == 0) {
            pthread_cond_wait(&p.not_empty, &p.mu);
        }
        r = p.queue[p.qhead];
        p.qhead = (p.qhead + 1) % p.qcap;
        p.qcount--;
        pthread_cond_signal(&p.not_full);
        pthread_mutex_unlock(&p.mu);

        switch (r.kind) {
        case R_READY:
            fatal = write_one(g, idx, &pr, &r) != 0;
            break;
        case R_EXISTED:
            g->existed++;
            note(g, &pr, "already indexed:", r.item, NULL);
            break;
        case R_SKIPPED:
            g->skipped++;
            note(g, &pr, "skipping", r.item, r.msg);
            break;
        case R_FAILED:
            g->failed++;
            note(g, &pr, "cannot add", r.item, r.msg);
            break;
        }
        result_release(&r);
        bytes_done += g->items[r.item].size;
        show_progress(&pr, done + 1, g->count, bytes_done, bytes_total, t0);
    }

    /* Stop the workers (they finish their current file), then free what they queued. */
    pthread_mutex_lock(&p.mu);
    p.stop = 1;
    pthread_cond_broadcast(&p.not_full);
    pthread_mutex_unlock(&p.mu);
    for (unsigned i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
    }
    while (p.qcount > 0) {
        result_release(&p.queue[p.qhead]);
        p.qhead = (p.qhead + 1) % p.qcap;
        p.qcount--;
    }
    progress_clear(&pr);
    free(p.queue);
    pthread_cond_destroy(&p.not_empty);
    pthread_cond_destroy(&p.not_full);
    pthread_mutex_destroy(&p.mu);
    kin_index_close(idx);

    printf("added %zu sample%s (%llu functions), %zu already indexed, %zu skipped, %zu failed\n",
           g->added, g->added == 1 ? "" : "s", (unsigned long long)g->functions, g->existed,
           g->skipped, g->failed);
    if (fatal) {
        fprintf(stderr, "%s: stopped; the index holds every sample added before the failure\n",
                g->cmd);
    }
    return fatal || g->failed ? EXIT_RUNTIME : 0;
}

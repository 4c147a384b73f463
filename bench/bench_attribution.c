/*
 * bench_attribution.c: the attribution benchmarks of issue #4 over one index holding the whole
 * labelled corpus. Each split is made with the exclusion filter of kin_attribute_options, which
 * makes matching behave exactly as an index built without the held-out samples would
 * (docs/ATTRIBUTION-ENGINE.md): no index is rebuilt per split.
 *
 *   lovo  leave one version out: every (family, version) is held out in turn and its samples
 *         are attributed; the truth is the family.
 *   lofo  leave one family out, for actors with two or more families: the truth is the actor.
 *   loao  leave one actor out: every family of the actor is held out; any claim is false.
 *
 * Nearest-neighbour baselines on TLSH and ssdeep run over the same splits (the nearest sample
 * that is not held out). One JSON object per query goes to stdout; bench_attribution.py turns
 * them into the figures of docs/BENCHMARKS.md.
 *
 * usage: bench_attribution --db INDEX [--protocol lovo|lofo|loao|all] [--family F]
 *                          [--param name=value]... [--limit N] [--manifest MANIFEST.tsv]
 *
 * Queries are the stored functions and indicators of each indexed sample
 * (kin_attribute_indexed(), as if new). With --manifest (the corpus manifest: sha256, path
 * relative to its directory, and language columns), the files of Go programs are loaded again
 * and their stored functions take the Go origin flags of the file's pclntab and build info
 * (KIN_FUNC_THIRD_PARTY, KIN_FUNC_RUNTIME), as a fresh analysis would give them: indexes built
 * before those flags existed are measured as new queries would be.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "api/api.h"
#include "kin.h"

struct row {
    char *sha256, *family, *actor, *version, *arch, *tlsh, *ssdeep;
    char *path; /* the file, for Go programs listed in --manifest; else NULL */
    uint32_t kind;
};

struct corpus {
    struct row *v;
    size_t count, cap;
};

static char *dup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d) {
        fputs("bench_attribution: out of memory\n", stderr);
        exit(3);
    }
    return d;
}

static int on_sample(void *ctx, const struct kin_index_sample *s)
{
    struct corpus *c = ctx;
    if (c->count == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->v = realloc(c->v, c->cap * sizeof(*c->v));
        if (!c->v) {
            exit(3);
        }
    }
    struct row *r = &c->v[c->count++];
    r->sha256 = dup(s->sha256);
    r->family = dup(s->family);
    r->actor = dup(s->actor);
    r->version = dup(s->version);
    r->arch = dup(s->arch);
    r->tlsh = dup(s->tlsh);
    r->ssdeep = dup(s->ssdeep);
    r->path = NULL;
    r->kind = 0;
    return 0;
}

/* Column index of name in a tab-separated header line (modified in place), -1 when absent. */
static int column(char **cols, int n, const char *name)
{
    for (int i = 0; i < n; i++) {
        if (!strcmp(cols[i], name)) {
            return i;
        }
    }
    return -1;
}

static int split_tabs(char *line, char **cols, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        cols[n++] = line;
        char *t = strchr(line, '\t');
        if (!t) {
            break;
        }
        *t = '\0';
        line = t + 1;
    }
    return n;
}

/* Sets the path of every indexed Go program the manifest lists (see the usage above). */
static void read_manifest(const char *manifest, struct corpus *c)
{
    FILE *f = fopen(manifest, "r");
    char line[16384], *cols[64];
    if (!f || !fgets(line, sizeof(line), f)) {
        fprintf(stderr, "bench_attribution: cannot read %s\n", manifest);
        exit(3);
    }
    int n = split_tabs(line, cols, 64);
    int csha = column(cols, n, "sha256"), cpath = column(cols, n, "path");
    int clang = column(cols, n, "language");
    if (csha < 0 || cpath < 0) {
        fprintf(stderr, "bench_attribution: %s has no sha256 and path columns\n", manifest);
        exit(3);
    }
    const char *slash = strrchr(manifest, '/');
    int dirlen = slash ? (int)(slash - manifest) : 1;
    const char *dir = slash ? manifest : ".";
    while (fgets(line, sizeof(line), f)) {
        n = split_tabs(line, cols, 64);
        if (n <= csha || n <= cpath || (clang >= 0 && (n <= clang || strcmp(cols[clang], "go")))) {
            continue;
        }
        for (size_t i = 0; i < c->count; i++) {
            if (!c->v[i].path && !strcmp(c->v[i].sha256, cols[csha])) {
                size_t len = (size_t)dirlen + strlen(cols[cpath]) + 2;
                c->v[i].path = malloc(len);
                if (!c->v[i].path) {
                    exit(3);
                }
                snprintf(c->v[i].path, len, "%.*s/%s", dirlen, dir, cols[cpath]);
            }
        }
    }
    fclose(f);
}

struct fam_kind {
    char **library; /* names of library families */
    size_t count;
};

static int on_family(void *ctx, const struct kin_index_family *f)
{
    struct fam_kind *k = ctx;
    if (f->kind == KIN_FAMILY_LIBRARY) {
        k->library = realloc(k->library, (k->count + 1) * sizeof(*k->library));
        if (!k->library) {
            exit(3);
        }
        k->library[k->count++] = dup(f->name);
    }
    return 0;
}

static void json_string(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            printf("\\%c", ch);
        } else if (ch < 0x20) {
            printf("\\u%04x", ch);
        } else {
            putchar(ch);
        }
    }
    putchar('"');
}

static void print_candidates(const char *key, const struct kin_candidate *c, size_t n)
{
    printf(",\"%s\":[", key);
    for (size_t i = 0; i < n; i++) {
        printf("%s{\"name\":", i ? "," : "");
        json_string(c[i].name);
        printf(",\"actor\":");
        json_string(c[i].actor);
        printf(",\"score\":%.5f,\"unique\":%.5f,\"matched\":%.5f,\"confidence\":%u,"
               "\"functions\":%llu,\"unique_functions\":%llu,\"unique_size\":%llu,"
               "\"families\":%u,\"best_sample_matched\":%.5f,\"size_ratio\":%.4f,"
               "\"best_sample\":\"%s\",\"best_version\":",
               c[i].score, c[i].unique, c[i].matched, c[i].confidence,
               (unsigned long long)c[i].functions, (unsigned long long)c[i].unique_functions,
               (unsigned long long)c[i].unique_size, c[i].families, c[i].best_sample_matched,
               c[i].size_ratio, c[i].best_sample);
        json_string(c[i].best_version);
        putchar('}');
    }
    putchar(']');
}

/* Is row j held out (its sha256 in the excluded list, or its family or actor excluded)? */
static int
held_out(const struct row *r, const char *const *xs, size_t nxs, const char *xfam, const char *xact)
{
    for (size_t i = 0; i < nxs; i++) {
        if (!strcmp(xs[i], r->sha256)) {
            return 1;
        }
    }
    if (xfam && !strcmp(r->family, xfam)) {
        return 1;
    }
    return xact && *xact && !strcmp(r->actor, xact);
}

static void baselines(const struct corpus *c,
                      const struct row *q,
                      const char *const *xs,
                      size_t nxs,
                      const char *xfam,
                      const char *xact,
                      const struct fam_kind *lib)
{
    int best_t = -1, best_s = -1;
    const struct row *bt = NULL, *bs = NULL;
    for (size_t j = 0; j < c->count; j++) {
        const struct row *r = &c->v[j];
        if (r == q || !strcmp(r->sha256, q->sha256) || held_out(r, xs, nxs, xfam, xact)) {
            continue;
        }
        int is_lib = 0;
        for (size_t k = 0; k < lib->count; k++) {
            is_lib |= !strcmp(lib->library[k], r->family);
        }
        if (is_lib) {
            continue;
        }
        int t = kin_tlsh_distance(q->tlsh, r->tlsh);
        if (t >= 0 && (best_t < 0 || t < best_t)) {
            best_t = t;
            bt = r;
        }
        int s = kin_ssdeep_compare(q->ssdeep, r->ssdeep);
        if (s > best_s) {
            best_s = s;
            bs = r;
        }
    }
    printf(",\"tlsh_nn\":{\"distance\":%d,\"family\":", best_t);
    json_string(bt ? bt->family : "");
    printf(",\"actor\":");
    json_string(bt ? bt->actor : "");
    printf("},\"ssdeep_nn\":{\"score\":%d,\"family\":", best_s);
    json_string(bs ? bs->family : "");
    printf(",\"actor\":");
    json_string(bs ? bs->actor : "");
    printf("}");
}

static size_t strong_indicators(const struct kin_attribution_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->indicator_count; i++) {
        n += r->indicators[i].strong && !r->indicators[i].ubiquitous;
    }
    return n;
}

struct run {
    struct kin_index *idx;
    const struct corpus *c;
    const struct fam_kind *lib;
    const struct match_params *p;
    size_t done, limit;
};

static void query(struct run *run,
                  const char *protocol,
                  const struct row *q,
                  const char *const *xs,
                  size_t nxs,
                  const char *xfam,
                  const char *xact)
{
    struct kin_attribute_options o;
    struct kin_attribution *a = NULL;
    struct timespec t0, t1;
    if (run->limit && run->done >= run->limit) {
        return;
    }
    memset(&o, 0, sizeof(o));
    o.exclude_samples = xs;
    o.exclude_sample_count = nxs;
    o.exclude_families = xfam ? &xfam : NULL;
    o.exclude_family_count = xfam ? 1 : 0;
    o.exclude_actors = xact ? &xact : NULL;
    o.exclude_actor_count = xact ? 1 : 0;
    o.top = 5;
    o.max_evidence = 1;
    struct kin_sample *file = NULL;
    const struct kin_image *go = NULL;
    if (q->path) {
        struct kin_load_options lo;
        memset(&lo, 0, sizeof(lo));
        lo.skip_fuzzy = 1;
        if (kin_sample_open(q->path, &lo, &file) == KIN_OK &&
            kin_sample_image(file)->go.func_count > 0) {
            go = kin_sample_image(file);
        } else {
            fprintf(stderr, "bench_attribution: %s: no Go pclntab read\n", q->path);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    kin_status st = kin__attribute_indexed_go(run->idx, q->sha256, &o, run->p, go, &a);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    kin_sample_free(file);
    if (st != KIN_OK) {
        fprintf(stderr, "bench_attribution: %s: %s\n", q->sha256, kin_index_errmsg(run->idx));
        exit(3);
    }
    const struct kin_attribution_report *r = kin_attribution_report(a);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("{\"protocol\":\"%s\",\"sha256\":\"%s\",\"truth_family\":", protocol, q->sha256);
    json_string(q->family);
    printf(",\"truth_actor\":");
    json_string(q->actor);
    printf(",\"version\":");
    json_string(q->version);
    printf(",\"arch\":");
    json_string(q->arch);
    printf(",\"verdict\":\"%s\",\"family\":", kin_verdict_name(r->verdict));
    json_string(r->family ? r->family : "");
    printf(",\"actor\":");
    json_string(r->actor ? r->actor : "");
    printf(",\"confidence\":%u,\"circumstantial\":%s,\"ms\":%.2f", r->confidence,
           r->circumstantial ? "true" : "false", ms);
    printf(",\"indicators\":%zu,\"indicators_strong\":%zu", r->indicator_count,
           strong_indicators(r));
    printf(",\"functions\":%llu,\"evidence_functions\":%llu,\"evidence_size\":%llu,"
           "\"library_size\":%llu,\"shared_size\":%llu,\"common_size\":%llu,"
           "\"repeated_size\":%llu,\"third_party_size\":%llu",
           (unsigned long long)r->functions, (unsigned long long)r->evidence_functions,
           (unsigned long long)r->evidence_size, (unsigned long long)r->library_size,
           (unsigned long long)r->shared_size, (unsigned long long)r->common_size,
           (unsigned long long)r->repeated_size, (unsigned long long)r->third_party_size);
    const struct match_stats *w = kin__match_stats(a);
    printf(",\"stats\":{\"keys\":%llu,\"keys_capped\":%llu,\"keys_after_filter\":%llu,"
           "\"keys_boilerplate\":%llu,\"postings\":%llu,\"hits\":%llu,"
           "\"samples\":%llu,\"samples_verified\":%llu,\"functions_fetched\":%llu,"
           "\"stage1_ms\":%.1f,\"stage2_ms\":%.1f,\"report_ms\":%.1f}",
           (unsigned long long)w->keys, (unsigned long long)w->keys_capped,
           (unsigned long long)w->keys_after_filter, (unsigned long long)w->keys_boilerplate,
           (unsigned long long)w->postings, (unsigned long long)w->hits,
           (unsigned long long)w->samples, (unsigned long long)w->samples_verified,
           (unsigned long long)w->functions_fetched, w->stage1_ms, w->stage2_ms, w->report_ms);
    print_candidates("families", r->families, r->family_count);
    print_candidates("actors", r->actors, r->actor_count);
    baselines(run->c, q, xs, nxs, xfam, xact, run->lib);
    printf("}\n");
    fflush(stdout);
    kin_attribution_free(a);
    run->done++;
}

static int is_library(const struct fam_kind *lib, const char *family)
{
    for (size_t k = 0; k < lib->count; k++) {
        if (!strcmp(lib->library[k], family)) {
            return 1;
        }
    }
    return 0;
}

static void lovo(struct run *run, const char *only)
{
    const struct corpus *c = run->c;
    const char **xs = calloc(c->count + 1, sizeof(*xs));
    char *done = calloc(c->count + 1, 1);
    if (!xs || !done) {
        exit(3);
    }
    for (size_t i = 0; i < c->count; i++) {
        const struct row *q = &c->v[i];
        if (done[i] || !*q->family || is_library(run->lib, q->family) ||
            (only && strcmp(only, q->family))) {
            continue;
        }
        size_t n = 0, family_size = 0;
        for (size_t j = 0; j < c->count; j++) {
            family_size += !strcmp(c->v[j].family, q->family);
            if (!strcmp(c->v[j].family, q->family) && !strcmp(c->v[j].version, q->version)) {
                xs[n++] = c->v[j].sha256;
                done[j] = 1;
            }
        }
        if (n == family_size) { /* one version: nothing of the family is left to find */
            fprintf(stderr, "bench_attribution: lovo skips %s: one version only\n", q->family);
            continue;
        }
        for (size_t j = 0; j < c->count; j++) {
            if (!strcmp(c->v[j].family, q->family) && !strcmp(c->v[j].version, q->version)) {
                query(run, "lovo", &c->v[j], xs, n, NULL, NULL);
            }
        }
    }
    free(xs);
    free(done);
}

/* Number of distinct non-library families of an actor. */
static size_t actor_families(const struct run *run, const char *actor)
{
    const struct corpus *c = run->c;
    size_t n = 0;
    for (size_t i = 0; i < c->count; i++) {
        if (strcmp(c->v[i].actor, actor) || is_library(run->lib, c->v[i].family)) {
            continue;
        }
        size_t j = 0;
        while (j < i && (strcmp(c->v[j].actor, actor) || strcmp(c->v[j].family, c->v[i].family))) {
            j++;
        }
        n += j == i;
    }
    return n;
}

static void lofo(struct run *run, const char *only)
{
    const struct corpus *c = run->c;
    for (size_t i = 0; i < c->count; i++) {
        const struct row *q = &c->v[i];
        if (!*q->actor || is_library(run->lib, q->family) || (only && strcmp(only, q->family)) ||
            actor_families(run, q->actor) < 2) {
            continue;
        }
        query(run, "lofo", q, NULL, 0, q->family, NULL);
    }
}

static void loao(struct run *run, const char *only)
{
    const struct corpus *c = run->c;
    for (size_t i = 0; i < c->count; i++) {
        const struct row *q = &c->v[i];
        if (!*q->family || is_library(run->lib, q->family) || (only && strcmp(only, q->family))) {
            continue;
        }
        if (*q->actor) {
            query(run, "loao", q, NULL, 0, NULL, q->actor);
        } else {
            query(run, "loao", q, NULL, 0, q->family, NULL);
        }
    }
}

static int set_param(struct match_params *p, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq) {
        return -1;
    }
    size_t n = (size_t)(eq - kv);
    double v = strtod(eq + 1, NULL);
#define P(name)                                         \
    if (n == strlen(#name) && !strncmp(kv, #name, n)) { \
        p->name = (__typeof__(p->name))v;               \
        return 0;                                       \
    }
    P(min_size)
    P(min_distinct)
    P(max_query_dups)
    P(max_samples)
    P(max_families)
    P(min_families)
    P(max_family_share)
    P(min_bands)
    P(rarity_bands)
    P(common_bands)
    P(top_families)
    P(top_samples)
    P(min_similarity)
    P(contained_ratio)
    P(min_unique_size)
    P(min_unique_funcs)
    P(claim_family_size)
    P(claim_family_share)
    P(claim_family_share_size)
    P(claim_small_family_size)
    P(claim_actor_share)
    P(variant_size_ratio)
    P(link_rank_bonus)
    P(module_names)
#undef P
    return -1;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *protocol = "all", *only = NULL, *manifest = NULL;
    struct match_params p;
    struct run run;
    memset(&run, 0, sizeof(run));
    kin__match_params_default(&p);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            db = argv[++i];
        } else if (!strcmp(argv[i], "--protocol") && i + 1 < argc) {
            protocol = argv[++i];
        } else if (!strcmp(argv[i], "--family") && i + 1 < argc) {
            only = argv[++i];
        } else if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
            run.limit = (size_t)strtoul(argv[++i], NULL, 10);
        } else if (!strcmp(argv[i], "--manifest") && i + 1 < argc) {
            manifest = argv[++i];
        } else if (!strcmp(argv[i], "--param") && i + 1 < argc) {
            if (set_param(&p, argv[++i]) != 0) {
                fprintf(stderr, "bench_attribution: unknown parameter '%s'\n", argv[i]);
                return 2;
            }
        } else {
            fprintf(stderr, "usage: bench_attribution --db INDEX [--protocol lovo|lofo|loao|all] "
                            "[--family F] [--param name=value]... [--limit N] "
                            "[--manifest MANIFEST.tsv]\n");
            return 2;
        }
    }
    if (!db) {
        fprintf(stderr, "bench_attribution: --db INDEX is required\n");
        return 2;
    }
    struct kin_index *idx = NULL;
    if (kin_index_open(db, KIN_INDEX_READONLY, &idx) != KIN_OK) {
        fprintf(stderr, "bench_attribution: %s\n", kin_index_errmsg(idx));
        kin_index_close(idx);
        return 3;
    }
    struct corpus c;
    struct fam_kind lib;
    memset(&c, 0, sizeof(c));
    memset(&lib, 0, sizeof(lib));
    if (kin_index_samples(idx, NULL, on_sample, &c) != KIN_OK ||
        kin_index_families(idx, on_family, &lib) != KIN_OK) {
        fprintf(stderr, "bench_attribution: %s\n", kin_index_errmsg(idx));
        return 3;
    }
    if (manifest) {
        read_manifest(manifest, &c);
    }
    run.idx = idx;
    run.c = &c;
    run.lib = &lib;
    run.p = &p;
    if (!strcmp(protocol, "lovo") || !strcmp(protocol, "all")) {
        lovo(&run, only);
    }
    if (!strcmp(protocol, "lofo") || !strcmp(protocol, "all")) {
        lofo(&run, only);
    }
    if (!strcmp(protocol, "loao") || !strcmp(protocol, "all")) {
        loao(&run, only);
    }
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        fprintf(stderr, "bench_attribution: %zu queries, peak RSS %ld MiB\n", run.done,
                ru.ru_maxrss / 1024);
    }
    kin_index_close(idx);
    return 0;
}

/*
 * bench_query.c: the index part of `kin attribute` (issue #4, "Speed and scale") measured in
 * one process, so that the work of a query can be profiled and counted apart from the file's
 * own analysis. Each file is loaded and analysed once; then, per repetition, the index is
 * opened read-only (a fresh SQLite page cache, as for every `kin attribute` process), the file
 * attributed and the index closed. Prints per file the median CPU time of open + attribute,
 * the verdict and the match stage's work counters of the last repetition.
 *
 * usage: bench_query --db INDEX [--reps N] FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "api/api.h"
#include "kin.h"

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
    const char *db = NULL;
    int reps = 3;
    int first = argc;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            db = argv[++i];
        } else if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
            reps = atoi(argv[++i]);
        } else {
            first = i;
            break;
        }
    }
    if (!db || first >= argc || reps < 1 || reps > 1000) {
        fputs("usage: bench_query --db INDEX [--reps N] FILE...\n", stderr);
        return 2;
    }
    double *all = calloc((size_t)(argc - first), sizeof(double));
    size_t nall = 0;
    double *t = calloc((size_t)reps, sizeof(double));
    if (!all || !t) {
        return 3;
    }
    for (int i = first; i < argc; i++) {
        struct kin_sample *s = NULL;
        struct kin_funcs *f = NULL;
        if (kin_sample_open(argv[i], NULL, &s) != KIN_OK || kin_funcs_analyze(s, NULL, &f)) {
            fprintf(stderr, "bench_query: cannot analyse %s\n", argv[i]);
            kin_sample_free(s);
            continue;
        }
        struct kin_attribution *a = NULL;
        for (int r = 0; r < reps; r++) {
            struct kin_index *idx = NULL;
            kin_attribution_free(a);
            a = NULL;
            double c0 = cpu_ms();
            kin_status st = kin_index_open(db, KIN_INDEX_READONLY, &idx);
            if (st == KIN_OK) {
                st = kin_attribute(idx, s, f, NULL, &a);
            }
            t[r] = cpu_ms() - c0;
            if (st != KIN_OK) {
                fprintf(stderr, "bench_query: %s: %s\n", argv[i],
                        idx ? kin_index_errmsg(idx) : kin_status_str(st));
                kin_index_close(idx);
                return 3;
            }
            kin_index_close(idx);
        }
        qsort(t, (size_t)reps, sizeof(*t), cmp_double);
        all[nall++] = t[reps / 2];
        const struct kin_attribution_report *rep = kin_attribution_report(a);
        const struct match_stats *w = kin__match_stats(a);
        const char *name = strrchr(argv[i], '/');
        printf("%-40.40s %8.1f ms  funcs %6zu  keys %7llu capped %6llu postings %9llu hits %8llu "
               "samples %5llu fetched %6llu  s1 %.1f s2 %.1f  %s %s\n",
               name ? name + 1 : argv[i], t[reps / 2], kin_funcs_count(f),
               (unsigned long long)w->keys, (unsigned long long)(w->keys_capped),
               (unsigned long long)w->postings, (unsigned long long)w->hits,
               (unsigned long long)w->samples, (unsigned long long)w->functions_fetched,
               w->stage1_ms, w->stage2_ms, kin_verdict_name(rep->verdict),
               rep->family ? rep->family : "");
        fflush(stdout);
        kin_attribution_free(a);
        kin_funcs_free(f);
        kin_sample_free(s);
    }
    qsort(all, nall, sizeof(*all), cmp_double);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("queries %zu: cpu median %.1f ms, p95 %.1f ms; peak RSS %ld MB\n", nall,
           nall ? all[nall / 2] : 0.0, nall ? all[(size_t)((double)(nall - 1) * 0.95)] : 0.0,
           ru.ru_maxrss / 1024);
    free(all);
    free(t);
    return 0;
}

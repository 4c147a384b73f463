/*
 * bench_iocs.c: throughput of indicator extraction (strings scan + detectors + validators) on one
 * core, in MB/s of input. Usage: bench_iocs [--repeat N] FILE...   (or - to read paths on stdin)
 *
 * Each file is loaded first (not timed, fuzzy hashes skipped); then kin_iocs_extract() runs N
 * times (default 3) and the fastest run counts, in CPU time of this process (one thread), so
 * other load on the machine does not count. Prints one line per file with --verbose, and a
 * total: bytes, seconds, MB/s (10^6 bytes), strings, indicators. bench/bench_iocs.sh runs it
 * beside binutils `strings` on the same files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kin.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct totals {
    double bytes, secs;
    unsigned long long strings, iocs, files;
};

static void bench_file(const char *path, int repeat, int verbose, struct totals *t)
{
    struct kin_load_options lo = {0};
    lo.skip_fuzzy = 1;
    struct kin_sample *s = NULL;
    kin_status st = kin_sample_open(path, &lo, &s);
    if (!s) {
        fprintf(stderr, "bench_iocs: cannot load '%s': %s (skipped)\n", path, kin_status_str(st));
        return;
    }
    size_t size;
    (void)kin_sample_data(s, &size);
    double best = 1e30;
    size_t count = 0;
    uint64_t strings = 0;
    for (int r = 0; r < repeat; r++) {
        struct kin_iocs *res = NULL;
        double t0 = now();
        st = kin_iocs_extract(s, NULL, &res);
        double dt = now() - t0;
        if (st != KIN_OK) {
            fprintf(stderr, "bench_iocs: '%s': %s\n", path, kin_status_str(st));
            break;
        }
        count = kin_iocs_count(res);
        strings = kin_iocs_string_count(res);
        kin_iocs_free(res);
        if (dt < best) {
            best = dt;
        }
    }
    if (st == KIN_OK) {
        if (verbose) {
            printf("%10zu bytes %8.2f MB/s %8llu strings %6zu iocs  %s\n", size,
                   (double)size / best / 1e6, (unsigned long long)strings, count, path);
        }
        t->bytes += (double)size;
        t->secs += best;
        t->strings += strings;
        t->iocs += count;
        t->files++;
    }
    kin_sample_free(s);
}

int main(int argc, char **argv)
{
    int repeat = 3, verbose = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
            repeat = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--verbose")) {
            verbose = 1;
        } else {
            fprintf(stderr, "usage: bench_iocs [--repeat N] [--verbose] FILE... | -\n");
            return 2;
        }
    }
    if (repeat < 1) {
        repeat = 1;
    }
    struct totals t = {0};
    if (i < argc && !strcmp(argv[i], "-")) {
        char line[4096];
        while (fgets(line, sizeof(line), stdin)) {
            line[strcspn(line, "\n")] = '\0';
            if (line[0]) {
                bench_file(line, repeat, verbose, &t);
            }
        }
    } else {
        for (; i < argc; i++) {
            bench_file(argv[i], repeat, verbose, &t);
        }
    }
    printf("kin iocs: %llu files, %.1f MB in %.3f s (best of %d): %.1f MB/s per core; "
           "%llu strings, %llu indicators\n",
           t.files, t.bytes / 1e6, t.secs, repeat, t.secs > 0 ? t.bytes / 1e6 / t.secs : 0.0,
           t.strings, t.iocs);
    return 0;
}

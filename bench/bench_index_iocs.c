/*
 * bench_index_iocs.c: what storing a sample's indicators costs an add (issue #5), apart from
 * function analysis, in CPU time of this process. Usage: bench_index_iocs FILE... (or - to read
 * paths on stdin).
 *
 * Every file is loaded (fuzzy hashes skipped, not timed) and added twice to two fresh indexes
 * in one temporary directory, without functions: once with no indicators (kin_index_add_sample
 * _iocs() with NULL) and once with its indicators, extracted as `kin add` does (evidence types).
 * The difference between the runs is the whole cost of indicators to an add: extraction (on the
 * analysis threads in `kin add`) and selection plus SQL writes (on the writer), timed apart.
 * Prints the totals and the size of both index files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kin.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct run {
    struct kin_index *idx;
    char path[512];
    double extract, write;
    unsigned long long indicators;
};

static long long file_size(const char *path)
{
    struct stat st;
    char buf[600];
    long long n = 0;
    if (stat(path, &st) == 0) {
        n += st.st_size;
    }
    (void)snprintf(buf, sizeof(buf), "%s-wal", path);
    if (stat(buf, &st) == 0) {
        n += st.st_size;
    }
    return n;
}

static void add_file(const char *path, struct run *plain, struct run *with)
{
    struct kin_load_options lo = {0};
    struct kin_sample *s = NULL;
    struct kin_iocs *iocs = NULL;
    struct kin_ioc_options io = {0};
    struct kin_labels l = {0};
    lo.skip_fuzzy = 1;
    if (kin_sample_open(path, &lo, &s) != KIN_OK) {
        kin_sample_free(s);
        return; /* not a PE or ELF file */
    }
    l.family = path; /* one family per file: frequencies are counted across families */
    l.source = path;
    double t0 = now();
    kin_status st = kin_index_add_sample_iocs(plain->idx, s, NULL, NULL, &l, NULL);
    plain->write += now() - t0;
    io.types = KIN_IOC_EVIDENCE_TYPES;
    t0 = now();
    if (st == KIN_OK) {
        st = kin_iocs_extract(s, &io, &iocs);
    }
    double t1 = now();
    if (st == KIN_OK) {
        st = kin_index_add_sample_iocs(with->idx, s, NULL, iocs, &l, NULL);
    }
    double t2 = now();
    with->extract += t1 - t0;
    with->write += t2 - t1;
    with->indicators += kin_iocs_count(iocs);
    if (st != KIN_OK) {
        fprintf(stderr, "bench_index_iocs: '%s': %s\n", path, kin_status_str(st));
    }
    kin_iocs_free(iocs);
    kin_sample_free(s);
}

int main(int argc, char **argv)
{
    char dir[] = "/tmp/kin-bench-index-iocs-XXXXXX";
    struct run plain, with;
    char line[4096];
    unsigned files = 0;
    if (argc < 2 || !mkdtemp(dir)) {
        fprintf(stderr, "usage: bench_index_iocs FILE... (or - for paths on stdin)\n");
        return 2;
    }
    memset(&plain, 0, sizeof(plain));
    memset(&with, 0, sizeof(with));
    (void)snprintf(plain.path, sizeof(plain.path), "%s/plain.db", dir);
    (void)snprintf(with.path, sizeof(with.path), "%s/with.db", dir);
    if (kin_index_open(plain.path, KIN_INDEX_CREATE, &plain.idx) != KIN_OK ||
        kin_index_open(with.path, KIN_INDEX_CREATE, &with.idx) != KIN_OK) {
        fprintf(stderr, "bench_index_iocs: cannot create the indexes in %s\n", dir);
        return 3;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-") != 0) {
            add_file(argv[i], &plain, &with);
            files++;
            continue;
        }
        while (fgets(line, sizeof(line), stdin)) {
            line[strcspn(line, "\n")] = '\0';
            if (*line) {
                add_file(line, &plain, &with);
                files++;
            }
        }
    }
    struct kin_index_stats st;
    unsigned long long values = 0;
    if (kin_index_stats(with.idx, &st) == KIN_OK) {
        values = st.indicators;
    }
    kin_index_close(plain.idx);
    kin_index_close(with.idx);
    long long a = file_size(plain.path), b = file_size(with.path);
    printf("files: %u; indicators extracted (evidence types): %llu; distinct values kept: %llu\n",
           files, with.indicators, values);
    printf("add without indicators: %.3f s CPU (writer)\n", plain.write);
    printf("add with indicators: extraction %.3f s CPU (analysis threads), writer %.3f s CPU "
           "(+%.3f s)\n",
           with.extract, with.write, with.write - plain.write);
    printf("index without functions: %lld bytes without indicators, %lld with (+%lld)\n", a, b,
           b - a);
    (void)unlink(plain.path);
    (void)unlink(with.path);
    (void)rmdir(dir);
    return 0;
}

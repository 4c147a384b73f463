/*
 * bench_ledger.c: speed of `kin ledger watch` over a blocks directory, beside the ceiling of
 * reading the same block bytes and double-SHA-256 hashing each block record, in one run.
 *
 *   bench_ledger BLOCKS_DIR ADDRESS [FOLLOW]
 *
 * Prints CPU seconds (user + system, so MB/s per core), wall seconds, the library's peak heap
 * (counted through kin_replace_allocator) and the process's peak resident set. The ceiling runs
 * first and leaves the files in the page cache, so both read from memory.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "kin.h"

static size_t live, peak;

/* Counting hooks: a size header in front of each block. */
static void *count_malloc(size_t n)
{
    size_t *p = malloc(n + 16);
    if (!p) {
        return NULL;
    }
    p[0] = n;
    live += n;
    peak = live > peak ? live : peak;
    return (char *)p + 16;
}

static void count_free(void *q)
{
    if (q) {
        size_t *p = (size_t *)((char *)q - 16);
        live -= p[0];
        free(p);
    }
}

static void *count_realloc(void *q, size_t n)
{
    if (!q) {
        return count_malloc(n);
    }
    size_t *p = (size_t *)((char *)q - 16);
    size_t old = p[0];
    size_t *np = realloc(p, n + 16);
    if (!np) {
        return NULL;
    }
    np[0] = n;
    live = live - old + n;
    peak = live > peak ? live : peak;
    return (char *)np + 16;
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Reads every blkNNNNN.dat with read() and hashes each record's payload twice (SHA-256d). */
#define READ_BUF ((size_t)160 << 20) /* larger than a blk file (128 MiB at most) */

static void ceiling(const char *dir,
                    unsigned char *buf,
                    int hash,
                    unsigned long long *bytes,
                    unsigned long long *recs)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t cap = READ_BUF;
    unsigned char h1[32], h2[32], acc = 0;
    while (d && buf && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "blk", 3) != 0) {
            continue;
        }
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        int fd = open(path, O_RDONLY);
        size_t n = 0;
        ssize_t k;
        while (fd >= 0 && n < cap && (k = read(fd, buf + n, cap - n)) > 0) {
            n += (size_t)k;
        }
        if (fd >= 0) {
            close(fd);
        }
        *bytes += n;
        for (size_t pos = 0; hash && pos + 8 <= n;) {
            size_t size = (size_t)buf[pos + 4] | (size_t)buf[pos + 5] << 8 |
                          (size_t)buf[pos + 6] << 16 | (size_t)buf[pos + 7] << 24;
            if (size == 0 || size > n - pos - 8) {
                break;
            }
            SHA256(buf + pos + 8, size, h1);
            SHA256(h1, 32, h2);
            acc ^= h2[0];
            (*recs)++;
            pos += 8 + size;
        }
    }
    if (d) {
        closedir(d);
    }
    if (acc == 0x5a && *recs == 1) {
        puts(""); /* keeps the hashes used */
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_ledger BLOCKS_DIR ADDRESS [FOLLOW]\n");
        return 2;
    }
    unsigned long long bytes = 0, recs = 0, rbytes = 0, rrecs = 0;
    /* One buffer, touched before timing: the figures are copying and hashing, not page faults. */
    unsigned char *buf = malloc(READ_BUF);
    if (!buf) {
        return 1;
    }
    memset(buf, 1, READ_BUF);
    ceiling(argv[1], buf, 0, &rbytes, &rrecs); /* warms the page cache */
    rbytes = 0;
    double c0 = cpu_seconds(), w0 = wall_seconds();
    ceiling(argv[1], buf, 0, &rbytes, &rrecs);
    double c1 = cpu_seconds(), w1 = wall_seconds();
    ceiling(argv[1], buf, 1, &bytes, &recs);
    double c2 = cpu_seconds(), w2 = wall_seconds();
    free(buf);
    double mb = (double)bytes / 1e6;
    printf("blocks: %.1f MB in %llu records\n", mb, recs);
    printf("%-34s %8.2f s cpu %8.2f s wall %8.0f MB/s per core\n", "read (read(2) into memory)",
           c1 - c0, w1 - w0, mb / (c1 - c0));
    printf("%-34s %8.2f s cpu %8.2f s wall %8.0f MB/s per core\n", "read + SHA-256d of every block",
           c2 - c1, w2 - w1, mb / (c2 - c1));

    if (kin_replace_allocator(count_malloc, count_realloc, count_free) != KIN_OK) {
        return 1;
    }
    struct kin_ledger *l = NULL;
    struct kin_watch *w = NULL;
    double c3 = cpu_seconds(), w3 = wall_seconds();
    if (kin_ledger_open(argv[1], NULL, &l) != KIN_OK) {
        fprintf(stderr, "bench_ledger: cannot open %s\n", argv[1]);
        return 1;
    }
    double c4 = cpu_seconds(), w4 = wall_seconds();
    size_t open_peak = peak;
    struct kin_watch_options o = {argc > 3 ? (uint32_t)atoi(argv[3]) : 2, 8, NULL};
    const char *addr[1] = {argv[2]};
    peak = live;
    if (kin_ledger_watch(l, addr, 1, &o, &w, NULL) != KIN_OK) {
        fprintf(stderr, "bench_ledger: watch failed\n");
        return 1;
    }
    double c5 = cpu_seconds(), w5 = wall_seconds();
    struct kin_ledger_info info;
    struct kin_scan_stats st;
    kin_ledger_get_info(l, &info);
    kin_watch_stats(w, &st);
    const struct kin_ledger_address *a = kin_watch_address(w, 0);
    printf("%-34s %8.2f s cpu %8.2f s wall %8.0f MB/s per core\n", "kin: open (index, undo match)",
           c4 - c3, w4 - w3, mb / (c4 - c3));
    printf("%-34s %8.2f s cpu %8.2f s wall %8.0f MB/s per core\n", "kin: watch scan", c5 - c4,
           w5 - w4, mb / (c5 - c4));
    printf("%-34s %8.2f s cpu %8.2f s wall %8.0f MB/s per core\n", "kin: open + watch", c5 - c3,
           w5 - w3, mb / (c5 - c3));
    printf("chain: %llu blocks, %llu transactions, %llu undo bytes; %zu payments, %zu spends\n",
           (unsigned long long)info.chain_blocks, (unsigned long long)st.txs,
           (unsigned long long)info.undo_bytes, a->payment_count, a->spend_count);
    printf("library heap peak: open %.1f MB, watch %.1f MB; process peak RSS %.1f MB "
           "(mapped block files included)\n",
           (double)open_peak / 1e6, (double)peak / 1e6, (double)peak_rss_kb() / 1e3);
    kin_watch_free(w);
    kin_ledger_close(l);
    return 0;
}

/*
 * blockfile.c: the files of a Bitcoin Core blocks/ directory and their record framing.
 *
 *   blkNNNNN.dat  records: magic 4 | size u32 | block (size bytes)
 *   revNNNNN.dat  records: magic 4 | size u32 | CBlockUndo (size bytes) | checksum 32
 *   xor.dat       8-byte key (Bitcoin Core 28+): byte i of every blk/rev file is stored XORed
 *                 with key[i % 8]; absent or all zero in older directories
 *
 * Core preallocates files in chunks of raw zeros, so a file ends with a tail that is zero on disk
 * and decodes to the repeating key; a tail of the repeating key on disk (decoding to zeros) is
 * treated the same way. A bad magic or a record running past the end is an anomaly, and the
 * walk resumes at the next magic, as Core's -reindex does. Files are mapped read-only, a few at
 * a time; bytes of an obfuscated file are decoded into a caller buffer.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/limits.h"
#include "ledger.h"

#define MAX_MAPPED 4 /* files kept mapped at once: a blk file, its rev file, and neighbours */
#define XOR_SIZE   8

/* Number NNNNN of prefixNNNNN.dat (five or more digits), or -1. */
static long file_number(const char *name, const char *prefix)
{
    size_t pl = strlen(prefix), n = strlen(name);
    if (n < pl + 5 + 4 || strncmp(name, prefix, pl) != 0 || strcmp(name + n - 4, ".dat") != 0 ||
        n - pl - 4 > 9) {
        return -1;
    }
    long v = 0;
    for (size_t i = pl; i < n - 4; i++) {
        if (name[i] < '0' || name[i] > '9') {
            return -1;
        }
        v = v * 10 + (name[i] - '0');
    }
    return v;
}

static int file_cmp(const void *a, const void *b)
{
    const struct ledger_file *x = a, *y = b;
    return x->number < y->number ? -1 : x->number > y->number;
}

static kin_status add_file(struct ledger_file **v,
                           size_t *count,
                           size_t *cap,
                           const char *dir,
                           const char *name,
                           long number,
                           uint64_t size)
{
    if (*count >= KIN_MAX_LEDGER_FILES) {
        return KIN_LIMIT;
    }
    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        struct ledger_file *nv = kin__realloc(*v, ncap * sizeof(*nv));
        if (!nv) {
            return KIN_NOMEM;
        }
        *v = nv;
        *cap = ncap;
    }
    struct ledger_file *f = &(*v)[*count];
    memset(f, 0, sizeof(*f));
    size_t len = strlen(dir) + 1 + strlen(name) + 1;
    f->path = kin__malloc(len);
    if (!f->path) {
        return KIN_NOMEM;
    }
    (void)snprintf(f->path, len, "%s/%s", dir, name); /* sized above: never cut */
    f->number = (uint32_t)number;
    f->size = size;
    (*count)++;
    return KIN_OK;
}

static kin_status read_key(struct ledger_files *fs, const char *dir)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof(path), "%s/xor.dat", dir) >= sizeof(path)) {
        return KIN_INVALID;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return errno == ENOENT ? KIN_OK : KIN_IO;
    }
    uint8_t buf[XOR_SIZE + 1];
    ssize_t n = read(fd, buf, sizeof(buf));
    close(fd);
    if (n != XOR_SIZE) {
        return n < 0 ? KIN_IO : KIN_MALFORMED;
    }
    memcpy(fs->key, buf, XOR_SIZE);
    for (size_t i = 0; i < XOR_SIZE; i++) {
        fs->obfuscated |= fs->key[i] != 0;
    }
    return KIN_OK;
}

kin_status kin__files_open(struct ledger_files *fs, const char *dir)
{
    memset(fs, 0, sizeof(*fs));
    size_t blk_cap = 0, rev_cap = 0;
    kin_status st = KIN_OK;
    DIR *d = opendir(dir);
    if (!d) {
        return KIN_IO;
    }
    struct dirent *e;
    while (st == KIN_OK && (e = readdir(d)) != NULL) {
        long nb = file_number(e->d_name, "blk"), nr = file_number(e->d_name, "rev");
        if (nb < 0 && nr < 0) {
            continue;
        }
        char path[4096];
        struct stat sb;
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path) ||
            stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            continue;
        }
        if (nb >= 0) {
            st = add_file(&fs->blk, &fs->blk_count, &blk_cap, dir, e->d_name, nb,
                          (uint64_t)sb.st_size);
        } else {
            st = add_file(&fs->rev, &fs->rev_count, &rev_cap, dir, e->d_name, nr,
                          (uint64_t)sb.st_size);
        }
    }
    closedir(d);
    if (st == KIN_OK) {
        st = read_key(fs, dir);
    }
    if (st == KIN_OK && fs->blk_count == 0) {
        st = KIN_NOTFOUND;
    }
    if (st != KIN_OK) {
        kin__files_release(fs);
        return st;
    }
    qsort(fs->blk, fs->blk_count, sizeof(*fs->blk), file_cmp);
    if (fs->rev_count > 1) {
        qsort(fs->rev, fs->rev_count, sizeof(*fs->rev), file_cmp);
    }
    return KIN_OK;
}

static void unmap(struct ledger_files *fs, struct ledger_file *f)
{
    if (f->map) {
        munmap((void *)f->map, (size_t)f->size);
        f->map = NULL;
        fs->mapped--;
    }
}

static void release_list(struct ledger_files *fs, struct ledger_file *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unmap(fs, &v[i]);
        kin__free(v[i].path);
    }
    kin__free(v);
}

void kin__files_release(struct ledger_files *fs)
{
    release_list(fs, fs->blk, fs->blk_count);
    release_list(fs, fs->rev, fs->rev_count);
    memset(fs, 0, sizeof(*fs));
}

/* Unmaps the least recently used mapping. */
static void evict(struct ledger_files *fs)
{
    struct ledger_file *old = NULL;
    struct ledger_file *lists[2] = {fs->blk, fs->rev};
    size_t counts[2] = {fs->blk_count, fs->rev_count};
    for (int l = 0; l < 2; l++) {
        for (size_t i = 0; i < counts[l]; i++) {
            struct ledger_file *f = &lists[l][i];
            if (f->map && (!old || f->last_use < old->last_use)) {
                old = f;
            }
        }
    }
    if (old) {
        unmap(fs, old);
    }
}

kin_status kin__file_map(struct ledger_files *fs, struct ledger_file *f)
{
    f->last_use = ++fs->clock;
    if (f->map || f->size == 0) {
        return KIN_OK;
    }
    if (f->size > KIN_MAX_LEDGER_FILE_SIZE) {
        return KIN_TOOBIG;
    }
    while (fs->mapped >= MAX_MAPPED) {
        evict(fs);
    }
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return KIN_IO;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return KIN_IO;
    }
    if ((uint64_t)sb.st_size < f->size) {
        /* The file shrank since it was listed (a node is writing): map what is there. */
        f->size = (uint64_t)sb.st_size;
    }
    if (f->size == 0) {
        close(fd);
        return KIN_OK;
    }
    void *m = mmap(NULL, (size_t)f->size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        return KIN_IO;
    }
    (void)madvise(m, (size_t)f->size, MADV_SEQUENTIAL);
    f->map = m;
    fs->mapped++;
    return KIN_OK;
}

/* Copies n bytes at file position off into out, XOR-decoded by position. */
static void
decode(const struct ledger_files *fs, const uint8_t *src, uint64_t off, size_t n, uint8_t *out)
{
    uint8_t k[XOR_SIZE];
    for (size_t i = 0; i < XOR_SIZE; i++) {
        k[i] = fs->key[(off + i) % XOR_SIZE];
    }
    uint64_t k64;
    memcpy(&k64, k, sizeof(k64));
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, src + i, 8);
        w ^= k64;
        memcpy(out + i, &w, 8);
    }
    for (; i < n; i++) {
        out[i] = src[i] ^ k[i % XOR_SIZE];
    }
}

int kin__file_bytes(const struct ledger_files *fs,
                    const struct ledger_file *f,
                    uint64_t off,
                    uint64_t n,
                    uint8_t *buf,
                    struct span *out)
{
    struct span all = kin__span(f->map, f->map ? (size_t)f->size : 0), part;
    if (!kin__span_sub(all, off, n, &part)) {
        return 0;
    }
    if (!fs->obfuscated) {
        *out = part;
        return 1;
    }
    decode(fs, part.p, off, part.n, buf);
    *out = kin__span(buf, part.n);
    return 1;
}

int kin__file_magic(const struct ledger_files *fs, const struct ledger_file *f, uint8_t m[4])
{
    uint8_t buf[4];
    struct span s;
    if (!kin__file_bytes(fs, f, 0, 4, buf, &s)) {
        return 0;
    }
    memcpy(m, s.p, 4);
    return 1;
}

/* Whether everything from off to the end is raw zeros, or everything is the repeated key. */
static int is_tail(const struct ledger_files *fs, const struct ledger_file *f, uint64_t off)
{
    const uint8_t *p = f->map + off;
    size_t n = (size_t)(f->size - off);
    int zeros = 1, key = 1;
    for (size_t i = 0; i < n && (zeros || key); i++) {
        zeros &= p[i] == 0;
        key &= p[i] == fs->key[(off + i) % XOR_SIZE];
    }
    return zeros || key;
}

/* The position of the next magic at or after off, or the file size. */
static uint64_t find_magic(const struct ledger_files *fs,
                           const struct ledger_file *f,
                           uint64_t off,
                           const uint8_t magic[4])
{
    for (uint64_t q = off; q + 4 <= f->size; q++) {
        size_t i = 0;
        while (i < 4 && (f->map[q + i] ^ fs->key[(q + i) % XOR_SIZE]) == magic[i]) {
            i++;
        }
        if (i == 4) {
            return q;
        }
    }
    return f->size;
}

void kin__file_records(const struct ledger_files *fs,
                       const struct ledger_file *f,
                       const uint8_t magic[4],
                       int undo,
                       struct anomaly_list *al,
                       struct arena *a,
                       record_fn fn,
                       void *ctx)
{
    const char *name = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
    uint64_t max = undo ? KIN_MAX_LEDGER_UNDO_SIZE : KIN_MAX_LEDGER_BLOCK_SIZE;
    uint64_t trailer = undo ? HASH_SIZE : 0;
    uint64_t pos = 0;
    if (!f->map) {
        return;
    }
    while (pos < f->size) {
        uint8_t hdr[8];
        struct span h;
        if (is_tail(fs, f, pos)) {
            return;
        }
        if (!kin__file_bytes(fs, f, pos, 8, hdr, &h)) {
            kin__anomaly_add(al, a, "ledger.record.truncated", pos,
                             "%s: %llu stray bytes at the end", name,
                             (unsigned long long)(f->size - pos));
            return;
        }
        if (memcmp(h.p, magic, 4) != 0) {
            uint64_t next = find_magic(fs, f, pos + 1, magic);
            kin__anomaly_add(al, a, "ledger.record.magic", pos,
                             "%s: no record magic at %llu; %llu bytes skipped", name,
                             (unsigned long long)pos, (unsigned long long)(next - pos));
            pos = next;
            continue;
        }
        uint32_t size = 0;
        (void)kin__span_le32(h, 4, &size);
        if (size == 0 || size > max) {
            kin__anomaly_add(al, a, "ledger.record.size", pos, "%s: record at %llu claims %u bytes",
                             name, (unsigned long long)pos, size);
            pos = find_magic(fs, f, pos + 1, magic);
            continue;
        }
        if (size + trailer > f->size - pos - 8) {
            kin__anomaly_add(al, a, "ledger.record.truncated", pos,
                             "%s: record at %llu of %u bytes runs past the end (%llu bytes)", name,
                             (unsigned long long)pos, size, (unsigned long long)f->size);
            pos = find_magic(fs, f, pos + 8, magic);
            continue;
        }
        struct file_record r = {pos + 8, size};
        if (fn(ctx, &r)) {
            return;
        }
        pos += 8 + size + trailer;
    }
}

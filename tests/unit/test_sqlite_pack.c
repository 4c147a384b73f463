/*
 * test_sqlite_pack.c: band postings packed per (band value, sample) (src/store/sqlite_pack.c,
 * schema 4): the packed list decoder refuses malformed lists, a value held by several
 * functions of one sample is one row whose lookup gives every function, and a corrupt row
 * makes the lookup fail with a message instead of returning wrong postings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "kin.h"
#include "store/sqlite_int.h"

static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void make_image(struct kin_image *img, unsigned n)
{
    memset(img, 0, sizeof(*img));
    img->format = KIN_FORMAT_PE;
    img->arch = KIN_ARCH_X64;
    img->file_size = 4096 + n;
    (void)snprintf(img->hashes.sha256, sizeof(img->hashes.sha256), "%064x", n);
}

/* A function whose MinHash is derived from mh (same mh: same band values). */
static void make_func(struct kin_function *f, uint64_t va, uint64_t pic, uint64_t mh)
{
    memset(f, 0, sizeof(*f));
    f->va = va;
    f->size = 0x80;
    f->pichash = pic;
    for (int i = 0; i < KIN_MINHASH_SIZE; i++) {
        f->minhash[i] = (uint32_t)splitmix(&mh);
    }
}

static kin_status
add(struct store *s, unsigned n, const char *family, const struct kin_function *f, size_t count)
{
    struct kin_image img;
    const struct kin_function *v[8];
    struct kin_labels l = {family, NULL, NULL, NULL, KIN_FAMILY_MALWARE};
    struct store_add a = {&img, v, count, &l, kin_sig_scheme_version(), 1000, NULL};
    int existed = 0;
    make_image(&img, n);
    for (size_t i = 0; i < count; i++) {
        v[i] = &f[i];
    }
    return kin__store_add_sample(s, &a, &existed);
}

struct seen {
    size_t keys;
    struct store_freq freq;
    struct store_posting p[16];
    size_t n;
};

static int on_hit(void *ctx,
                  size_t key_index,
                  const struct store_freq *freq,
                  const struct store_posting *p,
                  size_t count)
{
    struct seen *s = ctx;
    (void)key_index;
    s->keys++;
    s->freq = *freq;
    s->n = count;
    for (size_t i = 0; i < count && i < 16; i++) {
        s->p[i] = p[i];
    }
    return 0;
}

static void test_unpack(void)
{
    uint32_t out[4];
    size_t n = 9;
    /* 1, 0x30000 (an index of 18 bits), little-endian, 3 bytes each. */
    const uint8_t ok[] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x03};
    CHECK_OK(kin__sqlite_unpack(ok, sizeof(ok), out, 4, &n));
    CHECK_EQ_U64(n, 2);
    CHECK_EQ_U64(out[0], 1);
    CHECK_EQ_U64(out[1], 0x30000);
    /* Too long for the room left. */
    CHECK_EQ_U64(kin__sqlite_unpack(ok, sizeof(ok), out, 1, &n), KIN_LIMIT);
    /* Empty, truncated, out of range (2^18), not ascending, repeated. */
    const uint8_t range[] = {0x00, 0x00, 0x04};
    const uint8_t down[] = {0x02, 0x00, 0x00, 0x01, 0x00, 0x00};
    const uint8_t twice[] = {0x02, 0x00, 0x00, 0x02, 0x00, 0x00};
    CHECK_EQ_U64(kin__sqlite_unpack(NULL, 0, out, 4, &n), KIN_MALFORMED);
    CHECK_EQ_U64(kin__sqlite_unpack(ok, 5, out, 4, &n), KIN_MALFORMED);
    CHECK_EQ_U64(kin__sqlite_unpack(range, sizeof(range), out, 4, &n), KIN_MALFORMED);
    CHECK_EQ_U64(kin__sqlite_unpack(down, sizeof(down), out, 4, &n), KIN_MALFORMED);
    CHECK_EQ_U64(kin__sqlite_unpack(twice, sizeof(twice), out, 4, &n), KIN_MALFORMED);
    CHECK_EQ_U64(n, 0);
}

static int64_t sql_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
        v = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    return v;
}

static void test_lookup(const char *path)
{
    struct store *s = NULL;
    struct kin_function a[4], b[1];
    /* Sample 1 (family A): functions 0, 1 and 3 share a MinHash; sample 2 (B) holds it too. */
    make_func(&a[0], 0x1000, 0x11, 7);
    make_func(&a[1], 0x2000, 0x22, 7);
    make_func(&a[2], 0x3000, 0x33, 8);
    make_func(&a[3], 0x4000, 0x44, 7);
    make_func(&b[0], 0x1000, 0x55, 7);
    (void)unlink(path);
    CHECK_OK(kin__sqlite_open(path, KIN_INDEX_CREATE, &s));
    if (!s) {
        return;
    }
    CHECK_OK(add(s, 1, "A", a, 4));
    CHECK_OK(add(s, 2, "B", b, 1));
    CHECK_OK(s->ops->flush(s, 1));

    uint64_t bands[KIN_LSH_BANDS];
    kin_minhash_bands(a[0].minhash, bands);
    struct store_key key = {bands[3], 3};
    struct seen seen;
    memset(&seen, 0, sizeof(seen));
    CHECK_OK(s->ops->lookup(s, STORE_BAND, &key, 1, 100, on_hit, &seen));
    CHECK_EQ_U64(seen.keys, 1);
    CHECK_EQ_U64(seen.freq.samples, 2);
    CHECK_EQ_U64(seen.freq.families, 2);
    CHECK_EQ_U64(seen.n, 4);
    /* Family then sample order, functions ascending: A's 0, 1, 3, then B's 0. */
    static const uint32_t want[] = {0, 1, 3, 0};
    for (size_t i = 0; i < 4; i++) {
        CHECK_EQ_U64(seen.p[i].func, want[i]);
        CHECK_EQ_U64(seen.p[i].sample, i < 3 ? seen.p[0].sample : seen.p[3].sample);
    }
    CHECK(seen.p[0].sample != seen.p[3].sample);
    /* A cap of one sample: the frequency only, no postings. */
    memset(&seen, 0, sizeof(seen));
    CHECK_OK(s->ops->lookup(s, STORE_BAND, &key, 1, 1, on_hit, &seen));
    CHECK_EQ_U64(seen.keys, 1);
    CHECK_EQ_U64(seen.freq.samples, 2);
    CHECK_EQ_U64(seen.n, 0);
    s->ops->close(s);

    /* One row per (value, sample): two rows for this key; 16 per distinct MinHash per sample. */
    sqlite3 *db = NULL;
    CHECK_EQ_U64(sqlite3_open(path, &db), SQLITE_OK);
    char sql[200];
    (void)snprintf(sql, sizeof(sql),
                   "SELECT count(*) FROM band_postings WHERE band = 3 AND value = %lld",
                   (long long)(int64_t)bands[3]);
    CHECK_EQ_U64(sql_int(db, sql), 2);
    CHECK_EQ_U64(sql_int(db, "SELECT count(*) FROM band_postings"), 16 * 3);
    CHECK_EQ_U64(sql_int(db, "SELECT value FROM counters WHERE name = 'postings'"), 16 * 3 + 5);
    /* A corrupt list (functions out of order) fails the lookup with a message. */
    (void)snprintf(sql, sizeof(sql),
                   "UPDATE band_postings SET funcs = x'030000010000' WHERE band = 3 AND "
                   "value = %lld AND sample = (SELECT min(sample) FROM band_postings)",
                   (long long)(int64_t)bands[3]);
    CHECK_EQ_U64(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    CHECK_OK(kin__sqlite_open(path, KIN_INDEX_READONLY, &s));
    if (s) {
        CHECK_EQ_U64(s->ops->lookup(s, STORE_BAND, &key, 1, 100, on_hit, &seen), KIN_STORE);
        CHECK(strstr(s->errmsg, "corrupt") != NULL);
        s->ops->close(s);
    }
    (void)unlink(path);
}

int main(void)
{
    char dir[256], path[300];
    (void)snprintf(dir, sizeof(dir), "%s/kin-test-pack-XXXXXX",
                   getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    (void)snprintf(path, sizeof(path), "%s/pack.db", dir);
    test_unpack();
    test_lookup(path);
    char aux[320];
    (void)snprintf(aux, sizeof(aux), "%s-wal", path);
    (void)unlink(aux);
    (void)snprintf(aux, sizeof(aux), "%s-shm", path);
    (void)unlink(aux);
    (void)rmdir(dir);
    CHECK_DONE();
}

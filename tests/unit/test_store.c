/*
 * test_store.c: the index (src/store/, src/api/index.c) on synthetic samples: schema creation
 * and migration, refusal of newer, corrupt and foreign files (left unchanged), idempotent adds,
 * postings and frequency statistics through add and remove, and reliability: a writer killed
 * with SIGKILL leaves whole samples only, and readers work while a writer adds (WAL).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "core/limits.h"
#include "db_util.h"
#include "kin.h"
#include "store/store.h"

static char tmpdir[256];

static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A synthetic image whose sha256 is derived from n. */
static void make_image(struct kin_image *img, unsigned n)
{
    uint64_t st = n * 7919u + 1;
    memset(img, 0, sizeof(*img));
    img->format = KIN_FORMAT_PE;
    img->arch = KIN_ARCH_X64;
    img->file_size = 4096 + n;
    for (int i = 0; i < 4; i++) {
        uint64_t v = splitmix(&st);
        (void)snprintf(img->hashes.sha256 + 16 * i, 17, "%016llx", (unsigned long long)v);
    }
    (void)snprintf(img->hashes.md5, sizeof(img->hashes.md5), "%032x", n);
}

/* A function whose pichash is `pic` and whose MinHash is derived from `mh` (same mh: same). */
static void
make_func(struct kin_function *f, uint64_t va, uint64_t pic, uint64_t mh, uint32_t flags)
{
    memset(f, 0, sizeof(*f));
    f->va = va;
    f->size = 0x40 + (va & 0xff);
    f->flags = flags;
    f->pichash = pic;
    uint64_t st = mh;
    for (int i = 0; i < KIN_MINHASH_SIZE; i++) {
        f->minhash[i] = (uint32_t)splitmix(&st);
    }
}

/* Random-ish sample n with count functions, a share of which repeat across samples. */
static void make_random_funcs(struct kin_function *f, size_t count, unsigned n)
{
    uint64_t st = n * 104729u + 17;
    for (size_t i = 0; i < count; i++) {
        uint64_t r = splitmix(&st);
        /* One function in four comes from a small shared pool (library-like code). */
        uint64_t key = (r & 3) == 0 ? (r >> 8) % 64 : r;
        make_func(&f[i], 0x401000 + i * 0x80, key * 31 + 7, key,
                  (r & 0x70) == 0 ? KIN_FUNC_SMALL : 0);
    }
}

static const char *path_in_tmp(const char *name, char *buf, size_t n)
{
    (void)snprintf(buf, n, "%s/%s", tmpdir, name);
    return buf;
}

/* Reads a whole file (for unchanged-file checks). Caller frees. */
static unsigned char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p = NULL;
    *n = 0;
    if (!f) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0) {
        long sz = ftell(f);
        if (sz >= 0 && fseek(f, 0, SEEK_SET) == 0) {
            p = malloc((size_t)sz + 1);
            if (p && fread(p, 1, (size_t)sz, f) == (size_t)sz) {
                *n = (size_t)sz;
            }
        }
    }
    (void)fclose(f);
    return p;
}

static int run_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK) {
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    }
    sqlite3_close(db);
    return rc;
}

/* Hash of a query's whole result (for comparing tables before and after). */
static uint64_t sql_digest(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    uint64_t h = 1469598103934665603ull;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
        while (sqlite3_step(q) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(q); i++) {
                int type = sqlite3_column_type(q, i);
                if (type == SQLITE_BLOB || type == SQLITE_TEXT) {
                    const unsigned char *b = sqlite3_column_blob(q, i);
                    for (int k = 0; k < sqlite3_column_bytes(q, i); k++) {
                        h = (h ^ b[k]) * 1099511628211ull;
                    }
                } else {
                    h = (h ^ (uint64_t)sqlite3_column_int64(q, i)) * 1099511628211ull;
                }
            }
            h = (h ^ 0xff) * 1099511628211ull;
        }
    } else {
        h = 0;
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    return h;
}

static int64_t sql_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    int64_t v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
        v = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

struct list_acc {
    int count;
    char last_sha[65];
    char fam[64];
    char actor[64];
    char version[64];
    uint64_t functions;
};

static int on_sample(void *ctx, const struct kin_index_sample *s)
{
    struct list_acc *a = ctx;
    a->count++;
    (void)snprintf(a->last_sha, sizeof(a->last_sha), "%s", s->sha256);
    (void)snprintf(a->fam, sizeof(a->fam), "%s", s->family);
    (void)snprintf(a->actor, sizeof(a->actor), "%s", s->actor);
    (void)snprintf(a->version, sizeof(a->version), "%s", s->version);
    a->functions += s->function_count;
    return 0;
}

static int on_family(void *ctx, const struct kin_index_family *f)
{
    struct list_acc *a = ctx;
    a->count++;
    if (!strcmp(f->name, "alpha")) {
        (void)snprintf(a->actor, sizeof(a->actor), "%s", f->actor);
        a->functions = f->sample_count;
        CHECK_EQ_U64(f->kind, KIN_FAMILY_MALWARE);
    }
    if (!strcmp(f->name, "crt")) {
        CHECK_EQ_U64(f->kind, KIN_FAMILY_LIBRARY);
    }
    return 0;
}

static int on_actor(void *ctx, const struct kin_index_actor *ac)
{
    struct list_acc *a = ctx;
    a->count++;
    (void)snprintf(a->actor, sizeof(a->actor), "%s", ac->name);
    a->functions = ac->sample_count;
    return 0;
}

static void test_basic_memory(void)
{
    struct kin_index *idx = NULL;
    struct kin_image img;
    struct kin_function f[40];
    struct kin_index_stats stats;
    int existed = -1;

    CHECK_OK(kin_index_open(":memory:", KIN_INDEX_CREATE, &idx));
    CHECK(idx != NULL);
    if (!idx) {
        return;
    }
    CHECK_OK(kin_index_stats(idx, &stats));
    CHECK_EQ_U64(stats.samples, 0);
    CHECK_EQ_U64(stats.schema_version, 4);

    make_image(&img, 1);
    make_random_funcs(f, 40, 1);
    struct kin_labels l = {"alpha", "actor-x", "1.0", "/samples/a1", KIN_FAMILY_MALWARE};
    CHECK_OK(kin_index_add(idx, &img, f, 40, &l, &existed));
    CHECK_EQ_U64(existed, 0);
    /* Idempotent: the same sha256 again is reported, not added. */
    CHECK_OK(kin_index_add(idx, &img, f, 40, &l, &existed));
    CHECK_EQ_U64(existed, 1);
    int found = 0;
    CHECK_OK(kin_index_has_sample(idx, img.hashes.sha256, &found));
    CHECK_EQ_U64(found, 1);
    CHECK_OK(kin_index_has_sample(idx, "00", &found));
    CHECK_EQ_U64(found, 0);

    make_image(&img, 2);
    make_random_funcs(f, 30, 2);
    struct kin_labels l2 = {"alpha", NULL, "1.1", NULL, KIN_FAMILY_MALWARE};
    CHECK_OK(kin_index_add(idx, &img, f, 30, &l2, &existed));
    make_image(&img, 3);
    struct kin_labels l3 = {"crt", NULL, NULL, NULL, KIN_FAMILY_LIBRARY};
    CHECK_OK(kin_index_add(idx, &img, f, 10, &l3, &existed));
    make_image(&img, 4);
    CHECK_OK(kin_index_add(idx, &img, f, 5, NULL, &existed));

    CHECK_OK(kin_index_stats(idx, &stats));
    CHECK_EQ_U64(stats.staged_samples, 4);
    CHECK_EQ_U64(stats.pichashes, 0); /* staged postings are not counted before a merge */
    CHECK_OK(kin_index_flush(idx));
    CHECK_OK(kin_index_stats(idx, &stats));
    CHECK_EQ_U64(stats.staged_samples, 0);
    CHECK_EQ_U64(stats.samples, 4);
    CHECK_EQ_U64(stats.families, 2);
    CHECK_EQ_U64(stats.actors, 1);
    CHECK_EQ_U64(stats.functions, 40 + 30 + 10 + 5);
    CHECK_EQ_U64(stats.db_size, 0);
    CHECK(stats.pichashes > 0 && stats.band_values > 0);

    struct list_acc acc;
    memset(&acc, 0, sizeof(acc));
    CHECK_OK(kin_index_samples(idx, "alpha", on_sample, &acc));
    CHECK_EQ_U64(acc.count, 2);
    CHECK_EQ_STR(acc.fam, "alpha");
    CHECK_EQ_STR(acc.actor, "actor-x");
    CHECK_EQ_STR(acc.version, "1.1"); /* ordered by version */
    CHECK_EQ_U64(acc.functions, 70);
    memset(&acc, 0, sizeof(acc));
    CHECK_OK(kin_index_samples(idx, NULL, on_sample, &acc));
    CHECK_EQ_U64(acc.count, 4);
    memset(&acc, 0, sizeof(acc));
    CHECK_OK(kin_index_families(idx, on_family, &acc));
    CHECK_EQ_U64(acc.count, 2);
    CHECK_EQ_STR(acc.actor, "actor-x");
    CHECK_EQ_U64(acc.functions, 2);
    memset(&acc, 0, sizeof(acc));
    CHECK_OK(kin_index_actors(idx, on_actor, &acc));
    CHECK_EQ_U64(acc.count, 1);
    CHECK_EQ_STR(acc.actor, "actor-x");
    CHECK_EQ_U64(acc.functions, 2);

    /* Label conflicts and bad input are refused with a message, and nothing is added. */
    make_image(&img, 5);
    struct kin_labels bad = {"alpha", "actor-y", NULL, NULL, KIN_FAMILY_MALWARE};
    CHECK_EQ_U64(kin_index_add(idx, &img, f, 5, &bad, &existed), KIN_INVALID);
    CHECK(strstr(kin_index_errmsg(idx), "another actor") != NULL);
    struct kin_labels orphan = {NULL, "actor-y", NULL, NULL, KIN_FAMILY_MALWARE};
    CHECK_EQ_U64(kin_index_add(idx, &img, f, 5, &orphan, &existed), KIN_INVALID);
    struct kin_labels kind = {"alpha", NULL, NULL, NULL, KIN_FAMILY_LIBRARY};
    CHECK_EQ_U64(kin_index_add(idx, &img, f, 5, &kind, &existed), KIN_INVALID);
    img.hashes.sha256[3] = 'X';
    CHECK_EQ_U64(kin_index_add(idx, &img, f, 5, NULL, &existed), KIN_INVALID);
    CHECK_OK(kin_index_stats(idx, &stats));
    CHECK_EQ_U64(stats.samples, 4);
    CHECK_EQ_U64(stats.actors, 1);

    /* Remove by sample and by family. */
    make_image(&img, 4);
    CHECK_OK(kin_index_remove_sample(idx, img.hashes.sha256));
    CHECK_EQ_U64(kin_index_remove_sample(idx, img.hashes.sha256), KIN_NOTFOUND);
    size_t removed = 0;
    CHECK_OK(kin_index_remove_family(idx, "alpha", &removed));
    CHECK_EQ_U64(removed, 2);
    CHECK_EQ_U64(kin_index_remove_family(idx, "alpha", &removed), KIN_NOTFOUND);
    CHECK_OK(kin_index_stats(idx, &stats));
    CHECK_EQ_U64(stats.samples, 1);
    CHECK_EQ_U64(stats.families, 1);
    CHECK_EQ_U64(stats.functions, 10);
    kin_index_close(idx);
}

/* Postings collected by a lookup. */
struct hits {
    size_t keys;
    struct store_freq freq[8];
    struct store_posting p[8][16];
    size_t n[8];
    size_t key_index[8];
};

static int on_hit(void *ctx,
                  size_t key_index,
                  const struct store_freq *freq,
                  const struct store_posting *postings,
                  size_t count)
{
    struct hits *h = ctx;
    if (h->keys < 8) {
        h->freq[h->keys] = *freq;
        h->key_index[h->keys] = key_index;
        h->n[h->keys] = count;
        for (size_t i = 0; i < count && i < 16; i++) {
            h->p[h->keys][i] = postings[i];
        }
        h->keys++;
    }
    return 0;
}

/* Adds one hand-made sample straight through the store. */
static kin_status add_store(
    struct store *s, unsigned n, const char *family, const struct kin_function *f, size_t count)
{
    struct kin_image img;
    const struct kin_function *v[16];
    struct kin_labels l = {family, NULL, NULL, NULL, KIN_FAMILY_MALWARE};
    struct store_add add = {&img, v, count, &l, kin_sig_scheme_version(), 1000, NULL};
    int existed = 0;
    make_image(&img, n);
    for (size_t i = 0; i < count; i++) {
        v[i] = &f[i];
    }
    return kin__store_add_sample(s, &add, &existed);
}

static int64_t sample_id(struct store *s, unsigned n)
{
    struct kin_image img;
    int64_t id = 0, fam = 0;
    make_image(&img, n);
    return s->ops->find_sample(s, img.hashes.sha256, &id, &fam) == KIN_OK ? id : -1;
}

static void check_freq(struct store *s,
                       enum store_kind kind,
                       uint32_t band,
                       uint64_t value,
                       uint64_t samples,
                       uint64_t families,
                       int line)
{
    struct store_key k = {value, band};
    struct store_freq fr = {0, 0};
    kin_status st = s->ops->freq(s, kind, &k, &fr);
    if (samples == 0) {
        if (st != KIN_NOTFOUND) {
            fprintf(stderr, "line %d: key still present (%s)\n", line, kin_status_name(st));
        }
        CHECK_EQ_U64(st, KIN_NOTFOUND);
        return;
    }
    CHECK_OK(st);
    if (fr.samples != samples || fr.families != families) {
        fprintf(stderr, "line %d: freq %llu/%llu, want %llu/%llu\n", line,
                (unsigned long long)fr.samples, (unsigned long long)fr.families,
                (unsigned long long)samples, (unsigned long long)families);
    }
    CHECK_EQ_U64(fr.samples, samples);
    CHECK_EQ_U64(fr.families, families);
}

static void test_postings(const char *path)
{
    struct store *s = NULL;
    struct kin_function a[5], b[2], c[2], d[2];
    uint64_t bands[KIN_LSH_BANDS];

    remove_db(path);
    CHECK_OK(kin__sqlite_open(path, KIN_INDEX_CREATE, &s));
    if (!s) {
        return;
    }
    /* Sample 10 (family F1): P1 twice, P2, a small function P4, a thunk P5. */
    make_func(&a[0], 0x1000, 0x1111, 100, 0);
    make_func(&a[1], 0x2000, 0x2222, 200, 0);
    make_func(&a[2], 0x3000, 0x1111, 101, 0);
    make_func(&a[3], 0x4000, 0x4444, 400, KIN_FUNC_SMALL);
    make_func(&a[4], 0x5000, 0x5555, 500, KIN_FUNC_THUNK);
    /* Sample 11 (F1) and 12 (F2) hold P1; 12's function has the same MinHash as a[1]. */
    make_func(&b[0], 0x1000, 0x1111, 100, 0);
    make_func(&b[1], 0x9000, 0x9999, 900, 0);
    make_func(&c[0], 0x1000, 0x1111, 102, 0);
    make_func(&c[1], 0x7000, 0x7777, 200, 0);
    /* Sample 13 (no family) holds P1 too. */
    make_func(&d[0], 0x1000, 0x1111, 103, 0);
    make_func(&d[1], 0x8000, 0x8888, 800, 0);
    CHECK_OK(add_store(s, 10, "F1", a, 5));
    CHECK_OK(add_store(s, 11, "F1", b, 2));
    CHECK_OK(add_store(s, 12, "F2", c, 2));
    CHECK_OK(add_store(s, 13, NULL, d, 2));
    int64_t s10 = sample_id(s, 10), s12 = sample_id(s, 12);

    /* Staged postings are invisible to lookups until merged. */
    check_freq(s, STORE_PIC, 0, 0x1111, 0, 0, __LINE__);
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM staged_postings"), 4 + 2 + 2 + 2 + 16 * 9);
    CHECK_OK(s->ops->flush(s, 1));
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM staged_postings"), 0);
    CHECK_EQ_U64(sql_int(path, "SELECT value FROM counters WHERE name = 'postings'"),
                 sql_int(path, "SELECT (SELECT count(*) FROM pic_postings) + "
                               "(SELECT count(*) FROM band_postings)"));

    check_freq(s, STORE_PIC, 0, 0x1111, 4, 2, __LINE__);
    check_freq(s, STORE_PIC, 0, 0x2222, 1, 1, __LINE__);
    check_freq(s, STORE_PIC, 0, 0x4444, 1, 1, __LINE__); /* small: exact hash kept */
    check_freq(s, STORE_PIC, 0, 0x5555, 0, 0, __LINE__); /* thunk: not indexed */
    check_freq(s, STORE_PIC, 0, 0x8888, 1, 0, __LINE__); /* unlabelled: no family */

    /* Lookup by pichash: sorted keys; a key absent from the index gives no callback. */
    struct store_key keys[3] = {{0x1111, 0}, {0x2222, 0}, {0x3333, 0}};
    struct hits h;
    memset(&h, 0, sizeof(h));
    CHECK_OK(s->ops->lookup(s, STORE_PIC, keys, 3, 100, on_hit, &h));
    CHECK_EQ_U64(h.keys, 2);
    CHECK_EQ_U64(h.key_index[0], 0);
    CHECK_EQ_U64(h.n[0], 5); /* 10 twice, 11, 12, 13 */
    /* Counted from the postings, the same as the frequency row. */
    CHECK_EQ_U64(h.freq[0].samples, 4);
    CHECK_EQ_U64(h.freq[0].families, 2);
    CHECK_EQ_U64(h.freq[1].samples, 1);
    CHECK_EQ_U64(h.freq[1].families, 1);
    CHECK_EQ_U64(h.p[0][0].family, 0);
    CHECK_EQ_U64(h.p[0][1].sample, s10);
    CHECK_EQ_U64(h.p[0][1].func, 0);
    CHECK_EQ_U64(h.p[0][2].sample, s10);
    CHECK_EQ_U64(h.p[0][2].func, 2);
    CHECK_EQ_U64(h.p[0][4].sample, s12);
    CHECK_EQ_U64(h.key_index[1], 1);
    CHECK_EQ_U64(h.n[1], 1);
    CHECK_EQ_U64(h.p[1][0].func, 1);
    /* The cap: a key held by more samples than asked gives its frequency only. */
    memset(&h, 0, sizeof(h));
    CHECK_OK(s->ops->lookup(s, STORE_PIC, keys, 1, 3, on_hit, &h));
    CHECK_EQ_U64(h.keys, 1);
    CHECK_EQ_U64(h.n[0], 0);
    CHECK_EQ_U64(h.freq[0].samples, 4);
    CHECK_EQ_U64(h.freq[0].families, 2);
    /* More postings than the cap but not more samples (10 holds it twice): all postings. */
    memset(&h, 0, sizeof(h));
    CHECK_OK(s->ops->lookup(s, STORE_PIC, keys, 1, 4, on_hit, &h));
    CHECK_EQ_U64(h.n[0], 5);
    CHECK_EQ_U64(h.freq[0].samples, 4);

    /* Lookup by band value: a[1] and c[1] share a MinHash, so every band. */
    kin_minhash_bands(a[1].minhash, bands);
    struct store_key bk[2] = {{bands[0], 0}, {bands[KIN_LSH_BANDS - 1], KIN_LSH_BANDS - 1}};
    memset(&h, 0, sizeof(h));
    CHECK_OK(s->ops->lookup(s, STORE_BAND, bk, 2, 100, on_hit, &h));
    CHECK_EQ_U64(h.keys, 2);
    CHECK_EQ_U64(h.n[0], 2);
    CHECK_EQ_U64(h.p[0][0].sample, s10);
    CHECK_EQ_U64(h.p[0][0].func, 1);
    CHECK_EQ_U64(h.p[0][1].sample, s12);
    CHECK_EQ_U64(h.p[0][1].func, 1);
    CHECK_EQ_U64(h.freq[1].families, 2);
    /* The same value under another band number is another key. */
    struct store_key other = {bands[0], 1};
    struct store_freq fr;
    CHECK_EQ_U64(s->ops->freq(s, STORE_BAND, &other, &fr), KIN_NOTFOUND);
    /* Small and thunk functions have no band postings. */
    kin_minhash_bands(a[3].minhash, bands);
    check_freq(s, STORE_BAND, 3, bands[3], 0, 0, __LINE__);

    /* Remove updates the statistics: 11 then 10 leave F1 without P1. */
    uint64_t before = sql_digest(path, "SELECT * FROM pic_freq UNION ALL SELECT 0, * FROM "
                                       "band_freq ORDER BY 1, 2, 3");
    CHECK_OK(kin__store_remove_sample(s, sample_id(s, 11), 1));
    check_freq(s, STORE_PIC, 0, 0x1111, 3, 2, __LINE__);
    check_freq(s, STORE_PIC, 0, 0x9999, 0, 0, __LINE__);
    CHECK_OK(kin__store_remove_sample(s, s10, 1));
    check_freq(s, STORE_PIC, 0, 0x1111, 2, 1, __LINE__);
    check_freq(s, STORE_PIC, 0, 0x2222, 0, 0, __LINE__);
    kin_minhash_bands(a[1].minhash, bands);
    check_freq(s, STORE_BAND, 5, bands[5], 1, 1, __LINE__);
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM functions"), 4);
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM pic_postings"), 4);

    /* Incremental statistics equal a recomputation from the postings. */
    uint64_t incremental = sql_digest(path, "SELECT * FROM pic_freq UNION ALL SELECT 0, * FROM "
                                            "band_freq ORDER BY 1, 2, 3");
    int64_t keys_inc = sql_int(path, "SELECT value FROM counters WHERE name = 'band_keys'");
    CHECK_OK(s->ops->refresh_freq(s));
    CHECK_EQ_U64(sql_digest(path, "SELECT * FROM pic_freq UNION ALL SELECT 0, * FROM band_freq "
                                  "ORDER BY 1, 2, 3"),
                 incremental);
    CHECK_EQ_U64(sql_int(path, "SELECT value FROM counters WHERE name = 'band_keys'"), keys_inc);
    CHECK_EQ_U64(keys_inc, sql_int(path, "SELECT count(*) FROM band_freq"));

    /* A staged sample removed before any merge leaves no trace. */
    CHECK_OK(add_store(s, 30, "F3", b, 2));
    CHECK_OK(kin__store_remove_sample(s, sample_id(s, 30), 3));
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM staged_postings"), 0);
    CHECK_EQ_U64(sql_int(path, "SELECT value FROM counters WHERE name = 'staged_rows'"), 0);
    CHECK_OK(s->ops->flush(s, 1));
    CHECK_EQ_U64(sql_digest(path, "SELECT * FROM pic_freq UNION ALL SELECT 0, * FROM band_freq "
                                  "ORDER BY 1, 2, 3"),
                 incremental);

    /* Adding the removed samples back restores the statistics exactly, merged one at a time
     * or together. */
    CHECK_OK(add_store(s, 10, "F1", a, 5));
    CHECK_OK(s->ops->flush(s, 1));
    CHECK_OK(add_store(s, 11, "F1", b, 2));
    CHECK_OK(s->ops->flush(s, 1));
    CHECK_EQ_U64(sql_digest(path, "SELECT * FROM pic_freq UNION ALL SELECT 0, * FROM band_freq "
                                  "ORDER BY 1, 2, 3"),
                 before);
    CHECK_OK(kin__store_remove_sample(s, sample_id(s, 10), 1));
    CHECK_OK(kin__store_remove_sample(s, sample_id(s, 11), 1));
    CHECK_OK(add_store(s, 10, "F1", a, 5));
    CHECK_OK(add_store(s, 11, "F1", b, 2));
    CHECK_OK(s->ops->flush(s, 1));
    CHECK_EQ_U64(sql_digest(path, "SELECT * FROM pic_freq UNION ALL SELECT 0, * FROM band_freq "
                                  "ORDER BY 1, 2, 3"),
                 before);
    CHECK_EQ_U64(sql_int(path, "SELECT value FROM counters WHERE name = 'postings'"),
                 sql_int(path, "SELECT (SELECT count(*) FROM pic_postings) + "
                               "(SELECT count(*) FROM band_postings)"));

    /* Another signature scheme is refused, not mixed in. */
    CHECK_OK(s->ops->set_meta(s, "sig_scheme", "12345"));
    CHECK_EQ_U64(add_store(s, 20, "F1", b, 2), KIN_SCHEMA);
    CHECK(strstr(s->errmsg, "scheme 12345") != NULL);
    s->ops->close(s);
    remove_db(path);
}

static void test_schema_files(void)
{
    char path[512], other[512];
    struct kin_index *idx = NULL;
    struct kin_image img;
    struct kin_function f[50];
    int existed = 0;
    path_in_tmp("schema.db", path, sizeof(path));
    remove_db(path);

    /* A missing file is not created without KIN_INDEX_CREATE. */
    CHECK_EQ_U64(kin_index_open(path, 0, &idx), KIN_IO);
    CHECK(strstr(kin_index_errmsg(idx), "kin add") != NULL);
    kin_index_close(idx);
    CHECK_EQ_U64(kin_index_open(path, KIN_INDEX_READONLY, &idx), KIN_IO);
    kin_index_close(idx);
    CHECK(access(path, F_OK) != 0);
    CHECK_EQ_U64(kin_index_open(path, KIN_INDEX_READONLY | KIN_INDEX_CREATE, &idx), KIN_INVALID);
    CHECK(idx == NULL);

    /* Creation: schema, identity, WAL. */
    CHECK_OK(kin_index_open(path, KIN_INDEX_CREATE, &idx));
    for (unsigned n = 0; n < 6; n++) {
        make_image(&img, 100 + n);
        make_random_funcs(f, 50, 100 + n);
        struct kin_labels l = {n < 3 ? "fa" : "fb", "act", NULL, NULL, KIN_FAMILY_MALWARE};
        CHECK_OK(kin_index_add(idx, &img, f, 50, &l, &existed));
    }
    kin_index_close(idx);
    CHECK_EQ_U64(sql_int(path, "PRAGMA user_version"), 4);
    CHECK_EQ_U64(sql_int(path, "PRAGMA application_id"), STORE_APPLICATION_ID);
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM samples"), 6);
    const char *freq_sql = "SELECT * FROM pic_freq UNION ALL SELECT 0, * FROM band_freq "
                           "ORDER BY 1, 2, 3";
    uint64_t freq = sql_digest(path, freq_sql);
    int64_t pic_keys = sql_int(path, "SELECT value FROM counters WHERE name = 'pic_keys'");
    CHECK(pic_keys > 0);

    /* Read-only opens work and refuse writes. */
    CHECK_OK(kin_index_open(path, KIN_INDEX_READONLY, &idx));
    make_image(&img, 200);
    CHECK_EQ_U64(kin_index_add(idx, &img, f, 5, NULL, &existed), KIN_INVALID);
    CHECK_EQ_U64(kin_index_remove_family(idx, "fa", NULL), KIN_INVALID);
    CHECK_EQ_U64(kin_index_refresh_stats(idx), KIN_INVALID);
    kin_index_close(idx);

    /*
     * Migrations from schema 1: the same samples added to an index kept at schema 3 (one band
     * posting per function), whose statistics, counters and indicator tables are then dropped.
     * Opening it for writing runs migration 2 (statistics rebuilt from the postings), 3
     * (indicator tables) and 4 (band postings packed per sample): the result holds what the
     * index built at the latest schema holds.
     */
    const char *band_sql = "SELECT band, value, family, sample, funcs FROM band_postings "
                           "ORDER BY 1, 2, 3, 4";
    const char *count_sql = "SELECT value FROM counters WHERE name = 'postings'";
    path_in_tmp("schema3.db", other, sizeof(other));
    remove_db(other);
    struct store *old = NULL;
    CHECK_OK(kin__sqlite_open_version(other, KIN_INDEX_CREATE, 3, &old));
    for (unsigned n = 0; old && n < 6; n++) {
        const struct kin_function *v[50];
        struct kin_labels l = {n < 3 ? "fa" : "fb", "act", NULL, NULL, KIN_FAMILY_MALWARE};
        struct store_add add = {&img, v, 50, &l, kin_sig_scheme_version(), 1000, NULL};
        make_image(&img, 100 + n);
        make_random_funcs(f, 50, 100 + n);
        for (size_t i = 0; i < 50; i++) {
            v[i] = &f[i];
        }
        CHECK_OK(kin__store_add_sample(old, &add, &existed));
    }
    if (old) {
        CHECK_OK(old->ops->flush(old, 1));
        old->ops->close(old);
    }
    CHECK_EQ_U64(sql_int(other, "PRAGMA user_version"), 3);
    /* One row per function: more rows than the packed layout, and no funcs column. */
    CHECK(sql_int(other, "SELECT count(*) FROM band_postings") >
          sql_int(path, "SELECT count(*) FROM band_postings"));
    CHECK_EQ_U64(sql_int(other, "SELECT count(*) FROM pragma_table_info('band_postings') "
                                "WHERE name = 'funcs'"),
                 0);
    CHECK_EQ_U64(run_sql(other, "DROP TABLE pic_freq; DROP TABLE band_freq; DROP TABLE counters; "
                                "DROP TABLE ioc_postings; DROP TABLE ioc_values; "
                                "PRAGMA user_version = 1"),
                 SQLITE_OK);
    CHECK_EQ_U64(kin_index_open(other, KIN_INDEX_READONLY, &idx), KIN_SCHEMA);
    CHECK(strstr(kin_index_errmsg(idx), "older") != NULL);
    kin_index_close(idx);
    CHECK_OK(kin_index_open(other, 0, &idx));
    kin_index_close(idx);
    CHECK_EQ_U64(sql_int(other, "PRAGMA user_version"), 4);
    CHECK_EQ_U64(sql_digest(other, freq_sql), freq);
    CHECK_EQ_U64(sql_int(other, "SELECT value FROM counters WHERE name = 'pic_keys'"), pic_keys);
    CHECK_EQ_U64(sql_digest(other, band_sql), sql_digest(path, band_sql));
    CHECK_EQ_U64(sql_int(other, count_sql), sql_int(path, count_sql));
    CHECK(sql_int(other, "SELECT count(*) FROM band_postings") > 0);
    remove_db(other);

    /* A newer schema is refused, read-write or read-only, and the file is not modified. */
    CHECK_EQ_U64(run_sql(path, "PRAGMA user_version = 99"), SQLITE_OK);
    size_t n0 = 0, n1 = 0;
    struct stat st0, st1;
    unsigned char *b0 = read_all(path, &n0);
    CHECK(stat(path, &st0) == 0);
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
    CHECK_EQ_U64(kin_index_open(path, 0, &idx), KIN_SCHEMA);
    CHECK(strstr(kin_index_errmsg(idx), "newer") != NULL);
    kin_index_close(idx);
    CHECK_EQ_U64(kin_index_open(path, KIN_INDEX_CREATE, &idx), KIN_SCHEMA);
    kin_index_close(idx);
    CHECK_EQ_U64(kin_index_open(path, KIN_INDEX_READONLY, &idx), KIN_SCHEMA);
    kin_index_close(idx);
    unsigned char *b1 = read_all(path, &n1);
    CHECK(stat(path, &st1) == 0);
    CHECK(b0 && b1 && n0 == n1 && n0 > 0);
    if (b0 && b1 && n0 == n1) {
        CHECK_EQ_MEM(b0, b1, n0);
    }
    CHECK(st0.st_mtim.tv_sec == st1.st_mtim.tv_sec && st0.st_mtim.tv_nsec == st1.st_mtim.tv_nsec);
    free(b0);
    free(b1);
    remove_db(path);

    /* Random bytes: not SQLite; refused, unchanged. */
    path_in_tmp("random.db", other, sizeof(other));
    remove_db(other);
    unsigned char junk[3 * 4096];
    uint64_t seed = 42;
    for (size_t i = 0; i < sizeof(junk); i++) {
        junk[i] = (unsigned char)splitmix(&seed);
    }
    FILE *fp = fopen(other, "wb");
    CHECK(fp != NULL);
    if (fp) {
        CHECK(fwrite(junk, 1, sizeof(junk), fp) == sizeof(junk));
        CHECK(fclose(fp) == 0);
    }
    static const uint32_t modes[] = {0, KIN_INDEX_CREATE, KIN_INDEX_READONLY};
    for (size_t m = 0; m < 3; m++) {
        kin_status st = kin_index_open(other, modes[m], &idx);
        CHECK_EQ_U64(st, KIN_STORE);
        CHECK(strstr(kin_index_errmsg(idx), "not a kin index") != NULL);
        kin_index_close(idx);
    }
    b1 = read_all(other, &n1);
    CHECK(b1 && n1 == sizeof(junk));
    if (b1 && n1 == sizeof(junk)) {
        CHECK_EQ_MEM(b1, junk, sizeof(junk));
    }
    free(b1);
    remove_db(other);

    /* A foreign SQLite database: refused, unchanged. */
    path_in_tmp("foreign.db", other, sizeof(other));
    remove_db(other);
    CHECK_EQ_U64(run_sql(other, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);"), SQLITE_OK);
    b0 = read_all(other, &n0);
    for (size_t m = 0; m < 3; m++) {
        CHECK_EQ_U64(kin_index_open(other, modes[m], &idx), KIN_STORE);
        CHECK(strstr(kin_index_errmsg(idx), "not a kin index") != NULL);
        kin_index_close(idx);
    }
    b1 = read_all(other, &n1);
    CHECK(b0 && b1 && n0 == n1);
    if (b0 && b1 && n0 == n1) {
        CHECK_EQ_MEM(b0, b1, n0);
    }
    free(b0);
    free(b1);
    remove_db(other);
}

/* The writer of the reliability tests: adds samples first..last, each with WRITER_FUNCS functions.
 */
#define WRITER_FUNCS 60
static int writer_child(const char *path, unsigned first, unsigned last)
{
    struct kin_index *idx = NULL;
    static struct kin_function f[WRITER_FUNCS];
    struct kin_image img;
    int existed = 0;
    if (kin_index_open(path, KIN_INDEX_CREATE, &idx) != KIN_OK) {
        return 1;
    }
    for (unsigned n = first; n < last; n++) {
        make_image(&img, n);
        make_random_funcs(f, WRITER_FUNCS, n);
        struct kin_labels l = {n % 2 ? "odd" : "even", NULL, NULL, NULL, KIN_FAMILY_MALWARE};
        if (kin_index_add(idx, &img, f, WRITER_FUNCS, &l, &existed) != KIN_OK) {
            kin_index_close(idx);
            return 1;
        }
    }
    kin_index_close(idx);
    return 0;
}

static uint64_t count_samples(const char *path)
{
    struct kin_index *idx = NULL;
    struct kin_index_stats stats;
    uint64_t n = 0;
    if (kin_index_open(path, KIN_INDEX_READONLY, &idx) == KIN_OK &&
        kin_index_stats(idx, &stats) == KIN_OK) {
        n = stats.samples;
    }
    kin_index_close(idx);
    return n;
}

static void test_kill_writer(void)
{
    char path[512];
    path_in_tmp("kill.db", path, sizeof(path));
    remove_db(path);
    const unsigned total = 80;
    pid_t pid = fork();
    if (pid == 0) {
        _exit(writer_child(path, 0, total));
    }
    CHECK(pid > 0);
    /* Kill it once it has added some samples but (very likely) not all. */
    uint64_t seen = 0;
    time_t deadline = time(NULL) + 120; /* sanitizers on a loaded machine are slow */
    while (seen < 10 && time(NULL) < deadline) {
        struct timespec t = {0, 2 * 1000 * 1000};
        nanosleep(&t, NULL);
        seen = access(path, F_OK) == 0 ? count_samples(path) : 0;
    }
    CHECK(kill(pid, SIGKILL) == 0);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    uint64_t have = count_samples(path);
    fprintf(stderr, "kill test: %llu of %u samples present after SIGKILL\n",
            (unsigned long long)have, total);
    CHECK(have >= 10);
    /* Exactly the samples fully added: every function and posting of each is there. */
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM functions"), have * WRITER_FUNCS);
    CHECK_EQ_U64(sql_int(path, "SELECT coalesce(sum(function_count), 0) FROM samples"),
                 have * WRITER_FUNCS);
    /* Their postings are staged (or merged, when a merge ran): each sample has all of them. */
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM (SELECT sample FROM staged_postings UNION "
                               "SELECT sample FROM band_postings)"),
                 have);
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM staged_postings") +
                     sql_int(path, "SELECT count(*) FROM band_postings") +
                     sql_int(path, "SELECT count(*) FROM pic_postings"),
                 sql_int(path, "SELECT value FROM counters WHERE name = 'staged_rows'") +
                     sql_int(path, "SELECT value FROM counters WHERE name = 'postings'"));
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM staged_postings p WHERE NOT EXISTS "
                               "(SELECT 1 FROM samples s WHERE s.id = p.sample)"),
                 0);
    const char *freq_sql = "SELECT * FROM pic_freq UNION ALL SELECT 0, * FROM band_freq "
                           "ORDER BY 1, 2, 3";
    uint64_t freq = sql_digest(path, freq_sql);
    struct kin_index *idx = NULL;
    CHECK_OK(kin_index_open(path, 0, &idx));
    CHECK_OK(kin_index_refresh_stats(idx));
    CHECK_EQ_U64(sql_digest(path, freq_sql), freq);
    /* The merge of what the killed writer staged equals a recomputation. */
    CHECK_OK(kin_index_flush(idx));
    freq = sql_digest(path, freq_sql);
    CHECK_OK(kin_index_refresh_stats(idx));
    CHECK_EQ_U64(sql_digest(path, freq_sql), freq);
    kin_index_close(idx);

    /* The next run completes the rest; present samples are skipped. */
    CHECK_EQ_U64(writer_child(path, 0, total), 0);
    CHECK_EQ_U64(count_samples(path), total);
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM functions"), (uint64_t)total * WRITER_FUNCS);
    remove_db(path);
}

static void test_concurrent_reader(void)
{
    char path[512];
    path_in_tmp("wal.db", path, sizeof(path));
    remove_db(path);
    /* Create the index first so the reader never races its creation. */
    CHECK_EQ_U64(writer_child(path, 0, 1), 0);
    pid_t pid = fork();
    if (pid == 0) {
        _exit(writer_child(path, 1, 50));
    }
    CHECK(pid > 0);
    uint64_t last = 0;
    int reads = 0, failures = 0, grew = 0;
    struct kin_index *idx = NULL;
    CHECK_OK(kin_index_open(path, KIN_INDEX_READONLY, &idx));
    for (int i = 0; i < 5000 && idx; i++) {
        struct kin_index_stats stats;
        struct list_acc acc;
        memset(&acc, 0, sizeof(acc));
        if (kin_index_stats(idx, &stats) != KIN_OK ||
            kin_index_samples(idx, NULL, on_sample, &acc) != KIN_OK) {
            fprintf(stderr, "reader: %s\n", kin_index_errmsg(idx));
            failures++;
            break;
        }
        reads++;
        grew += stats.samples > last;
        CHECK(stats.samples >= last);
        last = stats.samples;
        if (last >= 50) {
            break;
        }
    }
    kin_index_close(idx);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ_U64(failures, 0);
    CHECK(grew >= 2); /* the reader saw the index grow while the writer worked */
    fprintf(stderr, "reader: %d reads while writing, saw %d increases\n", reads, grew);
    CHECK_EQ_U64(count_samples(path), 50);
    remove_db(path);
}

/* A key held by more than KIN_MAX_POSTINGS_PER_KEY functions gives its frequency only. */
static void test_postings_cap(void)
{
    struct store *s = NULL;
    const size_t n = KIN_MAX_POSTINGS_PER_KEY + 8;
    struct kin_function *f = calloc(n, sizeof(*f));
    const struct kin_function **v = calloc(n, sizeof(*v));
    CHECK_OK(kin__sqlite_open(":memory:", KIN_INDEX_CREATE, &s));
    if (!s || !f || !v) {
        free(f);
        free(v);
        if (s) {
            s->ops->close(s);
        }
        return;
    }
    for (size_t i = 0; i < n; i++) {
        make_func(&f[i], 0x1000 + 16 * i, i < n - 1 ? 0xb0b : 0xc0c, i, 0);
        v[i] = &f[i];
    }
    struct kin_image img;
    make_image(&img, 77);
    struct store_add add = {&img, v, n, NULL, kin_sig_scheme_version(), 1, NULL};
    int existed = 0;
    CHECK_OK(kin__store_add_sample(s, &add, &existed));
    CHECK_OK(s->ops->flush(s, 1));
    struct store_key keys[2] = {{0xb0b, 0}, {0xc0c, 0}};
    struct hits h;
    memset(&h, 0, sizeof(h));
    CHECK_OK(s->ops->lookup(s, STORE_PIC, keys, 2, 1000, on_hit, &h));
    CHECK_EQ_U64(h.keys, 2);
    CHECK_EQ_U64(h.n[0], 0); /* one sample, but 4103 functions: boilerplate */
    CHECK_EQ_U64(h.freq[0].samples, 1);
    CHECK_EQ_U64(h.n[1], 1);
    memset(&h, 0, sizeof(h));
    CHECK_OK(s->ops->lookup(s, STORE_PIC, keys, 1, UINT64_MAX, on_hit, &h));
    CHECK_EQ_U64(h.n[0], 0);
    CHECK_EQ_U64(h.freq[0].samples, 1);
    s->ops->close(s);
    free(f);
    free(v);
}

/* Allocation failure injection: the Nth allocation of the library fails (curl torture mode). */
static long alloc_countdown = -1;

static void *fail_malloc(size_t n)
{
    if (alloc_countdown == 0) {
        return NULL;
    }
    if (alloc_countdown > 0) {
        alloc_countdown--;
    }
    return malloc(n);
}

static void *fail_realloc(void *p, size_t n)
{
    if (alloc_countdown == 0) {
        return NULL;
    }
    if (alloc_countdown > 0) {
        alloc_countdown--;
    }
    return realloc(p, n);
}

/* One pass over every index entry point; returns 1 when no allocation failed. */
static int index_workout(void)
{
    struct kin_index *idx = NULL;
    struct kin_image img;
    struct kin_function f[20];
    struct kin_index_stats st;
    struct list_acc acc;
    int existed = 0, found = 0, clean = 1;
    kin_status r = kin_index_open(":memory:", KIN_INDEX_CREATE, &idx);
    if (r != KIN_OK) {
        CHECK(r == KIN_NOMEM || r == KIN_STORE);
        kin_index_close(idx);
        return 0;
    }
    for (unsigned n = 0; n < 3; n++) {
        make_image(&img, 300 + n);
        make_random_funcs(f, 20, 300 + n);
        struct kin_labels l = {n ? "fam" : "lib", "act", "1", "src", KIN_FAMILY_MALWARE};
        r = kin_index_add(idx, &img, f, 20, &l, &existed);
        CHECK(r == KIN_OK || r == KIN_NOMEM);
        clean &= r == KIN_OK;
    }
    r = kin_index_flush(idx);
    clean &= r == KIN_OK;
    r = kin_index_has_sample(idx, img.hashes.sha256, &found);
    clean &= r == KIN_OK;
    memset(&acc, 0, sizeof(acc));
    r = kin_index_samples(idx, NULL, on_sample, &acc);
    clean &= r == KIN_OK;
    r = kin_index_stats(idx, &st);
    clean &= r == KIN_OK;
    r = kin_index_remove_sample(idx, img.hashes.sha256);
    if (!(r == KIN_OK || r == KIN_NOMEM || r == KIN_NOTFOUND)) {
        fprintf(stderr, "remove_sample: %s: %s\n", kin_status_name(r), kin_index_errmsg(idx));
    }
    CHECK(r == KIN_OK || r == KIN_NOMEM || r == KIN_NOTFOUND);
    clean &= r == KIN_OK;
    r = kin_index_remove_family(idx, "lib", NULL);
    CHECK(r == KIN_OK || r == KIN_NOMEM || r == KIN_NOTFOUND);
    clean &= r == KIN_OK;
    kin_index_close(idx);
    return clean;
}

/* Every allocation of the index entry points fails in turn: no crash, no leak (ASan), no lie. */
static void test_allocation_failures(void)
{
    CHECK_OK(kin_replace_allocator(fail_malloc, fail_realloc, free));
    int passes = 0;
    for (long n = 0; n < 2000; n++) {
        alloc_countdown = n;
        passes++;
        if (index_workout()) {
            break;
        }
    }
    alloc_countdown = -1;
    CHECK_OK(kin_replace_allocator(NULL, NULL, NULL));
    CHECK(passes > 5 && passes < 2000);
    CHECK(index_workout());
}

static void test_minhash_record(void)
{
    uint32_t mh[KIN_MINHASH_SIZE], back[KIN_MINHASH_SIZE];
    uint8_t blob[STORE_MINHASH_BYTES];
    for (uint32_t i = 0; i < KIN_MINHASH_SIZE; i++) {
        mh[i] = 0x01020304u * (i + 1);
    }
    kin__store_encode_minhash(mh, blob);
    CHECK_EQ_U64(blob[0], 0x04);
    CHECK_EQ_U64(blob[3], 0x01);
    CHECK_OK(kin__store_decode_minhash(blob, sizeof(blob), back));
    CHECK_EQ_MEM(mh, back, sizeof(mh));
    CHECK_EQ_U64(kin__store_decode_minhash(blob, sizeof(blob) - 1, back), KIN_MALFORMED);
    CHECK_EQ_U64(kin__store_decode_minhash(NULL, 0, back), KIN_MALFORMED);
}

static char postings_path[512];

static void test_postings_tmp(void)
{
    test_postings(postings_path);
}

/* Runs one test and reports its time, to keep the whole file fast. */
static void timed(const char *name, void (*fn)(void))
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    fn();
    clock_gettime(CLOCK_MONOTONIC, &b);
    fprintf(stderr, "%s: %.2f s\n", name,
            (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
}

int main(void)
{
    (void)snprintf(tmpdir, sizeof(tmpdir), "%s/kin-test-store-XXXXXX",
                   getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    timed("minhash record", test_minhash_record);
    timed("basic", test_basic_memory);
    timed("postings cap", test_postings_cap);
    timed("allocation failures", test_allocation_failures);
    (void)path_in_tmp("postings.db", postings_path, sizeof(postings_path));
    timed("postings", test_postings_tmp);
    timed("schema files", test_schema_files);
    timed("kill writer", test_kill_writer);
    timed("concurrent reader", test_concurrent_reader);
    (void)rmdir(tmpdir);
    CHECK_DONE();
}

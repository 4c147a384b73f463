/*
 * sqlite.c: the default storage back end: the store_ops of store.h over one SQLite file.
 *
 * Every statement is prepared once per connection (persistent) and reset after use. Postings
 * and frequency tables are WITHOUT ROWID B-trees whose key covers every column, so lookups are
 * index-only range scans. Unsigned 64-bit hashes are stored as the signed integers with the
 * same bits. Statuses from SQLite are translated here and nowhere else (kin__sqlite_error()).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/limits.h"
#include "sqlite_int.h"

/* Postings statements use ?1 band, ?2 value, ?3 family, ?4 sample, ?5 func; pic ignores ?1. */
static const char *const sql_text[ST__COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_BEGIN_READ] = "BEGIN DEFERRED",
    [ST_GET_FUNCTION] = "SELECT va, size, flags, pichash, minhash FROM functions WHERE id = ?1",
    [ST_GET_SAMPLE] = "SELECT sha256, coalesce(family, 0), version, arch, format, source, md5, "
                      "sha1, imphash, rich_hash, tlsh, ssdeep, first_seen, scheme, "
                      "function_count, code_size, file_size FROM samples WHERE id = ?1",
    [ST_GET_META] = "SELECT value FROM meta WHERE key = ?1",
    [ST_SET_META] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [ST_FIND_ACTOR] = "SELECT id FROM actors WHERE name = ?1",
    [ST_PUT_ACTOR] = "INSERT INTO actors(name) VALUES (?1)",
    [ST_FIND_FAMILY] = "SELECT id, coalesce(actor, 0), kind FROM families WHERE name = ?1",
    [ST_PUT_FAMILY] = "INSERT INTO families(name, actor, kind) VALUES (?1, nullif(?2, 0), ?3)",
    [ST_SET_FAMILY_ACTOR] = "UPDATE families SET actor = nullif(?2, 0) WHERE id = ?1",
    [ST_DELETE_FAMILY] = "DELETE FROM families WHERE id = ?1",
    [ST_FIND_SAMPLE] = "SELECT id, coalesce(family, 0) FROM samples WHERE sha256 = ?1",
    [ST_PUT_SAMPLE] = "INSERT INTO samples(sha256, family, version, arch, format, source, "
                      "first_seen, scheme, function_count, code_size, file_size, md5, sha1, "
                      "imphash, rich_hash, tlsh, ssdeep) VALUES (?1, nullif(?2, 0), ?3, ?4, ?5, "
                      "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    [ST_DELETE_FUNCTIONS] = "DELETE FROM functions WHERE id >= ?1 AND id < ?2",
    [ST_DELETE_SAMPLE] = "DELETE FROM samples WHERE id = ?1",
    [ST_FAMILY_SAMPLES] = "SELECT id FROM samples WHERE family = ?1 ORDER BY id",
    [ST_PUT_FUNCTION] = "INSERT INTO functions(id, va, size, flags, pichash, minhash, name) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_SAMPLE_FUNCTIONS] = "SELECT id, va, size, flags, pichash, minhash, name FROM functions "
                            "WHERE id >= ?1 AND id < ?2 ORDER BY id",
    [ST_COUNTER_ADD] = "UPDATE counters SET value = value + ?2 WHERE name = ?1",
    [ST_LIST_SAMPLES] =
        "SELECT s.sha256, f.name, a.name, s.version, s.arch, s.format, s.source, s.md5, s.sha1, "
        "s.imphash, s.rich_hash, s.tlsh, s.ssdeep, s.first_seen, s.scheme, s.function_count, "
        "s.code_size, s.file_size FROM samples s LEFT JOIN families f ON f.id = s.family "
        "LEFT JOIN actors a ON a.id = f.actor WHERE ?1 IS NULL OR f.name = ?1 "
        "ORDER BY f.name, s.version, s.sha256",
    [ST_LIST_FAMILIES] = "SELECT f.name, a.name, f.aliases, f.kind, count(s.id), "
                         "coalesce(sum(s.function_count), 0) FROM families f "
                         "LEFT JOIN actors a ON a.id = f.actor "
                         "LEFT JOIN samples s ON s.family = f.id GROUP BY f.id ORDER BY f.name",
    [ST_LIST_ACTORS] = "SELECT a.name, a.aliases, "
                       "(SELECT count(*) FROM families f WHERE f.actor = a.id), "
                       "(SELECT count(*) FROM samples s JOIN families f ON f.id = s.family "
                       "WHERE f.actor = a.id) FROM actors a ORDER BY a.name",
    [ST_COUNT_SAMPLES] = "SELECT count(*), coalesce(sum(function_count), 0) FROM samples",
    [ST_COUNT_FAMILIES] = "SELECT count(*) FROM families",
    [ST_COUNT_ACTORS] = "SELECT count(*) FROM actors",
    [ST_GET_COUNTERS] = "SELECT (SELECT value FROM counters WHERE name = 'pic_keys'), "
                        "(SELECT value FROM counters WHERE name = 'band_keys')",
    [ST_GET_COUNTER] = "SELECT value FROM counters WHERE name = ?1",
    [ST_STAGE] = "INSERT INTO staged_postings(sample, band, value, func) VALUES (?1, ?2, ?3, ?4)",
    [ST_UNSTAGE] = "DELETE FROM staged_postings WHERE sample = ?1",
    [ST_PIC_EXISTS_FAMILY] = "SELECT 1 FROM pic_postings WHERE hash = ?2 AND family = ?3 LIMIT 1",
    [ST_PIC_DELETE_POSTINGS] = "DELETE FROM pic_postings WHERE hash = ?2 AND family = ?3 "
                               "AND sample = ?4",
    [ST_PIC_FREQ_SUB] = "UPDATE pic_freq SET samples = samples - 1, families = families - ?3 "
                        "WHERE hash = ?2 RETURNING samples",
    [ST_PIC_FREQ_DELETE] = "DELETE FROM pic_freq WHERE hash = ?2",
    [ST_PIC_FREQ_GET] = "SELECT samples, families FROM pic_freq WHERE hash = ?2",
    [ST_PIC_POSTINGS] = "SELECT family, sample, func FROM pic_postings WHERE hash = ?2",
    [ST_BAND_EXISTS_FAMILY] = "SELECT 1 FROM band_postings WHERE band = ?1 AND value = ?2 "
                              "AND family = ?3 LIMIT 1",
    [ST_BAND_DELETE_POSTINGS] = "DELETE FROM band_postings WHERE band = ?1 AND value = ?2 "
                                "AND family = ?3 AND sample = ?4",
    [ST_BAND_FREQ_SUB] = "UPDATE band_freq SET samples = samples - 1, "
                         "families = families - ?3 WHERE band = ?1 AND value = ?2 "
                         "RETURNING samples",
    [ST_BAND_FREQ_DELETE] = "DELETE FROM band_freq WHERE band = ?1 AND value = ?2",
    [ST_BAND_FREQ_GET] = "SELECT samples, families FROM band_freq WHERE band = ?1 AND value = ?2",
    [ST_BAND_POSTINGS] = "SELECT family, sample, funcs FROM band_postings "
                         "WHERE band = ?1 AND value = ?2",
    [ST_BAND_POSTINGS_V3] = "SELECT family, sample, func FROM band_postings "
                            "WHERE band = ?1 AND value = ?2",
};

static struct sqlite_store *impl(struct store *s)
{
    return (struct sqlite_store *)s;
}

/* The prepared statement for id, preparing it on first use; NULL after recording an error. */
static sqlite3_stmt *stmt(struct sqlite_store *s, enum stmt_id id)
{
    if (!s->stmt[id]) {
        int rc = sqlite3_prepare_v3(s->db, sql_text[id], -1, SQLITE_PREPARE_PERSISTENT,
                                    &s->stmt[id], NULL);
        if (rc != SQLITE_OK) {
            s->stmt_status = kin__sqlite_error(s, rc, "preparing a statement");
            sqlite3_finalize(s->stmt[id]);
            s->stmt[id] = NULL;
        }
    }
    return s->stmt[id];
}

/* Steps a statement expected to return no row, and resets it. */
static kin_status run(struct sqlite_store *s, sqlite3_stmt *q, const char *what)
{
    int rc = sqlite3_step(q);
    kin_status st = KIN_OK;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        st = kin__sqlite_error(s, rc, what);
    }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return st;
}

/* Steps once: *row is 1 when a row came back (caller reads it, then calls done()). */
static kin_status step_row(struct sqlite_store *s, sqlite3_stmt *q, int *row, const char *what)
{
    int rc = sqlite3_step(q);
    *row = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        return KIN_OK;
    }
    kin_status st = kin__sqlite_error(s, rc, what);
    sqlite3_reset(q);
    return st;
}

static void done(sqlite3_stmt *q)
{
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
}

static void bind_text(sqlite3_stmt *q, int i, const char *v)
{
    /* Binding into a valid index of a prepared statement only fails on NOMEM (then step does). */
    if (v) {
        (void)sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
    } else {
        (void)sqlite3_bind_null(q, i);
    }
}

static void bind_i64(sqlite3_stmt *q, int i, int64_t v)
{
    (void)sqlite3_bind_int64(q, i, v);
}

static const char *col_text(sqlite3_stmt *q, int i)
{
    const unsigned char *p = sqlite3_column_text(q, i);
    return p ? (const char *)p : "";
}

static void sqlite_close(struct store *base)
{
    struct sqlite_store *s = impl(base);
    for (size_t i = 0; i < ST__COUNT; i++) {
        sqlite3_finalize(s->stmt[i]);
    }
    kin__sqlite_iocs_close(s);
    /* close_v2 defers the close if anything is still open; nothing should be. */
    (void)sqlite3_close_v2(s->db);
    kin__free(s->postings);
    kin__free(s->path);
    kin__free(s);
}

static kin_status simple(struct store *base, enum stmt_id id, const char *what)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, id);
    return q ? run(s, q, what) : s->stmt_status;
}

static kin_status sqlite_begin(struct store *base)
{
    return simple(base, ST_BEGIN, "starting a transaction");
}

static kin_status sqlite_commit(struct store *base)
{
    return simple(base, ST_COMMIT, "committing");
}

static kin_status sqlite_rollback(struct store *base)
{
    if (sqlite3_get_autocommit(impl(base)->db)) {
        return KIN_OK; /* SQLite already rolled back (after some errors it does) */
    }
    return simple(base, ST_ROLLBACK, "rolling back");
}

static kin_status sqlite_begin_read(struct store *base)
{
    return simple(base, ST_BEGIN_READ, "starting a read");
}

/* Ends a read snapshot (a read transaction commits nothing). */
static kin_status sqlite_end_read(struct store *base)
{
    return simple(base, ST_COMMIT, "ending a read");
}

static kin_status sqlite_get_meta(struct store *base, const char *key, char *out, size_t out_size)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_GET_META);
    int row = 0;
    if (!q) {
        return s->stmt_status;
    }
    bind_text(q, 1, key);
    KIN_TRY(step_row(s, q, &row, "reading index settings"));
    if (row) {
        const char *v = col_text(q, 0);
        size_t n = strlen(v);
        if (n >= out_size) {
            n = out_size - 1;
        }
        memcpy(out, v, n);
        out[n] = '\0';
    }
    done(q);
    return row ? KIN_OK : KIN_NOTFOUND;
}

static kin_status sqlite_set_meta(struct store *base, const char *key, const char *value)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_SET_META);
    if (!q) {
        return s->stmt_status;
    }
    bind_text(q, 1, key);
    bind_text(q, 2, value);
    return run(s, q, "writing index settings");
}

/* Runs a lookup statement bound to one text parameter; fills up to 3 integer columns. */
static kin_status find_by_name(struct sqlite_store *s,
                               enum stmt_id id,
                               const char *name,
                               int64_t *c0,
                               int64_t *c1,
                               int64_t *c2)
{
    sqlite3_stmt *q = stmt(s, id);
    int row = 0;
    if (!q) {
        return s->stmt_status;
    }
    bind_text(q, 1, name);
    KIN_TRY(step_row(s, q, &row, "reading labels"));
    if (row) {
        *c0 = sqlite3_column_int64(q, 0);
        if (c1) {
            *c1 = sqlite3_column_int64(q, 1);
        }
        if (c2) {
            *c2 = sqlite3_column_int64(q, 2);
        }
    }
    done(q);
    return row ? KIN_OK : KIN_NOTFOUND;
}

static kin_status sqlite_find_actor(struct store *base, const char *name, int64_t *id)
{
    return find_by_name(impl(base), ST_FIND_ACTOR, name, id, NULL, NULL);
}

static kin_status
insert_returning_id(struct sqlite_store *s, sqlite3_stmt *q, int64_t *id, const char *what)
{
    KIN_TRY(run(s, q, what));
    *id = sqlite3_last_insert_rowid(s->db);
    return KIN_OK;
}

static kin_status sqlite_put_actor(struct store *base, const char *name, int64_t *id)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_PUT_ACTOR);
    if (!q) {
        return s->stmt_status;
    }
    bind_text(q, 1, name);
    return insert_returning_id(s, q, id, "adding an actor");
}

static const char *const kind_names[] = {"malware", "tool", "library"};

static uint32_t kind_of(const char *name)
{
    for (uint32_t i = 0; i < 3; i++) {
        if (!strcmp(name, kind_names[i])) {
            return i;
        }
    }
    return KIN_FAMILY_MALWARE;
}

static kin_status sqlite_find_family(
    struct store *base, const char *name, int64_t *id, int64_t *actor, uint32_t *kind)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_FIND_FAMILY);
    int row = 0;
    if (!q) {
        return s->stmt_status;
    }
    bind_text(q, 1, name);
    KIN_TRY(step_row(s, q, &row, "reading labels"));
    if (row) {
        *id = sqlite3_column_int64(q, 0);
        *actor = sqlite3_column_int64(q, 1);
        *kind = kind_of(col_text(q, 2));
    }
    done(q);
    return row ? KIN_OK : KIN_NOTFOUND;
}

static kin_status
sqlite_put_family(struct store *base, const char *name, int64_t actor, uint32_t kind, int64_t *id)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_PUT_FAMILY);
    if (!q) {
        return s->stmt_status;
    }
    bind_text(q, 1, name);
    bind_i64(q, 2, actor);
    bind_text(q, 3, kind_names[kind < 3 ? kind : 0]);
    return insert_returning_id(s, q, id, "adding a family");
}

static kin_status sqlite_set_family_actor(struct store *base, int64_t family, int64_t actor)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_SET_FAMILY_ACTOR);
    if (!q) {
        return s->stmt_status;
    }
    bind_i64(q, 1, family);
    bind_i64(q, 2, actor);
    return run(s, q, "labelling a family");
}

static kin_status sqlite_delete_family(struct store *base, int64_t family)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_DELETE_FAMILY);
    if (!q) {
        return s->stmt_status;
    }
    bind_i64(q, 1, family);
    return run(s, q, "removing a family");
}

static kin_status
sqlite_find_sample(struct store *base, const char *sha256, int64_t *id, int64_t *family)
{
    return find_by_name(impl(base), ST_FIND_SAMPLE, sha256, id, family, NULL);
}

static kin_status sqlite_put_sample(struct store *base, struct store_sample *r)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_PUT_SAMPLE);
    if (!q) {
        return s->stmt_status;
    }
    bind_text(q, 1, r->sha256);
    bind_i64(q, 2, r->family);
    bind_text(q, 3, r->version);
    bind_text(q, 4, r->arch);
    bind_text(q, 5, r->format);
    bind_text(q, 6, r->source);
    bind_i64(q, 7, r->first_seen);
    bind_i64(q, 8, r->scheme);
    bind_i64(q, 9, (int64_t)r->function_count);
    bind_i64(q, 10, (int64_t)r->code_size);
    bind_i64(q, 11, (int64_t)r->file_size);
    bind_text(q, 12, r->md5);
    bind_text(q, 13, r->sha1);
    bind_text(q, 14, r->imphash);
    bind_text(q, 15, r->rich_hash);
    bind_text(q, 16, r->tlsh);
    bind_text(q, 17, r->ssdeep);
    return insert_returning_id(s, q, &r->id, "adding a sample");
}

static int64_t func_id(int64_t sample, uint32_t index)
{
    return (int64_t)((uint64_t)sample << STORE_FUNC_BITS | index);
}

static kin_status sqlite_delete_sample(struct store *base, int64_t sample)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_DELETE_FUNCTIONS);
    if (!q) {
        return s->stmt_status;
    }
    bind_i64(q, 1, func_id(sample, 0));
    bind_i64(q, 2, func_id(sample + 1, 0));
    KIN_TRY(run(s, q, "removing functions"));
    q = stmt(s, ST_DELETE_SAMPLE);
    if (!q) {
        return s->stmt_status;
    }
    bind_i64(q, 1, sample);
    return run(s, q, "removing a sample");
}

static kin_status
sqlite_family_samples(struct store *base, int64_t family, int64_t **ids, size_t *count)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_FAMILY_SAMPLES);
    size_t cap = 0;
    *ids = NULL;
    *count = 0;
    if (!q) {
        return s->stmt_status;
    }
    bind_i64(q, 1, family);
    for (;;) {
        int row = 0;
        kin_status st = step_row(s, q, &row, "listing a family");
        if (st != KIN_OK || !row) {
            done(q);
            if (st != KIN_OK) {
                kin__free(*ids);
                *ids = NULL;
                *count = 0;
            }
            return st;
        }
        if (*count == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            int64_t *n = kin__realloc(*ids, ncap * sizeof(*n));
            if (!n) {
                done(q);
                kin__free(*ids);
                *ids = NULL;
                *count = 0;
                return KIN_NOMEM;
            }
            *ids = n;
            cap = ncap;
        }
        (*ids)[(*count)++] = sqlite3_column_int64(q, 0);
    }
}

static kin_status sqlite_put_functions(struct store *base,
                                       int64_t sample,
                                       const struct kin_function *const *funcs,
                                       size_t count)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_PUT_FUNCTION);
    uint8_t blob[STORE_MINHASH_BYTES];
    if (!q) {
        return s->stmt_status;
    }
    for (size_t i = 0; i < count; i++) {
        const struct kin_function *f = funcs[i];
        kin__store_encode_minhash(f->minhash, blob);
        bind_i64(q, 1, func_id(sample, (uint32_t)i));
        bind_i64(q, 2, (int64_t)f->va);
        bind_i64(q, 3, (int64_t)f->size);
        bind_i64(q, 4, f->flags);
        bind_i64(q, 5, (int64_t)f->pichash);
        (void)sqlite3_bind_blob(q, 6, blob, (int)sizeof(blob), SQLITE_STATIC);
        bind_text(q, 7, f->name);
        KIN_TRY(run(s, q, "adding functions"));
    }
    return KIN_OK;
}

static kin_status
sqlite_sample_functions(struct store *base, int64_t sample, store_function_fn fn, void *ctx)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_SAMPLE_FUNCTIONS);
    struct store_function f;
    if (!q) {
        return s->stmt_status;
    }
    bind_i64(q, 1, func_id(sample, 0));
    bind_i64(q, 2, func_id(sample + 1, 0));
    for (;;) {
        int row = 0;
        KIN_TRY(step_row(s, q, &row, "reading functions"));
        if (!row) {
            break;
        }
        memset(&f, 0, sizeof(f));
        f.index = (uint32_t)((uint64_t)sqlite3_column_int64(q, 0) & ((1u << STORE_FUNC_BITS) - 1));
        f.va = (uint64_t)sqlite3_column_int64(q, 1);
        f.size = (uint64_t)sqlite3_column_int64(q, 2);
        f.flags = (uint32_t)sqlite3_column_int64(q, 3);
        f.pichash = (uint64_t)sqlite3_column_int64(q, 4);
        const void *blob = sqlite3_column_blob(q, 5);
        int n = sqlite3_column_bytes(q, 5);
        if (kin__store_decode_minhash(blob, (size_t)(n > 0 ? n : 0), f.minhash) != KIN_OK) {
            done(q);
            return kin__store_seterr(base, KIN_STORE,
                                     "the index '%s' is corrupt: a MinHash record has %d bytes",
                                     s->path, n);
        }
        f.name = (const char *)sqlite3_column_text(q, 6);
        if (fn(ctx, &f)) {
            break;
        }
    }
    done(q);
    return KIN_OK;
}

static kin_status
sqlite_get_function(struct store *base, int64_t sample, uint32_t index, struct store_function *f)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_GET_FUNCTION);
    int row = 0;
    if (!q) {
        return s->stmt_status;
    }
    bind_i64(q, 1, func_id(sample, index));
    KIN_TRY(step_row(s, q, &row, "reading a function"));
    if (!row) {
        done(q);
        return KIN_NOTFOUND;
    }
    memset(f, 0, sizeof(*f));
    f->index = index;
    f->va = (uint64_t)sqlite3_column_int64(q, 0);
    f->size = (uint64_t)sqlite3_column_int64(q, 1);
    f->flags = (uint32_t)sqlite3_column_int64(q, 2);
    f->pichash = (uint64_t)sqlite3_column_int64(q, 3);
    const void *blob = sqlite3_column_blob(q, 4);
    int n = sqlite3_column_bytes(q, 4);
    kin_status st = kin__store_decode_minhash(blob, (size_t)(n > 0 ? n : 0), f->minhash);
    done(q);
    if (st != KIN_OK) {
        return kin__store_seterr(base, KIN_STORE,
                                 "the index '%s' is corrupt: a MinHash record has %d bytes",
                                 s->path, n);
    }
    return KIN_OK;
}

/* A copy of text column i in the arena; NULL when the column is NULL. *nomem on failure. */
static const char *col_copy(sqlite3_stmt *q, int i, struct arena *a, int *nomem)
{
    const unsigned char *p = sqlite3_column_text(q, i);
    if (!p) {
        return NULL;
    }
    const char *c = kin__arena_strndup(a, p, (size_t)sqlite3_column_bytes(q, i));
    if (!c) {
        *nomem = 1;
    }
    return c;
}

static kin_status
sqlite_get_sample(struct store *base, int64_t id, struct arena *a, struct store_sample *r)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_GET_SAMPLE);
    int row = 0, nomem = 0;
    if (!q) {
        return s->stmt_status;
    }
    bind_i64(q, 1, id);
    KIN_TRY(step_row(s, q, &row, "reading a sample"));
    if (!row) {
        done(q);
        return KIN_NOTFOUND;
    }
    memset(r, 0, sizeof(*r));
    r->id = id;
    r->sha256 = col_copy(q, 0, a, &nomem);
    r->family = sqlite3_column_int64(q, 1);
    r->version = col_copy(q, 2, a, &nomem);
    r->arch = col_copy(q, 3, a, &nomem);
    r->format = col_copy(q, 4, a, &nomem);
    r->source = col_copy(q, 5, a, &nomem);
    r->md5 = col_copy(q, 6, a, &nomem);
    r->sha1 = col_copy(q, 7, a, &nomem);
    r->imphash = col_copy(q, 8, a, &nomem);
    r->rich_hash = col_copy(q, 9, a, &nomem);
    r->tlsh = col_copy(q, 10, a, &nomem);
    r->ssdeep = col_copy(q, 11, a, &nomem);
    r->first_seen = sqlite3_column_int64(q, 12);
    r->scheme = (uint32_t)sqlite3_column_int64(q, 13);
    r->function_count = (uint64_t)sqlite3_column_int64(q, 14);
    r->code_size = (uint64_t)sqlite3_column_int64(q, 15);
    r->file_size = (uint64_t)sqlite3_column_int64(q, 16);
    done(q);
    return nomem || !r->sha256 ? KIN_NOMEM : KIN_OK;
}

static sqlite3_stmt *kind_stmt(struct sqlite_store *s, enum store_kind kind, enum stmt_id pic_id)
{
    return stmt(s, (enum stmt_id)(pic_id + (kind == STORE_BAND ? KIND_STRIDE : 0)));
}

static void bind_key(sqlite3_stmt *q, uint32_t band, uint64_t value)
{
    bind_i64(q, 1, band);
    bind_i64(q, 2, (int64_t)value);
}

/* Does a posting of this key with this family exist? */
static kin_status exists_family(struct sqlite_store *s,
                                sqlite3_stmt *q,
                                const struct store_entry *e,
                                int64_t family,
                                int *found)
{
    bind_key(q, e->band, e->value);
    bind_i64(q, 3, family);
    KIN_TRY(step_row(s, q, found, "reading postings"));
    done(q);
    return KIN_OK;
}

/* Reads one counter (0 when absent). */
static kin_status get_counter(struct sqlite_store *s, const char *name, int64_t *out)
{
    sqlite3_stmt *q = stmt(s, ST_GET_COUNTER);
    int row = 0;
    *out = 0;
    if (!q) {
        return s->stmt_status;
    }
    bind_text(q, 1, name);
    KIN_TRY(step_row(s, q, &row, "reading counters"));
    if (row) {
        *out = sqlite3_column_int64(q, 0);
    }
    done(q);
    return KIN_OK;
}

static kin_status add_counter(struct sqlite_store *s, const char *name, int64_t delta)
{
    if (delta == 0) {
        return KIN_OK;
    }
    sqlite3_stmt *q = stmt(s, ST_COUNTER_ADD);
    if (!q) {
        return s->stmt_status;
    }
    bind_text(q, 1, name);
    bind_i64(q, 2, delta);
    return run(s, q, "updating counters");
}

/* Staged rows: band -1 marks a pichash. Appended in sample order (sample ids only grow). */
static kin_status stage_rows(struct sqlite_store *s,
                             sqlite3_stmt *q,
                             int64_t sample,
                             int pic,
                             const struct store_entry *e,
                             size_t count,
                             int64_t *rows)
{
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && e[i].band == e[i - 1].band && e[i].value == e[i - 1].value &&
            e[i].func == e[i - 1].func) {
            continue;
        }
        bind_i64(q, 1, sample);
        bind_i64(q, 2, pic ? -1 : (int64_t)e[i].band);
        bind_i64(q, 3, (int64_t)e[i].value);
        bind_i64(q, 4, e[i].func);
        KIN_TRY(run(s, q, "staging postings"));
        (*rows)++;
    }
    return KIN_OK;
}

static kin_status sqlite_stage_postings(struct store *base,
                                        int64_t sample,
                                        const struct store_entry *pic,
                                        size_t pic_count,
                                        const struct store_entry *band,
                                        size_t band_count)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_STAGE);
    if (!q) {
        return s->stmt_status;
    }
    if (pic_count + band_count == 0) {
        return KIN_OK;
    }
    int64_t rows = 0;
    KIN_TRY(stage_rows(s, q, sample, 1, pic, pic_count, &rows));
    KIN_TRY(stage_rows(s, q, sample, 0, band, band_count, &rows));
    KIN_TRY(add_counter(s, "staged_rows", rows));
    return add_counter(s, "staged_samples", 1);
}

static kin_status sqlite_unstage(struct store *base, int64_t sample, int *staged)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_UNSTAGE);
    *staged = 0;
    if (!q) {
        return s->stmt_status;
    }
    bind_i64(q, 1, sample);
    KIN_TRY(run(s, q, "removing staged postings"));
    int64_t rows = sqlite3_changes64(s->db);
    if (rows > 0) {
        *staged = 1;
        KIN_TRY(add_counter(s, "staged_rows", -rows));
        KIN_TRY(add_counter(s, "staged_samples", -1));
    }
    return KIN_OK;
}

/*
 * The merge: frequencies first (a family is new to a key when no merged posting of that key
 * has it yet), then the postings in key order, so each B-tree page is written once per merge
 * however many staged samples land on it.
 */
static const char merge_sql[] =
    "UPDATE counters SET value = value + (SELECT count(*) FROM (SELECT DISTINCT band, value "
    "  FROM staged_postings WHERE band >= 0) p WHERE NOT EXISTS (SELECT 1 FROM band_freq f "
    "  WHERE f.band = p.band AND f.value = p.value)) WHERE name = 'band_keys';"
    "UPDATE counters SET value = value + (SELECT count(*) FROM (SELECT DISTINCT value "
    "  FROM staged_postings WHERE band = -1) p WHERE NOT EXISTS (SELECT 1 FROM pic_freq f "
    "  WHERE f.hash = p.value)) WHERE name = 'pic_keys';"
    "INSERT INTO band_freq(band, value, samples, families) "
    "  SELECT p.band, p.value, count(DISTINCT p.sample), count(DISTINCT CASE WHEN "
    "    s.family IS NOT NULL AND NOT EXISTS (SELECT 1 FROM band_postings b WHERE "
    "    b.band = p.band AND b.value = p.value AND b.family = s.family) THEN s.family END) "
    "  FROM staged_postings p JOIN samples s ON s.id = p.sample WHERE p.band >= 0 "
    "  GROUP BY p.band, p.value "
    "  ON CONFLICT(band, value) DO UPDATE SET samples = samples + excluded.samples, "
    "    families = families + excluded.families;"
    "INSERT INTO pic_freq(hash, samples, families) "
    "  SELECT p.value, count(DISTINCT p.sample), count(DISTINCT CASE WHEN "
    "    s.family IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pic_postings b WHERE "
    "    b.hash = p.value AND b.family = s.family) THEN s.family END) "
    "  FROM staged_postings p JOIN samples s ON s.id = p.sample WHERE p.band = -1 "
    "  GROUP BY p.value "
    "  ON CONFLICT(hash) DO UPDATE SET samples = samples + excluded.samples, "
    "    families = families + excluded.families;";
/*
 * Then the band postings, one row per (value, sample) with its functions packed (schema 4);
 * the 'postings' counter counts rows.
 */
static const char merge_band_sql[] =
    "UPDATE counters SET value = value + (SELECT count(*) FROM staged_postings WHERE band = -1) "
    "  + (SELECT count(*) FROM (SELECT DISTINCT sample, band, value FROM staged_postings "
    "  WHERE band >= 0)) WHERE name = 'postings';"
    "INSERT INTO band_postings(band, value, family, sample, funcs) "
    "  SELECT p.band, p.value, coalesce(s.family, 0), p.sample, kin_pack(p.func) "
    "  FROM staged_postings p JOIN samples s ON s.id = p.sample WHERE p.band >= 0 "
    "  GROUP BY p.band, p.value, p.sample ORDER BY 1, 2, 3, 4;";
/* The same for an index kept at an older schema (tests of migration open one). */
static const char merge_band_v3_sql[] =
    "UPDATE counters SET value = value + (SELECT count(*) FROM staged_postings) "
    "  WHERE name = 'postings';"
    "INSERT INTO band_postings(band, value, family, sample, func) "
    "  SELECT p.band, p.value, coalesce(s.family, 0), p.sample, p.func "
    "  FROM staged_postings p JOIN samples s ON s.id = p.sample WHERE p.band >= 0 "
    "  ORDER BY 1, 2, 3, 4, 5;";
/* After the frequencies and the band postings: the pichash postings and the staged rows. */
static const char merge_tail_sql[] =
    "INSERT INTO pic_postings(hash, family, sample, func) "
    "  SELECT p.value, coalesce(s.family, 0), p.sample, p.func "
    "  FROM staged_postings p JOIN samples s ON s.id = p.sample WHERE p.band = -1 "
    "  ORDER BY 1, 2, 3, 4;"
    "DELETE FROM staged_postings;"
    "UPDATE counters SET value = 0 WHERE name IN ('staged_rows', 'staged_samples');";

/*
 * Merge when the staged rows reach a quarter of the merged ones (at least STAGE_MIN_ROWS): a
 * merge rewrites at most every page of the postings, so this bounds the pages written per
 * staged row by a constant however large the index grows.
 */
#define STAGE_MIN_ROWS ((int64_t)1 << 21)

static kin_status sqlite_flush(struct store *base, int force)
{
    struct sqlite_store *s = impl(base);
    int64_t staged = 0, merged = 0;
    if (base->readonly) {
        return KIN_OK;
    }
    KIN_TRY(get_counter(s, "staged_rows", &staged));
    if (staged == 0) {
        return KIN_OK;
    }
    if (!force) {
        KIN_TRY(get_counter(s, "postings", &merged));
        if (staged < STAGE_MIN_ROWS || staged < merged / 4) {
            return KIN_OK;
        }
    }
    KIN_TRY(sqlite_begin(base));
    int rc = sqlite3_exec(s->db, merge_sql, NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_exec(s->db, s->packed ? merge_band_sql : merge_band_v3_sql, NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_exec(s->db, merge_tail_sql, NULL, NULL, NULL);
    }
    kin_status st =
        rc == SQLITE_OK ? sqlite_commit(base) : kin__sqlite_error(s, rc, "merging staged postings");
    if (st != KIN_OK) {
        (void)sqlite_rollback(base);
    }
    return st;
}

static kin_status sqlite_remove_postings(struct store *base,
                                         enum store_kind kind,
                                         int64_t sample,
                                         int64_t family,
                                         const struct store_entry *e,
                                         size_t count)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q_del = kind_stmt(s, kind, ST_PIC_DELETE_POSTINGS);
    sqlite3_stmt *q_exists = kind_stmt(s, kind, ST_PIC_EXISTS_FAMILY);
    sqlite3_stmt *q_sub = kind_stmt(s, kind, ST_PIC_FREQ_SUB);
    sqlite3_stmt *q_zero = kind_stmt(s, kind, ST_PIC_FREQ_DELETE);
    int64_t gone_keys = 0, removed_rows = 0;
    if (!q_del || !q_exists || !q_sub || !q_zero) {
        return s->stmt_status;
    }
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && e[i].band == e[i - 1].band && e[i].value == e[i - 1].value) {
            continue;
        }
        bind_key(q_del, e[i].band, e[i].value);
        bind_i64(q_del, 3, family);
        bind_i64(q_del, 4, sample);
        KIN_TRY(run(s, q_del, "removing postings"));
        removed_rows += sqlite3_changes64(s->db);
        int held = 0;
        if (family) {
            KIN_TRY(exists_family(s, q_exists, &e[i], family, &held));
        }
        bind_key(q_sub, e[i].band, e[i].value);
        bind_i64(q_sub, 3, family && !held ? 1 : 0);
        int row = 0;
        int64_t left = -1;
        KIN_TRY(step_row(s, q_sub, &row, "updating frequencies"));
        if (row) {
            left = sqlite3_column_int64(q_sub, 0);
        }
        while (row) {
            KIN_TRY(step_row(s, q_sub, &row, "updating frequencies"));
        }
        done(q_sub);
        if (left == 0) {
            bind_key(q_zero, e[i].band, e[i].value);
            KIN_TRY(run(s, q_zero, "updating frequencies"));
            gone_keys++;
        }
    }
    KIN_TRY(add_counter(s, "postings", -removed_rows));
    return add_counter(s, kind == STORE_PIC ? "pic_keys" : "band_keys", -gone_keys);
}

static kin_status read_freq(struct sqlite_store *s,
                            sqlite3_stmt *q,
                            const struct store_key *key,
                            struct store_freq *out,
                            int *found)
{
    bind_key(q, key->band, key->value);
    KIN_TRY(step_row(s, q, found, "reading frequencies"));
    if (*found) {
        out->samples = (uint64_t)sqlite3_column_int64(q, 0);
        out->families = (uint64_t)sqlite3_column_int64(q, 1);
    }
    done(q);
    return KIN_OK;
}

static kin_status sqlite_freq(struct store *base,
                              enum store_kind kind,
                              const struct store_key *key,
                              struct store_freq *out)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = kind_stmt(s, kind, ST_PIC_FREQ_GET);
    int found = 0;
    if (!q) {
        return s->stmt_status;
    }
    KIN_TRY(read_freq(s, q, key, out, &found));
    return found ? KIN_OK : KIN_NOTFOUND;
}

/* Makes room for n more postings in s->postings. */
static kin_status reserve_postings(struct sqlite_store *s, size_t count, size_t n)
{
    if (count + n <= s->postings_cap) {
        return KIN_OK;
    }
    size_t ncap = s->postings_cap ? s->postings_cap : 256;
    while (ncap < count + n) {
        ncap *= 2;
    }
    struct store_posting *p = kin__realloc(s->postings, ncap * sizeof(*p));
    if (!p) {
        return KIN_NOMEM;
    }
    s->postings = p;
    s->postings_cap = ncap;
    return KIN_OK;
}

/*
 * Reads the postings of one key into s->postings[*count] and counts their samples and
 * families into *freq, as long as at most max_samples samples and KIN_MAX_POSTINGS_PER_KEY
 * functions hold it. *complete is 0 when it stopped at a cap (what was read is then partial).
 * Rows come in key order, (family, sample): a pichash row is one function, a band row one
 * sample with its packed functions (sqlite_pack.c).
 */
static kin_status read_postings(struct sqlite_store *s,
                                sqlite3_stmt *q,
                                enum store_kind kind,
                                const struct store_key *key,
                                uint64_t max_samples,
                                size_t *count,
                                struct store_freq *freq,
                                int *complete)
{
    const size_t most = KIN_MAX_POSTINGS_PER_KEY;
    kin_status st = KIN_OK;
    *count = 0;
    *complete = 1;
    freq->samples = freq->families = 0;
    bind_key(q, key->band, key->value);
    for (;;) {
        int row = 0;
        st = step_row(s, q, &row, "reading postings");
        if (st != KIN_OK || !row) {
            break;
        }
        int64_t family = sqlite3_column_int64(q, 0);
        int64_t sample = sqlite3_column_int64(q, 1);
        const struct store_posting *last = *count ? &s->postings[*count - 1] : NULL;
        if (!last || last->family != family || last->sample != sample) {
            freq->samples++;
            freq->families += family != 0 && (!last || last->family != family);
        }
        size_t n = 1;
        if (kind == STORE_BAND && s->packed) {
            st = kin__sqlite_unpack(sqlite3_column_blob(q, 2), (size_t)sqlite3_column_bytes(q, 2),
                                    s->unpacked, most - *count, &n);
            if (st == KIN_MALFORMED) {
                st = kin__store_seterr(&s->base, KIN_STORE,
                                       "the index '%s' is corrupt (a band posting lists no "
                                       "valid functions)",
                                       s->path);
                break;
            }
        } else {
            s->unpacked[0] = (uint32_t)sqlite3_column_int64(q, 2);
            st = *count < most ? KIN_OK : KIN_LIMIT;
        }
        if (st == KIN_LIMIT || freq->samples > max_samples) {
            st = KIN_OK;
            *complete = 0;
            break;
        }
        if (st != KIN_OK || (st = reserve_postings(s, *count, n)) != KIN_OK) {
            break;
        }
        for (size_t i = 0; i < n; i++) {
            struct store_posting *p = &s->postings[(*count)++];
            p->family = family;
            p->sample = sample;
            p->func = s->unpacked[i];
        }
    }
    done(q);
    return st;
}

static kin_status sqlite_lookup(struct store *base,
                                enum store_kind kind,
                                const struct store_key *keys,
                                size_t count,
                                uint64_t max_samples,
                                store_hit_fn fn,
                                void *ctx)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q_freq = kind_stmt(s, kind, ST_PIC_FREQ_GET);
    sqlite3_stmt *q_post = kind == STORE_BAND && !s->packed ? stmt(s, ST_BAND_POSTINGS_V3)
                                                            : kind_stmt(s, kind, ST_PIC_POSTINGS);
    if (!q_freq || !q_post) {
        return s->stmt_status;
    }
    /*
     * One read transaction for the whole batch: one snapshot, and no shared-memory locking per
     * statement (in WAL mode each implicit transaction takes and drops locks: measured 33 us per
     * key without this).
     */
    int own = sqlite3_get_autocommit(s->db);
    if (own) {
        int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            return kin__sqlite_error(s, rc, "starting a read");
        }
    }
    /*
     * With a cap of 0 only frequencies are wanted: one seek each in the frequency table, much
     * smaller than the postings. Otherwise most keys are absent or held by few samples: read
     * their postings (one seek) and count samples and families, which is exactly what the
     * frequency row would say. Only keys past a cap pay a second seek for their frequency row.
     */
    kin_status st = KIN_OK;
    for (size_t i = 0; i < count && st == KIN_OK; i++) {
        struct store_freq freq = {0, 0};
        size_t n = 0;
        int complete = 0, found = 1;
        if (max_samples == 0) {
            st = read_freq(s, q_freq, &keys[i], &freq, &found);
        } else {
            st = read_postings(s, q_post, kind, &keys[i], max_samples, &n, &freq, &complete);
            if (st == KIN_OK && !complete) {
                n = 0;
                st = read_freq(s, q_freq, &keys[i], &freq, &found);
            }
        }
        if (st != KIN_OK || !found || freq.samples == 0) {
            continue;
        }
        if (fn(ctx, i, &freq, n ? s->postings : NULL, n)) {
            break;
        }
    }
    if (own) {
        /* A read transaction has nothing to lose: COMMIT only ends it. */
        (void)sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    }
    return st;
}

static kin_status
sqlite_list_samples(struct store *base, const char *family, kin_index_sample_fn fn, void *ctx)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_LIST_SAMPLES);
    struct kin_index_sample r;
    if (!q) {
        return s->stmt_status;
    }
    bind_text(q, 1, family);
    for (;;) {
        int row = 0;
        KIN_TRY(step_row(s, q, &row, "listing samples"));
        if (!row) {
            break;
        }
        r.sha256 = col_text(q, 0);
        r.family = col_text(q, 1);
        r.actor = col_text(q, 2);
        r.version = col_text(q, 3);
        r.arch = col_text(q, 4);
        r.format = col_text(q, 5);
        r.source = col_text(q, 6);
        r.md5 = col_text(q, 7);
        r.sha1 = col_text(q, 8);
        r.imphash = col_text(q, 9);
        r.rich_hash = col_text(q, 10);
        r.tlsh = col_text(q, 11);
        r.ssdeep = col_text(q, 12);
        r.first_seen = sqlite3_column_int64(q, 13);
        r.scheme = (uint32_t)sqlite3_column_int64(q, 14);
        r.function_count = (uint64_t)sqlite3_column_int64(q, 15);
        r.code_size = (uint64_t)sqlite3_column_int64(q, 16);
        r.file_size = (uint64_t)sqlite3_column_int64(q, 17);
        if (fn(ctx, &r)) {
            break;
        }
    }
    done(q);
    return KIN_OK;
}

/* Aliases of one listed row: split (one per line as stored) and joined for people. */
struct alias_row {
    char text[STORE_ALIASES_SIZE];
    char joined[STORE_ALIASES_SIZE + (size_t)2 * KIN_MAX_ALIASES];
    const char *v[KIN_MAX_ALIASES];
};

static size_t split_aliases(const char *stored, struct alias_row *al)
{
    size_t n = strlen(stored);
    n = n < sizeof(al->text) ? n : sizeof(al->text) - 1;
    memcpy(al->text, stored, n);
    al->text[n] = '\0';
    size_t count = kin__store_split_aliases(al->text, al->v, KIN_MAX_ALIASES);
    kin__store_join_aliases(al->v, count, "; ", al->joined, sizeof(al->joined));
    return count;
}

static kin_status sqlite_list_families(struct store *base, kin_index_family_fn fn, void *ctx)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_LIST_FAMILIES);
    struct kin_index_family r;
    if (!q) {
        return s->stmt_status;
    }
    struct alias_row *al = kin__malloc(sizeof(*al));
    if (!al) {
        return KIN_NOMEM;
    }
    for (;;) {
        int row = 0;
        kin_status st = step_row(s, q, &row, "listing families");
        if (st != KIN_OK) {
            kin__free(al);
            return st;
        }
        if (!row) {
            break;
        }
        r.name = col_text(q, 0);
        r.actor = col_text(q, 1);
        r.kind = kind_of(col_text(q, 3));
        r.sample_count = (uint64_t)sqlite3_column_int64(q, 4);
        r.function_count = (uint64_t)sqlite3_column_int64(q, 5);
        r.alias_count = split_aliases(col_text(q, 2), al);
        r.alias_list = al->v;
        r.aliases = al->joined;
        if (fn(ctx, &r)) {
            break;
        }
    }
    done(q);
    kin__free(al);
    return KIN_OK;
}

static kin_status sqlite_list_actors(struct store *base, kin_index_actor_fn fn, void *ctx)
{
    struct sqlite_store *s = impl(base);
    sqlite3_stmt *q = stmt(s, ST_LIST_ACTORS);
    struct kin_index_actor r;
    kin_status st = KIN_OK;
    if (!q) {
        return s->stmt_status;
    }
    struct alias_row *al = kin__malloc(sizeof(*al));
    if (!al) {
        return KIN_NOMEM;
    }
    for (;;) {
        int row = 0;
        st = step_row(s, q, &row, "listing actors");
        if (st != KIN_OK || !row) {
            break;
        }
        r.name = col_text(q, 0);
        r.family_count = (uint64_t)sqlite3_column_int64(q, 2);
        r.sample_count = (uint64_t)sqlite3_column_int64(q, 3);
        r.alias_count = split_aliases(col_text(q, 1), al);
        r.alias_list = al->v;
        r.aliases = al->joined;
        if (fn(ctx, &r)) {
            break;
        }
    }
    if (st == KIN_OK) {
        done(q);
    }
    kin__free(al);
    return st;
}

/* Reads up to two integer columns of a one-row statement. */
static kin_status
count_row(struct sqlite_store *s, enum stmt_id id, uint64_t *a, uint64_t *b, const char *what)
{
    sqlite3_stmt *q = stmt(s, id);
    int row = 0;
    if (!q) {
        return s->stmt_status;
    }
    KIN_TRY(step_row(s, q, &row, what));
    if (row) {
        *a = (uint64_t)sqlite3_column_int64(q, 0);
        if (b) {
            *b = (uint64_t)sqlite3_column_int64(q, 1);
        }
    }
    done(q);
    return KIN_OK;
}

static uint64_t file_size(const char *path, const char *suffix)
{
    char buf[4096];
    struct stat st;
    if ((size_t)snprintf(buf, sizeof(buf), "%s%s", path, suffix) >= sizeof(buf)) {
        return 0;
    }
    return stat(buf, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static kin_status sqlite_totals(struct store *base, struct store_totals *out)
{
    struct sqlite_store *s = impl(base);
    int64_t version = 0;
    memset(out, 0, sizeof(*out));
    KIN_TRY(count_row(s, ST_COUNT_SAMPLES, &out->samples, &out->functions, "counting samples"));
    KIN_TRY(count_row(s, ST_COUNT_FAMILIES, &out->families, NULL, "counting families"));
    KIN_TRY(count_row(s, ST_COUNT_ACTORS, &out->actors, NULL, "counting actors"));
    KIN_TRY(count_row(s, ST_GET_COUNTERS, &out->pic_keys, &out->band_keys, "reading counters"));
    int64_t staged = 0;
    KIN_TRY(get_counter(s, "staged_samples", &staged));
    out->staged_samples = (uint64_t)staged;
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL);
    if (rc == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
        version = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    out->schema_version = (uint32_t)version;
    KIN_TRY(kin__sqlite_count_iocs(s, &out->ioc_values));
    if (!s->memory) {
        out->db_size = file_size(s->path, "") + file_size(s->path, "-wal");
    }
    return KIN_OK;
}

/* The backfill of migration 002, on the current postings, and the same for indicators. */
static const char refresh_sql[] =
    "DELETE FROM pic_freq;"
    "DELETE FROM band_freq;"
    "INSERT INTO pic_freq(hash, samples, families) "
    "  SELECT hash, count(DISTINCT sample), count(DISTINCT nullif(family, 0)) "
    "  FROM pic_postings GROUP BY hash;"
    "INSERT INTO band_freq(band, value, samples, families) "
    "  SELECT band, value, count(DISTINCT sample), count(DISTINCT nullif(family, 0)) "
    "  FROM band_postings GROUP BY band, value;"
    "UPDATE counters SET value = (SELECT count(*) FROM pic_freq) WHERE name = 'pic_keys';"
    "UPDATE counters SET value = (SELECT count(*) FROM band_freq) WHERE name = 'band_keys';"
    "UPDATE counters SET value = (SELECT count(*) FROM pic_postings) + "
    "  (SELECT count(*) FROM band_postings) WHERE name = 'postings';"
    "UPDATE counters SET value = (SELECT count(*) FROM staged_postings) "
    "  WHERE name = 'staged_rows';"
    "UPDATE counters SET value = (SELECT count(DISTINCT sample) FROM staged_postings) "
    "  WHERE name = 'staged_samples';"
    "UPDATE ioc_values SET "
    "  samples = (SELECT count(*) FROM ioc_postings p WHERE p.ioc = ioc_values.id), "
    "  families = (SELECT count(DISTINCT nullif(p.family, 0)) FROM ioc_postings p "
    "    WHERE p.ioc = ioc_values.id);"
    "DELETE FROM ioc_values WHERE samples = 0;";

static kin_status sqlite_refresh_freq(struct store *base)
{
    struct sqlite_store *s = impl(base);
    KIN_TRY(sqlite_begin(base));
    int rc = sqlite3_exec(s->db, refresh_sql, NULL, NULL, NULL);
    kin_status st =
        rc == SQLITE_OK ? sqlite_commit(base) : kin__sqlite_error(s, rc, "recomputing frequencies");
    if (st != KIN_OK) {
        (void)sqlite_rollback(base);
    }
    return st;
}

const struct store_ops kin__sqlite_ops = {
    .name = "sqlite",
    .close = sqlite_close,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .begin_read = sqlite_begin_read,
    .end_read = sqlite_end_read,
    .get_meta = sqlite_get_meta,
    .set_meta = sqlite_set_meta,
    .find_actor = sqlite_find_actor,
    .put_actor = sqlite_put_actor,
    .find_family = sqlite_find_family,
    .put_family = sqlite_put_family,
    .set_family_actor = sqlite_set_family_actor,
    .delete_family = sqlite_delete_family,
    .find_label = kin__sqlite_find_label,
    .get_aliases = kin__sqlite_get_aliases,
    .set_aliases = kin__sqlite_set_aliases,
    .set_family_kind = kin__sqlite_set_family_kind,
    .find_sample = sqlite_find_sample,
    .put_sample = sqlite_put_sample,
    .delete_sample = sqlite_delete_sample,
    .family_samples = sqlite_family_samples,
    .put_functions = sqlite_put_functions,
    .sample_functions = sqlite_sample_functions,
    .get_function = sqlite_get_function,
    .get_sample = sqlite_get_sample,
    .stage_postings = sqlite_stage_postings,
    .unstage = sqlite_unstage,
    .flush = sqlite_flush,
    .remove_postings = sqlite_remove_postings,
    .lookup = sqlite_lookup,
    .freq = sqlite_freq,
    .list_samples = sqlite_list_samples,
    .list_families = sqlite_list_families,
    .list_actors = sqlite_list_actors,
    .totals = sqlite_totals,
    .refresh_freq = sqlite_refresh_freq,
    .put_iocs = kin__sqlite_put_iocs,
    .remove_iocs = kin__sqlite_remove_iocs,
    .lookup_iocs = kin__sqlite_lookup_iocs,
    .sample_iocs = kin__sqlite_sample_iocs,
};

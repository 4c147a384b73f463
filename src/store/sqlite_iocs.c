/*
 * sqlite_iocs.c: the SQLite back end's indicator tables (schema/003_iocs.sql): put, remove and
 * look up the indicators of samples, keeping the frequency of each value (samples, families).
 *
 * ioc_values holds each distinct (type, value) once with its frequency; ioc_postings says which
 * sample holds which value, keyed by sample (so removal reads one range) with a second index by
 * (value, family, sample) (so a lookup is one range scan and "does family F still hold it" one
 * seek). Statements are prepared once per connection, like sqlite.c's, in a table of their own.
 */
#include <string.h>

#include "sqlite_int.h"

enum ioc_stmt_id {
    IST_UPSERT_VALUE,
    IST_FAMILY_HOLDS,
    IST_PUT_POSTING,
    IST_FREQ_ADD,
    IST_SAMPLE_VALUES,
    IST_DELETE_SAMPLE,
    IST_DELETE_VALUE,
    IST_FIND_VALUE,
    IST_HOLDERS,
    IST_COUNT_VALUES,
    IST_SAMPLE_IOCS,
    IST__COUNT
};

static const char *const ioc_sql[IST__COUNT] = {
    /* The no-op update makes RETURNING give the id of an existing row too. */
    [IST_UPSERT_VALUE] = "INSERT INTO ioc_values(type, value, samples, families) "
                         "VALUES (?1, ?2, 0, 0) ON CONFLICT(type, value) "
                         "DO UPDATE SET samples = samples RETURNING id",
    [IST_FAMILY_HOLDS] = "SELECT 1 FROM ioc_postings WHERE ioc = ?1 AND family = ?2 LIMIT 1",
    [IST_PUT_POSTING] = "INSERT OR IGNORE INTO ioc_postings(sample, ioc, family, file_offset, "
                        "encoding, section) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [IST_FREQ_ADD] = "UPDATE ioc_values SET samples = samples + ?2, families = families + ?3 "
                     "WHERE id = ?1 RETURNING samples",
    [IST_SAMPLE_VALUES] = "SELECT ioc, family FROM ioc_postings WHERE sample = ?1",
    [IST_DELETE_SAMPLE] = "DELETE FROM ioc_postings WHERE sample = ?1",
    [IST_DELETE_VALUE] = "DELETE FROM ioc_values WHERE id = ?1",
    /* Library families are few: one seek each tells whether one holds the value. */
    [IST_FIND_VALUE] = "SELECT v.id, v.samples, v.families, EXISTS (SELECT 1 FROM families f "
                       "WHERE f.kind = 'library' AND EXISTS (SELECT 1 FROM ioc_postings p "
                       "WHERE p.ioc = v.id AND p.family = f.id)) FROM ioc_values v "
                       "WHERE v.type = ?1 AND v.value = ?2",
    [IST_HOLDERS] = "SELECT p.sample, p.family, s.sha256, f.name, a.name, s.version, f.kind, "
                    "p.file_offset, p.encoding, p.section FROM ioc_postings p "
                    "JOIN samples s ON s.id = p.sample LEFT JOIN families f ON f.id = p.family "
                    "LEFT JOIN actors a ON a.id = f.actor WHERE p.ioc = ?1 "
                    "ORDER BY p.family, p.sample LIMIT ?2",
    [IST_COUNT_VALUES] = "SELECT count(*) FROM ioc_values",
    [IST_SAMPLE_IOCS] = "SELECT v.type, v.value, p.file_offset, p.encoding, p.section "
                        "FROM ioc_postings p JOIN ioc_values v ON v.id = p.ioc WHERE p.sample = ?1",
};

struct sqlite_iocs {
    sqlite3_stmt *stmt[IST__COUNT];
};

void kin__sqlite_iocs_close(struct sqlite_store *s)
{
    if (s->iocs) {
        for (size_t i = 0; i < IST__COUNT; i++) {
            sqlite3_finalize(s->iocs->stmt[i]);
        }
        kin__free(s->iocs);
        s->iocs = NULL;
    }
}

/* The prepared statement id, preparing it on first use; NULL after recording an error. */
static sqlite3_stmt *stmt(struct sqlite_store *s, enum ioc_stmt_id id)
{
    if (!s->iocs) {
        s->iocs = kin__calloc(1, sizeof(*s->iocs));
        if (!s->iocs) {
            s->stmt_status = kin__store_seterr(&s->base, KIN_NOMEM, "out of memory");
            return NULL;
        }
    }
    sqlite3_stmt **slot = &s->iocs->stmt[id];
    if (!*slot) {
        int rc = sqlite3_prepare_v3(s->db, ioc_sql[id], -1, SQLITE_PREPARE_PERSISTENT, slot, NULL);
        if (rc != SQLITE_OK) {
            s->stmt_status = kin__sqlite_error(s, rc, "preparing a statement");
            sqlite3_finalize(*slot);
            *slot = NULL;
        }
    }
    return *slot;
}

static void done(sqlite3_stmt *q)
{
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
}

/* Steps once: *row is 1 when a row came back (the caller reads it, then calls done()). */
static kin_status step(struct sqlite_store *s, sqlite3_stmt *q, int *row, const char *what)
{
    int rc = sqlite3_step(q);
    *row = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        return KIN_OK;
    }
    kin_status st = kin__sqlite_error(s, rc, what);
    done(q);
    return st;
}

/* Steps to the end, keeping the first column of the first row in *first (when not NULL). */
static kin_status run(struct sqlite_store *s, sqlite3_stmt *q, int64_t *first, const char *what)
{
    int row = 0, seen = 0;
    do {
        KIN_TRY(step(s, q, &row, what));
        if (row && !seen && first) {
            *first = sqlite3_column_int64(q, 0);
        }
        seen |= row;
    } while (row);
    done(q);
    return KIN_OK;
}

static const char *col_text(sqlite3_stmt *q, int i)
{
    const unsigned char *p = sqlite3_column_text(q, i);
    return p ? (const char *)p : "";
}

/* Whether a posting of value id with this family exists. */
static kin_status family_holds(struct sqlite_store *s, int64_t id, int64_t family, int *held)
{
    sqlite3_stmt *q = stmt(s, IST_FAMILY_HOLDS);
    if (!q) {
        return s->stmt_status;
    }
    (void)sqlite3_bind_int64(q, 1, id);
    (void)sqlite3_bind_int64(q, 2, family);
    KIN_TRY(step(s, q, held, "reading indicators"));
    done(q);
    return KIN_OK;
}

kin_status kin__sqlite_put_iocs(
    struct store *base, int64_t sample, int64_t family, const struct store_ioc *v, size_t count)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *q_up = stmt(s, IST_UPSERT_VALUE);
    sqlite3_stmt *q_put = stmt(s, IST_PUT_POSTING);
    sqlite3_stmt *q_add = stmt(s, IST_FREQ_ADD);
    if (!q_up || !q_put || !q_add) {
        return s->stmt_status;
    }
    for (size_t i = 0; i < count; i++) {
        int64_t id = 0;
        int held = 0;
        (void)sqlite3_bind_int64(q_up, 1, v[i].type);
        (void)sqlite3_bind_text(q_up, 2, v[i].value, -1, SQLITE_STATIC);
        KIN_TRY(run(s, q_up, &id, "adding indicators"));
        if (family) {
            KIN_TRY(family_holds(s, id, family, &held));
        }
        (void)sqlite3_bind_int64(q_put, 1, sample);
        (void)sqlite3_bind_int64(q_put, 2, id);
        (void)sqlite3_bind_int64(q_put, 3, family);
        (void)sqlite3_bind_int64(q_put, 4, (int64_t)v[i].offset);
        (void)sqlite3_bind_int64(q_put, 5, v[i].encoding);
        if (v[i].section) {
            (void)sqlite3_bind_text(q_put, 6, v[i].section, -1, SQLITE_STATIC);
        }
        KIN_TRY(run(s, q_put, NULL, "adding indicators"));
        if (sqlite3_changes64(s->db) == 0) {
            continue; /* the same value twice in the input: counted once */
        }
        (void)sqlite3_bind_int64(q_add, 1, id);
        (void)sqlite3_bind_int64(q_add, 2, 1);
        (void)sqlite3_bind_int64(q_add, 3, family && !held ? 1 : 0);
        KIN_TRY(run(s, q_add, NULL, "counting indicators"));
    }
    return KIN_OK;
}

struct held_value {
    int64_t id;
    int64_t family;
};

/* The values a sample holds. OUT: *v freed by the caller with kin__free(). */
static kin_status
sample_values(struct sqlite_store *s, int64_t sample, struct held_value **v, size_t *count)
{
    sqlite3_stmt *q = stmt(s, IST_SAMPLE_VALUES);
    size_t cap = 0;
    *v = NULL;
    *count = 0;
    if (!q) {
        return s->stmt_status;
    }
    (void)sqlite3_bind_int64(q, 1, sample);
    for (;;) {
        int row = 0;
        kin_status st = step(s, q, &row, "reading indicators");
        if (st != KIN_OK) {
            return st;
        }
        if (!row) {
            break;
        }
        if (*count == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct held_value *n = kin__realloc(*v, ncap * sizeof(*n));
            if (!n) {
                done(q);
                return KIN_NOMEM;
            }
            *v = n;
            cap = ncap;
        }
        (*v)[*count].id = sqlite3_column_int64(q, 0);
        (*v)[*count].family = sqlite3_column_int64(q, 1);
        (*count)++;
    }
    done(q);
    return KIN_OK;
}

static kin_status
remove_values(struct sqlite_store *s, int64_t sample, const struct held_value *v, size_t count)
{
    sqlite3_stmt *q_del = stmt(s, IST_DELETE_SAMPLE);
    sqlite3_stmt *q_add = stmt(s, IST_FREQ_ADD);
    sqlite3_stmt *q_gone = stmt(s, IST_DELETE_VALUE);
    if (!q_del || !q_add || !q_gone) {
        return s->stmt_status;
    }
    (void)sqlite3_bind_int64(q_del, 1, sample);
    KIN_TRY(run(s, q_del, NULL, "removing indicators"));
    for (size_t i = 0; i < count; i++) {
        int held = 0;
        int64_t left = -1;
        if (v[i].family) {
            KIN_TRY(family_holds(s, v[i].id, v[i].family, &held));
        }
        (void)sqlite3_bind_int64(q_add, 1, v[i].id);
        (void)sqlite3_bind_int64(q_add, 2, -1);
        (void)sqlite3_bind_int64(q_add, 3, v[i].family && !held ? -1 : 0);
        KIN_TRY(run(s, q_add, &left, "counting indicators"));
        if (left == 0) {
            (void)sqlite3_bind_int64(q_gone, 1, v[i].id);
            KIN_TRY(run(s, q_gone, NULL, "removing indicators"));
        }
    }
    return KIN_OK;
}

kin_status kin__sqlite_remove_iocs(struct store *base, int64_t sample, int64_t family)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    struct held_value *v = NULL;
    size_t count = 0;
    (void)family; /* each posting carries its own */
    kin_status st = sample_values(s, sample, &v, &count);
    if (st == KIN_OK && count > 0) {
        st = remove_values(s, sample, v, count);
    }
    kin__free(v);
    return st;
}

/* Reports the holders of one value; sets *stop when the callback asks to stop. */
static kin_status report_holders(struct sqlite_store *s,
                                 int64_t id,
                                 size_t key,
                                 const struct store_ioc_freq *freq,
                                 uint64_t max_holders,
                                 store_ioc_row_fn fn,
                                 void *ctx,
                                 int *stop)
{
    sqlite3_stmt *q = stmt(s, IST_HOLDERS);
    if (!q) {
        return s->stmt_status;
    }
    (void)sqlite3_bind_int64(q, 1, id);
    (void)sqlite3_bind_int64(q, 2, max_holders > INT64_MAX ? -1 : (int64_t)max_holders);
    for (;;) {
        int row = 0;
        KIN_TRY(step(s, q, &row, "reading indicators"));
        if (!row) {
            break;
        }
        struct store_ioc_holder h;
        h.sample = sqlite3_column_int64(q, 0);
        h.family = sqlite3_column_int64(q, 1);
        h.sha256 = col_text(q, 2);
        h.family_name = col_text(q, 3);
        h.actor = col_text(q, 4);
        h.version = col_text(q, 5);
        h.family_kind = strcmp(col_text(q, 6), "library") == 0 ? KIN_FAMILY_LIBRARY
                        : strcmp(col_text(q, 6), "tool") == 0  ? KIN_FAMILY_TOOL
                                                               : KIN_FAMILY_MALWARE;
        h.offset = (uint64_t)sqlite3_column_int64(q, 7);
        h.encoding = (uint32_t)sqlite3_column_int64(q, 8);
        h.section = col_text(q, 9);
        if (fn(ctx, key, freq, &h)) {
            *stop = 1;
            break;
        }
    }
    done(q);
    return KIN_OK;
}

static kin_status lookup_all(struct sqlite_store *s,
                             const struct store_ioc *keys,
                             size_t count,
                             uint64_t max_holders,
                             store_ioc_row_fn fn,
                             void *ctx)
{
    sqlite3_stmt *q = stmt(s, IST_FIND_VALUE);
    int stop = 0;
    if (!q) {
        return s->stmt_status;
    }
    for (size_t i = 0; i < count && !stop; i++) {
        int row = 0;
        (void)sqlite3_bind_int64(q, 1, keys[i].type);
        (void)sqlite3_bind_text(q, 2, keys[i].value, -1, SQLITE_STATIC);
        KIN_TRY(step(s, q, &row, "reading indicators"));
        if (!row) {
            done(q);
            continue;
        }
        int64_t id = sqlite3_column_int64(q, 0);
        struct store_ioc_freq freq;
        freq.samples = (uint64_t)sqlite3_column_int64(q, 1);
        freq.families = (uint64_t)sqlite3_column_int64(q, 2);
        freq.library = sqlite3_column_int64(q, 3) != 0;
        done(q);
        if (max_holders > 0) {
            KIN_TRY(report_holders(s, id, i, &freq, max_holders, fn, ctx, &stop));
        }
    }
    return KIN_OK;
}

kin_status kin__sqlite_lookup_iocs(struct store *base,
                                   const struct store_ioc *keys,
                                   size_t count,
                                   uint64_t max_holders,
                                   store_ioc_row_fn fn,
                                   void *ctx)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    /* One read snapshot for the whole batch, as sqlite.c's lookup takes. */
    int own = sqlite3_get_autocommit(s->db);
    if (own) {
        int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            return kin__sqlite_error(s, rc, "starting a read");
        }
    }
    kin_status st = lookup_all(s, keys, count, max_holders, fn, ctx);
    if (own) {
        (void)sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    }
    return st;
}

kin_status kin__sqlite_count_iocs(struct sqlite_store *s, uint64_t *out)
{
    sqlite3_stmt *q = stmt(s, IST_COUNT_VALUES);
    int row = 0;
    *out = 0;
    if (!q) {
        return s->stmt_status;
    }
    KIN_TRY(step(s, q, &row, "counting indicators"));
    if (row) {
        *out = (uint64_t)sqlite3_column_int64(q, 0);
    }
    done(q);
    return KIN_OK;
}

/* Reads one row of IST_SAMPLE_IOCS into the next slot of out. */
static kin_status read_ioc(sqlite3_stmt *q, struct store_ioc_set *out, size_t *cap)
{
    if (out->count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        struct store_ioc *n = kin__realloc(out->v, ncap * sizeof(*n));
        if (!n) {
            return KIN_NOMEM;
        }
        out->v = n;
        *cap = ncap;
    }
    struct store_ioc *o = &out->v[out->count];
    const char *value = col_text(q, 1);
    const unsigned char *section = sqlite3_column_text(q, 4);
    o->type = (uint32_t)sqlite3_column_int64(q, 0);
    o->value = kin__arena_strndup(&out->arena, value, strlen(value));
    o->offset = (uint64_t)sqlite3_column_int64(q, 2);
    o->encoding = (uint32_t)sqlite3_column_int64(q, 3);
    o->section =
        section ? kin__arena_strndup(&out->arena, section, strlen((const char *)section)) : NULL;
    if (!o->value || (section && !o->section)) {
        return KIN_NOMEM;
    }
    out->count++;
    return KIN_OK;
}

kin_status kin__sqlite_sample_iocs(struct store *base, int64_t sample, struct store_ioc_set *out)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *q = stmt(s, IST_SAMPLE_IOCS);
    size_t cap = 0;
    kin_status st = KIN_OK;
    memset(out, 0, sizeof(*out));
    kin__arena_init(&out->arena, 0);
    if (!q) {
        return s->stmt_status;
    }
    (void)sqlite3_bind_int64(q, 1, sample);
    for (;;) {
        int row = 0;
        st = step(s, q, &row, "reading indicators");
        if (st != KIN_OK || !row) {
            break;
        }
        st = read_ioc(q, out, &cap);
        if (st != KIN_OK) {
            break;
        }
    }
    done(q);
    if (st != KIN_OK) {
        kin__store_ioc_set_release(out);
        return st;
    }
    kin__store_ioc_set_sort(out);
    return KIN_OK;
}

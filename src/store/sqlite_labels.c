/*
 * sqlite_labels.c: the SQLite back end's label ops: aliases of families and actors, kept one
 * per line in the aliases column of schema 1 (no migration: docs/decisions/0005-labels.md),
 * lookup by folded key, and the kind of a family.
 *
 * A folded key is compared with lower(name) and with each line of lower(aliases): SQLite's
 * lower() folds ASCII letters only, as kin__store_label_norm() does. Families and actors are
 * few (thousands at most), so a lookup by key scans them; lookups by exact name stay one seek
 * (sqlite.c). Label changes are rare: statements are prepared per call.
 */
#include <string.h>

#include "sqlite_int.h"

static const char *const find_sql[2] = {
    [STORE_ACTOR] = "SELECT id, name FROM actors WHERE lower(name) = ?1 OR (aliases <> '' AND "
                    "instr(char(10) || lower(aliases) || char(10), char(10) || ?1 || char(10))) "
                    "ORDER BY lower(name) = ?1 DESC, id LIMIT 2",
    [STORE_FAMILY] = "SELECT id, name FROM families WHERE lower(name) = ?1 OR (aliases <> '' AND "
                     "instr(char(10) || lower(aliases) || char(10), char(10) || ?1 || char(10))) "
                     "ORDER BY lower(name) = ?1 DESC, id LIMIT 2",
};

static const char *const get_sql[2] = {
    [STORE_ACTOR] = "SELECT aliases FROM actors WHERE id = ?1",
    [STORE_FAMILY] = "SELECT aliases FROM families WHERE id = ?1",
};

static const char *const set_sql[2] = {
    [STORE_ACTOR] = "UPDATE actors SET aliases = ?2 WHERE id = ?1",
    [STORE_FAMILY] = "UPDATE families SET aliases = ?2 WHERE id = ?1",
};

static const char *const kind_sql = "UPDATE families SET kind = ?2 WHERE id = ?1";

static void copy_text(sqlite3_stmt *q, int col, char *out, size_t size)
{
    const unsigned char *p = sqlite3_column_text(q, col);
    size_t n = p ? strlen((const char *)p) : 0;
    if (!out || size == 0) {
        return;
    }
    n = n < size ? n : size - 1;
    if (n) {
        memcpy(out, p, n);
    }
    out[n] = '\0';
}

static kin_status prepare(struct sqlite_store *s, const char *sql, sqlite3_stmt **q)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, q, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(*q);
        *q = NULL;
        return kin__sqlite_error(s, rc, "preparing a statement");
    }
    return KIN_OK;
}

kin_status kin__sqlite_find_label(struct store *base,
                                  enum store_label which,
                                  const char *key,
                                  int64_t *id,
                                  char *name,
                                  size_t name_size)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *q = NULL;
    char first[KIN_MAX_LABEL_LEN + 1];
    int rows = 0, rc = 0;
    KIN_TRY(prepare(s, find_sql[which], &q));
    (void)sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    kin_status st = KIN_OK;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (rows == 0) {
            *id = sqlite3_column_int64(q, 0);
            copy_text(q, 1, name, name_size);
            copy_text(q, 1, first, sizeof(first));
        } else {
            const unsigned char *other = sqlite3_column_text(q, 1);
            st = kin__store_seterr(base, KIN_INVALID,
                                   "'%s' names two %s, '%s' and '%s': use the exact name", key,
                                   which == STORE_FAMILY ? "families" : "actors", first,
                                   other ? (const char *)other : "");
        }
        rows++;
    }
    if (rc != SQLITE_DONE && st == KIN_OK) {
        st = kin__sqlite_error(s, rc, "reading labels");
    }
    sqlite3_finalize(q);
    if (st == KIN_OK && rows == 0) {
        st = KIN_NOTFOUND;
    }
    return st;
}

kin_status kin__sqlite_get_aliases(
    struct store *base, enum store_label which, int64_t id, char *out, size_t out_size)
{
    struct sqlite_store *s = (struct sqlite_store *)base;
    sqlite3_stmt *q = NULL;
    KIN_TRY(prepare(s, get_sql[which], &q));
    (void)sqlite3_bind_int64(q, 1, id);
    int rc = sqlite3_step(q);
    kin_status st = KIN_OK;
    if (rc == SQLITE_ROW) {
        copy_text(q, 0, out, out_size);
    } else if (rc == SQLITE_DONE) {
        st = KIN_NOTFOUND;
    } else {
        st = kin__sqlite_error(s, rc, "reading aliases");
    }
    sqlite3_finalize(q);
    return st;
}

/* Runs an UPDATE of one row: ?1 the id, ?2 text. */
static kin_status
update(struct sqlite_store *s, const char *sql, int64_t id, const char *text, const char *what)
{
    sqlite3_stmt *q = NULL;
    KIN_TRY(prepare(s, sql, &q));
    (void)sqlite3_bind_int64(q, 1, id);
    (void)sqlite3_bind_text(q, 2, text, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    kin_status st = rc == SQLITE_DONE ? KIN_OK : kin__sqlite_error(s, rc, what);
    sqlite3_finalize(q);
    return st;
}

kin_status
kin__sqlite_set_aliases(struct store *base, enum store_label which, int64_t id, const char *aliases)
{
    return update((struct sqlite_store *)base, set_sql[which], id, aliases, "writing aliases");
}

kin_status kin__sqlite_set_family_kind(struct store *base, int64_t family, uint32_t kind)
{
    static const char *const names[] = {"malware", "tool", "library"};
    return update((struct sqlite_store *)base, kind_sql, family, names[kind < 3 ? kind : 0],
                  "setting a family's kind");
}

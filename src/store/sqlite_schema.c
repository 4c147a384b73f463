/*
 * sqlite_schema.c: opening a kin index file: identity and version checks, migrations, and the
 * connection settings (WAL, synchronous, cache).
 *
 * Invariant: nothing is written to a file until it is known to be an empty database or a kin
 * index of this or an older schema opened for writing. A file that is not SQLite, a foreign
 * SQLite database (PRAGMA application_id not ours) or a newer schema (PRAGMA user_version
 * above SCHEMA_LATEST) is refused with a message and left byte for byte as it was.
 * Migrations are src/store/schema/NNN_*.sql, applied in order in one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_int.h"

struct schema_migration {
    int version;
    const char *name;
    const char *sql;
};

#include "store/schema_sql.h"

kin_status kin__sqlite_error(struct sqlite_store *s, int rc, const char *what)
{
    int primary = rc & 0xff;
    const char *msg = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    switch (primary) {
    case SQLITE_NOMEM:
        return kin__store_seterr(&s->base, KIN_NOMEM, "%s: out of memory", what);
    case SQLITE_NOTADB:
        return kin__store_seterr(&s->base, KIN_STORE,
                                 "%s: '%s' is not a kin index (not an SQLite database)", what,
                                 s->path);
    case SQLITE_CORRUPT:
        return kin__store_seterr(&s->base, KIN_STORE, "%s: the index '%s' is corrupt (%s)", what,
                                 s->path, msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return kin__store_seterr(&s->base, KIN_STORE,
                                 "%s: the index '%s' is locked by another writer (%s)", what,
                                 s->path, msg);
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return kin__store_seterr(&s->base, KIN_IO, "%s: '%s': %s", what, s->path, msg);
    default:
        return kin__store_seterr(&s->base, KIN_STORE, "%s: %s", what, msg);
    }
}

/* Runs a query returning one integer. */
static kin_status query_int(struct sqlite_store *s, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(st, 0);
            rc = SQLITE_OK;
        }
    }
    kin_status ks = rc == SQLITE_OK ? KIN_OK : kin__sqlite_error(s, rc, "reading the index");
    sqlite3_finalize(st);
    return ks;
}

struct identity {
    int64_t app_id;
    int64_t version;
    int64_t objects; /* tables, indexes, views and triggers */
};

static kin_status read_identity(struct sqlite_store *s, struct identity *id)
{
    KIN_TRY(query_int(s, "PRAGMA application_id", &id->app_id));
    KIN_TRY(query_int(s, "PRAGMA user_version", &id->version));
    return query_int(s, "SELECT count(*) FROM sqlite_schema", &id->objects);
}

/* Refuses what is not ours or too new; sets *empty for a database with nothing in it. */
static kin_status check_identity(struct sqlite_store *s, const struct identity *id, int *empty)
{
    *empty = id->app_id == 0 && id->objects == 0;
    if (*empty) {
        return KIN_OK;
    }
    if (id->app_id != STORE_APPLICATION_ID) {
        return kin__store_seterr(&s->base, KIN_STORE,
                                 "'%s' is an SQLite database but not a kin index "
                                 "(application id 0x%llx); it was left untouched",
                                 s->path, (unsigned long long)id->app_id);
    }
    if (id->version > SCHEMA_LATEST) {
        return kin__store_seterr(&s->base, KIN_SCHEMA,
                                 "the index '%s' has schema version %lld, newer than this kin "
                                 "understands (%d): use a newer kin; it was left untouched",
                                 s->path, (long long)id->version, SCHEMA_LATEST);
    }
    if (id->version < 1) {
        return kin__store_seterr(&s->base, KIN_STORE,
                                 "'%s' carries kin's application id but no schema version; "
                                 "it was left untouched",
                                 s->path);
    }
    return KIN_OK;
}

static kin_status exec(struct sqlite_store *s, const char *sql, const char *what)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? KIN_OK : kin__sqlite_error(s, rc, what);
}

/* Applies migrations above the current version, up to target, in one write transaction. */
static kin_status migrate(struct sqlite_store *s, int target)
{
    KIN_TRY(exec(s, "BEGIN IMMEDIATE", "migrating the index"));
    /* Another process may have migrated (or initialised) it while we waited for the lock. */
    struct identity id = {0, 0, 0};
    int empty = 0;
    kin_status st = read_identity(s, &id);
    if (st == KIN_OK) {
        st = check_identity(s, &id, &empty);
    }
    int64_t from = empty ? 0 : id.version;
    for (size_t i = 0; st == KIN_OK && i < sizeof(schema_migrations) / sizeof(schema_migrations[0]);
         i++) {
        const struct schema_migration *m = &schema_migrations[i];
        if (m->version > from && m->version <= target) {
            st = exec(s, m->sql, m->name);
        }
    }
    if (st == KIN_OK && target > from) {
        char sql[96];
        (void)snprintf(sql, sizeof(sql), "PRAGMA application_id = %d; PRAGMA user_version = %d",
                       STORE_APPLICATION_ID, target);
        st = exec(s, sql, "recording the schema version");
    }
    if (st == KIN_OK) {
        st = exec(s, "COMMIT", "migrating the index");
    }
    if (st != KIN_OK && !sqlite3_get_autocommit(s->db)) {
        (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return st;
}

kin_status kin__sqlite_schema_setup(struct sqlite_store *s, int max_version)
{
    struct identity id = {0, 0, 0};
    int empty = 0;
    KIN_TRY(read_identity(s, &id));
    KIN_TRY(check_identity(s, &id, &empty));
    int64_t have = empty ? 0 : id.version;
    if (have < max_version) {
        if (s->base.readonly) {
            if (empty) {
                return kin__store_seterr(&s->base, KIN_STORE,
                                         "'%s' is empty, not a kin index (`kin add` creates one)",
                                         s->path);
            }
            return kin__store_seterr(&s->base, KIN_SCHEMA,
                                     "the index '%s' has schema version %lld, older than this "
                                     "kin's (%d): open it for writing once to migrate it "
                                     "(`kin stats --refresh`)",
                                     s->path, (long long)have, max_version);
        }
        KIN_TRY(migrate(s, max_version));
        have = max_version;
    }
    s->packed = have >= 4;
    if (!s->base.readonly && !s->memory) {
        /*
         * WAL lets readers run while one writer adds samples, and a crashed writer leaves only
         * whole transactions. synchronous=NORMAL keeps that under a process crash (kill -9); a
         * power cut may lose the last transactions but never corrupts the file.
         */
        KIN_TRY(exec(s, "PRAGMA journal_mode = WAL", "switching to WAL mode"));
        KIN_TRY(exec(s, "PRAGMA synchronous = NORMAL", "setting synchronous mode"));
    }
    return KIN_OK;
}

static kin_status open_at(const char *path, uint32_t flags, int max_version, struct store **out)
{
    *out = NULL;
    if (!path || !*path || (flags & ~(uint32_t)(KIN_INDEX_READONLY | KIN_INDEX_CREATE)) ||
        max_version < 1 || max_version > SCHEMA_LATEST) {
        return KIN_INVALID;
    }
    struct sqlite_store *s = kin__calloc(1, sizeof(*s));
    if (!s) {
        return KIN_NOMEM;
    }
    s->base.ops = &kin__sqlite_ops;
    s->stmt_status = KIN_STORE;
    s->base.readonly = (flags & KIN_INDEX_READONLY) != 0;
    s->path = kin__strdup(path);
    if (!s->path) {
        kin__free(s);
        return KIN_NOMEM;
    }
    *out = &s->base;
    s->memory = strcmp(path, ":memory:") == 0;

    int oflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (s->base.readonly) {
        oflags |= SQLITE_OPEN_READONLY;
    } else {
        oflags |= SQLITE_OPEN_READWRITE;
        if (flags & KIN_INDEX_CREATE) {
            oflags |= SQLITE_OPEN_CREATE;
        }
    }
    int rc = sqlite3_open_v2(path, &s->db, oflags, NULL);
    if (rc != SQLITE_OK) {
        if (!s->db) {
            return KIN_NOMEM;
        }
        if ((rc & 0xff) == SQLITE_CANTOPEN) {
            return kin__store_seterr(
                &s->base, KIN_IO, "cannot open the index '%s': no such file or not readable%s",
                path,
                flags & (KIN_INDEX_CREATE | KIN_INDEX_READONLY) ? "" : " (`kin add` creates one)");
        }
        return kin__sqlite_error(s, rc, "opening the index");
    }
    /* Writers wait for each other; readers in WAL mode never wait for a writer. */
    sqlite3_busy_timeout(s->db, 30000);
    /* Migration 004 and the merge pack band postings with it. */
    kin_status st = kin__sqlite_register_pack(s);
    if (st != KIN_OK) {
        return st;
    }
    st = kin__sqlite_schema_setup(s, max_version);
    if (st != KIN_OK) {
        return st;
    }
    /*
     * Page cache per connection (KiB). Merges and removals write across large B-trees: a large
     * cache. A reader (a query) touches each leaf page once, in key order, so a cache beyond the
     * interior pages only costs: every page it keeps is fresh memory, faulted in and zeroed by
     * the kernel. Measured at 8 million indexed functions (`kin attribute --timing`, index part
     * CPU): 2 MB instead of 64 MB took gawk from 59 to 31 ms and 7za.exe from 157 to 110 ms.
     */
    st = exec(s, s->base.readonly ? "PRAGMA cache_size = -2048" : "PRAGMA cache_size = -262144",
              "setting the cache size");
    if (st == KIN_OK && !s->base.readonly && !s->memory) {
        /* A merge may fill the write-ahead log; give the space back after each checkpoint. */
        st = exec(s, "PRAGMA journal_size_limit = 67108864", "limiting the log size");
    }
    s->base.ready = st == KIN_OK;
    return st;
}

kin_status kin__sqlite_open(const char *path, uint32_t flags, struct store **out)
{
    return open_at(path, flags, SCHEMA_LATEST, out);
}

kin_status
kin__sqlite_open_version(const char *path, uint32_t flags, int max_version, struct store **out)
{
    return open_at(path, flags, max_version, out);
}

/*
 * sqlite_int.h: private to the SQLite back end (sqlite.c, sqlite_schema.c): the connection,
 * its cache of prepared statements, and SQLite error translation.
 */
#ifndef KIN_STORE_SQLITE_INT_H
#define KIN_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "../core/limits.h"
#include "store.h"

/* Every statement the back end runs, prepared once per connection on first use. */
enum stmt_id {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_BEGIN_READ,
    ST_GET_FUNCTION,
    ST_GET_SAMPLE,
    ST_GET_META,
    ST_SET_META,
    ST_FIND_ACTOR,
    ST_PUT_ACTOR,
    ST_FIND_FAMILY,
    ST_PUT_FAMILY,
    ST_SET_FAMILY_ACTOR,
    ST_DELETE_FAMILY,
    ST_FIND_SAMPLE,
    ST_PUT_SAMPLE,
    ST_DELETE_FUNCTIONS,
    ST_DELETE_SAMPLE,
    ST_FAMILY_SAMPLES,
    ST_PUT_FUNCTION,
    ST_SAMPLE_FUNCTIONS,
    ST_COUNTER_ADD,
    ST_LIST_SAMPLES,
    ST_LIST_FAMILIES,
    ST_LIST_ACTORS,
    ST_COUNT_SAMPLES,
    ST_COUNT_FAMILIES,
    ST_COUNT_ACTORS,
    ST_GET_COUNTERS,
    ST_GET_COUNTER,
    ST_STAGE,
    ST_UNSTAGE,
    /* Per key kind: ST_PIC_x + STORE_BAND * KIND_STRIDE is the band version of x. */
    ST_PIC_EXISTS_FAMILY,
    ST_PIC_DELETE_POSTINGS,
    ST_PIC_FREQ_SUB,
    ST_PIC_FREQ_DELETE,
    ST_PIC_FREQ_GET,
    ST_PIC_POSTINGS,
    ST_BAND_EXISTS_FAMILY,
    ST_BAND_DELETE_POSTINGS,
    ST_BAND_FREQ_SUB,
    ST_BAND_FREQ_DELETE,
    ST_BAND_FREQ_GET,
    ST_BAND_POSTINGS,
    ST_BAND_POSTINGS_V3, /* band postings of a schema before 4: one function per row */
    ST__COUNT
};

#define KIND_STRIDE (ST_BAND_EXISTS_FAMILY - ST_PIC_EXISTS_FAMILY)

struct sqlite_store {
    struct store base; /* first: a struct store * is a struct sqlite_store * */
    sqlite3 *db;
    char *path; /* as opened, for the size of the file and its write-ahead log */
    int memory; /* ":memory:" */
    int packed; /* schema 4 or later: band postings are packed per sample (sqlite_pack.c) */
    sqlite3_stmt *stmt[ST__COUNT];
    struct store_posting *postings; /* lookup() buffer, reused */
    size_t postings_cap;
    uint32_t unpacked[KIN_MAX_POSTINGS_PER_KEY]; /* one packed band posting, decoded */
    struct sqlite_iocs *iocs; /* sqlite_iocs.c's statements; NULL until first used */
    kin_status stmt_status;   /* why the last statement could not be prepared (NOMEM, STORE) */
};

/*
 * Packed function lists of band postings (sqlite_pack.c): STORE_PACK_BYTES little-endian bytes
 * per function index, ascending. register_pack defines the SQL aggregate kin_pack(func) on the
 * connection (before any migration runs); unpack decodes a list into out[out_cap]: KIN_OK,
 * KIN_MALFORMED (empty, truncated, out of range or not ascending) or KIN_LIMIT (too long).
 */
#define STORE_PACK_BYTES 3
kin_status kin__sqlite_register_pack(struct sqlite_store *s);
kin_status
kin__sqlite_unpack(const void *blob, size_t size, uint32_t *out, size_t out_cap, size_t *count);

/* Translates an SQLite result code into a kin status and records "what: sqlite message". */
kin_status kin__sqlite_error(struct sqlite_store *s, int rc, const char *what);

/* Checks identity and schema version, migrates when writable. Called once by the opener. */
kin_status kin__sqlite_schema_setup(struct sqlite_store *s, int max_version);

/* Indicators (sqlite_iocs.c): the ops of store.h, the count for totals, and cleanup on close. */
kin_status kin__sqlite_put_iocs(
    struct store *base, int64_t sample, int64_t family, const struct store_ioc *v, size_t count);
kin_status kin__sqlite_remove_iocs(struct store *base, int64_t sample, int64_t family);
kin_status kin__sqlite_lookup_iocs(struct store *base,
                                   const struct store_ioc *keys,
                                   size_t count,
                                   uint64_t max_holders,
                                   store_ioc_row_fn fn,
                                   void *ctx);
kin_status kin__sqlite_sample_iocs(struct store *base, int64_t sample, struct store_ioc_set *out);
kin_status kin__sqlite_count_iocs(struct sqlite_store *s, uint64_t *out);
void kin__sqlite_iocs_close(struct sqlite_store *s);

/* Labels (sqlite_labels.c): the label ops of store.h. */
kin_status kin__sqlite_find_label(struct store *base,
                                  enum store_label which,
                                  const char *key,
                                  int64_t *id,
                                  char *name,
                                  size_t name_size);
kin_status kin__sqlite_get_aliases(
    struct store *base, enum store_label which, int64_t id, char *out, size_t out_size);
kin_status kin__sqlite_set_aliases(struct store *base,
                                   enum store_label which,
                                   int64_t id,
                                   const char *aliases);
kin_status kin__sqlite_set_family_kind(struct store *base, int64_t family, uint32_t kind);

/* The back end's ops table (sqlite.c). */
extern const struct store_ops kin__sqlite_ops;

#endif /* KIN_STORE_SQLITE_INT_H */

/*
 * store.h: the store stage's interface: a storage back end behind an ops table, and the
 * generic operations built on it (adding and removing a sample with its postings).
 *
 * A back end (sqlite.c, later postgres.c) stores labels, samples, functions, postings (which
 * functions hold a position-independent hash or an LSH band value) and the frequency of every
 * hash and band value across samples and families. Matching reads postings through
 * ops->lookup() only, so a new back end never touches it. Every back end embeds struct store
 * as its first member; messages about the last failure live in store->errmsg.
 */
#ifndef KIN_STORE_H
#define KIN_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "../core/limits.h"

/* Schema identity: PRAGMA application_id of a kin index ("kin\1"). */
#define STORE_APPLICATION_ID 0x6b696e01

/*
 * Function ids: a function is (sample id, index of the function in the sample); the index fits
 * in STORE_FUNC_BITS bits because KIN_MAX_FUNCTIONS caps the functions of one sample.
 */
#define STORE_FUNC_BITS 18

/* The two kinds of posting keys. A position-independent hash has band 0. */
enum store_kind { STORE_PIC = 0, STORE_BAND = 1 };

/* One posting key: a pichash (band 0) or an LSH band value, and the function holding it. */
struct store_entry {
    uint64_t value;
    uint32_t band;
    uint32_t func; /* index of the function in its sample */
};

/* How many samples and distinct labelled families hold a key. */
struct store_freq {
    uint64_t samples;
    uint64_t families;
};

/* Where a key occurs. */
struct store_posting {
    int64_t family; /* 0: the sample has no family */
    int64_t sample;
    uint32_t func;
};

/* A key asked of ops->lookup(). */
struct store_key {
    uint64_t value;
    uint32_t band;
};

/*
 * Called once per looked-up key that the index holds: key_index is its position in the query
 * array; postings[count] are omitted (count 0) when freq->samples exceeds the caller's cap or
 * more than KIN_MAX_POSTINGS_PER_KEY functions hold the key (src/core/limits.h). Borrowed for
 * the call. Returns 0 to go on, non-zero to stop.
 */
typedef int (*store_hit_fn)(void *ctx,
                            size_t key_index,
                            const struct store_freq *freq,
                            const struct store_posting *postings,
                            size_t count);

/* A sample row. Strings may be NULL (stored as NULL, listed as ""). */
struct store_sample {
    int64_t id;
    const char *sha256;
    int64_t family; /* 0: none */
    const char *version, *arch, *format, *source;
    const char *md5, *sha1, *imphash, *rich_hash, *tlsh, *ssdeep;
    int64_t first_seen;
    uint32_t scheme;
    uint64_t function_count;
    uint64_t code_size;
    uint64_t file_size;
};

/* A function row as read back. minhash is decoded into caller storage. */
struct store_function {
    uint32_t index;
    uint64_t va;
    uint64_t size;
    uint32_t flags;
    uint64_t pichash;
    uint32_t minhash[KIN_MINHASH_SIZE];
    const char *name; /* borrowed for the callback; NULL when unknown */
};

typedef int (*store_function_fn)(void *ctx, const struct store_function *f);

struct store_totals {
    uint64_t samples, families, actors, functions, pic_keys, band_keys, db_size;
    uint64_t staged_samples;
    uint32_t schema_version;
    uint64_t ioc_values; /* distinct (type, value) indicators */
};

/* One indicator of a sample as the index stores it (issue #5). */
struct store_ioc {
    uint32_t type;       /* enum kin_ioc_type */
    uint32_t encoding;   /* enum kin_ioc_encoding of its first occurrence */
    const char *value;   /* normalised (kin__ioc_normalize()), NUL-terminated */
    const char *section; /* section of its first occurrence; NULL when none */
    uint64_t offset;     /* file offset of its first occurrence */
};

/* A sample holding an indicator, as ops->lookup_iocs() reports it. Strings are "" when none. */
struct store_ioc_holder {
    int64_t sample;
    int64_t family;       /* 0: unlabelled */
    uint32_t family_kind; /* enum kin_family_kind */
    const char *sha256, *family_name, *actor, *version;
    const char *section; /* where its first occurrence lies in that sample */
    uint64_t offset;
    uint32_t encoding;
};

/* How many samples and families hold an indicator, and whether a library family does. */
struct store_ioc_freq {
    uint64_t samples;
    uint64_t families;
    int library; /* a family of kind library holds it */
};

/*
 * Called once per holder of each looked-up key the index holds (key_index: its position in the
 * query array), holders ordered by family then sample. Borrowed for the call. Returns 0 to go
 * on, non-zero to stop.
 */
typedef int (*store_ioc_row_fn)(void *ctx,
                                size_t key_index,
                                const struct store_ioc_freq *freq,
                                const struct store_ioc_holder *h);

struct store;
struct store_ioc_set;

/* The two kinds of labels that have names and aliases. */
enum store_label { STORE_ACTOR = 0, STORE_FAMILY = 1 };

/*
 * Aliases are stored one per line in the aliases column of actors and families: at most
 * KIN_MAX_ALIASES of at most KIN_MAX_LABEL_LEN bytes each (docs/decisions/0005-labels.md).
 */
#define STORE_ALIASES_SIZE ((size_t)KIN_MAX_ALIASES * (KIN_MAX_LABEL_LEN + 1) + 1)

struct store_ops {
    const char *name;
    void (*close)(struct store *s);

    /* Transactions. begin() takes the write lock at once (no lock upgrade, no deadlock). */
    kin_status (*begin)(struct store *s);
    kin_status (*commit)(struct store *s);
    kin_status (*rollback)(struct store *s);
    /*
     * A read snapshot for matching: every read between begin_read() and end_read() sees the
     * index as it was at the first read, whatever another connection commits meanwhile.
     */
    kin_status (*begin_read)(struct store *s);
    kin_status (*end_read)(struct store *s);

    /* Index-wide settings (meta table); get gives NOTFOUND when unset. */
    kin_status (*get_meta)(struct store *s, const char *key, char *out, size_t out_size);
    kin_status (*set_meta)(struct store *s, const char *key, const char *value);

    /* Labels: find by name (NOTFOUND), or create. Family kind is enum kin_family_kind. */
    kin_status (*find_actor)(struct store *s, const char *name, int64_t *id);
    kin_status (*put_actor)(struct store *s, const char *name, int64_t *id);
    kin_status (*find_family)(
        struct store *s, const char *name, int64_t *id, int64_t *actor, uint32_t *kind);
    kin_status (*put_family)(
        struct store *s, const char *name, int64_t actor, uint32_t kind, int64_t *id);
    kin_status (*set_family_actor)(struct store *s, int64_t family, int64_t actor); /* 0: none */
    kin_status (*delete_family)(struct store *s, int64_t family);
    /*
     * Labels by folded key (kin__store_label_norm() with fold): the family or actor whose name
     * or one of whose aliases folds to key. NOTFOUND when none; KIN_INVALID, with a message
     * naming them, when several do. name (may be NULL) receives the canonical name.
     */
    kin_status (*find_label)(struct store *s,
                             enum store_label which,
                             const char *key,
                             int64_t *id,
                             char *name,
                             size_t name_size);
    /* A family's or actor's aliases, one per line ("" when none), into out[out_size]. */
    kin_status (*get_aliases)(
        struct store *s, enum store_label which, int64_t id, char *out, size_t out_size);
    kin_status (*set_aliases)(struct store *s,
                              enum store_label which,
                              int64_t id,
                              const char *aliases);
    kin_status (*set_family_kind)(struct store *s, int64_t family, uint32_t kind);

    /* Samples. find gives NOTFOUND; put fills sample->id. */
    kin_status (*find_sample)(struct store *s, const char *sha256, int64_t *id, int64_t *family);
    kin_status (*put_sample)(struct store *s, struct store_sample *sample);
    kin_status (*delete_sample)(struct store *s, int64_t sample); /* and its functions */
    /* Ids of a family's samples. OUT: *ids is freed by the caller with kin__free(). */
    kin_status (*family_samples)(struct store *s, int64_t family, int64_t **ids, size_t *count);

    /* Functions of one sample, index i of funcs[] stored as function i. */
    kin_status (*put_functions)(struct store *s,
                                int64_t sample,
                                const struct kin_function *const *funcs,
                                size_t count);
    kin_status (*sample_functions)(struct store *s,
                                   int64_t sample,
                                   store_function_fn fn,
                                   void *ctx);
    /* One function of a sample (name left NULL); NOTFOUND when absent. For matching. */
    kin_status (*get_function)(struct store *s,
                               int64_t sample,
                               uint32_t index,
                               struct store_function *out);
    /* One sample by id, its strings copied into the arena; NOTFOUND when absent. */
    kin_status (*get_sample)(struct store *s,
                             int64_t id,
                             struct arena *a,
                             struct store_sample *out);

    /*
     * Postings of one sample, each array sorted (kin__store_sort_entries()). They are staged:
     * lookup() sees them, and the frequency statistics count them, only after flush().
     */
    kin_status (*stage_postings)(struct store *s,
                                 int64_t sample,
                                 const struct store_entry *pic,
                                 size_t pic_count,
                                 const struct store_entry *band,
                                 size_t band_count);
    /* Drops a sample's staged postings; *staged tells whether it had any (not merged yet). */
    kin_status (*unstage)(struct store *s, int64_t sample, int *staged);
    /*
     * Merges staged postings into the searchable ones and updates the statistics, in one
     * transaction of its own. Without force, only when the back end judges enough is staged.
     */
    kin_status (*flush)(struct store *s, int force);
    /* Removes a merged sample's postings (its distinct keys, sorted) and updates statistics. */
    kin_status (*remove_postings)(struct store *s,
                                  enum store_kind kind,
                                  int64_t sample,
                                  int64_t family,
                                  const struct store_entry *e,
                                  size_t count);

    /*
     * Matching: for each key (sorted keys are faster) its frequency and, when at most
     * max_samples samples and KIN_MAX_POSTINGS_PER_KEY functions hold it, its postings, all in
     * one read snapshot. freq() asks for one key (NOTFOUND: absent).
     */
    kin_status (*lookup)(struct store *s,
                         enum store_kind kind,
                         const struct store_key *keys,
                         size_t count,
                         uint64_t max_samples,
                         store_hit_fn fn,
                         void *ctx);
    kin_status (*freq)(struct store *s,
                       enum store_kind kind,
                       const struct store_key *key,
                       struct store_freq *out);

    /* Listings for the CLI and the API (struct kin_index_* of kin.h). */
    kin_status (*list_samples)(struct store *s,
                               const char *family,
                               kin_index_sample_fn fn,
                               void *ctx);
    kin_status (*list_families)(struct store *s, kin_index_family_fn fn, void *ctx);
    kin_status (*list_actors)(struct store *s, kin_index_actor_fn fn, void *ctx);
    kin_status (*totals)(struct store *s, struct store_totals *out);
    /* Recompute the frequency statistics from the postings (own transaction). */
    kin_status (*refresh_freq)(struct store *s);

    /*
     * Indicators (issue #5), written in the caller's transaction. put_iocs stores a sample's
     * distinct (type, value) pairs and counts them in the frequency statistics at once (a
     * sample holds at most KIN_MAX_SAMPLE_IOCS: no staging needed); remove_iocs takes them back.
     * lookup_iocs reads only type and value of each key and reports at most max_holders
     * holders per key.
     */
    kin_status (*put_iocs)(
        struct store *s, int64_t sample, int64_t family, const struct store_ioc *v, size_t count);
    kin_status (*remove_iocs)(struct store *s, int64_t sample, int64_t family);
    kin_status (*lookup_iocs)(struct store *s,
                              const struct store_ioc *keys,
                              size_t count,
                              uint64_t max_holders,
                              store_ioc_row_fn fn,
                              void *ctx);
    /* The indicators a sample holds, strongest types first (for attributing indexed samples). */
    kin_status (*sample_iocs)(struct store *s, int64_t sample, struct store_ioc_set *out);
};

#define STORE_ERRMSG_SIZE 512

struct store {
    const struct store_ops *ops;
    int readonly;
    int ready; /* opened and checked: only then may anything be written */
    char errmsg[STORE_ERRMSG_SIZE];
};

/* Records a message for kin_index_errmsg(); returns st so callers can `return seterr(...)`. */
kin_status kin__store_seterr(struct store *s, kin_status st, const char *fmt, ...) KIN_PRINTF(3, 4);

/*
 * Opens the SQLite back end (sqlite.c). flags are KIN_INDEX_*. On failure other than NOMEM,
 * *out is still a store holding the message (close it); the file is left as it was.
 */
kin_status kin__sqlite_open(const char *path, uint32_t flags, struct store **out);
/* The same, applying migrations only up to schema version max_version (tests of migration). */
kin_status
kin__sqlite_open_version(const char *path, uint32_t flags, int max_version, struct store **out);

/* Sorts entries by (band, signed value, func): the back end's key order. */
void kin__store_sort_entries(struct store_entry *e, size_t count);

/*
 * Minhash records: KIN_MINHASH_SIZE little-endian uint32 values. decode returns KIN_MALFORMED
 * when the record has another length.
 */
#define STORE_MINHASH_BYTES ((size_t)KIN_MINHASH_SIZE * 4)
void kin__store_encode_minhash(const uint32_t *minhash, uint8_t out[STORE_MINHASH_BYTES]);
kin_status kin__store_decode_minhash(const uint8_t *p, size_t n, uint32_t *minhash);

/* Input of kin__store_add_sample(). funcs[i] is stored as function i. */
struct store_add {
    const struct kin_image *img;
    const struct kin_function *const *funcs;
    size_t count;
    const struct kin_labels *labels; /* may be NULL */
    uint32_t scheme;                 /* signature scheme of funcs */
    int64_t now;                     /* first_seen */
    const struct kin_iocs *iocs;     /* indicators to keep (store_iocs.c); NULL: none */
};

/*
 * Adds a sample in one transaction (see kin_index_add()). *existed is set when the sample was
 * already present. Statuses as kin_index_add().
 */
kin_status kin__store_add_sample(struct store *s, const struct store_add *add, int *existed);
/* Removes a sample (by id) in one transaction. */
kin_status kin__store_remove_sample(struct store *s, int64_t sample, int64_t family);
/* Which functions get postings, so add and remove agree. */
int kin__store_indexes_pichash(uint32_t flags);
int kin__store_indexes_bands(uint32_t flags);

/* ---- Labels (store_labels.c): names, aliases and kinds of families and actors ---- */

/*
 * Normalises a name or alias into out[out_size]: leading and trailing whitespace dropped, inner
 * runs of whitespace made one space; with fold, ASCII letters lower-cased (the key names and
 * aliases are resolved by). Returns KIN_OK, KIN_INVALID (empty, or a control character) or
 * KIN_LIMIT (longer than KIN_MAX_LABEL_LEN, or than out_size - 1).
 */
kin_status kin__store_label_norm(const char *in, int fold, char *out, size_t out_size);
/*
 * Splits aliases as stored (one per line) in place into v[cap]; returns how many. The joined
 * form for people is kin__store_join_aliases(): v[count] joined by sep into out[out_size]
 * (truncated at an alias boundary when it does not fit).
 */
size_t kin__store_split_aliases(char *text, const char **v, size_t cap);
void kin__store_join_aliases(
    const char *const *v, size_t count, const char *sep, char *out, size_t out_size);

/*
 * Finds an actor or a family as a user names it: the exact name first, else by folded key
 * (case-insensitive, whitespace-normalised) among names and aliases. NOTFOUND when none (no
 * message), KIN_INVALID when the name is ambiguous (message set), KIN_STORE.
 */
kin_status kin__store_find_actor(struct store *s, const char *name, int64_t *id);
kin_status kin__store_find_family(
    struct store *s, const char *name, int64_t *id, int64_t *actor, uint32_t *kind);
/* The same, giving the canonical name into out[out_size] (found exactly: name itself). */
kin_status kin__store_resolve(
    struct store *s, enum store_label which, const char *name, char *out, size_t out_size);
/*
 * Finds an actor, creating it (its name normalised) when no name or alias resolves to it;
 * KIN_INVALID (message set) when the name is empty, too long or holds a control character.
 */
kin_status kin__store_get_actor(struct store *s, const char *name, int64_t *id);
/* Validates and normalises the name of a new family or actor (message set on failure). */
kin_status
kin__store_new_name(struct store *s, const char *what, const char *name, char *out, size_t size);

/* What kin_index_label() changes (struct kin_label_change of kin.h), in one transaction. */
kin_status kin__store_label(struct store *s,
                            enum store_label which,
                            const char *name,
                            const struct kin_label_change *c);

/* ---- Indicators (store_iocs.c) ---- */

/* A sample's indicators as the index keeps them. Release with kin__store_ioc_set_release(). */
struct store_ioc_set {
    struct store_ioc *v;
    size_t count;
    size_t dropped; /* distinct values past KIN_MAX_SAMPLE_IOCS */
    struct arena arena;
};

/*
 * Chooses what the index keeps of a sample's indicators: evidence types only
 * (kin__ioc_evidence_rank()), valid or unchecked, normalised, not on the built-in list of
 * ubiquitous values, each distinct (type, value) once with its first occurrence, strongest
 * types first, at most KIN_MAX_SAMPLE_IOCS. With img, the module names of its headers are added
 * (KIN_IOC_MODULE, KIN_IOC_LOADS). iocs and img may be NULL. KIN_OK or NOMEM.
 */
kin_status kin__store_ioc_select(const struct kin_iocs *iocs,
                                 const struct kin_image *img,
                                 struct store_ioc_set *out);
void kin__store_ioc_set_release(struct store_ioc_set *set);
/* Sorts a set as kin__store_ioc_select() orders it: strongest types first, then file order. */
void kin__store_ioc_set_sort(struct store_ioc_set *set);

/* The default of "ubiquitous by frequency": a value held by this many families or more. */
#define STORE_IOC_UBIQUITOUS_FAMILIES KIN_IOC_UBIQUITOUS_FAMILIES

/*
 * Why a value with this frequency is not evidence ("held by many families", "held by a library
 * family"), or NULL when it is. families 0 means STORE_IOC_UBIQUITOUS_FAMILIES.
 */
const char *kin__store_ioc_ubiquitous(const struct store_ioc_freq *freq, uint64_t families);

/* One indicator of a query that indexed samples hold too (kin__store_shared_iocs()). */
struct store_ioc_shared {
    uint32_t type;              /* enum kin_ioc_type */
    const char *value;          /* normalised */
    struct store_ioc_freq freq; /* samples and families holding it in the whole index */
    int strong;                 /* kin__ioc_strong(type): a wallet, a C2 host, a build path */
    /*
     * Why it is not evidence, or NULL when it is: held by ubiquitous_families families or
     * more, or by a family of kind library.
     */
    const char *ubiquitous;
    const struct store_ioc_holder *holders; /* at most KIN_MAX_IOC_HOLDERS, by family, sample */
    size_t holder_count;
    size_t query_index; /* its position in the selected set of the query */
};

typedef int (*store_ioc_shared_fn)(void *ctx, const struct store_ioc_shared *sh);

/*
 * The lookup attribution uses: selects the query's indicators as an add would
 * (kin__store_ioc_select()), and calls fn once per value indexed samples hold too, in the
 * order of the selected set (strongest types first). The query sample itself is listed among
 * the holders when it is indexed: callers exclude what they must. ubiquitous_families 0 means
 * STORE_IOC_UBIQUITOUS_FAMILIES. Holders and strings are borrowed for the call. Runs in one
 * read snapshot when no transaction is open. Returns KIN_OK, KIN_NOMEM or KIN_STORE.
 */
kin_status kin__store_shared_iocs(struct store *s,
                                  const struct kin_iocs *iocs,
                                  uint64_t ubiquitous_families,
                                  store_ioc_shared_fn fn,
                                  void *ctx);
/* The same for indicators already selected (v[count], as kept by an add or sample_iocs()). */
kin_status kin__store_shared_ioc_values(struct store *s,
                                        const struct store_ioc *v,
                                        size_t count,
                                        uint64_t ubiquitous_families,
                                        store_ioc_shared_fn fn,
                                        void *ctx);

#endif /* KIN_STORE_H */

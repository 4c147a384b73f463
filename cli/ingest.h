/*
 * ingest.h: adding a batch of files to the index, shared by `kin add` and `kin import`.
 *
 * Files are loaded and analysed (kin_sample_open, kin_funcs_analyze, kin_iocs_extract) on N
 * worker threads; one writer thread (the caller's) adds the results to the index, one
 * transaction per sample, in the order they come. A bounded queue between them caps the memory held
 * by analysed samples. A file that fails is reported and the batch goes on; an index failure stops
 * the batch.
 */
#ifndef KIN_CLI_INGEST_H
#define KIN_CLI_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "kin.h"

#define INGEST_MAX_JOBS 64

/* One file to add, with its labels. Strings are owned by the item (NULL when absent). */
struct ingest_item {
    char *path;
    char *family;
    char *actor;
    char *version;
    char *sha256;  /* expected (from a manifest): checked, and used to skip known files early */
    uint32_t kind; /* enum kin_family_kind */
    uint64_t size; /* bytes, for the progress rate */
};

struct ingest {
    const char *cmd; /* "kin add": prefix of messages */
    const char *db;  /* index path */
    unsigned jobs;   /* worker threads (1..INGEST_MAX_JOBS) */
    struct ingest_item *items;
    size_t count, cap;
    /* Results. */
    size_t added, existed, skipped, failed;
    uint64_t functions; /* functions of the samples added */
};

/* Prepares an empty batch. */
void ingest_init(struct ingest *g, const char *cmd, const char *db, unsigned jobs);
/* Appends a file (strings are copied). Returns 0, or -1 when out of memory. */
int ingest_add(struct ingest *g,
               const char *path,
               const char *family,
               const char *actor,
               const char *version,
               uint32_t kind,
               const char *sha256);
/*
 * Adds every file of the batch; prints notes on stderr, a progress line when stderr is a
 * terminal, and a summary on stdout. Returns the exit code: 0, or EXIT_RUNTIME when a file or
 * the index failed.
 */
int ingest_run(struct ingest *g);
/* Frees the batch. */
void ingest_release(struct ingest *g);
/* The number of online processors (at least 1, at most INGEST_MAX_JOBS): the default -j. */
unsigned ingest_default_jobs(void);

#endif /* KIN_CLI_INGEST_H */

/*
 * index_open.h: how every index command finds and opens the index: --db PATH, else $KIN_DB,
 * else ./kin.db; failures are reported on stderr in kin's words.
 */
#ifndef KIN_CLI_INDEX_OPEN_H
#define KIN_CLI_INDEX_OPEN_H

#include "kin.h"

#define INDEX_DEFAULT_PATH "kin.db"

/* The index path to use: opt when given, else $KIN_DB when set and not empty, else ./kin.db. */
const char *index_path(const char *opt);

/*
 * Opens the index (flags: KIN_INDEX_*). On failure prints "kin: <message>" on stderr and returns
 * NULL.
 */
struct kin_index *index_open(const char *path, uint32_t flags);

/* Prints "<cmd>: <what>: <index message>" on stderr. */
void index_complain(const char *cmd, const char *what, struct kin_index *idx);

#endif /* KIN_CLI_INDEX_OPEN_H */

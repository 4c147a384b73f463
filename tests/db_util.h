/*
 * db_util.h: removing a test index and its SQLite WAL and shared-memory files, for the tests that
 * create indexes on disk. Header-only (static inline): tests are single-file executables.
 */
#ifndef KIN_TESTS_DB_UTIL_H
#define KIN_TESTS_DB_UTIL_H

#include <stdio.h>
#include <unistd.h>

static inline void remove_db(const char *path)
{
    char buf[600];
    (void)unlink(path);
    (void)snprintf(buf, sizeof(buf), "%s-wal", path);
    (void)unlink(buf);
    (void)snprintf(buf, sizeof(buf), "%s-shm", path);
    (void)unlink(buf);
}

#endif /* KIN_TESTS_DB_UTIL_H */

/*
 * check.h: the test macros. Each failed check prints file:line and both values, counts the
 * failure and goes on; CHECK_DONE() returns the exit status.
 */
#ifndef KIN_TESTS_CHECK_H
#define KIN_TESTS_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
            check_failures++;                                                        \
        }                                                                            \
    } while (0)

#define CHECK_OK(expr)                                                            \
    do {                                                                          \
        kin_status st_ = (expr);                                                  \
        if (st_ != KIN_OK) {                                                      \
            fprintf(stderr, "%s:%d: %s returned %s\n", __FILE__, __LINE__, #expr, \
                    kin_status_name(st_));                                        \
            check_failures++;                                                     \
        }                                                                         \
    } while (0)

#define CHECK_EQ_U64(a, b)                                                              \
    do {                                                                                \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                \
        if (a_ != b_) {                                                                 \
            fprintf(stderr,                                                             \
                    "%s:%d: %s == %s failed: 0x%" PRIx64 " (%" PRIu64 ") vs 0x%" PRIx64 \
                    " (%" PRIu64 ")\n",                                                 \
                    __FILE__, __LINE__, #a, #b, a_, a_, b_, b_);                        \
            check_failures++;                                                           \
        }                                                                               \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                                        \
    do {                                                                                          \
        const char *a_ = (a), *b_ = (b);                                                          \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                  \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" vs \"%s\"\n", __FILE__, __LINE__, #a, \
                    #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                  \
            check_failures++;                                                                     \
        }                                                                                         \
    } while (0)

#define CHECK_EQ_MEM(a, b, n)                                                                   \
    do {                                                                                        \
        if (memcmp((a), (b), (n)) != 0) {                                                       \
            fprintf(stderr, "%s:%d: %s == %s (%zu bytes) failed\n", __FILE__, __LINE__, #a, #b, \
                    (size_t)(n));                                                               \
            check_failures++;                                                                   \
        }                                                                                       \
    } while (0)

#define CHECK_DONE()                                                 \
    do {                                                             \
        if (check_failures) {                                        \
            fprintf(stderr, "%d check(s) failed\n", check_failures); \
            return 1;                                                \
        }                                                            \
        return 0;                                                    \
    } while (0)

#endif /* KIN_TESTS_CHECK_H */

/*
 * alloc_fail.h: an allocator that fails the fail_at-th allocation (counted in alloc_count), for
 * the tests that retry a call with fail_at = 1, 2, ... through kin_replace_allocator() until it
 * succeeds: every failure must be reported, never crash or leak. Header-only; include it once,
 * in the test that uses it.
 */
#ifndef KIN_TESTS_ALLOC_FAIL_H
#define KIN_TESTS_ALLOC_FAIL_H

#include <stdlib.h>

static int fail_at, alloc_count;

static inline void *failing_malloc(size_t size)
{
    return ++alloc_count == fail_at ? NULL : malloc(size);
}

static inline void *failing_realloc(void *p, size_t size)
{
    return ++alloc_count == fail_at ? NULL : realloc(p, size);
}

#endif /* KIN_TESTS_ALLOC_FAIL_H */

/*
 * alloc.c: the library's allocator, replaceable as a whole (libuv uv_replace_allocator), so tests
 * can fail the Nth allocation in every entry point. The hooks are set once, before use; they are
 * the only process-wide state of the library and are never changed while it runs.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

static kin_malloc_fn hook_malloc = malloc;
static kin_realloc_fn hook_realloc = realloc;
static kin_free_fn hook_free = free;

kin_status kin_replace_allocator(kin_malloc_fn m, kin_realloc_fn r, kin_free_fn f)
{
    if (!m && !r && !f) {
        hook_malloc = malloc;
        hook_realloc = realloc;
        hook_free = free;
        return KIN_OK;
    }
    if (!m || !r || !f) {
        return KIN_INVALID;
    }
    hook_malloc = m;
    hook_realloc = r;
    hook_free = f;
    return KIN_OK;
}

void *kin__malloc(size_t size)
{
    return hook_malloc(size ? size : 1);
}

void *kin__calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        return NULL;
    }
    void *p = kin__malloc(count * size);
    if (p) {
        memset(p, 0, count * size);
    }
    return p;
}

void *kin__realloc(void *p, size_t size)
{
    return hook_realloc(p, size ? size : 1);
}

void kin__free(void *p)
{
    if (p) {
        hook_free(p);
    }
}

void kin_free(void *p)
{
    kin__free(p);
}

char *kin__strdup(const char *s)
{
    size_t n = strlen(s);
    char *d = kin__malloc(n + 1);
    if (d) {
        memcpy(d, s, n + 1);
    }
    return d;
}

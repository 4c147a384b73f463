/*
 * arena.c: bump allocation for everything derived from one sample, freed at once (YARA arenas).
 * The budget turns "allocate no more than a small multiple of the input" into one check here
 * instead of one per parser (see KIN_ARENA_BUDGET_* in limits.h).
 */
#include <stdio.h>
#include <string.h>

#include "core.h"

#define ARENA_ALIGN      16u
#define ARENA_BLOCK_SIZE ((size_t)64 << 10)

struct arena_block {
    struct arena_block *next;
    size_t size; /* usable bytes after the header */
    size_t used;
    /* Keeps the payload 16-byte aligned after the three words above. */
    size_t pad_;
    unsigned char data[];
};

void kin__arena_init(struct arena *a, size_t budget)
{
    memset(a, 0, sizeof(*a));
    a->budget = budget;
}

void kin__arena_release(struct arena *a)
{
    if (!a) {
        return;
    }
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        kin__free(b);
        b = next;
    }
    a->head = NULL;
    a->used = 0;
}

void *kin__arena_alloc(struct arena *a, size_t size)
{
    if (size > SIZE_MAX - ARENA_ALIGN) {
        return NULL;
    }
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (size == 0) {
        size = ARENA_ALIGN;
    }
    struct arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t bsize = size > ARENA_BLOCK_SIZE / 4 ? size : ARENA_BLOCK_SIZE;
        size_t total = sizeof(struct arena_block) + bsize;
        if (a->budget && (a->used > a->budget || total > a->budget - a->used)) {
            a->over_budget = 1;
            return NULL;
        }
        struct arena_block *nb = kin__malloc(total);
        if (!nb) {
            return NULL;
        }
        nb->size = bsize;
        nb->used = 0;
        a->used += total;
        if (b && bsize != ARENA_BLOCK_SIZE) {
            /* A large one-off block goes behind the current one so its free tail stays usable. */
            nb->next = b->next;
            b->next = nb;
            nb->used = size;
            memset(nb->data, 0, size);
            return nb->data;
        }
        nb->next = b;
        a->head = nb;
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

void *kin__arena_array(struct arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        return NULL;
    }
    return kin__arena_alloc(a, count * size);
}

char *kin__arena_strndup(struct arena *a, const void *s, size_t len)
{
    if (len == SIZE_MAX) {
        return NULL;
    }
    char *d = kin__arena_alloc(a, len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

char *kin__arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return NULL;
    }
    if ((size_t)n < sizeof(tmp)) {
        return kin__arena_strndup(a, tmp, (size_t)n);
    }
    char *d = kin__arena_alloc(a, (size_t)n + 1);
    if (d) {
        va_start(ap, fmt);
        int m = vsnprintf(d, (size_t)n + 1, fmt, ap);
        va_end(ap);
        /* A failed second pass leaves d undefined; the arena reclaims it with the rest. */
        if (m != n) {
            return NULL;
        }
    }
    return d;
}

int kin__arena_vec_reserve(struct arena *a, void **v, size_t count, size_t *cap, size_t size)
{
    if (count < *cap) {
        return 1;
    }
    size_t ncap = *cap ? *cap * 2 : 16;
    if (ncap < *cap) {
        return 0;
    }
    void *nv = kin__arena_array(a, ncap, size);
    if (!nv) {
        return 0;
    }
    if (*v && count) {
        memcpy(nv, *v, count * size);
    }
    *v = nv;
    *cap = ncap;
    return 1;
}

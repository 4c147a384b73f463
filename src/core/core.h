/*
 * core.h: the core stage's interface to every other stage: statuses, the hookable allocator,
 * per-sample arenas with a memory budget, anomaly lists and small helpers.
 * Nothing here knows about file formats.
 */
#ifndef KIN_CORE_H
#define KIN_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "kin.h"

/* Return early with the status of expr when it is not KIN_OK (nothing to clean up). */
#define KIN_TRY(expr)                 \
    do {                              \
        kin_status kin__st_ = (expr); \
        if (kin__st_ != KIN_OK) {     \
            return kin__st_;          \
        }                             \
    } while (0)

#define KIN_ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define KIN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KIN_PRINTF(f, a)
#endif

/* Allocator (alloc.c). All library allocations go through these. */
void *kin__malloc(size_t size);
void *kin__calloc(size_t count, size_t size);
void *kin__realloc(void *p, size_t size);
void kin__free(void *p);
char *kin__strdup(const char *s);

/*
 * Arena (arena.c): bump allocation in blocks, freed all at once. An arena may carry a budget in
 * bytes; an allocation past it fails as if memory were exhausted and sets `over_budget`, so a
 * caller can tell the sample's limit from real exhaustion.
 */
struct arena_block;
struct arena {
    struct arena_block *head;
    size_t used;   /* bytes handed out plus block overhead */
    size_t budget; /* 0 = unlimited */
    int over_budget;
};

void kin__arena_init(struct arena *a, size_t budget);
void kin__arena_release(struct arena *a);
/* Zeroed, 16-byte aligned memory, or NULL (out of memory or budget). */
void *kin__arena_alloc(struct arena *a, size_t size);
/* count*size with overflow check; zeroed. */
void *kin__arena_array(struct arena *a, size_t count, size_t size);
/* A NUL-terminated copy of len bytes. */
char *kin__arena_strndup(struct arena *a, const void *s, size_t len);
char *kin__arena_printf(struct arena *a, const char *fmt, ...) KIN_PRINTF(2, 3);
/*
 * Growable array in an arena: ensures room for one more element of `size` bytes, doubling the
 * capacity (the old storage is abandoned to the arena). Returns 0 on failure.
 */
int kin__arena_vec_reserve(struct arena *a, void **v, size_t count, size_t *cap, size_t size);

/* Anomalies (anomaly.c), stored in an arena, capped at KIN_MAX_ANOMALIES. */
struct anomaly_list {
    struct kin_anomaly *v;
    size_t count;
    size_t cap;
    size_t dropped; /* anomalies beyond the cap, counted only */
};

void kin__anomaly_add(struct anomaly_list *l,
                      struct arena *a,
                      const char *kind,
                      uint64_t offset,
                      const char *fmt,
                      ...) KIN_PRINTF(5, 6);

/* Shannon entropy of a buffer in bits per byte (0..8). */
double kin__entropy(const uint8_t *p, size_t n);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void kin__hex(const uint8_t *p, size_t n, char *out);

#endif /* KIN_CORE_H */

/*
 * anomaly.c: the list of malformed structures found in a sample. Recording an anomaly never
 * fails the parse: past KIN_MAX_ANOMALIES or out of memory, it is only counted.
 */
#include <stdio.h>

#include "core.h"
#include "limits.h"

void kin__anomaly_add(struct anomaly_list *l,
                      struct arena *a,
                      const char *kind,
                      uint64_t offset,
                      const char *fmt,
                      ...)
{
    if (l->count >= KIN_MAX_ANOMALIES ||
        !kin__arena_vec_reserve(a, (void **)&l->v, l->count, &l->cap, sizeof(*l->v))) {
        l->dropped++;
        return;
    }
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0) {
        msg[0] = '\0';
        n = 0;
    }
    size_t len = (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1;
    struct kin_anomaly *an = &l->v[l->count];
    an->kind = kind;
    an->offset = offset;
    an->message = kin__arena_strndup(a, msg, len);
    if (!an->message) {
        an->message = "";
    }
    l->count++;
}

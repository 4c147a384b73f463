/*
 * anomaly.c: the list of malformed structures found in a sample. Recording an anomaly never
 * fails the parse: past KIN_MAX_ANOMALIES or out of memory, it is only counted.
 *
 * Anomalies are allocated past the arena's budget: their own cap bounds them (KIN_MAX_ANOMALIES
 * entries with messages under 256 bytes, about 300 KiB), and the anomaly that reports the budget
 * running out ("limit.memory") must not be the one lost to it (found by fuzz/gen_stress.py).
 * For the same reason "limit.*" anomalies get KIN_MAX_LIMIT_ANOMALIES slots past the count cap:
 * a flood of one malformation must not hide that a cap cut the parse short.
 */
#include <stdio.h>
#include <string.h>

#include "core.h"
#include "limits.h"

void kin__anomaly_add(struct anomaly_list *l,
                      struct arena *a,
                      const char *kind,
                      uint64_t offset,
                      const char *fmt,
                      ...)
{
    size_t cap = KIN_MAX_ANOMALIES;
    if (strncmp(kind, "limit.", 6) == 0) {
        cap += KIN_MAX_LIMIT_ANOMALIES;
    }
    if (l->count >= cap) {
        l->dropped++;
        return;
    }
    size_t budget = a->budget;
    a->budget = 0; /* unlimited for this call; see the top of this file */
    if (!kin__arena_vec_reserve(a, (void **)&l->v, l->count, &l->cap, sizeof(*l->v))) {
        a->budget = budget;
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
    a->budget = budget;
    if (!an->message) {
        an->message = "";
    }
    l->count++;
}

/*
 * match.c: one attribution from start to end: a read snapshot of the index, the labels and the
 * exclusion filter (labels.c), stage 1 (candidates.c), stage 2 (score.c), then the verdict and
 * the report (verdict.c, report.c). The result owns one arena holding all of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "match_int.h"

/* The index must hold this kin's signature scheme (or nothing yet). */
static kin_status check_scheme(struct store *s)
{
    char buf[32];
    kin_status st = s->ops->get_meta(s, "sig_scheme", buf, sizeof(buf));
    if (st == KIN_NOTFOUND) {
        return KIN_OK;
    }
    KIN_TRY(st);
    unsigned long v = strtoul(buf, NULL, 10);
    if (v != kin_sig_scheme_version()) {
        return kin__store_seterr(s, KIN_SCHEMA,
                                 "the index holds signature scheme %lu, this kin computes %u: "
                                 "rebuild the index",
                                 v, kin_sig_scheme_version());
    }
    return KIN_OK;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static kin_status run(struct match_state *m, int64_t self, struct kin_attribution *a)
{
    KIN_TRY(check_scheme(m->store));
    KIN_TRY(kin__match_labels_load(m, self));
    if (self) {
        struct store_sample row;
        KIN_TRY(m->store->ops->get_sample(m->store, self, m->arena, &row));
        const struct match_family *f = row.family > 0 ? kin__match_family(m, row.family) : NULL;
        a->report.indexed_as = f ? f->name : "";
    }
    double t0 = now_ms();
    KIN_TRY(kin__match_stage1(m));
    double t1 = now_ms();
    KIN_TRY(kin__match_fetch(m));
    KIN_TRY(kin__match_stage2(m));
    double t2 = now_ms();
    kin_status st = kin__match_report(m, a);
    a->stats.stage1_ms = t1 - t0;
    a->stats.stage2_ms = t2 - t1;
    a->stats.report_ms = now_ms() - t2;
    a->stats.hits = m->hit_count;
    a->stats.samples = m->sample_count;
    return st;
}

kin_status kin__match_attribute(struct store *s,
                                const struct match_query *q,
                                int64_t self,
                                const struct kin_attribute_options *opts,
                                const struct match_params *p,
                                struct kin_attribution **out)
{
    struct kin_attribution *a = kin__calloc(1, sizeof(*a));
    if (!a) {
        return KIN_NOMEM;
    }
    kin__arena_init(&a->arena, 0);
    struct match_state m;
    memset(&m, 0, sizeof(m));
    m.name_family = SIZE_MAX;
    m.name_overruled = SIZE_MAX;
    m.contained_actor = SIZE_MAX;
    m.store = s;
    m.q = q;
    m.p = p;
    m.o = opts;
    m.arena = &a->arena;
    m.stats = &a->stats;
    (void)snprintf(a->report.sha256, sizeof(a->report.sha256), "%s", q->sha256 ? q->sha256 : "");
    kin_status st = s->ops->begin_read(s);
    if (st == KIN_OK) {
        st = run(&m, self, a);
        kin_status end = s->ops->end_read(s);
        st = st == KIN_OK ? end : st;
    }
    kin__match_state_release(&m);
    if (st != KIN_OK) {
        kin_attribution_free(a);
        return st;
    }
    *out = a;
    return KIN_OK;
}

void kin_attribution_free(struct kin_attribution *a)
{
    if (a) {
        kin__arena_release(&a->arena);
        kin__free(a);
    }
}

const struct kin_attribution_report *kin_attribution_report(const struct kin_attribution *a)
{
    return a ? &a->report : NULL;
}

const struct match_stats *kin__match_stats(const struct kin_attribution *a)
{
    return &a->stats;
}

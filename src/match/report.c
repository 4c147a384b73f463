/*
 * report.c: the report of an attribution (struct kin_attribution_report): the code totals, the
 * ranked families and actors, every shared function with its best match, whole-file similarity
 * with the best samples (forgeable: listed apart), caveats and next steps. Everything is built
 * in the attribution's arena; strings are English sentences for the CLI and for --json alike.
 */
#include <stdlib.h>
#include <string.h>

#include "../load/load.h"
#include "match_int.h"

#define DEFAULT_TOP      5u
#define DEFAULT_EVIDENCE 100u
/* TLSH distance up to which files count as similar (TLSH's authors: <= 100 "similar"). */
#define TLSH_SIMILAR 100

static double share(double x, double d)
{
    return d > 0 ? x / d : 0;
}

struct rank {
    size_t slot;
    int tier; /* families: variant candidates (verdict.c) first */
    double score;
};

static int cmp_rank(const void *a, const void *b)
{
    const struct rank *x = a, *y = b;
    if (x->tier != y->tier) {
        return x->tier > y->tier ? -1 : 1;
    }
    if (x->score != y->score) {
        return x->score > y->score ? -1 : 1;
    }
    return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static kin_status
best_sample_of(struct match_state *m, const struct match_agg *a, struct kin_candidate *c)
{
    c->best_sample = "";
    c->best_version = "";
    if (a->best_sample < 0) {
        return KIN_OK;
    }
    struct match_sample *s = &m->samples[a->best_sample];
    KIN_TRY(kin__match_sample_row(m, s));
    c->best_sample = s->row.sha256 ? s->row.sha256 : "";
    c->best_version = s->row.version ? s->row.version : "";
    c->best_sample_matched = share(a->best_sample_matched, m->denom_raw);
    return KIN_OK;
}

static kin_status family_candidates(struct match_state *m,
                                    const uint32_t *conf,
                                    uint32_t top,
                                    struct kin_attribution_report *r)
{
    struct rank *v = kin__calloc(m->family_count ? m->family_count : 1, sizeof(*v));
    size_t n = 0;
    if (!v) {
        return KIN_NOMEM;
    }
    for (size_t f = 0; f < m->family_count; f++) {
        const struct match_family *fam = &m->families[f];
        if (!fam->excluded && fam->kind != KIN_FAMILY_LIBRARY && m->fam_agg[f].functions) {
            v[n].slot = f;
            /* The family whose module name the query bears, over its sibling (verdict.c). */
            v[n].tier = f == m->name_family ? 2 : kin__match_family_tier(m, f);
            v[n].score = m->fam_agg[f].score;
            n++;
        }
    }
    qsort(v, n, sizeof(*v), cmp_rank);
    n = n < top ? n : top;
    struct kin_candidate *c = kin__arena_array(m->arena, n ? n : 1, sizeof(*c));
    kin_status st = c ? KIN_OK : KIN_NOMEM;
    for (size_t i = 0; i < n && st == KIN_OK; i++) {
        const struct match_family *fam = &m->families[v[i].slot];
        const struct match_agg *a = &m->fam_agg[v[i].slot];
        c[i].name = fam->name;
        c[i].actor = fam->actor_name;
        c[i].score = share(a->score, m->denom_family);
        c[i].unique = share(a->unique, m->denom_family);
        c[i].matched = share(a->matched, m->denom_raw);
        c[i].confidence = conf[v[i].slot];
        c[i].functions = a->functions;
        c[i].unique_functions = a->unique_functions;
        c[i].unique_size = a->unique_size;
        c[i].families = 1;
        c[i].size_ratio = a->size_ratio;
        c[i].kind = fam->kind;
        c[i].aliases = fam->aliases;
        c[i].alias_count = fam->alias_count;
        st = best_sample_of(m, a, &c[i]);
    }
    kin__free(v);
    r->families = c;
    r->family_count = st == KIN_OK ? n : 0;
    return st;
}

static kin_status actor_candidates(struct match_state *m,
                                   const uint32_t *conf,
                                   uint32_t top,
                                   struct kin_attribution_report *r)
{
    struct rank *v = kin__calloc(m->actor_count ? m->actor_count : 1, sizeof(*v));
    size_t n = 0;
    if (!v) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < m->actor_count; i++) {
        int linked = m->act_linked && m->act_linked[i];
        if (!m->actors[i].solo && (m->act_agg[i].functions || linked)) {
            v[n].slot = i;
            v[n].score =
                share(m->act_agg[i].score, m->denom_actor) + (linked ? m->p->link_rank_bonus : 0);
            n++;
        }
    }
    qsort(v, n, sizeof(*v), cmp_rank);
    n = n < top ? n : top;
    struct kin_candidate *c = kin__arena_array(m->arena, n ? n : 1, sizeof(*c));
    kin_status st = c ? KIN_OK : KIN_NOMEM;
    for (size_t i = 0; i < n && st == KIN_OK; i++) {
        const struct match_agg *a = &m->act_agg[v[i].slot];
        c[i].name = m->actors[v[i].slot].name;
        c[i].actor = "";
        c[i].score = share(a->score, m->denom_actor);
        c[i].unique = share(a->unique, m->denom_actor);
        c[i].matched = share(a->matched, m->denom_raw);
        c[i].confidence = conf[v[i].slot];
        c[i].functions = a->functions;
        c[i].unique_functions = a->unique_functions;
        c[i].unique_size = a->unique_size;
        c[i].families = a->families;
        c[i].linked = m->act_linked && m->act_linked[v[i].slot];
        c[i].aliases = m->actors[v[i].slot].aliases;
        c[i].alias_count = m->actors[v[i].slot].alias_count;
        st = best_sample_of(m, a, &c[i]);
    }
    kin__free(v);
    r->actors = c;
    r->actor_count = st == KIN_OK ? n : 0;
    return st;
}

struct ev_rank {
    size_t qf;
    double strength;
};

static int cmp_ev(const void *a, const void *b)
{
    const struct ev_rank *x = a, *y = b;
    if (x->strength != y->strength) {
        return x->strength > y->strength ? -1 : 1;
    }
    return x->qf < y->qf ? -1 : x->qf > y->qf;
}

static kin_status evidence(struct match_state *m, uint32_t max, struct kin_attribution_report *r)
{
    struct ev_rank *v = kin__calloc(m->qf_count ? m->qf_count : 1, sizeof(*v));
    size_t n = 0;
    if (!v) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < m->qf_count; i++) {
        const struct match_qfunc *qf = &m->qf[i];
        if (qf->best_sim > 0) {
            v[n].qf = i;
            v[n].strength = (double)qf->f->size * qf->best_sim * kin__match_family_weight(qf);
            n++;
        }
    }
    qsort(v, n, sizeof(*v), cmp_ev);
    r->evidence_total = n;
    n = n < max ? n : max;
    struct kin_evidence_function *e = kin__arena_array(m->arena, n ? n : 1, sizeof(*e));
    kin_status st = e ? KIN_OK : KIN_NOMEM;
    for (size_t i = 0; i < n && st == KIN_OK; i++) {
        const struct match_qfunc *qf = &m->qf[v[i].qf];
        const struct match_hit *h = &m->hits[qf->best_hit];
        struct match_sample *s = &m->samples[h->sample];
        st = kin__match_sample_row(m, s);
        e[i].va = qf->f->va;
        e[i].size = qf->f->size;
        /* The query's functions may not outlive the report: copy the name. */
        e[i].name =
            qf->f->name ? kin__arena_strndup(m->arena, qf->f->name, strlen(qf->f->name)) : NULL;
        if (qf->f->name && !e[i].name) {
            st = KIN_NOMEM;
        }
        e[i].sample = s->row.sha256 ? s->row.sha256 : "";
        e[i].sample_va = qf->best_va;
        e[i].family = s->fam ? s->fam->name : "";
        e[i].actor = s->fam ? s->fam->actor_name : "";
        e[i].exact = h->exact;
        e[i].similarity = qf->best_sim;
        e[i].weight = kin__match_family_weight(qf);
        e[i].families = qf->families;
        e[i].actors = qf->actors;
    }
    kin__free(v);
    r->evidence = e;
    r->evidence_count = st == KIN_OK ? n : 0;
    return st;
}

static int same_hash(const char *a, const char *b)
{
    return a && b && *a && *b && !strcmp(a, b);
}

/* Whole-file similarity with the best sample of each ranked family. */
static kin_status whole_file(struct match_state *m, struct kin_attribution_report *r)
{
    const struct match_query *q = m->q;
    size_t n = r->family_count;
    struct kin_evidence_file *w = kin__arena_array(m->arena, n ? n : 1, sizeof(*w));
    if (!w) {
        return KIN_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct kin_candidate *c = &r->families[i];
        if (!*c->best_sample) {
            continue;
        }
        /* Find the sample row again by its sha256 among the samples already read. */
        const struct store_sample *row = NULL;
        for (size_t j = 0; j < m->sample_count && !row; j++) {
            if (m->samples[j].row.sha256 && !strcmp(m->samples[j].row.sha256, c->best_sample)) {
                row = &m->samples[j].row;
            }
        }
        if (!row) {
            continue;
        }
        w[k].sample = c->best_sample;
        w[k].family = c->name;
        w[k].actor = c->actor;
        w[k].version = c->best_version;
        w[k].tlsh_distance = kin__tlsh_diff(q->tlsh, row->tlsh ? row->tlsh : "");
        w[k].ssdeep_score = kin__ssdeep_compare(q->ssdeep, row->ssdeep ? row->ssdeep : "");
        w[k].imphash_equal = same_hash(q->imphash, row->imphash);
        w[k].rich_hash_equal = same_hash(q->rich_hash, row->rich_hash);
        k++;
    }
    r->whole_file = w;
    r->whole_file_count = k;
    return KIN_OK;
}

/* Sentences: a small growable list in the arena. */
struct lines {
    const char **v;
    size_t count, cap;
    int nomem;
};

static void add_line(struct match_state *m, struct lines *l, const char *s)
{
    if (!s || !kin__arena_vec_reserve(m->arena, (void **)&l->v, l->count, &l->cap, sizeof(*l->v))) {
        l->nomem = 1;
        return;
    }
    l->v[l->count++] = s;
}

static int whole_file_similar(const struct kin_evidence_file *w)
{
    return (w->tlsh_distance >= 0 && w->tlsh_distance <= TLSH_SIMILAR) || w->ssdeep_score > 0 ||
           w->imphash_equal || w->rich_hash_equal;
}

/*
 * Families holding as much of the code as the first-ranked one or more, whose closest sample is
 * of another size: the file contains that program or is part of it, so no variant of it
 * (verdict.c, kin__match_family_variant()).
 */
static void
size_caveat(struct match_state *m, const struct kin_attribution_report *r, struct lines *c)
{
    if (r->family_count == 0) {
        return;
    }
    const struct match_family *shown = NULL;
    for (size_t f = 0; f < m->family_count; f++) {
        if (!strcmp(m->families[f].name, r->families[0].name)) {
            shown = &m->families[f];
        }
    }
    double top = shown ? m->fam_agg[shown->slot].score : 0;
    for (size_t f = 0; f < m->family_count; f++) {
        const struct match_agg *a = &m->fam_agg[f];
        const struct match_family *fam = &m->families[f];
        if (fam->excluded || fam->kind == KIN_FAMILY_LIBRARY || !a->functions || a->score < top ||
            kin__match_family_variant(m, f)) {
            continue;
        }
        add_line(m, c,
                 kin__arena_printf(
                     m->arena,
                     a->size_ratio > 1 ? "'%s' shares much of this code, but its sample sharing "
                                         "the most is %.1f times the size of this file: this "
                                         "file looks like a part of it (of the same code base, "
                                         "or a library both embed), not a variant."
                                       : "'%s' shares much of this code, but this file is "
                                         "%.1f times the size of its sample sharing the most: it "
                                         "contains that program, or its code base, and more; "
                                         "not a variant.",
                     fam->name, a->size_ratio > 1 ? a->size_ratio : 1.0 / a->size_ratio));
    }
}

/* The actor that containment alone kept from a claim (verdict.c), when kin abstained. */
static size_t contained_actor(const struct match_state *m, const struct kin_attribution_report *r)
{
    return r->verdict == KIN_VERDICT_UNATTRIBUTED ? m->contained_actor : SIZE_MAX;
}

static void caveats(struct match_state *m, struct kin_attribution_report *r, struct lines *c)
{
    struct arena *a = m->arena;
    if (r->indexed_as) {
        add_line(m, c,
                 kin__arena_printf(a,
                                   "The file itself is in the index (family '%s'); it was left "
                                   "out of the comparison.",
                                   *r->indexed_as ? r->indexed_as : "unlabelled"));
    }
    if (m->name_family != SIZE_MAX && m->name_overruled != SIZE_MAX) {
        const struct match_family *named = &m->families[m->name_family];
        add_line(m, c,
                 kin__arena_printf(a,
                                   "The code is closest to '%s', but this file gives itself the "
                                   "module name that the samples of '%s' (the same actor, '%s') "
                                   "bear and those of '%s' do not: the family is left open "
                                   "('%s' ranked first), the actor is what the code shows.",
                                   m->families[m->name_overruled].name, named->name,
                                   named->actor_name, m->families[m->name_overruled].name,
                                   named->name));
    }
    if (r->evidence_functions == 0) {
        add_line(m, c,
                 "No function large enough to be evidence was found: the file may be packed, "
                 "encrypted, data only, or not x86 code.");
    }
    if (r->library_size > r->third_party_size && r->evidence_size > 0) {
        add_line(m, c,
                 kin__arena_printf(a,
                                   "%.0f%% of the code matches library families of the index "
                                   "and was left out.",
                                   100.0 * (double)(r->library_size - r->third_party_size) /
                                       (double)r->evidence_size));
    }
    if (r->third_party_size > 0 && r->evidence_size > 0) {
        add_line(m, c,
                 kin__arena_printf(a,
                                   "%.0f%% of the code is the Go runtime, standard library, "
                                   "third-party modules or C linked through cgo (by the "
                                   "program's pclntab and build info) and was left out as "
                                   "library code.",
                                   100.0 * (double)r->third_party_size / (double)r->evidence_size));
    }
    if (r->common_size > 0 && r->evidence_size > 0) {
        add_line(m, c,
                 kin__arena_printf(a,
                                   "%.0f%% of the code is held by too many samples or families "
                                   "to be evidence (runtime or library code) and weighs "
                                   "nothing.",
                                   100.0 * (double)r->common_size / (double)r->evidence_size));
    }
    if (r->repeated_size > 0 && r->evidence_size > 0) {
        add_line(m, c,
                 kin__arena_printf(a,
                                   "%.0f%% of the code is near-identical functions repeated "
                                   "within the file (generated or template code) and weighs "
                                   "nothing.",
                                   100.0 * (double)r->repeated_size / (double)r->evidence_size));
    }
    if (m->small_index) {
        add_line(m, c,
                 "The index holds fewer than three actors and no library family: runtime code "
                 "cannot be told from family code, so no claim is made. Index more families, "
                 "or reference builds of the runtimes with kin add --library.");
    }
    size_caveat(m, r, c);
    size_t contained = contained_actor(m, r);
    if (contained != SIZE_MAX) {
        add_line(m, c,
                 kin__arena_printf(a,
                                   "The code shared with '%s' lies in a program %.1f times the "
                                   "size of this file (its sample sharing the most): this file "
                                   "looks like a component of it. A component may be the "
                                   "actor's own or public code the actor embeds (a library); "
                                   "code alone cannot tell, so the actor is not claimed.",
                                   m->actors[contained].name, m->act_agg[contained].size_ratio));
    }
    if (m->hits_truncated) {
        add_line(m, c,
                 "The cap on occurrences was reached: some shared code was not examined, and "
                 "the shares are lower bounds.");
    }
    if (r->verdict != KIN_VERDICT_UNATTRIBUTED) {
        add_line(m, c,
                 m->q->ioc_count ? "Code and indicators were compared; infrastructure and "
                                   "context were not. Shared code may be public, copied or "
                                   "planted."
                                 : "Code similarity is one kind of evidence: infrastructure, "
                                   "indicators and context were not compared. Shared code may "
                                   "be public, copied or planted.");
    }
    if (r->circumstantial && !m->ioc_alone) {
        add_line(m, c,
                 "Little code unique to the candidate supports this: the result is "
                 "circumstantial.");
    }
    if (m->ioc_caveat) {
        add_line(m, c, m->ioc_caveat);
    }
    const char *tool = kin__match_tool_caveat(m, r);
    if (tool) {
        add_line(m, c, tool);
    }
    if (r->verdict == KIN_VERDICT_KNOWN_ACTOR) {
        add_line(m, c,
                 "No indexed family holds most of this code: kin ties it to an actor, not to a "
                 "family; it may be a new family of that actor, or code that actor published.");
    }
    for (size_t i = 0; i < r->whole_file_count; i++) {
        const struct kin_evidence_file *w = &r->whole_file[i];
        if (!whole_file_similar(w)) {
            continue;
        }
        if (r->verdict == KIN_VERDICT_UNATTRIBUTED ||
            (r->family && strcmp(r->family, w->family) != 0)) {
            add_line(m, c,
                     kin__arena_printf(a,
                                       "Whole-file similarity with a sample of '%s' is forgeable "
                                       "and was not used for the claim.",
                                       w->family));
        }
        break;
    }
}

static void next_steps(struct match_state *m, struct kin_attribution_report *r, struct lines *n)
{
    struct arena *a = m->arena;
    if (r->verdict == KIN_VERDICT_KNOWN_FAMILY && r->family_count > 0) {
        add_line(m, n,
                 kin__arena_printf(a,
                                   "Open the listed functions in a disassembler next to sample "
                                   "%.16s... (addresses given) and confirm they are the family's "
                                   "own code.",
                                   r->families[0].best_sample));
    } else if (r->verdict == KIN_VERDICT_KNOWN_ACTOR && m->name_family != SIZE_MAX &&
               m->name_overruled != SIZE_MAX) {
        const char *named = m->families[m->name_family].name;
        const char *closest = m->families[m->name_overruled].name;
        add_line(m, n,
                 kin__arena_printf(a,
                                   "Tell '%s' from '%s' by the functions that differ: kin diff "
                                   "this file against the best sample of each (listed); the "
                                   "file's module name says '%s', its code is closest to '%s'.",
                                   named, closest, named, closest));
    } else if (r->verdict == KIN_VERDICT_KNOWN_ACTOR) {
        add_line(m, n,
                 kin__arena_printf(a,
                                   "Compare the shared functions with the samples of '%s' "
                                   "listed; if confirmed, index this file as a new family: kin "
                                   "add --family NAME --actor '%s' FILE.",
                                   r->actor, r->actor));
    } else if (r->family_count > 0) {
        add_line(m, n,
                 "Review the strongest candidates' shared functions: too little of them is "
                 "unique to one family or actor for a claim.");
    } else {
        add_line(m, n,
                 "Nothing indexed shares code with this file: index more families, or check "
                 "whether it is packed (kin info: section entropy).");
    }
    if (contained_actor(m, r) != SIZE_MAX) {
        add_line(m, n,
                 kin__arena_printf(a,
                                   "Find out whether the code shared with '%s' is a published "
                                   "library (function names, strings, version banners in the "
                                   "listed functions): if so, index a build of it with kin add "
                                   "--library; if it is the actor's own, look for indicators or "
                                   "infrastructure tying this file to it.",
                                   m->actors[m->contained_actor].name));
    }
    if (m->ioc_next_step) {
        add_line(m, n, m->ioc_next_step);
    }
    if (r->verdict != KIN_VERDICT_KNOWN_ACTOR && r->actor_count > 0 && r->actors[0].linked) {
        add_line(m, n,
                 kin__arena_printf(a,
                                   "'%s' ranks first among actors through a module link (listed), "
                                   "which is no claim: check that the linked module is the "
                                   "actor's own rather than a public library, then look for code "
                                   "or infrastructure this file shares with its samples.",
                                   r->actors[0].name));
    }
    if (r->family_count > 0 || r->common_size > 0) {
        add_line(m, n,
                 "If shared code turns out to be a library or runtime, index a build of it with "
                 "kin add --library --family NAME, then attribute again.");
    }
}

kin_status kin__match_report(struct match_state *m, struct kin_attribution *at)
{
    struct kin_attribution_report *r = &at->report;
    const struct kin_attribute_options *o = m->o;
    uint32_t top = o && o->top ? o->top : DEFAULT_TOP;
    uint32_t max_ev = o && o->max_evidence ? o->max_evidence : DEFAULT_EVIDENCE;
    r->functions = m->q->count;
    for (size_t i = 0; i < m->qf_count; i++) {
        const struct match_qfunc *qf = &m->qf[i];
        uint64_t size = qf->f->size;
        r->evidence_functions++;
        r->evidence_size += size;
        if (qf->library) {
            r->library_functions++;
            r->library_size += size;
            if (qf->third_party) {
                r->third_party_functions++;
                r->third_party_size += size;
            }
        } else if (qf->repeated) {
            r->repeated_functions++;
            r->repeated_size += size;
        } else if (qf->common || qf->hit_count) {
            r->shared_functions++;
            r->shared_size += size;
            if (qf->common) {
                r->common_functions++;
                r->common_size += size;
            }
        }
    }
    size_t nf = m->family_count ? m->family_count : 1, na = m->actor_count ? m->actor_count : 1;
    uint32_t *fam_conf = kin__arena_array(m->arena, nf, sizeof(*fam_conf));
    uint32_t *act_conf = kin__arena_array(m->arena, na, sizeof(*act_conf));
    if (!fam_conf || !act_conf) {
        return KIN_NOMEM;
    }
    size_t best_fam = SIZE_MAX, best_act = SIZE_MAX;
    KIN_TRY(kin__match_links(m, r));
    kin__match_confidences(m, fam_conf, act_conf, &best_fam, &best_act);
    kin__match_verdict(m, fam_conf, act_conf, best_fam, best_act, r);
    KIN_TRY(family_candidates(m, fam_conf, top, r));
    KIN_TRY(actor_candidates(m, act_conf, top, r));
    KIN_TRY(evidence(m, max_ev, r));
    if (!(o && o->no_whole_file)) {
        KIN_TRY(whole_file(m, r));
    }
    KIN_TRY(kin__match_indicators(m, r));
    KIN_TRY(kin__match_claim_labels(m, r));
    struct lines c, n;
    memset(&c, 0, sizeof(c));
    memset(&n, 0, sizeof(n));
    caveats(m, r, &c);
    next_steps(m, r, &n);
    if (c.nomem || n.nomem) {
        return KIN_NOMEM;
    }
    r->caveats = c.v;
    r->caveat_count = c.count;
    r->next_steps = n.v;
    r->next_step_count = n.count;
    return KIN_OK;
}

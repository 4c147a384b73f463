/*
 * links.c: module links in an attribution: the query and indexed samples tied by the module
 * names of their headers (KIN_IOC_MODULE: the name a file gives itself; KIN_IOC_LOADS: the
 * modules it imports from), which the index keeps with the indicators. Code cannot tie a
 * program to the library it loads when they share no code; the import table can: a sample
 * that imports from "libvips-cpp", which an indexed family is, belongs to that family's tool
 * set. The rules (docs/decisions/0004-module-links.md):
 *
 * - "loads" and "loaded-by" links to a name held by fewer than KIN_IOC_UBIQUITOUS_FAMILIES
 *   families, none a library, lift the linked actor in the ranking by link_rank_bonus (an
 *   actor so linked is listed even without shared code);
 * - a "same-name" link (the query calls itself what a family's samples call themselves) makes
 *   that family a possible version whatever its size (verdict.c's variant test); and when the
 *   code points to a family of an actor but the query bears the module name of another family
 *   of the same actor, not of the first, the family is left open: the actor is claimed, the
 *   named family ranked first (siblings built from one template can be closer in code than
 *   the versions of one family are to each other);
 * - "same-import" links are listed only;
 * - no link makes a claim on its own (a claim still needs the code's confidence): names are
 *   chosen by whoever builds a file, are trivially copied, and generic ones ("core", "helper")
 *   recur across unrelated projects.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"
#include "match_int.h"

/* Relations, in report order. */
enum { REL_LOADS, REL_LOADED_BY, REL_SAME_NAME, REL_SAME_IMPORT };
static const char *const rel_names[] = {"loads", "loaded-by", "same-name", "same-import"};

struct link_ev {
    struct kin_evidence_link out;
    int rel;
    size_t family_slot; /* SIZE_MAX when unlabelled */
};

struct link_ctx {
    struct match_state *m;
    const int *rels; /* per key */
    struct link_ev *v;
    size_t count, cap;
    kin_status st;
};

static const char *copy(struct link_ctx *c, const char *s)
{
    return kin__match_copy(c->m, s, &c->st);
}

static kin_status push(struct link_ctx *c, const struct link_ev *e)
{
    if (!kin__arena_vec_reserve(c->m->arena, (void **)&c->v, c->count, &c->cap, sizeof(*c->v))) {
        return KIN_NOMEM;
    }
    c->v[c->count++] = *e;
    return KIN_OK;
}

static int on_shared(void *ctx, const struct store_ioc_shared *sh)
{
    struct link_ctx *c = ctx;
    struct match_state *m = c->m;
    uint64_t samples = 0, families = 0, left = 0;
    int library = 0;
    int64_t last = -1;
    /* Holders come ordered by family, then sample: count, then keep one per family. */
    for (size_t i = 0; i < sh->holder_count; i++) {
        const struct store_ioc_holder *h = &sh->holders[i];
        if (kin__match_holder_left_out(m, h)) {
            left++;
            continue;
        }
        samples++;
        library |= h->family_kind == KIN_FAMILY_LIBRARY;
        families += h->family && h->family != last;
        last = h->family ? h->family : last;
    }
    if (samples == 0) {
        return 0; /* held only by samples left out: as if not indexed */
    }
    if (sh->holder_count < sh->freq.samples) {
        samples = sh->freq.samples - left;
        families = sh->freq.families;
    }
    const char *ubiquitous = library                                   ? "held by a library family"
                             : families >= KIN_IOC_UBIQUITOUS_FAMILIES ? "held by many families"
                                                                       : NULL;
    int rel = c->rels[sh->query_index];
    last = -1;
    size_t first = c->count;
    /* One entry per family holding it; a ubiquitous name is listed once (it ties nothing). */
    for (size_t i = 0; i < sh->holder_count && c->st == KIN_OK && !(ubiquitous && c->count > first);
         i++) {
        const struct store_ioc_holder *h = &sh->holders[i];
        if (kin__match_holder_left_out(m, h) || (h->family && h->family == last)) {
            continue;
        }
        const struct match_family *f = h->family ? kin__match_family(m, h->family) : NULL;
        last = h->family ? h->family : last;
        struct link_ev e;
        memset(&e, 0, sizeof(e));
        e.rel = rel;
        e.family_slot = f ? f->slot : SIZE_MAX;
        e.out.relation = rel_names[rel];
        e.out.module = copy(c, sh->value);
        e.out.sample = copy(c, h->sha256);
        e.out.family = copy(c, h->family_name);
        e.out.actor = copy(c, h->actor);
        e.out.version = copy(c, h->version);
        e.out.families = (uint32_t)(families > UINT32_MAX ? UINT32_MAX : families);
        e.out.samples = samples;
        e.out.ubiquitous = ubiquitous;
        if (c->st == KIN_OK) {
            c->st = push(c, &e);
        }
    }
    return c->st != KIN_OK;
}

/* Evidence first, then relation, then family name and module. */
static int ev_cmp(const void *pa, const void *pb)
{
    const struct link_ev *a = pa, *b = pb;
    int ua = a->out.ubiquitous != NULL, ub = b->out.ubiquitous != NULL;
    if (ua != ub) {
        return ua - ub;
    }
    if (a->rel != b->rel) {
        return a->rel < b->rel ? -1 : 1;
    }
    int k = strcmp(a->out.family, b->out.family);
    return k ? k : strcmp(a->out.module, b->out.module);
}

kin_status kin__match_links(struct match_state *m, struct kin_attribution_report *r)
{
    r->links = NULL;
    r->link_count = 0;
    m->act_linked = kin__arena_array(m->arena, m->actor_count ? m->actor_count : 1, 1);
    m->fam_named = kin__arena_array(m->arena, m->family_count ? m->family_count : 1, 1);
    if (!m->act_linked || !m->fam_named) {
        return KIN_NOMEM;
    }
    /* Each module name of the query is looked up in the two roles that tie it to another. */
    size_t n = 0;
    for (size_t i = 0; i < m->q->ioc_count; i++) {
        uint32_t t = m->q->iocs[i].type;
        n += (t == KIN_IOC_MODULE || t == KIN_IOC_LOADS) ? 2u : 0u;
    }
    if (n == 0) {
        return KIN_OK;
    }
    struct store_ioc *keys = kin__arena_array(m->arena, n, sizeof(*keys));
    int *rels = kin__arena_array(m->arena, n, sizeof(*rels));
    if (!keys || !rels) {
        return KIN_NOMEM;
    }
    n = 0;
    for (size_t i = 0; i < m->q->ioc_count; i++) {
        const struct store_ioc *q = &m->q->iocs[i];
        if (q->type != KIN_IOC_MODULE && q->type != KIN_IOC_LOADS) {
            continue;
        }
        int loads = q->type == KIN_IOC_LOADS;
        keys[n] = *q;
        keys[n].type = KIN_IOC_MODULE;
        rels[n++] = loads ? REL_LOADS : REL_SAME_NAME;
        keys[n] = *q;
        keys[n].type = KIN_IOC_LOADS;
        rels[n++] = loads ? REL_SAME_IMPORT : REL_LOADED_BY;
    }
    struct link_ctx c;
    memset(&c, 0, sizeof(c));
    c.m = m;
    c.rels = rels;
    kin_status st = kin__store_shared_ioc_values(m->store, keys, n, 0, on_shared, &c);
    if (st == KIN_OK) {
        st = c.st;
    }
    if (st != KIN_OK) {
        return st;
    }
    for (size_t i = 0; i < c.count; i++) {
        const struct link_ev *e = &c.v[i];
        if (e->out.ubiquitous || e->family_slot == SIZE_MAX) {
            continue;
        }
        if (e->rel == REL_LOADS || e->rel == REL_LOADED_BY) {
            m->act_linked[kin__match_actor_slot(m, &m->families[e->family_slot])] = 1;
        } else if (e->rel == REL_SAME_NAME && m->p->module_names) {
            m->fam_named[e->family_slot] = 1;
        }
    }
    if (c.count > 1) {
        qsort(c.v, c.count, sizeof(*c.v), ev_cmp);
    }
    size_t keep = c.count < KIN_MAX_REPORT_LINKS ? c.count : KIN_MAX_REPORT_LINKS;
    struct kin_evidence_link *out = kin__arena_array(m->arena, keep ? keep : 1, sizeof(*out));
    if (!out) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < keep; i++) {
        out[i] = c.v[i].out;
    }
    r->links = out;
    r->link_count = keep;
    return KIN_OK;
}

size_t kin__match_name_conflict(const struct match_state *m, size_t f)
{
    if (!m->fam_named || f >= m->family_count || m->fam_named[f] || m->families[f].actor <= 0) {
        return SIZE_MAX;
    }
    size_t best = SIZE_MAX;
    for (size_t g = 0; g < m->family_count; g++) {
        if (g != f && m->fam_named[g] && m->families[g].actor == m->families[f].actor &&
            m->fam_agg[g].functions &&
            (best == SIZE_MAX || m->fam_agg[g].score > m->fam_agg[best].score)) {
            best = g;
        }
    }
    return best;
}

/*
 * indicators.c: indicators as their own class of evidence in an attribution (issue #5): the
 * values the query shares with indexed samples (kin__store_shared_ioc_values()), excluded
 * samples left out, and what they do to the claim code made (verdict.c). The rules
 * (docs/decisions/0003-indicators-in-the-index.md, "In attribution"):
 *
 * - a value held by KIN_IOC_UBIQUITOUS_FAMILIES families or more, or by a library family, is
 *   listed and weighs nothing (built-in list values never reach the index);
 * - values held by the claimed family, or by a family of the claimed actor, strengthen the
 *   claim: IOC_STRONG_BONUS per strong value, IOC_WEAK_BONUS per weak one, IOC_MAX_BONUS in all;
 * - without a claim, only crypto-currency addresses and onion names can lift the strongest
 *   candidate (or, with no code candidate, the one family they point to) to a claim, never past
 *   IOC_ALONE_MAX (Med): one kind of evidence, and forgeable (anyone can paste a wallet), so it
 *   is marked circumstantial. Other types never create a claim: benign programs share hosts and
 *   e-mail addresses of the libraries they embed;
 * - nothing changes on an index too small to judge rarity (verdict.c's small_index).
 */
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"
#include "../ioc/ioc.h"
#include "match_int.h"

#define IOC_STRONG_BONUS 15u
#define IOC_WEAK_BONUS   5u
#define IOC_MAX_BONUS    25u
#define IOC_CONF_MAX     95u /* as code: never certainty */
#define IOC_ALONE_BASE   20u /* a candidate without code confidence, before its indicators */
#define IOC_ALONE_MAX    45u /* Med: indicators never carry a claim further */
#define IOC_CLAIM_MIN    30u /* verdict.c's claim threshold (STIX Med) */

/* A shared value as collected, before ranking. */
struct ioc_ev {
    struct kin_evidence_indicator out;
    int rank;               /* kin__ioc_evidence_rank() */
    int64_t only_family;    /* the one labelled family holding it, 0 when none or several */
    const char *only_name;  /* that family's name */
    const char *only_actor; /* and its actor's ("" when none) */
};

struct ioc_ctx {
    struct match_state *m;
    const char *target_family; /* claimed family, or the strongest code candidate's */
    const char *target_actor;  /* claimed actor (known-actor) */
    struct ioc_ev *v;
    size_t count, cap;
    kin_status st;
};

static const char *copy(struct ioc_ctx *c, const char *s)
{
    return kin__match_copy(c->m, s, &c->st);
}

static int on_shared(void *ctx, const struct store_ioc_shared *sh)
{
    struct ioc_ctx *c = ctx;
    struct match_state *m = c->m;
    const struct store_ioc_holder *rep = NULL;
    if (sh->type == KIN_IOC_MODULE || sh->type == KIN_IOC_LOADS) {
        return 0; /* module names are links (links.c), not indicators */
    }
    uint64_t samples = 0, families = 0, left = 0;
    int64_t last_family = -1, only = 0;
    int library = 0, supports = 0;
    const char *only_name = "", *only_actor = "";
    /* Holders come ordered by family: distinct families are counted in one pass. */
    for (size_t i = 0; i < sh->holder_count; i++) {
        const struct store_ioc_holder *h = &sh->holders[i];
        if (kin__match_holder_left_out(m, h)) {
            left++;
            continue;
        }
        samples++;
        library |= h->family_kind == KIN_FAMILY_LIBRARY;
        if (h->family && h->family != last_family) {
            families++;
            only = families == 1 ? h->family : 0;
            only_name = h->family_name;
            only_actor = h->actor;
        }
        last_family = h->family;
        int in_target = (c->target_family && strcmp(h->family_name, c->target_family) == 0) ||
                        (c->target_actor && *h->actor && strcmp(h->actor, c->target_actor) == 0);
        if (!rep || (in_target && !supports)) {
            rep = h;
        }
        supports |= in_target;
    }
    if (!rep) {
        return 0; /* held only by samples left out: as if not indexed */
    }
    struct ioc_ev e;
    memset(&e, 0, sizeof(e));
    const char *ubiquitous = sh->ubiquitous;
    if (sh->holder_count >= sh->freq.samples) {
        /* Every holder was seen: judge ubiquity without the samples left out. */
        ubiquitous = library                                   ? "held by a library family"
                     : families >= KIN_IOC_UBIQUITOUS_FAMILIES ? "held by many families"
                                                               : NULL;
    } else {
        samples = sh->freq.samples - left;
        families = sh->freq.families;
    }
    e.out.type = kin_ioc_type_name(sh->type);
    e.out.value = copy(c, sh->value);
    e.out.sample = copy(c, rep->sha256);
    e.out.family = copy(c, rep->family_name);
    e.out.actor = copy(c, rep->actor);
    e.out.families = (uint32_t)(families > UINT32_MAX ? UINT32_MAX : families);
    e.out.samples = samples;
    e.out.strong = sh->strong;
    e.out.supports = supports && !ubiquitous;
    e.out.ubiquitous = ubiquitous;
    e.rank = kin__ioc_evidence_rank(sh->type);
    e.only_family = families == 1 ? only : 0;
    e.only_name = copy(c, only_name);
    e.only_actor = copy(c, only_actor);
    if (c->st != KIN_OK ||
        !kin__arena_vec_reserve(m->arena, (void **)&c->v, c->count, &c->cap, sizeof(*c->v))) {
        c->st = KIN_NOMEM;
        return 1;
    }
    c->v[c->count++] = e;
    return 0;
}

/* Evidence before ubiquitous values, supporting first, then strongest type, rarest. */
static int ev_cmp(const void *pa, const void *pb)
{
    const struct ioc_ev *a = pa, *b = pb;
    int ua = a->out.ubiquitous != NULL, ub = b->out.ubiquitous != NULL;
    if (ua != ub) {
        return ua - ub;
    }
    if (a->out.supports != b->out.supports) {
        return b->out.supports - a->out.supports;
    }
    if (a->rank != b->rank) {
        return a->rank < b->rank ? -1 : 1;
    }
    if (a->out.families != b->out.families) {
        return a->out.families < b->out.families ? -1 : 1;
    }
    return strcmp(a->out.value, b->out.value);
}

static int is_money(const struct ioc_ev *e)
{
    /* Crypto-currency addresses and onion names: kin__ioc_evidence_rank() 0 and 1. */
    return e->rank >= 0 && e->rank <= 1 && !e->out.ubiquitous;
}

/* With no claim: the family crypto-currency and onion values point to, when it is one. */
static const struct ioc_ev *money_family(const struct ioc_ctx *c, const char *target)
{
    const struct ioc_ev *first = NULL;
    for (size_t i = 0; i < c->count; i++) {
        const struct ioc_ev *e = &c->v[i];
        if (!is_money(e)) {
            continue;
        }
        if (target ? !e->out.supports : !e->only_family) {
            continue;
        }
        if (!first) {
            first = e;
        } else if (!target && e->only_family != first->only_family) {
            return NULL; /* they point to different families: no claim */
        }
    }
    return first;
}

/* Applies the rules of the header to the verdict in r. */
static void adjust(struct match_state *m, struct ioc_ctx *c, struct kin_attribution_report *r)
{
    uint32_t bonus = 0, money = 0;
    for (size_t i = 0; i < c->count; i++) {
        const struct ioc_ev *e = &c->v[i];
        if (e->out.supports) {
            bonus += e->out.strong ? IOC_STRONG_BONUS : IOC_WEAK_BONUS;
            money += is_money(e);
        }
    }
    bonus = bonus > IOC_MAX_BONUS ? IOC_MAX_BONUS : bonus;
    if (m->small_index) {
        return;
    }
    if (r->verdict != KIN_VERDICT_UNATTRIBUTED) {
        uint32_t conf = r->confidence + bonus;
        r->confidence = conf > IOC_CONF_MAX ? IOC_CONF_MAX : conf;
        if (bonus) {
            m->ioc_caveat = "Indicators the claimed family or actor holds too strengthen the "
                            "claim (they are listed); they are forgeable and were not used alone.";
        }
        return;
    }
    const struct ioc_ev *e = money_family(c, c->target_family);
    if (!e) {
        return;
    }
    uint32_t base = c->target_family ? r->confidence : 0;
    base = base > IOC_ALONE_BASE ? base : IOC_ALONE_BASE;
    uint32_t conf = base + IOC_STRONG_BONUS * (money ? money : 1);
    conf = conf > IOC_ALONE_MAX ? IOC_ALONE_MAX : conf;
    if (conf < IOC_CLAIM_MIN) {
        return;
    }
    if (!c->target_family) {
        /* The values pointing to the claimed family now support the claim. */
        for (size_t i = 0; i < c->count; i++) {
            c->v[i].out.supports |= is_money(&c->v[i]) && c->v[i].only_family == e->only_family;
        }
    }
    r->verdict = KIN_VERDICT_KNOWN_FAMILY;
    r->family = c->target_family ? c->target_family : e->only_name;
    const char *actor = c->target_family ? r->families[0].actor : e->only_actor;
    r->actor = *actor ? actor : NULL;
    r->confidence = conf;
    r->circumstantial = 1;
    m->ioc_alone = 1;
    m->ioc_caveat = "The claim rests on a shared crypto-currency address or onion name, with too "
                    "little code for a claim of its own: anyone can copy such a value (copycats "
                    "reuse ransom wallets), so it is circumstantial.";
    m->ioc_next_step = "Look the shared address up on its chain (payments, clustering) and find "
                       "code evidence before relying on this claim.";
}

kin_status kin__match_indicators(struct match_state *m, struct kin_attribution_report *r)
{
    struct ioc_ctx c;
    memset(&c, 0, sizeof(c));
    c.m = m;
    r->indicators = NULL;
    r->indicator_count = 0;
    if (!m->q->ioc_count) {
        return KIN_OK;
    }
    if (r->verdict == KIN_VERDICT_KNOWN_ACTOR) {
        c.target_actor = r->actor;
    } else if (r->verdict == KIN_VERDICT_KNOWN_FAMILY) {
        c.target_family = r->family;
    } else if (r->family_count > 0) {
        c.target_family = r->families[0].name;
    }
    kin_status st =
        kin__store_shared_ioc_values(m->store, m->q->iocs, m->q->ioc_count, 0, on_shared, &c);
    if (st == KIN_OK) {
        st = c.st;
    }
    if (st != KIN_OK) {
        return st;
    }
    if (c.count > 1) {
        qsort(c.v, c.count, sizeof(*c.v), ev_cmp);
    }
    adjust(m, &c, r);
    size_t n = c.count < KIN_MAX_REPORT_IOCS ? c.count : KIN_MAX_REPORT_IOCS;
    struct kin_evidence_indicator *out = kin__arena_array(m->arena, n ? n : 1, sizeof(*out));
    if (!out) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = c.v[i].out;
    }
    r->indicators = out;
    r->indicator_count = n;
    return KIN_OK;
}

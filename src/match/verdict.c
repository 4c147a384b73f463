/*
 * verdict.c: from the family and actor aggregates of score.c to a claim, at one of three levels
 * (docs/ATTRIBUTION.md): known-family (a variant of an indexed family), known-actor (a family
 * not indexed, tied by code to an indexed actor) or unattributed (kin abstains). Never a claim
 * about an organisation or a person.
 *
 * The decision rests on code found in one family only (for a family) or in one actor only (for
 * an actor), as a share of the query's informative code, and on the margin over the runner-up.
 * Confidence is a calibrated function of those shares, capped when the unique code is small
 * (a few functions can be copied or planted), and a claim needs at least Med (30): below, kin
 * abstains and reports the strongest candidate's confidence. The thresholds and the curve were
 * fitted on the dev corpus (docs/ATTRIBUTION-ENGINE.md, "Calibration").
 */
#include <math.h>
#include <string.h>

#include "match_int.h"

void kin__match_params_default(struct match_params *p)
{
    memset(p, 0, sizeof(*p));
    p->min_size = 48;
    p->min_distinct = 16;
    p->max_query_dups = 8;
    p->max_samples = 1024;
    p->max_families = 16;
    p->min_families = 8;
    p->max_family_share = 0.25;
    p->min_bands = 2;
    p->common_bands = 4;
    p->top_families = 12;
    p->top_samples = 3;
    p->min_similarity = 0.5;
    p->family_unique = 0.10;
    p->family_score = 0.15;
    p->family_margin = 2.0;
    p->actor_unique = 0.10;
    p->actor_score = 0.10;
    p->min_unique_size = 2048;
    p->min_unique_funcs = 8;
}

/* The claim threshold: STIX Med. Below it, kin abstains. */
#define CLAIM_MIN 30u
/* Highest confidence of a candidate resting on little unique code, or of any candidate of an
 * index too small to tell runtime code from family code: Low, so kin abstains. */
#define LITTLE_CODE_MAX 25.0
/* Actors an index needs (without a library family) before rarity means anything. */
#define MIN_ACTORS 3u

static uint32_t clamp_conf(double v)
{
    if (!(v > 0)) {
        return 0;
    }
    if (v >= 100) {
        return 100;
    }
    return (uint32_t)lround(v);
}

/*
 * Confidence from a unique share u, a rarity-weighted share sc, the margin over the runner-up
 * and the amount of unique code. The share terms saturate: half the informative code unique to
 * a family is as strong as code gets.
 */
static uint32_t confidence_of(const struct match_params *p,
                              const struct match_agg *a,
                              double u,
                              double sc,
                              double margin,
                              double unique_min,
                              double score_min)
{
    if (a->unique_functions == 0 || u <= 0) {
        return 0;
    }
    double su = u / unique_min, ss = sc / score_min;
    double strength = su < ss ? su : ss;
    double m = margin / 2.0;
    if (m < strength) {
        strength = m;
    }
    /* strength 1 (the thresholds just met) maps to 50; the curve saturates towards 95. */
    double conf = 95.0 * (1.0 - exp(-strength * 0.73));
    if (a->unique_size < p->min_unique_size || a->unique_functions < p->min_unique_funcs) {
        /* A few functions can be copied, planted or generic: never enough for a claim. */
        conf = conf > LITTLE_CODE_MAX ? LITTLE_CODE_MAX : conf;
    }
    return clamp_conf(conf);
}

static double share(double x, double d)
{
    return d > 0 ? x / d : 0;
}

/*
 * Rarity needs something to be rare against: with fewer than MIN_ACTORS actors (a family without
 * actor counts as one) and no library family, runtime code looks unique to whatever family holds
 * it, so no candidate may reach a claim.
 */
static int small_index(const struct match_state *m)
{
    int64_t seen[MIN_ACTORS];
    size_t n = 0;
    for (size_t f = 0; f < m->family_count; f++) {
        const struct match_family *fam = &m->families[f];
        if (fam->excluded) {
            continue;
        }
        if (fam->kind == KIN_FAMILY_LIBRARY) {
            return 0;
        }
        int64_t key = kin__match_actor_key(fam, 0);
        size_t i = 0;
        while (i < n && seen[i] != key) {
            i++;
        }
        if (i == n) {
            if (n + 1 == MIN_ACTORS) {
                return 0;
            }
            seen[n++] = key;
        }
    }
    return 1;
}

/* Fills the confidence of every family and actor with matched code. */
void kin__match_confidences(struct match_state *m,
                            uint32_t *fam_conf,
                            uint32_t *act_conf,
                            size_t *best_fam,
                            size_t *best_act)
{
    const struct match_params *p = m->p;
    double top1 = 0, top2 = 0;
    *best_fam = SIZE_MAX;
    m->small_index = small_index(m);
    for (size_t f = 0; f < m->family_count; f++) {
        double sc = m->fam_agg[f].score;
        if (m->families[f].excluded || m->families[f].kind == KIN_FAMILY_LIBRARY ||
            !m->fam_agg[f].functions) {
            continue;
        }
        if (sc > top1) {
            top2 = top1;
            top1 = sc;
            *best_fam = f;
        } else if (sc > top2) {
            top2 = sc;
        }
    }
    for (size_t f = 0; f < m->family_count; f++) {
        const struct match_agg *a = &m->fam_agg[f];
        double other = f == *best_fam ? top2 : top1;
        double margin = other > 0 ? a->score / other : 1e9;
        fam_conf[f] =
            confidence_of(p, a, share(a->unique, m->denom_family), share(a->score, m->denom_family),
                          margin, p->family_unique, p->family_score);
    }
    top1 = top2 = 0;
    *best_act = SIZE_MAX;
    for (size_t i = 0; i < m->actor_count; i++) {
        double sc = m->act_agg[i].score;
        if (m->actors[i].solo || !m->act_agg[i].functions) {
            continue;
        }
        if (sc > top1) {
            top2 = top1;
            top1 = sc;
            *best_act = i;
        } else if (sc > top2) {
            top2 = sc;
        }
    }
    for (size_t i = 0; i < m->actor_count; i++) {
        const struct match_agg *a = &m->act_agg[i];
        double other = i == *best_act ? top2 : top1;
        double margin = other > 0 ? a->score / other : 1e9;
        act_conf[i] = m->actors[i].solo ? 0
                                        : confidence_of(p, a, share(a->unique, m->denom_actor),
                                                        share(a->score, m->denom_actor), margin,
                                                        p->actor_unique, p->actor_score);
    }
    if (m->small_index) {
        for (size_t f = 0; f < m->family_count; f++) {
            fam_conf[f] = fam_conf[f] > LITTLE_CODE_MAX ? (uint32_t)LITTLE_CODE_MAX : fam_conf[f];
        }
        for (size_t i = 0; i < m->actor_count; i++) {
            act_conf[i] = act_conf[i] > LITTLE_CODE_MAX ? (uint32_t)LITTLE_CODE_MAX : act_conf[i];
        }
    }
}

void kin__match_verdict(struct match_state *m,
                        const uint32_t *fam_conf,
                        const uint32_t *act_conf,
                        size_t best_fam,
                        size_t best_act,
                        struct kin_attribution_report *r)
{
    const struct match_params *p = m->p;
    r->verdict = KIN_VERDICT_UNATTRIBUTED;
    r->confidence = 0;
    uint32_t fc = best_fam != SIZE_MAX ? fam_conf[best_fam] : 0;
    uint32_t ac = best_act != SIZE_MAX ? act_conf[best_act] : 0;
    if (best_fam != SIZE_MAX && fc >= CLAIM_MIN) {
        const struct match_family *f = &m->families[best_fam];
        r->verdict = KIN_VERDICT_KNOWN_FAMILY;
        r->family = f->name;
        r->actor = f->actor > 0 ? f->actor_name : NULL;
        r->confidence = fc;
    } else if (best_act != SIZE_MAX && ac >= CLAIM_MIN) {
        r->verdict = KIN_VERDICT_KNOWN_ACTOR;
        r->actor = m->actors[best_act].name;
        r->confidence = ac;
    } else {
        r->confidence = fc > ac ? fc : ac;
    }
    /* Circumstantial: a claim (or the best candidate) resting on little unique code. */
    const struct match_agg *a = NULL;
    if (r->verdict == KIN_VERDICT_KNOWN_FAMILY ||
        (r->verdict == KIN_VERDICT_UNATTRIBUTED && best_fam != SIZE_MAX && fc >= ac)) {
        a = &m->fam_agg[best_fam];
    } else if (best_act != SIZE_MAX) {
        a = &m->act_agg[best_act];
    }
    r->circumstantial =
        a && r->confidence > 0 &&
        (a->unique_size < p->min_unique_size || a->unique_functions < p->min_unique_funcs);
}

/*
 * verdict.c: from the family and actor aggregates of score.c to a claim, at one of three levels
 * (docs/ATTRIBUTION.md): known-family (a variant of an indexed family), known-actor (a family
 * not indexed, tied by code to an indexed actor) or unattributed (kin abstains). Never a claim
 * about an organisation or a person.
 *
 * The decision rests on code found in one family only (for a family) or in one actor only (for
 * an actor), as a share of the query's informative code, and on the margin over the runner-up.
 * Confidence is a calibrated function of those shares, capped when the unique code is small
 * (a few functions can be copied or planted) or the index too small to judge rarity. A claim
 * needs at least Med (30): below, kin abstains and reports the strongest candidate's confidence.
 * Shared indicators adjust the verdict afterwards (indicators.c).
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
    p->rarity_bands = 2;
    p->common_bands = 4;
    p->top_families = 12;
    p->top_samples = 3;
    p->min_similarity = 0.5;
    p->min_unique_size = 2048;
    p->min_unique_funcs = 8;
    p->claim_family_size = 65536;
    p->claim_family_share = 0.4;
    p->claim_family_share_size = 32768;
    p->claim_small_family_size = 8192;
    p->claim_actor_share = 0.5;
    p->variant_size_ratio = 1.5;
    p->contained_ratio = 4.0;
    /*
     * Above the crumbs unrelated programs share (a few percent of runtime code escaping the
     * caps), below what real shared code gives (a tenth and more): decision 0004.
     */
    p->link_rank_bonus = 0.05;
    p->module_names = 1;
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
 * The calibrated confidence curves (docs/ATTRIBUTION-ENGINE.md, "Calibration"): a logistic model
 * of "this candidate is the truth" fitted by bench/calibrate_attribution.py on the three
 * leave-one-out protocols of the dev corpus, on three monotone features: the candidate's unique
 * share u, its rarity-weighted share s and its margin over the best other candidate m.
 *   p = 1 / (1 + exp(-(w0 + wu ln(u + 0.005) + ws ln(s + 0.005) + wm ln(min(m, 20)))))
 */
struct curve {
    double w0, wu, ws, wm;
};

static const struct curve family_curve = {0.287, 0.398, 0.635, 0.458};
static const struct curve actor_curve = {0.937, 0.755, 0.105, 0.650};

/* Most a confidence from code may reach: code alone is never certain. */
#define CONF_MAX 95.0

/* Which claim a candidate stands for. */
enum level { LEVEL_FAMILY, LEVEL_ACTOR };

/*
 * Enough code found in the candidate alone to carry a claim (docs/ATTRIBUTION-ENGINE.md section
 * 5): at least min_unique_funcs functions and min_unique_size bytes, and for a family
 * claim_family_size bytes, or claim_family_share of the informative code with
 * claim_family_share_size bytes, or for a small program claim_actor_share with
 * claim_small_family_size bytes (decision 0006: what an actor claim needs, so that a small
 * program an actor claim would name is named as its family, and no claim is made that the actor
 * gate would refuse); for an actor claim_actor_share of the informative code. On the dev corpus,
 * a runtime version that only one other family of the index holds (one Go release's runtime, one
 * MSVC CRT build) looked unique to it and reached 20-100 KB: below these gates kin abstains.
 */
static int
enough_code(const struct match_params *p, const struct match_agg *a, double u, enum level level)
{
    if (a->unique_functions < p->min_unique_funcs || a->unique_size < p->min_unique_size) {
        return 0;
    }
    if (level == LEVEL_ACTOR) {
        return u >= p->claim_actor_share;
    }
    return a->unique_size >= p->claim_family_size ||
           (u >= p->claim_family_share && a->unique_size >= p->claim_family_share_size) ||
           (u >= p->claim_actor_share && a->unique_size >= p->claim_small_family_size);
}

static uint32_t confidence_of(const struct match_params *p,
                              const struct curve *w,
                              const struct match_agg *a,
                              double u,
                              double sc,
                              double margin,
                              enum level level)
{
    if (a->unique_functions == 0 || u <= 0) {
        return 0;
    }
    double m = margin > 20 ? 20 : margin;
    double z = w->w0 + w->wu * log(u + 0.005) + w->ws * log(sc + 0.005) + w->wm * log(m);
    double conf = 100.0 / (1.0 + exp(-z));
    if (!enough_code(p, a, u, level)) {
        /* Copied, planted, generic or runtime code can be this little: never a claim. */
        return clamp_conf(conf > LITTLE_CODE_MAX ? LITTLE_CODE_MAX : conf);
    }
    return clamp_conf(conf > CONF_MAX ? CONF_MAX : conf);
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

/*
 * Containment both ways (docs/ATTRIBUTION-ENGINE.md section 5): the family shares say how much of
 * the query a family holds. A variant also resembles the family's sample as a whole; a program
 * that is part of a bigger one (a plug-in built from the same code base) or that contains a
 * smaller one is held by it as well, but is not its variant. Without the candidate's code at
 * hand, the size of its best sample stands for it: a family whose best sample is more than
 * variant_size_ratio times bigger or smaller than the query is not a variant candidate.
 */
int kin__match_family_variant(const struct match_state *m, size_t f)
{
    if (m->fam_named && m->fam_named[f]) {
        return 1; /* the query bears the module name its samples bear (links.c): a version */
    }
    double r = m->fam_agg[f].size_ratio, k = m->p->variant_size_ratio;
    if (!(r > 0) || !(k > 0)) {
        return 1; /* size unknown, or the test is off */
    }
    return r <= k && r * k >= 1.0;
}

/*
 * Containment at the actor level (decision 0007): when the actor's sample sharing the most code
 * with the query is contained_ratio times the query's size or more, the query's code is a part
 * of that bigger program: a component of it, the actor's own or one the actor took from
 * elsewhere. Code cannot tell which: zstd's command-line program is held, on the combined
 * corpora, only inside turborepo (whose Rust build links libzstd), and it is no turborepo tool.
 */
int kin__match_actor_contained(const struct match_state *m, size_t a)
{
    double k = m->p->contained_ratio;
    return k > 0 && m->act_agg[a].size_ratio >= k;
}

/*
 * A variant candidate ranks before the others only if it holds a tenth of the best family score:
 * a family of the right size holding next to nothing (0.1 % of the code) says less than one of
 * another size holding much.
 */
#define VARIANT_MIN_SCORE 0.1

int kin__match_family_tier(const struct match_state *m, size_t f)
{
    return kin__match_family_variant(m, f) &&
           m->fam_agg[f].score >= VARIANT_MIN_SCORE * m->family_top;
}

/* Fills the confidence of every family and actor with matched code. */
void kin__match_confidences(struct match_state *m,
                            uint32_t *fam_conf,
                            uint32_t *act_conf,
                            size_t *best_fam,
                            size_t *best_act)
{
    const struct match_params *p = m->p;
    double top1 = 0, top2 = 0, best = 0;
    size_t top_slot = SIZE_MAX;
    int best_variant = 0;
    *best_fam = SIZE_MAX;
    m->contained_actor = SIZE_MAX;
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
            top_slot = f;
        } else if (sc > top2) {
            top2 = sc;
        }
    }
    m->family_top = top1;
    for (size_t f = 0; f < m->family_count; f++) {
        double sc = m->fam_agg[f].score;
        if (m->families[f].excluded || m->families[f].kind == KIN_FAMILY_LIBRARY ||
            !m->fam_agg[f].functions) {
            continue;
        }
        /* The best candidate: the first tier (a variant candidate) first, then the score. */
        int v = kin__match_family_tier(m, f);
        if (*best_fam == SIZE_MAX || v > best_variant || (v == best_variant && sc > best)) {
            *best_fam = f;
            best = sc;
            best_variant = v;
        }
    }
    for (size_t f = 0; f < m->family_count; f++) {
        const struct match_agg *a = &m->fam_agg[f];
        /* The margin is over every other family, variant candidate or not. */
        double other = f == top_slot ? top2 : top1;
        double margin = other > 0 ? a->score / other : 1e9;
        fam_conf[f] = confidence_of(p, &family_curve, a, share(a->unique, m->denom_family),
                                    share(a->score, m->denom_family), margin, LEVEL_FAMILY);
        if (!kin__match_family_variant(m, f)) {
            /* Not a variant: the code may still tie the query to the family's actor. */
            fam_conf[f] = fam_conf[f] > LITTLE_CODE_MAX ? (uint32_t)LITTLE_CODE_MAX : fam_conf[f];
        }
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
        act_conf[i] = m->actors[i].solo
                          ? 0
                          : confidence_of(p, &actor_curve, a, share(a->unique, m->denom_actor),
                                          share(a->score, m->denom_actor), margin, LEVEL_ACTOR);
        if (kin__match_actor_contained(m, i) && act_conf[i] > LITTLE_CODE_MAX) {
            /* A component of a bigger program: its own or borrowed, code cannot say. */
            if (i == *best_act && act_conf[i] >= CLAIM_MIN) {
                m->contained_actor = i;
            }
            act_conf[i] = (uint32_t)LITTLE_CODE_MAX;
        }
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
    m->name_family = kin__match_name_conflict(m, best_fam);
    m->name_overruled = m->name_family != SIZE_MAX ? best_fam : SIZE_MAX;
    if (best_fam != SIZE_MAX && fc >= CLAIM_MIN && m->name_family != SIZE_MAX) {
        /* The code names the actor; its families disagree (links.c): claim the actor only. */
        r->verdict = KIN_VERDICT_KNOWN_ACTOR;
        r->actor = m->families[best_fam].actor_name;
        r->confidence = fc;
    } else if (best_fam != SIZE_MAX && fc >= CLAIM_MIN) {
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
    /*
     * Circumstantial: the candidate reported (claimed, or the strongest one kin abstained on)
     * rests on too little code found in it alone: weak evidence, or one kind of it.
     */
    if (r->verdict == KIN_VERDICT_KNOWN_FAMILY ||
        (r->verdict == KIN_VERDICT_UNATTRIBUTED && best_fam != SIZE_MAX && fc >= ac)) {
        const struct match_agg *a = &m->fam_agg[best_fam];
        r->circumstantial = r->confidence > 0 &&
                            !enough_code(p, a, share(a->unique, m->denom_family), LEVEL_FAMILY);
    } else if (best_act != SIZE_MAX) {
        const struct match_agg *a = &m->act_agg[best_act];
        r->circumstantial =
            r->confidence > 0 && !enough_code(p, a, share(a->unique, m->denom_actor), LEVEL_ACTOR);
    }
}

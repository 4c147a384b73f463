/*
 * score.c: stage 2 of attribution. For every occurrence stage 1 found in a sample selected for
 * verification, reads the indexed function and scores the pair: 1.0 for an exact hash, else
 * the MinHash similarity, kept when it reaches min_similarity. Each query function then adds,
 * to every family and actor holding it, its size times its best similarity there, weighted by
 * its rarity:
 *
 *   family weight  1 / (families x actors^2) 1 in one family; 1/2 in two families of one actor;
 *                                             1/8 in two families of two actors; ...
 *   actor weight   1 / actors^2              1 in one actor, whatever its families; 1/4 in two
 *
 * Shares are taken over the query's informative code: the bytes of its non-library evidence
 * functions, each weighted the same way (a function no indexed sample holds weighs 1, common
 * code 0), so that code every program carries neither helps nor dilutes a claim.
 *
 * The shares say how much of the query a family holds, not how much of the family the query
 * holds: for that, the code size of each family's best sample is compared with the query's
 * (size_ratio; verdict.c tells a variant from a program that contains, or is part of, another).
 */
#include <string.h>

#include "match_int.h"

double kin__match_family_weight(const struct match_qfunc *f)
{
    if (f->library || f->common) {
        return 0;
    }
    if (f->families == 0) {
        return 1;
    }
    double a = f->actors ? (double)f->actors : 1;
    return 1.0 / ((double)f->families * a * a);
}

double kin__match_actor_weight(const struct match_qfunc *f)
{
    if (f->library || f->common) {
        return 0;
    }
    if (f->actors <= 1) {
        return 1;
    }
    return 1.0 / ((double)f->actors * (double)f->actors);
}

/* Builds the actor table: one entry per store actor of a family, one per family without. */
static kin_status build_actors(struct match_state *m)
{
    m->actors =
        kin__arena_array(m->arena, m->family_count ? m->family_count : 1, sizeof(*m->actors));
    m->fam_agg =
        kin__arena_array(m->arena, m->family_count ? m->family_count : 1, sizeof(*m->fam_agg));
    m->act_agg =
        kin__arena_array(m->arena, m->family_count ? m->family_count : 1, sizeof(*m->act_agg));
    if (!m->actors || !m->fam_agg || !m->act_agg) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < m->family_count; i++) {
        const struct match_family *f = &m->families[i];
        m->fam_agg[i].best_sample = -1;
        if (f->actor <= 0) {
            continue;
        }
        size_t a = 0;
        while (a < m->actor_count && m->actors[a].id != f->actor) {
            a++;
        }
        if (a == m->actor_count) {
            m->actors[a].id = f->actor;
            m->actors[a].name = f->actor_name;
            m->actors[a].aliases = f->actor_aliases;
            m->actors[a].alias_count = f->actor_alias_count;
            m->actor_count++;
        }
    }
    for (size_t i = 0; i < m->family_count; i++) {
        if (m->families[i].actor <= 0) {
            struct match_actor *a = &m->actors[m->actor_count++];
            a->id = 0;
            a->name = m->families[i].name;
            a->solo = &m->families[i];
        }
    }
    for (size_t i = 0; i < m->actor_count; i++) {
        m->act_agg[i].best_sample = -1;
    }
    return KIN_OK;
}

/* The actor slot of a family. */
size_t kin__match_actor_slot(const struct match_state *m, const struct match_family *f)
{
    for (size_t a = 0; a < m->actor_count; a++) {
        if (f->actor > 0 ? m->actors[a].id == f->actor : m->actors[a].solo == f) {
            return a;
        }
    }
    return 0; /* not reached: every family has an actor slot */
}

/* Per query function: best similarity per family slot and per actor slot (scratch). */
struct best {
    double *fam;
    double *act;
    uint32_t *fam_touched, *act_touched;
    size_t fam_n, act_n;
    double *sample_sim; /* per sample slot: best similarity of this function there */
    uint32_t *sample_touched;
    size_t sample_n;
};

static void
add_agg(struct match_agg *a, const struct match_qfunc *qf, double sim, double w, int unique)
{
    double size = (double)qf->f->size;
    a->score += size * sim * w;
    a->matched += size * sim;
    a->functions++;
    if (unique) {
        a->unique += size * sim;
        a->unique_functions++;
        a->unique_size += qf->f->size;
    }
}

static kin_status verify_function(struct match_state *m,
                                  struct match_qfunc *qf,
                                  struct best *b,
                                  const size_t *act_slot,
                                  double *sample_matched)
{
    const struct match_params *p = m->p;
    b->fam_n = b->act_n = b->sample_n = 0;
    for (uint32_t i = 0; i < qf->hit_count; i++) {
        const struct match_hit *h = &m->hits[qf->hit_begin + i];
        struct match_sample *ms = &m->samples[h->sample];
        if (!ms->verify) {
            continue;
        }
        struct store_function tf;
        kin_status st = kin__match_function(m, ms->id, h->func, &tf);
        m->stats->functions_fetched++;
        if (st == KIN_NOTFOUND) {
            continue; /* removed since its postings were read: not in this snapshot */
        }
        KIN_TRY(st);
        double sim = h->exact ? 1.0 : kin_minhash_similarity(qf->f->minhash, tf.minhash);
        if (sim < p->min_similarity) {
            continue;
        }
        if (sim > qf->best_sim ||
            (sim == qf->best_sim && h->exact && qf->best_sim > 0 && !m->hits[qf->best_hit].exact)) {
            qf->best_sim = sim;
            qf->best_hit = qf->hit_begin + i;
            qf->best_va = tf.va;
        }
        if (b->sample_sim[h->sample] == 0) {
            b->sample_touched[b->sample_n++] = h->sample;
        }
        if (sim > b->sample_sim[h->sample]) {
            b->sample_sim[h->sample] = sim;
        }
        size_t f = ms->fam->slot;
        if (b->fam[f] == 0) {
            b->fam_touched[b->fam_n++] = (uint32_t)f;
        }
        if (sim > b->fam[f]) {
            b->fam[f] = sim;
        }
        size_t a = act_slot[f];
        if (b->act[a] == 0) {
            b->act_touched[b->act_n++] = (uint32_t)a;
        }
        if (sim > b->act[a]) {
            b->act[a] = sim;
        }
    }
    double wf = kin__match_family_weight(qf), wa = kin__match_actor_weight(qf);
    for (size_t i = 0; i < b->fam_n; i++) {
        uint32_t f = b->fam_touched[i];
        add_agg(&m->fam_agg[f], qf, b->fam[f], wf, qf->families == 1);
        b->fam[f] = 0;
    }
    for (size_t i = 0; i < b->act_n; i++) {
        uint32_t a = b->act_touched[i];
        add_agg(&m->act_agg[a], qf, b->act[a], wa, qf->actors == 1);
        b->act[a] = 0;
    }
    for (size_t i = 0; i < b->sample_n; i++) {
        uint32_t sl = b->sample_touched[i];
        sample_matched[sl] += (double)qf->f->size * b->sample_sim[sl];
        b->sample_sim[sl] = 0;
    }
    return KIN_OK;
}

/* Families an actor's matched code came from, and the best sample of each family and actor. */
static void
finish_aggregates(struct match_state *m, const size_t *act_slot, const double *sample_matched)
{
    for (size_t i = 0; i < m->sample_count; i++) {
        const struct match_sample *s = &m->samples[i];
        if (!s->verify || sample_matched[i] <= 0) {
            continue;
        }
        struct match_agg *fa = &m->fam_agg[s->fam->slot];
        if (sample_matched[i] > fa->best_sample_matched) {
            fa->best_sample_matched = sample_matched[i];
            fa->best_sample = (int64_t)i;
        }
        struct match_agg *aa = &m->act_agg[act_slot[s->fam->slot]];
        if (sample_matched[i] > aa->best_sample_matched) {
            aa->best_sample_matched = sample_matched[i];
            aa->best_sample = (int64_t)i;
        }
    }
    for (size_t f = 0; f < m->family_count; f++) {
        if (m->fam_agg[f].functions) {
            m->act_agg[act_slot[f]].families++;
        }
    }
}

/* The code size of a best sample over the query's (reads the sample's row). */
static kin_status best_sample_size(struct match_state *m, struct match_agg *a)
{
    if (a->best_sample < 0 || m->query_size == 0) {
        return KIN_OK;
    }
    struct match_sample *s = &m->samples[a->best_sample];
    KIN_TRY(kin__match_sample_row(m, s));
    a->size_ratio = (double)s->row.code_size / (double)m->query_size;
    return KIN_OK;
}

/* ... of each family's and each actor's best sample. */
static kin_status best_sample_sizes(struct match_state *m)
{
    for (size_t f = 0; f < m->family_count; f++) {
        KIN_TRY(best_sample_size(m, &m->fam_agg[f]));
    }
    for (size_t i = 0; i < m->actor_count; i++) {
        KIN_TRY(best_sample_size(m, &m->act_agg[i]));
    }
    return KIN_OK;
}

kin_status kin__match_stage2(struct match_state *m)
{
    kin_status st = build_actors(m);
    if (st != KIN_OK) {
        return st;
    }
    size_t nf = m->family_count ? m->family_count : 1, ns = m->sample_count ? m->sample_count : 1;
    struct best b;
    memset(&b, 0, sizeof(b));
    size_t *act_slot = kin__calloc(nf, sizeof(*act_slot));
    double *sample_matched = kin__calloc(ns, sizeof(*sample_matched));
    b.fam = kin__calloc(nf, sizeof(double));
    b.act = kin__calloc(nf, sizeof(double));
    b.fam_touched = kin__calloc(nf, sizeof(uint32_t));
    b.act_touched = kin__calloc(nf, sizeof(uint32_t));
    b.sample_sim = kin__calloc(ns, sizeof(double));
    b.sample_touched = kin__calloc(ns, sizeof(uint32_t));
    if (!act_slot || !sample_matched || !b.fam || !b.act || !b.fam_touched || !b.act_touched ||
        !b.sample_sim || !b.sample_touched) {
        st = KIN_NOMEM;
        goto out;
    }
    for (size_t f = 0; f < m->family_count; f++) {
        act_slot[f] = kin__match_actor_slot(m, &m->families[f]);
    }
    for (size_t i = 0; i < m->q->count; i++) {
        m->query_size += m->q->funcs[i]->size;
    }
    for (size_t i = 0; i < m->qf_count && st == KIN_OK; i++) {
        struct match_qfunc *qf = &m->qf[i];
        if (qf->library) {
            continue;
        }
        double size = (double)qf->f->size;
        m->denom_raw += size;
        m->denom_family += size * kin__match_family_weight(qf);
        m->denom_actor += size * kin__match_actor_weight(qf);
        if (qf->hit_count) {
            st = verify_function(m, qf, &b, act_slot, sample_matched);
        }
    }
    if (st == KIN_OK) {
        finish_aggregates(m, act_slot, sample_matched);
        st = best_sample_sizes(m);
    }
out:
    kin__free(act_slot);
    kin__free(sample_matched);
    kin__free(b.fam);
    kin__free(b.act);
    kin__free(b.fam_touched);
    kin__free(b.act_touched);
    kin__free(b.sample_sim);
    kin__free(b.sample_touched);
    return st;
}

/*
 * match_int.h: private to the match stage: the state of one attribution, shared by labels.c
 * (families, actors, samples, the exclusion filter), candidates.c (stage 1), score.c (stage 2),
 * verdict.c (claim and confidence) and report.c (what the analyst reads).
 *
 * Everything lives in one arena per attribution (the report's strings and arrays included) or
 * in kin__malloc vectors freed by match_state_release(). Samples and families are referred to
 * by their slot in the tables below, not by store id, once stage 1 has met them.
 */
#ifndef KIN_MATCH_INT_H
#define KIN_MATCH_INT_H

#include "match.h"

/* A family of the index. Families are few: the table holds them all, sorted by id. */
struct match_family {
    int64_t id;
    const char *name;
    const char *actor_name; /* "" when none */
    /*
     * Actor id as matching sees it, 0 when none: a tool (dual-use software) is evidence of no
     * actor, so a family of kind tool stands for itself whatever its label (decision 0005).
     */
    int64_t actor;
    int64_t label_actor;        /* the actor its label names (the exclusion filter), 0 when none */
    uint32_t kind;              /* enum kin_family_kind */
    const char *const *aliases; /* its aliases, and its actor's (in the attribution's arena) */
    size_t alias_count;
    const char *const *actor_aliases;
    size_t actor_alias_count;
    int excluded; /* every sample of it is excluded: as if not indexed */
    /* Stage 1: best stage-1 score of its samples. Stage 2: aggregates of score.c. */
    double stage1;
    size_t slot; /* index in the table */
};

/* A sample met in the postings. */
struct match_sample {
    int64_t id;
    int64_t family;           /* store family id, 0 when unlabelled */
    struct match_family *fam; /* NULL when unlabelled */
    double stage1;            /* rarity-weighted stage-1 score */
    int verify;               /* selected for stage 2 */
    struct store_sample row;  /* read lazily (row.id == 0 until then) */
};

/* One occurrence of a query function in an indexed sample (after the exclusion filter). */
struct match_hit {
    uint32_t sample; /* slot in the sample table */
    uint32_t func;   /* index of the function in that sample */
    uint8_t bands;   /* LSH bands shared (0..KIN_LSH_BANDS) */
    uint8_t exact;   /* same position-independent hash */
};

/* A query function that can be evidence (neither small nor a thunk). */
struct match_qfunc {
    const struct kin_function *f;
    uint32_t hit_begin, hit_count; /* its hits in match_state.hits */
    uint32_t families;             /* distinct families holding it (unlabelled samples count 1) */
    uint32_t actors;               /* distinct actors (a family without actor counts as one) */
    uint8_t library;               /* occurs in a library family: not evidence at all */
    uint8_t third_party;           /* ... or the query flags it as Go third-party or runtime */
    uint8_t common;                /* over a cap: weightless */
    uint8_t repeated;              /* ... because the query repeats it (near-identical copies) */
    /* Stage 2: best verified match. */
    double best_sim;
    uint32_t best_hit; /* index in hits; valid when best_sim > 0 */
    uint64_t best_va;  /* address of the best match */
};

/* Keys of an evidence function: its exact hash, then its KIN_LSH_BANDS band values. */
#define KIN_MATCH_KEYS (1 + KIN_LSH_BANDS)

/* Why a key is over a cap: too common in the index, or repeated within the query itself. */
#define MATCH_OVER_INDEX    1
#define MATCH_OVER_REPEATED 2

/* A distinct key of the query (postings.c). */
struct match_key {
    uint64_t value;
    uint32_t band;
    uint8_t kind;      /* enum store_kind */
    uint8_t over;      /* over a cap: no postings kept */
    uint32_t mult;     /* query functions holding it */
    size_t post_begin; /* its postings in match_state.posts */
    uint32_t post_count;
};

/* A posting kept for a key: a function of an indexed sample (slot in the sample table). */
struct match_kpost {
    uint32_t sample;
    uint32_t func;
};

/* Per family (and per actor) aggregates over the query's functions. */
struct match_agg {
    double score;       /* sum of size * similarity * rarity weight */
    double unique;      /* sum of size * similarity over functions found in it only */
    double matched;     /* sum of size * similarity */
    uint64_t functions; /* functions matched */
    uint64_t unique_functions;
    uint64_t unique_size; /* bytes of those */
    uint32_t families;    /* actors: families of it holding matched code */
    int64_t best_sample;  /* slot of the sample with the most matched code, -1 when none */
    double best_sample_matched;
    double size_ratio; /* that sample's code size over the query's; 0 when unknown */
};

/* An actor: a store actor, or a family without actor standing for itself. */
struct match_actor {
    int64_t id; /* store actor id, or 0 for a family standing for itself */
    const char *name;
    struct match_family *solo; /* the family, when it has no actor */
    const char *const *aliases;
    size_t alias_count;
};

/* An indexed function read ahead for stage 2 (fetch.c). */
struct match_fetched {
    uint64_t id; /* (sample << STORE_FUNC_BITS) | index */
    struct store_function fn;
};

struct match_state {
    struct store *store;
    const struct match_query *q;
    const struct match_params *p;
    const struct kin_attribute_options *o;
    struct arena *arena; /* the attribution's */
    struct match_stats *stats;

    /* labels.c */
    struct match_family *families; /* sorted by id */
    size_t family_count;
    int64_t *excluded; /* excluded sample ids, sorted */
    size_t excluded_count;
    size_t excluded_families;     /* distinct labelled families among excluded samples */
    uint64_t family_cap;          /* labelled families beyond which a key is common (labels.c) */
    struct match_sample *samples; /* kin__malloc vector */
    size_t sample_count, sample_cap;
    uint32_t *sample_map; /* open addressing: sample id -> slot + 1; 0 = empty */
    size_t sample_map_cap;

    int nomem; /* set by callbacks that cannot return a status */

    /* postings.c */
    struct match_key *keys; /* distinct keys, sorted (kin__malloc) */
    size_t key_count;
    uint32_t *key_of;          /* per function and key number: index in keys (kin__malloc) */
    struct match_kpost *posts; /* kin__malloc vector */
    size_t post_count, post_cap;

    /* candidates.c */
    struct match_qfunc *qf;
    size_t qf_count;
    struct match_hit *hits; /* kin__malloc vector */
    size_t hit_count, hit_cap;
    int hits_truncated; /* KIN_MAX_MATCH_HITS reached */

    /* fetch.c: stage 2's functions, sorted by id (kin__malloc). */
    struct match_fetched *fetched;
    size_t fetched_count;

    /* score.c: per family slot, and per actor. */
    struct match_agg *fam_agg;
    struct match_actor *actors;
    struct match_agg *act_agg;
    size_t actor_count;
    double denom_family; /* informative code for family shares (bytes, rarity-weighted) */
    double denom_actor;  /* informative code for actor shares */
    double denom_raw;    /* non-library evidence code, bytes */
    uint64_t query_size; /* bytes of all the query's functions (a sample's code_size) */
    int small_index;     /* too few actors and no library family: rarity cannot be judged */
    double family_top;   /* best family score (verdict.c) */

    /* links.c: per actor slot, 1 when a "loads" or "loaded-by" link ties it to the query; per
     * family slot, 1 when its samples give themselves the query's module name ("same-name"). */
    uint8_t *act_linked;
    uint8_t *fam_named;
    /* verdict.c: a family of the claimed actor whose module name the query bears, when the
     * family the code points to does not (SIZE_MAX: none); and that family. */
    size_t name_family, name_overruled;
    /* verdict.c: the best actor when containment alone kept it from a claim (SIZE_MAX: none). */
    size_t contained_actor;

    /* indicators.c: a sentence each for the caveats and next steps, NULL when none. */
    const char *ioc_caveat;
    const char *ioc_next_step;
    int ioc_alone; /* the claim rests on indicators, code being too weak for one */
};

/* The result handed to the caller: the report and the arena holding everything it points to. */
struct kin_attribution {
    struct arena arena;
    struct kin_attribution_report report;
    struct match_stats stats;
};

/* labels.c */
kin_status kin__match_labels_load(struct match_state *m, int64_t self);
void kin__match_state_release(struct match_state *m);
int kin__match_is_excluded(const struct match_state *m, int64_t sample);
/* Whether an indicator holder is left out (the query itself, the exclusion filter). */
int kin__match_holder_left_out(const struct match_state *m, const struct store_ioc_holder *h);
/* s copied into the attribution's arena; "" and *st = KIN_NOMEM when out of memory. */
const char *kin__match_copy(struct match_state *m, const char *s, kin_status *st);
struct match_family *kin__match_family(const struct match_state *m, int64_t id);
/* The slot of sample id (adding it, with its family, when new); -1 when out of memory. */
int64_t kin__match_sample_slot(struct match_state *m, int64_t id, int64_t family);
/* Reads a sample's row (hashes, version) once. */
kin_status kin__match_sample_row(struct match_state *m, struct match_sample *s);
/* Actor key of a family (store actor id, or a key of its own) and of an unlabelled sample. */
int64_t kin__match_actor_key(const struct match_family *f, int64_t sample);

/* postings.c: the query's distinct keys and their postings, read once each. */
kin_status kin__match_keys(struct match_state *m);
/* candidates.c: stage 1. Whether a query function can be evidence at all. */
int kin__match_is_evidence(const struct match_params *p, const struct kin_function *f);
kin_status kin__match_stage1(struct match_state *m);
/*
 * fetch.c: reads the indexed functions of stage 1's occurrences in the verified samples, in id
 * order; kin__match_function() then gives one (from the store when not read ahead).
 */
kin_status kin__match_fetch(struct match_state *m);
kin_status kin__match_function(struct match_state *m,
                               int64_t sample,
                               uint32_t func,
                               struct store_function *out);
/* score.c: stage 2 and the aggregates. */
kin_status kin__match_stage2(struct match_state *m);
/* The actor slot of a family (score.c). */
size_t kin__match_actor_slot(const struct match_state *m, const struct match_family *f);
/* Rarity weight of a function for a family and for an actor (score.c). */
double kin__match_family_weight(const struct match_qfunc *f);
double kin__match_actor_weight(const struct match_qfunc *f);
/*
 * verdict.c: whether family slot f can be a variant of the query: its best sample is of
 * comparable size (variant_size_ratio), or the size is unknown.
 */
int kin__match_family_variant(const struct match_state *m, size_t f);
/*
 * verdict.c: whether actor slot a holds the query's code only as a component: its best sample
 * is contained_ratio times the query's size or more (then no actor claim).
 */
int kin__match_actor_contained(const struct match_state *m, size_t a);
/*
 * verdict.c: the rank tier of family slot f: 1 for a variant candidate holding at least a tenth
 * of the best family score, else 0. Valid once kin__match_confidences() has run.
 */
int kin__match_family_tier(const struct match_state *m, size_t f);
/*
 * verdict.c: the confidence of every family and actor (arrays of family_count and actor_count),
 * the best of each (SIZE_MAX when none), then the claim written into r.
 */
void kin__match_confidences(struct match_state *m,
                            uint32_t *fam_conf,
                            uint32_t *act_conf,
                            size_t *best_fam,
                            size_t *best_act);
void kin__match_verdict(struct match_state *m,
                        const uint32_t *fam_conf,
                        const uint32_t *act_conf,
                        size_t best_fam,
                        size_t best_act,
                        struct kin_attribution_report *r);
/*
 * claim_labels.c: the labels of the claim, once the verdict is final (after indicators): the
 * aliases of the claimed family and actor, the family's kind, and the tool rule (a family of
 * kind tool names no actor). Returns KIN_OK or KIN_NOMEM.
 */
kin_status kin__match_claim_labels(struct match_state *m, struct kin_attribution_report *r);
/* claim_labels.c: the caveat a tool family calls for (claimed, or the closest), or NULL. */
const char *kin__match_tool_caveat(struct match_state *m, const struct kin_attribution_report *r);
/* report.c: the candidates, evidence, caveats and next steps of the report. */
kin_status kin__match_report(struct match_state *m, struct kin_attribution *a);
/*
 * links.c: the module links of the query (r->links) and the actors they lift in the ranking
 * (m->act_linked). Call after stage 2, before the candidates are ranked.
 */
kin_status kin__match_links(struct match_state *m, struct kin_attribution_report *r);
/*
 * links.c: when family slot f (the code's best) does not bear the query's module name but
 * another family of the same actor with shared code does, that family's slot (the one with the
 * best score); else SIZE_MAX.
 */
size_t kin__match_name_conflict(const struct match_state *m, size_t f);
/*
 * indicators.c: the indicators the query shares with indexed samples (r->indicators), and what
 * they do to the verdict already written into r. Call after the candidates are ranked.
 */
kin_status kin__match_indicators(struct match_state *m, struct kin_attribution_report *r);

#endif /* KIN_MATCH_INT_H */

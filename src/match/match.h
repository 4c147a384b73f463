/*
 * match.h: the match stage's interface: attribution of a query (a sample's functions and
 * whole-file hashes) against the index of the store stage. See docs/ATTRIBUTION-ENGINE.md.
 *
 * Stage 1 reads the postings of every evidence function's exact hash and LSH band values
 * (skipping keys held by too many samples or families), counts in how many families and actors
 * each function occurs and ranks candidate samples; stage 2 fetches the MinHashes of the
 * candidates in the best samples, scores each query function against its best match per family,
 * and the verdict step turns rarity-weighted shares into a claim and a confidence.
 */
#ifndef KIN_MATCH_H
#define KIN_MATCH_H

#include "../store/store.h"

/* The sample being attributed. Strings are "" when absent; everything is borrowed. */
struct match_query {
    const char *sha256;
    const char *imphash, *rich_hash, *tlsh, *ssdeep;
    const struct kin_function *const *funcs;
    size_t count;
    /* Its indicators as the index keeps them (kin__store_ioc_select()); none when 0. */
    const struct store_ioc *iocs;
    size_t ioc_count;
};

/*
 * Tunables. kin__match_params_default() gives the calibrated values (docs/ATTRIBUTION-ENGINE.md
 * says how each was chosen); benchmarks may vary them.
 */
struct match_params {
    /* Evidence: functions smaller, or with fewer distinct MinHash values, carry too little. */
    uint32_t min_size;     /* bytes */
    uint32_t min_distinct; /* distinct values among the KIN_MINHASH_SIZE of its MinHash */
    /* Stage 1. */
    uint32_t max_query_dups; /* a key more query functions hold is boilerplate: not looked up */
    uint32_t max_samples;    /* a key held by more samples is common code: postings not read */
    uint32_t max_families;   /* a key held by more labelled families is common code: the cap is
                                max_family_share of the index's families, within
                                [min_families, max_families] */
    uint32_t min_families;
    double max_family_share;
    uint32_t min_bands;    /* LSH bands shared for a fuzzy occurrence of a function */
    uint32_t rarity_bands; /* ... for a neighbour that counts in its rarity (<= min_bands) */
    uint32_t common_bands; /* over-cap band keys that make a function common */
    uint32_t top_families; /* families whose best samples go to stage 2 */
    uint32_t top_samples;  /* samples per such family */
    /* Stage 2. */
    double min_similarity; /* MinHash similarity for a fuzzy match */
    /* Verdict. */
    uint64_t min_unique_size;   /* bytes of unique code below which a claim is circumstantial */
    uint32_t min_unique_funcs;  /* unique functions below which a claim is circumstantial */
    uint64_t claim_family_size; /* unique bytes that carry a family claim, or ... */
    double claim_family_share;  /* ... this unique share of informative code with ... */
    uint64_t claim_family_share_size; /* ... this many unique bytes, or ... */
    uint64_t claim_small_family_size; /* ... claim_actor_share with this many (a small program) */
    double claim_actor_share;         /* unique share of informative code for an actor claim */
    double variant_size_ratio; /* a family's best sample this many times bigger or smaller than
                                  the query is not a variant of it (verdict.c); 0: no such test */
    double contained_ratio;    /* an actor whose best sample is this many times bigger than the
                                  query holds the query's code as a component: no actor claim
                                  (verdict.c, decision 0007); 0: no such test */
    /* Module links (links.c, decision 0004). */
    double link_rank_bonus; /* added to a linked actor's ranking key (a 0..1 share); 0: none */
    uint32_t module_names;  /* 1: same-name links make versions and settle name conflicts */
};

void kin__match_params_default(struct match_params *p);

/* Work counters of one attribution, for benchmarks (kin__match_stats()). */
struct match_stats {
    uint64_t keys;              /* keys looked up */
    uint64_t keys_capped;       /* ... over a cap by their frequencies alone */
    uint64_t keys_after_filter; /* ... over a cap once excluded samples are taken away */
    uint64_t keys_boilerplate;  /* distinct query keys held by too many query functions */
    uint64_t postings;          /* postings read */
    uint64_t hits;              /* occurrences kept by stage 1 */
    uint64_t samples;           /* samples met */
    uint64_t samples_verified;  /* samples stage 2 verified */
    uint64_t functions_fetched; /* indexed functions read by stage 2 */
    double stage1_ms, stage2_ms, report_ms;
};

/* The counters of an attribution made by kin__match_attribute(). */
const struct match_stats *kin__match_stats(const struct kin_attribution *a);

/*
 * Attributes q against the store s. opts may be NULL; self is the query's own sample id when
 * the index holds it (then excluded), else 0. *out is freed with kin_attribution_free().
 * Statuses as kin_attribute().
 */
kin_status kin__match_attribute(struct store *s,
                                const struct match_query *q,
                                int64_t self,
                                const struct kin_attribute_options *opts,
                                const struct match_params *p,
                                struct kin_attribution **out);

#endif /* KIN_MATCH_H */

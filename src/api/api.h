/*
 * api.h: private to the api stage: the objects behind the public handles that more than one
 * file of src/api/ needs (an index is opened in index.c and matched against in attribute.c).
 */
#ifndef KIN_API_API_H
#define KIN_API_API_H

#include "../match/match.h"

struct kin_index {
    struct store *store;
};

/*
 * kin_attribute_indexed() with explicit tunables instead of the calibrated defaults (p may be
 * NULL for them): for benchmarks that sweep the parameters (bench/bench_attribution.c).
 */
kin_status kin__attribute_indexed_params(struct kin_index *idx,
                                         const char *sha256,
                                         const struct kin_attribute_options *opts,
                                         const struct match_params *p,
                                         struct kin_attribution **out);

#endif /* KIN_API_API_H */

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

/*
 * kin__attribute_indexed_params() whose stored query functions first take the Go names and
 * origin flags (KIN_FUNC_THIRD_PARTY, KIN_FUNC_RUNTIME) of img, the indexed sample's own file
 * loaded again: for indexes built before kin read Go's pclntab (benchmarks). img may be NULL.
 */
kin_status kin__attribute_indexed_go(struct kin_index *idx,
                                     const char *sha256,
                                     const struct kin_attribute_options *opts,
                                     const struct match_params *p,
                                     const struct kin_image *img,
                                     struct kin_attribution **out);

#endif /* KIN_API_API_H */

/*
 * minhash.c: one-permutation MinHash with optimal densification, similarity and LSH bands.
 *
 * One hash per feature picks a bin (top 6 bits) and a value (low 32 bits); each bin keeps its
 * minimum (Li, Owen, Zhang 2012). Empty bins borrow the value of a bin chosen by a fixed probe
 * sequence (Shrivastava 2017, "optimal densification"), which keeps the estimator unbiased for
 * small sets. The similarity of two signatures is the fraction of equal bins, an estimate of
 * the Jaccard similarity of their feature sets. Bands group KIN_MINHASH_SIZE / KIN_LSH_BANDS
 * consecutive values for locality-sensitive lookup.
 */
#include <string.h>

#include "sig.h"

void kin__oph_init(struct oph *o)
{
    memset(o, 0, sizeof(*o));
}

void kin__oph_finish(const struct oph *o, uint32_t out[KIN_MINHASH_SIZE])
{
    if (o->filled == 0) {
        /* No features at all: a fixed signature, so that empty functions match each other. */
        for (unsigned i = 0; i < KIN_MINHASH_SIZE; i++) {
            out[i] = 0xffffffffu;
        }
        return;
    }
    for (unsigned i = 0; i < KIN_MINHASH_SIZE; i++) {
        if (o->filled & ((uint64_t)1 << i)) {
            out[i] = o->v[i];
            continue;
        }
        for (uint64_t attempt = 1;; attempt++) {
            unsigned j = (unsigned)(kin__mix64(((uint64_t)i << 32) | attempt) >> 58);
            if (o->filled & ((uint64_t)1 << j)) {
                out[i] = o->v[j];
                break;
            }
        }
    }
}

uint32_t kin_sig_scheme_version(void)
{
    return KIN_SIG_SCHEME;
}

double kin_minhash_similarity(const uint32_t *a, const uint32_t *b)
{
    unsigned eq = 0;
    for (unsigned i = 0; i < KIN_MINHASH_SIZE; i++) {
        eq += a[i] == b[i];
    }
    return (double)eq / KIN_MINHASH_SIZE;
}

void kin_minhash_bands(const uint32_t *minhash, uint64_t *out)
{
    const unsigned rows = KIN_MINHASH_SIZE / KIN_LSH_BANDS;
    for (unsigned band = 0; band < KIN_LSH_BANDS; band++) {
        uint64_t h = kin__mix64(0x6b696e2d6c7368ULL + band);
        for (unsigned r = 0; r < rows; r++) {
            h = kin__mix64(h ^ minhash[band * rows + r]);
        }
        out[band] = h;
    }
}

/*
 * sig.h: the signature stage's interface: pure computations over a function body.
 *
 * The exact signature (pichash) hashes a function's bytes in block order with every
 * position-dependent field zeroed; block hashes do the same per block. The fuzzy signature is a
 * one-permutation MinHash (64 bins, optimal densification) over features chosen to survive
 * recompilation: the set of normalised instruction tokens, block shapes, counts, and (weighted)
 * constants, imported API names and referenced strings. docs/SIGNATURES.md records each choice and
 * its measured effect. KIN_SIG_SCHEME changes whenever any output of this stage would change.
 */
#ifndef KIN_SIG_H
#define KIN_SIG_H

#include "../func/func.h"

/* Bump on any change to pichash, block hashes, features or MinHash (see docs/SIGNATURES.md). */
#define KIN_SIG_SCHEME 4u

/* A function is flagged KIN_FUNC_SMALL below either threshold (docs/SIGNATURES.md). */
#define KIN_SIG_SMALL_INSNS 8u
#define KIN_SIG_SMALL_BYTES 24u

/* Scratch reused across functions (kin__malloc storage). */
struct sig_scratch {
    uint32_t *keys;
    uint32_t *counts;
    uint32_t cap; /* power of two */
};

void kin__sig_scratch_release(struct sig_scratch *s);

/* Exact hashes: the whole function into *pichash, and one per block into block_hashes. */
void kin__sig_pichash(const struct func_ctx *c,
                      const struct func_body *b,
                      uint64_t *pichash,
                      uint64_t *block_hashes);

/* The MinHash of a function. KIN_OK or KIN_NOMEM. */
KIN_NODISCARD kin_status kin__sig_minhash(struct func_ctx *c,
                                          const struct func_body *b,
                                          struct sig_scratch *s,
                                          uint32_t minhash[KIN_MINHASH_SIZE]);

/* One-permutation MinHash (minhash.c). */
struct oph {
    uint32_t v[KIN_MINHASH_SIZE];
    uint64_t filled; /* bit i: bin i holds a value */
};

void kin__oph_init(struct oph *o);
static inline void kin__oph_add(struct oph *o, uint64_t h)
{
    unsigned bin = (unsigned)(h >> 58);
    uint32_t v = (uint32_t)h;
    uint64_t bit = (uint64_t)1 << bin;
    if (!(o->filled & bit) || v < o->v[bin]) {
        o->v[bin] = v;
        o->filled |= bit;
    }
}
/* Fills empty bins (optimal densification) and writes the signature. */
void kin__oph_finish(const struct oph *o, uint32_t out[KIN_MINHASH_SIZE]);

/* 64-bit finaliser (murmur3 fmix64) and a feature hash of up to three words. */
static inline uint64_t kin__mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static inline uint64_t kin__feat(uint64_t kind, uint64_t a, uint64_t b)
{
    /* One finaliser over odd-multiplier products: distinct (kind, a, b) rarely collide. */
    return kin__mix64((kind * 0x9e3779b97f4a7c15ULL) ^ (a * 0xd6e8feb86659fd93ULL) ^
                      ((b + 0x632be59bd9b4e019ULL) * 0xa0761d6478bd642fULL) ^ (a >> 29));
}

#endif /* KIN_SIG_H */

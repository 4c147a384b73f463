/*
 * features.c: the feature set of the fuzzy signature, and its MinHash (scheme 2).
 *
 * Features (each a 64-bit hash tagged with its kind, fed to the one-permutation MinHash):
 *   1. the set of normalised instruction tokens (mnemonic + operand form);
 *   3. the set of block shapes: in/out degree, size class and the set of instruction classes;
 *   4. constants: immediates of magnitude >= 256 that are not addresses;
 *   5. strings the function references (ASCII or UTF-16LE, 4+ characters);
 *   6. imported API names it calls;
 *   7. counts: instructions, blocks, edges, conditional branches (log2 buckets), calls (exact up
 *      to 16 and as a thermometer: one feature per call), returns (up to 4).
 * Kinds 4-6 survive any compiler and optimisation level, so each enters SIG_ROBUST_WEIGHT times
 * (distinct salts), which raises their share of the signature. Token multisets and bigrams were
 * dropped: they follow the optimisation level more than the source. Padding no-ops inside
 * functions (loop alignment) are skipped. docs/SIGNATURES.md gives the measured effect of each
 * choice.
 */
#include <stdlib.h>
#include <string.h>

#include "sig.h"

/* Copies of each robust feature (constants, strings, API names); see docs/SIGNATURES.md. */
#define SIG_ROBUST_WEIGHT 6u

enum {
    F_UNI = 1,
    F_BLOCK = 3,
    F_CONST = 4,
    F_STR = 5,
    F_API = 6,
    F_SIZE = 7,
};

void kin__sig_scratch_release(struct sig_scratch *s)
{
    kin__free(s->keys);
    kin__free(s->counts);
    memset(s, 0, sizeof(*s));
}

static unsigned log2_bucket(uint32_t n)
{
    unsigned b = 0;
    while (n > 1) {
        n >>= 1;
        b++;
    }
    return b;
}

/* Occurrence number of tok in this function (0 for the first). Keys are tok + 1 (0 = empty). */
static uint32_t occurrence(struct sig_scratch *s, uint32_t mask, uint32_t tok)
{
    uint32_t key = tok + 1u ? tok + 1u : 1u;
    uint32_t h = (key * 0x9e3779b1u) & mask;
    while (s->keys[h] && s->keys[h] != key) {
        h = (h + 1) & mask;
    }
    if (!s->keys[h]) {
        s->keys[h] = key;
        s->counts[h] = 0;
    }
    return s->counts[h]++;
}

static uint64_t fnv64(const uint8_t *p, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 1099511628211ULL;
    }
    return h;
}

static int printable(uint8_t ch)
{
    return (ch >= 0x20 && ch < 0x7f) || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Hash of the string at va (ASCII or UTF-16LE, at least 4 characters), or 0. */
static uint64_t string_at(const struct func_ctx *c, uint64_t va)
{
    uint8_t buf[64];
    size_t n = sizeof(buf);
    while (n >= 8 && !kin__func_read(c, va, buf, n)) {
        n /= 2;
    }
    if (n < 8) {
        return 0;
    }
    size_t i = 0;
    while (i < n && printable(buf[i])) {
        i++;
    }
    if (i >= 4 && (i == n || buf[i] == 0)) {
        return fnv64(buf, i) | 1u;
    }
    /* UTF-16LE: printable, zero, printable, zero... */
    uint8_t ascii[32];
    size_t k = 0;
    for (i = 0; i + 1 < n && printable(buf[i]) && buf[i + 1] == 0; i += 2) {
        ascii[k++] = buf[i];
    }
    if (k >= 4) {
        return fnv64(ascii, k) | 1u;
    }
    return 0;
}

kin_status kin__sig_minhash(struct func_ctx *c,
                            const struct func_body *b,
                            struct sig_scratch *s,
                            uint32_t minhash[KIN_MINHASH_SIZE])
{
    struct oph o;
    kin__oph_init(&o);
    uint32_t need = 16;
    while (need < b->insn_count * 2u && need < (1u << 30)) {
        need <<= 1;
    }
    if (need > s->cap) {
        uint32_t *k = kin__realloc(s->keys, (size_t)need * 4);
        if (!k) {
            return KIN_NOMEM;
        }
        s->keys = k;
        uint32_t *v = kin__realloc(s->counts, (size_t)need * 4);
        if (!v) {
            return KIN_NOMEM;
        }
        s->counts = v;
        s->cap = need;
    }
    /* Only the part of the table this function uses is cleared: cost follows its size. */
    uint32_t mask = need - 1;
    memset(s->keys, 0, (size_t)need * 4);

    uint32_t njcc = 0, nret = 0;
    for (uint32_t bi = 0; bi < b->block_count; bi++) {
        const struct func_block *blk = &b->blocks[bi];
        uint32_t classes = 0;
        for (uint32_t k = 0; k < blk->count; k++) {
            const struct func_insn *r = &c->ins[b->insns[blk->first + k]];
            if (r->cls & FI_F_PAD) {
                continue;
            }
            uint32_t tok = r->tok;
            if (occurrence(s, mask, tok) == 0) {
                kin__oph_add(&o, kin__feat(F_UNI, tok, 0));
            }
            classes |= 1u << fi_class(r);
            njcc += fi_flow(r) == DIS_FLOW_JCC;
            nret += fi_flow(r) == DIS_FLOW_RET;
            unsigned vk = fi_valkind(r);
            uint64_t robust = 0, kind = 0;
            if (vk == FI_VAL_CONST) {
                int32_t v = (int32_t)r->val;
                if (v >= 256 || v <= -256) {
                    robust = r->val;
                    kind = F_CONST;
                }
            } else if (vk == FI_VAL_ADDR && fi_flow(r) == DIS_FLOW_NONE) {
                uint64_t va = c->img_lo + r->val;
                robust = kin__func_co(c, va) == FUNC_NONE ? string_at(c, va) : 0;
                kind = F_STR;
            }
            for (uint64_t w = 0; robust && w < SIG_ROBUST_WEIGHT; w++) {
                kin__oph_add(&o, kin__feat(kind, robust, w));
            }
        }
        unsigned in = blk->indeg > 3 ? 3u : blk->indeg, out = blk->outdeg > 3 ? 3u : blk->outdeg;
        /* Degrees and classes, not the size: block sizes follow the optimisation level. */
        uint64_t shape = in | (out << 2);
        kin__oph_add(&o, kin__feat(F_BLOCK, shape, classes));
    }
    for (uint32_t i = 0; i < b->api_count; i++) {
        const char *name = c->img->imports[b->apis[i]].name;
        if (name) {
            uint64_t h = fnv64((const uint8_t *)name, strlen(name));
            for (uint64_t w = 0; w < SIG_ROBUST_WEIGHT; w++) {
                kin__oph_add(&o, kin__feat(F_API, h, w));
            }
        }
    }
    kin__oph_add(&o, kin__feat(F_SIZE, 1, log2_bucket(b->insn_count)));
    kin__oph_add(&o, kin__feat(F_SIZE, 2, log2_bucket(b->block_count)));
    kin__oph_add(&o, kin__feat(F_SIZE, 3, log2_bucket(b->call_count + 1)));
    kin__oph_add(&o, kin__feat(F_SIZE, 4, b->call_count < 16 ? b->call_count : 16));
    kin__oph_add(&o, kin__feat(F_SIZE, 5, log2_bucket(njcc + 1)));
    kin__oph_add(&o, kin__feat(F_SIZE, 6, nret < 4 ? nret : 4));
    kin__oph_add(&o, kin__feat(F_SIZE, 7, log2_bucket(b->edge_count + 1)));
    for (uint32_t k = 0; k < b->call_count && k < 64; k++) {
        kin__oph_add(&o, kin__feat(F_SIZE, 100 + k, 1)); /* call-count thermometer */
    }
    kin__oph_finish(&o, minhash);
    return KIN_OK;
}

/*
 * chain.c: the block index in memory. Blocks are found in file order, which is neither height
 * order nor free of stale branches; they are linked to their parent by previous-block hash, and
 * the chain kin follows is the one with the most accumulated work (Bitcoin Core's nChainWork):
 * each block adds 2^256 / (target + 1), its target decoded from the compact nBits. Height alone
 * would pick a long low-difficulty branch. Ties go to the block found first, as Core prefers the
 * block it received first. Arithmetic follows Core's arith_uint256 (SetCompact, GetBlockProof).
 */
#include <string.h>

#include "../core/limits.h"
#include "ledger.h"

/* ---- 256-bit arithmetic ---- */

static int u256_zero(const struct u256 *a)
{
    return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0;
}

int kin__u256_cmp(const struct u256 *a, const struct u256 *b)
{
    for (int i = 3; i >= 0; i--) {
        if (a->w[i] != b->w[i]) {
            return a->w[i] < b->w[i] ? -1 : 1;
        }
    }
    return 0;
}

void kin__u256_add(struct u256 *a, const struct u256 *b)
{
    uint64_t carry = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t s = a->w[i] + carry;
        carry = s < carry;
        a->w[i] = s + b->w[i];
        carry += a->w[i] < s;
    }
}

static void u256_sub(struct u256 *a, const struct u256 *b)
{
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t d = a->w[i] - b->w[i] - borrow;
        borrow = (a->w[i] < b->w[i]) || (a->w[i] == b->w[i] && borrow);
        a->w[i] = d;
    }
}

static void u256_shl(struct u256 *a, unsigned shift)
{
    struct u256 r = {{0, 0, 0, 0}};
    unsigned limbs = shift / 64, bits = shift % 64;
    for (unsigned i = 0; i < 4; i++) {
        if (i + limbs < 4) {
            r.w[i + limbs] |= a->w[i] << bits;
        }
        if (bits && i + limbs + 1 < 4) {
            r.w[i + limbs + 1] |= a->w[i] >> (64 - bits);
        }
    }
    *a = r;
}

static void u256_shr1(struct u256 *a)
{
    for (int i = 0; i < 4; i++) {
        a->w[i] = (a->w[i] >> 1) | (i < 3 ? a->w[i + 1] << 63 : 0);
    }
}

static unsigned u256_bits(const struct u256 *a)
{
    for (int i = 3; i >= 0; i--) {
        if (a->w[i]) {
            return (unsigned)(64 * i + 64 - __builtin_clzll(a->w[i]));
        }
    }
    return 0;
}

/* q = n / d by shift and subtract (base_uint::operator/=); d must not be zero. */
static void u256_div(struct u256 n, struct u256 d, struct u256 *q)
{
    memset(q, 0, sizeof(*q));
    unsigned nb = u256_bits(&n), db = u256_bits(&d);
    if (db == 0 || db > nb) {
        return;
    }
    int shift = (int)(nb - db);
    u256_shl(&d, (unsigned)shift);
    for (; shift >= 0; shift--) {
        if (kin__u256_cmp(&n, &d) >= 0) {
            u256_sub(&n, &d);
            q->w[shift / 64] |= (uint64_t)1 << (shift % 64);
        }
        u256_shr1(&d);
    }
}

int kin__bits_target(uint32_t bits, struct u256 *target)
{
    unsigned size = bits >> 24;
    uint32_t word = bits & 0x007fffffu;
    memset(target, 0, sizeof(*target));
    if (word == 0 || (bits & 0x00800000u) || size > 34 || (word > 0xff && size > 33) ||
        (word > 0xffff && size > 32)) {
        return 0;
    }
    if (size <= 3) {
        target->w[0] = word >> (8 * (3 - size));
    } else {
        target->w[0] = word;
        u256_shl(target, 8 * (size - 3));
    }
    return !u256_zero(target);
}

void kin__bits_work(uint32_t bits, struct u256 *work)
{
    struct u256 target, inv, plus1, one = {{1, 0, 0, 0}};
    memset(work, 0, sizeof(*work));
    if (!kin__bits_target(bits, &target)) {
        return;
    }
    /* 2^256 / (target + 1) = ~target / (target + 1) + 1, which fits 256 bits. */
    for (int i = 0; i < 4; i++) {
        inv.w[i] = ~target.w[i];
    }
    plus1 = target;
    kin__u256_add(&plus1, &one);
    u256_div(inv, plus1, work);
    kin__u256_add(work, &one);
}

int kin__pow_ok(const uint8_t hash[HASH_SIZE], uint32_t bits)
{
    struct u256 target, h;
    if (!kin__bits_target(bits, &target)) {
        return 0;
    }
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int b = 7; b >= 0; b--) {
            w = w << 8 | hash[8 * i + b];
        }
        h.w[i] = w;
    }
    return kin__u256_cmp(&h, &target) <= 0;
}

/* ---- The index ---- */

void kin__chain_init(struct ledger_chain *c)
{
    memset(c, 0, sizeof(*c));
    c->tip = BLOCK_NONE;
}

void kin__chain_release(struct ledger_chain *c)
{
    kin__free(c->v);
    kin__free(c->buckets);
    kin__free(c->main);
    kin__chain_init(c);
}

static size_t bucket_of(const struct ledger_chain *c, const uint8_t hash[HASH_SIZE])
{
    uint64_t h;
    memcpy(&h, hash, sizeof(h));
    return (size_t)(h & (c->bucket_count - 1));
}

uint32_t kin__chain_find(const struct ledger_chain *c, const uint8_t hash[HASH_SIZE])
{
    if (c->bucket_count == 0) {
        return BLOCK_NONE;
    }
    for (uint32_t i = c->buckets[bucket_of(c, hash)]; i != BLOCK_NONE; i = c->v[i].next) {
        if (memcmp(c->v[i].hash, hash, HASH_SIZE) == 0) {
            return i;
        }
    }
    return BLOCK_NONE;
}

static kin_status rehash(struct ledger_chain *c, size_t buckets)
{
    uint32_t *nb = kin__malloc(buckets * sizeof(*nb));
    if (!nb) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < buckets; i++) {
        nb[i] = BLOCK_NONE;
    }
    kin__free(c->buckets);
    c->buckets = nb;
    c->bucket_count = buckets;
    for (size_t i = 0; i < c->count; i++) {
        size_t b = bucket_of(c, c->v[i].hash);
        c->v[i].next = c->buckets[b];
        c->buckets[b] = (uint32_t)i;
    }
    return KIN_OK;
}

kin_status kin__chain_add(struct ledger_chain *c, const struct ledger_block *b, int *dup)
{
    *dup = kin__chain_find(c, b->hash) != BLOCK_NONE;
    if (*dup) {
        c->duplicates++;
        return KIN_OK;
    }
    if (c->count >= KIN_MAX_LEDGER_BLOCKS) {
        return KIN_LIMIT;
    }
    if (c->count == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 1024;
        struct ledger_block *nv = kin__realloc(c->v, ncap * sizeof(*nv));
        if (!nv) {
            return KIN_NOMEM;
        }
        c->v = nv;
        c->cap = ncap;
    }
    if (c->count >= c->bucket_count) {
        KIN_TRY(rehash(c, c->bucket_count ? c->bucket_count * 2 : 1024));
    }
    struct ledger_block *d = &c->v[c->count];
    *d = *b;
    size_t bucket = bucket_of(c, d->hash);
    d->next = c->buckets[bucket];
    c->buckets[bucket] = (uint32_t)c->count;
    c->count++;
    return KIN_OK;
}

enum { STATE_NEW = 0, STATE_ACTIVE = 1, STATE_DONE = 2 };

/* Work of nBits, remembered for the last value (difficulty changes every 2016 blocks). */
struct work_memo {
    uint32_t bits;
    int valid;
    struct u256 work;
};

static const struct u256 *memo_work(struct work_memo *m, uint32_t bits)
{
    if (!m->valid || m->bits != bits) {
        kin__bits_work(bits, &m->work);
        m->bits = bits;
        m->valid = 1;
    }
    return &m->work;
}

kin_status kin__chain_select(struct ledger_chain *c, chain_root_height_fn fn, void *ctx)
{
    static const uint8_t zero[HASH_SIZE];
    struct work_memo memo = {0, 0, {{0, 0, 0, 0}}};
    kin__free(c->main);
    c->main = NULL;
    c->main_count = 0;
    c->tip = BLOCK_NONE;
    c->roots = 0;
    if (c->count == 0) {
        return KIN_OK;
    }
    for (size_t i = 0; i < c->count; i++) {
        struct ledger_block *b = &c->v[i];
        b->parent = memcmp(b->prev, zero, HASH_SIZE) ? kin__chain_find(c, b->prev) : BLOCK_NONE;
        b->state = STATE_NEW;
    }
    uint32_t *stack = kin__malloc(c->count * sizeof(*stack));
    if (!stack) {
        return KIN_NOMEM;
    }
    for (size_t i = 0; i < c->count; i++) {
        size_t sp = 0;
        uint32_t j = (uint32_t)i;
        while (j != BLOCK_NONE && c->v[j].state == STATE_NEW) {
            c->v[j].state = STATE_ACTIVE;
            stack[sp++] = j;
            j = c->v[j].parent;
        }
        if (j != BLOCK_NONE && c->v[j].state == STATE_ACTIVE) {
            /* A cycle of previous-block hashes needs a hash collision; break it anyway. */
            c->v[stack[sp - 1]].parent = BLOCK_NONE;
        }
        while (sp > 0) {
            struct ledger_block *b = &c->v[stack[--sp]];
            const struct u256 *work = memo_work(&memo, b->bits);
            if (b->parent == BLOCK_NONE) {
                b->height = fn(ctx, (uint32_t)(b - c->v));
                b->chainwork = *work;
                c->roots++;
            } else {
                const struct ledger_block *p = &c->v[b->parent];
                b->height = p->height == UINT32_MAX ? p->height : p->height + 1;
                b->chainwork = p->chainwork;
                kin__u256_add(&b->chainwork, work);
            }
            b->state = STATE_DONE;
        }
    }
    kin__free(stack);
    uint32_t tip = 0;
    for (size_t i = 1; i < c->count; i++) {
        if (kin__u256_cmp(&c->v[i].chainwork, &c->v[tip].chainwork) > 0) {
            tip = (uint32_t)i;
        }
    }
    size_t len = 0;
    for (uint32_t j = tip; j != BLOCK_NONE; j = c->v[j].parent) {
        len++;
    }
    c->main = kin__malloc(len * sizeof(*c->main));
    if (!c->main) {
        return KIN_NOMEM;
    }
    size_t k = len;
    for (uint32_t j = tip; j != BLOCK_NONE; j = c->v[j].parent) {
        c->main[--k] = j;
    }
    c->main_count = len;
    c->tip = tip;
    c->base_height = c->v[c->main[0]].height;
    return KIN_OK;
}

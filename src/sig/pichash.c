/*
 * pichash.c: exact position-independent hashes of functions and blocks.
 *
 * Each instruction's bytes are copied with the position-dependent field zeroed, then absorbed
 * in address order of the blocks. Zeroed: relative call targets, relative jumps that leave the
 * function (tail calls, jumps to other code), rip-relative displacements, and displacements or
 * immediates of 4+ bytes whose value lies inside the image (absolute addresses; relocated
 * operands always do). Jumps inside the function keep their offsets: they do not move when the
 * function does, and they tell apart functions that differ only in layout. The same code at
 * another address, or linked into another binary, hashes the same.
 */
#include <string.h>

#include "sig.h"

__extension__ typedef unsigned __int128 u128;

static inline uint64_t mum(uint64_t a, uint64_t b)
{
    u128 r = (u128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

#define S0 0xa0761d6478bd642fULL
#define S1 0xe7037ed1a0b428dbULL
#define S2 0x8ebc6af09c88c6e3ULL

static int inside(const struct func_body *b, uint32_t co)
{
    uint32_t lo = 0, hi = b->block_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (b->blocks[mid].co < co) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < b->block_count && b->blocks[lo].co == co;
}

/* The masked bytes of one instruction as two little-endian words. */
static void masked(const struct func_ctx *c,
                   const struct func_body *b,
                   const struct func_insn *r,
                   uint64_t w[2])
{
    uint8_t buf[16];
    uint32_t avail;
    const uint8_t *p = kin__func_bytes(c, r->co, &avail);
    unsigned len = r->len <= 15 && r->len <= avail ? r->len : (avail < 15 ? avail : 15);
    memset(buf, 0, sizeof(buf));
    memcpy(buf, p, len);
    if (r->mask) {
        unsigned flow = fi_flow(r), vk = fi_valkind(r);
        int apply = 1;
        if ((flow == DIS_FLOW_JMP || flow == DIS_FLOW_JCC) && vk == FI_VAL_CODE &&
            !(r->cls & FI_F_ADDRM)) {
            apply = !inside(b, r->val);
        }
        unsigned mo = r->mask >> 4, ml = r->mask & 15u;
        if (apply && mo + ml <= 16) {
            memset(buf + mo, 0, ml);
        }
    }
    buf[15] = (uint8_t)len;
    memcpy(&w[0], buf, 8);
    memcpy(&w[1], buf + 8, 8);
}

void kin__sig_pichash(const struct func_ctx *c,
                      const struct func_body *b,
                      uint64_t *pichash,
                      uint64_t *block_hashes)
{
    uint64_t hf = S2, nbytes = 0;
    for (uint32_t bi = 0; bi < b->block_count; bi++) {
        const struct func_block *blk = &b->blocks[bi];
        uint64_t hb = S2;
        for (uint32_t k = 0; k < blk->count; k++) {
            const struct func_insn *r = &c->ins[b->insns[blk->first + k]];
            uint64_t w[2];
            masked(c, b, r, w);
            hf = mum(hf ^ w[0] ^ S0, w[1] ^ S1);
            hb = mum(hb ^ w[0] ^ S0, w[1] ^ S1);
            nbytes += r->len;
        }
        if (block_hashes) {
            block_hashes[bi] = kin__mix64(hb ^ blk->size);
        }
    }
    *pichash = kin__mix64(hf ^ nbytes);
}

/*
 * body.c: one function's body and control-flow graph, rebuilt on demand from the cache.
 *
 * A walk from the start follows fall-through, conditional and unconditional jumps and jump
 * tables, and stops at ret, at other functions' starts (jumps there are tail calls) and at
 * calls to functions that do not return. Each walk segment ("run") ends at a terminator or at
 * code this walk already holds; blocks are the runs, in address order, split at every branch
 * target ("leader"). Edges join blocks of the same function only. Bodies are built in address
 * order and an instruction belongs to the first body that reaches it, so code shared by several
 * starts (labels of computed gotos, shared tails) is walked once: total work stays linear in the
 * code size whatever the starts. Output lives in scratch
 * storage reused for the next function; the local bitmaps are cleared by walking what was set,
 * so the cost is proportional to the function, not to the file.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"
#include "func.h"

struct run {
    uint32_t start; /* first index in c->seq */
    uint32_t count;
};

static int push_target(struct func_ctx *c, uint32_t co)
{
    if (!bm_get(c->lead, co)) {
        bm_set(c->lead, co);
        if (!kin__u32_push(c, &c->leads, co)) {
            return 0;
        }
    }
    return kin__u32_push(c, &c->stack, co);
}

/* Runs are (first co, start, count) triples in c->runs, sorted by their first co. */
static int cmp_run_co(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

static uint32_t find_block(const struct func_block *b, uint32_t n, uint32_t co)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (b[mid].co < co) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < n && b[lo].co == co ? lo : FUNC_NONE;
}

static int cmp_block(const void *a, const void *b)
{
    const struct func_block *x = a, *y = b;
    return x->co < y->co ? -1 : x->co > y->co;
}

static void add_edge(struct func_ctx *c, uint32_t from, uint32_t to, uint32_t *count)
{
    if (c->blocks[from].outdeg < UINT16_MAX) {
        c->blocks[from].outdeg++;
    }
    if (c->blocks[to].indeg < UINT16_MAX) {
        c->blocks[to].indeg++;
    }
    (*count)++;
}

static uint32_t api_of(struct func_ctx *c, const struct func_insn *r)
{
    unsigned flow = fi_flow(r), vk = fi_valkind(r);
    if ((flow == DIS_FLOW_CALL_IND || flow == DIS_FLOW_JMP_IND) && vk == FI_VAL_ADDR) {
        return kin__func_import_at(c, c->img_lo + r->val);
    }
    if ((flow == DIS_FLOW_CALL || flow == DIS_FLOW_JMP) && vk == FI_VAL_CODE) {
        uint32_t si = kin__func_start_index(c, r->val);
        if (si != FUNC_NONE && c->starts[si].import) {
            return c->starts[si].import - 1;
        }
    }
    return FUNC_NONE;
}

kin_status kin__func_body(struct func_ctx *c, uint32_t fi, struct func_body *out)
{
    uint32_t f = c->starts[fi].co;
    uint32_t cap = KIN_MAX_FUNC_INSNS;
    uint64_t work_cap = (uint64_t)KIN_MAX_BODY_WORK_FACTOR * c->ins_count + KIN_MAX_BODY_WORK_BASE;
    kin_status st = KIN_OK;
    memset(out, 0, sizeof(*out));
    if (c->body_work > work_cap) {
        cap = KIN_MAX_FUNC_INSNS_LATE;
        out->flags |= KIN_FUNC_TRUNCATED;
    }
    c->stack.count = c->seq.count = c->runs.count = c->leads.count = 0;
    c->edges.count = c->apis.count = 0;
    if (!push_target(c, f)) {
        st = KIN_NOMEM;
        goto clear;
    }
    while (c->stack.count) {
        uint32_t co = c->stack.v[--c->stack.count];
        if (bm_get(c->lvis, co)) {
            continue;
        }
        const struct func_region *rg = kin__func_region(c, co);
        uint32_t end = rg->co + rg->size;
        uint32_t run_start = c->seq.count;
        for (;;) {
            if (bm_get(c->lvis, co)) {
                /* Falls into code this walk holds: that instruction starts a block. */
                if (!bm_get(c->lead, co)) {
                    bm_set(c->lead, co);
                    kin__u32_push(c, &c->leads, co);
                }
                break;
            }
            if (bm_get(c->owned, co)) {
                /* An earlier function's body holds this code: shared code is counted once. */
                break;
            }
            if (c->seq.count >= cap) {
                out->flags |= KIN_FUNC_TRUNCATED;
                c->stack.count = 0;
                break;
            }
            uint32_t idx = kin__func_insn_at(c, co);
            if (idx == FUNC_NONE) {
                out->flags |= KIN_FUNC_TRUNCATED;
                break;
            }
            struct func_insn r = c->ins[idx];
            bm_set(c->lvis, co);
            if (!kin__u32_push(c, &c->seq, idx)) {
                st = KIN_NOMEM;
                goto clear;
            }
            unsigned flow = fi_flow(&r), vk = fi_valkind(&r);
            int endrun = 0;
            uint32_t api;
            switch (flow) {
            case DIS_FLOW_JCC:
                if (vk == FI_VAL_CODE && (r.val == f || !bm_get(c->fstart, r.val))) {
                    push_target(c, r.val);
                }
                /* The fall-through successor starts a block too. */
                if (!bm_get(c->lead, co + r.len) && co + r.len < c->code_size) {
                    bm_set(c->lead, co + r.len);
                    kin__u32_push(c, &c->leads, co + r.len);
                }
                break;
            case DIS_FLOW_JMP:
                if (vk == FI_VAL_CODE && (r.val == f || !bm_get(c->fstart, r.val))) {
                    push_target(c, r.val);
                } else if ((api = api_of(c, &r)) != FUNC_NONE) {
                    out->api_call_count++;
                    kin__u32_push(c, &c->apis, api);
                }
                endrun = 1;
                break;
            case DIS_FLOW_CALL:
                out->call_count++;
                if ((api = api_of(c, &r)) != FUNC_NONE) {
                    out->api_call_count++;
                    kin__u32_push(c, &c->apis, api);
                }
                if (vk == FI_VAL_CODE && bm_get(c->noret, r.val)) {
                    endrun = 1;
                }
                break;
            case DIS_FLOW_CALL_IND:
                out->call_count++;
                if ((api = api_of(c, &r)) != FUNC_NONE) {
                    out->api_call_count++;
                    kin__u32_push(c, &c->apis, api);
                    if (kin__func_noreturn_name(c->img->imports[api].name)) {
                        endrun = 1;
                    }
                }
                break;
            case DIS_FLOW_JMP_IND: {
                uint32_t first, count;
                if (kin__func_jt_find(c, r.co, &first, &count)) {
                    for (uint32_t k = 0; k < count; k++) {
                        uint32_t t = c->jt_targets.v[first + k];
                        if (t == f || !bm_get(c->fstart, t)) {
                            push_target(c, t);
                        }
                    }
                } else if ((api = api_of(c, &r)) != FUNC_NONE && fi != FUNC_NONE &&
                           !c->starts[fi].import) {
                    out->api_call_count++;
                    kin__u32_push(c, &c->apis, api);
                }
                endrun = 1;
                break;
            }
            case DIS_FLOW_RET:
            case DIS_FLOW_HLT:
            case DIS_FLOW_UD:
            case DIS_FLOW_INT3:
            case DIS_FLOW_INVALID:
                endrun = 1;
                break;
            default:
                break;
            }
            if (endrun) {
                break;
            }
            uint32_t next = co + r.len;
            if (next >= end || (next != f && bm_get(c->fstart, next))) {
                break;
            }
            if (flow == DIS_FLOW_CALL || flow == DIS_FLOW_CALL_IND) {
                uint32_t avail;
                const uint8_t *p = kin__func_bytes(c, next, &avail);
                if (avail >= 2 && p[0] == 0 && p[1] == 0) {
                    break;
                }
            }
            co = next;
        }
        if (c->seq.count > run_start) {
            uint32_t first_co = c->ins[c->seq.v[run_start]].co;
            if (!kin__u32_push(c, &c->runs, first_co) || !kin__u32_push(c, &c->runs, run_start) ||
                !kin__u32_push(c, &c->runs, c->seq.count - run_start)) {
                st = KIN_NOMEM;
                goto clear;
            }
        }
    }
    c->body_work += c->seq.count;

    /* Runs in address order -> instructions in address order (c->tmp), split into blocks. */
    uint32_t nruns = c->runs.count / 3;
    if (nruns > 0) {
        qsort(c->runs.v, nruns, 12, cmp_run_co);
    }
    c->tmp.count = 0;
    uint32_t nb = 0;
    for (uint32_t ri = 0; ri < nruns; ri++) {
        uint32_t start = c->runs.v[ri * 3 + 1], count = c->runs.v[ri * 3 + 2];
        for (uint32_t k = 0; k < count; k++) {
            uint32_t idx = c->seq.v[start + k];
            const struct func_insn *r = &c->ins[idx];
            if (k == 0 || bm_get(c->lead, r->co)) {
                if (nb >= KIN_MAX_FUNC_BLOCKS) {
                    out->flags |= KIN_FUNC_TRUNCATED;
                    goto blocks_done;
                }
                if (!kin__func_grow(c, (void **)&c->blocks, &c->block_cap, nb + 1,
                                    sizeof(*c->blocks))) {
                    st = KIN_NOMEM;
                    goto clear;
                }
                struct func_block *b = &c->blocks[nb++];
                memset(b, 0, sizeof(*b));
                b->first = c->tmp.count;
                b->co = r->co;
            }
            if (!kin__u32_push(c, &c->tmp, idx)) {
                st = KIN_NOMEM;
                goto clear;
            }
            c->blocks[nb - 1].count++;
            c->blocks[nb - 1].size += r->len;
            out->size += r->len;
        }
    }
blocks_done:
    /* Overlapping runs (code entered at two alignments) can leave blocks out of order. */
    for (uint32_t bi = 1; bi < nb; bi++) {
        if (c->blocks[bi].co <= c->blocks[bi - 1].co) {
            qsort(c->blocks, nb, sizeof(*c->blocks), cmp_block);
            break;
        }
    }
    /* Edges between blocks of this function (jump-table targets are already distinct). */
    uint32_t distinct = 0;
    for (uint32_t bi = 0; bi < nb; bi++) {
        struct func_block *b = &c->blocks[bi];
        const struct func_insn *r = &c->ins[c->tmp.v[b->first + b->count - 1]];
        unsigned flow = fi_flow(r), vk = fi_valkind(r);
        uint32_t next = r->co + r->len, t, taken = FUNC_NONE;
        int falls = 0;
        switch (flow) {
        case DIS_FLOW_JCC:
            if (vk == FI_VAL_CODE && (t = find_block(c->blocks, nb, r->val)) != FUNC_NONE) {
                add_edge(c, bi, t, &distinct);
                taken = t;
            }
            falls = 1;
            break;
        case DIS_FLOW_JMP:
            if (vk == FI_VAL_CODE && (t = find_block(c->blocks, nb, r->val)) != FUNC_NONE) {
                add_edge(c, bi, t, &distinct);
            }
            break;
        case DIS_FLOW_JMP_IND: {
            uint32_t first, count;
            if (kin__func_jt_find(c, r->co, &first, &count)) {
                for (uint32_t k = 0; k < count; k++) {
                    t = find_block(c->blocks, nb, c->jt_targets.v[first + k]);
                    if (t != FUNC_NONE) {
                        add_edge(c, bi, t, &distinct);
                    }
                }
            }
            break;
        }
        case DIS_FLOW_RET:
        case DIS_FLOW_HLT:
        case DIS_FLOW_UD:
        case DIS_FLOW_INT3:
        case DIS_FLOW_INVALID:
            break;
        default:
            falls = 1;
            break;
        }
        if (falls && (t = find_block(c->blocks, nb, next)) != FUNC_NONE && t != taken) {
            add_edge(c, bi, t, &distinct);
        }
    }
    out->edge_count = distinct;
    out->insns = c->tmp.v;
    out->insn_count = c->tmp.count;
    out->blocks = c->blocks;
    out->block_count = nb;
    out->apis = c->apis.v;
    out->api_count = c->apis.count;

clear:
    for (uint32_t i = 0; i < c->seq.count; i++) {
        bm_clr(c->lvis, c->ins[c->seq.v[i]].co);
        bm_set(c->owned, c->ins[c->seq.v[i]].co);
    }
    for (uint32_t i = 0; i < c->leads.count; i++) {
        bm_clr(c->lead, c->leads.v[i]);
    }
    return st;
}

/*
 * funcs.c: public entry points of function analysis: kin_funcs_analyze() runs the disasm, func
 * and sig stages over a loaded sample and keeps the results in an arena owned by struct
 * kin_funcs; everything else here reads them.
 */
#include <string.h>

#include "../core/limits.h"
#include "../func/func.h"
#include "../sig/sig.h"

struct kin_funcs {
    struct arena arena;
    struct anomaly_list an;
    struct kin_function *v;
    size_t count;
};

static kin_status analyze(struct func_ctx *c, struct kin_funcs *f)
{
    struct sig_scratch scratch;
    memset(&scratch, 0, sizeof(scratch));
    kin_status st = kin__func_sweep(c);
    if (st != KIN_OK) {
        return st;
    }
    KIN_TRY(kin__func_discover(c));
    f->v = kin__arena_array(&f->arena, c->start_count ? c->start_count : 1, sizeof(*f->v));
    if (!f->v) {
        return KIN_NOMEM;
    }
    for (uint32_t i = 0; i < c->start_count; i++) {
        const struct func_start *s = &c->starts[i];
        struct kin_function *fn = &f->v[f->count];
        struct func_body b;
        st = kin__func_body(c, i, &b);
        if (st != KIN_OK) {
            goto out;
        }
        fn->va = kin__func_va(c, s->co);
        fn->size = b.size;
        fn->flags = s->flags | b.flags;
        fn->insn_count = b.insn_count;
        fn->block_count = b.block_count;
        fn->edge_count = b.edge_count;
        fn->call_count = b.call_count;
        fn->api_call_count = b.api_call_count;
        fn->name = s->name;
        uint64_t *bh = kin__arena_array(&f->arena, b.block_count ? b.block_count : 1, 8);
        uint64_t *bv = kin__arena_array(&f->arena, b.block_count ? b.block_count : 1, 8);
        if (!bh || !bv) {
            st = KIN_NOMEM;
            goto out;
        }
        for (uint32_t k = 0; k < b.block_count; k++) {
            bv[k] = kin__func_va(c, b.blocks[k].co);
        }
        kin__sig_pichash(c, &b, &fn->pichash, bh);
        st = kin__sig_minhash(c, &b, &scratch, fn->minhash);
        if (st != KIN_OK) {
            goto out;
        }
        fn->block_hashes = bh;
        fn->block_vas = bv;
        if (b.insn_count < KIN_SIG_SMALL_INSNS || b.size < KIN_SIG_SMALL_BYTES ||
            (fn->flags & KIN_FUNC_THUNK)) {
            fn->flags |= KIN_FUNC_SMALL;
        }
        f->count++;
    }
out:
    kin__sig_scratch_release(&scratch);
    return st;
}

kin_status kin_funcs_analyze(const struct kin_sample *s,
                             const struct kin_analyze_options *opts,
                             struct kin_funcs **out)
{
    if (!out) {
        return KIN_INVALID;
    }
    *out = NULL;
    if (!s) {
        return KIN_INVALID;
    }
    const struct kin_image *img = &s->img;
    if (img->arch != KIN_ARCH_X86 && img->arch != KIN_ARCH_X64) {
        return KIN_UNSUPPORTED;
    }
    struct kin_funcs *f = kin__calloc(1, sizeof(*f));
    if (!f) {
        return KIN_NOMEM;
    }
    kin__arena_init(&f->arena, 0);
    struct func_ctx c;
    kin_status st = kin__func_ctx_init(&c, s, opts, &f->arena, &f->an);
    if (st == KIN_OK) {
        st = analyze(&c, f);
    }
    if (st == KIN_OK && c.limit_hit) {
        kin__anomaly_add(&f->an, &f->arena, "func.limit", 0,
                         "a cap of the function analysis was reached; results are partial");
    }
    kin__func_ctx_release(&c);
    if (st == KIN_LIMIT) {
        st = KIN_OK; /* partial results are results */
    }
    if (st != KIN_OK) {
        kin_funcs_free(f);
        return st;
    }
    *out = f;
    return KIN_OK;
}

void kin_funcs_free(struct kin_funcs *f)
{
    if (!f) {
        return;
    }
    kin__arena_release(&f->arena);
    kin__free(f);
}

size_t kin_funcs_count(const struct kin_funcs *f)
{
    return f ? f->count : 0;
}

const struct kin_function *kin_funcs_get(const struct kin_funcs *f, size_t i)
{
    return f && i < f->count ? &f->v[i] : NULL;
}

const struct kin_anomaly *kin_funcs_anomalies(const struct kin_funcs *f, size_t *count)
{
    *count = f ? f->an.count : 0;
    return f ? f->an.v : NULL;
}

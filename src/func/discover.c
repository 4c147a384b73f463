/*
 * discover.c: function discovery on the instruction cache.
 *
 * Strong seeds (entry points, TLS callbacks, exports, FUNC symbols, x64 .pdata, ELF
 * .eh_frame_hdr) are explored first by recursive descent; every direct call target, every jump
 * to a known start or far outside the current function (a tail call) becomes a new start. Weak
 * seeds (code addresses taken by instructions or stored in data: vtables, .init_array,
 * relocated pointers) and then a gap scan over what no function covers (prologue patterns, or
 * code after padding and terminators) are explored tentatively: a candidate that decodes to
 * invalid or privileged instructions, or branches outside the code, is rolled back.
 * Discovery visits each instruction once (a global "explored" bitmap stops every walk), so it
 * is linear in the code size; per-walk caps bound pathological inputs.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"
#include "../core/span.h"
#include "func.h"

/* Outcome of one exploration. */
struct xres {
    uint32_t insns;
    uint32_t invalid; /* undecodable bytes reached */
    uint32_t rare;    /* privileged or obsolete instructions */
    uint32_t bad;     /* branches outside the code or into the middle of explored code */
    uint32_t rets;    /* paths that end in ret or a tail call */
    int truncated;
};

static const char *const noreturn_names[] = {"exit",
                                             "_exit",
                                             "_Exit",
                                             "abort",
                                             "quick_exit",
                                             "__stack_chk_fail",
                                             "__stack_chk_fail_local",
                                             "__assert_fail",
                                             "__assert_rtn",
                                             "_assert",
                                             "_wassert",
                                             "__assert_perror_fail",
                                             "__fortify_fail",
                                             "__chk_fail",
                                             "err",
                                             "errx",
                                             "verr",
                                             "verrx",
                                             "longjmp",
                                             "_longjmp",
                                             "siglongjmp",
                                             "__longjmp_chk",
                                             "pthread_exit",
                                             "__cxa_throw",
                                             "__cxa_rethrow",
                                             "__cxa_bad_cast",
                                             "__cxa_bad_typeid",
                                             "__cxa_call_unexpected",
                                             "__cxa_throw_bad_array_new_length",
                                             "_Unwind_Resume",
                                             "_ZSt9terminatev",
                                             "ExitProcess",
                                             "ExitThread",
                                             "FreeLibraryAndExitThread",
                                             "FatalExit",
                                             "FatalAppExitA",
                                             "FatalAppExitW",
                                             "_CxxThrowException",
                                             "_invalid_parameter_noinfo_noreturn",
                                             "__report_gsfailure",
                                             "_amsg_exit",
                                             "RtlExitUserProcess",
                                             "RtlExitUserThread",
                                             "__libc_fatal",
                                             "_ZSt17__throw_bad_allocv",
                                             NULL};

int kin__func_noreturn_name(const char *name)
{
    if (!name) {
        return 0;
    }
    while (*name == '_' && name[1] == '_' && !strncmp(name, "__imp_", 6)) {
        name += 6;
    }
    for (const char *const *p = noreturn_names; *p; p++) {
        if (!strcmp(name, *p)) {
            return 1;
        }
    }
    /* libstdc++'s std::__throw_* helpers. */
    return !strncmp(name, "_ZSt", 4) && strstr(name, "__throw_") != NULL;
}

/* The import a thunk at co jumps through (jmp [slot], after an optional endbr), or FUNC_NONE. */
static uint32_t thunk_import(struct func_ctx *c, uint32_t co)
{
    for (int step = 0; step < 2; step++) {
        uint32_t idx = kin__func_insn_at(c, co);
        if (idx == FUNC_NONE) {
            return FUNC_NONE;
        }
        struct func_insn r = c->ins[idx];
        if (fi_flow(&r) == DIS_FLOW_JMP_IND) {
            return fi_valkind(&r) == FI_VAL_ADDR ? kin__func_import_at(c, c->img_lo + r.val)
                                                 : kin__func_got_import(c, co);
        }
        if (fi_class(&r) != DIS_CLS_NOP || (r.cls & FI_F_PAD)) {
            return FUNC_NONE; /* only endbr32/endbr64 may precede the jump */
        }
        co += r.len;
    }
    return FUNC_NONE;
}

/* Adds a start. Unnamed, unflagged starts already known are not added again. */
static int add_start(struct func_ctx *c, uint32_t co, uint32_t flags, const char *name)
{
    if (co >= c->code_size) {
        return 1;
    }
    int known = bm_get(c->fstart, co);
    if (known && !flags && !name) {
        return 1;
    }
    if (c->start_count >= KIN_MAX_FUNCTIONS) {
        c->limit_hit = 1;
        return 0;
    }
    if (!kin__func_grow(c, (void **)&c->starts, &c->start_cap, c->start_count + 1,
                        sizeof(*c->starts))) {
        return 0;
    }
    struct func_start *s = &c->starts[c->start_count++];
    memset(s, 0, sizeof(*s));
    s->co = co;
    s->flags = flags;
    s->name = name;
    if (!known) {
        bm_set(c->fstart, co);
        uint32_t imp = thunk_import(c, co);
        if (imp != FUNC_NONE) {
            s->flags |= KIN_FUNC_THUNK;
            s->import = imp + 1;
            if (kin__func_noreturn_name(c->img->imports[imp].name)) {
                bm_set(c->noret, co);
            }
        }
    }
    if (name && kin__func_noreturn_name(name)) {
        bm_set(c->noret, co);
    }
    return 1;
}

static int add_start_va(struct func_ctx *c, uint64_t va, uint32_t flags, const char *name)
{
    uint32_t co = kin__func_co(c, va);
    return co == FUNC_NONE ? 1 : add_start(c, co, flags, name);
}

/*
 * The first known start after fco, looked at no further than 256 KiB (4096 bitmap words) away;
 * FUNC_NONE when there is none that close. Starts are only added between walks, so one walk
 * computes this once.
 */
static uint32_t start_after(const struct func_ctx *c, uint32_t fco)
{
    uint32_t w0 = (fco + 1) >> 6, w1 = w0 + 4097;
    if (w1 > c->words) {
        w1 = (uint32_t)c->words;
    }
    for (uint32_t w = w0; w < w1; w++) {
        uint64_t bits = c->fstart[w];
        if (w == w0) {
            bits &= ~(uint64_t)0 << ((fco + 1) & 63);
        }
        if (bits) {
            return (w << 6) + (uint32_t)__builtin_ctzll(bits);
        }
    }
    return FUNC_NONE;
}

/*
 * True when a jump from the function starting at fco to t leaves it: t lies before the entry
 * (cold parts are reached by jcc), at or past the next known start (nxt, from start_after), or
 * more than 256 KiB away.
 */
static int far_jump(uint32_t fco, uint32_t nxt, uint32_t t)
{
    if (t < fco) {
        return 1;
    }
    if (((t >> 6) - ((fco + 1) >> 6)) > 4096) {
        return 1;
    }
    return nxt != FUNC_NONE && t >= nxt;
}

static uint32_t region_end(const struct func_ctx *c, uint32_t co)
{
    const struct func_region *r = kin__func_region(c, co);
    return r->co + r->size;
}

/* Instruction-taken code addresses (lea r,[rip+f]; push offset f; mov r, offset f). */
static void note_code_ref(struct func_ctx *c, const struct func_insn *r)
{
    unsigned cls = fi_class(r);
    if (cls != DIS_CLS_LEA && cls != DIS_CLS_MOV && cls != DIS_CLS_STACK) {
        return;
    }
    uint32_t avail;
    const uint8_t *p = kin__func_bytes(c, r->co, &avail);
    struct dis_insn d;
    if (kin__dis_decode(&c->dis, p, avail, kin__func_va(c, r->co), &d) != KIN_OK) {
        return;
    }
    uint64_t target;
    if (d.flags & DIS_F_LEA) {
        target = d.addr;
        if (d.mem != DIS_MEM_RIP && d.mem != DIS_MEM_ABS) {
            return;
        }
    } else if (d.imm_size >= 4) {
        target = c->bits == 32 ? (d.imm & 0xffffffffu) : d.imm;
    } else {
        return;
    }
    uint32_t t = kin__func_co(c, target);
    if (t != FUNC_NONE) {
        kin__u32_push(c, &c->tmp, t);
    }
}

/*
 * Explores the code reachable from fco without entering explored code. With validate, nothing
 * is committed (the caller decides from *x); commit() or rollback() must follow.
 */
static void explore(struct func_ctx *c, uint32_t fco, int validate, struct xres *x)
{
    memset(x, 0, sizeof(*x));
    uint32_t nxt = FUNC_NONE - 1; /* the next start after fco, computed when first needed */
    c->stack.count = c->trail.count = c->pend.count = c->tails.count = 0;
    if (!kin__u32_push(c, &c->stack, fco)) {
        return;
    }
    while (c->stack.count) {
        uint32_t co = c->stack.v[--c->stack.count];
        uint32_t run_begin = c->trail.count;
        uint32_t end = region_end(c, co);
        for (;;) {
            if (bm_get(c->gvis, co)) {
                break;
            }
            if (validate && bm_get(c->cov, co)) {
                x->bad++; /* into the middle of an explored instruction */
                break;
            }
            uint32_t idx = kin__func_insn_at(c, co);
            if (idx == FUNC_NONE) {
                x->truncated = 1;
                return;
            }
            struct func_insn r = c->ins[idx];
            bm_set(c->gvis, co);
            if (!kin__u32_push(c, &c->trail, idx)) {
                x->truncated = 1;
                return;
            }
            if (++x->insns > KIN_MAX_FUNC_INSNS) {
                x->truncated = 1;
                c->limit_hit = 1;
                return;
            }
            if (r.cls & FI_F_PRIV) {
                x->rare++;
            }
            unsigned flow = fi_flow(&r), vk = fi_valkind(&r);
            int endrun = 0;
            if (vk == FI_VAL_ADDR && flow != DIS_FLOW_JMP_IND && flow != DIS_FLOW_CALL_IND) {
                uint64_t a = c->img_lo + r.val;
                if (kin__func_co(c, a) != FUNC_NONE) {
                    note_code_ref(c, &r);
                }
            }
            switch (flow) {
            case DIS_FLOW_INVALID:
                x->invalid++;
                endrun = 1;
                break;
            case DIS_FLOW_JCC:
                if (vk == FI_VAL_CODE) {
                    if (!bm_get(c->fstart, r.val) || r.val == fco) {
                        kin__u32_push(c, &c->stack, r.val);
                    }
                } else {
                    x->bad++;
                }
                break;
            case DIS_FLOW_JMP:
                if (vk == FI_VAL_CODE) {
                    if (r.val == fco || !bm_get(c->fstart, r.val)) {
                        if (nxt == FUNC_NONE - 1) {
                            nxt = start_after(c, fco);
                        }
                        if (r.val != fco && far_jump(fco, nxt, r.val)) {
                            kin__u32_push(c, &c->tails, r.val);
                            x->rets++;
                        } else {
                            kin__u32_push(c, &c->stack, r.val);
                        }
                    } else {
                        x->rets++;
                    }
                } else {
                    x->bad++;
                }
                endrun = 1;
                break;
            case DIS_FLOW_CALL:
                if (vk == FI_VAL_CODE) {
                    if (r.val != co + r.len) { /* call $+5 reads the program counter */
                        kin__u32_push(c, &c->pend, r.val);
                        if (bm_get(c->noret, r.val)) {
                            endrun = 1;
                        }
                    }
                } else if (validate) {
                    x->bad++;
                }
                break;
            case DIS_FLOW_CALL_IND:
                if (vk == FI_VAL_ADDR) {
                    uint32_t imp = kin__func_import_at(c, c->img_lo + r.val);
                    if (imp != FUNC_NONE && kin__func_noreturn_name(c->img->imports[imp].name)) {
                        endrun = 1;
                    }
                }
                break;
            case DIS_FLOW_JMP_IND: {
                uint32_t before = c->jt_targets.count;
                if (kin__func_jumptable(c, c->trail.v, c->trail.count, run_begin, fco,
                                        &c->jt_targets) == KIN_OK) {
                    for (uint32_t i = before; i < c->jt_targets.count; i++) {
                        kin__u32_push(c, &c->stack, c->jt_targets.v[i]);
                    }
                }
                x->rets++;
                endrun = 1;
                break;
            }
            case DIS_FLOW_RET:
                x->rets++;
                endrun = 1;
                break;
            case DIS_FLOW_HLT:
            case DIS_FLOW_UD:
            case DIS_FLOW_INT3:
                endrun = 1;
                break;
            default:
                break;
            }
            if (endrun) {
                break;
            }
            uint32_t next = co + r.len;
            if (next >= end || bm_get(c->fstart, next)) {
                break;
            }
            if (flow == DIS_FLOW_CALL || flow == DIS_FLOW_CALL_IND) {
                /* Zero bytes after a call: the callee does not return (padding follows). */
                uint32_t avail;
                const uint8_t *p = kin__func_bytes(c, next, &avail);
                if (avail >= 2 && p[0] == 0 && p[1] == 0) {
                    break;
                }
            }
            co = next;
        }
    }
}

static void set_cov(struct func_ctx *c, uint32_t co, uint32_t len)
{
    if (co + len > c->code_size) {
        len = c->code_size - co;
    }
    if (len == 0) {
        return;
    }
    /* len <= 255 bits: at most five words. */
    uint32_t w = co >> 6, b = co & 63;
    while (len) {
        uint32_t take = 64 - b < len ? 64 - b : len;
        uint64_t bits = take == 64 ? ~(uint64_t)0 : (((uint64_t)1 << take) - 1) << b;
        c->cov[w] |= bits;
        len -= take;
        w++;
        b = 0;
    }
}

static void commit(struct func_ctx *c, uint32_t jt_mark)
{
    for (uint32_t i = 0; i < c->trail.count; i++) {
        const struct func_insn *r = &c->ins[c->trail.v[i]];
        set_cov(c, r->co, r->len);
    }
    for (uint32_t i = jt_mark; i < c->jt_count; i++) {
        /* Tables inside code are data: the gap scan must not take them for functions. */
        const struct func_jt *j = &c->jts[i];
        for (uint32_t k = 0; j->data_co != FUNC_NONE && k < j->data_len; k++) {
            if (j->data_co + k < c->code_size) {
                bm_set(c->data, j->data_co + k);
            }
        }
    }
    for (uint32_t i = 0; i < c->pend.count; i++) {
        add_start(c, c->pend.v[i], 0, NULL);
    }
    for (uint32_t i = 0; i < c->tails.count; i++) {
        kin__u32_push(c, &c->deferred, c->tails.v[i]);
    }
}

static void rollback(struct func_ctx *c, uint32_t jt_mark, uint32_t jtt_mark)
{
    for (uint32_t i = 0; i < c->trail.count; i++) {
        bm_clr(c->gvis, c->ins[c->trail.v[i]].co);
    }
    c->jt_count = jt_mark;
    c->jt_targets.count = jtt_mark;
}

/* Explores every start not explored yet, from index *qi on. */
static void drain(struct func_ctx *c, uint32_t *qi)
{
    struct xres x;
    while (*qi < c->start_count) {
        uint32_t co = c->starts[(*qi)++].co;
        if (bm_get(c->gvis, co)) {
            continue;
        }
        uint32_t jt_mark = c->jt_count;
        explore(c, co, 0, &x);
        commit(c, jt_mark);
    }
}

/*
 * Tail-call targets are decided once every function known so far has been explored: a target
 * that some function's body covers by now is a jump into that body (a .cold fragment returning
 * to its parent, a shared tail, a jump into a function explored later), not a function of its
 * own. The others become starts; exploring them may defer more, so this runs to a fixpoint.
 */
static void resolve_tails(struct func_ctx *c, uint32_t *qi)
{
    drain(c, qi);
    while (c->deferred.count) {
        struct u32vec list = c->deferred;
        memset(&c->deferred, 0, sizeof(c->deferred));
        for (uint32_t i = 0; i < list.count; i++) {
            uint32_t t = list.v[i];
            if (!bm_get(c->cov, t) && !bm_get(c->fstart, t)) {
                add_start(c, t, 0, NULL);
            }
        }
        kin__u32_free(&list);
        drain(c, qi);
    }
}

/* Tentatively explores a candidate start; keeps it when the code looks sound. */
static int try_candidate(struct func_ctx *c, uint32_t co, uint32_t flags, uint32_t *qi)
{
    struct xres x;
    uint32_t jt_mark = c->jt_count, jtt_mark = c->jt_targets.count;
    uint32_t tmp_mark = c->tmp.count;
    /* Rejected candidates cost without result: their total work is capped (hostile input). */
    if (c->tentative_work >
        (uint64_t)KIN_MAX_TENTATIVE_FACTOR * c->sweep_count + KIN_MAX_TENTATIVE_BASE) {
        c->limit_hit = 1;
        return 0;
    }
    explore(c, co, 1, &x);
    c->tmp.count = tmp_mark; /* code references of rejected code are not trusted */
    if (x.truncated || x.invalid || x.rare || x.bad || x.insns == 0) {
        c->tentative_work += x.insns;
        rollback(c, jt_mark, jtt_mark);
        return 0;
    }
    commit(c, jt_mark);
    add_start(c, co, flags, NULL);
    resolve_tails(c, qi);
    return 1;
}

/* Strong seeds: entries, exports, symbols, .pdata. */
static void strong_seeds(struct func_ctx *c)
{
    const struct kin_image *img = c->img;
    for (size_t i = 0; i < img->entry_count; i++) {
        add_start_va(c, img->entries[i].va, KIN_FUNC_ENTRY, NULL);
    }
    for (size_t i = 0; i < img->symbol_count; i++) {
        const struct kin_symbol *s = &img->symbols[i];
        if (s->type == KIN_SYM_FUNC && s->defined && s->va) {
            add_start_va(c, s->va, KIN_FUNC_SYMBOL, s->name && *s->name ? s->name : NULL);
        }
    }
    for (size_t i = 0; i < img->export_count; i++) {
        const struct kin_export *e = &img->exports[i];
        if (e->va && !e->forwarder) {
            add_start_va(c, e->va, KIN_FUNC_EXPORT, e->name);
        }
    }
    if (!c->opt->no_pdata) {
        for (size_t i = 0; i < img->pe.pdata_count; i++) {
            const struct kin_runtime_function *rf = &img->pe.pdata[i];
            uint8_t head;
            if (rf->unwind_va & 1u) {
                continue; /* points at another RUNTIME_FUNCTION: a chained fragment */
            }
            if (kin__func_read(c, rf->unwind_va, &head, 1) && ((head >> 3) & 4u)) {
                continue; /* UNW_FLAG_CHAININFO: a fragment of another function */
            }
            add_start_va(c, rf->begin_va, KIN_FUNC_PDATA, NULL);
        }
    }
}

static const struct kin_section *find_section(const struct kin_image *img, const char *name)
{
    for (size_t i = 0; i < img->section_count; i++) {
        if (img->sections[i].name && !strcmp(img->sections[i].name, name)) {
            return &img->sections[i];
        }
    }
    return NULL;
}

/*
 * ELF .eh_frame_hdr (LSB 4.1, "Exception Frame Header"): the binary-search table of FDE initial
 * locations names almost every function of a C/C++ binary, stripped or not.
 *   u8 version (1), u8 eh_frame_ptr_enc, u8 fde_count_enc, u8 table_enc,
 *   eh_frame_ptr (enc), fde_count (enc), then fde_count pairs (initial_location, fde_address).
 * Only the usual encodings are read: table_enc 0x3b (datarel sdata4), fde_count_enc 0x03.
 */
static void eh_frame_seeds(struct func_ctx *c)
{
    const struct kin_image *img = c->img;
    if (img->format != KIN_FORMAT_ELF) {
        return;
    }
    uint64_t va = 0, off = 0, size = 0;
    const struct kin_section *s = find_section(img, ".eh_frame_hdr");
    if (s) {
        va = s->va;
        off = s->offset;
        size = s->size;
    } else {
        for (size_t i = 0; i < img->elf.segment_count; i++) {
            if (img->elf.segments[i].type == 0x6474e550u) { /* PT_GNU_EH_FRAME */
                va = img->elf.segments[i].va;
                off = img->elf.segments[i].offset;
                size = img->elf.segments[i].filesz;
            }
        }
    }
    struct span file = kin__span(c->s->data, c->s->size), hdr;
    if (!size || !kin__span_sub(file, off, size, &hdr)) {
        return;
    }
    uint8_t ver, ptr_enc, cnt_enc, tab_enc;
    if (!kin__span_u8(hdr, 0, &ver) || !kin__span_u8(hdr, 1, &ptr_enc) ||
        !kin__span_u8(hdr, 2, &cnt_enc) || !kin__span_u8(hdr, 3, &tab_enc) || ver != 1 ||
        cnt_enc != 0x03 || tab_enc != 0x3b) {
        return;
    }
    uint64_t pos = 4;
    unsigned low = ptr_enc & 0x0fu;
    pos += low == 0x03 || low == 0x0b ? 4 : low == 0x04 || low == 0x0c ? 8 : 0;
    if (pos == 4 || (ptr_enc == 0xff)) {
        return;
    }
    uint32_t count;
    if (!kin__span_le32(hdr, pos, &count)) {
        return;
    }
    pos += 4;
    for (uint32_t i = 0; i < count && i < KIN_MAX_FUNCTIONS; i++) {
        uint32_t loc;
        if (!kin__span_le32(hdr, pos + (uint64_t)i * 8, &loc)) {
            break;
        }
        add_start_va(c, va + (uint64_t)(int64_t)(int32_t)loc, 0, NULL);
    }
}

/* Pointers into code stored in data (vtables, .init_array, function tables). */
static void data_pointer_seeds(struct func_ctx *c)
{
    const struct kin_image *img = c->img;
    unsigned ptr = c->bits / 8;
    if (img->format == KIN_FORMAT_PE) {
        for (size_t i = 0; i < img->pe.reloc_count; i++) {
            const struct kin_reloc *rl = &img->pe.relocs[i];
            if (kin__func_co(c, rl->va) != FUNC_NONE) {
                continue; /* inside code: operands (seen by the walk) or jump tables */
            }
            uint64_t v = 0;
            if (rl->type == 10) {
                if (!kin__func_read(c, rl->va, &v, 8)) {
                    continue;
                }
            } else if (rl->type == 3) {
                uint32_t v32;
                if (!kin__func_read(c, rl->va, &v32, 4)) {
                    continue;
                }
                v = v32;
            } else {
                continue;
            }
            uint32_t t = kin__func_co(c, v);
            if (t != FUNC_NONE) {
                kin__u32_push(c, &c->tmp, t);
            }
        }
    } else if (img->format == KIN_FORMAT_ELF) {
        static const char *const names[] = {
            ".init_array", ".fini_array", ".preinit_array", ".data.rel.ro", ".ctors",
            ".dtors",      NULL};
        struct span file = kin__span(c->s->data, c->s->size), sec;
        for (const char *const *n = names; *n; n++) {
            const struct kin_section *s = find_section(img, *n);
            if (!s || s->type == 8 || !kin__span_sub(file, s->offset, s->size, &sec)) {
                continue;
            }
            for (uint64_t o = 0; o + ptr <= sec.n; o += ptr) {
                uint64_t v = 0;
                uint32_t v32;
                if (ptr == 8) {
                    if (!kin__span_le64(sec, o, &v)) {
                        break;
                    }
                } else {
                    if (!kin__span_le32(sec, o, &v32)) {
                        break;
                    }
                    v = v32;
                }
                uint32_t t = kin__func_co(c, v);
                if (t != FUNC_NONE) {
                    kin__u32_push(c, &c->tmp, t);
                }
            }
        }
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Weak seeds collected in c->tmp: each is tried unless already covered. */
static void weak_seeds(struct func_ctx *c, uint32_t *qi)
{
    for (int round = 0; round < 4 && c->tmp.count; round++) {
        if (c->tmp.count > 0) {
            qsort(c->tmp.v, c->tmp.count, 4, cmp_u32);
        }
        struct u32vec list = c->tmp;
        memset(&c->tmp, 0, sizeof(c->tmp));
        for (uint32_t i = 0; i < list.count; i++) {
            uint32_t co = list.v[i];
            if ((i && list.v[i - 1] == co) || bm_get(c->cov, co) || bm_get(c->fstart, co) ||
                bm_get(c->data, co)) {
                continue;
            }
            try_candidate(c, co, 0, qi);
        }
        kin__u32_free(&list);
    }
}

/* Typical function openings (compiler prologues), matched on bytes. */
static int prologue(const uint8_t *p, uint32_t n, int bits)
{
    if (n < 4) {
        return 0;
    }
    if (p[0] == 0xf3 && p[1] == 0x0f && p[2] == 0x1e && (p[3] == 0xfa || p[3] == 0xfb)) {
        return 1; /* endbr64 / endbr32 */
    }
    if (p[0] == 0x55 && ((p[1] == 0x89 && p[2] == 0xe5) || (p[1] == 0x8b && p[2] == 0xec))) {
        return 1; /* push ebp; mov ebp, esp */
    }
    if (p[0] == 0x55 && p[1] == 0x48 && (p[2] == 0x89 || p[2] == 0x8b) &&
        (p[3] == 0xe5 || p[3] == 0xec)) {
        return 1; /* push rbp; mov rbp, rsp */
    }
    if (p[0] == 0x8b && p[1] == 0xff && p[2] == 0x55) {
        return 1; /* MSVC hot-patch: mov edi, edi; push ebp */
    }
    if (bits == 64) {
        if (p[0] == 0x48 && p[1] == 0x83 && p[2] == 0xec) {
            return 1; /* sub rsp, imm8 */
        }
        if (p[0] == 0x48 && p[1] == 0x81 && p[2] == 0xec) {
            return 1; /* sub rsp, imm32 */
        }
        if ((p[0] == 0x48 || p[0] == 0x4c) && p[1] == 0x89 && (p[2] & 0xc7) == 0x44 &&
            p[3] == 0x24) {
            return 1; /* mov [rsp+x], reg: MSVC home-space spills */
        }
        if (p[0] == 0x48 && p[1] == 0x8b && p[2] == 0xc4) {
            return 1; /* mov rax, rsp */
        }
        if ((p[0] == 0x40 && p[1] >= 0x53 && p[1] <= 0x57) ||
            (p[0] == 0x41 && p[1] >= 0x54 && p[1] <= 0x57)) {
            return 1; /* push rbx..rdi (REX), push r12..r15 */
        }
    } else {
        /* Not sub esp, imm8: gcc aligns the stack with it before calls, inside functions. */
        if (p[0] == 0x81 && p[1] == 0xec) {
            return 1; /* sub esp, imm32 */
        }
        if (p[0] == 0x6a && p[1] == 0xff && p[2] == 0x68) {
            return 1; /* MSVC SEH frame: push -1; push handler */
        }
    }
    return 0;
}

/* What the end of a path means for the code that follows (see gap_scan). */
static int end_kind(const struct func_insn *r)
{
    unsigned f = fi_flow(r);
    if (f == DIS_FLOW_RET || f == DIS_FLOW_INT3 || f == DIS_FLOW_UD || f == DIS_FLOW_HLT ||
        (r->cls & FI_F_PAD)) {
        return 1;
    }
    if (f == DIS_FLOW_JMP || f == DIS_FLOW_JMP_IND) {
        return 3;
    }
    if (f == DIS_FLOW_CALL || f == DIS_FLOW_CALL_IND) {
        return 5; /* like 3, but code after a call is even more often the same function */
    }
    return 0;
}

/*
 * i386 frame set-up without pushes: sub esp, N with N = 12 mod 16 (the return address leaves
 * esp at 12 mod 16; gcc realigns it). Only trusted after a jump: after a call the same
 * instruction reserves argument space inside a function.
 */
static int sub_prologue(const uint8_t *p, uint32_t n, int bits)
{
    return bits == 32 && n >= 3 && p[0] == 0x83 && p[1] == 0xec && (p[2] & 15u) == 12;
}

/* The first byte at or after co (below end) that no explored instruction covers. */
static uint32_t next_uncovered(const struct func_ctx *c, uint32_t co, uint32_t end)
{
    while (co < end) {
        uint64_t w = ~c->cov[co >> 6] >> (co & 63);
        if (w) {
            uint32_t at = co + (uint32_t)__builtin_ctzll(w);
            return at < end ? at : end;
        }
        co = (co | 63) + 1;
    }
    return end;
}

/* The explored instruction that ends right before co: its end_kind, 0 when none is found. */
static int end_before(struct func_ctx *c, uint32_t co, uint32_t region_co)
{
    for (uint32_t k = 1; k <= 15 && k <= co - region_co; k++) {
        if (!bm_get(c->gvis, co - k)) {
            continue;
        }
        uint32_t idx = kin__func_insn_at(c, co - k);
        if (idx != FUNC_NONE && c->ins[idx].co + c->ins[idx].len == co) {
            return end_kind(&c->ins[idx]);
        }
    }
    return 0;
}

/*
 * A run of pushes of callee-saved registers opening a frame: 1 to 6 of push ebp/ebx/esi/edi
 * (x64: also r12-r15 and the REX forms), then sub esp, mov ebp, esp or a load of an argument
 * from the stack. gcc -O1 and clang -Os do not align functions, so an unreferenced function
 * right after another one's last jump shows only this.
 */
static int push_prologue(const uint8_t *p, uint32_t n, int bits)
{
    uint32_t i = 0, pushes = 0;
    while (i + 1 < n && pushes < 6) {
        if (p[i] == 0x53 || p[i] == 0x55 || p[i] == 0x56 || p[i] == 0x57) {
            i++;
        } else if (bits == 64 && (p[i] == 0x41 || p[i] == 0x40) && p[i + 1] >= 0x53 &&
                   p[i + 1] <= 0x57 && p[i + 1] != 0x54) {
            i += 2;
        } else {
            break;
        }
        pushes++;
    }
    if (pushes == 0 || i + 4 > n) {
        return 0;
    }
    const uint8_t *q = p + i;
    if (bits == 64 && (q[0] == 0x48 || q[0] == 0x4c)) {
        q++;
    }
    if ((q[0] == 0x83 || q[0] == 0x81) && q[1] == 0xec) {
        return 1; /* sub esp, imm */
    }
    if ((q[0] == 0x89 && q[1] == 0xe5) || (q[0] == 0x8b && q[1] == 0xec)) {
        return 1; /* mov ebp, esp */
    }
    if (bits == 32 && q[0] == 0x8b && (q[1] & 0xc7) == 0x44 && q[2] == 0x24) {
        return 1; /* mov r, [esp+d8]: an argument */
    }
    return 0;
}

/*
 * Gap scan: code no function covers. Padding (nop forms, int3, zero bytes) is skipped; the
 * first instruction after padding, a terminator or the region start becomes a candidate, and
 * so does any instruction that starts with a known prologue. The scan resynchronises at the end
 * of each explored stretch (the linear sweep may have decoded its bytes at other boundaries), so
 * a function that follows another without padding starts exactly where the other one ends.
 */
static void gap_scan(struct func_ctx *c, uint32_t *qi)
{
    /*
     * Whether this binary aligns its functions (MSVC, LLVM, gcc -O2): 90 % of the starts known
     * so far on 16 bytes. Then an unaligned stretch after a ret that no function covers is more
     * likely a case of an unresolved switch than an unreferenced function.
     */
    uint32_t n_aligned = 0;
    for (uint32_t i = 0; i < c->start_count; i++) {
        n_aligned += (kin__func_va(c, c->starts[i].co) & 15u) == 0;
    }
    int aligns = c->start_count >= 16 && n_aligned >= c->start_count / 10 * 9;
    for (uint32_t region = 0; region < c->region_count; region++) {
        const struct func_region *rg = &c->regions[region];
        uint32_t end = rg->co + rg->size;
        int after_end = 1; /* previous instruction ended a path or was padding */
        uint32_t co = rg->co;
        while (co < end) {
            if (bm_get(c->cov, co)) {
                /*
                 * 1: a path ended here for good (ret, trap, padding): what follows may start a
                 * function. 3: a jump or call ended it: what follows is often a block of the
                 * same function (switch cases, code after noreturn calls), so only an aligned
                 * start or a frame-opening prologue counts.
                 */
                co = next_uncovered(c, co, end);
                if (co < end) {
                    after_end = end_before(c, co, rg->co);
                }
                continue;
            }
            if (bm_get(c->data, co)) {
                after_end = 1;
                co++;
                continue;
            }
            uint32_t idx = kin__func_insn_at(c, co);
            if (idx == FUNC_NONE) {
                co++;
                after_end = 2;
                continue;
            }
            const struct func_insn r = c->ins[idx];
            uint32_t len = r.len ? r.len : 1;
            if (r.cls & FI_F_PAD) {
                after_end = 1;
                co += len;
                continue;
            }
            if ((r.cls & FI_F_ZERO) || fi_flow(&r) == DIS_FLOW_INVALID) {
                after_end = 2; /* zeros and garbage are data more often than padding */
                co += len;
                continue;
            }
            uint32_t avail;
            const uint8_t *p = kin__func_bytes(c, co, &avail);
            int pro = prologue(p, avail, c->bits);
            /* After zeros only an aligned start counts; 00 xx (add [r], r8) opens data. */
            int aligned = (kin__func_va(c, co) & 15u) == 0;
            if (avail >= 2 && p[0] < 0x40 && (p[0] & 7u) < 4 && p[1] == 0) {
                aligned = 0; /* alu [eax], al and friends: small integers in data */
            }
            if (pro || (after_end == 1 && p[0] != 0) || (after_end >= 2 && aligned && p[0] != 0) ||
                (after_end == 4 && push_prologue(p, avail, c->bits)) ||
                ((after_end == 3 || after_end == 5) && push_prologue(p, avail, c->bits)) ||
                (after_end == 3 && sub_prologue(p, avail, c->bits))) {
                if (try_candidate(c, co, KIN_FUNC_GAP, qi)) {
                    after_end = 0;
                    continue;
                }
            }
            /*
             * Unexplored code that ends a path for good (a ret of a function nothing found yet)
             * lets what follows be a candidate.
             */
            after_end = end_kind(&r) == 1 ? (aligns ? 4 : 1) : 0; /* not jumps: switch cases */
            co += len;
        }
    }
}

static int cmp_start(const void *a, const void *b)
{
    const struct func_start *x = a, *y = b;
    return x->co < y->co ? -1 : x->co > y->co;
}

static int name_rank(const struct func_start *s)
{
    if (!s->name) {
        return 0;
    }
    return (s->flags & KIN_FUNC_SYMBOL) ? 3 : (s->flags & KIN_FUNC_EXPORT) ? 2 : 1;
}

/* Sorts starts by address and merges duplicates (flags OR-ed, best name kept). */
static kin_status merge_starts(struct func_ctx *c)
{
    if (c->start_count > 0) {
        qsort(c->starts, c->start_count, sizeof(*c->starts), cmp_start);
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->start_count; i++) {
        struct func_start *s = &c->starts[i];
        if (n && c->starts[n - 1].co == s->co) {
            struct func_start *d = &c->starts[n - 1];
            if (name_rank(s) > name_rank(d)) {
                d->name = s->name;
            }
            d->flags |= s->flags;
            if (s->import > d->import) {
                d->import = s->import;
            }
            continue;
        }
        c->starts[n++] = *s;
    }
    c->start_count = n;
    for (uint32_t i = 0; i < n; i++) {
        struct func_start *s = &c->starts[i];
        s->noreturn = (uint32_t)bm_get(c->noret, s->co);
        /* A gap-scan start that something else also names is not "gap only". */
        if (s->flags & (KIN_FUNC_ENTRY | KIN_FUNC_EXPORT | KIN_FUNC_SYMBOL | KIN_FUNC_PDATA)) {
            s->flags &= ~KIN_FUNC_GAP;
        }
        if (!s->name && s->import) {
            const struct kin_import *im = &c->img->imports[s->import - 1];
            const char *lib = im->library ? im->library : "";
            if (im->name) {
                s->name =
                    kin__arena_printf(c->arena, "thunk:%s%s%s", lib, *lib ? "!" : "", im->name);
            } else {
                s->name = kin__arena_printf(c->arena, "thunk:%s!#%u", lib, im->ordinal);
            }
            if (!s->name) {
                return KIN_NOMEM;
            }
        }
    }
    return KIN_OK;
}

static int cmp_jt(const void *a, const void *b)
{
    const struct func_jt *x = a, *y = b;
    return x->jco < y->jco ? -1 : x->jco > y->jco;
}

kin_status kin__func_discover(struct func_ctx *c)
{
    uint32_t qi = 0;
    strong_seeds(c);
    eh_frame_seeds(c);
    resolve_tails(c, &qi);
    /* Code addresses taken by instructions (lea, push offset) first. */
    weak_seeds(c, &qi);
    resolve_tails(c, &qi);
    /*
     * The gap scan runs before pointers in data are tried: those include jump tables the walk
     * did not understand (relocated case addresses), which must not become functions before the
     * function that holds them is found by its prologue.
     */
    if (!c->opt->no_gapscan) {
        gap_scan(c, &qi);
        resolve_tails(c, &qi);
        weak_seeds(c, &qi);
        resolve_tails(c, &qi);
    }
    data_pointer_seeds(c);
    weak_seeds(c, &qi);
    resolve_tails(c, &qi);
    if (c->jt_count > 0) {
        qsort(c->jts, c->jt_count, sizeof(*c->jts), cmp_jt);
    }
    KIN_TRY(merge_starts(c));
    kin__func_go_names(c);
    return KIN_OK;
}

uint32_t kin__func_start_index(const struct func_ctx *c, uint32_t co)
{
    uint32_t lo = 0, hi = c->start_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->starts[mid].co < co) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < c->start_count && c->starts[lo].co == co ? lo : FUNC_NONE;
}

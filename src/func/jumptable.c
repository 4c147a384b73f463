/*
 * jumptable.c: switch tables behind indirect jumps.
 *
 * The instructions before an indirect jump (at most KIN_MAX_JT_WINDOW of its run) are replayed
 * on a tiny register file that knows constants (lea r,[rip+T]; mov r, imm), table loads
 * (mov/movsxd r, [base + idx*scale + disp]) and their sums. Recognised shapes:
 *   jmp [idx*4 + T]                    x86 absolute table (entries are addresses)
 *   mov r, [idx*8 + T]; jmp r          x64 absolute table
 *   lea b,[rip+T]; movsxd r,[b+idx*4]; add r, b; jmp r     gcc/clang x64: entries relative to T
 *   lea b,[rip+ImageBase]; mov r,[b+idx*4+rva]; add r, b; jmp r   MSVC x64: entries are RVAs
 *   lea d,[idx*4]; lea b,[rip+T]; mov eax,[d+b]; cdqe; lea b,[rip+T]; add rax,b   gcc -O0
 *   (ebx = GOT); mov r,[ebx+idx*4-off]; add r, ebx; jmp r     gcc i386 PIC (GOT-relative)
 * The entry count comes from the bounds check (cmp idx, N; ja default) when present; otherwise
 * entries are read while they point into code, up to KIN_MAX_JUMPTABLE, and never past the end
 * of the section that holds the table. Tables inside code must have a bounds check.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"
#include "func.h"

/* RV_SCALED: an index times 4; RV_EADDR: the address of an entry (table + index * 4). */
enum { RV_UNK = 0, RV_CONST, RV_LOAD, RV_SUM, RV_SCALED, RV_EADDR };

struct regval {
    uint64_t v;     /* RV_CONST: the value; RV_SUM: the base added to the entries */
    uint64_t table; /* RV_LOAD, RV_SUM: the table address */
    int kind;
    uint8_t width; /* entry bytes */
    uint8_t sign;  /* entries are sign-extended */
    uint8_t weak;  /* derives from a constant set before this run (see weak_constants) */
    uint8_t guess; /* the table base is the assumed GOT (see got_address): needs the sum */
};

/* Constants spilled to [esp+disp] (i386), for reloads. */
struct slots {
    int64_t disp[8];
    struct regval val[8];
    unsigned count;
};

static int is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static kin_status
decode_at(struct func_ctx *c, uint32_t co, struct dis_insn *d, struct dis_ops *ops)
{
    uint32_t avail;
    const uint8_t *p = kin__func_bytes(c, co, &avail);
    KIN_TRY(kin__dis_decode(&c->dis, p, avail, kin__func_va(c, co), d));
    return kin__dis_operands(&c->dis, p, avail, ops);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int add_jt(struct func_ctx *c, uint32_t jco, uint32_t first, uint32_t count)
{
    if (!kin__func_grow(c, (void **)&c->jts, &c->jt_cap, c->jt_count + 1, sizeof(*c->jts))) {
        return 0;
    }
    struct func_jt *j = &c->jts[c->jt_count++];
    j->jco = jco;
    j->first = first;
    j->count = count;
    j->data_co = FUNC_NONE;
    j->data_len = 0;
    return 1;
}

/*
 * i386 position-independent code: call __x86.get_pc_thunk.REG (mov REG, [esp]; ret) followed by
 * add REG, imm32 leaves the GOT address in REG; gcc's switch tables hold GOT-relative entries.
 */
static void pic_base(struct func_ctx *c,
                     const struct func_insn *call,
                     const struct func_insn *add,
                     struct regval regs[16],
                     uint16_t *seen,
                     unsigned *found)
{
    struct dis_insn d;
    struct dis_ops ops;
    uint32_t avail;
    if (fi_flow(call) != DIS_FLOW_CALL || fi_valkind(call) != FI_VAL_CODE ||
        call->co + call->len != add->co) {
        return;
    }
    const uint8_t *t = kin__func_bytes(c, call->val, &avail);
    if (avail < 4 || t[0] != 0x8b || (t[1] & 0xc7) != 0x04 || t[2] != 0x24 || t[3] != 0xc3) {
        return;
    }
    unsigned reg = (t[1] >> 3) & 7u;
    if (decode_at(c, add->co, &d, &ops) != KIN_OK || ops.count != 2 || ops.kind[0] != 1 ||
        ops.reg[0] != reg || ops.kind[1] != 3 || (*seen & (1u << reg))) {
        return;
    }
    *seen = (uint16_t)(*seen | (1u << reg));
    regs[reg].kind = RV_CONST;
    regs[reg].v = (kin__func_va(c, add->co) + d.imm) & 0xffffffffu;
    regs[reg].weak = 1;
    (*found)++;
}

/*
 * The i386 ELF GOT address (_GLOBAL_OFFSET_TABLE_: the start of .got.plt, else .got), or 0.
 * gcc keeps it in a register it may spill and reload, so the walk cannot always follow it; a
 * table load based on an unknown register that is also added to the entry (the shape of a
 * GOT-relative table) then assumes the register holds this address.
 */
static uint64_t got_address(const struct func_ctx *c)
{
    const struct kin_image *img = c->img;
    uint64_t got = 0;
    if (c->bits != 32 || img->format != KIN_FORMAT_ELF) {
        return 0;
    }
    for (size_t i = 0; i < img->section_count; i++) {
        const char *n = img->sections[i].name;
        if (n && !strcmp(n, ".got.plt")) {
            return img->sections[i].va;
        }
        if (n && !strcmp(n, ".got")) {
            got = img->sections[i].va;
        }
    }
    return got;
}

/*
 * 1 when the bytes are mov [esp+d], r32 / mov r32, [esp+d] or the same on [ebp+d] (i386 stack
 * spill or reload, with or without a frame pointer).
 */
static int slot_mov_bytes(struct func_ctx *c, uint32_t co)
{
    uint32_t avail;
    const uint8_t *p = kin__func_bytes(c, co, &avail);
    if (c->bits == 64 && avail > 0 && (p[0] & 0xf1u) == 0x40) {
        p++; /* REX without .B: the base is still rsp or rbp */
        avail--;
    }
    if (avail < 3 || (p[0] != 0x89 && p[0] != 0x8b) || ((p[1] >> 6) != 1 && (p[1] >> 6) != 2)) {
        return 0;
    }
    return ((p[1] & 7u) == 4 && p[2] == 0x24) || (p[1] & 7u) == 5;
}

static void
slot_mov(struct func_ctx *c, uint32_t co, struct regval regs[16], struct slots *sl, int weak)
{
    struct dis_insn d;
    struct dis_ops ops;
    if (decode_at(c, co, &d, &ops) != KIN_OK || ops.count != 2) {
        return;
    }
    int64_t key = d.disp * 2 + (d.mem_base == 5); /* [ebp+d] and [esp+d] are distinct slots */
    unsigned i = 0;
    while (i < sl->count && sl->disp[i] != key) {
        i++;
    }
    if (ops.kind[0] == 2 && ops.kind[1] == 1 && ops.reg[1] < 16) {
        if (regs[ops.reg[1]].kind != RV_UNK) {
            if (i == sl->count && sl->count < 8) {
                sl->count++;
            }
            if (i < sl->count) {
                sl->disp[i] = key;
                sl->val[i] = regs[ops.reg[1]];
            }
        } else if (i < sl->count) {
            sl->count--;
            sl->disp[i] = sl->disp[sl->count];
            sl->val[i] = sl->val[sl->count];
        }
    } else if (ops.kind[0] == 1 && ops.reg[0] < 16) {
        memset(&regs[ops.reg[0]], 0, sizeof(regs[0]));
        if (i < sl->count) {
            regs[ops.reg[0]] = sl->val[i];
            regs[ops.reg[0]].weak = (uint8_t)(weak | sl->val[i].weak);
        }
    }
}

/*
 * Table bases are often loaded once, before a loop (lea rbp, [rip+T] at the function entry), far
 * from the jump. The walk so far (at most KIN_MAX_JT_BACKSCAN instructions before the window) is
 * replayed forwards for constants: lea r,[rip+X] / lea r,[X], the i386 GOT (pic_base), lea r,[c+d]
 * on such a constant, and in 32-bit code constants spilled to and reloaded from [esp+d] (gcc keeps
 * the GOT or a table address there when registers run short). They seed the register file as
 * "weak" constants: the walk order is not a dominance order, so a later definition replaces an
 * earlier one but other writes do not clear it, and a table that uses one must have a bounds check.
 */
static void weak_constants(struct func_ctx *c,
                           const uint32_t *trail,
                           uint32_t end,
                           struct regval regs[16],
                           struct slots *sl)
{
    struct dis_insn d;
    struct dis_ops ops;
    uint16_t seen = 0;
    unsigned found = 0;
    uint32_t k = end > KIN_MAX_JT_BACKSCAN ? end - KIN_MAX_JT_BACKSCAN : 0;
    for (; k < end; k++) {
        const struct func_insn *r = &c->ins[trail[k]];
        unsigned cls = fi_class(r);
        if (c->bits == 32 && k >= 1 && cls == DIS_CLS_ARITH) {
            seen = 0; /* pic_base refuses a register already seen */
            pic_base(c, &c->ins[trail[k - 1]], r, regs, &seen, &found);
            continue;
        }
        if (c->bits == 32 && cls == DIS_CLS_MOV && slot_mov_bytes(c, r->co)) {
            slot_mov(c, r->co, regs, sl, 1);
            continue;
        }
        if (cls != DIS_CLS_LEA) {
            continue;
        }
        if (decode_at(c, r->co, &d, &ops) != KIN_OK || ops.count < 1 || ops.kind[0] != 1 ||
            ops.reg[0] >= 16) {
            continue;
        }
        uint64_t v;
        if (d.mem == DIS_MEM_RIP || d.mem == DIS_MEM_ABS) {
            v = d.addr;
        } else if (c->bits == 32 && d.mem == DIS_MEM_BASE && d.mem_index == DIS_REG_NONE &&
                   d.mem_base < 16 && regs[d.mem_base].kind == RV_CONST) {
            v = (regs[d.mem_base].v + (uint64_t)d.disp) & 0xffffffffu; /* lea r, [got - off] */
        } else {
            continue;
        }
        regs[ops.reg[0]].kind = RV_CONST;
        regs[ops.reg[0]].v = v;
        regs[ops.reg[0]].weak = 1;
    }
}

/* The first known function start after co, or the end of co's region. */
static uint32_t next_start(const struct func_ctx *c, uint32_t co)
{
    const struct func_region *rg = kin__func_region(c, co);
    uint32_t end = rg->co + rg->size, i = co + 1;
    while (i < end) {
        uint64_t w = c->fstart[i >> 6] >> (i & 63);
        if (w) {
            uint32_t at = i + (uint32_t)__builtin_ctzll(w);
            return at < end ? at : end;
        }
        i = (i | 63) + 1;
    }
    return end;
}

kin_status kin__func_jumptable(struct func_ctx *c,
                               const uint32_t *trail,
                               uint32_t trail_count,
                               uint32_t run_begin,
                               uint32_t fco,
                               struct u32vec *targets)
{
    /*
     * A short run entered by a direct jump walked just before it (the shared indirect jump of
     * computed-goto dispatch at -O0): the window reaches back into the run that jumped here.
     */
    if (trail_count - run_begin < KIN_MAX_JT_WINDOW && run_begin > 0 && run_begin < trail_count) {
        const struct func_insn *j = &c->ins[trail[run_begin - 1]];
        if (fi_flow(j) == DIS_FLOW_JMP && fi_valkind(j) == FI_VAL_CODE &&
            j->val == c->ins[trail[run_begin]].co) {
            uint32_t k = run_begin - 1;
            while (k > 0 && trail_count - k < KIN_MAX_JT_WINDOW) {
                unsigned f = fi_flow(&c->ins[trail[k - 1]]);
                if (f != DIS_FLOW_NONE && f != DIS_FLOW_JCC && f != DIS_FLOW_CALL &&
                    f != DIS_FLOW_CALL_IND) {
                    break; /* the end of the run before */
                }
                k--;
            }
            run_begin = k;
        }
    }
    const uint32_t *run = trail + run_begin;
    uint32_t run_count = trail_count - run_begin;
    struct regval regs[16];
    struct dis_insn d;
    struct dis_ops ops;
    uint32_t bound = 0, mask = 0;
    int in_code_ok =
        0; /* a movzx-bounded table may lie in code (LLVM puts it after the function) */
    int64_t last_cmp = -1;
    if (run_count == 0) {
        return KIN_NOTFOUND;
    }
    memset(regs, 0, sizeof(regs));
    uint64_t got = got_address(c);
    uint32_t first = run_count > KIN_MAX_JT_WINDOW ? run_count - KIN_MAX_JT_WINDOW : 0;
    struct slots sl;
    memset(&sl, 0, sizeof(sl));
    weak_constants(c, trail, run_begin + first, regs, &sl);
    for (uint32_t i = first; i + 1 < run_count; i++) {
        uint32_t co = c->ins[run[i]].co;
        if (decode_at(c, co, &d, &ops) != KIN_OK) {
            memset(regs, 0, sizeof(regs));
            continue;
        }
        if (c->bits == 32 && i > 0 && fi_class(&c->ins[run[i]]) == DIS_CLS_ARITH) {
            /* call __x86.get_pc_thunk.REG; add REG, imm32 in this run: a definite GOT base. */
            unsigned found = 0;
            uint16_t seen = 0;
            pic_base(c, &c->ins[run[i - 1]], &c->ins[run[i]], regs, &seen, &found);
            if (found) {
                regs[ops.reg[0]].weak = 0;
                continue;
            }
        }
        if (fi_class(&c->ins[run[i]]) == DIS_CLS_MOV && slot_mov_bytes(c, co)) {
            slot_mov(c, co, regs, &sl, 0);
            continue;
        }
        const char *m = kin__dis_mnemonic_name(d.mnemonic);
        if (is(m, "and") && ops.count == 2 && ops.kind[1] == 3 && d.imm > 0 &&
            d.imm < KIN_MAX_JUMPTABLE && (d.imm & (d.imm + 1)) == 0) {
            mask = (uint32_t)d.imm + 1; /* and idx, 2^k - 1: at most 2^k entries */
        }
        if (is(m, "movzx") && ops.count == 2 && (ops.width[1] == 8 || ops.width[1] == 16)) {
            /* movzx eax, byte/word [x]: the index is small (an enum or opcode). */
            mask = ops.width[1] == 8 ? 256 : KIN_MAX_JUMPTABLE;
            in_code_ok = 1;
        }
        uint8_t r0 = ops.count > 0 && ops.kind[0] == 1 ? ops.reg[0] : DIS_REG_NONE;
        uint8_t r1 = ops.count > 1 && ops.kind[1] == 1 ? ops.reg[1] : DIS_REG_NONE;
        if ((is(m, "cmp") || is(m, "sub")) && ops.count == 2 && ops.kind[1] == 3) {
            /* clang -O0 checks the bound with sub idx, N; ja default */
            last_cmp = (int64_t)d.imm;
            if (d.opwidth == 8 || d.opwidth == 16) {
                /* cmp dl, 0xa2: the bound is unsigned in the operand's width. */
                last_cmp = (int64_t)(d.imm & (d.opwidth == 8 ? 0xffu : 0xffffu));
            }
            if (is(m, "cmp")) {
                continue;
            }
        }
        if ((is(m, "cmovb") || is(m, "cmovnb") || is(m, "cmovbe") || is(m, "cmovnbe")) &&
            last_cmp >= 0 && last_cmp < (int64_t)KIN_MAX_JUMPTABLE && !bound) {
            /* LLVM clamps instead of branching: cmp al, 3; mov ecx, 3; cmovb ecx, eax. */
            bound = (uint32_t)last_cmp + 1;
        }
        if (d.flow == DIS_FLOW_JCC) {
            if (last_cmp >= 0 && last_cmp < (int64_t)KIN_MAX_JUMPTABLE) {
                if (is(m, "jnbe")) {
                    bound = (uint32_t)last_cmp + 1;
                } else if (is(m, "jnb")) {
                    bound = (uint32_t)last_cmp;
                }
            }
            continue;
        }
        if (is(m, "cdqe")) {
            /* gcc -O0: mov eax, [table + idx]; cdqe (its operands are implicit). */
            if (regs[0].kind == RV_LOAD && regs[0].width == 4) {
                regs[0].sign = 1;
            } else {
                memset(&regs[0], 0, sizeof(regs[0]));
            }
            continue;
        }
        if (r0 == DIS_REG_NONE || !(ops.written & 1u)) {
            continue;
        }
        struct regval nv;
        memset(&nv, 0, sizeof(nv));
        if (is(m, "lea") && (d.mem == DIS_MEM_RIP || d.mem == DIS_MEM_ABS)) {
            nv.kind = RV_CONST;
            nv.v = d.addr;
        } else if (is(m, "lea") && d.mem == DIS_MEM_INDEX && d.disp == 0 &&
                   (d.mem_scale == 4 || d.mem_scale == 8)) {
            nv.kind = RV_SCALED; /* gcc -O0: lea rdx, [idx*4] (offsets) or [idx*8] (pointers) */
            nv.width = d.mem_scale;
        } else if (is(m, "shl") && ops.count == 2 && ops.kind[1] == 3 && d.imm == 2) {
            nv.kind = RV_SCALED; /* gcc -O0 i386: shl eax, 2; mov eax, [eax + ebx - off] */
            nv.width = 4;
        } else if (is(m, "add") && ops.count == 2 && ops.kind[1] == 3 && r0 < 16 &&
                   regs[r0].kind == RV_SCALED) {
            nv.kind = RV_EADDR; /* gcc -O0 i386: shl eax, 2; add eax, T; mov eax, [eax] */
            nv.table = c->bits == 32 ? (d.imm & 0xffffffffu) : d.imm;
        } else if (is(m, "mov") && ops.count == 2 && ops.kind[1] == 2 && d.mem == DIS_MEM_BASE &&
                   d.mem_index == DIS_REG_NONE && d.mem_base < 16 &&
                   regs[d.mem_base].kind == RV_EADDR && ops.width[1] == 32) {
            nv.kind = RV_LOAD;
            nv.table = regs[d.mem_base].table + (uint64_t)d.disp;
            nv.width = 4;
        } else if ((is(m, "mov") || is(m, "movsxd")) && ops.count == 2 && ops.kind[1] == 2 &&
                   d.mem == DIS_MEM_BASE && d.mem_scale == 1 && d.mem_base < 16 &&
                   d.mem_index < 16 &&
                   ((regs[d.mem_base].kind == RV_CONST && regs[d.mem_index].kind == RV_SCALED) ||
                    (regs[d.mem_index].kind == RV_CONST && regs[d.mem_base].kind == RV_SCALED))) {
            /* [scaled index + table] with scale 1: the table is the constant register. */
            nv.kind = RV_LOAD;
            nv.table =
                (regs[d.mem_base].kind == RV_CONST ? regs[d.mem_base].v : regs[d.mem_index].v) +
                (uint64_t)d.disp;
            nv.width = (uint8_t)(ops.width[1] / 8);
            nv.sign = (uint8_t)is(m, "movsxd");
            uint8_t scaled = regs[d.mem_base].kind == RV_SCALED ? regs[d.mem_base].width
                                                                : regs[d.mem_index].width;
            if (nv.width != 4 && !(nv.width == 8 && scaled == 8)) {
                nv.kind = RV_UNK;
            }
        } else if (is(m, "movsxd") && r1 != DIS_REG_NONE && regs[r1].kind == RV_LOAD) {
            nv = regs[r1];
            nv.sign = 1;
        } else if (is(m, "mov") && ops.count == 2 && ops.kind[1] == 3) {
            nv.kind = RV_CONST;
            nv.v = c->bits == 32 ? (d.imm & 0xffffffffu) : d.imm;
        } else if ((is(m, "mov") || is(m, "movsxd")) && ops.count == 2 && ops.kind[1] == 2 &&
                   d.mem_index != DIS_REG_NONE && (d.mem_scale == 4 || d.mem_scale == 8)) {
            if (d.mem == DIS_MEM_INDEX) {
                nv.kind = RV_LOAD;
                nv.table = d.addr;
            } else if (d.mem == DIS_MEM_BASE && d.mem_base < 16 &&
                       regs[d.mem_base].kind == RV_CONST) {
                nv.kind = RV_LOAD;
                nv.table = regs[d.mem_base].v + (uint64_t)d.disp;
                nv.weak = regs[d.mem_base].weak;
            } else if (d.mem == DIS_MEM_BASE && d.mem_base < 16 && d.mem_base != r0 && got &&
                       regs[d.mem_base].kind == RV_UNK && d.mem_scale == 4) {
                /* i386 PIC with the GOT reloaded from a spill: assume the base is the GOT. */
                regs[d.mem_base].kind = RV_CONST;
                regs[d.mem_base].v = got;
                regs[d.mem_base].weak = 1;
                nv.kind = RV_LOAD;
                nv.table = got + (uint64_t)d.disp;
                nv.weak = 1;
                nv.guess = 1;
            }
            nv.width = (uint8_t)(ops.width[1] / 8);
            nv.sign = (uint8_t)is(m, "movsxd");
            if (nv.width != 4 && nv.width != 8) {
                nv.kind = RV_UNK;
            }
        } else if (is(m, "mov") && r1 != DIS_REG_NONE) {
            nv = regs[r1];
        } else if (is(m, "add") && ops.count == 2 && ops.kind[1] == 2 && r0 < 16 &&
                   d.mem == DIS_MEM_BASE && d.mem_base < 16 && d.mem_scale == 4 &&
                   d.mem_index != DIS_REG_NONE &&
                   ((regs[r0].kind == RV_CONST && regs[d.mem_base].kind == RV_CONST) ||
                    (got && r0 == d.mem_base && regs[r0].kind == RV_UNK))) {
            if (regs[r0].kind == RV_UNK) {
                /* add r, [r + idx*4 - off] with r unknown: r is the GOT (see got_address). */
                regs[r0].kind = RV_CONST;
                regs[r0].v = got;
                regs[r0].weak = 1;
            }
            /* i386 PIC: mov ecx, ebx; add ecx, [ebx + idx*4 - off]; jmp ecx */
            nv.kind = RV_SUM;
            nv.v = regs[r0].v;
            nv.table = regs[d.mem_base].v + (uint64_t)d.disp;
            nv.width = 4;
            nv.sign = 1;
            nv.weak = (uint8_t)(regs[r0].weak | regs[d.mem_base].weak);
        } else if (is(m, "add") && r1 != DIS_REG_NONE) {
            const struct regval *a = &regs[r0], *b = &regs[r1];
            if (a->kind == RV_LOAD && b->kind == RV_CONST) {
                nv = *a;
                nv.kind = RV_SUM;
                nv.v = b->v;
                if (a->guess && b->v == got) {
                    nv.guess = 0; /* base and addend agree: a GOT-relative table */
                }
                nv.weak = (uint8_t)(a->weak | b->weak);
            } else if (a->kind == RV_CONST && b->kind == RV_LOAD) {
                nv = *b;
                nv.kind = RV_SUM;
                nv.v = a->v;
                nv.weak = (uint8_t)(a->weak | b->weak);
            }
        }
        if (r0 < 16) {
            regs[r0] = nv;
        }
    }

    /* The jump itself. */
    uint32_t jco = c->ins[run[run_count - 1]].co;
    if (decode_at(c, jco, &d, &ops) != KIN_OK || d.flow != DIS_FLOW_JMP_IND) {
        return KIN_NOTFOUND;
    }
    unsigned ptr = (unsigned)c->bits / 8;
    struct regval t;
    memset(&t, 0, sizeof(t));
    if (d.mem == DIS_MEM_INDEX && d.mem_scale == ptr) {
        t.kind = RV_LOAD;
        t.table = d.addr;
        t.width = (uint8_t)ptr;
    } else if (d.mem == DIS_MEM_BASE && d.mem_index != DIS_REG_NONE && d.mem_scale == ptr &&
               d.mem_base < 16 && regs[d.mem_base].kind == RV_CONST) {
        t.kind = RV_LOAD;
        t.table = regs[d.mem_base].v + (uint64_t)d.disp;
        t.width = (uint8_t)ptr;
        t.weak = regs[d.mem_base].weak;
    } else if (ops.count >= 1 && ops.kind[0] == 1 && ops.reg[0] < 16) {
        t = regs[ops.reg[0]];
        if (t.kind == RV_LOAD && t.width != ptr) {
            t.kind = RV_UNK;
        }
    }
    if ((t.kind != RV_LOAD && t.kind != RV_SUM) || t.guess) {
        return KIN_NOTFOUND;
    }
    if (c->bits == 32) {
        t.table &= 0xffffffffu;
    }
    uint32_t table_co = kin__func_co(c, t.table);
    if (t.kind == RV_SUM && !t.weak && table_co != FUNC_NONE) {
        /*
         * A table of offsets relative to its own address, inside code, with no bound in sight
         * (LLVM switching on an enum loaded from memory): read like a movzx-bounded one.
         */
        in_code_ok = 1;
        if (!mask) {
            mask = KIN_MAX_JUMPTABLE;
        }
    }
    if ((table_co != FUNC_NONE || t.weak) && bound == 0 &&
        (mask == 0 || (table_co != FUNC_NONE && !in_code_ok))) {
        return KIN_NOTFOUND; /* unbounded table inside code or from a guessed base */
    }
    /*
     * A mask (and idx, 127) bounds the index but not the table, which may be shorter: its
     * entries are read like those of an unbounded table, up to the mask.
     */
    uint32_t limit = bound ? bound : mask ? mask : KIN_MAX_JUMPTABLE;
    if (limit > KIN_MAX_JUMPTABLE) {
        limit = KIN_MAX_JUMPTABLE;
    }
    /*
     * Without a bound, entries are taken while they stay between the function's start and the
     * next known start: tables of neighbouring switches often follow each other in .rodata.
     */
    uint32_t next = bound ? FUNC_NONE : next_start(c, fco);
    uint32_t first_target = targets->count, n = 0;
    for (; n < limit; n++) {
        uint64_t e = 0;
        uint64_t at = t.table + (uint64_t)n * t.width;
        if (!bound && table_co != FUNC_NONE &&
            (table_co + (uint64_t)(n + 1) * t.width > next ||
             bm_get(c->cov, table_co + n * t.width))) {
            break; /* a table in code ends at the next function or at explored code */
        }
        if (t.width == 8) {
            if (!kin__func_read(c, at, &e, 8)) {
                break;
            }
        } else {
            uint32_t e32;
            if (!kin__func_read(c, at, &e32, 4)) {
                break;
            }
            e = t.sign ? (uint64_t)(int64_t)(int32_t)e32 : e32;
        }
        uint64_t target = t.kind == RV_SUM ? t.v + e : e;
        if (c->bits == 32) {
            target &= 0xffffffffu;
        }
        uint32_t tco = kin__func_co(c, target);
        if (tco == FUNC_NONE) {
            break;
        }
        if (!bound && (tco < fco || tco >= next ||
                       (table_co != FUNC_NONE && (tco >= table_co || !bm_get(c->istart, tco))))) {
            /* In code, a case precedes its table and starts where the linear sweep has one. */
            break; /* unbounded: stop at the first entry that leaves the function */
        }
        if (!kin__u32_push(c, targets, tco)) {
            break;
        }
    }
    if (n == 0) {
        return KIN_NOTFOUND;
    }
    /* Distinct targets only: tables repeat the default case, and edges must not. */
    uint32_t *tv = targets->v + first_target;
    uint32_t nt = targets->count - first_target, u = 0;
    qsort(tv, nt, 4, cmp_u32);
    for (uint32_t k = 0; k < nt; k++) {
        if (k == 0 || tv[k] != tv[k - 1]) {
            tv[u++] = tv[k];
        }
    }
    targets->count = first_target + u;
    if (!add_jt(c, jco, first_target, u)) {
        targets->count = first_target;
        return KIN_NOMEM;
    }
    if (table_co != FUNC_NONE) {
        c->jts[c->jt_count - 1].data_co = table_co;
        c->jts[c->jt_count - 1].data_len = n * t.width;
    }
    return KIN_OK;
}

int kin__func_jt_find(const struct func_ctx *c, uint32_t jco, uint32_t *first, uint32_t *count)
{
    uint32_t lo = 0, hi = c->jt_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->jts[mid].jco < jco) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < c->jt_count && c->jts[lo].jco == jco) {
        *first = c->jts[lo].first;
        *count = c->jts[lo].count;
        return 1;
    }
    return 0;
}

/*
 * disasm.c: x86/x64 decoding with Zydis 4, flattened into struct dis_insn.
 *
 * The hot path runs Zydis in its minimal mode (length, mnemonic and the raw encoding fields: no
 * operand semantics), which is about twice as fast as a full decode; everything kin needs per
 * instruction is derived from the raw ModRM/SIB/displacement/immediate fields. Properties that
 * depend only on the mnemonic (flow kind, class, token hash) come from per-decoder tables built
 * once by kin__dis_init(), keyed by name so that signatures do not depend on Zydis' numbering.
 */
#include "disasm.h"

#include <stdlib.h>
#include <string.h>

#include <Zydis/Zydis.h>

_Static_assert(sizeof(ZydisDecoder) <= sizeof(((struct dis *)0)->zydis), "ZydisDecoder fits");
_Static_assert(ZYDIS_MNEMONIC_MAX_VALUE < DIS_MNEMONIC_TABLE, "mnemonic table is large enough");

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++) {
        if (!strcmp(s, *list)) {
            return 1;
        }
    }
    return 0;
}

static int has_suffix(const char *s, const char *x)
{
    size_t n = strlen(s), m = strlen(x);
    return n >= m && !strcmp(s + n - m, x);
}

static const char *const cond_suffixes[] = {"b",  "be", "l",  "le", "nb", "nbe", "nl", "nle", "no",
                                            "np", "ns", "nz", "o",  "p",  "s",   "z",  NULL};

/* "jz" -> "jcc", "cmovnz" -> "cmovcc", "setb" -> "setcc": compilers pick conditions freely. */
static const char *canonical_name(const char *name)
{
    if (name[0] == 'j' && strcmp(name, "jmp") != 0) {
        return "jcc";
    }
    if (has_prefix(name, "cmov") && in_list(name + 4, cond_suffixes)) {
        return "cmovcc";
    }
    if (has_prefix(name, "set") && in_list(name + 3, cond_suffixes)) {
        return "setcc";
    }
    return name;
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h = (h ^ (uint8_t)*s) * 16777619u;
    }
    return h;
}

static const char *const cls_mov[] = {"mov",       "movzx",      "movsx",  "movsxd", "xchg",
                                      "bswap",     "movbe",      "cbw",    "cwde",   "cdqe",
                                      "cwd",       "cdq",        "cqo",    "xadd",   "cmpxchg",
                                      "cmpxchg8b", "cmpxchg16b", "cmovcc", "setcc",  NULL};
static const char *const cls_arith[] = {"add", "sub",  "inc", "dec",  "neg",  "adc",  "sbb",
                                        "mul", "imul", "div", "idiv", "adcx", "adox", NULL};
static const char *const cls_logic[] = {
    "and",  "or",   "xor",   "not",   "shl",    "shr",  "sar",   "sal",  "rol",
    "ror",  "rcl",  "rcr",   "shld",  "shrd",   "bt",   "bts",   "btr",  "btc",
    "bsf",  "bsr",  "lzcnt", "tzcnt", "popcnt", "andn", "bextr", "blsi", "blsmsk",
    "blsr", "bzhi", "pdep",  "pext",  "rorx",   "sarx", "shlx",  "shrx", NULL};
static const char *const cls_stack[] = {"push", "pop",   "pushf", "pushfd", "pushfq",
                                        "popf", "popfd", "popfq", "pusha",  "pushad",
                                        "popa", "popad", "enter", "leave",  NULL};
static const char *const cls_ret[] = {"ret", "iret", "iretd", "iretq", "sysret", "sysexit", NULL};
static const char *const cls_string[] = {"movsb", "movsw", "movsd", "movsq", "stosb", "stosw",
                                         "stosd", "stosq", "lodsb", "lodsw", "lodsd", "lodsq",
                                         "scasb", "scasw", "scasd", "scasq", "cmpsb", "cmpsw",
                                         "cmpsd", "cmpsq", NULL};
static const char *const cls_cmp[] = {"cmp", "test", NULL};
static const char *const cls_call[] = {"call", NULL};
static const char *const cls_branch[] = {"jmp", NULL};
static const char *const cls_lea[] = {"lea", NULL};
static const char *const cls_nop[] = {"nop", "endbr32", "endbr64", "pause", "fnop", NULL};
static const char *const not_simd_p[] = {"push",   "pop",     "pause",   "pdep", "pext",
                                         "popcnt", "ptwrite", "pconfig", NULL};
static const char *const simd_prefixes[] = {
    "cvt",      "movdq",     "movap",  "movup",  "movhp",  "movlp", "movhl",   "movlh",   "movmsk",
    "movnt",    "movss",     "movq",   "movd",   "shufp",  "unpck", "sqrt",    "comis",   "ucomis",
    "rsqrt",    "rcp",       "aes",    "sha1",   "sha256", "emms",  "ldmxcsr", "stmxcsr", "blendp",
    "insertps", "extractps", "roundp", "rounds", "dpp",    "kmov",  "kand",    "kor",     "kxor",
    "knot",     "kshift",    "ktest",  "kadd",   "kunpck", NULL};
/* Privileged, I/O, or instructions compilers do not emit in user-mode code (gap-scan evidence). */
static const char *const cls_sys[] = {
    "in",    "out",    "insb",     "insw",    "insd",    "outsb",  "outsw",  "outsd",  "cli",
    "sti",   "hlt",    "lgdt",     "sgdt",    "lidt",    "sidt",   "lldt",   "sldt",   "ltr",
    "str",   "lmsw",   "smsw",     "clts",    "invd",    "wbinvd", "invlpg", "rdmsr",  "wrmsr",
    "rdpmc", "swapgs", "sysenter", "sysexit", "sysret",  "arpl",   "bound",  "les",    "lds",
    "lfs",   "lgs",    "lss",      "daa",     "das",     "aaa",    "aas",    "aam",    "aad",
    "salc",  "xlat",   "into",     "int1",    "lar",     "lsl",    "verr",   "verw",   "iret",
    "iretd", "iretq",  "cmc",      "clc",     "stc",     "cld",    "std",    "lahf",   "sahf",
    "retf",  "wait",   "fwait",    "int",     "syscall", "cpuid",  "rdtsc",  "rdtscp", NULL};
/* The subset that hardly ever appears in compiled user-mode code. */
static const char *const rare[] = {
    "in",   "out",   "insb",  "insw",   "insd",   "outsb", "outsw", "outsd",  "cli",     "sti",
    "hlt",  "lgdt",  "sgdt",  "lidt",   "sidt",   "lldt",  "sldt",  "ltr",    "str",     "lmsw",
    "smsw", "clts",  "invd",  "wbinvd", "invlpg", "rdmsr", "wrmsr", "swapgs", "sysexit", "sysret",
    "arpl", "bound", "les",   "lds",    "lfs",    "lgs",   "lss",   "daa",    "das",     "aaa",
    "aas",  "aam",   "aad",   "salc",   "xlat",   "into",  "int1",  "lar",    "lsl",     "verr",
    "verw", "iret",  "iretd", "iretq",  NULL};

/* The class from name shapes alone (x87, SIMD); the lists below override it. */
static uint8_t default_class(const char *name)
{
    const char *c = canonical_name(name);
    if (!strcmp(c, "jcc") || has_prefix(c, "loop")) {
        return DIS_CLS_BRANCH;
    }
    if (!strcmp(c, "cmovcc") || !strcmp(c, "setcc")) {
        return DIS_CLS_MOV;
    }
    if (has_prefix(c, "prefetch")) {
        return DIS_CLS_NOP;
    }
    if (c[0] == 'f') {
        return DIS_CLS_FPU;
    }
    if (c[0] == 'v' || (c[0] == 'p' && !in_list(c, not_simd_p))) {
        return DIS_CLS_SIMD;
    }
    for (const char *const *p = simd_prefixes; *p; p++) {
        if (c[0] == (*p)[0] && has_prefix(c, *p)) {
            return DIS_CLS_SIMD;
        }
    }
    if (has_suffix(c, "ps") || has_suffix(c, "pd") || has_suffix(c, "ss") || has_suffix(c, "sd")) {
        return DIS_CLS_SIMD;
    }
    return DIS_CLS_OTHER;
}

/* Class lists, lowest priority first: a later list wins for a name in two lists. */
static const struct {
    const char *const *names;
    uint8_t cls;
} class_lists[] = {
    {cls_sys, DIS_CLS_SYS},       {cls_nop, DIS_CLS_NOP},       {cls_stack, DIS_CLS_STACK},
    {cls_logic, DIS_CLS_LOGIC},   {cls_arith, DIS_CLS_ARITH},   {cls_mov, DIS_CLS_MOV},
    {cls_string, DIS_CLS_STRING}, {cls_ret, DIS_CLS_RET},       {cls_cmp, DIS_CLS_CMP},
    {cls_call, DIS_CLS_CALL},     {cls_branch, DIS_CLS_BRANCH}, {cls_lea, DIS_CLS_LEA},
};

struct name_id {
    const char *name;
    unsigned id;
};

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const struct name_id *)a)->name, ((const struct name_id *)b)->name);
}

/* The mnemonic named name, by binary search in the sorted table; -1 when absent. */
static int find_name(const struct name_id *v, unsigned n, const char *name)
{
    unsigned lo = 0, hi = n;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        int c = strcmp(v[mid].name, name);
        if (c == 0) {
            return (int)v[mid].id;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -1;
}

static uint8_t mnemonic_flow(ZydisMnemonic m)
{
    switch (m) {
    case ZYDIS_MNEMONIC_JMP:
        return DIS_FLOW_JMP;
    case ZYDIS_MNEMONIC_CALL:
        return DIS_FLOW_CALL;
    case ZYDIS_MNEMONIC_JB:
    case ZYDIS_MNEMONIC_JBE:
    case ZYDIS_MNEMONIC_JCXZ:
    case ZYDIS_MNEMONIC_JECXZ:
    case ZYDIS_MNEMONIC_JRCXZ:
    case ZYDIS_MNEMONIC_JL:
    case ZYDIS_MNEMONIC_JLE:
    case ZYDIS_MNEMONIC_JNB:
    case ZYDIS_MNEMONIC_JNBE:
    case ZYDIS_MNEMONIC_JNL:
    case ZYDIS_MNEMONIC_JNLE:
    case ZYDIS_MNEMONIC_JNO:
    case ZYDIS_MNEMONIC_JNP:
    case ZYDIS_MNEMONIC_JNS:
    case ZYDIS_MNEMONIC_JNZ:
    case ZYDIS_MNEMONIC_JO:
    case ZYDIS_MNEMONIC_JP:
    case ZYDIS_MNEMONIC_JS:
    case ZYDIS_MNEMONIC_JZ:
    case ZYDIS_MNEMONIC_LOOP:
    case ZYDIS_MNEMONIC_LOOPE:
    case ZYDIS_MNEMONIC_LOOPNE:
        return DIS_FLOW_JCC;
    case ZYDIS_MNEMONIC_RET:
    case ZYDIS_MNEMONIC_IRET:
    case ZYDIS_MNEMONIC_IRETD:
    case ZYDIS_MNEMONIC_IRETQ:
    case ZYDIS_MNEMONIC_SYSRET:
    case ZYDIS_MNEMONIC_SYSEXIT:
        return DIS_FLOW_RET;
    case ZYDIS_MNEMONIC_INT3:
        return DIS_FLOW_INT3;
    case ZYDIS_MNEMONIC_HLT:
        return DIS_FLOW_HLT;
    case ZYDIS_MNEMONIC_UD0:
    case ZYDIS_MNEMONIC_UD1:
    case ZYDIS_MNEMONIC_UD2:
        return DIS_FLOW_UD;
    default:
        return DIS_FLOW_NONE;
    }
}

kin_status kin__dis_init(struct dis *d, int bits)
{
    memset(d, 0, sizeof(*d));
    ZydisMachineMode mode;
    ZydisStackWidth sw;
    if (bits == 64) {
        mode = ZYDIS_MACHINE_MODE_LONG_64;
        sw = ZYDIS_STACK_WIDTH_64;
    } else if (bits == 32) {
        mode = ZYDIS_MACHINE_MODE_LONG_COMPAT_32;
        sw = ZYDIS_STACK_WIDTH_32;
    } else {
        return KIN_INVALID;
    }
    ZydisDecoder *z = (ZydisDecoder *)(void *)d->zydis;
    ZydisDecoder *zf = (ZydisDecoder *)(void *)d->zydis_full;
    if (!ZYAN_SUCCESS(ZydisDecoderInit(z, mode, sw)) ||
        !ZYAN_SUCCESS(ZydisDecoderInit(zf, mode, sw)) ||
        !ZYAN_SUCCESS(ZydisDecoderEnableMode(z, ZYDIS_DECODER_MODE_MINIMAL, ZYAN_TRUE))) {
        return KIN_INVALID;
    }
    d->bits = bits;
    /* Built in one pass plus one lookup per listed name: cheap enough to run per analysis. */
    struct name_id sorted[ZYDIS_MNEMONIC_MAX_VALUE + 1];
    unsigned count = 0;
    for (unsigned m = 0; m <= ZYDIS_MNEMONIC_MAX_VALUE; m++) {
        const char *name = ZydisMnemonicGetString((ZydisMnemonic)m);
        if (!name) {
            name = "invalid";
        }
        d->mtok[m] = fnv1a(canonical_name(name));
        d->mflow[m] = mnemonic_flow((ZydisMnemonic)m);
        d->mclass[m] = default_class(name);
        sorted[count].name = name;
        sorted[count++].id = m;
    }
    qsort(sorted, count, sizeof(sorted[0]), cmp_name);
    for (size_t l = 0; l < sizeof(class_lists) / sizeof(class_lists[0]); l++) {
        for (const char *const *p = class_lists[l].names; *p; p++) {
            int m = find_name(sorted, count, *p);
            if (m >= 0) {
                d->mclass[m] = class_lists[l].cls;
            }
        }
    }
    for (const char *const *p = rare; *p; p++) {
        int m = find_name(sorted, count, *p);
        if (m >= 0) {
            d->mflow[m] |= 0x80u; /* rare marker, turned into DIS_F_PRIV by decode */
        }
    }
    return KIN_OK;
}

const char *kin__dis_mnemonic_name(uint16_t mnemonic)
{
    const char *s = mnemonic <= ZYDIS_MNEMONIC_MAX_VALUE
                        ? ZydisMnemonicGetString((ZydisMnemonic)mnemonic)
                        : NULL;
    return s ? s : "invalid";
}

/* Register extension bits (REX.B / REX.X and their VEX/EVEX/XOP forms, stored inverted there). */
static void ext_bits(const ZydisDecodedInstruction *in, unsigned *b, unsigned *x)
{
    *b = *x = 0;
    if (in->attributes & ZYDIS_ATTRIB_HAS_REX) {
        *b = in->raw.rex.B;
        *x = in->raw.rex.X;
    } else if (in->attributes & ZYDIS_ATTRIB_HAS_VEX) {
        *b = in->raw.vex.B;
        *x = in->raw.vex.X;
    } else if (in->attributes & ZYDIS_ATTRIB_HAS_EVEX) {
        *b = in->raw.evex.B;
        *x = in->raw.evex.X;
    } else if (in->attributes & ZYDIS_ATTRIB_HAS_XOP) {
        *b = in->raw.xop.B;
        *x = in->raw.xop.X;
    }
}

static uint64_t wrap(const struct dis *d, uint64_t v)
{
    return d->bits == 64 ? v : (v & 0xffffffffu);
}

/*
 * Padding-style no-ops: nop (all forms), int3, lea r, [r + 0] (gcc's i386 padding) and
 * 66 87 c0 style two-byte xchg. out holds the decoded memory operand and flags.
 */
static int is_padding(const ZydisDecodedInstruction *in, const struct dis_insn *out)
{
    ZydisMnemonic m = in->mnemonic;
    if (m == ZYDIS_MNEMONIC_NOP || m == ZYDIS_MNEMONIC_INT3) {
        return 1;
    }
    if (m == ZYDIS_MNEMONIC_LEA) {
        return out->mem == DIS_MEM_BASE && out->mem_index == DIS_REG_NONE && out->disp == 0 &&
               (unsigned)out->mem_base == (in->raw.modrm.reg | 0u) &&
               !(in->attributes & (ZYDIS_ATTRIB_HAS_REX | ZYDIS_ATTRIB_HAS_OPERANDSIZE));
    }
    if (m == ZYDIS_MNEMONIC_XCHG) {
        return (out->flags & DIS_F_MODRM_REG) && in->raw.modrm.reg == in->raw.modrm.rm &&
               in->operand_width == 16;
    }
    return 0;
}

/* Token form bits: operand kinds and width class (see kin__dis_token). */
#define FORM_MEM     0x1u
#define FORM_IMM     0x2u
#define FORM_REGREG  0x4u
#define FORM_W_SHIFT 3
#define FORM_M_SHIFT 5

kin_status
kin__dis_decode(const struct dis *d, const uint8_t *p, size_t n, uint64_t va, struct dis_insn *out)
{
    ZydisDecoderContext ctx;
    ZydisDecodedInstruction in;
    const ZydisDecoder *z = (const ZydisDecoder *)(const void *)d->zydis;
    memset(out, 0, sizeof(*out));
    out->va = va;
    out->mem_base = out->mem_index = DIS_REG_NONE;
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(z, &ctx, p, n, &in))) {
        return KIN_MALFORMED;
    }
    unsigned m = (unsigned)in.mnemonic;
    if (m >= DIS_MNEMONIC_TABLE) {
        return KIN_MALFORMED;
    }
    out->mnemonic = (uint16_t)m;
    out->length = in.length;
    out->opwidth = in.operand_width;
    out->cls = d->mclass[m];
    uint8_t flow = d->mflow[m];
    if (flow & 0x80u) {
        out->flags |= DIS_F_PRIV;
        flow &= 0x7fu;
    }
    uint64_t next = va + in.length;
    uint32_t form = 0;

    /* Immediate (the first; the second of enter/extrq is never an address). */
    if (in.raw.imm[0].size) {
        out->imm_off = in.raw.imm[0].offset;
        out->imm_size = (uint8_t)(in.raw.imm[0].size / 8);
        out->imm =
            in.raw.imm[0].is_signed ? (uint64_t)in.raw.imm[0].value.s : in.raw.imm[0].value.u;
        if (in.raw.imm[0].is_relative) {
            out->flags |= DIS_F_IMM_REL;
            out->target = wrap(d, next + out->imm);
        } else {
            form |= FORM_IMM;
        }
    }
    /* Memory operand from ModRM/SIB, or a moffs displacement without ModRM. */
    if (in.raw.disp.size) {
        out->disp_off = in.raw.disp.offset;
        out->disp_size = (uint8_t)(in.raw.disp.size / 8);
        out->disp = in.raw.disp.value;
    }
    if (in.attributes & ZYDIS_ATTRIB_HAS_MODRM) {
        unsigned mod = in.raw.modrm.mod, rm = in.raw.modrm.rm;
        if (mod == 3) {
            out->flags |= DIS_F_MODRM_REG;
            form |= FORM_REGREG;
        } else if (in.address_width == 16) {
            out->mem = DIS_MEM_BASE;
        } else {
            unsigned b, x;
            ext_bits(&in, &b, &x);
            if (rm == 4) {
                unsigned base = in.raw.sib.base, index = in.raw.sib.index | (x << 3);
                if (index != 4) {
                    out->mem_index = (uint8_t)index;
                    out->mem_scale = (uint8_t)(1u << in.raw.sib.scale);
                }
                if (base == 5 && mod == 0) {
                    out->mem = out->mem_index == DIS_REG_NONE ? DIS_MEM_ABS : DIS_MEM_INDEX;
                    out->addr = wrap(d, (uint64_t)out->disp);
                } else {
                    out->mem = DIS_MEM_BASE;
                    out->mem_base = (uint8_t)(base | (b << 3));
                }
            } else if (mod == 0 && rm == 5) {
                if (d->bits == 64) {
                    out->mem = DIS_MEM_RIP;
                    out->addr = next + (uint64_t)out->disp;
                    if (in.address_width == 32) {
                        out->addr &= 0xffffffffu;
                    }
                } else {
                    out->mem = DIS_MEM_ABS;
                    out->addr = wrap(d, (uint64_t)out->disp);
                }
            } else {
                out->mem = DIS_MEM_BASE;
                out->mem_base = (uint8_t)(rm | (b << 3));
            }
            if (out->mem == DIS_MEM_BASE && (out->mem_base == 4 || out->mem_base == 5)) {
                out->flags |= DIS_F_STACKMEM;
            }
            if (m == ZYDIS_MNEMONIC_LEA) {
                out->flags |= DIS_F_LEA;
            }
        }
    } else if (in.raw.disp.size) {
        /*
         * A displacement without ModRM (mov al/eax/rax <-> [moffs], and the rare forms that also
         * carry an immediate) is an absolute address.
         */
        out->mem = DIS_MEM_ABS;
        out->addr = wrap(d, (uint64_t)in.raw.disp.value);
    }

    /* Flow kind: direct when the immediate is relative, else indirect or far. */
    switch (flow) {
    case DIS_FLOW_JMP:
    case DIS_FLOW_CALL:
        if (!(out->flags & DIS_F_IMM_REL)) {
            flow = flow == DIS_FLOW_JMP ? DIS_FLOW_JMP_IND : DIS_FLOW_CALL_IND;
            if (!(in.attributes & ZYDIS_ATTRIB_HAS_MODRM) || in.raw.modrm.reg == 3 ||
                in.raw.modrm.reg == 5) {
                out->flags |= DIS_F_FAR;
                out->mem = DIS_MEM_NONE; /* ptr16:32 is not a memory operand */
            }
        }
        break;
    case DIS_FLOW_JCC:
        if (!(out->flags & DIS_F_IMM_REL)) {
            return KIN_MALFORMED;
        }
        break;
    default:
        break;
    }
    out->flow = flow;
    if (m == ZYDIS_MNEMONIC_RET && in.raw.prefix_count < in.length &&
        (p[in.raw.prefix_count] | 1u) == 0xcbu) {
        out->flags |= DIS_F_FAR; /* retf */
    }

    if (is_padding(&in, out)) {
        out->flags |= DIS_F_PAD;
    }

    /* Token: canonical mnemonic + operand form + width class + memory class. */
    if (out->mem != DIS_MEM_NONE && (out->flags & DIS_F_STACKMEM) && m != ZYDIS_MNEMONIC_LEA) {
        /*
         * A stack slot ([esp/ebp/rsp/rbp + d]) reads as a register: an unoptimised build keeps
         * locals in stack slots where an optimised one keeps them in registers (scheme 3).
         */
        form |= FORM_REGREG;
    } else if (out->mem != DIS_MEM_NONE) {
        form |= FORM_MEM;
        unsigned mc = out->mem == DIS_MEM_RIP || out->mem == DIS_MEM_ABS ? 1u
                      : (out->flags & DIS_F_STACKMEM)                    ? 2u
                      : out->mem == DIS_MEM_INDEX                        ? 3u
                                                                         : 0u;
        form |= mc << FORM_M_SHIFT;
    }
    unsigned wc = in.operand_width == 8    ? 0u
                  : in.operand_width == 16 ? 1u
                  : in.operand_width <= 64 ? 2u
                                           : 3u;
    form |= wc << FORM_W_SHIFT;
    out->token = kin__dis_token(d->mtok[m], form);
    return KIN_OK;
}

static uint8_t gpr_number(ZydisRegister r)
{
    ZydisRegisterClass c = ZydisRegisterGetClass(r);
    if (c != ZYDIS_REGCLASS_GPR8 && c != ZYDIS_REGCLASS_GPR16 && c != ZYDIS_REGCLASS_GPR32 &&
        c != ZYDIS_REGCLASS_GPR64) {
        return DIS_REG_NONE;
    }
    ZydisRegister big = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
    ZyanI8 id = ZydisRegisterGetId(big);
    return id >= 0 && id < 16 ? (uint8_t)id : DIS_REG_NONE;
}

kin_status kin__dis_operands(const struct dis *d, const uint8_t *p, size_t n, struct dis_ops *out)
{
    ZydisDecoderContext ctx;
    ZydisDecodedInstruction in;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    const ZydisDecoder *z = (const ZydisDecoder *)(const void *)d->zydis_full;
    memset(out, 0, sizeof(*out));
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(z, p, n, &in, ops))) {
        return KIN_MALFORMED;
    }
    unsigned count = in.operand_count_visible < 4 ? in.operand_count_visible : 4;
    (void)ctx;
    for (unsigned i = 0; i < count; i++) {
        out->reg[i] = DIS_REG_NONE;
        out->width[i] = (uint8_t)(ops[i].size > 255 ? 255 : ops[i].size);
        if (ops[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) {
            out->written |= (uint8_t)(1u << i);
        }
        switch (ops[i].type) {
        case ZYDIS_OPERAND_TYPE_REGISTER:
            out->kind[i] = 1;
            out->reg[i] = gpr_number(ops[i].reg.value);
            break;
        case ZYDIS_OPERAND_TYPE_MEMORY:
            out->kind[i] = 2;
            break;
        case ZYDIS_OPERAND_TYPE_IMMEDIATE:
            out->kind[i] = 3;
            break;
        default:
            break;
        }
    }
    out->count = (uint8_t)count;
    return KIN_OK;
}

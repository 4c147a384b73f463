/*
 * elf_imports.c: the ELF counterpart of a PE import table. A dynamically linked program calls an
 * external function through a slot the run-time linker fills: the GOT entry named by a
 * JUMP_SLOT relocation (reached from a PLT stub, `jmp [slot]`) or by a GLOB_DAT relocation (code
 * built with -fno-plt calls `call [slot]` directly). Each such relocation against a named symbol
 * becomes a kin_import whose slot_va is the relocation's r_offset, so function discovery names PLT
 * thunks and API calls the way it does for a PE's IAT. The library is known only for versioned
 * symbols: DT_VERSYM gives a symbol's version index, and DT_VERNEED maps that index to the
 * shared object that must provide it (e.g. printf@GLIBC_2.2.5 from libc.so.6); else it is NULL.
 *
 * Tables are found through the dynamic tags, as the run-time linker finds them, so stripped
 * section headers do not hide them. Every read goes through spans bounded by the file; the work is
 * linear in the relocation tables, at most KIN_MAX_IMPORTS imports are kept, and at most
 * KIN_MAX_ELF_VERNEED version records are read.
 *
 *   Elf32_Rel(a)   r_offset r_info(sym = info >> 8, type = info & 0xff)      [r_addend]
 *   Elf64_Rel(a)   r_offset r_info(sym = info >> 32, type = info & 0xffffffff) [r_addend]
 *   Elf_Verneed    vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32  (16 bytes)
 *   Elf_Vernaux    vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32 (16)
 */
#include "elf_int.h"

#define EM_386     3u
#define EM_MIPS    8u
#define EM_PPC     20u
#define EM_PPC64   21u
#define EM_ARM     40u
#define EM_X86_64  62u
#define EM_AARCH64 183u

#define VERSYM_HIDDEN 0x8000u
#define VERNEED_SIZE  16u
#define VERNAUX_SIZE  16u

/* One version index and the shared object that provides it. */
struct version_lib {
    uint16_t index;
    const char *library;
};

struct imports_ctx {
    struct elf_ctx *e;
    struct elf_strtab *names;
    struct span syms;   /* the dynamic symbol table from DT_SYMTAB */
    uint64_t stride;    /* its entry size */
    struct span versym; /* DT_VERSYM: one u16 per dynamic symbol; empty when absent */
    struct version_lib libs[KIN_MAX_ELF_VERNEED];
    size_t lib_count;
    unsigned bad_sym;
    uint64_t rel_at;         /* file offset of the relocation table being read, for anomalies */
    uint64_t plt_lo, plt_hi; /* DT_JMPREL's range: skipped when DT_REL(A) covers it too */
    int stopped;             /* the import cap or the memory budget was reached */
};

/* The GOT-slot relocation types of the machine: 1 for JUMP_SLOT or GLOB_DAT. */
static int is_slot_reloc(uint16_t machine, uint64_t type)
{
    switch (machine) {
    case EM_386:    /* R_386_GLOB_DAT 6, R_386_JMP_SLOT 7 */
    case EM_X86_64: /* R_X86_64_GLOB_DAT 6, R_X86_64_JUMP_SLOT 7 */
        return type == 6 || type == 7;
    case EM_MIPS: /* R_MIPS_GLOB_DAT 51, R_MIPS_JUMP_SLOT 127 */
        return type == 51 || type == 127;
    case EM_PPC:   /* R_PPC_GLOB_DAT 20, R_PPC_JMP_SLOT 21 */
    case EM_PPC64: /* R_PPC64_GLOB_DAT 20, R_PPC64_JMP_SLOT 21 */
        return type == 20 || type == 21;
    case EM_ARM: /* R_ARM_GLOB_DAT 21, R_ARM_JUMP_SLOT 22 */
        return type == 21 || type == 22;
    case EM_AARCH64: /* R_AARCH64_GLOB_DAT 1025, R_AARCH64_JUMP_SLOT 1026 */
        return type == 1025 || type == 1026;
    default:
        return 0;
    }
}

/* DT_VERNEED: the version indices and their file names. */
static kin_status read_verneed(struct imports_ctx *x, const struct elf_dyn_tags *tg)
{
    struct elf_ctx *e = x->e;
    struct span t;
    if (!elf_dyn_has(tg, ELF_DYN_VERNEED) || !elf_dyn_has(tg, ELF_DYN_VERNEEDNUM) ||
        !kin__elf_table_at(e, tg->val[ELF_DYN_VERNEED], NULL, &t)) {
        return KIN_OK;
    }
    uint64_t at = 0, pos = 0;
    (void)kin__elf_va_to_offset(e, tg->val[ELF_DYN_VERNEED], &at);
    uint64_t records = tg->val[ELF_DYN_VERNEEDNUM];
    for (uint64_t i = 0; i < records; i++) {
        struct span vn;
        if (!kin__span_sub(t, pos, VERNEED_SIZE, &vn)) {
            LOAD_ANOMALY(e->c, "elf.verneed.past_eof", at,
                         "DT_VERNEED record %llu lies outside the file", (unsigned long long)i);
            return KIN_OK;
        }
        const char *file;
        KIN_TRY(kin__elf_strtab_get(e, x->names, elf_rd32(e, vn, 4), &file));
        uint64_t aux = pos + elf_rd32(e, vn, 8);
        uint16_t cnt = elf_rd16(e, vn, 2);
        for (uint16_t k = 0; k < cnt; k++) {
            struct span va;
            if (!kin__span_sub(t, aux, VERNAUX_SIZE, &va)) {
                LOAD_ANOMALY(e->c, "elf.verneed.past_eof", at,
                             "DT_VERNEED auxiliary record lies outside the file");
                return KIN_OK;
            }
            if (x->lib_count == KIN_MAX_ELF_VERNEED) {
                LOAD_ANOMALY(e->c, "limit.elf_verneed", at,
                             "more than %u needed versions; the rest are not read",
                             (unsigned)KIN_MAX_ELF_VERNEED);
                return KIN_OK;
            }
            x->libs[x->lib_count].index = (uint16_t)(elf_rd16(e, va, 6) & ~VERSYM_HIDDEN);
            x->libs[x->lib_count].library = file;
            x->lib_count++;
            uint32_t next = elf_rd32(e, va, 12);
            if (next == 0) {
                break;
            }
            aux += next;
        }
        uint32_t next = elf_rd32(e, vn, 12);
        if (next == 0) {
            break;
        }
        pos += next;
    }
    return KIN_OK;
}

/* The shared object that provides dynamic symbol sym, from its version; NULL when unknown. */
static const char *library_of(const struct imports_ctx *x, uint64_t sym)
{
    uint16_t v;
    if (!kin__span_u16e(x->versym, sym * 2, x->e->big, &v)) {
        return NULL;
    }
    v &= (uint16_t)~VERSYM_HIDDEN;
    for (size_t i = 0; i < x->lib_count; i++) {
        if (x->libs[i].index == v) {
            return x->libs[i].library;
        }
    }
    return NULL; /* 0 local, 1 global: no version, no library */
}

/* One relocation: an import when it fills a slot with a named symbol. */
static kin_status one_reloc(struct imports_ctx *x, uint64_t offset, uint64_t info)
{
    struct elf_ctx *e = x->e;
    uint64_t sym = e->is64 ? info >> 32 : info >> 8;
    uint64_t type = e->is64 ? info & 0xffffffffu : info & 0xffu;
    if (sym == 0 || !is_slot_reloc(e->machine, type)) {
        return KIN_OK;
    }
    struct span r;
    if (sym > UINT64_MAX / x->stride ||
        !kin__span_sub(x->syms, sym * x->stride, e->is64 ? ELF_SYM64 : ELF_SYM32, &r)) {
        if (elf_repeat_ok(&x->bad_sym)) {
            LOAD_ANOMALY(e->c, "elf.reloc.bad_symbol", x->rel_at,
                         "relocation of slot 0x%llx names symbol %llu outside DT_SYMTAB",
                         (unsigned long long)offset, (unsigned long long)sym);
        }
        return KIN_OK;
    }
    const char *name;
    KIN_TRY(kin__elf_strtab_get(e, x->names, elf_rd32(e, r, 0), &name));
    if (!name || !name[0]) {
        if (e->c->a->over_budget) {
            x->stopped = 1;
        }
        return KIN_OK;
    }
    struct kin_import *imp = kin__load_add_import(e->c);
    if (!imp) {
        x->stopped = 1;
        return e->c->v.imports_count > KIN_MAX_IMPORTS ? KIN_OK : elf_alloc_failed(e);
    }
    imp->library = library_of(x, sym);
    imp->name = name;
    imp->slot_va = offset;
    return KIN_OK;
}

/* The relocations of one table (REL or RELA entries). */
static kin_status
read_relocs(struct imports_ctx *x, uint64_t va, uint64_t size, int rela, int skip_plt)
{
    struct elf_ctx *e = x->e;
    struct span t;
    if (!kin__elf_table_at(e, va, &size, &t)) {
        return KIN_OK;
    }
    x->rel_at = 0;
    (void)kin__elf_va_to_offset(e, va, &x->rel_at);
    uint64_t word = e->is64 ? 8 : 4;
    uint64_t entsize = word * (rela ? 3 : 2);
    for (uint64_t pos = 0; kin__span_fits(t, pos, entsize) && !x->stopped; pos += entsize) {
        if (skip_plt && va + pos >= x->plt_lo && va + pos < x->plt_hi) {
            continue; /* some linkers count .rel(a).plt inside DT_REL(A)SZ as well */
        }
        KIN_TRY(one_reloc(x, elf_rdaddr(e, t, pos), elf_rdaddr(e, t, pos + word)));
    }
    return KIN_OK;
}

kin_status
kin__elf_imports(struct elf_ctx *e, const struct elf_dyn_tags *tg, struct elf_strtab *names)
{
    if (!elf_dyn_has(tg, ELF_DYN_SYMTAB) || e->c->img->import_count) {
        return KIN_OK;
    }
    struct imports_ctx *x = kin__arena_alloc(e->c->a, sizeof(*x));
    if (!x) {
        return elf_alloc_failed(e);
    }
    x->e = e;
    x->names = names;
    const uint64_t need = e->is64 ? ELF_SYM64 : ELF_SYM32;
    x->stride = elf_dyn_has(tg, ELF_DYN_SYMENT) ? tg->val[ELF_DYN_SYMENT] : need;
    if (x->stride < need || x->stride > ELF_MAX_SYMENT) {
        x->stride = need; /* elf_dynsym.c reports a bad DT_SYMENT */
    }
    if (!kin__elf_table_at(e, tg->val[ELF_DYN_SYMTAB], NULL, &x->syms)) {
        return KIN_OK;
    }
    if (elf_dyn_has(tg, ELF_DYN_VERSYM)) {
        (void)kin__elf_table_at(e, tg->val[ELF_DYN_VERSYM], NULL, &x->versym);
    }
    KIN_TRY(read_verneed(x, tg));
    if (elf_dyn_has(tg, ELF_DYN_JMPREL) && elf_dyn_has(tg, ELF_DYN_PLTRELSZ)) {
        int rela =
            elf_dyn_has(tg, ELF_DYN_PLTREL) ? tg->val[ELF_DYN_PLTREL] == ELF_DT_RELA : e->is64;
        x->plt_lo = tg->val[ELF_DYN_JMPREL];
        x->plt_hi = x->plt_lo + tg->val[ELF_DYN_PLTRELSZ];
        x->plt_hi = x->plt_hi < x->plt_lo ? UINT64_MAX : x->plt_hi;
        KIN_TRY(read_relocs(x, x->plt_lo, tg->val[ELF_DYN_PLTRELSZ], rela, 0));
    }
    if (elf_dyn_has(tg, ELF_DYN_RELA) && elf_dyn_has(tg, ELF_DYN_RELASZ)) {
        KIN_TRY(read_relocs(x, tg->val[ELF_DYN_RELA], tg->val[ELF_DYN_RELASZ], 1, 1));
    }
    if (elf_dyn_has(tg, ELF_DYN_REL) && elf_dyn_has(tg, ELF_DYN_RELSZ)) {
        KIN_TRY(read_relocs(x, tg->val[ELF_DYN_REL], tg->val[ELF_DYN_RELSZ], 0, 1));
    }
    return KIN_OK;
}

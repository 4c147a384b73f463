/*
 * elf_symbols.c: symbols of SHT_SYMTAB (.symtab) and SHT_DYNSYM (.dynsym) sections (gABI 4.1
 * "Symbol Table"), with names from the string table named by sh_link.
 *
 * When section headers are stripped, elf_dynamic.c finds .dynsym through DT_SYMTAB and reads it
 * with kin__elf_read_syms(). Entry 0 of each table is the reserved null symbol and is skipped. The
 * number of entries is the section's bytes in the file divided by the entry size, and the total
 * over all tables is capped by KIN_MAX_SYMBOLS; each name costs at most KIN_MAX_STRING_LEN bytes of
 * scanning, so a hostile table costs work linear in the file. A symbol is defined when st_shndx is
 * not SHN_UNDEF (SHN_XINDEX and the other reserved indices count as defined).
 *
 * ELF imports (symbols with the GOT slot they are called through) come from the relocations:
 * elf_imports.c.
 *
 *   Elf32_Sym  name value size info other shndx    at 0 4 8 12 13 14
 *   Elf64_Sym  name info other shndx value size    at 0 4 5 6 8 16
 */
#include "elf_int.h"

#define STT_COMMON    5u
#define STT_GNU_IFUNC 10u

static uint8_t map_type(uint8_t stt)
{
    switch (stt) {
    case ELF_STT_FUNC:
    case STT_GNU_IFUNC: /* a function that returns the implementation to call */
        return KIN_SYM_FUNC;
    case ELF_STT_OBJECT:
    case STT_COMMON:
        return KIN_SYM_OBJECT;
    default:
        return KIN_SYM_OTHER;
    }
}

/* The string table for a symbol section, or NULL (recorded) when sh_link names none. */
static struct elf_strtab *link_strtab(struct elf_ctx *e, const struct elf_shdr *sh)
{
    struct elf_strtab *t = kin__elf_section_strtab(e, sh->link);
    if (!t) {
        LOAD_ANOMALY(e->c, "elf.symtab.bad_link", sh->hdr_offset,
                     "symbol table's sh_link %u is not a section; symbols left unnamed", sh->link);
    } else if (e->shdrs[sh->link].type != ELF_SHT_STRTAB) {
        LOAD_ANOMALY(e->c, "elf.symtab.link_not_strtab", sh->hdr_offset,
                     "symbol table's sh_link %u names a section of type %u, not SHT_STRTAB",
                     sh->link, e->shdrs[sh->link].type);
    }
    return t;
}

kin_status kin__elf_read_syms(
    struct elf_ctx *e, struct span bytes, uint64_t stride, struct elf_strtab *names, uint8_t source)
{
    struct load_ctx *c = e->c;
    const uint64_t need = e->is64 ? ELF_SYM64 : ELF_SYM32;
    uint64_t count = bytes.n / stride;
    for (uint64_t j = 1; j < count && !e->syms_stopped; j++) {
        struct span r;
        /* Always fits (j < count and need <= stride, as both callers ensure); checked anyway. */
        if (!kin__span_sub(bytes, j * stride, need, &r)) {
            break;
        }
        uint32_t name_idx = elf_rd32(e, r, 0);
        uint8_t info;
        uint16_t shndx;
        uint64_t value, size;
        if (e->is64) {
            info = r.p[4];
            shndx = elf_rd16(e, r, 6);
            value = elf_rd64(e, r, 8);
            size = elf_rd64(e, r, 16);
        } else {
            value = elf_rd32(e, r, 4);
            size = elf_rd32(e, r, 8);
            info = r.p[12];
            shndx = elf_rd16(e, r, 14);
        }
        const char *name = NULL;
        if (names) {
            KIN_TRY(kin__elf_strtab_get(e, names, name_idx, &name));
            if (!name && c->a->over_budget) {
                e->syms_stopped = 1;
                return KIN_OK;
            }
        }
        struct kin_symbol *sym = kin__load_add_symbol(c);
        if (!sym) {
            e->syms_stopped = 1;
            return c->v.symbols_count > KIN_MAX_SYMBOLS ? KIN_OK : elf_alloc_failed(e);
        }
        sym->name = name ? name : "";
        sym->va = value;
        sym->size = size;
        sym->type = map_type((uint8_t)(info & 0xf));
        sym->bind = (uint8_t)(info >> 4);
        sym->defined = shndx != ELF_SHN_UNDEF;
        sym->source = source;
    }
    return KIN_OK;
}

/* Reads the symbol table of section idx. */
static kin_status read_table(struct elf_ctx *e, size_t idx)
{
    const struct elf_shdr *sh = &e->shdrs[idx];
    const uint64_t need = e->is64 ? ELF_SYM64 : ELF_SYM32;
    uint64_t stride = sh->entsize;
    if (stride < need) {
        LOAD_ANOMALY(e->c, "elf.symtab.bad_entsize", sh->hdr_offset,
                     "symbol table sh_entsize %llu is smaller than %u; using %u",
                     (unsigned long long)sh->entsize, (unsigned)need, (unsigned)need);
        stride = need;
    }
    struct span bytes;
    if (!kin__elf_section_bytes(e, idx, &bytes)) {
        return KIN_OK;
    }
    struct elf_strtab *names = link_strtab(e, sh);
    if (sh->type == ELF_SHT_DYNSYM) {
        e->have_dynsym = 1;
    }
    return kin__elf_read_syms(e, bytes, stride, names,
                              sh->type == ELF_SHT_DYNSYM ? KIN_SYMSRC_DYNSYM : KIN_SYMSRC_SYMTAB);
}

kin_status kin__elf_symbols(struct elf_ctx *e)
{
    for (size_t i = 1; i < e->shdr_count && !e->syms_stopped; i++) {
        uint32_t t = e->shdrs[i].type;
        if (t == ELF_SHT_SYMTAB || t == ELF_SHT_DYNSYM) {
            KIN_TRY(read_table(e, i));
        }
    }
    return KIN_OK;
}

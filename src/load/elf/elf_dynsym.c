/*
 * elf_dynsym.c: .dynsym without section headers. sstrip and many packers remove the section
 * header table; the run-time linker still finds the dynamic symbols through DT_SYMTAB, so the
 * names of imported and exported functions survive, but the table's size is written nowhere.
 * It is taken as the largest of: DT_HASH's nchain (one chain entry per symbol), DT_GNU_HASH's
 * highest hashed index + 1 (it hashes only defined symbols), and the highest symbol index named
 * by a relocation in DT_RELA, DT_REL or DT_JMPREL + 1 (undefined symbols are referenced there).
 * Every table is read through spans and bounded by the file; the symbols by the file's bytes.
 *
 *   DT_HASH      nbucket nchain bucket[nbucket] chain[nchain]              (u32 words)
 *   DT_GNU_HASH  nbuckets symoffset bloom_size bloom_shift bloom[] buckets[] chains[]
 *   Elf32_Rel(a) r_offset r_info(sym = info >> 8)  [r_addend]     8 or 12 bytes
 *   Elf64_Rel(a) r_offset r_info(sym = info >> 32) [r_addend]     16 or 24 bytes
 */
#include "elf_int.h"

int kin__elf_table_at(struct elf_ctx *e, uint64_t va, const uint64_t *size, struct span *out)
{
    uint64_t off;
    if (!kin__elf_va_to_offset(e, va, &off) || !kin__span_tail(e->file, off, out)) {
        return 0;
    }
    if (size && out->n > *size) {
        out->n = (size_t)*size;
    }
    return 1;
}

/* DT_GNU_HASH: one past the highest hashed symbol index; 0 when the table is unusable. */
static uint64_t gnu_hash_count(struct elf_ctx *e, struct span t, uint64_t dyn_offset)
{
    if (!kin__span_fits(t, 0, 16)) {
        return 0;
    }
    uint64_t nbuckets = elf_rd32(e, t, 0), symoffset = elf_rd32(e, t, 4);
    uint64_t bloom = elf_rd32(e, t, 8);
    uint64_t buckets = 16 + bloom * (e->is64 ? 8u : 4u); /* < 2^36: no overflow */
    struct span b;
    if (!kin__span_sub(t, buckets, nbuckets * 4, &b)) {
        LOAD_ANOMALY(e->c, "elf.dynsym.gnu_hash_past_eof", dyn_offset,
                     "DT_GNU_HASH table (%llu buckets) extends past the end of the file",
                     (unsigned long long)nbuckets);
        return 0;
    }
    uint64_t top = 0;
    for (uint64_t i = 0; i < nbuckets; i++) {
        uint64_t v = elf_rd32(e, b, i * 4);
        top = v > top ? v : top;
    }
    if (top < symoffset) {
        return symoffset; /* nothing hashed: the symbols below symoffset only */
    }
    /* Walk the chain of the highest bucket to its end (bit 0 set); each step reads 4 bytes. */
    uint64_t chains = buckets + nbuckets * 4;
    for (uint64_t i = top;; i++) {
        uint32_t v;
        if (!kin__span_u32e(t, chains + (i - symoffset) * 4, e->big, &v)) {
            LOAD_ANOMALY(e->c, "elf.dynsym.gnu_hash_past_eof", dyn_offset,
                         "DT_GNU_HASH chain runs past the end of the file");
            return i;
        }
        if (v & 1) {
            return i + 1;
        }
    }
}

/* One past the highest symbol index named by the relocations at va (size bytes). */
static uint64_t reloc_count(struct elf_ctx *e, uint64_t va, uint64_t size, int rela)
{
    struct span t;
    if (!kin__elf_table_at(e, va, &size, &t)) {
        return 0;
    }
    uint64_t word = e->is64 ? 8 : 4;
    uint64_t entsize = word * (rela ? 3 : 2);
    uint64_t top = 0;
    for (uint64_t pos = 0; kin__span_fits(t, pos, entsize); pos += entsize) {
        uint64_t info = elf_rdaddr(e, t, pos + word);
        uint64_t sym = e->is64 ? info >> 32 : info >> 8;
        top = sym + 1 > top ? sym + 1 : top;
    }
    return top;
}

/* The entry count of .dynsym, from the hash tables and the relocations. */
static uint64_t dynsym_count(struct elf_ctx *e, const struct elf_dyn_tags *tg, uint64_t dyn_off)
{
    uint64_t count = 0, n;
    struct span t;
    if (elf_dyn_has(tg, ELF_DYN_HASH) && kin__elf_table_at(e, tg->val[ELF_DYN_HASH], NULL, &t) &&
        kin__span_fits(t, 0, 8)) {
        count = elf_rd32(e, t, 4);
    }
    if (elf_dyn_has(tg, ELF_DYN_GNU_HASH) &&
        kin__elf_table_at(e, tg->val[ELF_DYN_GNU_HASH], NULL, &t)) {
        n = gnu_hash_count(e, t, dyn_off);
        count = n > count ? n : count;
    }
    if (elf_dyn_has(tg, ELF_DYN_RELA) && elf_dyn_has(tg, ELF_DYN_RELASZ)) {
        n = reloc_count(e, tg->val[ELF_DYN_RELA], tg->val[ELF_DYN_RELASZ], 1);
        count = n > count ? n : count;
    }
    if (elf_dyn_has(tg, ELF_DYN_REL) && elf_dyn_has(tg, ELF_DYN_RELSZ)) {
        n = reloc_count(e, tg->val[ELF_DYN_REL], tg->val[ELF_DYN_RELSZ], 0);
        count = n > count ? n : count;
    }
    if (elf_dyn_has(tg, ELF_DYN_JMPREL) && elf_dyn_has(tg, ELF_DYN_PLTRELSZ)) {
        int rela =
            elf_dyn_has(tg, ELF_DYN_PLTREL) ? tg->val[ELF_DYN_PLTREL] == ELF_DT_RELA : e->is64;
        n = reloc_count(e, tg->val[ELF_DYN_JMPREL], tg->val[ELF_DYN_PLTRELSZ], rela);
        count = n > count ? n : count;
    }
    return count;
}

kin_status kin__elf_dynsym(struct elf_ctx *e,
                           const struct elf_dyn_tags *tags,
                           uint64_t dyn_offset,
                           struct elf_strtab *names)
{
    if (!elf_dyn_has(tags, ELF_DYN_SYMTAB)) {
        return KIN_OK;
    }
    const uint64_t need = e->is64 ? ELF_SYM64 : ELF_SYM32;
    struct span syms;
    if (!kin__elf_table_at(e, tags->val[ELF_DYN_SYMTAB], NULL, &syms)) {
        LOAD_ANOMALY(e->c, "elf.dynsym.unmapped", dyn_offset,
                     "DT_SYMTAB 0x%llx is not inside any PT_LOAD segment's file bytes",
                     (unsigned long long)tags->val[ELF_DYN_SYMTAB]);
        return KIN_OK;
    }
    uint64_t count = dynsym_count(e, tags, dyn_offset);
    if (count <= 1) {
        LOAD_ANOMALY(e->c, "elf.dynsym.no_count", dyn_offset,
                     "no hash table or relocation gives the size of DT_SYMTAB; not read");
        return KIN_OK;
    }
    uint64_t stride = elf_dyn_has(tags, ELF_DYN_SYMENT) ? tags->val[ELF_DYN_SYMENT] : need;
    if (stride < need || stride > ELF_MAX_SYMENT) {
        LOAD_ANOMALY(e->c, "elf.dynsym.bad_syment", dyn_offset, "DT_SYMENT %llu; using %u",
                     (unsigned long long)stride, (unsigned)need);
        stride = need;
    }
    if (syms.n / stride < count) {
        LOAD_ANOMALY(e->c, "elf.dynsym.past_eof", dyn_offset,
                     "%llu dynamic symbols at 0x%llx extend past the end of the file",
                     (unsigned long long)count, (unsigned long long)tags->val[ELF_DYN_SYMTAB]);
    } else {
        syms.n = (size_t)(count * stride); /* count <= syms.n / stride: no overflow */
    }
    return kin__elf_read_syms(e, syms, stride, names, KIN_SYMSRC_DYNSYM);
}

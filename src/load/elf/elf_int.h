/*
 * elf_int.h: private interface of the ELF loader (src/load/elf/), shared by its files.
 *
 * elf.c reads the ELF header and runs the passes in order: section headers (elf_sections.c),
 * program headers (elf_segments.c), symbols (elf_symbols.c), the dynamic table (elf_dynamic.c) and
 * notes (elf_notes.c). String tables are read through elf_strtab.c. Every pass records anomalies
 * and goes on; each returns KIN_NOMEM only for real memory exhaustion (never for the sample's
 * budget, which load.c reports as "limit.memory"). Spec: System V ABI, chapter 4 (gABI 4.1).
 */
#ifndef KIN_LOAD_ELF_INT_H
#define KIN_LOAD_ELF_INT_H

#include "../../core/limits.h"
#include "../load.h"

/*
 * Header layout (gABI "ELF Header"): offsets of e_ident fields, then of the fields that differ
 * between the classes. 32-bit: 52-byte header; 64-bit: 64 bytes.
 *
 *   field        ELF32  ELF64        field        ELF32  ELF64
 *   e_type          16     16        e_flags         36     48
 *   e_machine       18     18        e_ehsize        40     52
 *   e_version       20     20        e_phentsize     42     54
 *   e_entry         24     24        e_phnum         44     56
 *   e_phoff         28     32        e_shentsize     46     58
 *   e_shoff         32     40        e_shnum         48     60
 *                                    e_shstrndx      50     62
 */
#define ELF_EI_CLASS   4
#define ELF_EI_DATA    5
#define ELF_EI_OSABI   7
#define ELF_EHDR32     52u
#define ELF_EHDR64     64u
#define ELF_CLASS32    1
#define ELF_CLASS64    2
#define ELF_DATA_LSB   1
#define ELF_DATA_MSB   2
#define ELF_SHDR32     40u /* sizeof(Elf32_Shdr) */
#define ELF_SHDR64     64u
#define ELF_PHDR32     32u /* sizeof(Elf32_Phdr) */
#define ELF_PHDR64     56u
#define ELF_SYM32      16u /* sizeof(Elf32_Sym) */
#define ELF_SYM64      24u
#define ELF_DYN32      8u /* sizeof(Elf32_Dyn) */
#define ELF_DYN64      16u
#define ELF_PAGE_SIZE  0x1000u
#define ELF_SHN_UNDEF  0u
#define ELF_SHN_LORESV 0xff00u
#define ELF_SHN_XINDEX 0xffffu
#define ELF_PN_XNUM    0xffffu

/* Section types (sh_type) and flags (sh_flags) the loader interprets. */
#define ELF_SHT_NULL          0u
#define ELF_SHT_SYMTAB        2u
#define ELF_SHT_STRTAB        3u
#define ELF_SHT_DYNAMIC       6u
#define ELF_SHT_NOTE          7u
#define ELF_SHT_NOBITS        8u
#define ELF_SHT_DYNSYM        11u
#define ELF_SHF_WRITE         0x1u
#define ELF_SHF_ALLOC         0x2u
#define ELF_SHF_EXECINSTR     0x4u
#define ELF_PT_LOAD           1u
#define ELF_PT_DYNAMIC        2u
#define ELF_PT_INTERP         3u
#define ELF_PT_NOTE           4u
#define ELF_PF_X              0x1u
#define ELF_STT_OBJECT        1u
#define ELF_STT_FUNC          2u
#define ELF_DT_NULL           0
#define ELF_DT_NEEDED         1
#define ELF_DT_PLTRELSZ       2
#define ELF_DT_PLTGOT         3
#define ELF_DT_HASH           4
#define ELF_DT_STRTAB         5
#define ELF_DT_SYMTAB         6
#define ELF_DT_RELA           7
#define ELF_DT_RELASZ         8
#define ELF_DT_STRSZ          10
#define ELF_DT_SYMENT         11
#define ELF_DT_REL            17
#define ELF_DT_RELSZ          18
#define ELF_DT_PLTREL         20
#define ELF_DT_JMPREL         23
#define ELF_DT_GNU_HASH       0x6ffffef5
#define ELF_DT_SONAME         14
#define ELF_DT_VERSYM         0x6ffffff0
#define ELF_DT_VERNEED        0x6ffffffe
#define ELF_DT_VERNEEDNUM     0x6fffffff
#define ELF_NT_GNU_BUILD_ID   3u
#define ELF_MAX_SYMENT        256u /* a larger DT_SYMENT is hostile */
#define ELF_BUILD_ID_MAX_SIZE 64u  /* bytes; kin_elf_info.build_id holds their hex */

/* One section header, decoded into host order and widened to 64 bits. */
struct elf_shdr {
    uint32_t name;
    uint32_t type;
    uint64_t flags;
    uint64_t addr;
    uint64_t offset;
    uint64_t size;
    uint32_t link;
    uint32_t info;
    uint64_t addralign;
    uint64_t entsize;
    uint64_t hdr_offset; /* file offset of the header itself, for anomalies */
};

/*
 * A string table in the file. Names are returned as pointers into the sample's bytes when they
 * end with a NUL inside the table; a name that runs into the table's end (an unterminated table)
 * or past KIN_MAX_STRING_LEN becomes a truncated arena copy. No pass scans a whole table, so a
 * table shared by many sections costs nothing extra.
 */
struct elf_strtab {
    struct span s;     /* the table's bytes, clipped to the file */
    uint64_t offset;   /* file offset of the table, for anomalies */
    int ready;         /* 1 once initialised */
    int reported;      /* 1 once an out-of-range index was reported */
    int long_reported; /* 1 once a name over KIN_MAX_STRING_LEN was reported */
    uint64_t memo_idx; /* the last index looked up, and its name */
    const char *memo;
};

struct elf_ctx {
    struct load_ctx *c;
    struct span file;
    int big;  /* data is big endian */
    int is64; /* ELFCLASS64 */

    uint16_t type;
    uint16_t machine;
    uint64_t entry;
    uint64_t phoff;
    uint64_t shoff;
    uint16_t phentsize;
    uint16_t shentsize;
    uint64_t phnum; /* as declared, after extended numbering */
    uint64_t shnum;
    uint32_t shstrndx;

    struct elf_shdr *shdrs; /* parsed section headers, index 0 included */
    size_t shdr_count;
    struct elf_strtab *strtabs; /* lazily filled cache, one per section index */
    struct kin_segment *segs;
    uint64_t *seg_aligns; /* p_align of each segment (kin_segment does not carry it) */
    size_t seg_count;

    int have_dynsym;       /* a SHT_DYNSYM section was read */
    int syms_stopped;      /* the symbol cap or the memory budget was reached */
    uint64_t entropy_left; /* bytes of section entropy still allowed (KIN_ENTROPY_WORK_FACTOR) */
    size_t notes_left;     /* notes still allowed (KIN_MAX_NOTES) */
};

/* Fixed-width reads at off in the sample's byte order; 0 when they do not fit in the file. */
static inline int elf_u16(const struct elf_ctx *e, uint64_t off, uint16_t *v)
{
    return kin__span_u16e(e->file, off, e->big, v);
}

static inline int elf_u32(const struct elf_ctx *e, uint64_t off, uint32_t *v)
{
    return kin__span_u32e(e->file, off, e->big, v);
}

static inline int elf_u64(const struct elf_ctx *e, uint64_t off, uint64_t *v)
{
    return kin__span_u64e(e->file, off, e->big, v);
}

/* A class-sized address or offset field: 4 bytes in ELF32, 8 in ELF64, widened. */
static inline int elf_addr(const struct elf_ctx *e, uint64_t off, uint64_t *v)
{
    uint32_t v32;
    if (e->is64) {
        return elf_u64(e, off, v);
    }
    if (!elf_u32(e, off, &v32)) {
        return 0;
    }
    *v = v32;
    return 1;
}

/* Same reads inside a sub-span (a record already known to fit). */
static inline uint16_t elf_rd16(const struct elf_ctx *e, struct span s, uint64_t off)
{
    uint16_t v = 0;
    (void)kin__span_u16e(s, off, e->big, &v);
    return v;
}

static inline uint32_t elf_rd32(const struct elf_ctx *e, struct span s, uint64_t off)
{
    uint32_t v = 0;
    (void)kin__span_u32e(s, off, e->big, &v);
    return v;
}

static inline uint64_t elf_rd64(const struct elf_ctx *e, struct span s, uint64_t off)
{
    uint64_t v = 0;
    (void)kin__span_u64e(s, off, e->big, &v);
    return v;
}

static inline uint64_t elf_rdaddr(const struct elf_ctx *e, struct span s, uint64_t off)
{
    return e->is64 ? elf_rd64(e, s, off) : elf_rd32(e, s, off);
}

/*
 * Per-table repeat counter: a table of thousands of broken entries records at most
 * KIN_MAX_ANOMALY_REPEATS anomalies of one kind, so it cannot crowd out the others.
 */
static inline int elf_repeat_ok(unsigned *count)
{
    return (*count)++ < KIN_MAX_ANOMALY_REPEATS;
}

/*
 * After an allocation failed: KIN_NOMEM for real exhaustion, KIN_OK when the sample's arena
 * budget ran out (load.c records "limit.memory"); either way the caller stops its pass.
 */
static inline kin_status elf_alloc_failed(const struct elf_ctx *e)
{
    return e->c->a->over_budget ? KIN_OK : KIN_NOMEM;
}

/* elf_sections.c: section headers (with extended numbering), then the kin_section array. */
kin_status kin__elf_read_shdrs(struct elf_ctx *e);
kin_status kin__elf_sections(struct elf_ctx *e);
/* The file bytes of section i (empty for SHT_NOBITS), clipped to the file; 0 when none. */
int kin__elf_section_bytes(const struct elf_ctx *e, size_t i, struct span *out);

/* elf_segments.c: program headers, PT_INTERP, image base, the entry point. */
kin_status kin__elf_segments(struct elf_ctx *e);
/* Maps a virtual address to a file offset through the PT_LOAD segments; 0 when unmapped. */
int kin__elf_va_to_offset(const struct elf_ctx *e, uint64_t va, uint64_t *off);

/* elf_strtab.c: string tables. */
void kin__elf_strtab_init(struct elf_ctx *e,
                          struct elf_strtab *t,
                          struct span bytes,
                          uint64_t offset);
/* The string table held by section i (initialised on first use); NULL when i is not a section. */
struct elf_strtab *kin__elf_section_strtab(struct elf_ctx *e, size_t i);
/*
 * The name at index idx of t, borrowed from the sample or the arena, NUL-terminated, at most
 * KIN_MAX_STRING_LEN bytes. *out is NULL when idx lies outside the table (one anomaly per table)
 * or the budget ran out. Returns KIN_NOMEM only on real memory exhaustion.
 */
kin_status
kin__elf_strtab_get(struct elf_ctx *e, struct elf_strtab *t, uint64_t idx, const char **out);

/* elf_symbols.c: .symtab and .dynsym. */
kin_status kin__elf_symbols(struct elf_ctx *e);
/* Appends the symbols of a table (entry 0 skipped) of stride-byte entries named from names. */
kin_status kin__elf_read_syms(struct elf_ctx *e,
                              struct span bytes,
                              uint64_t stride,
                              struct elf_strtab *names,
                              uint8_t source);
/* The dynamic tags the loader uses: the first value of each, by slot. */
enum elf_dyn_slot {
    ELF_DYN_STRTAB,
    ELF_DYN_STRSZ,
    ELF_DYN_SONAME,
    ELF_DYN_SYMTAB,
    ELF_DYN_SYMENT,
    ELF_DYN_HASH,
    ELF_DYN_GNU_HASH,
    ELF_DYN_RELA,
    ELF_DYN_RELASZ,
    ELF_DYN_REL,
    ELF_DYN_RELSZ,
    ELF_DYN_JMPREL,
    ELF_DYN_PLTRELSZ,
    ELF_DYN_PLTREL,
    ELF_DYN_VERSYM,
    ELF_DYN_VERNEED,
    ELF_DYN_VERNEEDNUM,
    ELF_DYN_PLTGOT,
    ELF_DYN_SLOTS
};

struct elf_dyn_tags {
    uint64_t val[ELF_DYN_SLOTS];
    uint32_t have; /* bit per slot */
};

static inline int elf_dyn_has(const struct elf_dyn_tags *t, enum elf_dyn_slot slot)
{
    return (int)((t->have >> slot) & 1u);
}

/* elf_dynamic.c: DT_NEEDED and DT_SONAME. */
kin_status kin__elf_dynamic(struct elf_ctx *e);
/* The slot of a dynamic tag, or -1 when the loader does not use it. */
int kin__elf_dyn_slot(uint64_t tag);
/* elf_dynsym.c: .dynsym through DT_SYMTAB when no SHT_DYNSYM section was read. */
kin_status kin__elf_dynsym(struct elf_ctx *e,
                           const struct elf_dyn_tags *tags,
                           uint64_t dyn_offset,
                           struct elf_strtab *names);
/* The bytes at virtual address va (through PT_LOAD), clipped to size when size is given. */
int kin__elf_table_at(struct elf_ctx *e, uint64_t va, const uint64_t *size, struct span *out);
/* elf_imports.c: imported symbols and their slots from the PLT and GOT relocations. */
kin_status
kin__elf_imports(struct elf_ctx *e, const struct elf_dyn_tags *tags, struct elf_strtab *names);
/* elf_notes.c: NT_GNU_BUILD_ID from PT_NOTE segments and SHT_NOTE sections. */
kin_status kin__elf_notes(struct elf_ctx *e);

#endif /* KIN_LOAD_ELF_INT_H */

/*
 * elf.c: ELF detection, the ELF header, machine -> architecture, and the order of the passes.
 *
 * Reads ELF32 and ELF64 in either byte order (gABI 4.1 "ELF Header"). Only a header too short to
 * hold e_ident and the class's fields fails the load (KIN_MALFORMED); a bad class or byte order
 * is guessed from e_machine and recorded, because the Linux kernel does not check either and
 * samples corrupt them to stop analysis tools. Unknown machines are reported as "other", never
 * rejected (issue #2).
 */
#include <string.h>

#include "../../core/limits.h"
#include "elf_int.h"

#define EM_386     3
#define EM_MIPS    8
#define EM_MIPS_LE 10 /* EM_MIPS_RS3_LE */
#define EM_PPC64   21
#define EM_ARM     40
#define EM_X86_64  62
#define EM_AARCH64 183

int kin__elf_detect(struct span file)
{
    return kin__span_fits(file, 0, 4) && file.p[0] == 0x7f && file.p[1] == 'E' &&
           file.p[2] == 'L' && file.p[3] == 'F';
}

static uint32_t machine_arch(uint16_t machine)
{
    switch (machine) {
    case EM_386:
        return KIN_ARCH_X86;
    case EM_X86_64:
        return KIN_ARCH_X64;
    case EM_ARM:
        return KIN_ARCH_ARM;
    case EM_AARCH64:
        return KIN_ARCH_ARM64;
    case EM_MIPS:
    case EM_MIPS_LE:
        return KIN_ARCH_MIPS;
    default:
        return KIN_ARCH_OTHER;
    }
}

static int known_machine(uint16_t m)
{
    return machine_arch(m) != KIN_ARCH_OTHER;
}

/*
 * Byte order when EI_DATA is invalid: the one under which e_machine names a known machine,
 * else little endian.
 */
static int guess_big_endian(struct span file)
{
    uint16_t le = 0, be = 0;
    (void)kin__span_le16(file, 18, &le);
    (void)kin__span_be16(file, 18, &be);
    return !known_machine(le) && known_machine(be);
}

/* Class when EI_CLASS is invalid: 64-bit for the 64-bit-only machines, else 32-bit. */
static int guess_64(uint16_t machine)
{
    return machine == EM_X86_64 || machine == EM_AARCH64;
}

static kin_status read_header(struct elf_ctx *e)
{
    struct load_ctx *c = e->c;
    struct kin_image *img = c->img;
    uint8_t cls = 0, data = 0, osabi = 0;
    if (!kin__span_u8(e->file, ELF_EI_CLASS, &cls) || !kin__span_u8(e->file, ELF_EI_DATA, &data) ||
        !kin__span_u8(e->file, ELF_EI_OSABI, &osabi)) {
        LOAD_ANOMALY(c, "elf.header.truncated", 0, "file ends inside e_ident (%zu bytes)",
                     e->file.n);
        return KIN_MALFORMED;
    }
    if (data == ELF_DATA_LSB || data == ELF_DATA_MSB) {
        e->big = data == ELF_DATA_MSB;
    } else {
        e->big = guess_big_endian(e->file);
        LOAD_ANOMALY(c, "elf.header.bad_data", ELF_EI_DATA,
                     "invalid EI_DATA %u; assuming %s endian", data, e->big ? "big" : "little");
    }
    uint16_t machine = 0;
    int have_machine = elf_u16(e, 18, &machine);
    if (cls == ELF_CLASS32 || cls == ELF_CLASS64) {
        e->is64 = cls == ELF_CLASS64;
    } else {
        e->is64 = guess_64(machine);
        LOAD_ANOMALY(c, "elf.header.bad_class", ELF_EI_CLASS, "invalid EI_CLASS %u; assuming ELF%d",
                     cls, e->is64 ? 64 : 32);
    }
    img->bits = e->is64 ? 64 : 32;
    img->big_endian = (uint32_t)e->big;
    img->elf.elfclass = e->is64 ? ELF_CLASS64 : ELF_CLASS32;
    img->elf.data = e->big ? ELF_DATA_MSB : ELF_DATA_LSB;
    img->elf.osabi = osabi;
    if (have_machine) {
        img->elf.machine = machine;
        img->arch = machine_arch(machine);
    }

    uint64_t need = e->is64 ? ELF_EHDR64 : ELF_EHDR32;
    if (!kin__span_fits(e->file, 0, need)) {
        LOAD_ANOMALY(c, "elf.header.truncated", 0,
                     "file of %zu bytes is shorter than the %u-byte ELF%d header", e->file.n,
                     (unsigned)need, e->is64 ? 64 : 32);
        return KIN_MALFORMED;
    }
    struct span h;
    (void)kin__span_sub(e->file, 0, need, &h);
    uint16_t ehsize, phnum, shnum, shstrndx;
    e->type = elf_rd16(e, h, 16);
    e->machine = machine;
    e->entry = elf_rdaddr(e, h, 24);
    if (e->is64) {
        e->phoff = elf_rd64(e, h, 32);
        e->shoff = elf_rd64(e, h, 40);
        ehsize = elf_rd16(e, h, 52);
        e->phentsize = elf_rd16(e, h, 54);
        phnum = elf_rd16(e, h, 56);
        e->shentsize = elf_rd16(e, h, 58);
        shnum = elf_rd16(e, h, 60);
        shstrndx = elf_rd16(e, h, 62);
    } else {
        e->phoff = elf_rd32(e, h, 28);
        e->shoff = elf_rd32(e, h, 32);
        ehsize = elf_rd16(e, h, 40);
        e->phentsize = elf_rd16(e, h, 42);
        phnum = elf_rd16(e, h, 44);
        e->shentsize = elf_rd16(e, h, 46);
        shnum = elf_rd16(e, h, 48);
        shstrndx = elf_rd16(e, h, 50);
    }
    /* Extended numbering (PN_XNUM, SHN_XINDEX, e_shnum 0) is resolved in kin__elf_read_shdrs. */
    e->phnum = phnum;
    e->shnum = shnum;
    e->shstrndx = shstrndx;
    img->elf.type = e->type;
    if (ehsize != need) {
        LOAD_ANOMALY(c, "elf.header.ehsize", e->is64 ? 52 : 40, "e_ehsize is %u, expected %u",
                     ehsize, (unsigned)need);
    }
    return KIN_OK;
}

/* The entry point, and a note when it lies outside every executable PT_LOAD segment. */
static kin_status add_entry(struct elf_ctx *e)
{
    struct load_ctx *c = e->c;
    if (e->entry == 0) {
        return KIN_OK;
    }
    if (!kin__load_add_entry(c, e->entry, KIN_ENTRY_MAIN)) {
        return elf_alloc_failed(e);
    }
    int have_load = 0;
    for (size_t i = 0; i < e->seg_count; i++) {
        const struct kin_segment *g = &e->segs[i];
        if (g->type != ELF_PT_LOAD) {
            continue;
        }
        have_load = 1;
        if ((g->flags & ELF_PF_X) && e->entry >= g->va && e->entry - g->va < g->memsz) {
            return KIN_OK;
        }
    }
    /* 64-bit PowerPC (ELFv1) enters through a function descriptor in data (.opd). */
    if (have_load && e->machine != EM_PPC64) {
        LOAD_ANOMALY(c, "elf.entry.not_exec", 24,
                     "entry point 0x%llx is outside every executable PT_LOAD segment",
                     (unsigned long long)e->entry);
    }
    return KIN_OK;
}

kin_status kin__elf_load(struct load_ctx *c)
{
    struct elf_ctx e;
    memset(&e, 0, sizeof(e));
    e.c = c;
    e.file = c->file;
    /* Section entropy work: a small multiple of the file, since hostile sections may overlap. */
    e.entropy_left = (uint64_t)c->file.n * KIN_ENTROPY_WORK_FACTOR + ((uint64_t)1 << 20);
    e.notes_left = KIN_MAX_NOTES;

    kin_status st = read_header(&e);
    if (st != KIN_OK) {
        return st;
    }
    KIN_TRY(kin__elf_read_shdrs(&e));
    KIN_TRY(kin__elf_segments(&e));
    KIN_TRY(kin__elf_sections(&e));
    KIN_TRY(kin__elf_symbols(&e));
    KIN_TRY(kin__elf_dynamic(&e));
    KIN_TRY(kin__elf_notes(&e));
    KIN_TRY(add_entry(&e));
    if (e.shdr_count <= 1 && e.seg_count == 0) {
        LOAD_ANOMALY(c, "elf.empty", 0, "no usable section or program headers");
    }
    return KIN_OK;
}

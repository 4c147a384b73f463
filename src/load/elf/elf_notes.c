/*
 * elf_notes.c: notes (gABI 4.1 "Note Section") and the GNU build-id, NT_GNU_BUILD_ID in a note
 * named "GNU". A build-id identifies one link of a program, so two samples sharing one were
 * built from the same link (attribution evidence, like a PE's PDB GUID).
 *
 * Notes are read from PT_NOTE segments (present when section headers are stripped), then from
 * SHT_NOTE sections; the first build-id wins and a different one later is recorded. Entries are
 * padded to 4 bytes, or to 8 when the segment or section is 8-byte aligned (.note.gnu.property).
 * Every note is at least 12 bytes and at most KIN_MAX_NOTES are read per file.
 *
 *   namesz(4) descsz(4) type(4) name[namesz] pad desc[descsz] pad
 */
#include <string.h>

#include "elf_int.h"

static uint64_t align_up(uint64_t v, uint64_t align)
{
    /* v is a position inside a table in memory, so far below 2^64 - 8: cannot overflow. */
    return (v + align - 1) & ~(align - 1);
}

static void take_build_id(struct elf_ctx *e, struct span desc, uint64_t note_off)
{
    struct kin_elf_info *info = &e->c->img->elf;
    char hex[ELF_BUILD_ID_MAX_SIZE * 2 + 1];
    if (desc.n == 0) {
        LOAD_ANOMALY(e->c, "elf.note.build_id_empty", note_off, "empty NT_GNU_BUILD_ID note");
        return;
    }
    if (desc.n > ELF_BUILD_ID_MAX_SIZE) {
        LOAD_ANOMALY(e->c, "elf.note.build_id_long", note_off,
                     "NT_GNU_BUILD_ID of %zu bytes; first %u kept", desc.n,
                     (unsigned)ELF_BUILD_ID_MAX_SIZE);
        desc.n = ELF_BUILD_ID_MAX_SIZE;
    }
    kin__hex(desc.p, desc.n, hex);
    if (info->build_id[0] == '\0') {
        memcpy(info->build_id, hex, desc.n * 2 + 1);
    } else if (strcmp(info->build_id, hex) != 0) {
        LOAD_ANOMALY(e->c, "elf.note.build_id_conflict", note_off,
                     "second NT_GNU_BUILD_ID %s differs from %s", hex, info->build_id);
    }
}

/* Walks the notes in b (file offset off), entries padded to align bytes. */
static void scan_notes(struct elf_ctx *e, struct span b, uint64_t off, uint64_t align)
{
    static const uint8_t gnu[4] = {'G', 'N', 'U', 0};
    uint64_t pos = 0;
    while (e->notes_left > 0 && kin__span_fits(b, pos, 12)) {
        uint32_t namesz = elf_rd32(e, b, pos);
        uint32_t descsz = elf_rd32(e, b, pos + 4);
        uint32_t type = elf_rd32(e, b, pos + 8);
        uint64_t name_pos = pos + 12;
        struct span name, desc;
        /* Padding is to the alignment of the position in the table (gABI; GNU 8-byte notes). */
        int ok = kin__span_sub(b, name_pos, namesz, &name);
        uint64_t desc_pos = ok ? align_up(name_pos + namesz, align) : 0;
        if (!ok || !kin__span_sub(b, desc_pos, descsz, &desc)) {
            LOAD_ANOMALY(e->c, "elf.note.truncated", off + pos,
                         "note (namesz %u, descsz %u) extends past its segment or section", namesz,
                         descsz);
            return;
        }
        e->notes_left--;
        if (type == ELF_NT_GNU_BUILD_ID && namesz == sizeof(gnu) &&
            memcmp(name.p, gnu, sizeof(gnu)) == 0) {
            take_build_id(e, desc, off + pos);
        }
        pos = align_up(desc_pos + descsz, align); /* desc fits, so this is <= b.n + 7 */
    }
    if (e->notes_left == 0 && kin__span_fits(b, pos, 12)) {
        LOAD_ANOMALY(e->c, "limit.notes", off + pos, "more than %u notes (cap); rest ignored",
                     (unsigned)KIN_MAX_NOTES);
    }
}

kin_status kin__elf_notes(struct elf_ctx *e)
{
    for (size_t i = 0; i < e->seg_count; i++) {
        const struct kin_segment *g = &e->segs[i];
        struct span b;
        if (g->type != ELF_PT_NOTE || !kin__span_tail(e->file, g->offset, &b)) {
            continue;
        }
        if (b.n > g->filesz) {
            b.n = (size_t)g->filesz;
        }
        scan_notes(e, b, g->offset, e->seg_aligns[i] == 8 ? 8 : 4);
    }
    for (size_t i = 1; i < e->shdr_count; i++) {
        struct span b;
        if (e->shdrs[i].type == ELF_SHT_NOTE && kin__elf_section_bytes(e, i, &b)) {
            scan_notes(e, b, e->shdrs[i].offset, e->shdrs[i].addralign == 8 ? 8 : 4);
        }
    }
    return KIN_OK;
}

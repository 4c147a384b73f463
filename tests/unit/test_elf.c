/*
 * test_elf.c: the ELF loader on the fixtures of tests/fixtures/elf.cmake. Facts about the
 * hand-made files come from gen_elf.c's layout; facts about compiled files come from their
 * sources (elf_prog.c, elf_lib.c, elf_free.c): names, types, sizes, libraries, and where a
 * symbol must lie. Exact compiled addresses are cross-checked against readelf by
 * tests/xcheck/elf_readelf.sh, not here. Ends with an allocation-failure loop.
 */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "image_util.h"
#include "kin.h"

#define FIX KIN_FIXTURE_DIR "/"

static const struct kin_load_options quick = {0, 0, 0, 1}; /* skip TLSH and ssdeep */

static struct kin_sample *load(const char *path, kin_status want)
{
    struct kin_sample *s = NULL;
    kin_status st = kin_sample_open(path, &quick, &s);
    if (st != want) {
        fprintf(stderr, "%s: status %s, expected %s\n", path, kin_status_name(st),
                kin_status_name(want));
        check_failures++;
    }
    if (!s) {
        fprintf(stderr, "%s: no sample (missing fixture? run scripts/install-deps.sh)\n", path);
        check_failures++;
    }
    return s;
}

static const struct kin_section *section(const struct kin_image *img, const char *name)
{
    for (size_t i = 0; i < img->section_count; i++) {
        if (strcmp(img->sections[i].name, name) == 0) {
            return &img->sections[i];
        }
    }
    return NULL;
}

static const struct kin_symbol *symbol(const struct kin_image *img, const char *name, int source)
{
    for (size_t i = 0; i < img->symbol_count; i++) {
        if (img->symbols[i].source == source && strcmp(img->symbols[i].name, name) == 0) {
            return &img->symbols[i];
        }
    }
    return NULL;
}

static size_t count_source(const struct kin_image *img, int source)
{
    size_t n = 0;
    for (size_t i = 0; i < img->symbol_count; i++) {
        n += img->symbols[i].source == source;
    }
    return n;
}

static int has_needed(const struct kin_image *img, const char *name)
{
    for (size_t i = 0; i < img->elf.needed_count; i++) {
        if (strcmp(img->elf.needed[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

static int is_hex(const char *s, size_t len)
{
    if (strlen(s) != len) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

static void print_anomalies(const char *path, const struct kin_image *img)
{
    for (size_t i = 0; i < img->anomaly_count; i++) {
        fprintf(stderr, "%s: anomaly %s: %s\n", path, img->anomalies[i].kind,
                img->anomalies[i].message);
    }
}

/* The symbol lies inside the named section's addresses. */
static int in_section(const struct kin_image *img, const char *sec, uint64_t va)
{
    const struct kin_section *s = section(img, sec);
    return s && va >= s->va && va - s->va < s->vsize;
}

/* ------------------------------------------------------------------------------------------ */
/* Hand-made files: every fact below is written by gen_elf.c. */

static void check_gen_sections(const struct kin_image *img, uint64_t base)
{
    static const char *const names[] = {
        ".interp",  ".note.gnu.build-id", ".dynsym", ".dynstr", ".text",
        ".data",    ".dynamic",           ".bss",    ".symtab", ".strtab",
        ".shstrtab"};
    CHECK_EQ_U64(img->section_count, 11);
    for (size_t i = 0; i < img->section_count && i < 11; i++) {
        CHECK_EQ_STR(img->sections[i].name, names[i]);
    }
    const struct kin_section *t = section(img, ".text");
    CHECK(t != NULL);
    if (t) {
        CHECK_EQ_U64(t->va, base + 0x300);
        CHECK_EQ_U64(t->offset, 0x300);
        CHECK_EQ_U64(t->size, 0x40);
        CHECK_EQ_U64(t->vsize, 0x40);
        CHECK_EQ_U64(t->flags, KIN_SEC_ALLOC | KIN_SEC_READ | KIN_SEC_EXEC | KIN_SEC_CODE);
        CHECK_EQ_U64(t->raw_flags, 6);
        CHECK_EQ_U64(t->type, 1);
        CHECK(t->entropy == 0.0); /* 64 nops */
    }
    const struct kin_section *d = section(img, ".data");
    CHECK(d != NULL);
    if (d) {
        CHECK_EQ_U64(d->va, base + 0x1400);
        CHECK_EQ_U64(d->flags, KIN_SEC_ALLOC | KIN_SEC_READ | KIN_SEC_WRITE);
        CHECK(fabs(d->entropy - 5.0) < 1e-9); /* bytes 0..31, each once */
    }
    const struct kin_section *b = section(img, ".bss");
    CHECK(b != NULL);
    if (b) {
        CHECK_EQ_U64(b->type, 8);
        CHECK_EQ_U64(b->size, 0);
        CHECK_EQ_U64(b->vsize, 0x100);
        CHECK(b->entropy == 0.0);
    }
    const struct kin_section *st = section(img, ".symtab");
    CHECK(st != NULL);
    if (st) {
        CHECK_EQ_U64(st->flags, 0);
        CHECK_EQ_U64(st->type, 2);
    }
}

static void check_gen_dynamic(const struct kin_image *img)
{
    CHECK_EQ_U64(img->elf.needed_count, 2);
    if (img->elf.needed_count == 2) {
        CHECK_EQ_STR(img->elf.needed[0], "libc.so.6");
        CHECK_EQ_STR(img->elf.needed[1], "libextra.so");
    }
    CHECK_EQ_STR(img->elf.soname, "libkingen.so.2");
    CHECK_EQ_STR(img->elf.interpreter, "/lib/ld-kin.so.1");
    CHECK_EQ_STR(img->elf.build_id, "00112233445566778899aabbccddeeff10213243");
}

static void check_gen_symbols(const struct kin_image *img, uint64_t base)
{
    CHECK_EQ_U64(count_source(img, KIN_SYMSRC_SYMTAB), 5);
    CHECK_EQ_U64(count_source(img, KIN_SYMSRC_DYNSYM), 2);
    const struct kin_symbol *f = symbol(img, "kin_gen_func", KIN_SYMSRC_SYMTAB);
    CHECK(f != NULL);
    if (f) {
        CHECK_EQ_U64(f->va, base + 0x310);
        CHECK_EQ_U64(f->size, 16);
        CHECK_EQ_U64(f->type, KIN_SYM_FUNC);
        CHECK_EQ_U64(f->bind, 1); /* STB_GLOBAL */
        CHECK(f->defined);
    }
    const struct kin_symbol *l = symbol(img, "kin_gen_local", KIN_SYMSRC_SYMTAB);
    CHECK(l && l->bind == 0 && l->va == base + 0x300 && l->type == KIN_SYM_FUNC);
    const struct kin_symbol *o = symbol(img, "kin_gen_data", KIN_SYMSRC_SYMTAB);
    CHECK(o && o->type == KIN_SYM_OBJECT && o->va == base + 0x1400 && o->size == 8);
    const struct kin_symbol *u = symbol(img, "kin_gen_undef", KIN_SYMSRC_SYMTAB);
    CHECK(u && !u->defined && u->type == KIN_SYM_OTHER);
    const struct kin_symbol *file = symbol(img, "gen.c", KIN_SYMSRC_SYMTAB);
    CHECK(file && file->type == KIN_SYM_OTHER && file->defined); /* SHN_ABS */
    const struct kin_symbol *x = symbol(img, "kin_gen_export", KIN_SYMSRC_DYNSYM);
    CHECK(x && x->defined && x->type == KIN_SYM_FUNC && x->va == base + 0x320 && x->size == 32);
    const struct kin_symbol *p = symbol(img, "puts", KIN_SYMSRC_DYNSYM);
    CHECK(p && !p->defined && p->type == KIN_SYM_FUNC);
}

static void test_gen(const char *name, int is64, int big, uint16_t machine, uint32_t arch)
{
    char path[512];
    snprintf(path, sizeof(path), FIX "elf/%s", name);
    struct kin_sample *s = load(path, KIN_OK);
    if (!s) {
        return;
    }
    const struct kin_image *img = kin_sample_image(s);
    uint64_t base = is64 ? 0x400000 : 0x08048000;
    CHECK_EQ_U64(img->format, KIN_FORMAT_ELF);
    CHECK_EQ_U64(img->bits, is64 ? 64 : 32);
    CHECK_EQ_U64(img->big_endian, big);
    CHECK_EQ_U64(img->elf.elfclass, is64 ? 2 : 1);
    CHECK_EQ_U64(img->elf.data, big ? 2 : 1);
    CHECK_EQ_U64(img->elf.machine, machine);
    CHECK_EQ_U64(img->arch, arch);
    CHECK_EQ_U64(img->elf.type, 2);
    CHECK_EQ_U64(img->base, base);
    CHECK_EQ_U64(img->entry_count, 1);
    if (img->entry_count == 1) {
        CHECK_EQ_U64(img->entries[0].va, base + 0x300);
        CHECK_EQ_U64(img->entries[0].kind, KIN_ENTRY_MAIN);
    }
    check_gen_sections(img, base);
    CHECK_EQ_U64(img->elf.segment_count, 6);
    if (img->elf.segment_count == 6) {
        const struct kin_segment *g = &img->elf.segments[2];
        CHECK(g->type == 1 && g->flags == 5 && g->offset == 0 && g->va == base &&
              g->filesz == 0x340 && g->memsz == 0x340);
        g = &img->elf.segments[3];
        CHECK(g->type == 1 && g->flags == 6 && g->offset == 0x400 && g->va == base + 0x1400 &&
              g->filesz == 0xa0 && g->memsz == 0x1a0);
        CHECK_EQ_U64(img->elf.segments[4].type, 2); /* PT_DYNAMIC */
    }
    check_gen_dynamic(img);
    check_gen_symbols(img, base);
    CHECK_EQ_U64(img->anomaly_count, 0);
    print_anomalies(path, img);
    kin_sample_free(s);
}

static void test_gen_all(void)
{
    test_gen("gen_le32.elf", 0, 0, 3, KIN_ARCH_X86);
    test_gen("gen_le64.elf", 1, 0, 62, KIN_ARCH_X64);
    test_gen("gen_be32.elf", 0, 1, 8, KIN_ARCH_MIPS);
    test_gen("gen_be64.elf", 1, 1, 21, KIN_ARCH_OTHER);

    struct kin_sample *s = load(FIX "elf/gen_be64.elf", KIN_OK);
    if (s) {
        CHECK_EQ_U64(kin_sample_image(s)->elf.osabi, 9); /* ELFOSABI_FREEBSD */
        kin_sample_free(s);
    }
    /*
     * Without section headers, the dynamic table and the note come from the segments and
     * .dynsym from DT_SYMTAB, sized by DT_HASH (le64) or DT_GNU_HASH (be32).
     */
    static const char *const noshdr[] = {"gen_le64_noshdr.elf", "gen_be32_noshdr.elf"};
    for (int i = 0; i < 2; i++) {
        char path[512];
        snprintf(path, sizeof(path), FIX "elf/%s", noshdr[i]);
        s = load(path, KIN_OK);
        if (!s) {
            continue;
        }
        const struct kin_image *img = kin_sample_image(s);
        uint64_t base = i == 0 ? 0x400000 : 0x08048000;
        CHECK_EQ_U64(img->section_count, 0);
        CHECK_EQ_U64(img->elf.segment_count, 6);
        CHECK_EQ_U64(img->big_endian, i);
        check_gen_dynamic(img);
        CHECK_EQ_U64(img->symbol_count, 2);
        CHECK_EQ_U64(count_source(img, KIN_SYMSRC_DYNSYM), 2);
        const struct kin_symbol *x = symbol(img, "kin_gen_export", KIN_SYMSRC_DYNSYM);
        CHECK(x && x->defined && x->type == KIN_SYM_FUNC && x->va == base + 0x320);
        const struct kin_symbol *p = symbol(img, "puts", KIN_SYMSRC_DYNSYM);
        CHECK(p && !p->defined && p->type == KIN_SYM_FUNC);
        CHECK_EQ_U64(img->anomaly_count, 0);
        print_anomalies(path, img);
        kin_sample_free(s);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Programs compiled from elf_prog.c / elf_lib.c by gcc and clang. */

static void test_prog(const char *tag, int is64)
{
    char path[512];
    snprintf(path, sizeof(path), FIX "elf/prog_%s", tag);
    struct kin_sample *s = load(path, KIN_OK);
    if (!s) {
        return;
    }
    const struct kin_image *img = kin_sample_image(s);
    CHECK_EQ_U64(img->elf.elfclass, is64 ? 2 : 1);
    CHECK_EQ_U64(img->elf.data, 1);
    CHECK_EQ_U64(img->big_endian, 0);
    CHECK_EQ_U64(img->elf.machine, is64 ? 62 : 3);
    CHECK_EQ_U64(img->arch, is64 ? KIN_ARCH_X64 : KIN_ARCH_X86);
    CHECK_EQ_U64(img->elf.type, 2);                        /* -no-pie: ET_EXEC */
    CHECK_EQ_U64(img->base, is64 ? 0x400000 : 0x08048000); /* the linkers' defaults */
    CHECK_EQ_U64(img->entry_count, 1);
    if (img->entry_count == 1) {
        CHECK(in_section(img, ".text", img->entries[0].va));
    }
    const struct kin_symbol *f = symbol(img, "kin_fixture_add", KIN_SYMSRC_SYMTAB);
    CHECK(f != NULL);
    if (f) {
        CHECK(f->type == KIN_SYM_FUNC && f->bind == 1 && f->defined && f->size > 0);
        CHECK(in_section(img, ".text", f->va));
    }
    const struct kin_symbol *d = symbol(img, "kin_fixture_data", KIN_SYMSRC_SYMTAB);
    CHECK(d && d->type == KIN_SYM_OBJECT && d->size == 16 && in_section(img, ".data", d->va));
    const struct kin_symbol *m = symbol(img, "main", KIN_SYMSRC_SYMTAB);
    CHECK(m && m->type == KIN_SYM_FUNC && in_section(img, ".text", m->va));
    const struct kin_symbol *lib = symbol(img, "kin_fixture_lib_mul", KIN_SYMSRC_DYNSYM);
    CHECK(lib && !lib->defined && lib->type == KIN_SYM_FUNC);
    CHECK(has_needed(img, "libc.so.6"));
    CHECK(has_needed(img, "libkinfix.so.1"));
    CHECK(img->elf.soname == NULL);
    CHECK_EQ_STR(img->elf.interpreter, is64 ? "/lib64/ld-linux-x86-64.so.2" : "/lib/ld-linux.so.2");
    CHECK(is_hex(img->elf.build_id, 40)); /* --build-id=sha1 */
    const struct kin_section *t = section(img, ".text");
    CHECK(t && t->flags == (KIN_SEC_ALLOC | KIN_SEC_READ | KIN_SEC_EXEC | KIN_SEC_CODE));
    CHECK(t && t->entropy > 3.0 && t->entropy < 8.0);
    CHECK(section(img, ".dynsym") && section(img, ".symtab") && section(img, ".dynamic"));
    CHECK(img->elf.segment_count >= 4);
    CHECK_EQ_U64(img->anomaly_count, 0);
    print_anomalies(path, img);
    kin_sample_free(s);
}

static void test_lib(const char *tag, int is64)
{
    char path[512];
    snprintf(path, sizeof(path), FIX "elf/libkinfix_%s.so", tag);
    struct kin_sample *s = load(path, KIN_OK);
    if (!s) {
        return;
    }
    const struct kin_image *img = kin_sample_image(s);
    CHECK_EQ_U64(img->elf.elfclass, is64 ? 2 : 1);
    CHECK_EQ_U64(img->elf.type, 3); /* ET_DYN */
    CHECK_EQ_STR(img->elf.soname, "libkinfix.so.1");
    CHECK(has_needed(img, "libc.so.6"));
    CHECK(img->elf.interpreter == NULL);
    CHECK(is_hex(img->elf.build_id, 40));
    const struct kin_symbol *f = symbol(img, "kin_fixture_lib_mul", KIN_SYMSRC_DYNSYM);
    CHECK(f && f->defined && f->type == KIN_SYM_FUNC && in_section(img, ".text", f->va));
    const struct kin_symbol *p = symbol(img, "puts", KIN_SYMSRC_DYNSYM);
    CHECK(p && !p->defined);
    CHECK_EQ_U64(img->anomaly_count, 0);
    print_anomalies(path, img);
    kin_sample_free(s);
}

/*
 * Stripped copies keep .dynsym, the dynamic table and the build-id, and lose .symtab. Without
 * section headers (sstrip) the same dynamic symbols come through DT_SYMTAB.
 */
static void test_stripped(const char *tag)
{
    char path[3][512];
    snprintf(path[0], sizeof(path[0]), FIX "elf/prog_%s", tag);
    snprintf(path[1], sizeof(path[1]), FIX "elf/prog_%s.stripped", tag);
    snprintf(path[2], sizeof(path[2]), FIX "elf/prog_%s.noshdr", tag);
    struct kin_sample *full = load(path[0], KIN_OK);
    struct kin_sample *st = load(path[1], KIN_OK);
    struct kin_sample *nosh = load(path[2], KIN_OK);
    if (full && st && nosh) {
        const struct kin_image *a = kin_sample_image(full), *b = kin_sample_image(st);
        const struct kin_image *c = kin_sample_image(nosh);
        CHECK_EQ_U64(count_source(b, KIN_SYMSRC_SYMTAB), 0);
        CHECK(count_source(b, KIN_SYMSRC_DYNSYM) > 0);
        CHECK_EQ_U64(count_source(b, KIN_SYMSRC_DYNSYM), count_source(a, KIN_SYMSRC_DYNSYM));
        CHECK(section(b, ".symtab") == NULL);
        CHECK_EQ_STR(b->elf.build_id, a->elf.build_id);
        CHECK_EQ_U64(b->elf.needed_count, a->elf.needed_count);
        CHECK_EQ_U64(b->entries[0].va, a->entries[0].va);
        /* sstrip: no section headers at all; PT_DYNAMIC and PT_NOTE still give the facts. */
        CHECK_EQ_U64(c->section_count, 0);
        /* .dynsym through DT_SYMTAB and DT_GNU_HASH: the same symbols, in the same order. */
        CHECK_EQ_U64(c->symbol_count, count_source(a, KIN_SYMSRC_DYNSYM));
        for (size_t i = 0, j = 0; i < a->symbol_count && j < c->symbol_count; i++) {
            if (a->symbols[i].source == KIN_SYMSRC_DYNSYM) {
                CHECK_EQ_STR(c->symbols[j].name, a->symbols[i].name);
                CHECK_EQ_U64(c->symbols[j].va, a->symbols[i].va);
                j++;
            }
        }
        CHECK(symbol(c, "kin_fixture_lib_mul", KIN_SYMSRC_DYNSYM) != NULL);
        CHECK_EQ_U64(c->elf.segment_count, a->elf.segment_count);
        CHECK_EQ_STR(c->elf.build_id, a->elf.build_id);
        CHECK(has_needed(c, "libc.so.6") && has_needed(c, "libkinfix.so.1"));
        CHECK_EQ_STR(c->elf.interpreter, a->elf.interpreter);
        CHECK_EQ_U64(c->base, a->base);
        CHECK_EQ_U64(c->anomaly_count, 0);
    }
    kin_sample_free(full);
    kin_sample_free(st);
    kin_sample_free(nosh);
}

static void test_stripped_libs(void)
{
    struct kin_sample *lib = load(FIX "elf/libkinfix_gcc64.so.stripped", KIN_OK);
    if (lib) {
        const struct kin_image *img = kin_sample_image(lib);
        CHECK_EQ_STR(img->elf.soname, "libkinfix.so.1");
        CHECK(symbol(img, "kin_fixture_lib_mul", KIN_SYMSRC_DYNSYM) != NULL);
        CHECK_EQ_U64(count_source(img, KIN_SYMSRC_SYMTAB), 0);
        kin_sample_free(lib);
    }
    /* A 32-bit library without section headers: its export and soname survive. */
    lib = load(FIX "elf/libkinfix_gcc32.so.noshdr", KIN_OK);
    if (lib) {
        const struct kin_image *img = kin_sample_image(lib);
        CHECK_EQ_U64(img->section_count, 0);
        CHECK_EQ_STR(img->elf.soname, "libkinfix.so.1");
        CHECK(has_needed(img, "libc.so.6"));
        const struct kin_symbol *f = symbol(img, "kin_fixture_lib_mul", KIN_SYMSRC_DYNSYM);
        CHECK(f && f->defined && f->type == KIN_SYM_FUNC);
        CHECK(symbol(img, "puts", KIN_SYMSRC_DYNSYM) != NULL);
        CHECK_EQ_U64(img->anomaly_count, 0);
        print_anomalies("libkinfix_gcc32.so.noshdr", img);
        kin_sample_free(lib);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Freestanding programs built by clang --target and ld.lld (big-endian MIPS and PowerPC). */

static void test_cross(const char *tag, int is64, int big, uint16_t machine, uint32_t arch)
{
    char path[512];
    snprintf(path, sizeof(path), FIX "elf/free_%s", tag);
    struct kin_sample *s = load(path, KIN_OK);
    if (!s) {
        return;
    }
    const struct kin_image *img = kin_sample_image(s);
    CHECK_EQ_U64(img->elf.elfclass, is64 ? 2 : 1);
    CHECK_EQ_U64(img->elf.data, big ? 2 : 1);
    CHECK_EQ_U64(img->big_endian, big);
    CHECK_EQ_U64(img->elf.machine, machine);
    CHECK_EQ_U64(img->arch, arch);
    CHECK_EQ_U64(img->bits, is64 ? 64 : 32);
    const struct kin_symbol *start = symbol(img, "_start", KIN_SYMSRC_SYMTAB);
    CHECK(start && start->type == KIN_SYM_FUNC && start->defined);
    CHECK_EQ_U64(img->entry_count, 1);
    if (start && img->entry_count == 1) {
        CHECK_EQ_U64(img->entries[0].va, start->va);
    }
    const struct kin_symbol *add = symbol(img, "kin_be_add", KIN_SYMSRC_SYMTAB);
    CHECK(add && add->type == KIN_SYM_FUNC && add->defined && add->size > 0);
    const struct kin_symbol *ctr = symbol(img, "kin_be_counter", KIN_SYMSRC_SYMTAB);
    CHECK(ctr && ctr->type == KIN_SYM_OBJECT && ctr->size == 4);
    const struct kin_symbol *mul = symbol(img, "kin_be_lib_mul", KIN_SYMSRC_DYNSYM);
    CHECK(mul && !mul->defined);
    CHECK_EQ_U64(img->elf.needed_count, 1);
    CHECK(has_needed(img, "libkinbe.so.1"));
    CHECK(is_hex(img->elf.build_id, 40));
    CHECK(img->elf.interpreter != NULL);
    CHECK_EQ_U64(img->anomaly_count, 0);
    print_anomalies(path, img);
    kin_sample_free(s);

    snprintf(path, sizeof(path), FIX "elf/libkinbe_%s.so", tag);
    s = load(path, KIN_OK);
    if (s) {
        img = kin_sample_image(s);
        CHECK_EQ_U64(img->big_endian, big);
        CHECK_EQ_STR(img->elf.soname, "libkinbe.so.1");
        const struct kin_symbol *f = symbol(img, "kin_be_lib_mul", KIN_SYMSRC_DYNSYM);
        CHECK(f && f->defined && f->type == KIN_SYM_FUNC);
        CHECK_EQ_U64(img->anomaly_count, 0);
        kin_sample_free(s);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Malformed files: expected status and anomaly kind, then specific facts. */

static void test_malformed_table(void)
{
    static const struct {
        const char *file;
        kin_status status;
        const char *kind;
    } cases[] = {
        {"trunc_ident", KIN_MALFORMED, "elf.header.truncated"},
        {"trunc_header", KIN_MALFORMED, "elf.header.truncated"},
        {"zero", KIN_OK, "elf.empty"},
        {"shdr_past_eof", KIN_OK, "elf.shdr.past_eof"},
        {"shnum_past_eof", KIN_OK, "elf.shdr.past_eof"},
        {"huge_counts", KIN_OK, "elf.phdr.past_eof"},
        {"bad_shstrndx", KIN_OK, "elf.shstrndx.out_of_range"},
        {"unterminated_strtab", KIN_OK, "elf.strtab.unterminated"},
        {"overlap_segments", KIN_OK, "elf.segment.overlap"},
        {"overlap_sections", KIN_OK, "elf.section.overlap"},
        {"section_past_eof", KIN_OK, "elf.section.past_eof"},
        {"small_shentsize", KIN_OK, "elf.shentsize.small"},
        {"small_phentsize", KIN_OK, "elf.phentsize.small"},
        {"dynamic_no_null", KIN_OK, "elf.dynamic.no_null"},
        {"symtab_bad_link", KIN_OK, "elf.symtab.bad_link"},
        {"dynstr_unmapped", KIN_OK, "elf.dynamic.strtab_unmapped"},
        {"bad_ident", KIN_OK, "elf.header.bad_class"},
        {"note_truncated", KIN_OK, "elf.note.truncated"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char path[512];
        snprintf(path, sizeof(path), FIX "malformed/elf_%s.elf", cases[i].file);
        struct kin_sample *s = load(path, cases[i].status);
        if (!s) {
            continue;
        }
        const struct kin_image *img = kin_sample_image(s);
        CHECK_EQ_U64(img->format, KIN_FORMAT_ELF);
        if (!has_anomaly(img, cases[i].kind)) {
            fprintf(stderr, "%s: missing anomaly %s\n", path, cases[i].kind);
            print_anomalies(path, img);
            check_failures++;
        }
        kin_sample_free(s);
    }
}

static void test_malformed_facts(void)
{
    struct kin_sample *s;
    const struct kin_image *img;

    /* Extended numbering is legal: counts and the name index come from section 0. */
    if ((s = load(FIX "malformed/elf_ext_numbering.elf", KIN_OK)) != NULL) {
        img = kin_sample_image(s);
        check_gen_sections(img, 0x400000);
        CHECK_EQ_U64(img->elf.segment_count, 6);
        CHECK_EQ_U64(img->anomaly_count, 0);
        print_anomalies("ext_numbering", img);
        kin_sample_free(s);
    }
    /* The last name runs into the end of its table: it is still read, from a copy. */
    if ((s = load(FIX "malformed/elf_unterminated_strtab.elf", KIN_OK)) != NULL) {
        img = kin_sample_image(s);
        CHECK(symbol(img, "kin_gen_undef", KIN_SYMSRC_SYMTAB) != NULL);
        CHECK(symbol(img, "kin_gen_func", KIN_SYMSRC_SYMTAB) != NULL);
        kin_sample_free(s);
    }
    /* Symbols keep values without names; .dynsym (its link is fine) keeps its names. */
    if ((s = load(FIX "malformed/elf_symtab_bad_link.elf", KIN_OK)) != NULL) {
        img = kin_sample_image(s);
        CHECK_EQ_U64(count_source(img, KIN_SYMSRC_SYMTAB), 5);
        CHECK(symbol(img, "", KIN_SYMSRC_SYMTAB) != NULL);
        CHECK(symbol(img, "kin_gen_export", KIN_SYMSRC_DYNSYM) != NULL);
        kin_sample_free(s);
    }
    /* DT_STRTAB unmapped: names come from the .dynamic section's sh_link. */
    if ((s = load(FIX "malformed/elf_dynstr_unmapped.elf", KIN_OK)) != NULL) {
        check_gen_dynamic(kin_sample_image(s));
        kin_sample_free(s);
    }
    /* No segments: the dynamic table comes from its section, names through sh_link. */
    if ((s = load(FIX "malformed/elf_small_phentsize.elf", KIN_OK)) != NULL) {
        img = kin_sample_image(s);
        CHECK_EQ_U64(img->elf.segment_count, 0);
        CHECK(has_needed(img, "libextra.so"));
        kin_sample_free(s);
    }
    /* Three DT_NEEDED once DT_NULL is gone; the walk stops at the table's end. */
    if ((s = load(FIX "malformed/elf_dynamic_no_null.elf", KIN_OK)) != NULL) {
        img = kin_sample_image(s);
        CHECK_EQ_U64(img->elf.needed_count, 3);
        kin_sample_free(s);
    }
    if ((s = load(FIX "malformed/elf_bad_ident.elf", KIN_OK)) != NULL) {
        img = kin_sample_image(s);
        CHECK(has_anomaly(img, "elf.header.bad_data"));
        CHECK_EQ_U64(img->bits, 64);
        CHECK_EQ_U64(img->arch, KIN_ARCH_X64);
        CHECK_EQ_U64(img->section_count, 11);
        kin_sample_free(s);
    }
    if ((s = load(FIX "malformed/elf_shnum_past_eof.elf", KIN_OK)) != NULL) {
        CHECK_EQ_U64(kin_sample_image(s)->section_count, 11);
        kin_sample_free(s);
    }
    if ((s = load(FIX "malformed/elf_huge_counts.elf", KIN_OK)) != NULL) {
        img = kin_sample_image(s);
        CHECK_EQ_U64(img->section_count, 11);
        CHECK(has_anomaly(img, "elf.shdr.past_eof"));
        CHECK_EQ_U64(img->elf.segment_count, (0x980 - 0x40) / 56);
        kin_sample_free(s);
    }
    /* .text claims 1 MiB: vsize as written, file size clipped to the file. */
    if ((s = load(FIX "malformed/elf_section_past_eof.elf", KIN_OK)) != NULL) {
        const struct kin_section *t = section(kin_sample_image(s), ".text");
        CHECK(t && t->vsize == 0x100000 && t->size == 0x980 - 0x300);
        kin_sample_free(s);
    }
    if ((s = load(FIX "malformed/elf_bad_shstrndx.elf", KIN_OK)) != NULL) {
        img = kin_sample_image(s);
        CHECK_EQ_U64(img->section_count, 11);
        CHECK(section(img, "") != NULL && section(img, ".text") == NULL);
        kin_sample_free(s);
    }
    if ((s = load(FIX "malformed/elf_zero.elf", KIN_OK)) != NULL) {
        img = kin_sample_image(s);
        CHECK(img->section_count == 0 && img->elf.segment_count == 0 && img->entry_count == 0);
        CHECK_EQ_U64(img->arch, KIN_ARCH_X64);
        kin_sample_free(s);
    }
    if ((s = load(FIX "malformed/elf_trunc_header.elf", KIN_MALFORMED)) != NULL) {
        img = kin_sample_image(s);
        CHECK_EQ_U64(img->bits, 64); /* e_ident was readable */
        CHECK_EQ_U64(img->section_count, 0);
        kin_sample_free(s);
    }
}

/* Thousands of symbols and hundreds of sections (several arena blocks). */
static void test_many(void)
{
    struct kin_sample *s = load(FIX "elf/gen_many.elf", KIN_OK);
    if (!s) {
        return;
    }
    const struct kin_image *img = kin_sample_image(s);
    CHECK_EQ_U64(img->elf.type, 1); /* ET_REL */
    CHECK_EQ_U64(img->section_count, 304);
    CHECK_EQ_U64(img->symbol_count, 4999);
    CHECK_EQ_STR(img->sections[0].name, ".text");
    CHECK_EQ_STR(img->sections[303].name, ".x299");
    CHECK_EQ_U64(img->sections[303].type, 8);
    if (img->symbol_count == 4999) {
        CHECK_EQ_STR(img->symbols[0].name, "kin_many_a");
        CHECK_EQ_U64(img->symbols[0].va, 0x1001);
        CHECK_EQ_STR(img->symbols[4998].name, "kin_many_a");
        CHECK_EQ_STR(img->symbols[4997].name, "kin_many_b");
        CHECK_EQ_U64(img->symbols[4997].type, KIN_SYM_OBJECT);
        CHECK_EQ_U64(img->symbols[4998].va, 0x1000 + 4999);
    }
    CHECK_EQ_U64(img->anomaly_count, 0);
    print_anomalies("gen_many.elf", img);
    kin_sample_free(s);
}

/* ------------------------------------------------------------------------------------------ */
/* Allocation failures: fail the Nth allocation until a load succeeds; no crash, no leak. */

static long fail_at, alloc_count, live;

static void *fail_malloc(size_t n)
{
    if (++alloc_count == fail_at) {
        return NULL;
    }
    void *p = malloc(n);
    live += p != NULL;
    return p;
}

static void *fail_realloc(void *p, size_t n)
{
    if (++alloc_count == fail_at) {
        return NULL;
    }
    void *q = realloc(p, n);
    live += (p == NULL && q != NULL);
    return q;
}

static void fail_free(void *p)
{
    live -= p != NULL;
    free(p);
}

static uint8_t *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    uint8_t *buf = malloc(1 << 20);
    *n = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    return buf;
}

static void alloc_loop(const char *path)
{
    size_t n = 0;
    uint8_t *buf = read_file(path, &n);
    CHECK(buf != NULL && n > 0);
    if (!buf) {
        return;
    }
    struct kin_sample *ref = NULL;
    CHECK_OK(kin_sample_load_mem(buf, n, &quick, &ref));
    if (!ref) {
        free(buf);
        return;
    }
    const struct kin_image *want = kin_sample_image(ref);
    CHECK_OK(kin_replace_allocator(fail_malloc, fail_realloc, fail_free));
    int done = 0;
    long tries = 0;
    for (fail_at = 1; !done && fail_at < 100000; fail_at++) {
        alloc_count = 0;
        live = 0;
        struct kin_sample *s = NULL;
        kin_status st = kin_sample_load_mem(buf, n, &quick, &s);
        tries++;
        if (st == KIN_OK) {
            const struct kin_image *img = kin_sample_image(s);
            done = alloc_count < fail_at; /* nothing failed: the loop has covered them all */
            if (done) {
                CHECK_EQ_U64(img->section_count, want->section_count);
                CHECK_EQ_U64(img->symbol_count, want->symbol_count);
                CHECK_EQ_U64(img->elf.needed_count, want->elf.needed_count);
                CHECK_EQ_U64(img->anomaly_count, want->anomaly_count);
                CHECK_EQ_STR(img->elf.build_id, want->elf.build_id);
            }
        } else if (st != KIN_NOMEM) {
            fprintf(stderr, "%s: allocation %ld failed gave %s\n", path, fail_at,
                    kin_status_name(st));
            check_failures++;
        }
        kin_sample_free(s);
        if (live != 0) {
            fprintf(stderr, "%s: %ld blocks leaked with allocation %ld failing\n", path, live,
                    fail_at);
            check_failures++;
        }
    }
    CHECK_OK(kin_replace_allocator(NULL, NULL, NULL));
    CHECK(done);
    CHECK(tries > 2);
    kin_sample_free(ref);
    free(buf);
}

int main(void)
{
    test_gen_all();
    test_prog("gcc64", 1);
    test_prog("gcc32", 0);
    test_prog("clang64", 1);
    test_prog("clang32", 0);
    test_lib("gcc64", 1);
    test_lib("gcc32", 0);
    test_lib("clang64", 1);
    test_lib("clang32", 0);
    test_stripped("gcc64");
    test_stripped("gcc32");
    test_stripped_libs();
    test_cross("mips32be", 0, 1, 8, KIN_ARCH_MIPS);
    test_cross("mips64be", 1, 1, 8, KIN_ARCH_MIPS);
    test_cross("ppc64be", 1, 1, 21, KIN_ARCH_OTHER);
    test_cross("arm32", 0, 0, 40, KIN_ARCH_ARM);
    test_cross("arm64", 1, 0, 183, KIN_ARCH_ARM64);
    test_malformed_table();
    test_malformed_facts();
    test_many();
    alloc_loop(FIX "elf/gen_le64.elf");
    alloc_loop(FIX "elf/gen_many.elf");
    alloc_loop(FIX "elf/prog_gcc64");
    CHECK_DONE();
}

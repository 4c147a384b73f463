/*
 * test_pe.c: the PE loader on the fixtures of tests/fixtures/pe.cmake: compiled mingw-w64 and
 * clang programs, the hand-made pe_crafted32.exe, and the malformed files (status and anomaly
 * kinds). Ends with an allocation-failure loop: every allocation of a load fails in turn and the
 * load must return KIN_NOMEM or succeed, without crash or leak (the asan preset checks leaks).
 */
#include <stdlib.h>

#include "check.h"
#include "image_util.h"
#include "load/pe/pe_int.h"

#define FIX(name) KIN_FIXTURE_DIR "/" name

static struct kin_sample *load(const char *path, kin_status want)
{
    struct kin_sample *s = NULL;
    kin_status st = kin_sample_open(path, NULL, &s);
    if (st != want) {
        fprintf(stderr, "%s: status %s, want %s\n", path, kin_status_name(st),
                kin_status_name(want));
        check_failures++;
    }
    return s;
}

static const struct kin_section *section(const struct kin_image *img, const char *name)
{
    for (size_t i = 0; i < img->section_count; i++) {
        if (!strcmp(img->sections[i].name, name)) {
            return &img->sections[i];
        }
    }
    return NULL;
}

static const struct kin_import *
import(const struct kin_image *img, const char *lib, const char *name, uint32_t ordinal)
{
    for (size_t i = 0; i < img->import_count; i++) {
        const struct kin_import *imp = &img->imports[i];
        if (strcmp(imp->library, lib) != 0) {
            continue;
        }
        if (name
                ? (imp->name && !strcmp(imp->name, name))
                : (!imp->name && (imp->flags & KIN_IMPORT_BY_ORDINAL) && imp->ordinal == ordinal)) {
            return imp;
        }
    }
    return NULL;
}

static int in_section(const struct kin_image *img, uint64_t va, const char *name)
{
    const struct kin_section *s = section(img, name);
    return s && va >= s->va && va < s->va + s->vsize;
}

static void test_crafted(void)
{
    struct kin_sample *s = load(FIX("pe_crafted32.exe"), KIN_OK);
    if (!s) {
        return;
    }
    const struct kin_image *img = kin_sample_image(s);
    const struct kin_pe_info *pe = &img->pe;
    CHECK_EQ_U64(img->format, KIN_FORMAT_PE);
    CHECK_EQ_U64(img->arch, KIN_ARCH_X86);
    CHECK_EQ_U64(img->bits, 32);
    CHECK_EQ_U64(img->base, 0x400000);
    CHECK_EQ_U64(pe->magic, 0x10b);
    CHECK_EQ_U64(pe->pe_offset, 0xd0);
    CHECK_EQ_U64(img->anomaly_count, 0);

    CHECK_EQ_U64(img->section_count, 5);
    CHECK_EQ_STR(img->sections[0].name, ".text");
    CHECK_EQ_U64(img->sections[0].va, 0x401000);
    CHECK_EQ_U64(img->sections[0].offset, 0x400);
    CHECK_EQ_U64(img->sections[0].size, 0x200);
    CHECK_EQ_U64(img->sections[0].flags,
                 KIN_SEC_READ | KIN_SEC_EXEC | KIN_SEC_CODE | KIN_SEC_ALLOC);
    CHECK_EQ_STR(img->sections[4].name, ".bss");
    CHECK_EQ_U64(img->sections[4].size, 0);
    CHECK_EQ_U64(img->sections[4].vsize, 0x100);
    CHECK_EQ_U64(img->sections[4].flags, KIN_SEC_READ | KIN_SEC_WRITE | KIN_SEC_ALLOC);
    /* .rsrc: 0x20 bytes of 'k', 0x40 of i*37 (all distinct: 6 bits), the rest zero. */
    CHECK(img->sections[2].entropy > 0.5 && img->sections[2].entropy < 3.0);

    CHECK_EQ_U64(img->entry_count, 2);
    CHECK_EQ_U64(img->entries[0].va, 0x401000);
    CHECK_EQ_U64(img->entries[0].kind, KIN_ENTRY_MAIN);
    CHECK_EQ_U64(img->entries[1].va, 0x401010);
    CHECK_EQ_U64(img->entries[1].kind, KIN_ENTRY_TLS_CALLBACK);
    CHECK_EQ_U64(pe->tls_callback_count, 1);

    CHECK_EQ_U64(img->import_count, 6);
    const struct kin_import *imp = import(img, "KERNEL32.dll", "ExitProcess", 0);
    CHECK(imp != NULL);
    if (imp) {
        CHECK_EQ_U64(imp->hint, 0x11);
        CHECK_EQ_U64(imp->slot_va, 0x402184);
        CHECK_EQ_U64(imp->flags, 0);
    }
    imp = import(img, "WS2_32.dll", NULL, 116);
    CHECK(imp != NULL);
    if (imp) {
        CHECK_EQ_U64(imp->slot_va, 0x402194);
    }
    /* The old VA-based delay-load descriptor, by name and by ordinal. */
    imp = import(img, "olddelay.dll", "DelayedFunc", 0);
    CHECK(imp != NULL);
    if (imp) {
        CHECK_EQ_U64(imp->flags, KIN_IMPORT_DELAY);
        CHECK_EQ_U64(imp->slot_va, 0x4024a0);
    }
    imp = import(img, "olddelay.dll", NULL, 5);
    CHECK(imp != NULL);
    if (imp) {
        CHECK_EQ_U64(imp->flags, KIN_IMPORT_DELAY | KIN_IMPORT_BY_ORDINAL);
    }

    CHECK_EQ_U64(img->export_count, 3);
    if (img->export_count == 3) {
        CHECK_EQ_STR(img->exports[0].name, "Alpha");
        CHECK_EQ_U64(img->exports[0].ordinal, 1);
        CHECK_EQ_U64(img->exports[0].va, 0x401020);
        CHECK(img->exports[0].forwarder == NULL);
        CHECK_EQ_STR(img->exports[1].name, "Fwd");
        CHECK_EQ_U64(img->exports[1].va, 0);
        CHECK_EQ_STR(img->exports[1].forwarder, "ntdll.RtlZeroMemory");
        CHECK(img->exports[2].name == NULL);
        CHECK_EQ_U64(img->exports[2].ordinal, 3);
        CHECK_EQ_U64(img->exports[2].va, 0x401030);
    }

    CHECK_EQ_U64(pe->reloc_count, 2);
    if (pe->reloc_count == 2) {
        CHECK_EQ_U64(pe->relocs[0].va, 0x401001);
        CHECK_EQ_U64(pe->relocs[0].type, 3);
        CHECK_EQ_U64(pe->relocs[1].va, 0x401021);
    }
    CHECK_EQ_STR(pe->pdb_path, "C:\\kin\\crafted.pdb");
    CHECK_EQ_U64(pe->pdb_age, 7);
    CHECK_EQ_U64(pe->pdb_signature, 0x12345678);

    CHECK_EQ_U64(pe->resource_count, 2);
    if (pe->resource_count == 2) {
        CHECK_EQ_STR(pe->resources[0].type_name, "KINDATA");
        CHECK_EQ_U64(pe->resources[0].lang, 0x409);
        CHECK_EQ_U64(pe->resources[0].offset, 0xf40);
        CHECK_EQ_U64(pe->resources[0].size, 0x20);
        CHECK(pe->resources[0].entropy == 0.0);
        CHECK_EQ_U64(pe->resources[1].type_id, 10);
        CHECK(pe->resources[1].type_name == NULL);
        CHECK_EQ_U64(pe->resources[1].size, 0x40);
        CHECK(pe->resources[1].entropy > 5.99 && pe->resources[1].entropy < 6.01);
    }

    CHECK_EQ_U64(pe->security_offset, 0x1200);
    CHECK_EQ_U64(pe->security_size, 0x28);
    CHECK_EQ_U64(pe->overlay_offset, 0x1200);
    CHECK_EQ_U64(pe->overlay_size, 0x28);

    CHECK_EQ_U64(pe->rich_count, 3);
    CHECK_EQ_U64(pe->rich_offset, 0x80);
    if (pe->rich_count == 3) {
        CHECK_EQ_U64(pe->rich[0].product_id, 0x104);
        CHECK_EQ_U64(pe->rich[0].build, 30729);
        CHECK_EQ_U64(pe->rich[0].count, 5);
        CHECK_EQ_U64(pe->rich[2].product_id, 1);
        CHECK_EQ_U64(pe->rich[2].count, 12);
    }
    /* Both values were computed by python3-pefile 2023.2.7 on this file. */
    CHECK_EQ_STR(img->hashes.imphash, "c79ec5edc85dd6394c2173ee02f6dcdf");
    CHECK_EQ_STR(img->hashes.rich_hash, "ffa4c1be0a74923bd74bf1e5fceec043");
    kin_sample_free(s);
}

static void test_main(const char *path, int bits)
{
    struct kin_sample *s = load(path, KIN_OK);
    if (!s) {
        return;
    }
    const struct kin_image *img = kin_sample_image(s);
    const struct kin_pe_info *pe = &img->pe;
    CHECK_EQ_U64(img->arch, bits == 64 ? KIN_ARCH_X64 : KIN_ARCH_X86);
    CHECK_EQ_U64(img->bits, bits);
    CHECK(section(img, ".text") != NULL);
    CHECK(section(img, ".rsrc") != NULL);
    CHECK(section(img, ".reloc") != NULL);
    /* GNU ld keeps the runtime's DWARF sections, named through the string table ("/4"). */
    CHECK(section(img, ".debug_info") != NULL);
    for (size_t i = 0; i < img->section_count; i++) {
        CHECK(img->sections[i].name[0] != '/');
    }
    const struct kin_section *text = section(img, ".text");
    if (text) {
        CHECK(text->flags & KIN_SEC_EXEC);
        CHECK(text->entropy > 4.0 && text->entropy < 8.0);
    }
    CHECK(img->entry_count >= 3);
    CHECK_EQ_U64(img->entries[0].kind, KIN_ENTRY_MAIN);
    CHECK(in_section(img, img->entries[0].va, ".text"));
    /* Our two callbacks (the runtime may add its own); every callback lies in .text. */
    CHECK(pe->tls_callback_count >= 2);
    for (size_t i = 1; i < img->entry_count; i++) {
        CHECK_EQ_U64(img->entries[i].kind, KIN_ENTRY_TLS_CALLBACK);
        CHECK(in_section(img, img->entries[i].va, ".text"));
    }

    const struct kin_import *imp = import(img, "KERNEL32.dll", "GetTickCount", 0);
    CHECK(imp != NULL);
    if (imp) {
        CHECK(in_section(img, imp->slot_va, ".idata"));
    }
    CHECK(import(img, "WS2_32.dll", NULL, 115) != NULL);
    CHECK(import(img, "WS2_32.dll", NULL, 116) != NULL);
    CHECK(import(img, "pe_dll.dll", "add", 0) != NULL);
    CHECK(import(img, "pe_dll.dll", NULL, 7) != NULL);
    for (size_t i = 0; i < img->import_count; i++) {
        CHECK((img->imports[i].flags & KIN_IMPORT_DELAY) == 0);
    }

    CHECK(pe->reloc_count > 0);
    if (bits == 64) {
        CHECK(pe->pdata_count > 10);
        for (size_t i = 0; i < pe->pdata_count; i++) {
            CHECK(pe->pdata[i].begin_va < pe->pdata[i].end_va);
        }
        CHECK_EQ_STR(pe->pdb_path, "pe_main64.pdb");
    } else {
        CHECK_EQ_U64(pe->pdata_count, 0);
        CHECK_EQ_STR(pe->pdb_path, "pe_main32.pdb");
    }
    CHECK(pe->pdb_age >= 1);
    int rcdata = 0, version = 0;
    for (size_t i = 0; i < pe->resource_count; i++) {
        rcdata |= pe->resources[i].type_id == 10 && pe->resources[i].size == 44;
        version |= pe->resources[i].type_id == 16;
        CHECK(pe->resources[i].offset > 0);
    }
    CHECK(rcdata);
    CHECK(version);
    CHECK_EQ_U64(strlen(img->hashes.imphash), 32);
    CHECK_EQ_STR(img->hashes.rich_hash, "");
    CHECK_EQ_U64(pe->rich_count, 0);
    CHECK_EQ_U64(pe->security_size, 0);
    /* GNU ld appends the COFF symbol table after the sections: an overlay to pefile. */
    CHECK(pe->overlay_size > 0);
    CHECK_EQ_U64(pe->overlay_offset + pe->overlay_size, img->file_size);
    kin_sample_free(s);
}

static void test_overlay(void)
{
    struct kin_sample *a = load(FIX("pe_main64.exe"), KIN_OK);
    struct kin_sample *b = load(FIX("pe_overlay64.exe"), KIN_OK);
    if (a && b) {
        const struct kin_pe_info *pa = &kin_sample_image(a)->pe, *pb = &kin_sample_image(b)->pe;
        CHECK_EQ_U64(pb->overlay_offset, pa->overlay_offset);
        CHECK_EQ_U64(pb->overlay_size, pa->overlay_size + 1000);
        CHECK_EQ_STR(kin_sample_image(b)->hashes.imphash, kin_sample_image(a)->hashes.imphash);
    }
    kin_sample_free(a);
    kin_sample_free(b);
}

static void test_dll(const char *path)
{
    struct kin_sample *s = load(path, KIN_OK);
    if (!s) {
        return;
    }
    const struct kin_image *img = kin_sample_image(s);
    CHECK(img->pe.characteristics & 0x2000);
    CHECK_EQ_U64(img->export_count, 3);
    int named = 0, ordinal_only = 0, forwarder = 0;
    for (size_t i = 0; i < img->export_count; i++) {
        const struct kin_export *e = &img->exports[i];
        if (e->name && !strcmp(e->name, "add")) {
            named = e->ordinal == 1 && in_section(img, e->va, ".text") && !e->forwarder;
        } else if (!e->name) {
            ordinal_only = e->ordinal == 7 && in_section(img, e->va, ".text");
        } else if (!strcmp(e->name, "Fwd")) {
            forwarder = e->ordinal == 3 && e->va == 0 && e->forwarder &&
                        !strcmp(e->forwarder, "kernel32.GetTickCount");
        }
    }
    CHECK(named);
    CHECK(ordinal_only);
    CHECK(forwarder);
    CHECK(img->pe.reloc_count > 0);
    kin_sample_free(s);
}

static void test_delay(const char *path)
{
    struct kin_sample *s = load(path, KIN_OK);
    if (!s) {
        return;
    }
    const struct kin_image *img = kin_sample_image(s);
    const struct kin_import *a = import(img, "pe_dll.dll", "add", 0);
    const struct kin_import *b = import(img, "pe_dll.dll", NULL, 7);
    CHECK(a && (a->flags & KIN_IMPORT_DELAY));
    CHECK(b && (b->flags & KIN_IMPORT_DELAY));
    if (a && b) {
        CHECK_EQ_U64(b->slot_va - a->slot_va, img->bits / 8);
        CHECK(a->slot_va > img->base && a->slot_va < img->base + img->pe.size_of_image);
    }
    CHECK(import(img, "WS2_32.dll", NULL, 115) != NULL);
    kin_sample_free(s);
}

static void test_machines(void)
{
    static const struct {
        const char *path;
        uint32_t arch;
    } m[] = {
        {FIX("pe_machine_arm.exe"), KIN_ARCH_ARM},
        {FIX("pe_machine_arm64.exe"), KIN_ARCH_ARM64},
        {FIX("pe_machine_mips.exe"), KIN_ARCH_MIPS},
        {FIX("pe_machine_other.exe"), KIN_ARCH_OTHER},
    };
    for (size_t i = 0; i < KIN_ARRAY_COUNT(m); i++) {
        struct kin_sample *s = load(m[i].path, KIN_OK);
        if (s) {
            CHECK_EQ_U64(kin_sample_image(s)->arch, m[i].arch);
            CHECK_EQ_U64(kin_sample_image(s)->section_count, 5);
        }
        kin_sample_free(s);
    }
}

static void test_ordinal_names(void)
{
    CHECK_EQ_STR(kin__pe_ordinal_name("WS2_32.dll", 115), "WSAStartup");
    CHECK_EQ_STR(kin__pe_ordinal_name("wsock32.DLL", 3), "closesocket");
    CHECK_EQ_STR(kin__pe_ordinal_name("OLEAUT32.dll", 2), "SysAllocString");
    CHECK(kin__pe_ordinal_name("ws2_32.dll", 60000) == NULL);
    CHECK(kin__pe_ordinal_name("ws2_32", 115) == NULL);
    CHECK(kin__pe_ordinal_name("kernel32.dll", 1) == NULL);
}

/* Malformed files: the status and anomaly kinds each must produce (NULL-terminated). */
static void test_malformed(void)
{
    static const struct {
        const char *name;
        kin_status status;
        const char *kinds[6];
    } cases[] = {
        {"empty_mz", KIN_MALFORMED, {"pe.dos.truncated"}},
        {"trunc_dos", KIN_MALFORMED, {"pe.dos.truncated"}},
        {"lfanew_past_eof", KIN_MALFORMED, {"pe.nt.past_eof"}},
        {"bad_signature", KIN_MALFORMED, {"pe.nt.bad_signature"}},
        {"trunc_file_header", KIN_MALFORMED, {"pe.file_header.truncated"}},
        {"trunc_optional", KIN_OK, {"pe.optional.truncated", "pe.section.table_past_eof"}},
        {"section_table_past_eof", KIN_OK, {"pe.section.table_past_eof", "pe.section.null"}},
        {"section_past_eof", KIN_OK, {"pe.section.past_eof", "pe.resource.unmapped_dir"}},
        {"overlapping_sections", KIN_OK, {"pe.section.overlap", "pe.rva.unmapped"}},
        {"import_loop", KIN_OK, {"pe.import.loop", "pe.import.unterminated"}},
        {"huge_counts",
         KIN_OK,
         {"pe.export.functions_truncated", "pe.export.names_truncated", "pe.reloc.truncated",
          "pe.debug.truncated", "pe.resource.entries_truncated", "pe.tls.callbacks_unmapped"}},
        {"rva_wrap",
         KIN_OK,
         {"pe.rva.wrap", "pe.entry.unmapped", "pe.export.unmapped", "pe.reloc.unmapped",
          "pe.tls.callbacks_outside"}},
        {"zero_everything",
         KIN_OK,
         {"pe.machine.unknown", "pe.optional.bad_magic", "pe.section.none", "pe.entry.zero"}},
        {"resource_loop", KIN_OK, {"pe.resource.loop", "pe.resource.too_deep"}},
        {"reloc_zero_block", KIN_OK, {"pe.reloc.bad_block"}},
        {"rich_bad_checksum", KIN_OK, {"pe.rich.bad_checksum"}},
        {"rich_no_dans", KIN_OK, {"pe.rich.malformed"}},
        {"thunk_unmapped", KIN_OK, {"pe.import.thunk_unmapped"}},
        {"names_unmapped",
         KIN_OK,
         {"pe.import.name_unmapped", "pe.import.dll_name_unmapped", "pe.export.name_unmapped",
          "pe.optional.many_dirs", "pe.security.past_eof", "pe.debug.bad_codeview"}},
        {"unaligned_raw", KIN_OK, {"pe.section.unaligned_raw"}},
        {"names_in_header", KIN_OK, {NULL}},
    };
    for (size_t i = 0; i < KIN_ARRAY_COUNT(cases); i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/malformed/%s.exe", KIN_FIXTURE_DIR, cases[i].name);
        struct kin_sample *s = load(path, cases[i].status);
        if (!s) {
            continue;
        }
        const struct kin_image *img = kin_sample_image(s);
        for (size_t k = 0; k < 6 && cases[i].kinds[k]; k++) {
            if (!has_anomaly(img, cases[i].kinds[k])) {
                fprintf(stderr, "%s: no anomaly %s\n", cases[i].name, cases[i].kinds[k]);
                check_failures++;
            }
        }
        for (size_t k = 0; k < img->anomaly_count; k++) {
            CHECK(img->anomalies[k].kind && img->anomalies[k].message);
        }
        kin_sample_free(s);
    }
    /* Damaged but usable files keep what is usable. */
    struct kin_sample *s = load(FIX("malformed/import_loop.exe"), KIN_OK);
    if (s) {
        const struct kin_image *img = kin_sample_image(s);
        CHECK_EQ_U64(img->import_count, 2 + 2); /* KERNEL32 once, then olddelay.dll */
        CHECK_EQ_U64(img->export_count, 3);
    }
    kin_sample_free(s);
    s = load(FIX("malformed/unaligned_raw.exe"), KIN_OK);
    if (s) {
        CHECK_EQ_STR(kin_sample_image(s)->hashes.imphash, "c79ec5edc85dd6394c2173ee02f6dcdf");
    }
    kin_sample_free(s);
    s = load(FIX("malformed/names_in_header.exe"), KIN_OK);
    if (s) {
        CHECK(import(kin_sample_image(s), "HEADER.dll", "GetTickCount", 0) != NULL);
        CHECK_EQ_STR(kin_sample_image(s)->hashes.imphash, "3952bf7457067a367c2bbc0958bf3483");
    }
    kin_sample_free(s);
    s = load(FIX("malformed/rich_bad_checksum.exe"), KIN_OK);
    if (s) {
        CHECK_EQ_U64(kin_sample_image(s)->pe.rich_count, 3);
        CHECK_EQ_U64(strlen(kin_sample_image(s)->hashes.rich_hash), 32);
    }
    kin_sample_free(s);
}

/* ---------------------------------------------------------------------------------------------
 * Allocation failure: fail the Nth allocation, for N = 0, 1, ... until a load succeeds.
 */
static long alloc_count, alloc_fail_at = -1;
static int alloc_fail_after; /* fail every allocation from the Nth on, not only the Nth */

static int alloc_fails(void)
{
    long i = alloc_count++;
    return alloc_fail_after ? i >= alloc_fail_at : i == alloc_fail_at;
}

static void *failing_malloc(size_t n)
{
    return alloc_fails() ? NULL : malloc(n);
}

static void *failing_realloc(void *p, size_t n)
{
    return alloc_fails() ? NULL : realloc(p, n);
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    uint8_t *b = NULL;
    long len = -1;
    if (fseek(f, 0, SEEK_END) == 0) {
        len = ftell(f);
    }
    if (len > 0 && fseek(f, 0, SEEK_SET) == 0) {
        b = malloc((size_t)len);
        if (b && fread(b, 1, (size_t)len, f) != (size_t)len) {
            free(b);
            b = NULL;
        }
    }
    fclose(f);
    *n = (size_t)len;
    return b;
}

static void test_alloc_failures(const char *path, int fail_after)
{
    alloc_fail_after = fail_after;
    size_t n = 0;
    uint8_t *data = slurp(path, &n);
    CHECK(data != NULL);
    if (!data) {
        return;
    }
    struct kin_load_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.skip_fuzzy = 1;
    struct kin_sample *ref = NULL;
    CHECK_OK(kin_sample_load_mem(data, n, &opts, &ref));
    CHECK_OK(kin_replace_allocator(failing_malloc, failing_realloc, free));
    int succeeded = 0;
    long nomem = 0;
    for (alloc_fail_at = 0; alloc_fail_at < 100000 && !succeeded; alloc_fail_at++) {
        alloc_count = 0;
        struct kin_sample *s = NULL;
        kin_status st = kin_sample_load_mem(data, n, &opts, &s);
        if (st == KIN_OK) {
            succeeded = 1;
            const struct kin_image *a = kin_sample_image(s), *b = kin_sample_image(ref);
            CHECK_EQ_U64(a->section_count, b->section_count);
            CHECK_EQ_U64(a->import_count, b->import_count);
            CHECK_EQ_U64(a->export_count, b->export_count);
            CHECK_EQ_STR(a->hashes.imphash, b->hashes.imphash);
        } else if (st == KIN_NOMEM) {
            CHECK(s == NULL);
            nomem++;
        } else {
            fprintf(stderr, "%s: allocation %ld failed gave %s\n", path, alloc_fail_at,
                    kin_status_name(st));
            check_failures++;
        }
        kin_sample_free(s);
    }
    CHECK_OK(kin_replace_allocator(NULL, NULL, NULL));
    CHECK(succeeded);
    CHECK(nomem > 0);
    kin_sample_free(ref);
    free(data);
}

int main(void)
{
    test_ordinal_names();
    test_crafted();
    test_main(FIX("pe_main64.exe"), 64);
    test_main(FIX("pe_main32.exe"), 32);
    test_overlay();
    test_dll(FIX("pe_dll64.dll"));
    test_dll(FIX("pe_dll32.dll"));
    test_delay(FIX("pe_delay64.exe"));
    test_delay(FIX("pe_delay32.exe"));
    test_machines();
    test_malformed();
    for (int after = 0; after < 2; after++) {
        test_alloc_failures(FIX("pe_crafted32.exe"), after);
        test_alloc_failures(FIX("pe_main64.exe"), after);
        test_alloc_failures(FIX("malformed/huge_counts.exe"), after);
    }
    CHECK_DONE();
}

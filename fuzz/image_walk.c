/*
 * image_walk.c: the checks every loader fuzz target runs on a load result (see image_walk.h).
 * Numeric fields are folded into a volatile sink so the reads cannot be optimised away; strings
 * go through strlen(), which ASan checks byte by byte. A violated invariant aborts, which
 * libFuzzer and replay.c both report as a crash.
 */
#include "image_walk.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "load/load.h"

/* Room for the sample object and anything allocated outside the arena, past its budget. */
#define SLACK_BYTES ((size_t)1 << 20)

static volatile uint64_t sink;
static size_t live_bytes, peak_bytes;

/* Worst cases seen, printed at exit when KIN_FUZZ_MEMSTATS is set in the environment. */
static size_t worst_peak, worst_peak_input;
static double worst_ratio;
static size_t worst_ratio_input;
static int stats_registered;

static void print_stats(void)
{
    fprintf(stderr,
            "image_walk: largest library heap peak %zu bytes (input %zu bytes); "
            "largest peak/size ratio %.1f (input %zu bytes, inputs >= 4 KiB)\n",
            worst_peak, worst_peak_input, worst_ratio, worst_ratio_input);
}

static void record_stats(size_t size)
{
    if (!stats_registered) {
        stats_registered = 1;
        if (getenv("KIN_FUZZ_MEMSTATS") && atexit(print_stats) != 0) {
            abort();
        }
    }
    if (peak_bytes > worst_peak) {
        worst_peak = peak_bytes;
        worst_peak_input = size;
    }
    if (size >= 4096 && (double)peak_bytes / (double)size > worst_ratio) {
        worst_ratio = (double)peak_bytes / (double)size;
        worst_ratio_input = size;
    }
}

static void *count_malloc(size_t size)
{
    void *p = malloc(size);
    if (p) {
        live_bytes += malloc_usable_size(p);
        if (live_bytes > peak_bytes) {
            peak_bytes = live_bytes;
        }
    }
    return p;
}

static void *count_realloc(void *p, size_t size)
{
    size_t old = p ? malloc_usable_size(p) : 0;
    void *q = realloc(p, size);
    if (q) {
        live_bytes = live_bytes - old + malloc_usable_size(q);
        if (live_bytes > peak_bytes) {
            peak_bytes = live_bytes;
        }
    }
    return q;
}

static void count_free(void *p)
{
    if (p) {
        live_bytes -= malloc_usable_size(p);
    }
    free(p);
}

void fuzz_count_allocations(void)
{
    if (kin_replace_allocator(count_malloc, count_realloc, count_free) != KIN_OK) {
        abort();
    }
}

void fuzz_reset_peak(void)
{
    peak_bytes = live_bytes;
}

size_t fuzz_peak_bytes(void)
{
    return peak_bytes;
}

static void fail(const char *what, size_t index)
{
    fprintf(stderr, "image_walk: invariant violated: %s (element %zu)\n", what, index);
    abort();
}

#define EXPECT(cond, what, index) \
    do {                          \
        if (!(cond)) {            \
            fail(what, index);    \
        }                         \
    } while (0)

/* Reads a string the image lends out; NULL is allowed. Returns its length. */
static size_t touch_str(const char *s)
{
    if (!s) {
        return 0;
    }
    size_t n = strlen(s);
    sink += (uint8_t)s[0] + (n ? (uint8_t)s[n - 1] : 0u);
    return n;
}

/* A name read from the sample: bounded by KIN_MAX_STRING_LEN (limits.h). */
static void touch_name(const char *s, const char *what, size_t index)
{
    EXPECT(touch_str(s) <= KIN_MAX_STRING_LEN, what, index);
}

/* A fixed-size hash field must hold a NUL-terminated string. */
static void touch_hash(const char *h, size_t cap, const char *what)
{
    EXPECT(memchr(h, 0, cap) != NULL, what, 0);
    touch_str(h);
}

static void walk_sections(const struct kin_image *img)
{
    EXPECT(img->section_count <= KIN_MAX_SECTIONS, "section_count cap", img->section_count);
    EXPECT(!img->section_count || img->sections, "sections array", 0);
    for (size_t i = 0; i < img->section_count; i++) {
        const struct kin_section *sec = &img->sections[i];
        touch_name(sec->name, "section name", i);
        sink += sec->va + sec->vsize + sec->flags + sec->raw_flags + sec->type;
        /* The raw size is clipped to the file. */
        if (sec->size) {
            EXPECT(sec->offset <= img->file_size && sec->size <= img->file_size - sec->offset,
                   "section raw data inside the file", i);
        }
        EXPECT(sec->entropy >= 0.0 && sec->entropy <= 8.0, "section entropy in 0..8", i);
    }
}

static void walk_common(const struct kin_image *img)
{
    EXPECT(img->format <= KIN_FORMAT_RAW, "format enum", 0);
    EXPECT(img->arch <= KIN_ARCH_OTHER, "arch enum", 0);
    EXPECT(img->bits == 0 || img->bits == 32 || img->bits == 64, "bits 0/32/64", 0);
    sink += img->big_endian + img->base;

    walk_sections(img);

    EXPECT(!img->entry_count || img->entries, "entries array", 0);
    EXPECT(img->entry_count <= KIN_MAX_TLS_CALLBACKS + 16u, "entry_count cap", img->entry_count);
    for (size_t i = 0; i < img->entry_count; i++) {
        EXPECT(img->entries[i].kind <= KIN_ENTRY_RAW, "entry kind", i);
        sink += img->entries[i].va;
    }

    EXPECT(img->symbol_count <= KIN_MAX_SYMBOLS, "symbol_count cap", img->symbol_count);
    EXPECT(!img->symbol_count || img->symbols, "symbols array", 0);
    for (size_t i = 0; i < img->symbol_count; i++) {
        const struct kin_symbol *sym = &img->symbols[i];
        touch_name(sym->name, "symbol name", i);
        sink += sym->va + sym->size + sym->type + sym->source + sym->bind + sym->defined;
    }

    EXPECT(img->import_count <= KIN_MAX_IMPORTS, "import_count cap", img->import_count);
    EXPECT(!img->import_count || img->imports, "imports array", 0);
    for (size_t i = 0; i < img->import_count; i++) {
        const struct kin_import *imp = &img->imports[i];
        touch_name(imp->library, "import library", i);
        touch_name(imp->name, "import name", i);
        sink += imp->ordinal + imp->hint + imp->slot_va + imp->flags;
    }

    EXPECT(img->export_count <= KIN_MAX_EXPORTS, "export_count cap", img->export_count);
    EXPECT(!img->export_count || img->exports, "exports array", 0);
    for (size_t i = 0; i < img->export_count; i++) {
        const struct kin_export *exp = &img->exports[i];
        touch_name(exp->name, "export name", i);
        touch_name(exp->forwarder, "export forwarder", i);
        sink += exp->ordinal + exp->va;
    }

    EXPECT(img->anomaly_count <= KIN_MAX_ANOMALIES + KIN_MAX_LIMIT_ANOMALIES, "anomaly_count cap",
           img->anomaly_count);
    /* malloc never fails under the fuzzer, so only the cap may drop anomalies. */
    EXPECT(!img->anomalies_dropped || img->anomaly_count >= KIN_MAX_ANOMALIES,
           "anomalies are dropped only past the cap", img->anomalies_dropped);
    EXPECT(!img->anomaly_count || img->anomalies, "anomalies array", 0);
    for (size_t i = 0; i < img->anomaly_count; i++) {
        const struct kin_anomaly *an = &img->anomalies[i];
        EXPECT(an->kind && an->message, "anomaly kind and message", i);
        touch_str(an->kind);
        touch_str(an->message);
        sink += an->offset;
    }

    const struct kin_file_hashes *h = &img->hashes;
    touch_hash(h->md5, sizeof(h->md5), "md5");
    touch_hash(h->sha1, sizeof(h->sha1), "sha1");
    touch_hash(h->sha256, sizeof(h->sha256), "sha256");
    touch_hash(h->imphash, sizeof(h->imphash), "imphash");
    touch_hash(h->rich_hash, sizeof(h->rich_hash), "rich_hash");
    touch_hash(h->tlsh, sizeof(h->tlsh), "tlsh");
    touch_hash(h->ssdeep, sizeof(h->ssdeep), "ssdeep");
}

static void walk_pe(const struct kin_image *img)
{
    const struct kin_pe_info *pe = &img->pe;
    sink += pe->image_base + pe->timestamp + pe->machine + pe->characteristics + pe->subsystem +
            pe->dll_characteristics + pe->magic + pe->linker_major + pe->linker_minor +
            pe->checksum + pe->pe_offset + pe->rich_key + pe->rich_offset;

    EXPECT(pe->rich_count <= KIN_MAX_RICH_ENTRIES, "rich_count cap", pe->rich_count);
    EXPECT(!pe->rich_count || pe->rich, "rich array", 0);
    for (size_t i = 0; i < pe->rich_count; i++) {
        sink += pe->rich[i].product_id + pe->rich[i].build + pe->rich[i].count;
    }

    touch_name(pe->pdb_path, "pdb path", 0);
    for (size_t i = 0; i < sizeof(pe->pdb_guid); i++) {
        sink += pe->pdb_guid[i];
    }
    sink += pe->pdb_age + pe->pdb_signature;

    EXPECT(pe->pdata_count <= KIN_MAX_RUNTIME_FUNCS, "pdata_count cap", pe->pdata_count);
    EXPECT(!pe->pdata_count || pe->pdata, "pdata array", 0);
    for (size_t i = 0; i < pe->pdata_count; i++) {
        sink += pe->pdata[i].begin_va + pe->pdata[i].end_va + pe->pdata[i].unwind_va;
    }

    EXPECT(pe->reloc_count <= KIN_MAX_RELOCS, "reloc_count cap", pe->reloc_count);
    EXPECT(!pe->reloc_count || pe->relocs, "relocs array", 0);
    for (size_t i = 0; i < pe->reloc_count; i++) {
        sink += pe->relocs[i].va + pe->relocs[i].type;
    }

    EXPECT(pe->resource_count <= KIN_MAX_RESOURCES, "resource_count cap", pe->resource_count);
    EXPECT(!pe->resource_count || pe->resources, "resources array", 0);
    for (size_t i = 0; i < pe->resource_count; i++) {
        const struct kin_resource *r = &pe->resources[i];
        touch_name(r->type_name, "resource type name", i);
        sink += r->type_id + r->lang + r->size;
        EXPECT(r->offset <= img->file_size, "resource offset inside the file", i);
        EXPECT(r->entropy >= 0.0 && r->entropy <= 8.0, "resource entropy in 0..8", i);
    }

    sink += pe->security_offset + pe->security_size;
    if (pe->overlay_size) {
        EXPECT(pe->overlay_offset <= img->file_size &&
                   pe->overlay_size <= img->file_size - pe->overlay_offset,
               "overlay inside the file", 0);
    }
}

static void walk_elf(const struct kin_image *img)
{
    const struct kin_elf_info *elf = &img->elf;
    sink += elf->elfclass + elf->data + elf->osabi + elf->type + elf->machine;
    EXPECT(elf->segment_count <= KIN_MAX_SEGMENTS, "segment_count cap", elf->segment_count);
    EXPECT(!elf->segment_count || elf->segments, "segments array", 0);
    for (size_t i = 0; i < elf->segment_count; i++) {
        const struct kin_segment *seg = &elf->segments[i];
        sink += seg->type + seg->flags + seg->offset + seg->filesz + seg->va + seg->memsz;
    }
    EXPECT(elf->needed_count <= KIN_MAX_NEEDED, "needed_count cap", elf->needed_count);
    EXPECT(!elf->needed_count || elf->needed, "needed array", 0);
    for (size_t i = 0; i < elf->needed_count; i++) {
        touch_name(elf->needed[i], "DT_NEEDED name", i);
    }
    touch_name(elf->soname, "soname", 0);
    touch_name(elf->interpreter, "interpreter", 0);
    EXPECT(memchr(elf->build_id, 0, sizeof(elf->build_id)) != NULL, "build_id terminated", 0);
    touch_str(elf->build_id);
}

/* Go facts: functions sorted by address inside the text range, names and deps bounded. */
static void walk_go(const struct kin_image *img)
{
    const struct kin_go_info *g = &img->go;
    EXPECT(g->func_count <= KIN_MAX_GO_FUNCS, "go func_count cap", g->func_count);
    EXPECT(!g->func_count || g->funcs, "go funcs array", 0);
    EXPECT(!g->func_count || g->pclntab_version, "go funcs come from a pclntab", 0);
    for (size_t i = 0; i < g->func_count; i++) {
        const struct kin_go_func *f = &g->funcs[i];
        EXPECT(i == 0 || f->va > g->funcs[i - 1].va, "go funcs sorted by address", i);
        EXPECT(f->kind <= KIN_GO_STD, "go func kind", i);
        touch_name(f->name, "go func name", i);
    }
    EXPECT(!g->func_count || g->text_end >= g->funcs[g->func_count - 1].va, "go text_end", 0);
    EXPECT(g->dep_count <= KIN_MAX_GO_DEPS, "go dep_count cap", g->dep_count);
    EXPECT(!g->dep_count || g->deps, "go deps array", 0);
    for (size_t i = 0; i < g->dep_count; i++) {
        EXPECT(g->deps[i] != NULL, "go dep path", i);
        touch_name(g->deps[i], "go dep path", i);
        EXPECT(i == 0 || strcmp(g->deps[i - 1], g->deps[i]) < 0, "go deps sorted, distinct", i);
    }
    touch_name(g->version, "go version", 0);
    touch_name(g->main_path, "go main path", 0);
    touch_name(g->main_module, "go main module", 0);
}

void fuzz_check_load(const uint8_t *data, size_t size, kin_status st, const struct kin_sample *s)
{
    /* Status contract of kin_sample_load_mem() (kin.h). */
    if (st == KIN_OK || st == KIN_MALFORMED) {
        EXPECT(s != NULL, "a sample comes back with OK and MALFORMED", 0);
    } else {
        EXPECT(s == NULL, "no sample comes back with other statuses", 0);
        return;
    }

    size_t got_size = 0;
    EXPECT(kin_sample_data(s, &got_size) == data && got_size == size, "sample data borrowed", 0);
    const struct kin_image *img = kin_sample_image(s);
    EXPECT(img->file_size == size, "file_size", 0);
    walk_common(img);
    walk_pe(img);
    walk_elf(img);
    walk_go(img);
    if (st == KIN_MALFORMED) {
        EXPECT(img->anomaly_count > 0, "MALFORMED explains itself with anomalies", 0);
    }
    /* A sample whose arena budget ran out says so (load.c records limit.memory). */
    if (s->arena.over_budget && img->anomaly_count < KIN_MAX_ANOMALIES + KIN_MAX_LIMIT_ANOMALIES) {
        int found = 0;
        for (size_t i = 0; i < img->anomaly_count; i++) {
            found |= strcmp(img->anomalies[i].kind, "limit.memory") == 0;
        }
        EXPECT(found, "an exhausted memory budget is reported as limit.memory", 0);
    }

    /* Memory bound: the arena budget of limits.h plus slack for the sample object. */
    record_stats(size);
    size_t bound = KIN_ARENA_BUDGET_BASE + SLACK_BYTES;
    bound += size > (SIZE_MAX - bound) / KIN_ARENA_BUDGET_FACTOR ? SIZE_MAX - bound
                                                                 : size * KIN_ARENA_BUDGET_FACTOR;
    if (peak_bytes > bound) {
        fprintf(stderr, "image_walk: %zu-byte input peaked at %zu heap bytes (bound %zu)\n", size,
                peak_bytes, bound);
        abort();
    }
}

/*
 * info_text.c: the readable summary of `kin info`. Every string that comes from the sample (or
 * from the file system) goes through text.h, so no byte of it reaches the terminal raw. Tables
 * size their columns to their content; addresses and sizes print in hex, counts in decimal.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "info.h"
#include "text.h"

#define LABEL_WIDTH      12
#define NAME_WIDTH_MAX   32 /* longer names push their row instead of widening the table */
#define RESOURCE_TYPES   8  /* distinct resource types named in the summary line */
#define COLUMN_SEPARATOR "  "

static void label(FILE *f, const char *l)
{
    fprintf(f, "%-*s", LABEL_WIDTH, l);
}

/* Width of "0x..." for v. */
static size_t hex_width(uint64_t v)
{
    size_t n = 3;
    while (v >>= 4) {
        n++;
    }
    return n;
}

static void hex_col(FILE *f, uint64_t v, size_t width)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
    fprintf(f, "%-*s" COLUMN_SEPARATOR, (int)width, buf);
}

static size_t max_size(size_t a, size_t b)
{
    return a > b ? a : b;
}

/* A label, then a hash or "-" when it was not computed or does not apply. */
static void hash_line(FILE *f, const char *l, const char *prefix, const char *h)
{
    label(f, l);
    if (h[0]) {
        fprintf(f, "%s%s\n", prefix, h); /* hex digits, base64: computed by kin, not the sample */
    } else {
        fprintf(f, "-\n");
    }
}

static void header(FILE *f, const char *path, const struct kin_image *img)
{
    label(f, "file");
    text_put(f, path);
    fputc('\n', f);
    label(f, "format");
    fprintf(f, "%s, %s", kin_format_name(img->format), kin_arch_name(img->arch));
    if (img->bits) {
        fprintf(f, " (%" PRIu32 "-bit, %s endian)", img->bits, img->big_endian ? "big" : "little");
    }
    fprintf(f, ", %" PRIu64 " bytes\n", img->file_size);
    label(f, "base");
    fprintf(f, "0x%" PRIx64 "\n", img->base);
    for (size_t i = 0; i < img->entry_count; i++) {
        label(f, i == 0 ? "entry" : "");
        fprintf(f, "0x%" PRIx64 " (%s)\n", img->entries[i].va,
                info_entry_kind(img->entries[i].kind));
    }
    if (img->entry_count == 0) {
        label(f, "entry");
        fprintf(f, "none\n");
    }
    const struct kin_file_hashes *h = &img->hashes;
    hash_line(f, "md5", "", h->md5);
    hash_line(f, "sha1", "", h->sha1);
    hash_line(f, "sha256", "", h->sha256);
    if (img->format == KIN_FORMAT_PE) {
        hash_line(f, "imphash", "", h->imphash);
        hash_line(f, "rich hash", "", h->rich_hash);
    }
    hash_line(f, "tlsh", "", h->tlsh);
    hash_line(f, "tlsh (T1)", "T1", h->tlsh);
    hash_line(f, "ssdeep", "", h->ssdeep);
}

static void pe_facts(FILE *f, const struct kin_image *img)
{
    const struct kin_pe_info *pe = &img->pe;
    char date[32];
    const char *n;
    info_utc(pe->timestamp, date);
    label(f, "timestamp");
    fprintf(f, "%s (0x%08" PRIx32 ")\n", date, pe->timestamp);
    label(f, "machine");
    n = info_pe_machine(pe->machine);
    fprintf(f, "0x%04x%s%s%s\n", (unsigned)pe->machine, n ? " (" : "", n ? n : "", n ? ")" : "");
    label(f, "subsystem");
    n = info_pe_subsystem(pe->subsystem);
    fprintf(f, "%u%s%s%s\n", (unsigned)pe->subsystem, n ? " (" : "", n ? n : "", n ? ")" : "");
    label(f, "flags");
    fprintf(f, "characteristics 0x%04x, dll characteristics 0x%04x\n",
            (unsigned)pe->characteristics, (unsigned)pe->dll_characteristics);
    label(f, "checksum");
    fprintf(f, "0x%08" PRIx32 "\n", pe->checksum);
    label(f, "counts");
    fprintf(f, "%zu relocations, %zu pdata entries, %" PRIu32 " TLS callbacks\n", pe->reloc_count,
            pe->pdata_count, pe->tls_callback_count);
    label(f, "signature");
    if (pe->security_size) {
        fprintf(f, "present at 0x%" PRIx64 ", %" PRIu64 " bytes\n", pe->security_offset,
                pe->security_size);
    } else {
        fprintf(f, "none\n");
    }
    label(f, "overlay");
    if (pe->overlay_size) {
        fprintf(f, "at 0x%" PRIx64 ", %" PRIu64 " bytes\n", pe->overlay_offset, pe->overlay_size);
    } else {
        fprintf(f, "none\n");
    }
    if (pe->dll_name) {
        label(f, "module name");
        text_put(f, pe->dll_name);
        fputc('\n', f);
    }
    if (pe->pdb_path) {
        label(f, "pdb");
        text_put(f, pe->pdb_path);
        fputc('\n', f);
        label(f, "");
        if (info_has_guid(img)) {
            char guid[39];
            info_guid(pe->pdb_guid, guid);
            fprintf(f, "guid %s, age %" PRIu32 "\n", guid, pe->pdb_age);
        } else {
            fprintf(f, "signature 0x%08" PRIx32 ", age %" PRIu32 " (NB10)\n", pe->pdb_signature,
                    pe->pdb_age);
        }
    }
    /* Resources: one summary line, types in order of first appearance. */
    if (pe->resource_count) {
        const char *types[RESOURCE_TYPES];
        char bufs[RESOURCE_TYPES][16];
        size_t counts[RESOURCE_TYPES];
        size_t ntypes = 0, others = 0;
        uint64_t total = 0;
        for (size_t i = 0; i < pe->resource_count; i++) {
            char buf[16];
            const char *t = info_resource_type(&pe->resources[i], buf);
            size_t k = 0;
            total += pe->resources[i].size;
            while (k < ntypes && strcmp(types[k], t) != 0) {
                k++;
            }
            if (k == ntypes && ntypes < RESOURCE_TYPES) {
                memcpy(bufs[k], buf, sizeof(buf));
                types[k] = t == buf ? bufs[k] : t;
                counts[k] = 0;
                ntypes++;
            }
            if (k < ntypes) {
                counts[k]++;
            } else {
                others++;
            }
        }
        label(f, "resources");
        fprintf(f, "%zu, %" PRIu64 " bytes:", pe->resource_count, total);
        for (size_t k = 0; k < ntypes; k++) {
            fputc(' ', f);
            text_put(f, types[k]);
            if (counts[k] > 1) {
                fprintf(f, " x%zu", counts[k]);
            }
            if (k + 1 < ntypes) {
                fputc(',', f);
            }
        }
        if (others) {
            fprintf(f, ", %zu more", others);
        }
        fputc('\n', f);
    } else {
        label(f, "resources");
        fprintf(f, "none\n");
    }
    if (pe->rich_offset) {
        label(f, "rich");
        fprintf(f, "at 0x%" PRIx64 ", key 0x%08" PRIx32 ", %zu entries\n", pe->rich_offset,
                pe->rich_key, pe->rich_count);
        if (pe->rich_count) {
            fprintf(f, "  %-10s %-7s %s\n", "product", "build", "count");
        }
        for (size_t i = 0; i < pe->rich_count; i++) {
            fprintf(f, "  0x%04x     %-7u %" PRIu32 "\n", (unsigned)pe->rich[i].product_id,
                    (unsigned)pe->rich[i].build, pe->rich[i].count);
        }
    } else {
        label(f, "rich");
        fprintf(f, "none\n");
    }
}

static void elf_facts(FILE *f, const struct kin_image *img)
{
    const struct kin_elf_info *e = &img->elf;
    const char *n;
    label(f, "elf");
    fprintf(f, "class %s, %s endian",
            e->elfclass == 2   ? "ELF64"
            : e->elfclass == 1 ? "ELF32"
                               : "?",
            e->data == 2   ? "big"
            : e->data == 1 ? "little"
                           : "unknown");
    n = info_elf_osabi(e->osabi);
    fprintf(f, ", osabi %u%s%s%s", (unsigned)e->osabi, n ? " (" : "", n ? n : "", n ? ")" : "");
    n = info_elf_type(e->type);
    fprintf(f, ", type %s", n ? n : "");
    if (!n) {
        fprintf(f, "0x%04x", (unsigned)e->type);
    }
    n = info_elf_machine(e->machine);
    fprintf(f, ", machine %u%s%s%s\n", (unsigned)e->machine, n ? " (" : "", n ? n : "",
            n ? ")" : "");
    if (e->interpreter) {
        label(f, "interpreter");
        text_put(f, e->interpreter);
        fputc('\n', f);
    }
    if (e->soname) {
        label(f, "soname");
        text_put(f, e->soname);
        fputc('\n', f);
    }
    for (size_t i = 0; i < e->needed_count; i++) {
        label(f, i == 0 ? "needed" : "");
        text_put(f, e->needed[i]);
        fputc('\n', f);
    }
    label(f, "build-id");
    fprintf(f, "%s\n", e->build_id[0] ? e->build_id : "-");
    if (e->segment_count == 0) {
        return;
    }
    size_t wo = 6, wf = 6, wv = 2, wm = 5;
    for (size_t i = 0; i < e->segment_count; i++) {
        wo = max_size(wo, hex_width(e->segments[i].offset));
        wf = max_size(wf, hex_width(e->segments[i].filesz));
        wv = max_size(wv, hex_width(e->segments[i].va));
        wm = max_size(wm, hex_width(e->segments[i].memsz));
    }
    fprintf(f, "\nsegments (%zu)\n", e->segment_count);
    fprintf(f, "  %-14s%-7s%-*s  %-*s  %-*s  %s\n", "type", "flags", (int)wo, "offset", (int)wf,
            "filesz", (int)wv, "va", "memsz");
    for (size_t i = 0; i < e->segment_count; i++) {
        const struct kin_segment *g = &e->segments[i];
        char flags[4], tbuf[16];
        n = info_elf_segment_type(g->type);
        if (!n) {
            snprintf(tbuf, sizeof(tbuf), "0x%08" PRIx32, g->type);
            n = tbuf;
        }
        info_segment_flags(g->flags, flags);
        fprintf(f, "  %-14s%-7s", n, flags);
        hex_col(f, g->offset, wo);
        hex_col(f, g->filesz, wf);
        hex_col(f, g->va, wv);
        fprintf(f, "0x%" PRIx64 "\n", g->memsz);
    }
}

static void sections(FILE *f, const struct kin_image *img)
{
    if (img->section_count == 0) {
        fprintf(f, "\nsections    none\n");
        return;
    }
    size_t wn = 4, wv = 2, ws = 5, wo = 6, wz = 4;
    for (size_t i = 0; i < img->section_count; i++) {
        const struct kin_section *s = &img->sections[i];
        wn = max_size(wn, text_width(s->name));
        wv = max_size(wv, hex_width(s->va));
        ws = max_size(ws, hex_width(s->vsize));
        wo = max_size(wo, hex_width(s->offset));
        wz = max_size(wz, hex_width(s->size));
    }
    wn = wn > NAME_WIDTH_MAX ? NAME_WIDTH_MAX : wn;
    fprintf(f, "\nsections (%zu)\n", img->section_count);
    fprintf(f, "  %-*s  %-*s  %-*s  %-*s  %-*s  flags  entropy\n", (int)wn, "name", (int)wv, "va",
            (int)ws, "vsize", (int)wo, "offset", (int)wz, "size");
    for (size_t i = 0; i < img->section_count; i++) {
        const struct kin_section *s = &img->sections[i];
        char flags[4];
        info_section_flags(s->flags, flags);
        fputs("  ", f);
        text_put_pad(f, s->name, wn + 2);
        hex_col(f, s->va, wv);
        hex_col(f, s->vsize, ws);
        hex_col(f, s->offset, wo);
        hex_col(f, s->size, wz);
        fprintf(f, "%-5s  %.3f\n", flags, s->entropy);
    }
}

/* Imports are grouped by runs of one library (and delay flag), in file order. */
static int same_group(const struct kin_import *a, const struct kin_import *b)
{
    return !strcmp(a->library ? a->library : "", b->library ? b->library : "") &&
           (a->flags & KIN_IMPORT_DELAY) == (b->flags & KIN_IMPORT_DELAY);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Distinct library names (ELF relocations interleave libraries: runs are not libraries). */
static size_t distinct_libraries(const struct kin_import *v, size_t n)
{
    const char **names = malloc(n * sizeof(*names));
    if (!names) {
        size_t runs = 1; /* out of memory: the runs, an upper bound */
        for (size_t i = 1; i < n; i++) {
            runs += !same_group(&v[i - 1], &v[i]);
        }
        return runs;
    }
    for (size_t i = 0; i < n; i++) {
        names[i] = v[i].library ? v[i].library : "";
    }
    qsort(names, n, sizeof(*names), cmp_name);
    size_t libs = 1;
    for (size_t i = 1; i < n; i++) {
        libs += strcmp(names[i - 1], names[i]) != 0;
    }
    free(names);
    return libs;
}

static void imports(FILE *f, const struct kin_image *img)
{
    const struct kin_import *v = img->imports;
    size_t n = img->import_count;
    if (n == 0 || !v) {
        if (img->format == KIN_FORMAT_PE) {
            fprintf(f, "\nimports     none\n");
        }
        return;
    }
    size_t libs = distinct_libraries(v, n);
    size_t wv = 2;
    for (size_t i = 0; i < n; i++) {
        wv = max_size(wv, hex_width(v[i].slot_va));
    }
    fprintf(f, "\nimports (%zu from %zu librar%s)\n", n, libs, libs == 1 ? "y" : "ies");
    for (size_t start = 0, end; start < n; start = end) {
        end = start + 1;
        while (end < n && same_group(&v[start], &v[end])) {
            end++;
        }
        fputs("  ", f);
        text_put(f, v[start].library && *v[start].library ? v[start].library : "(library unknown)");
        fprintf(f, " (%zu%s)\n", end - start,
                v[start].flags & KIN_IMPORT_DELAY ? ", delay-loaded" : "");
        for (size_t i = start; i < end; i++) {
            fputs("    ", f);
            hex_col(f, v[i].slot_va, wv);
            if (v[i].flags & KIN_IMPORT_BY_ORDINAL) {
                fprintf(f, "ordinal %" PRIu32 "\n", v[i].ordinal);
            } else {
                text_put(f, v[i].name);
                fputc('\n', f);
            }
        }
    }
}

static void exports(FILE *f, const struct kin_image *img)
{
    if (img->export_count == 0) {
        return;
    }
    size_t wv = 2;
    for (size_t i = 0; i < img->export_count; i++) {
        wv = max_size(wv, hex_width(img->exports[i].va));
    }
    fprintf(f, "\nexports (%zu)\n", img->export_count);
    fprintf(f, "  %-8s  %-*s  name\n", "ordinal", (int)wv, "va");
    for (size_t i = 0; i < img->export_count; i++) {
        const struct kin_export *e = &img->exports[i];
        fprintf(f, "  %-8" PRIu32 "  ", e->ordinal);
        if (e->forwarder) {
            fprintf(f, "%-*s  ", (int)wv, "-");
        } else {
            hex_col(f, e->va, wv);
        }
        if (e->name) {
            text_put(f, e->name);
        } else {
            fputs("(by ordinal)", f);
        }
        if (e->forwarder) {
            fputs(" -> ", f);
            text_put(f, e->forwarder);
        }
        fputc('\n', f);
    }
}

static void symbols(FILE *f, const struct kin_image *img, const struct info_opts *o)
{
    fputc('\n', f);
    label(f, "symbols");
    fprintf(f, "%zu%s\n", img->symbol_count,
            img->symbol_count && !o->symbols ? " (--symbols lists them)" : "");
    if (!o->symbols || img->symbol_count == 0) {
        return;
    }
    size_t wv = 2, wz = 4;
    for (size_t i = 0; i < img->symbol_count; i++) {
        wv = max_size(wv, hex_width(img->symbols[i].va));
        wz = max_size(wz, hex_width(img->symbols[i].size));
    }
    fprintf(f, "  %-*s  %-*s  %-7s%-8s%-8sname\n", (int)wv, "va", (int)wz, "size", "type", "bind",
            "source");
    for (size_t i = 0; i < img->symbol_count; i++) {
        const struct kin_symbol *s = &img->symbols[i];
        char bind[16];
        fputs("  ", f);
        hex_col(f, s->va, wv);
        hex_col(f, s->size, wz);
        fprintf(f, "%-7s%-8s%-8s", info_symbol_type(s->type), info_symbol_bind(s->bind, bind),
                info_symbol_source(s->source));
        text_put(f, s->name);
        fputc('\n', f);
    }
}

static void anomalies(FILE *f, const struct kin_image *img)
{
    if (img->anomaly_count == 0 && img->anomalies_dropped == 0) {
        label(f, "anomalies");
        fprintf(f, "none\n");
        return;
    }
    fprintf(f, "\nanomalies (%zu)\n", img->anomaly_count + img->anomalies_dropped);
    size_t wk = 4, wo = 6;
    for (size_t i = 0; i < img->anomaly_count; i++) {
        wk = max_size(wk, text_width(img->anomalies[i].kind));
        wo = max_size(wo, hex_width(img->anomalies[i].offset));
    }
    wk = wk > NAME_WIDTH_MAX ? NAME_WIDTH_MAX : wk;
    for (size_t i = 0; i < img->anomaly_count; i++) {
        const struct kin_anomaly *a = &img->anomalies[i];
        fputs("  ", f);
        text_put_pad(f, a->kind, wk + 2);
        hex_col(f, a->offset, wo);
        text_put(f, a->message);
        fputc('\n', f);
    }
    if (img->anomalies_dropped) {
        fprintf(f, "  %zu more not kept\n", img->anomalies_dropped);
    }
}

/* Go facts, for Go programs only: the toolchain, the main module, deps and pclntab. */
static void go_facts(FILE *f, const struct kin_image *img)
{
    const struct kin_go_info *g = &img->go;
    if (!g->pclntab_version && !g->version) {
        return;
    }
    size_t kinds[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < g->func_count; i++) {
        kinds[g->funcs[i].kind < 4 ? g->funcs[i].kind : 0]++;
    }
    label(f, "go");
    text_put(f, g->version ? g->version : "version unknown");
    fputs(", module ", f);
    text_put(f, g->main_module ? g->main_module : "-");
    fprintf(f, ", %zu deps\n", g->dep_count);
    label(f, "pclntab");
    if (g->pclntab_version) {
        fprintf(f,
                "format %u, %zu functions (main %zu, third-party %zu, runtime %zu, unknown %zu)\n",
                (unsigned)g->pclntab_version, g->func_count, kinds[KIN_GO_MAIN], kinds[KIN_GO_DEP],
                kinds[KIN_GO_STD], kinds[KIN_GO_UNKNOWN]);
    } else {
        fputs("-\n", f);
    }
}

void info_print_text(FILE *f,
                     const char *path,
                     const struct kin_image *img,
                     const struct info_opts *o)
{
    header(f, path, img);
    if (img->format == KIN_FORMAT_PE) {
        pe_facts(f, img);
    } else if (img->format == KIN_FORMAT_ELF) {
        elf_facts(f, img);
    }
    go_facts(f, img);
    sections(f, img);
    imports(f, img);
    exports(f, img);
    symbols(f, img, o);
    anomalies(f, img);
}

/*
 * info_json.c: `kin info --json`: one JSON object per image, on one line. The key set is fixed
 * (README.md lists it): every key is always present, with null where a fact does not apply, so
 * consumers never test for presence (only "symbols" depends on --symbols). Hashes are strings
 * (null when empty); addresses, sizes, counts and header fields are integers; entropies have 4
 * decimals. Strings from the sample are escaped by the writer (json.h).
 */
#include <string.h>

#include "info.h"
#include "json.h"

#define ENTROPY_DECIMALS 4

static void kv_hash(struct json *j, const char *key, const char *h)
{
    json_key(j, key);
    json_str_or_null(j, h);
}

static void hashes(struct json *j, const struct kin_file_hashes *h)
{
    kv_hash(j, "md5", h->md5);
    kv_hash(j, "sha1", h->sha1);
    kv_hash(j, "sha256", h->sha256);
    kv_hash(j, "imphash", h->imphash);
    kv_hash(j, "rich_hash", h->rich_hash);
    kv_hash(j, "tlsh", h->tlsh);
    json_key(j, "tlsh_t1");
    if (h->tlsh[0]) {
        char t1[sizeof(h->tlsh) + 2] = "T1";
        memcpy(t1 + 2, h->tlsh, strnlen(h->tlsh, sizeof(h->tlsh) - 1) + 1);
        json_str(j, t1);
    } else {
        json_null(j);
    }
    kv_hash(j, "ssdeep", h->ssdeep);
}

static void entries(struct json *j, const struct kin_image *img)
{
    json_key(j, "entry_points");
    json_array_begin(j);
    for (size_t i = 0; i < img->entry_count; i++) {
        json_object_begin(j);
        json_kv_u64(j, "va", img->entries[i].va);
        json_kv_str(j, "kind", info_entry_kind(img->entries[i].kind));
        json_object_end(j);
    }
    json_array_end(j);
}

static void sections(struct json *j, const struct kin_image *img)
{
    json_key(j, "sections");
    json_array_begin(j);
    for (size_t i = 0; i < img->section_count; i++) {
        const struct kin_section *s = &img->sections[i];
        char flags[4];
        info_section_flags(s->flags, flags);
        json_object_begin(j);
        json_kv_str(j, "name", s->name);
        json_kv_u64(j, "va", s->va);
        json_kv_u64(j, "vsize", s->vsize);
        json_kv_u64(j, "offset", s->offset);
        json_kv_u64(j, "size", s->size);
        json_kv_str(j, "flags", flags);
        json_kv_u64(j, "characteristics", s->raw_flags);
        json_key(j, "entropy");
        json_double(j, s->entropy, ENTROPY_DECIMALS);
        json_object_end(j);
    }
    json_array_end(j);
}

static void imports(struct json *j, const struct kin_image *img)
{
    json_key(j, "imports");
    json_array_begin(j);
    for (size_t i = 0; i < img->import_count; i++) {
        const struct kin_import *m = &img->imports[i];
        int by_ordinal = (m->flags & KIN_IMPORT_BY_ORDINAL) != 0;
        json_object_begin(j);
        json_kv_str(j, "library", m->library);
        json_kv_str(j, "name", by_ordinal ? NULL : m->name);
        json_key(j, "ordinal");
        if (by_ordinal) {
            json_u64(j, m->ordinal);
        } else {
            json_null(j);
        }
        json_kv_bool(j, "delay", (m->flags & KIN_IMPORT_DELAY) != 0);
        json_kv_u64(j, "slot", m->slot_va);
        json_object_end(j);
    }
    json_array_end(j);
}

static void exports(struct json *j, const struct kin_image *img)
{
    json_key(j, "exports");
    json_array_begin(j);
    for (size_t i = 0; i < img->export_count; i++) {
        const struct kin_export *e = &img->exports[i];
        json_object_begin(j);
        json_kv_str(j, "name", e->name);
        json_kv_u64(j, "ordinal", e->ordinal);
        json_key(j, "va");
        if (e->forwarder) {
            json_null(j);
        } else {
            json_u64(j, e->va);
        }
        json_kv_str(j, "forwarder", e->forwarder);
        json_object_end(j);
    }
    json_array_end(j);
}

static void pdb(struct json *j, const struct kin_image *img)
{
    json_key(j, "pdb");
    if (!img->pe.pdb_path) {
        json_null(j);
        return;
    }
    json_object_begin(j);
    json_kv_str(j, "path", img->pe.pdb_path);
    json_key(j, "guid");
    if (info_has_guid(img)) {
        char guid[39];
        info_guid(img->pe.pdb_guid, guid);
        json_str(j, guid);
    } else {
        json_null(j);
    }
    json_kv_u64(j, "age", img->pe.pdb_age);
    json_object_end(j);
}

static void rich(struct json *j, const struct kin_image *img)
{
    const struct kin_pe_info *pe = &img->pe;
    json_key(j, "rich");
    if (pe->rich_offset == 0) {
        json_null(j);
        return;
    }
    json_object_begin(j);
    json_kv_u64(j, "offset", pe->rich_offset);
    json_kv_u64(j, "key", pe->rich_key);
    json_key(j, "entries");
    json_array_begin(j);
    for (size_t i = 0; i < pe->rich_count; i++) {
        json_object_begin(j);
        json_kv_u64(j, "product_id", pe->rich[i].product_id);
        json_kv_u64(j, "build", pe->rich[i].build);
        json_kv_u64(j, "count", pe->rich[i].count);
        json_object_end(j);
    }
    json_array_end(j);
    json_object_end(j);
}

/* {offset, size}, or null when size is 0. */
static void extent(struct json *j, const char *key, uint64_t offset, uint64_t size)
{
    json_key(j, key);
    if (size == 0) {
        json_null(j);
        return;
    }
    json_object_begin(j);
    json_kv_u64(j, "offset", offset);
    json_kv_u64(j, "size", size);
    json_object_end(j);
}

static void pe(struct json *j, const struct kin_image *img)
{
    const struct kin_pe_info *pe = &img->pe;
    json_key(j, "pe");
    if (img->format != KIN_FORMAT_PE) {
        json_null(j);
        return;
    }
    json_object_begin(j);
    json_kv_u64(j, "timestamp", pe->timestamp);
    json_kv_u64(j, "machine", pe->machine);
    json_kv_u64(j, "subsystem", pe->subsystem);
    json_kv_u64(j, "characteristics", pe->characteristics);
    json_kv_u64(j, "dll_characteristics", pe->dll_characteristics);
    json_kv_u64(j, "checksum", pe->checksum);
    json_kv_u64(j, "image_base", pe->image_base);
    json_kv_u64(j, "relocations", pe->reloc_count);
    json_kv_u64(j, "pdata", pe->pdata_count);
    json_kv_u64(j, "tls_callbacks", pe->tls_callback_count);
    json_key(j, "resources");
    json_array_begin(j);
    for (size_t i = 0; i < pe->resource_count; i++) {
        const struct kin_resource *r = &pe->resources[i];
        char buf[16];
        json_object_begin(j);
        json_kv_str(j, "type", info_resource_type(r, buf));
        json_kv_u64(j, "lang", r->lang);
        json_kv_u64(j, "offset", r->offset);
        json_kv_u64(j, "size", r->size);
        json_key(j, "entropy");
        json_double(j, r->entropy, ENTROPY_DECIMALS);
        json_object_end(j);
    }
    json_array_end(j);
    extent(j, "signature", pe->security_offset, pe->security_size);
    extent(j, "overlay", pe->overlay_offset, pe->overlay_size);
    json_kv_str(j, "dll_name", pe->dll_name);
    json_object_end(j);
}

static void elf(struct json *j, const struct kin_image *img)
{
    const struct kin_elf_info *e = &img->elf;
    json_key(j, "elf");
    if (img->format != KIN_FORMAT_ELF) {
        json_null(j);
        return;
    }
    json_object_begin(j);
    json_key(j, "class");
    if (e->elfclass == 1 || e->elfclass == 2) {
        json_u64(j, e->elfclass == 1 ? 32 : 64);
    } else {
        json_null(j);
    }
    json_key(j, "data");
    json_str(j, e->data == 1 ? "little" : e->data == 2 ? "big" : NULL);
    json_kv_u64(j, "osabi", e->osabi);
    json_kv_u64(j, "type", e->type);
    json_kv_u64(j, "machine", e->machine);
    json_key(j, "segments");
    json_array_begin(j);
    for (size_t i = 0; i < e->segment_count; i++) {
        const struct kin_segment *g = &e->segments[i];
        json_object_begin(j);
        json_kv_u64(j, "type", g->type);
        json_kv_u64(j, "flags", g->flags);
        json_kv_u64(j, "offset", g->offset);
        json_kv_u64(j, "filesz", g->filesz);
        json_kv_u64(j, "va", g->va);
        json_kv_u64(j, "memsz", g->memsz);
        json_object_end(j);
    }
    json_array_end(j);
    json_key(j, "needed");
    json_array_begin(j);
    for (size_t i = 0; i < e->needed_count; i++) {
        json_str(j, e->needed[i]);
    }
    json_array_end(j);
    json_kv_str(j, "soname", e->soname);
    json_kv_str(j, "interpreter", e->interpreter);
    json_key(j, "build_id");
    json_str_or_null(j, e->build_id);
    json_object_end(j);
}

/* "go": Go programs only (a pclntab or build info was found); --symbols lists the functions. */
static void go(struct json *j, const struct kin_image *img, const struct info_opts *o)
{
    static const char *const kind_names[] = {"unknown", "main", "third-party", "runtime"};
    const struct kin_go_info *g = &img->go;
    if (!g->pclntab_version && !g->version) {
        return;
    }
    uint64_t kinds[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < g->func_count; i++) {
        kinds[g->funcs[i].kind < 4 ? g->funcs[i].kind : 0]++;
    }
    json_key(j, "go");
    json_object_begin(j);
    json_kv_str(j, "version", g->version);
    json_kv_str(j, "main_path", g->main_path);
    json_kv_str(j, "main_module", g->main_module);
    json_key(j, "deps");
    json_array_begin(j);
    for (size_t i = 0; i < g->dep_count; i++) {
        json_str(j, g->deps[i]);
    }
    json_array_end(j);
    json_kv_u64(j, "pclntab_version", g->pclntab_version);
    json_kv_u64(j, "pclntab_offset", g->pclntab_offset);
    json_kv_u64(j, "text_start", g->text_start);
    json_kv_u64(j, "text_end", g->text_end);
    json_kv_u64(j, "functions", g->func_count);
    json_kv_u64(j, "main_functions", kinds[KIN_GO_MAIN]);
    json_kv_u64(j, "third_party_functions", kinds[KIN_GO_DEP]);
    json_kv_u64(j, "runtime_functions", kinds[KIN_GO_STD]);
    json_kv_u64(j, "unknown_functions", kinds[KIN_GO_UNKNOWN]);
    if (o->symbols) {
        json_key(j, "function_list");
        json_array_begin(j);
        for (size_t i = 0; i < g->func_count; i++) {
            const struct kin_go_func *fn = &g->funcs[i];
            json_object_begin(j);
            json_kv_u64(j, "va", fn->va);
            json_kv_str(j, "name", fn->name);
            json_kv_str(j, "kind", kind_names[fn->kind < 4 ? fn->kind : 0]);
            json_object_end(j);
        }
        json_array_end(j);
    }
    json_object_end(j);
}

static void symbols(struct json *j, const struct kin_image *img)
{
    json_key(j, "symbols");
    json_array_begin(j);
    for (size_t i = 0; i < img->symbol_count; i++) {
        const struct kin_symbol *s = &img->symbols[i];
        char bind[16];
        json_object_begin(j);
        json_kv_str(j, "name", s->name);
        json_kv_u64(j, "va", s->va);
        json_kv_u64(j, "size", s->size);
        json_kv_str(j, "type", info_symbol_type(s->type));
        json_kv_str(j, "bind", info_symbol_bind(s->bind, bind));
        json_kv_str(j, "source", info_symbol_source(s->source));
        json_object_end(j);
    }
    json_array_end(j);
}

static void anomalies(struct json *j, const struct kin_image *img)
{
    json_key(j, "anomalies");
    json_array_begin(j);
    for (size_t i = 0; i < img->anomaly_count; i++) {
        const struct kin_anomaly *a = &img->anomalies[i];
        json_object_begin(j);
        json_kv_str(j, "kind", a->kind);
        json_kv_u64(j, "offset", a->offset);
        json_kv_str(j, "message", a->message);
        json_object_end(j);
    }
    json_array_end(j);
    json_kv_u64(j, "anomalies_dropped", img->anomalies_dropped);
}

void info_print_json(FILE *f,
                     const char *path,
                     const struct kin_image *img,
                     const struct info_opts *o)
{
    struct json j;
    json_init(&j, f);
    json_object_begin(&j);
    json_kv_str(&j, "file", path);
    json_kv_str(&j, "format", kin_format_name(img->format));
    json_kv_str(&j, "arch", kin_arch_name(img->arch));
    json_key(&j, "bits");
    if (img->bits) {
        json_u64(&j, img->bits);
    } else {
        json_null(&j);
    }
    json_kv_str(&j, "endian", img->big_endian ? "big" : "little");
    json_kv_u64(&j, "size", img->file_size);
    json_kv_u64(&j, "base", img->base);
    hashes(&j, &img->hashes);
    entries(&j, img);
    sections(&j, img);
    imports(&j, img);
    exports(&j, img);
    pdb(&j, img);
    rich(&j, img);
    pe(&j, img);
    elf(&j, img);
    go(&j, img, o);
    json_kv_u64(&j, "symbol_count", img->symbol_count);
    if (o->symbols) {
        symbols(&j, img);
    }
    anomalies(&j, img);
    json_object_end(&j);
    json_end(&j);
}

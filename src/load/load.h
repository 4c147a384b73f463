/*
 * load.h: the load stage's interface. Bytes in, struct kin_image out.
 *
 * A sample owns an arena that holds every structure derived from it; loaders append to growable
 * arrays in that arena through a struct load_ctx and record anomalies instead of failing. Only
 * this stage reads container formats; later stages read the image and the bytes through spans.
 */
#ifndef KIN_LOAD_H
#define KIN_LOAD_H

#include "../core/core.h"
#include "../core/span.h"

struct kin_sample {
    struct kin_image img;
    struct arena arena;
    struct anomaly_list anomalies;
    const uint8_t *data;
    size_t size;
    void *map; /* mmap()ed region owned by the sample, or NULL */
    size_t map_size;
};

/* Growable arrays that become the image's arrays when loading ends. */
struct load_vecs {
    struct kin_section *sections;
    size_t sections_count, sections_cap;
    struct kin_entry *entries;
    size_t entries_count, entries_cap;
    struct kin_symbol *symbols;
    size_t symbols_count, symbols_cap;
    struct kin_import *imports;
    size_t imports_count, imports_cap;
    struct kin_export *exports;
    size_t exports_count, exports_cap;
};

struct load_ctx {
    struct kin_sample *s;
    struct kin_image *img;
    struct span file;
    struct arena *a;
    struct anomaly_list *an;
    const struct kin_load_options *opt;
    struct load_vecs v;
};

#define LOAD_ANOMALY(c, kind, off, ...) \
    kin__anomaly_add((c)->an, (c)->a, (kind), (off), __VA_ARGS__)

/* Appenders: return a zeroed new element, or NULL (limit or memory; an anomaly is recorded). */
struct kin_section *kin__load_add_section(struct load_ctx *c);
struct kin_entry *kin__load_add_entry(struct load_ctx *c, uint64_t va, uint32_t kind);
struct kin_symbol *kin__load_add_symbol(struct load_ctx *c);
struct kin_import *kin__load_add_import(struct load_ctx *c);
struct kin_export *kin__load_add_export(struct load_ctx *c);

/*
 * A printable, bounded copy of a name read from the sample (at most KIN_MAX_STRING_LEN bytes,
 * stopping at NUL). The bytes are kept as they are; escaping is the printer's job.
 */
const char *kin__load_strdup(struct load_ctx *c, const uint8_t *p, size_t len);
/* The NUL-terminated string at file offset off (bounded), or NULL when off is outside the file. */
const char *kin__load_cstr_at(struct load_ctx *c, uint64_t off);

/* Format detectors and loaders. Each returns KIN_OK or KIN_MALFORMED (nothing usable). */
int kin__pe_detect(struct span file);
int kin__elf_detect(struct span file);
kin_status kin__pe_load(struct load_ctx *c);
kin_status kin__elf_load(struct load_ctx *c);
kin_status kin__raw_load(struct load_ctx *c);

/*
 * Go programs (go/): the pclntab's functions and the build info of a PE or ELF image, into
 * img->go. Returns KIN_OK (also when the image is no Go program) or KIN_NOMEM.
 */
kin_status kin__go_load(struct load_ctx *c);
/*
 * The Go function whose code holds va (its entry <= va < the next entry), or NULL; *exact tells
 * whether va is its entry. For the function stage (names) and attribution (flags).
 */
const struct kin_go_func *kin__go_func_at(const struct kin_image *img, uint64_t va, int *exact);
/*
 * The origin flags of code at g, the Go function kin__go_func_at() found (KIN_FUNC_THIRD_PARTY,
 * KIN_FUNC_RUNTIME or 0); g NULL in a Go program: code the Go toolchain did not compile from the
 * program's packages (C runtime and libraries linked through cgo), KIN_FUNC_THIRD_PARTY.
 */
uint32_t kin__go_origin_flags(const struct kin_image *img, const struct kin_go_func *g);

/* Whole-file hashes (filehash.c): md5, sha1, sha256, and unless skipped, TLSH and ssdeep. */
kin_status kin__file_hashes(struct load_ctx *c);

/* TLSH through Debian's C++ libtlsh (tlsh_shim.cpp). out gets "" for inputs TLSH refuses. */
void kin__tlsh_digest(const uint8_t *p, size_t n, char out[73]);
/* TLSH distance of two digests as `tlsh -c` gives it (0 = same); -1 when one does not parse. */
int kin__tlsh_diff(const char *a, const char *b);
/* ssdeep (libfuzzy fuzzy_compare) match score of two digests, 0..100; -1 when one is invalid. */
int kin__ssdeep_compare(const char *a, const char *b);

#endif /* KIN_LOAD_H */

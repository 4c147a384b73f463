/*
 * load.c: entry points of the load stage: map the file, detect its format, run the format's
 * loader, compute whole-file hashes, and publish the arrays in the image.
 */
#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/limits.h"

/*
 * Defines an appender for one growable array of struct load_vecs. Past the cap it records one
 * anomaly (the count is pushed one past the cap to remember that) and returns NULL. `type` is a
 * type name, which cannot be parenthesised in a declaration (hence the NOLINT below).
 */
#define DEFINE_ADDER(linkage, fn, type, arr, limit, what)                                        \
    linkage type *fn(struct load_ctx *c)                                                         \
    {                                                                                            \
        if (c->v.arr##_count >= (limit)) {                                                       \
            if (c->v.arr##_count == (limit)) {                                                   \
                LOAD_ANOMALY(c, "limit." what, 0, "more than %u " what " (cap)",                 \
                             (unsigned)(limit));                                                 \
                c->v.arr##_count++;                                                              \
            }                                                                                    \
            return NULL;                                                                         \
        }                                                                                        \
        if (!kin__arena_vec_reserve(c->a, (void **)&c->v.arr, c->v.arr##_count, &c->v.arr##_cap, \
                                    sizeof(type))) {                                             \
            return NULL;                                                                         \
        }                                                                                        \
        type *e = &c->v.arr[c->v.arr##_count++]; /* NOLINT(bugprone-macro-parentheses) */        \
        memset(e, 0, sizeof(*e));                                                                \
        return e;                                                                                \
    }

#define KIN_MAX_ENTRIES (KIN_MAX_TLS_CALLBACKS + 16u)

DEFINE_ADDER(, kin__load_add_section, struct kin_section, sections, KIN_MAX_SECTIONS, "sections")
DEFINE_ADDER(, kin__load_add_symbol, struct kin_symbol, symbols, KIN_MAX_SYMBOLS, "symbols")
DEFINE_ADDER(, kin__load_add_import, struct kin_import, imports, KIN_MAX_IMPORTS, "imports")
DEFINE_ADDER(, kin__load_add_export, struct kin_export, exports, KIN_MAX_EXPORTS, "exports")
DEFINE_ADDER(static, add_entry, struct kin_entry, entries, KIN_MAX_ENTRIES, "entries")

struct kin_entry *kin__load_add_entry(struct load_ctx *c, uint64_t va, uint32_t kind)
{
    struct kin_entry *e = add_entry(c);
    if (e) {
        e->va = va;
        e->kind = kind;
    }
    return e;
}

/* Clip a count that DEFINE_ADDER pushed one past the cap to mark its anomaly. */
static size_t clip(size_t count, size_t limit)
{
    return count > limit ? limit : count;
}

const char *kin__load_strdup(struct load_ctx *c, const uint8_t *p, size_t len)
{
    const uint8_t *z = memchr(p, 0, len);
    if (z) {
        len = (size_t)(z - p);
    }
    if (len > KIN_MAX_STRING_LEN) {
        len = KIN_MAX_STRING_LEN;
    }
    return kin__arena_strndup(c->a, p, len);
}

const char *kin__load_cstr_at(struct load_ctx *c, uint64_t off)
{
    int term;
    if (off >= c->file.n) {
        return NULL;
    }
    size_t n = kin__span_strnlen(c->file, off, KIN_MAX_STRING_LEN, &term);
    return kin__arena_strndup(c->a, c->file.p + off, n);
}

static void publish(struct load_ctx *c)
{
    struct kin_image *img = c->img;
    img->sections = c->v.sections;
    img->section_count = clip(c->v.sections_count, KIN_MAX_SECTIONS);
    img->entries = c->v.entries;
    img->entry_count = clip(c->v.entries_count, KIN_MAX_ENTRIES);
    img->symbols = c->v.symbols;
    img->symbol_count = clip(c->v.symbols_count, KIN_MAX_SYMBOLS);
    img->imports = c->v.imports;
    img->import_count = clip(c->v.imports_count, KIN_MAX_IMPORTS);
    img->exports = c->v.exports;
    img->export_count = clip(c->v.exports_count, KIN_MAX_EXPORTS);
    img->anomalies = c->an->v;
    img->anomaly_count = c->an->count;
    img->anomalies_dropped = c->an->dropped;
}

kin_status kin_sample_load_mem(const uint8_t *data,
                               size_t size,
                               const struct kin_load_options *opts,
                               struct kin_sample **out)
{
    static const struct kin_load_options defaults;
    kin_status st = KIN_OK;
    *out = NULL;
    if (!data && size) {
        return KIN_INVALID;
    }
    if (!opts) {
        opts = &defaults;
    }
    if ((uint64_t)size > KIN_MAX_FILE_SIZE) {
        return KIN_TOOBIG;
    }
    struct kin_sample *s = kin__calloc(1, sizeof(*s));
    if (!s) {
        return KIN_NOMEM;
    }
    size_t budget = KIN_ARENA_BUDGET_BASE;
    budget += size > (SIZE_MAX - budget) / KIN_ARENA_BUDGET_FACTOR ? SIZE_MAX - budget
                                                                   : size * KIN_ARENA_BUDGET_FACTOR;
    kin__arena_init(&s->arena, budget);
    s->data = data;
    s->size = size;
    s->img.file_size = size;

    struct load_ctx c;
    memset(&c, 0, sizeof(c));
    c.s = s;
    c.img = &s->img;
    c.file = kin__span(data, size);
    c.a = &s->arena;
    c.an = &s->anomalies;
    c.opt = opts;

    if (opts->raw) {
        st = kin__raw_load(&c);
    } else if (kin__pe_detect(c.file)) {
        s->img.format = KIN_FORMAT_PE;
        st = kin__pe_load(&c);
    } else if (kin__elf_detect(c.file)) {
        s->img.format = KIN_FORMAT_ELF;
        st = kin__elf_load(&c);
    } else {
        st = KIN_UNSUPPORTED;
    }
    if (st == KIN_OK) {
        st = kin__go_load(&c);
    }
    if (st == KIN_OK) {
        st = kin__file_hashes(&c);
    }
    if (c.a->over_budget) {
        LOAD_ANOMALY(&c, "limit.memory", 0, "memory budget of this sample exhausted");
    }
    publish(&c);
    if (st == KIN_OK || st == KIN_MALFORMED) {
        *out = s;
        return st;
    }
    kin_sample_free(s);
    return st;
}

kin_status
kin_sample_open(const char *path, const struct kin_load_options *opts, struct kin_sample **out)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return KIN_IO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return KIN_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return KIN_IO;
    }
    if ((uint64_t)st.st_size > KIN_MAX_FILE_SIZE) {
        close(fd);
        return KIN_TOOBIG;
    }
    size_t size = (size_t)st.st_size;
    void *map = NULL;
    if (size > 0) {
        map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            int e = errno;
            close(fd);
            errno = e;
            return KIN_IO;
        }
    }
    close(fd);
    static const uint8_t empty[1];
    kin_status rc = kin_sample_load_mem(map ? map : empty, size, opts, out);
    if (*out) {
        (*out)->map = map;
        (*out)->map_size = size;
    } else if (map) {
        munmap(map, size);
    }
    return rc;
}

void kin_sample_free(struct kin_sample *s)
{
    if (!s) {
        return;
    }
    if (s->map) {
        munmap(s->map, s->map_size);
    }
    kin__arena_release(&s->arena);
    kin__free(s);
}

const struct kin_image *kin_sample_image(const struct kin_sample *s)
{
    return &s->img;
}

const uint8_t *kin_sample_data(const struct kin_sample *s, size_t *size)
{
    if (size) {
        *size = s->size;
    }
    return s->data;
}

const char *kin_format_name(uint32_t format)
{
    static const char *const names[] = {"unknown", "pe", "elf", "raw"};
    return format < KIN_ARRAY_COUNT(names) ? names[format] : "unknown";
}

const char *kin_arch_name(uint32_t arch)
{
    static const char *const names[] = {"unknown", "x86", "x64", "arm", "arm64", "mips", "other"};
    return arch < KIN_ARRAY_COUNT(names) ? names[arch] : "unknown";
}

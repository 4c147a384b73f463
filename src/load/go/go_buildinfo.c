/*
 * go_buildinfo.c: Go's build info blob, which every module-mode Go binary carries even when
 * stripped (Go's debug/buildinfo reads it the same way). It names the toolchain, the main
 * module and every dependency module, which lets go_class.c tell a program's own packages from
 * the third-party modules it links statically.
 *
 *   offset  size  field (16-byte aligned, in a writable data section or .go.buildinfo)
 *   0       14    "\xff Go buildinf:"
 *   14      1     pointer size (4 or 8)
 *   15      1     flags: bit 0 big endian (pointer form), bit 1 inline strings (Go 1.18+)
 *   16      ...   inline form: at 32, two uvarint-prefixed strings, version then module info;
 *                 pointer form: two pointers to Go string headers {data pointer, length}
 *
 * The module info is text lines "path\t<pkg>", "mod\t<path>\t<version>...", "dep\t<path>\t
 * <version>..." and "=>\t<replacement>..." (a replacement keeps the dep's path in symbol names);
 * Go 1.18+ frames it with 16-byte sentinels on both sides.
 */
#include <stdlib.h>
#include <string.h>

#include "../../core/limits.h"
#include "go_int.h"

#define BUILDINFO_MAGIC     "\xff Go buildinf:"
#define BUILDINFO_MAGIC_LEN 14u
#define BUILDINFO_ALIGN     16u
#define BUILDINFO_SIZE      32u
#define FLAG_BIG_ENDIAN     0x1u
#define FLAG_INLINE         0x2u
#define SENTINEL_LEN        16u

struct span kin__go_section_span(const struct load_ctx *c, const struct kin_section *s)
{
    struct span out = kin__span(NULL, 0);
    if (s->size == 0 || !kin__span_sub(c->file, s->offset, s->size, &out)) {
        return kin__span(NULL, 0);
    }
    return out;
}

int kin__go_read_va(const struct load_ctx *c, uint64_t va, uint64_t n, struct span *out)
{
    size_t count;
    const struct kin_section *secs = kin__go_sections(c, &count);
    for (size_t i = 0; i < count; i++) {
        const struct kin_section *s = &secs[i];
        if (va < s->va || s->size == 0) {
            continue;
        }
        struct span sp = kin__go_section_span(c, s);
        if (kin__span_sub(sp, va - s->va, n, out)) {
            return 1;
        }
    }
    return 0;
}

/* Go's binary.Uvarint: at most 10 bytes. Returns the bytes read, 0 when malformed. */
static size_t uvarint(struct span s, uint64_t off, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned i = 0, shift = 0; i < 10; i++, shift += 7) {
        uint8_t b;
        if (!kin__span_u8(s, off + i, &b)) {
            return 0;
        }
        if (i == 9 && b > 1) {
            return 0; /* overflows 64 bits */
        }
        x |= (uint64_t)(b & 0x7fu) << shift;
        if (!(b & 0x80u)) {
            *v = x;
            return i + 1;
        }
    }
    return 0;
}

/* Reads a pointer of the blob's size and byte order. */
static int read_ptr(struct span s, uint64_t off, unsigned ptr, int big, uint64_t *v)
{
    if (ptr == 8) {
        return kin__span_u64e(s, off, big, v);
    }
    uint32_t x;
    if (!kin__span_u32e(s, off, big, &x)) {
        return 0;
    }
    *v = x;
    return 1;
}

/* A Go string header at va, {data, len}, and the bytes it points to. */
static int read_gostring(struct load_ctx *c, uint64_t va, unsigned ptr, int big, struct span *out)
{
    struct span hdr;
    uint64_t data, len;
    if (!kin__go_read_va(c, va, 2 * (uint64_t)ptr, &hdr) || !read_ptr(hdr, 0, ptr, big, &data) ||
        !read_ptr(hdr, ptr, ptr, big, &len) || len > KIN_MAX_GO_MODINFO) {
        return 0;
    }
    return kin__go_read_va(c, data, len, out);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The next tab- or newline-delimited field of line at *pos (advanced past the tab). */
static struct span field(struct span line, size_t *pos)
{
    size_t start = *pos, end = start;
    while (end < line.n && line.p[end] != '\t') {
        end++;
    }
    *pos = end < line.n ? end + 1 : end;
    return kin__span(line.p + start, end - start);
}

/* Parses the module text into g: "path", "mod" and "dep" lines. */
static kin_status parse_modinfo(struct load_ctx *c, struct kin_go_info *g, struct span mod)
{
    if (mod.n == 0 || !mod.p) {
        return KIN_OK;
    }
    /* Strip the Go 1.18+ sentinels, as debug/buildinfo does. */
    if (mod.n >= (size_t)2 * SENTINEL_LEN + 1 && mod.p[mod.n - SENTINEL_LEN - 1] == '\n') {
        mod = kin__span(mod.p + SENTINEL_LEN, mod.n - (size_t)2 * SENTINEL_LEN);
    }
    const char **deps = NULL;
    size_t count = 0, cap = 0;
    for (size_t i = 0; i < mod.n;) {
        const uint8_t *nl = memchr(mod.p + i, '\n', mod.n - i);
        size_t end = nl ? (size_t)(nl - mod.p) : mod.n;
        struct span line = kin__span(mod.p + i, end - i);
        size_t pos = 0;
        struct span key = field(line, &pos);
        struct span path = field(line, &pos);
        i = end + 1;
        if (path.n == 0 || path.n > KIN_MAX_STRING_LEN) {
            continue;
        }
        const char *s = NULL;
        if ((key.n == 3 && !memcmp(key.p, "dep", 3)) || (key.n == 3 && !memcmp(key.p, "mod", 3)) ||
            (key.n == 4 && !memcmp(key.p, "path", 4))) {
            s = kin__arena_strndup(c->a, path.p, path.n);
            if (!s) {
                return KIN_NOMEM;
            }
        }
        if (key.n == 4 && !memcmp(key.p, "path", 4)) {
            g->main_path = s;
        } else if (key.n == 3 && !memcmp(key.p, "mod", 3)) {
            g->main_module = s;
        } else if (key.n == 3 && !memcmp(key.p, "dep", 3)) {
            if (count >= KIN_MAX_GO_DEPS) {
                LOAD_ANOMALY(c, "limit.go.deps", 0, "more than %u Go dep modules (cap)",
                             KIN_MAX_GO_DEPS);
                break;
            }
            if (!kin__arena_vec_reserve(c->a, (void **)&deps, count, &cap, sizeof(*deps))) {
                return KIN_NOMEM;
            }
            deps[count++] = s;
        }
    }
    if (count > 1) {
        qsort(deps, count, sizeof(*deps), cmp_str);
    }
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        if (n == 0 || strcmp(deps[n - 1], deps[i]) != 0) {
            deps[n++] = deps[i];
        }
    }
    g->deps = deps;
    g->dep_count = n;
    return KIN_OK;
}

/* Reads the blob at off of span s (its 32 bytes fit): the version and the module text. */
static kin_status
read_blob(struct load_ctx *c, struct kin_go_info *g, struct span s, uint64_t off, uint64_t file_off)
{
    uint8_t ptr = 0, flags = 0;
    struct span vers = kin__span(NULL, 0), mod = kin__span(NULL, 0);
    (void)kin__span_u8(s, off + 14, &ptr);
    (void)kin__span_u8(s, off + 15, &flags);
    if (flags & FLAG_INLINE) {
        uint64_t pos = off + BUILDINFO_SIZE, len = 0;
        size_t k = uvarint(s, pos, &len);
        if (k && len <= KIN_MAX_GO_MODINFO && kin__span_sub(s, pos + k, len, &vers)) {
            pos += k + len;
            k = uvarint(s, pos, &len);
            if (!k || len > KIN_MAX_GO_MODINFO || !kin__span_sub(s, pos + k, len, &mod)) {
                mod = kin__span(NULL, 0);
            }
        } else {
            vers = kin__span(NULL, 0);
        }
    } else if (ptr == 4 || ptr == 8) {
        int big = (flags & FLAG_BIG_ENDIAN) != 0;
        uint64_t va_vers = 0, va_mod = 0;
        if (read_ptr(s, off + 16, ptr, big, &va_vers) &&
            !read_gostring(c, va_vers, ptr, big, &vers)) {
            vers = kin__span(NULL, 0);
        }
        if (read_ptr(s, off + 16 + ptr, ptr, big, &va_mod) &&
            !read_gostring(c, va_mod, ptr, big, &mod)) {
            mod = kin__span(NULL, 0);
        }
    }
    if (!vers.n && !mod.n) {
        LOAD_ANOMALY(c, "go.buildinfo.bad", file_off,
                     "Go build info header without readable version or module strings");
        return KIN_OK;
    }
    if (vers.n) {
        g->version = kin__arena_strndup(c->a, vers.p, vers.n < 64 ? vers.n : 64);
        if (!g->version) {
            return KIN_NOMEM;
        }
    }
    return parse_modinfo(c, g, mod);
}

kin_status kin__go_buildinfo(struct load_ctx *c, struct kin_go_info *g)
{
    size_t count;
    const struct kin_section *secs = kin__go_sections(c, &count);
    /* Its own section (ELF), else the start of a writable data section (PE .data). */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < count; i++) {
            const struct kin_section *sec = &secs[i];
            int own = sec->name && !strcmp(sec->name, ".go.buildinfo");
            if (pass == 0 ? !own : (own || !(sec->flags & KIN_SEC_WRITE))) {
                continue;
            }
            struct span s = kin__go_section_span(c, sec);
            if (s.n > KIN_GO_BUILDINFO_WINDOW) {
                s.n = KIN_GO_BUILDINFO_WINDOW;
            }
            for (uint64_t off = 0; kin__span_fits(s, off, BUILDINFO_SIZE); off += BUILDINFO_ALIGN) {
                struct span m;
                if (kin__span_sub(s, off, BUILDINFO_MAGIC_LEN, &m) &&
                    !memcmp(m.p, BUILDINFO_MAGIC, BUILDINFO_MAGIC_LEN)) {
                    return read_blob(c, g, s, off, sec->offset + off);
                }
            }
        }
    }
    return KIN_OK;
}

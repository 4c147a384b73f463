/*
 * go_class.c: Go facts of a PE or ELF image (kin__go_load) and what a Go function's name says
 * about its origin. A Go symbol is "<package path>.<rest>": the path ends at the first '.'
 * after its last '/' (dots inside the last element are escaped as %2e), before any method
 * receiver "(*T)" or generic arguments "[...]", which may hold other paths. The package then
 * belongs to the longest module path of the build info that prefixes it (the main module or a
 * dep; a dep of the main module's owner counts as the main module's), to the standard library (a
 * first element from Go's list of standard roots), or to compiler-generated code ("type:", "go:",
 * assembly stubs without a package).
 */
#include <string.h>

#include "../../core/limits.h"
#include "go_int.h"

/* Top-level directories of Go's standard library (GOROOT/src), all Go releases to 1.24. */
static const char *const std_roots[] = {
    "archive", "bufio",    "builtin", "bytes",   "cmp",      "compress", "container", "context",
    "crypto",  "database", "debug",   "embed",   "encoding", "errors",   "expvar",    "flag",
    "fmt",     "go",       "hash",    "html",    "image",    "index",    "internal",  "io",
    "iter",    "log",      "maps",    "math",    "mime",     "net",      "os",        "path",
    "plugin",  "reflect",  "regexp",  "runtime", "slices",   "sort",     "strconv",   "strings",
    "structs", "sync",     "syscall", "testing", "text",     "time",     "unicode",   "unique",
    "unsafe",  "vendor",   "weak",    NULL,
};

/*
 * Names of code the compiler or linker generates (equality and hash functions, the build id).
 * Not "go." alone: go.uber.org/zap is a module.
 */
static const char *const generated_prefixes[] = {
    "type:", "type..", "go:", "go.buildid", "gclocals", "__x86.get_pc_thunk.", NULL};

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

/*
 * Writes the package path of a symbol name into buf (NUL-terminated, %xx escapes decoded).
 * Returns its length; 0 when the name has no package part or the path does not fit.
 */
static size_t package_of(const char *name, char *buf, size_t cap)
{
    size_t lim = strcspn(name, "([");
    size_t start = 0;
    for (size_t i = 0; i < lim; i++) {
        if (name[i] == '/') {
            start = i + 1;
        }
    }
    const char *dot = memchr(name + start, '.', lim - start);
    if (!dot || dot == name) {
        return 0;
    }
    size_t plen = (size_t)(dot - name), n = 0;
    for (size_t i = 0; i < plen; i++) {
        char ch = name[i];
        if (ch == '%' && i + 2 < plen && hexval(name[i + 1]) >= 0 && hexval(name[i + 2]) >= 0) {
            ch = (char)(hexval(name[i + 1]) * 16 + hexval(name[i + 2]));
            i += 2;
        }
        if (n + 1 >= cap) {
            return 0;
        }
        buf[n++] = ch;
    }
    buf[n] = '\0';
    return n;
}

/* Whether the first len bytes of key are a dep's module path (deps sorted by strcmp). */
static int is_dep(const struct kin_go_info *g, const char *key, size_t len)
{
    size_t lo = 0, hi = g->dep_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *d = g->deps[mid];
        int cmp = strncmp(d, key, len);
        if (cmp == 0) {
            cmp = d[len] != '\0'; /* d is longer: it sorts after the key */
        }
        if (cmp == 0) {
            return 1;
        }
        if (cmp < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return 0;
}

static int is_std_root(const char *pkg)
{
    size_t n = strcspn(pkg, "/");
    for (const char *const *r = std_roots; *r; r++) {
        if (strlen(*r) == n && !memcmp(*r, pkg, n)) {
            return 1;
        }
    }
    return 0;
}

/*
 * The length of a module path's owner: "github.com/bufbuild" for github.com/bufbuild/buf (code
 * hosts put an account before the repository), the host for other paths ("go.uber.org").
 */
static size_t owner_len(const char *path, size_t n)
{
    static const char *const hosts[] = {"github.com/", "gitlab.com/",   "bitbucket.org/",
                                        "gitee.com/",  "codeberg.org/", NULL};
    size_t first = strcspn(path, "/");
    for (const char *const *h = hosts; *h; h++) {
        size_t hl = strlen(*h);
        if (n > hl && !strncmp(path, *h, hl)) {
            const char *slash = memchr(path + hl, '/', n - hl);
            return slash ? (size_t)(slash - path) : n;
        }
    }
    return first < n ? first : n;
}

/*
 * Whether a dep's module path (its first len bytes of pkg) has the main module's owner: a
 * program's author also publishes modules of their own (github.com/bufbuild/protocompile for
 * github.com/bufbuild/buf), and that code is theirs, not a third party's.
 */
static int same_owner(const struct kin_go_info *g, const char *pkg, size_t len)
{
    if (!g->main_module || !*g->main_module || !strncmp(g->main_module, "gopkg.in/", 9)) {
        return 0; /* gopkg.in redirects to many owners' repositories: its host owns nothing */
    }
    size_t ml = strlen(g->main_module);
    size_t o = owner_len(g->main_module, ml);
    return o > 0 && o <= len && owner_len(pkg, len) == o && !memcmp(pkg, g->main_module, o) &&
           (o == len || pkg[o] == '/');
}

uint32_t kin__go_classify(const struct kin_go_info *g, const char *name)
{
    char pkg[1024];
    if (!name || !*name) {
        return KIN_GO_UNKNOWN;
    }
    for (const char *const *p = generated_prefixes; *p; p++) {
        if (!strncmp(name, *p, strlen(*p))) {
            return KIN_GO_STD;
        }
    }
    size_t n = package_of(name, pkg, sizeof(pkg));
    if (n == 0) {
        /* Assembly stubs (_rt0_amd64_linux, aeshashbody) have no package. */
        return strchr(name, '.') ? KIN_GO_UNKNOWN : KIN_GO_STD;
    }
    if (!strcmp(pkg, "main")) {
        return KIN_GO_MAIN;
    }
    size_t main_len = g->main_module ? strlen(g->main_module) : 0;
    /* Longest module path first: the whole path, then up to each '/'. */
    for (size_t len = n; len > 0;) {
        if (len == main_len && !memcmp(pkg, g->main_module, len)) {
            return KIN_GO_MAIN;
        }
        if (is_dep(g, pkg, len)) {
            return same_owner(g, pkg, len) ? KIN_GO_MAIN : KIN_GO_DEP;
        }
        while (len > 0 && pkg[len - 1] != '/') {
            len--;
        }
        if (len > 0) {
            len--;
        }
    }
    if (strstr(pkg, "/vendor/")) {
        return KIN_GO_DEP; /* GOPATH-era vendoring: <program>/vendor/<dependency> */
    }
    return is_std_root(pkg) ? KIN_GO_STD : KIN_GO_UNKNOWN;
}

kin_status kin__go_load(struct load_ctx *c)
{
    struct kin_go_info *g = &c->img->go;
    if (c->img->format != KIN_FORMAT_PE && c->img->format != KIN_FORMAT_ELF) {
        return KIN_OK;
    }
    kin_status st = kin__go_buildinfo(c, g);
    if (st == KIN_OK) {
        st = kin__go_pclntab(c, g);
    }
    if (st == KIN_NOMEM && c->a->over_budget) {
        /* The sample's memory budget is spent: load.c records it; the rest of the image stands. */
        memset(g, 0, sizeof(*g));
        return KIN_OK;
    }
    return st;
}

const struct kin_go_func *kin__go_func_at(const struct kin_image *img, uint64_t va, int *exact)
{
    const struct kin_go_info *g = &img->go;
    *exact = 0;
    if (g->func_count == 0 || va < g->funcs[0].va) {
        return NULL;
    }
    size_t lo = 0, hi = g->func_count;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->funcs[mid].va <= va) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    uint64_t end = lo + 1 < g->func_count ? g->funcs[lo + 1].va : g->text_end;
    if (va != g->funcs[lo].va && va >= end) {
        return NULL;
    }
    *exact = va == g->funcs[lo].va;
    return &g->funcs[lo];
}

/*
 * Code of a Go program outside every pclntab function is not Go: the C runtime and what cgo
 * links (SQLite in a Go program that stores data, a Rust library behind an FFI). Its owner is
 * unknown, and most often a public library: a Go program linking SQLite through cgo looked like a
 * version of a Rust program bundling SQLite (dbmate and nx-native on the held-out corpus,
 * BENCHMARKS.md). It is left out like the third-party modules the build info names.
 */
uint32_t kin__go_origin_flags(const struct kin_image *img, const struct kin_go_func *g)
{
    if (!g) {
        return img->go.func_count ? KIN_FUNC_THIRD_PARTY : 0;
    }
    switch (g->kind) {
    case KIN_GO_DEP:
        return KIN_FUNC_THIRD_PARTY;
    case KIN_GO_STD:
        return KIN_FUNC_RUNTIME;
    default:
        return 0;
    }
}

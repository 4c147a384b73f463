/*
 * test_go.c: Go programs (issue #4). The pclntab and build info readers on the Go fixtures of
 * tests/fixtures/go.cmake (facts from their sources: main.main, main.kinLocalSum, the dep
 * example.org/kindep) and on hand-made tables of every layout (fuzz/go_wrap.h: Go 1.2, 1.16,
 * 1.18, 1.20; found by section name and by scan); the package classifier on tricky names;
 * malformed tables; names and origin flags in kin_funcs_analyze(); and attribution, which
 * leaves a query's Go third-party and runtime code out as library code, also for an index
 * built before the flags existed (kin__attribute_indexed_go). Exact addresses are
 * cross-checked against Go's debug/gosym by tests/xcheck/go_gosym.sh.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../fuzz/go_wrap.h"
#include "api/api.h"
#include "check.h"
#include "image_util.h"
#include "kin.h"
#include "load/go/go_int.h"

#define GO_FIX(name) KIN_FIXTURE_DIR "/go/kinhello-" name

static const struct kin_load_options quick = {0, 0, 0, 1}; /* skip TLSH and ssdeep */

static const struct kin_go_func *go_find(const struct kin_image *img, const char *name)
{
    for (size_t i = 0; i < img->go.func_count; i++) {
        if (img->go.funcs[i].name && !strcmp(img->go.funcs[i].name, name)) {
            return &img->go.funcs[i];
        }
    }
    return NULL;
}

static const struct kin_function *fn_at(const struct kin_funcs *f, uint64_t va)
{
    for (size_t i = 0; i < kin_funcs_count(f); i++) {
        if (kin_funcs_get(f, i)->va == va) {
            return kin_funcs_get(f, i);
        }
    }
    return NULL;
}

/* A compiled fixture: build info, pclntab, kinds; then names and flags of the analysis. */
static void test_fixture(const char *path, uint32_t bits, uint32_t format)
{
    struct kin_sample *s = NULL;
    struct kin_funcs *f = NULL;
    if (kin_sample_open(path, &quick, &s) != KIN_OK) {
        fprintf(stderr, "%s: cannot load (missing fixture? run scripts/install-deps.sh)\n", path);
        check_failures++;
        kin_sample_free(s);
        return;
    }
    const struct kin_image *img = kin_sample_image(s);
    const struct kin_go_info *g = &img->go;
    CHECK_EQ_U64(img->format, format);
    CHECK(g->version && !strncmp(g->version, "go1.", 4));
    CHECK_EQ_STR(g->main_module, "example.com/kinhello");
    CHECK_EQ_STR(g->main_path, "example.com/kinhello");
    CHECK_EQ_U64(g->dep_count, 1);
    CHECK(g->dep_count == 1 && !strcmp(g->deps[0], "example.org/kindep"));
    CHECK(g->pclntab_version >= 118); /* Debian 12 ships Go 1.19 */
    CHECK_EQ_U64(g->ptr_size, bits / 8);
    CHECK(g->func_count > 1000); /* the runtime alone has more */
    const struct kin_go_func *mm = go_find(img, "main.main");
    const struct kin_go_func *ls = go_find(img, "main.kinLocalSum");
    const struct kin_go_func *mix = go_find(img, "example.org/kindep.Mix");
    const struct kin_go_func *add = go_find(img, "example.org/kindep.(*Mixer).Add");
    const struct kin_go_func *rt = go_find(img, "runtime.mallocgc");
    const struct kin_go_func *pr = go_find(img, "fmt.Fprintln");
    CHECK(mm && ls && mix && add && rt && pr);
    if (!(mm && ls && mix && add && rt && pr)) {
        kin_sample_free(s);
        return;
    }
    CHECK_EQ_U64(mm->kind, KIN_GO_MAIN);
    CHECK_EQ_U64(ls->kind, KIN_GO_MAIN);
    CHECK_EQ_U64(mix->kind, KIN_GO_DEP);
    CHECK_EQ_U64(add->kind, KIN_GO_DEP);
    CHECK_EQ_U64(rt->kind, KIN_GO_STD);
    CHECK_EQ_U64(pr->kind, KIN_GO_STD);
    CHECK(mm->va >= g->text_start && mm->va < g->text_end);
    /* Sorted, and inside an executable section. */
    for (size_t i = 1; i < g->func_count; i++) {
        CHECK(g->funcs[i].va > g->funcs[i - 1].va);
    }
    int in_code = 0;
    for (size_t i = 0; i < img->section_count; i++) {
        const struct kin_section *sec = &img->sections[i];
        in_code |=
            (sec->flags & KIN_SEC_EXEC) && mm->va >= sec->va && mm->va < sec->va + sec->vsize;
    }
    CHECK(in_code);
    int exact;
    CHECK(kin__go_func_at(img, mm->va, &exact) == mm && exact);
    CHECK(kin__go_func_at(img, mm->va + 1, &exact) == mm && !exact);
    CHECK(kin__go_func_at(img, g->funcs[0].va - 1, &exact) == NULL);
    CHECK(kin__go_func_at(img, g->text_end, &exact) == NULL);

    /* Discovery: the functions it finds at pclntab entries take their names and origins. */
    CHECK_OK(kin_funcs_analyze(s, NULL, &f));
    const struct kin_function *fm = fn_at(f, mm->va), *fx = fn_at(f, mix->va);
    const struct kin_function *fr = fn_at(f, rt->va);
    CHECK(fm && fx && fr);
    if (fm && fx && fr) {
        CHECK_EQ_STR(fm->name, "main.main");
        CHECK(fm->flags & KIN_FUNC_SYMBOL);
        CHECK(!(fm->flags & (KIN_FUNC_THIRD_PARTY | KIN_FUNC_RUNTIME | KIN_FUNC_GAP)));
        CHECK_EQ_STR(fx->name, "example.org/kindep.Mix");
        CHECK(fx->flags & KIN_FUNC_THIRD_PARTY);
        CHECK(!(fx->flags & KIN_FUNC_RUNTIME));
        CHECK_EQ_STR(fr->name, "runtime.mallocgc");
        CHECK(fr->flags & KIN_FUNC_RUNTIME);
    }
    /* No start comes from the pclntab: every named start is one discovery found anyway. */
    size_t named = 0;
    for (size_t i = 0; i < kin_funcs_count(f); i++) {
        named += kin_funcs_get(f, i)->name != NULL;
    }
    CHECK(named > g->func_count / 2);
    kin_funcs_free(f);
    kin_sample_free(s);
}

/* Three functions: the main package, a dep's method, the runtime. */
static const char *const names3[] = {"main.main", "example.org/dep.(*T).M", "runtime.memmove"};
static const uint32_t entries3[] = {0x0, 0x40, 0x100};

static const char modinfo[] = "path\texample.com/app\n"
                              "mod\texample.com/app\t(devel)\t\n"
                              "dep\texample.org/dep\tv1.2.3\th1:abc=\n"
                              "=>\t./dep\t(devel)\t\n"
                              "build\t-compiler=gc\n";

static struct kin_sample *load_synthetic(uint8_t *file, size_t n)
{
    struct kin_sample *s = NULL;
    kin_status st = kin_sample_load_mem(file, n, &quick, &s);
    CHECK_OK(st);
    return s;
}

/* Every layout, both pointer sizes, found by name and by scan. */
static void test_layouts(void)
{
    static const unsigned versions[] = {12, 116, 118, 120};
    uint8_t tab[1024], bi[512], file[8192];
    size_t bn = go_make_buildinfo(bi, sizeof(bi), "go1.99.9", modinfo, 1);
    CHECK(bn > 0);
    for (size_t v = 0; v < 4; v++) {
        for (unsigned ptr = 4; ptr <= 8; ptr += 4) {
            for (int scan = 0; scan < 2; scan++) {
                uint64_t text = scan ? GO_WRAP_TEXT_VA : 0; /* 0: the reader infers .text */
                size_t tn = go_make_pclntab(tab, sizeof(tab), versions[v], ptr, names3, entries3, 3,
                                            0x180, text);
                size_t n = go_wrap_elf(file, sizeof(file), (int)ptr * 8, tab, tn,
                                       scan ? ".rodata" : ".gopclntab", bi, bn);
                CHECK(tn > 0 && n > 0);
                struct kin_sample *s = load_synthetic(file, n);
                if (!s) {
                    continue;
                }
                const struct kin_go_info *g = &kin_sample_image(s)->go;
                if (g->func_count != 3) {
                    fprintf(stderr, "layout %u ptr %u scan %d: %zu functions\n", versions[v], ptr,
                            scan, g->func_count);
                }
                CHECK_EQ_U64(g->pclntab_version, versions[v]);
                CHECK_EQ_U64(g->ptr_size, ptr);
                CHECK_EQ_U64(g->func_count, 3);
                CHECK_EQ_U64(g->text_end, GO_WRAP_TEXT_VA + 0x180);
                CHECK_EQ_STR(g->version, "go1.99.9");
                CHECK_EQ_STR(g->main_module, "example.com/app");
                for (size_t i = 0; i < g->func_count && i < 3; i++) {
                    CHECK_EQ_U64(g->funcs[i].va, GO_WRAP_TEXT_VA + entries3[i]);
                    CHECK_EQ_STR(g->funcs[i].name, names3[i]);
                }
                if (g->func_count == 3) {
                    CHECK_EQ_U64(g->funcs[0].kind, KIN_GO_MAIN);
                    CHECK_EQ_U64(g->funcs[1].kind, KIN_GO_DEP);
                    CHECK_EQ_U64(g->funcs[2].kind, KIN_GO_STD);
                }
                kin_sample_free(s);
            }
        }
    }
    /* A scan wants the image's pointer size: a 4-byte table in a 64-bit file is no candidate. */
    size_t tn = go_make_pclntab(tab, sizeof(tab), 120, 4, names3, entries3, 3, 0x180, 0);
    size_t n = go_wrap_elf(file, sizeof(file), 64, tab, tn, ".rodata", NULL, 0);
    struct kin_sample *s = load_synthetic(file, n);
    if (s) {
        CHECK_EQ_U64(kin_sample_image(s)->go.func_count, 0);
        CHECK(kin_sample_image(s)->go.version == NULL);
        kin_sample_free(s);
    }
    /* Unframed module text (Go before 1.18 wrote no sentinels) reads the same. */
    bn = go_make_buildinfo(bi, sizeof(bi), "go1.17", modinfo, 0);
    n = go_wrap_elf(file, sizeof(file), 64, tab, 0, ".gopclntab", bi, bn);
    s = load_synthetic(file, n);
    if (s) {
        const struct kin_go_info *g = &kin_sample_image(s)->go;
        CHECK_EQ_STR(g->version, "go1.17");
        CHECK_EQ_STR(g->main_path, "example.com/app");
        CHECK(g->dep_count == 1 && !strcmp(g->deps[0], "example.org/dep"));
        kin_sample_free(s);
    }
}

/* Malformed tables: anomalies, never a crash, and what can be read is kept. */
static void test_malformed(void)
{
    uint8_t tab[1024], file[8192];
    /* Unsorted entries: the one out of order is skipped. */
    static const uint32_t unsorted[] = {0x40, 0x0, 0x100};
    size_t tn = go_make_pclntab(tab, sizeof(tab), 118, 8, names3, unsorted, 3, 0x180, 0);
    size_t n = go_wrap_elf(file, sizeof(file), 64, tab, tn, ".gopclntab", NULL, 0);
    struct kin_sample *s = load_synthetic(file, n);
    if (s) {
        CHECK_EQ_U64(kin_sample_image(s)->go.func_count, 2);
        CHECK(has_anomaly(kin_sample_image(s), "go.pclntab.unsorted"));
        kin_sample_free(s);
    }
    /* A table cut inside its functab (header word 7 locates it): the header does not validate. */
    tn = go_make_pclntab(tab, sizeof(tab), 118, 8, names3, entries3, 3, 0x180, 0);
    uint64_t cut = 0;
    memcpy(&cut, tab + 8 + 7 * 8, 8);
    CHECK(cut > 0 && cut + 8 < tn);
    n = go_wrap_elf(file, sizeof(file), 64, tab, (size_t)cut + 8, ".gopclntab", NULL, 0);
    s = load_synthetic(file, n);
    if (s) {
        CHECK_EQ_U64(kin_sample_image(s)->go.func_count, 0);
        CHECK(has_anomaly(kin_sample_image(s), "go.pclntab.header"));
        kin_sample_free(s);
    }
    /* A name offset past the name table: the function stays, unnamed. */
    tn = go_make_pclntab(tab, sizeof(tab), 116, 8, names3, entries3, 3, 0x180, 0);
    /* 1.16: functab at header word 6; the second _func's nameoff follows its 8-byte entry. */
    uint64_t functab = 0, fo = 0;
    memcpy(&functab, tab + 8 + 6 * 8, 8);
    memcpy(&fo, tab + functab + 3 * 8, 8);
    memset(tab + functab + fo + 8, 0x7f, 4);
    n = go_wrap_elf(file, sizeof(file), 64, tab, tn, ".gopclntab", NULL, 0);
    s = load_synthetic(file, n);
    if (s) {
        const struct kin_go_info *g = &kin_sample_image(s)->go;
        CHECK_EQ_U64(g->func_count, 3);
        CHECK(g->func_count == 3 && g->funcs[1].name == NULL && g->funcs[2].name != NULL);
        CHECK(has_anomaly(kin_sample_image(s), "go.pclntab.name"));
        kin_sample_free(s);
    }
    /* A pointer-form build info whose pointers lead nowhere. */
    uint8_t bi[64];
    memset(bi, 0, sizeof(bi));
    memcpy(bi, "\xff Go buildinf:", 14);
    bi[14] = 8;
    memset(bi + 16, 0xee, 16);
    n = go_wrap_elf(file, sizeof(file), 64, tab, 0, ".text2", bi, sizeof(bi));
    s = load_synthetic(file, n);
    if (s) {
        CHECK(kin_sample_image(s)->go.version == NULL);
        CHECK(has_anomaly(kin_sample_image(s), "go.buildinfo.bad"));
        kin_sample_free(s);
    }
}

/* Package paths: receivers, generics, escapes, nested modules, vendoring, generated code. */
static void test_classify(void)
{
    const char *deps[] = {"github.com/a/b/sub", "github.com/a/other", "github.com/ab/c",
                          "go.uber.org/zap", "gopkg.in/yaml.v3"};
    struct kin_go_info g;
    memset(&g, 0, sizeof(g));
    g.main_module = "github.com/a/b";
    g.deps = deps;
    g.dep_count = 5;
    static const struct {
        const char *name;
        uint32_t kind;
    } cases[] = {
        {"main.main", KIN_GO_MAIN},
        {"main.(*server).run.func1", KIN_GO_MAIN},
        {"github.com/a/b/internal/x.(*T).M", KIN_GO_MAIN},
        /* Deps of the main module's owner (github.com/a) are the author's own modules. */
        {"github.com/a/b/sub/pkg.F", KIN_GO_MAIN},
        {"github.com/a/other/x.F", KIN_GO_MAIN},
        {"github.com/ab/c.F", KIN_GO_DEP},       /* another owner, though a prefix of the name */
        {"github.com/a/bsub.F", KIN_GO_UNKNOWN}, /* a prefix, but not at a '/' */
        {"go.uber.org/zap.(*Logger).Info", KIN_GO_DEP},
        {"go.uber.org/zap/zapcore.NewCore", KIN_GO_DEP},
        {"gopkg.in/yaml%2ev3.(*parser).parse", KIN_GO_DEP},
        {"github.com/a/b.Map[go.uber.org/zap.Field]", KIN_GO_MAIN},
        {"go.uber.org/zap.F[github.com/a/b.T]", KIN_GO_DEP},
        {"github.com/c/d/vendor/github.com/e/f.G", KIN_GO_DEP},
        {"github.com/c/d.G", KIN_GO_UNKNOWN},
        {"runtime.mallocgc", KIN_GO_STD},
        {"net/http.(*Server).Serve", KIN_GO_STD},
        {"crypto/tls.(*Conn).Handshake", KIN_GO_STD},
        {"internal/poll.(*FD).Read", KIN_GO_STD},
        {"vendor/golang.org/x/net/http2/hpack.(*Decoder).Write", KIN_GO_STD},
        {"type:.eq.[2]interface {}", KIN_GO_STD},
        {"type..eq.github.com/c/d.T", KIN_GO_STD},
        {"go:buildid", KIN_GO_STD},
        {"_rt0_amd64_linux", KIN_GO_STD},
        {"__x86.get_pc_thunk.cx", KIN_GO_STD},
        {"", KIN_GO_UNKNOWN},
        {NULL, KIN_GO_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t got = kin__go_classify(&g, cases[i].name);
        if (got != cases[i].kind) {
            fprintf(stderr, "classify %s: %u, expected %u\n",
                    cases[i].name ? cases[i].name : "(null)", got, cases[i].kind);
            check_failures++;
        }
    }
    /* A main module on gopkg.in (a redirector) shares no owner with other gopkg.in modules. */
    g.main_module = "gopkg.in/a.v1";
    CHECK_EQ_U64(kin__go_classify(&g, "gopkg.in/yaml%2ev3.(*parser).parse"), KIN_GO_DEP);
    g.main_module = "github.com/a/b";
    /* Without build info, deps cannot be told; the standard library still can. */
    memset(&g, 0, sizeof(g));
    CHECK_EQ_U64(kin__go_classify(&g, "go.uber.org/zap.New"), KIN_GO_UNKNOWN);
    CHECK_EQ_U64(kin__go_classify(&g, "fmt.Println"), KIN_GO_STD);
    CHECK_EQ_U64(kin__go_classify(&g, "main.main"), KIN_GO_MAIN);
}

/* The Windows x64 build of the fixture, indexed with three unrelated families. */
static struct kin_index *go_index(const char *path, int clear_flags)
{
    struct kin_index *idx = NULL;
    static const struct {
        const char *file, *family, *actor;
    } others[] = {
        {KIN_FIXTURE_DIR "/attr_alpha_v1.exe", "alpha", "red"},
        {KIN_FIXTURE_DIR "/attr_beta.exe", "beta", "blue"},
        {KIN_FIXTURE_DIR "/attr_delta.exe", "delta", "green"},
        {GO_FIX("windows-amd64.exe"), "hello", "gopher"},
    };
    unlink(path);
    CHECK_OK(kin_index_open(path, KIN_INDEX_CREATE, &idx));
    for (size_t i = 0; idx && i < 4; i++) {
        struct kin_sample *s = NULL;
        struct kin_funcs *f = NULL;
        struct kin_labels lab;
        memset(&lab, 0, sizeof(lab));
        lab.family = others[i].family;
        lab.actor = others[i].actor;
        lab.kind = KIN_FAMILY_MALWARE;
        if (kin_sample_open(others[i].file, &quick, &s) == KIN_OK &&
            kin_funcs_analyze(s, NULL, &f) == KIN_OK) {
            /* An index of before the flags: the stored functions carry none. */
            size_t n = kin_funcs_count(f);
            struct kin_function *v = calloc(n ? n : 1, sizeof(*v));
            for (size_t k = 0; v && k < n; k++) {
                v[k] = *kin_funcs_get(f, k);
                if (clear_flags) {
                    v[k].flags &= ~(KIN_FUNC_THIRD_PARTY | KIN_FUNC_RUNTIME);
                }
            }
            CHECK(v != NULL);
            if (v) {
                CHECK_OK(kin_index_add(idx, kin_sample_image(s), v, n, &lab, NULL));
            }
            free(v);
        } else {
            fprintf(stderr, "%s: cannot load\n", others[i].file);
            check_failures++;
        }
        kin_funcs_free(f);
        kin_sample_free(s);
    }
    if (idx) {
        CHECK_OK(kin_index_flush(idx));
    }
    return idx;
}

/* Evidence functions of a report named as runtime or third-party code. */
static size_t runtime_evidence(const struct kin_attribution_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->evidence_count; i++) {
        const char *name = r->evidence[i].name;
        n += name && (!strncmp(name, "runtime.", 8) || !strncmp(name, "example.org/", 12));
    }
    return n;
}

static void test_attribution(void)
{
    char path[] = "/tmp/kin_test_go_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) {
        return;
    }
    close(fd);
    struct kin_index *idx = go_index(path, 1);
    struct kin_sample *s = NULL;
    struct kin_funcs *f = NULL;
    if (!idx || kin_sample_open(GO_FIX("linux-amd64"), &quick, &s) != KIN_OK ||
        kin_funcs_analyze(s, NULL, &f) != KIN_OK) {
        check_failures++;
        goto out;
    }
    struct kin_attribute_options o;
    memset(&o, 0, sizeof(o));
    o.max_evidence = 1000;
    /* The query's flags: runtime and dep code are library code, named nowhere as evidence. */
    struct kin_attribution *a = NULL;
    CHECK_OK(kin_attribute(idx, s, f, &o, &a));
    if (a) {
        const struct kin_attribution_report *r = kin_attribution_report(a);
        CHECK(r->third_party_size > 0);
        CHECK(r->third_party_size <= r->library_size);
        CHECK(r->third_party_size * 10 > r->evidence_size * 9); /* a tiny main package */
        CHECK_EQ_U64(runtime_evidence(r), 0);
        kin_attribution_free(a);
    }
    /* The same functions without their flags: the Go runtime is evidence again. */
    size_t n = kin_funcs_count(f);
    struct kin_function *v = calloc(n ? n : 1, sizeof(*v));
    CHECK(v != NULL);
    for (size_t k = 0; v && k < n; k++) {
        v[k] = *kin_funcs_get(f, k);
        v[k].flags &= ~(KIN_FUNC_THIRD_PARTY | KIN_FUNC_RUNTIME);
    }
    a = NULL;
    if (v) {
        CHECK_OK(kin_attribute_functions(idx, kin_sample_image(s), v, n, &o, &a));
    }
    if (a) {
        const struct kin_attribution_report *r = kin_attribution_report(a);
        CHECK_EQ_U64(r->third_party_size, 0);
        CHECK(runtime_evidence(r) > 0);
        CHECK(r->family_count >= 1 && !strcmp(r->families[0].name, "hello"));
        kin_attribution_free(a);
    }
    free(v);
    /* An indexed query whose stored functions lack the flags takes them from its file. */
    struct kin_sample *w = NULL;
    if (kin_sample_open(GO_FIX("windows-amd64.exe"), &quick, &w) == KIN_OK) {
        const char *sha = kin_sample_image(w)->hashes.sha256;
        a = NULL;
        CHECK_OK(kin__attribute_indexed_go(idx, sha, &o, NULL, NULL, &a));
        uint64_t before = a ? kin_attribution_report(a)->third_party_size : 1;
        kin_attribution_free(a);
        a = NULL;
        CHECK_OK(kin__attribute_indexed_go(idx, sha, &o, NULL, kin_sample_image(w), &a));
        CHECK_EQ_U64(before, 0);
        CHECK(a && kin_attribution_report(a)->third_party_size > 0);
        kin_attribution_free(a);
    } else {
        check_failures++;
    }
    kin_sample_free(w);
out:
    kin_funcs_free(f);
    kin_sample_free(s);
    kin_index_close(idx);
    unlink(path);
    char side[64];
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
}

static const struct kin_function *fn_named(const struct kin_funcs *f, const char *name)
{
    for (size_t i = 0; i < kin_funcs_count(f); i++) {
        const struct kin_function *k = kin_funcs_get(f, i);
        if (k->name && !strcmp(k->name, name)) {
            return k;
        }
    }
    return NULL;
}

/*
 * C linked through cgo lies outside every pclntab function: kin flags it third-party (its owner
 * is unknown, most often a public library), the Go code beside it keeps its own origin.
 */
static void test_cgo(void)
{
    struct kin_sample *s = NULL;
    struct kin_funcs *f = NULL;
    const char *path = KIN_FIXTURE_DIR "/go/kincgo-linux-amd64";
    if (kin_sample_open(path, &quick, &s) != KIN_OK) {
        fprintf(stderr, "%s: cannot load (missing fixture? run scripts/install-deps.sh)\n", path);
        check_failures++;
        kin_sample_free(s);
        return;
    }
    const struct kin_image *img = kin_sample_image(s);
    int exact;
    CHECK(img->go.func_count > 0);
    CHECK_OK(kin_funcs_analyze(s, NULL, &f));
    const struct kin_function *c = f ? fn_named(f, "kin_c_mix") : NULL;
    const struct kin_function *go = f ? fn_named(f, "main.kinGoSide") : NULL;
    CHECK(c && go);
    if (c && go) {
        CHECK(kin__go_func_at(img, c->va, &exact) == NULL);
        CHECK(c->flags & KIN_FUNC_THIRD_PARTY);
        CHECK(!(go->flags & (KIN_FUNC_THIRD_PARTY | KIN_FUNC_RUNTIME)));
    }
    CHECK_EQ_U64(kin__go_origin_flags(img, NULL), KIN_FUNC_THIRD_PARTY);
    kin_funcs_free(f);
    kin_sample_free(s);
    /* Outside a Go program, no origin is known: no flag. */
    CHECK_OK(kin_sample_open(KIN_FIXTURE_DIR "/attr_beta.exe", &quick, &s));
    if (s) {
        CHECK_EQ_U64(kin__go_origin_flags(kin_sample_image(s), NULL), 0);
    }
    kin_sample_free(s);
}

int main(void)
{
    test_fixture(GO_FIX("linux-amd64"), 64, KIN_FORMAT_ELF);
    test_fixture(GO_FIX("linux-386"), 32, KIN_FORMAT_ELF);
    test_fixture(GO_FIX("windows-amd64.exe"), 64, KIN_FORMAT_PE);
    test_fixture(GO_FIX("windows-386.exe"), 32, KIN_FORMAT_PE);
    test_fixture(GO_FIX("windows-amd64-syms.exe"), 64, KIN_FORMAT_PE);
    test_fixture(GO_FIX("linux-amd64-pie"), 64, KIN_FORMAT_ELF);
    test_cgo();
    test_layouts();
    test_malformed();
    test_classify();
    test_attribution();
    CHECK_DONE();
}

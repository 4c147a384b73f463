/*
 * test_match_links.c: module links in attribution (src/match/links.c, decision 0004). The PE
 * fixtures pe_main64.exe (imports from pe_dll.dll, ws2_32, kernel32, msvcrt) and pe_dll64.dll
 * (export directory Name "pe_dll.dll"), and the ELF fixtures prog_gcc64 (DT_NEEDED
 * libkinfix.so.1) and libkinfix_gcc64.so (DT_SONAME libkinfix.so.1). Checked: the stems module
 * names are stored under; "loads" and "loaded-by" links, with the linked actor flagged and
 * listed; system modules never link; samples left out do not link; a link never makes a claim.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/ioc/ioc.h"
#include "check.h"
#include "kin.h"

#define ATTR(name) KIN_FIXTURE_DIR "/attr_" name ".exe"
#define DLL        KIN_FIXTURE_DIR "/pe_dll64.dll"
#define MAIN       KIN_FIXTURE_DIR "/pe_main64.exe"
#define ELF_PROG   KIN_FIXTURE_DIR "/elf/prog_gcc64"
#define ELF_LIB    KIN_FIXTURE_DIR "/elf/libkinfix_gcc64.so"

static void stem(uint32_t type, const char *in, const char *want)
{
    char out[256];
    size_t n = kin__ioc_normalize(type, in, strlen(in), out, sizeof(out));
    if (!want) {
        CHECK_EQ_U64(n, 0);
        return;
    }
    CHECK_EQ_U64(n, strlen(want));
    CHECK_EQ_STR(n ? out : "", want);
}

static void add(struct kin_index *idx, const char *path, const char *family, const char *actor)
{
    struct kin_sample *s = NULL;
    struct kin_funcs *f = NULL;
    struct kin_labels lab;
    memset(&lab, 0, sizeof(lab));
    lab.family = family;
    lab.actor = actor;
    CHECK_OK(kin_sample_open(path, NULL, &s));
    if (s) {
        CHECK_OK(kin_funcs_analyze(s, NULL, &f));
    }
    if (f) {
        CHECK_OK(kin_index_add_sample(idx, s, f, &lab, NULL));
    }
    kin_funcs_free(f);
    kin_sample_free(s);
}

static struct kin_attribution *
attribute(struct kin_index *idx, const char *path, const char *exclude_family)
{
    struct kin_sample *s = NULL;
    struct kin_funcs *f = NULL;
    struct kin_attribution *a = NULL;
    struct kin_attribute_options o;
    const char *ex[1] = {exclude_family};
    memset(&o, 0, sizeof(o));
    o.top = 20;
    if (exclude_family) {
        o.exclude_families = ex;
        o.exclude_family_count = 1;
    }
    CHECK_OK(kin_sample_open(path, NULL, &s));
    if (s) {
        CHECK_OK(kin_funcs_analyze(s, NULL, &f));
    }
    if (f) {
        CHECK_OK(kin_attribute(idx, s, f, &o, &a));
    }
    kin_funcs_free(f);
    kin_sample_free(s);
    return a;
}

static const struct kin_evidence_link *
find_link(const struct kin_attribution_report *r, const char *relation, const char *module)
{
    for (size_t i = 0; r && i < r->link_count; i++) {
        if (!strcmp(r->links[i].relation, relation) && !strcmp(r->links[i].module, module)) {
            return &r->links[i];
        }
    }
    return NULL;
}

static const struct kin_candidate *find_actor(const struct kin_attribution_report *r,
                                              const char *name)
{
    for (size_t i = 0; r && i < r->actor_count; i++) {
        if (!strcmp(r->actors[i].name, name)) {
            return &r->actors[i];
        }
    }
    return NULL;
}

int main(void)
{
    /* Stems: directory, case, extension and trailing versions go; glued digits stay. */
    stem(KIN_IOC_LOADS, "libvips-cpp-8.17.2.dll", "libvips-cpp");
    stem(KIN_IOC_LOADS, "libvips-42.dll", "libvips");
    stem(KIN_IOC_MODULE, "C:\\build\\Release\\Pe_Dll.DLL", "pe_dll");
    stem(KIN_IOC_LOADS, "libssl.so.3", "libssl");
    stem(KIN_IOC_LOADS, "libfoo-1.2.so", "libfoo");
    stem(KIN_IOC_MODULE, "libkinfix.so.1", "libkinfix");
    stem(KIN_IOC_MODULE, "sharp-win32-x64.node", "sharp-win32-x64");
    stem(KIN_IOC_LOADS, "python311.dll", "python311");
    stem(KIN_IOC_LOADS, "foo.1", "foo");
    stem(KIN_IOC_LOADS, "12.dll", "12");
    stem(KIN_IOC_LOADS, "/usr/lib/", NULL);
    /* System and runtime modules are on the built-in list: never stored, never a link. */
    CHECK(kin_ioc_ubiquitous(KIN_IOC_LOADS, "KERNEL32.dll") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_LOADS, "api-ms-win-crt-runtime-l1-1-0.dll") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_LOADS, "libc.so.6") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_LOADS, "VCRUNTIME140.dll") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_LOADS, "libvips-42.dll") == NULL);
    CHECK_EQ_STR(kin_ioc_type_name(KIN_IOC_MODULE), "module");
    CHECK_EQ_STR(kin_ioc_type_name(KIN_IOC_LOADS), "loads");

    /* The loader reads the export directory's Name. */
    struct kin_sample *ds = NULL;
    CHECK_OK(kin_sample_open(DLL, NULL, &ds));
    CHECK(ds && kin_sample_image(ds)->pe.dll_name &&
          !strcmp(kin_sample_image(ds)->pe.dll_name, "pe_dll.dll"));
    kin_sample_free(ds);

    char dir[256], db[400];
    (void)snprintf(dir, sizeof(dir), "%s/kin-test-links-XXXXXX",
                   getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    (void)snprintf(db, sizeof(db), "%s/kin.db", dir);
    struct kin_index *idx = NULL;
    CHECK_OK(kin_index_open(db, KIN_INDEX_CREATE, &idx));
    if (!idx) {
        return 1;
    }
    /* Four actors (rarity can be judged); the DLL and the ELF library are acme's. */
    add(idx, DLL, "dllfam", "acme");
    add(idx, ELF_LIB, "kinfix", "acme");
    add(idx, ATTR("alpha_v1"), "alpha", "red");
    add(idx, ATTR("beta"), "beta", "blue");
    add(idx, ATTR("delta"), "delta", "green");
    CHECK_OK(kin_index_flush(idx));

    /* pe_main64 loads pe_dll: a "loads" link to dllfam lifts acme; no system module links. */
    struct kin_attribution *a1 = attribute(idx, MAIN, NULL);
    const struct kin_attribution_report *r1 = a1 ? kin_attribution_report(a1) : NULL;
    const struct kin_evidence_link *l1 = find_link(r1, "loads", "pe_dll");
    CHECK(l1 != NULL);
    if (l1) {
        CHECK_EQ_STR(l1->family, "dllfam");
        CHECK_EQ_STR(l1->actor, "acme");
        CHECK_EQ_U64(strlen(l1->sample), 64);
        CHECK_EQ_U64(l1->families, 1);
        CHECK(l1->ubiquitous == NULL);
    }
    const struct kin_candidate *acme = find_actor(r1, "acme");
    CHECK(acme && acme->linked);
    CHECK(find_actor(r1, "blue") == NULL || !find_actor(r1, "blue")->linked);
    for (size_t i = 0; r1 && i < r1->link_count; i++) {
        CHECK(strcmp(r1->links[i].module, "kernel32") && strcmp(r1->links[i].module, "ws2_32") &&
              strcmp(r1->links[i].module, "msvcrt"));
    }
    /* A link never makes a claim: whatever code gives, acme is not claimed from the link. */
    CHECK(r1 && !(r1->actor && !strcmp(r1->actor, "acme") && acme && acme->functions == 0));

    /* With dllfam left out, nothing links pe_main64 to acme any more. */
    struct kin_attribution *a2 = attribute(idx, MAIN, "dllfam");
    const struct kin_attribution_report *r2 = a2 ? kin_attribution_report(a2) : NULL;
    CHECK(r2 && find_link(r2, "loads", "pe_dll") == NULL);
    CHECK(r2 && (find_actor(r2, "acme") == NULL || !find_actor(r2, "acme")->linked));

    /* The reverse: index the program, attribute the DLL: "loaded-by". ELF: soname/DT_NEEDED. */
    add(idx, MAIN, "mainfam", "acme");
    add(idx, ELF_PROG, "kinprog", "zed");
    CHECK_OK(kin_index_flush(idx));
    struct kin_attribution *a3 = attribute(idx, DLL, NULL);
    const struct kin_attribution_report *r3 = a3 ? kin_attribution_report(a3) : NULL;
    const struct kin_evidence_link *l3 = find_link(r3, "loaded-by", "pe_dll");
    CHECK(l3 && !strcmp(l3->family, "mainfam"));
    /* The DLL is itself indexed (dllfam): left out, so no "same-name" link to itself. */
    CHECK(r3 && find_link(r3, "same-name", "pe_dll") == NULL);
    struct kin_attribution *a4 = attribute(idx, ELF_LIB, "kinfix");
    const struct kin_attribution_report *r4 = a4 ? kin_attribution_report(a4) : NULL;
    const struct kin_evidence_link *l4 = find_link(r4, "loaded-by", "libkinfix");
    CHECK(l4 && !strcmp(l4->family, "kinprog") && !strcmp(l4->actor, "zed"));
    CHECK(find_actor(r4, "zed") && find_actor(r4, "zed")->linked);

    kin_attribution_free(a1);
    kin_attribution_free(a2);
    kin_attribution_free(a3);
    kin_attribution_free(a4);
    kin_index_close(idx);
    (void)unlink(db);
    char side[420];
    (void)snprintf(side, sizeof(side), "%s-wal", db);
    (void)unlink(side);
    (void)snprintf(side, sizeof(side), "%s-shm", db);
    (void)unlink(side);
    (void)rmdir(dir);
    CHECK_DONE();
}

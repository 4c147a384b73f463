/*
 * test_match_links.c: module links in attribution (src/match/links.c, decision 0004). The PE
 * fixtures pe_main64.exe (imports from pe_dll.dll, ws2_32, kernel32, msvcrt) and pe_dll64.dll
 * (export directory Name "pe_dll.dll"), and the ELF fixtures prog_gcc64 (DT_NEEDED
 * libkinfix.so.1) and libkinfix_gcc64.so (DT_SONAME libkinfix.so.1). Checked: the stems module
 * names are stored under; "loads" and "loaded-by" links, with the linked actor flagged and
 * listed; system modules never link; samples left out do not link; a link never makes a claim;
 * and a name conflict between two families of one actor (copies of pe_dll64.dll whose export
 * Name is patched) leaves the family open and claims the actor.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/ioc/ioc.h"
#include "check.h"
#include "cli_run.h"
#include "index_util.h"
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

/* Writes dir/out: src with its export Name "pe_dll.dll" replaced by name (10 characters) and
 * trailer bytes of overlay appended (the code is unchanged). Returns the path in buf. */
static const char *
variant(const char *dir, const char *out, const char *name, size_t trailer, char *buf)
{
    static unsigned char data[1 << 20];
    FILE *f = fopen(DLL, "rb");
    size_t n = f ? fread(data, 1, sizeof(data), f) : 0;
    if (f) {
        (void)fclose(f);
    }
    CHECK(n > 0 && n < sizeof(data) && strlen(name) == 10);
    size_t hits = 0;
    for (size_t i = 0; i + 10 <= n; i++) {
        if (memcmp(data + i, "pe_dll.dll", 10) == 0) {
            memcpy(data + i, name, 10);
            hits++;
        }
    }
    CHECK_EQ_U64(hits, 1);
    (void)snprintf(buf, 400, "%s/%s", dir, out);
    f = fopen(buf, "wb");
    int ok = f && fwrite(data, 1, n, f) == n;
    for (size_t i = 0; ok && i < trailer; i++) {
        ok = fputc('T', f) != EOF;
    }
    CHECK(f && fclose(f) == 0 && ok);
    return buf;
}

/* Attributes path, as if exclude_family (when not NULL) were not indexed. */
static struct kin_attribution *
attribute(struct kin_index *idx, const char *path, const char *exclude_family)
{
    struct kin_attribute_options o;
    const char *ex[1] = {exclude_family};
    memset(&o, 0, sizeof(o));
    o.top = 20;
    if (exclude_family) {
        o.exclude_families = ex;
        o.exclude_family_count = 1;
    }
    return iu_attribute(idx, path, &o);
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

static int has_line(const char *const *v, size_t n, const char *needle)
{
    for (size_t i = 0; i < n; i++) {
        if (strstr(v[i], needle)) {
            return 1;
        }
    }
    return 0;
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
    CHECK(kin_ioc_ubiquitous(KIN_IOC_MODULE, "a.out.exe") != NULL);
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
    iu_add(idx, DLL, "dllfam", "acme");
    iu_add(idx, ELF_LIB, "kinfix", "acme");
    iu_add(idx, ATTR("alpha_v1"), "alpha", "red");
    iu_add(idx, ATTR("beta"), "beta", "blue");
    iu_add(idx, ATTR("delta"), "delta", "green");
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
    iu_add(idx, MAIN, "mainfam", "acme");
    iu_add(idx, ELF_PROG, "kinprog", "zed");
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
    (void)snprintf(db + strlen(db), 8, "-wal");
    (void)unlink(db);
    (void)snprintf(db + strlen(db) - 4, 8, "-shm");
    (void)unlink(db);

    /* Two families of one actor with the same code, told apart by their module names only
     * ("pe_aaa", "pe_bbb"): a query with the code of both and the name of the second. Code
     * ties; by slot the first family is the code's best, and the name overrules it. */
    char pa[400], pb[400], pq[400], db2[400];
    (void)snprintf(db2, sizeof(db2), "%s/kin2.db", dir);
    CHECK_OK(kin_index_open(db2, KIN_INDEX_CREATE, &idx));
    if (!idx) {
        return 1;
    }
    iu_add(idx, variant(dir, "a.dll", "pe_aaa.dll", 0, pa), "fam_a", "acme");
    iu_add(idx, variant(dir, "b.dll", "pe_bbb.dll", 1, pb), "fam_b", "acme");
    iu_add(idx, ATTR("alpha_v1"), "alpha", "red");
    iu_add(idx, ATTR("beta"), "beta", "blue");
    iu_add(idx, ATTR("delta"), "delta", "green");
    CHECK_OK(kin_index_flush(idx));
    struct kin_attribution *a5 = attribute(idx, variant(dir, "q.dll", "pe_bbb.dll", 2, pq), NULL);
    const struct kin_attribution_report *r5 = a5 ? kin_attribution_report(a5) : NULL;
    CHECK(r5 && r5->family_count >= 2);
    if (r5 && r5->family_count >= 2) {
        CHECK_EQ_STR(r5->families[0].name, "fam_b");
        CHECK(find_link(r5, "same-name", "pe_bbb") != NULL);
        CHECK(find_link(r5, "same-name", "pe_aaa") == NULL);
        /* Whatever the confidence, fam_a (the code's pick by slot) is never claimed. */
        CHECK(r5->verdict != KIN_VERDICT_KNOWN_FAMILY || !strcmp(r5->family, "fam_b"));
        /* The report says why, and what to do. */
        CHECK(has_line(r5->caveats, r5->caveat_count, "gives itself the module name"));
        CHECK(r5->verdict != KIN_VERDICT_KNOWN_ACTOR ||
              has_line(r5->next_steps, r5->next_step_count, "Tell 'fam_b' from 'fam_a'"));
    }
    /* The query named as the first family: no conflict, the first family leads. */
    struct kin_attribution *a6 = attribute(idx, variant(dir, "q2.dll", "pe_aaa.dll", 3, pq), NULL);
    const struct kin_attribution_report *r6 = a6 ? kin_attribution_report(a6) : NULL;
    CHECK(r6 && r6->family_count >= 1 && !strcmp(r6->families[0].name, "fam_a"));
    kin_attribution_free(a5);
    kin_attribution_free(a6);
    kin_index_close(idx);

    /* The CLI shows the links: --json under evidence.links, the text report in its section. */
    char out[420];
    (void)snprintf(out, sizeof(out), "%s/out.txt", dir);
    const char *json_args[] = {KIN_CLI, "attribute", "--json", "--db", db2, pq, NULL};
    CHECK(cli_run(json_args, out, NULL) >= 0);
    char *js = cli_slurp(out);
    CHECK(js && strstr(js, "\"links\":[{\"relation\":\"same-name\",\"module\":\"pe_aaa\","));
    CHECK(js && strstr(js, "\"family\":\"fam_a\",\"actor\":\"acme\""));
    free(js);
    const char *text_args[] = {KIN_CLI, "attribute", "--db", db2, pq, NULL};
    CHECK(cli_run(text_args, out, NULL) >= 0);
    char *tx = cli_slurp(out);
    CHECK(tx && strstr(tx, "\nmodule links (names from the headers, forgeable"));
    CHECK(tx && strstr(tx, "  same-name   pe_aaa"));
    free(tx);
    (void)unlink(out);
    (void)unlink(pa);
    (void)unlink(pb);
    (void)unlink(pq);
    (void)snprintf(pq, sizeof(pq), "%s/q.dll", dir);
    (void)unlink(pq);
    (void)unlink(db2);
    char side[420];
    (void)snprintf(side, sizeof(side), "%s-wal", db2);
    (void)unlink(side);
    (void)snprintf(side, sizeof(side), "%s-shm", db2);
    (void)unlink(side);
    (void)rmdir(dir);
    CHECK_DONE();
}

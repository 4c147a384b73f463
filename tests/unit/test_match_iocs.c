/*
 * test_match_iocs.c: indicators as evidence in attribution (issue #5, src/match/indicators.c).
 * The attribution fixtures (tests/fixtures/attr/) get a trailer holding one of WannaCry's
 * Bitcoin addresses (an overlay: the code is unchanged, the indicator is there); the indicator
 * fixture (tests/fixtures/iocs_fixture.c, ELF) holds all three and shares no code with them.
 * Checked: a shared address held by the claimed family strengthens a code claim; the same
 * address alone gives at most a Med, circumstantial claim; addresses pointing to two families
 * give none; a value held only by the query itself is not evidence; the report and --json list
 * the indicators.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "index_util.h"
#include "kin.h"

#define FIX(name) KIN_FIXTURE_DIR "/attr_" name ".exe"
#define ADDR_X    "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94"
#define ADDR_Y    "12t9YDPgwueZ9NyMgw519p7AA8isjr6SMw"

static char tmpdir[256];

/* Copies from to tmpdir/name with text appended (NUL-terminated); returns the new path. */
static const char *with_trailer(const char *from, const char *name, const char *text, char *buf)
{
    (void)snprintf(buf, 400, "%s/%s", tmpdir, name);
    FILE *in = fopen(from, "rb"), *out = fopen(buf, "wb");
    char chunk[65536];
    size_t k;
    int ok = in && out;
    while (ok && (k = fread(chunk, 1, sizeof(chunk), in)) > 0) {
        ok = fwrite(chunk, 1, k, out) == k;
    }
    ok = ok && fwrite(text, 1, strlen(text) + 1, out) == strlen(text) + 1;
    if (in) {
        (void)fclose(in);
    }
    if (out) {
        ok = fclose(out) == 0 && ok;
    }
    CHECK(ok);
    return buf;
}

static const struct kin_evidence_indicator *find_ioc(const struct kin_attribution_report *r,
                                                     const char *value)
{
    for (size_t i = 0; i < r->indicator_count; i++) {
        if (!strcmp(r->indicators[i].value, value)) {
            return &r->indicators[i];
        }
    }
    return NULL;
}

static int caveat_has(const struct kin_attribution_report *r, const char *word)
{
    for (size_t i = 0; i < r->caveat_count; i++) {
        if (strstr(r->caveats[i], word)) {
            return 1;
        }
    }
    return 0;
}

/* Runs `kin attribute --json` on path and counts needle in its output. */
static size_t cli_count(const char *db, const char *path, const char *needle)
{
    char out[400];
    (void)snprintf(out, sizeof(out), "%s/out.json", tmpdir);
    pid_t pid = fork();
    if (pid == 0) {
        int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fo < 0 || dup2(fo, 1) < 0) {
            _exit(127);
        }
        execl(KIN_CLI, KIN_CLI, "attribute", "--db", db, "--json", path, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    FILE *f = fopen(out, "rb");
    char *buf = calloc(1, 1 << 20);
    size_t n = 0, count = 0;
    if (f && buf) {
        n = fread(buf, 1, (1 << 20) - 1, f);
        buf[n] = '\0';
        for (const char *p = buf; (p = strstr(p, needle)) != NULL; p++) {
            count++;
        }
    }
    if (f) {
        (void)fclose(f);
    }
    free(buf);
    (void)unlink(out);
    return count;
}

int main(void)
{
    char db[400], p_v1[400], p_beta[400], p_v2x[400];
    (void)snprintf(tmpdir, sizeof(tmpdir), "%s/kin-test-match-iocs-XXXXXX",
                   getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    (void)snprintf(db, sizeof(db), "%s/kin.db", tmpdir);

    /* alpha v1 holds X, beta holds Y; three actors, so rarity can be judged. */
    struct kin_index *idx = NULL;
    CHECK_OK(kin_index_open(db, KIN_INDEX_CREATE, &idx));
    if (!idx) {
        return 1;
    }
    iu_add(idx, with_trailer(FIX("alpha_v1"), "v1.exe", "pay to " ADDR_X, p_v1), "alpha", "red");
    iu_add(idx, with_trailer(FIX("beta"), "beta.exe", "pay to " ADDR_Y, p_beta), "beta", "blue");
    iu_add(idx, FIX("delta"), "delta", "green");
    CHECK_OK(kin_index_flush(idx));

    /* Code alone: alpha v2 is a variant of alpha; it holds no indicator. */
    struct kin_attribution *a0 = iu_attribute(idx, FIX("alpha_v2"), NULL);
    const struct kin_attribution_report *r0 = a0 ? kin_attribution_report(a0) : NULL;
    uint32_t code_conf = r0 ? r0->confidence : 0;
    CHECK(r0 && r0->verdict == KIN_VERDICT_KNOWN_FAMILY && !strcmp(r0->family, "alpha"));
    CHECK(r0 && r0->indicator_count == 0);
    CHECK(code_conf >= 30);

    /* The same code holding alpha's address: the claim is strengthened, and says why. */
    struct kin_attribution *a1 =
        iu_attribute(idx, with_trailer(FIX("alpha_v2"), "v2x.exe", ADDR_X, p_v2x), NULL);
    const struct kin_attribution_report *r1 = a1 ? kin_attribution_report(a1) : NULL;
    if (r1) {
        CHECK_EQ_U64(r1->verdict, KIN_VERDICT_KNOWN_FAMILY);
        CHECK_EQ_STR(r1->family, "alpha");
        CHECK_EQ_U64(r1->confidence, code_conf + 15 > 95 ? 95 : code_conf + 15);
        CHECK(!r1->circumstantial);
        const struct kin_evidence_indicator *e = find_ioc(r1, ADDR_X);
        CHECK(e != NULL);
        if (e) {
            CHECK_EQ_STR(e->type, "btc");
            CHECK_EQ_STR(e->family, "alpha");
            CHECK_EQ_STR(e->actor, "red");
            CHECK(e->strong && e->supports && e->ubiquitous == NULL);
            CHECK_EQ_U64(e->samples, 1);
            CHECK_EQ_U64(e->families, 1);
            CHECK_EQ_U64(strlen(e->sample), 64);
        }
        CHECK(caveat_has(r1, "strengthen"));
    }

    /* The indicator fixture shares no code, only X (alpha) and Y (beta): two families, no claim. */
    const char *elf = KIN_FIXTURE_DIR "/iocs/iocs_elf";
    struct kin_attribution *a2 = iu_attribute(idx, elf, NULL);
    const struct kin_attribution_report *r2 = a2 ? kin_attribution_report(a2) : NULL;
    if (r2) {
        CHECK_EQ_U64(r2->verdict, KIN_VERDICT_UNATTRIBUTED);
        CHECK(find_ioc(r2, ADDR_X) && find_ioc(r2, ADDR_Y));
        CHECK(find_ioc(r2, ADDR_X) && !find_ioc(r2, ADDR_X)->supports);
    }

    /* Without beta, the addresses point to alpha alone: a claim, Med at most, circumstantial. */
    CHECK_OK(kin_index_remove_family(idx, "beta", NULL));
    iu_add(idx, FIX("beta"), "beta", "blue");
    CHECK_OK(kin_index_flush(idx));
    struct kin_attribution *a3 = iu_attribute(idx, elf, NULL);
    const struct kin_attribution_report *r3 = a3 ? kin_attribution_report(a3) : NULL;
    if (r3) {
        CHECK_EQ_U64(r3->verdict, KIN_VERDICT_KNOWN_FAMILY);
        CHECK(r3->family && !strcmp(r3->family, "alpha"));
        CHECK(r3->actor && !strcmp(r3->actor, "red"));
        CHECK(r3->confidence >= 30 && r3->confidence <= 45);
        CHECK(r3->circumstantial);
        CHECK(caveat_has(r3, "copy"));
        CHECK(!find_ioc(r3, ADDR_Y));
        CHECK(find_ioc(r3, ADDR_X) && find_ioc(r3, ADDR_X)->supports);
        for (size_t i = 0; i < r3->next_step_count; i++) {
            CHECK(strstr(r3->next_steps[i], "(null)") == NULL);
        }
    }
    /* Through the CLI: the indicator is in the JSON evidence. */
    CHECK_EQ_U64(cli_count(db, elf, "\"indicators\":[{\"type\":\"btc\""), 1);
    CHECK_EQ_U64(cli_count(db, elf, "\"verdict\":\"known-family\""), 1);

    /* The sample holding X, attributed as indexed, is left out: X is held by nobody else. */
    struct kin_attribution *a4 = NULL;
    struct kin_sample *s = NULL;
    CHECK_OK(kin_sample_open(p_v1, NULL, &s));
    if (s) {
        CHECK_OK(kin_attribute_indexed(idx, kin_sample_image(s)->hashes.sha256, NULL, &a4));
    }
    kin_sample_free(s);
    if (a4) {
        CHECK_EQ_U64(kin_attribution_report(a4)->indicator_count, 0);
    }

    kin_attribution_free(a0);
    kin_attribution_free(a1);
    kin_attribution_free(a2);
    kin_attribution_free(a3);
    kin_attribution_free(a4);
    kin_index_close(idx);
    char buf[500];
    const char *files[] = {"kin.db", "kin.db-wal", "kin.db-shm", "v1.exe", "beta.exe", "v2x.exe"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        (void)snprintf(buf, sizeof(buf), "%s/%s", tmpdir, files[i]);
        (void)unlink(buf);
    }
    (void)rmdir(tmpdir);
    CHECK_DONE();
}

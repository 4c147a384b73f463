/*
 * test_search_cli.c: indicators through the kin binary (issue #5): `kin add` of the indicator
 * fixtures (tests/fixtures/iocs_fixture.c, ELF and PE) stores their indicators, `kin search`
 * finds WannaCry's address in both and a one-character-changed copy in neither, normalises the
 * query, reports listed ubiquitous values, and `kin rm` takes a sample's indicators back.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cli_run.h"
#include "kin.h"

static char tmpdir[256];
static char db[300];
static char out_path[300];
static char err_path[300];

/* Runs the CLI with args (NULL-terminated); stdout and stderr go to out_path and err_path. */
static int run(const char *const *args)
{
    return cli_run(args, out_path, err_path);
}

/* Number of times needle occurs in the last run's stdout (or stderr). */
static size_t count_in(const char *path, const char *needle)
{
    char *s = cli_slurp(path);
    size_t n = 0;
    for (const char *p = s; p && (p = strstr(p, needle)) != NULL; p++) {
        n++;
    }
    free(s);
    return n;
}

static int exists(const char *path)
{
    return access(path, R_OK) == 0;
}

/* The sha256 of a file as the index records it. */
static void sha256_of(const char *path, char out[65])
{
    struct kin_sample *s = NULL;
    out[0] = '\0';
    if (kin_sample_open(path, NULL, &s) == KIN_OK) {
        memcpy(out, kin_sample_image(s)->hashes.sha256, 65);
    }
    kin_sample_free(s);
}

int main(void)
{
    const char *elf = KIN_FIXTURE_DIR "/iocs/iocs_elf";
    const char *pe = KIN_FIXTURE_DIR "/iocs/iocs_pe.exe";
    char elf_sha[65], pe_sha[65];
    int have_pe = exists(pe);
    (void)snprintf(tmpdir, sizeof(tmpdir), "%s/kin-test-search-XXXXXX",
                   getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    (void)snprintf(db, sizeof(db), "%s/kin.db", tmpdir);
    (void)snprintf(out_path, sizeof(out_path), "%s/out", tmpdir);
    (void)snprintf(err_path, sizeof(err_path), "%s/err", tmpdir);
    CHECK(exists(elf));
    sha256_of(elf, elf_sha);
    sha256_of(pe, pe_sha);
    if (!have_pe) {
        fprintf(stderr, "no PE fixture (mingw-w64 missing): ELF only\n");
    }

    const char *add_elf[] = {KIN_CLI,   "add",     "--db",      db,    "--family", "wannacry",
                             "--actor", "lazarus", "--version", "1.0", elf,        NULL};
    CHECK_EQ_U64(run(add_elf), 0);
    if (have_pe) {
        const char *add_pe[] = {KIN_CLI,    "add",       "--db", db, "--family",
                                "wannacry", "--version", "2.0",  pe, NULL};
        CHECK_EQ_U64(run(add_pe), 0);
    }
    size_t holders = have_pe ? 2 : 1;

    /* WannaCry's first ransom address: found in every sample holding it, with its labels. */
    const char *s1[] = {KIN_CLI, "search", "--db", db, "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94", NULL};
    CHECK_EQ_U64(run(s1), 0);
    CHECK_EQ_U64(count_in(out_path, elf_sha), 1);
    if (have_pe) {
        CHECK_EQ_U64(count_in(out_path, pe_sha), 1);
        CHECK_EQ_U64(count_in(out_path, "2 samples, 1 family"), 1);
    }
    CHECK_EQ_U64(count_in(out_path, "wannacry"), holders);
    CHECK_EQ_U64(count_in(out_path, "lazarus"), holders);

    /* One character changed: the checksum fails, nothing was stored, nothing is found. */
    const char *s2[] = {KIN_CLI, "search", "--db", db, "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb95", NULL};
    CHECK_EQ_U64(run(s2), 1);
    CHECK_EQ_U64(count_in(out_path, "wannacry"), 0);

    /* The query is normalised as the index stores it: onion names are case-insensitive. */
    const char *s3[] = {KIN_CLI,  "search",
                        "--db",   db,
                        "--json", "PG6MMJIYJMCRSSLVYKFWNNTLARU7P5SVN6Y2YMMJU6NUBXNDF4PSCRYD.ONION",
                        NULL};
    CHECK_EQ_U64(run(s3), 0);
    CHECK_EQ_U64(count_in(out_path, "\"type\":\"onion\""), holders);
    CHECK_EQ_U64(count_in(out_path, "\"ubiquitous\":false"), holders);
    CHECK_EQ_U64(count_in(out_path, "\"section\":"), holders);

    /* A type filter that does not fit finds nothing; the right one does. */
    const char *s4[] = {
        KIN_CLI, "search", "--db", db, "--type", "eth", "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94", NULL};
    CHECK_EQ_U64(run(s4), 1);
    const char *s5[] = {
        KIN_CLI, "search", "--db", db, "--type", "btc,eth", "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94",
        NULL};
    CHECK_EQ_U64(run(s5), 0);
    const char *s6[] = {KIN_CLI, "search", "--db", db, "--type", "winpath", "C:\\x", NULL};
    CHECK_EQ_U64(run(s6), 2);

    /* The fixture's URL is under example.net (RFC 2606): on the built-in list, never stored. */
    const char *s7[] = {KIN_CLI, "search", "--db", db, "http://c2.example.net:8443/gate.php?id=1",
                        NULL};
    CHECK_EQ_U64(run(s7), 1);
    CHECK_EQ_U64(count_in(err_path, "ubiquitous"), 1);

    /* kin rm takes a sample's indicators back. */
    if (have_pe) {
        const char *rm[] = {KIN_CLI, "rm", "--db", db, pe_sha, NULL};
        CHECK_EQ_U64(run(rm), 0);
        CHECK_EQ_U64(run(s1), 0);
        CHECK_EQ_U64(count_in(out_path, pe_sha), 0);
        CHECK_EQ_U64(count_in(out_path, "1 sample, 1 family"), 1);
    }
    const char *stats[] = {KIN_CLI, "stats", "--db", db, "--json", NULL};
    CHECK_EQ_U64(run(stats), 0);
    CHECK_EQ_U64(count_in(out_path, "\"indicators\":0"), 0);
    const char *rm_elf[] = {KIN_CLI, "rm", "--db", db, elf_sha, NULL};
    CHECK_EQ_U64(run(rm_elf), 0);
    CHECK_EQ_U64(run(s1), 1);
    CHECK_EQ_U64(run(stats), 0);
    CHECK_EQ_U64(count_in(out_path, "\"indicators\":0"), 1);

    /* Usage errors. */
    const char *bad[] = {KIN_CLI, "search", "--db", db, NULL};
    CHECK_EQ_U64(run(bad), 2);

    char buf[400];
    (void)unlink(db);
    (void)snprintf(buf, sizeof(buf), "%s-wal", db);
    (void)unlink(buf);
    (void)snprintf(buf, sizeof(buf), "%s-shm", db);
    (void)unlink(buf);
    (void)unlink(out_path);
    (void)unlink(err_path);
    (void)rmdir(tmpdir);
    CHECK_DONE();
}

/*
 * test_store_cli.c: the index commands run as a user runs them (the kin binary, KIN_CLI) on
 * copies of a PE fixture made distinct by a trailer: a batch goes on past a file that fails to
 * load and skips files that are not binaries; kill -9 during `kin add` leaves exactly the samples
 * fully added and the next `kin add` completes the rest; `kin ls` and `kin stats` run while
 * `kin add` writes; `kin import` reads a corpus manifest; `kin rm` updates the statistics.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "cli_run.h"
#include "db_util.h"
#include "kin.h"

#define COPIES 24

static char tmpdir[256];
static char samples_dir[300];
static size_t fixture_functions; /* functions kin finds in the fixture */

static int copy_with_trailer(const char *from, const char *to, unsigned n)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t k;
    int ok = in && out;
    while (ok && (k = fread(buf, 1, sizeof(buf), in)) > 0) {
        ok = fwrite(buf, 1, k, out) == k;
    }
    if (ok) {
        ok = fprintf(out, "kin-test-trailer-%08u", n) > 0;
    }
    if (in) {
        (void)fclose(in);
    }
    if (out && fclose(out) != 0) {
        ok = 0;
    }
    return ok ? 0 : -1;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        return -1;
    }
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

struct tally {
    uint64_t samples;
    uint64_t functions;
};

static int count_sample(void *ctx, const struct kin_index_sample *s)
{
    struct tally *t = ctx;
    t->samples++;
    t->functions += s->function_count;
    return 0;
}

/* Samples listed and stats of an index, read-only; samples = -1 when it cannot be opened. */
static int64_t index_samples(const char *db, struct kin_index_stats *stats, struct tally *t)
{
    struct kin_index *idx = NULL;
    int64_t n = -1;
    memset(t, 0, sizeof(*t));
    if (kin_index_open(db, KIN_INDEX_READONLY, &idx) == KIN_OK &&
        kin_index_stats(idx, stats) == KIN_OK &&
        kin_index_samples(idx, NULL, count_sample, t) == KIN_OK) {
        n = (int64_t)stats->samples;
    }
    kin_index_close(idx);
    return n;
}

static void make_samples(void)
{
    char from[512], to[512];
    (void)snprintf(from, sizeof(from), "%s/pe_main64.exe", KIN_FIXTURE_DIR);
    (void)snprintf(samples_dir, sizeof(samples_dir), "%s/samples", tmpdir);
    CHECK(mkdir(samples_dir, 0755) == 0);
    for (unsigned i = 0; i < COPIES; i++) {
        (void)snprintf(to, sizeof(to), "%s/copy%03u.exe", samples_dir, i);
        CHECK(copy_with_trailer(from, to, i) == 0);
    }
}

/* A batch goes on past a broken file and a text file; a second run adds nothing. */
static void test_batch(void)
{
    char db[300], bad[300], text[300], out[300], err[300];
    (void)snprintf(db, sizeof(db), "%s/batch.db", tmpdir);
    (void)snprintf(bad, sizeof(bad), "%s/broken.exe", tmpdir);
    (void)snprintf(text, sizeof(text), "%s/notes.txt", tmpdir);
    (void)snprintf(out, sizeof(out), "%s/out.txt", tmpdir);
    (void)snprintf(err, sizeof(err), "%s/err.txt", tmpdir);
    CHECK(write_file(bad, "MZ") == 0);
    CHECK(write_file(text, "not a binary\n") == 0);
    const char *args[] = {KIN_CLI,   "add", "--db",      db,    "-j", "2",  "--family",  "main",
                          "--actor", "us",  "--version", "1.0", bad,  text, samples_dir, NULL};
    CHECK_EQ_U64(cli_run(args, out, err), 3); /* the broken file fails the run, not the batch */
    char *o = cli_slurp(out), *e = cli_slurp(err);
    CHECK(o && strstr(o, "added 24 samples") && strstr(o, "1 skipped, 1 failed"));
    CHECK(e && strstr(e, "broken.exe") && strstr(e, "notes.txt"));
    free(o);
    free(e);
    struct kin_index_stats st;
    struct tally t;
    CHECK_EQ_U64(index_samples(db, &st, &t), COPIES);
    CHECK_EQ_U64(st.staged_samples, 0); /* the batch merged what it staged */
    CHECK(st.pichashes > 0 && st.band_values > 0);
    CHECK_EQ_U64(st.families, 1);
    CHECK_EQ_U64(st.actors, 1);
    fixture_functions = (size_t)(t.functions / COPIES);
    CHECK(fixture_functions > 10);
    CHECK_EQ_U64(t.functions, st.functions);

    /* Idempotent: everything is reported as present, nothing added. */
    const char *again[] = {KIN_CLI, "add", "--db", db, samples_dir, NULL};
    CHECK_EQ_U64(cli_run(again, out, err), 0);
    o = cli_slurp(out);
    CHECK(o && strstr(o, "added 0 samples") && strstr(o, "24 already indexed"));
    free(o);

    /* rm of a family takes its samples and their statistics away. */
    const char *rm[] = {KIN_CLI, "rm", "--db", db, "main", NULL};
    CHECK_EQ_U64(cli_run(rm, out, err), 0);
    CHECK_EQ_U64(index_samples(db, &st, &t), 0);
    CHECK_EQ_U64(st.pichashes, 0);
    CHECK_EQ_U64(st.band_values, 0);
    CHECK_EQ_U64(cli_run(rm, out, err), 1); /* gone */
    remove_db(db);
}

/* kill -9 in the middle of `kin add`, then a second run. */
static void test_kill(void)
{
    char db[300];
    (void)snprintf(db, sizeof(db), "%s/kill.db", tmpdir);
    const char *args[] = {KIN_CLI, "add", "--db", db, "-j", "1", samples_dir, NULL};
    pid_t pid = cli_spawn(args, NULL, NULL);
    CHECK(pid > 0);
    struct kin_index_stats st;
    struct tally t;
    int64_t seen = -1;
    /* Wait for six samples, however loaded the machine is (up to 120 s), unless kin add ends. */
    int status = 0;
    pid_t ended = 0;
    for (int i = 0; i < 60000 && seen < 6 && ended == 0; i++) {
        struct timespec pause = {0, 2 * 1000 * 1000};
        nanosleep(&pause, NULL);
        seen = access(db, F_OK) == 0 ? index_samples(db, &st, &t) : -1;
        ended = waitpid(pid, &status, WNOHANG);
    }
    if (ended == 0) {
        CHECK(kill(pid, SIGKILL) == 0);
        CHECK(waitpid(pid, &status, 0) == pid);
    }
    int64_t have = index_samples(db, &st, &t);
    /* On a very fast machine the writer may finish first; the rest of the test still holds. */
    CHECK(WIFSIGNALED(status) || have == COPIES);
    fprintf(stderr, "kill test (CLI): %lld of %d samples present after SIGKILL\n", (long long)have,
            COPIES);
    CHECK(have >= 6);
    /* Whole samples only: every sample listed has all its functions. */
    CHECK_EQ_U64(t.functions, (uint64_t)have * fixture_functions);
    CHECK_EQ_U64(st.functions, t.functions);

    /* The next run completes the rest and merges everything. */
    char out[300];
    (void)snprintf(out, sizeof(out), "%s/out2.txt", tmpdir);
    CHECK_EQ_U64(cli_run(args, out, NULL), 0);
    char *o = cli_slurp(out);
    char want[64];
    (void)snprintf(want, sizeof(want), "added %lld samples", (long long)(COPIES - have));
    CHECK(o && strstr(o, want));
    free(o);
    CHECK_EQ_U64(index_samples(db, &st, &t), COPIES);
    CHECK_EQ_U64(t.functions, (uint64_t)COPIES * fixture_functions);
    CHECK_EQ_U64(st.staged_samples, 0);
    remove_db(db);
}

/* Readers (ls, stats) while a writer adds. */
static void test_concurrent(void)
{
    char db[300], first[400];
    (void)snprintf(db, sizeof(db), "%s/conc.db", tmpdir);
    (void)snprintf(first, sizeof(first), "%s/copy000.exe", samples_dir);
    const char *seed[] = {KIN_CLI, "add", "--db", db, first, NULL};
    CHECK_EQ_U64(cli_run(seed, NULL, NULL), 0);
    const char *args[] = {KIN_CLI, "add", "--db", db, "-j", "1", samples_dir, NULL};
    pid_t pid = cli_spawn(args, NULL, NULL);
    const char *ls[] = {KIN_CLI, "ls", "--db", db, NULL};
    const char *stats[] = {KIN_CLI, "stats", "--db", db, NULL};
    int reads = 0, failures = 0;
    char err[300];
    (void)snprintf(err, sizeof(err), "%s/conc_err.txt", tmpdir);
    for (int i = 0; i < 10; i++) {
        int a = cli_run(ls, NULL, err);
        int b = cli_run(stats, NULL, err);
        if (a != 0 || b != 0) {
            char *e = cli_slurp(err);
            fprintf(stderr, "reader failed (ls %d, stats %d): %s\n", a, b, e ? e : "");
            free(e);
        }
        failures += (a != 0) + (b != 0);
        reads += 2;
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ_U64(failures, 0);
    fprintf(stderr, "concurrent: %d reads while kin add ran, %d failed\n", reads, failures);
    struct kin_index_stats st;
    struct tally t;
    CHECK_EQ_U64(index_samples(db, &st, &t), COPIES);
    remove_db(db);
}

/* `kin import` on a manifest in the corpus format, paths relative to its directory. */
static void test_import(void)
{
    char db[300], manifest[300], out[300], err[300], sha[3][65];
    (void)snprintf(db, sizeof(db), "%s/import.db", tmpdir);
    (void)snprintf(manifest, sizeof(manifest), "%s/manifest.tsv", tmpdir);
    (void)snprintf(out, sizeof(out), "%s/out3.txt", tmpdir);
    (void)snprintf(err, sizeof(err), "%s/err3.txt", tmpdir);
    /* The sha256 of three copies, read back from an index holding them. */
    char scratch[300];
    (void)snprintf(scratch, sizeof(scratch), "%s/scratch.db", tmpdir);
    for (int i = 0; i < 3; i++) {
        char path[400];
        (void)snprintf(path, sizeof(path), "%s/copy%03d.exe", samples_dir, i);
        const char *a[] = {KIN_CLI, "ls", "--db", scratch, "--json", NULL};
        const char *add[] = {KIN_CLI, "add", "--db", scratch, path, NULL};
        remove_db(scratch);
        CHECK_EQ_U64(cli_run(add, NULL, NULL), 0);
        CHECK_EQ_U64(cli_run(a, out, NULL), 0);
        char *o = cli_slurp(out);
        const char *k = o ? strstr(o, "\"sha256\":\"") : NULL;
        CHECK(k != NULL);
        if (k) {
            memcpy(sha[i], k + 10, 64);
            sha[i][64] = '\0';
        }
        free(o);
    }
    remove_db(scratch);
    char text[2048];
    (void)snprintf(text, sizeof(text),
                   "sha256\tpath\tfamily\tactor\tversion\tarch\tdup_of\n"
                   "%s\tsamples/copy000.exe\tfam-a\tact\t1.0\tx64\t-\n"
                   "%s\tsamples/copy001.exe\tfam-a\tact\t1.1\tx64\t-\n"
                   "%s\tsamples/copy002.exe\tfam-b\tact\t2.0\tx64\t-\n"
                   "%s\tsamples/copy003.exe\tfam-b\tact\t2.1\tx64\t-\n",
                   sha[0], sha[1], sha[2],
                   /*
                    * A sha256 no file of the batch has: with copy000's, the row would be
                    * skipped as already indexed whenever copy000 is written first (a race).
                    */
                   "abababababababababababababababababababababababababababababababab");
    CHECK(write_file(manifest, text) == 0);
    const char *args[] = {KIN_CLI, "import", "--db", db, manifest, NULL};
    CHECK_EQ_U64(cli_run(args, out, err), 3); /* copy003's sha256 does not match its row */
    char *o = cli_slurp(out), *e = cli_slurp(err);
    CHECK(o && strstr(o, "added 3 samples") && strstr(o, "1 failed"));
    CHECK(e && strstr(e, "copy003.exe") && strstr(e, "manifest says"));
    free(o);
    free(e);
    const char *fam[] = {KIN_CLI, "families", "--db", db, NULL};
    CHECK_EQ_U64(cli_run(fam, out, NULL), 0);
    o = cli_slurp(out);
    CHECK(o && strstr(o, "fam-a") && strstr(o, "fam-b") && strstr(o, "act"));
    free(o);
    /* Rows whose sha256 is indexed are skipped without reading the file (copy003 too). */
    (void)snprintf(text, sizeof(text),
                   "sha256\tpath\tfamily\tactor\tversion\tarch\tdup_of\n"
                   "%s\tsamples/copy000.exe\tfam-a\tact\t1.0\tx64\t-\n"
                   "%s\tsamples/copy001.exe\tfam-a\tact\t1.1\tx64\t-\n"
                   "%s\tsamples/copy002.exe\tfam-b\tact\t2.0\tx64\t-\n"
                   "%s\tsamples/copy003.exe\tfam-b\tact\t2.1\tx64\t-\n",
                   sha[0], sha[1], sha[2], sha[0]);
    CHECK(write_file(manifest, text) == 0);
    CHECK_EQ_U64(cli_run(args, out, err), 0);
    o = cli_slurp(out);
    CHECK(o && strstr(o, "added 0 samples") && strstr(o, "4 already indexed"));
    free(o);
    remove_db(db);
}

int main(void)
{
    (void)snprintf(tmpdir, sizeof(tmpdir), "%s/kin-test-store-cli-XXXXXX",
                   getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    make_samples();
    test_batch();
    test_kill();
    test_concurrent();
    test_import();
    char cmd[600];
    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    CHECK(system(cmd) == 0);
    CHECK_DONE();
}

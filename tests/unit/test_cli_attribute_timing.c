/*
 * test_cli_attribute_timing.c: `kin attribute --timing` (read by bench/bench_scale.py) prints one
 * line per file on stderr with the wall time of its analysis, of the index part and of opening
 * the index, the CPU time of the first two, each a number of milliseconds, and the file name;
 * without --timing nothing of it is printed, and the report on stdout is the same either way.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "cli_run.h"

#define FIX(name) KIN_FIXTURE_DIR "/attr_" name ".exe"

static char tmpdir[256];

/* Parses "<label> <number> ms" at the start of *p; advances *p past it. -1 when absent. */
static double field(const char **p, const char *label)
{
    size_t n = strlen(label);
    if (strncmp(*p, label, n) != 0) {
        return -1;
    }
    char *end = NULL;
    double v = strtod(*p + n, &end);
    if (end == *p + n || strncmp(end, " ms", 3) != 0) {
        return -1;
    }
    *p = end + 3;
    return v;
}

/* Checks one timing line for file, found in text. */
static void check_line(const char *text, const char *file)
{
    const char *p = strstr(text, "kin attribute: timing: ");
    CHECK(p != NULL);
    if (!p) {
        return;
    }
    p += strlen("kin attribute: timing: ");
    double analysis = field(&p, "analysis ");
    CHECK(analysis > 0); /* loading and analysing a file takes some time */
    double index = field(&p, ", index ");
    CHECK(index >= 0);
    double open = field(&p, ", index open ");
    CHECK(open >= 0);
    double cpu_analysis = field(&p, ", cpu analysis ");
    CHECK(cpu_analysis > 0);
    double cpu_index = field(&p, ", cpu index ");
    CHECK(cpu_index >= 0);
    CHECK(strncmp(p, ": ", 2) == 0);
    CHECK(strncmp(p + 2, file, strlen(file)) == 0);
    CHECK(p[2 + strlen(file)] == '\n');
}

int main(void)
{
    char db[300], out1[300], out2[300], err1[300], err2[300];
    (void)snprintf(tmpdir, sizeof(tmpdir), "/tmp/kin-test-timing-XXXXXX");
    CHECK(mkdtemp(tmpdir) != NULL);
    (void)snprintf(db, sizeof(db), "%s/idx.db", tmpdir);
    (void)snprintf(out1, sizeof(out1), "%s/out1", tmpdir);
    (void)snprintf(out2, sizeof(out2), "%s/out2", tmpdir);
    (void)snprintf(err1, sizeof(err1), "%s/err1", tmpdir);
    (void)snprintf(err2, sizeof(err2), "%s/err2", tmpdir);

    const char *add[] = {KIN_CLI,   "add", "--db",          db,  "-j", "1", "--family", "alpha",
                         "--actor", "red", FIX("alpha_v1"), NULL};
    CHECK_EQ_U64(cli_run(add, out1, err1), 0);

    const char *plain[] = {KIN_CLI,  "attribute",     "--db",      db,
                           "--json", FIX("alpha_v2"), FIX("beta"), NULL};
    const char *timed[] = {KIN_CLI,    "attribute",     "--db",      db,  "--json",
                           "--timing", FIX("alpha_v2"), FIX("beta"), NULL};
    int rc1 = cli_run(plain, out1, err1);
    int rc2 = cli_run(timed, out2, err2);
    CHECK(rc1 == 0 || rc1 == 1);
    CHECK_EQ_U64(rc2, rc1);
    char *o1 = cli_slurp(out1), *o2 = cli_slurp(out2), *e1 = cli_slurp(err1), *e2 = cli_slurp(err2);
    CHECK(o1 && o2 && e1 && e2);
    if (o1 && o2 && e1 && e2) {
        CHECK(strlen(o1) > 0);
        CHECK_EQ_STR(o2, o1);
        CHECK(strstr(e1, "timing:") == NULL);
        check_line(e2, FIX("alpha_v2"));
        const char *second = strstr(e2, "\n");
        CHECK(second != NULL);
        if (second) {
            check_line(second + 1, FIX("beta"));
        }
    }
    free(o1);
    free(o2);
    free(e1);
    free(e2);
    char cmd[300];
    (void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    CHECK(system(cmd) == 0);
    CHECK_DONE();
}

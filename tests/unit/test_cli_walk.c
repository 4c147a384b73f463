/*
 * test_cli_walk.c: directory walking (cli/walk.c) on a tree built in a temporary directory:
 * sorted order, symlink loops ended, special files skipped, depth bounded, directories refused
 * without -r. Also the progress line (cli/progress.c), forced on for a memory stream.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "progress.h"
#include "walk.h"

struct seen {
    char paths[32][512];
    int named[32];
    size_t count;
    size_t stop_after; /* 0: never stop */
};

static int on_file(const char *path, int named, void *ctx)
{
    struct seen *s = ctx;
    if (s->count < 32) {
        snprintf(s->paths[s->count], sizeof(s->paths[0]), "%s", path);
        s->named[s->count] = named;
    }
    s->count++;
    return s->stop_after && s->count >= s->stop_after ? 42 : 0;
}

static char root[64];

static void mk(const char *rel, int dir)
{
    char p[256];
    snprintf(p, sizeof(p), "%s/%s", root, rel);
    if (dir) {
        CHECK(mkdir(p, 0700) == 0);
    } else {
        FILE *f = fopen(p, "w");
        CHECK(f != NULL);
        if (f) {
            fputs("x", f);
            fclose(f);
        }
    }
}

static void mklink(const char *target, const char *rel)
{
    char p[256];
    snprintf(p, sizeof(p), "%s/%s", root, rel);
    CHECK(symlink(target, p) == 0);
}

/* The path relative to root, for comparisons. */
static const char *rel(const char *p)
{
    size_t n = strlen(root);
    return strncmp(p, root, n) == 0 && p[n] == '/' ? p + n + 1 : p;
}

static void test_tree(void)
{
    struct seen s;
    struct walk w;
    char p[256];
    memset(&s, 0, sizeof(s));
    mk("b", 0);
    mk("a", 0);
    mk("C", 0); /* bytewise order: uppercase before lowercase */
    mk("d", 1);
    mk("d/z", 0);
    mk("d/y", 1);
    mk("d/y/x", 0);
    mklink("..", "d/y/up");  /* a loop back to d */
    mklink("../a", "d/lnk"); /* a symlink to a file is followed */
    mklink("nowhere", "dangling");
    snprintf(p, sizeof(p), "%s/fifo", root);
    CHECK(mkfifo(p, 0600) == 0);

    walk_init(&w, 1, on_file, &s);
    CHECK(walk_path(&w, root) == 0);
    CHECK_EQ_U64(s.count, 6);
    const char *want[] = {"C", "a", "b", "d/lnk", "d/y/x", "d/z"};
    for (size_t i = 0; i < 6 && i < s.count; i++) {
        CHECK_EQ_STR(rel(s.paths[i]), want[i]);
        CHECK(s.named[i] == 0);
    }
    CHECK_EQ_U64(w.errors, 1);  /* the dangling link */
    CHECK_EQ_U64(w.skipped, 2); /* the fifo and the loop */
    walk_release(&w);

    /* Without -r a directory is an error; a file is passed on as named. */
    memset(&s, 0, sizeof(s));
    walk_init(&w, 0, on_file, &s);
    CHECK(walk_path(&w, root) == 0);
    snprintf(p, sizeof(p), "%s/a", root);
    CHECK(walk_path(&w, p) == 0);
    snprintf(p, sizeof(p), "%s/fifo", root);
    CHECK(walk_path(&w, p) == 0);
    CHECK(walk_path(&w, "/nonexistent/kin-test") == 0);
    CHECK_EQ_U64(s.count, 1);
    CHECK(s.named[0] == 1);
    CHECK_EQ_U64(w.errors, 3); /* directory, named fifo, missing path */
    walk_release(&w);

    /* The depth cap: below max_depth levels nothing is visited, and that is an error. */
    memset(&s, 0, sizeof(s));
    walk_init(&w, 1, on_file, &s);
    w.max_depth = 1;
    CHECK(walk_path(&w, root) == 0);
    CHECK_EQ_U64(s.count, 5); /* d/y/x is two levels down */
    CHECK(w.errors >= 1);
    walk_release(&w);

    /* The callback stops the walk. */
    memset(&s, 0, sizeof(s));
    s.stop_after = 2;
    walk_init(&w, 1, on_file, &s);
    CHECK(walk_path(&w, root) == 42);
    CHECK_EQ_U64(s.count, 2);
    walk_release(&w);
}

static void test_progress(void)
{
    char buf[512];
    FILE *f = fmemopen(buf, sizeof(buf), "w");
    struct progress p;
    CHECK(f != NULL);
    if (!f) {
        return;
    }
    progress_init(&p, f);
    CHECK(p.enabled == 0); /* not a terminal */
    progress_update(&p, 1, 2, "ignored");
    p.enabled = 1;
    p.min_interval_ms = 0;
    progress_update(&p, 1, 2, "long-name");
    progress_update(&p, 2, 2, "e\x1b");
    progress_clear(&p);
    fclose(f);
    /* The shorter second line blanks the rest of the first (15 - 11 columns); clear blanks 11. */
    CHECK_EQ_STR(buf, "\r[1/2] long-name\r[2/2] e\\x1b    \r           \r");
}

static void cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    snprintf(root, sizeof(root), "/tmp/kin-walk-XXXXXX");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    test_tree();
    test_progress();
    cleanup();
    CHECK_DONE();
}

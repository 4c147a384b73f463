/*
 * walk.c: command-line paths to regular files (walk.h). Directories are read whole, their
 * entries sorted with strcmp (bytewise, independent of the locale), then visited in that order.
 * Each directory is entered at most once per walk: its (device, inode) goes into a hash set,
 * which ends symlink loops and keeps a tree of symlinks from multiplying the work.
 */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "text.h"

struct walk_dir_id {
    dev_t dev;
    ino_t ino;
    int used;
};

void walk_init(struct walk *w, int recursive, walk_fn fn, void *ctx)
{
    memset(w, 0, sizeof(*w));
    w->recursive = recursive;
    w->fn = fn;
    w->ctx = ctx;
}

void walk_release(struct walk *w)
{
    free(w->seen);
    w->seen = NULL;
    w->seen_count = w->seen_cap = 0;
}

static size_t id_hash(dev_t dev, ino_t ino, size_t cap)
{
    uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15u ^ (uint64_t)dev;
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* Inserts (dev, ino); returns 1 when inserted, 0 when already present, -1 out of memory. */
static int seen_insert(struct walk *w, dev_t dev, ino_t ino)
{
    if (2 * (w->seen_count + 1) > w->seen_cap) {
        size_t cap = w->seen_cap ? 2 * w->seen_cap : 64;
        struct walk_dir_id *v = calloc(cap, sizeof(*v));
        if (!v) {
            return -1;
        }
        for (size_t i = 0; i < w->seen_cap; i++) {
            if (w->seen[i].used) {
                size_t k = id_hash(w->seen[i].dev, w->seen[i].ino, cap);
                while (v[k].used) {
                    k = (k + 1) & (cap - 1);
                }
                v[k] = w->seen[i];
            }
        }
        free(w->seen);
        w->seen = v;
        w->seen_cap = cap;
    }
    size_t k = id_hash(dev, ino, w->seen_cap);
    while (w->seen[k].used) {
        if (w->seen[k].dev == dev && w->seen[k].ino == ino) {
            return 0;
        }
        k = (k + 1) & (w->seen_cap - 1);
    }
    w->seen[k].dev = dev;
    w->seen[k].ino = ino;
    w->seen[k].used = 1;
    w->seen_count++;
    return 1;
}

/* Paths are escaped (text.h): a file name is as untrusted as the file. */
static void say(const char *what, const char *path, const char *why)
{
    fprintf(stderr, "kin: %s '", what);
    text_put(stderr, path);
    fprintf(stderr, "': %s\n", why);
}

static void fail(struct walk *w, const char *path, const char *why)
{
    say("cannot read", path, why);
    w->errors++;
}

static void skip(struct walk *w, const char *path, const char *why)
{
    say("skipping", path, why);
    w->skipped++;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    const char *sep = dl > 0 && dir[dl - 1] != '/' ? "/" : "";
    size_t size = dl + strlen(sep) + strlen(name) + 1;
    char *p = malloc(size);
    if (p) {
        snprintf(p, size, "%s%s%s", dir, sep, name);
    }
    return p;
}

/* Reads the entry names of a directory, sorted. Returns 0, or an errno value. */
static int read_names(const char *path, char ***out, size_t *count)
{
    DIR *d = opendir(path);
    char **v = NULL;
    size_t n = 0, cap = 0;
    int err = 0;
    if (!d) {
        return errno;
    }
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            err = errno;
            break;
        }
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
            continue;
        }
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 32;
            char **nv = realloc(v, ncap * sizeof(*nv));
            if (!nv) {
                err = ENOMEM;
                break;
            }
            v = nv;
            cap = ncap;
        }
        if (!(v[n] = strdup(e->d_name))) {
            err = ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (err) {
        for (size_t i = 0; i < n; i++) {
            free(v[i]);
        }
        free(v);
        return err;
    }
    if (n > 1) {
        qsort(v, n, sizeof(*v), cmp_names);
    }
    *out = v;
    *count = n;
    return 0;
}

static int visit(struct walk *w, const char *path, int named, unsigned depth);

static int visit_dir(struct walk *w, const char *path, const struct stat *st, unsigned depth)
{
    unsigned max = w->max_depth ? w->max_depth : WALK_MAX_DEPTH;
    char **names = NULL;
    size_t count = 0;
    int rc = 0;
    if (depth > max) {
        fail(w, path, "too many directory levels");
        return 0;
    }
    int ins = seen_insert(w, st->st_dev, st->st_ino);
    if (ins < 0) {
        fail(w, path, strerror(ENOMEM));
        return 0;
    }
    if (ins == 0) {
        skip(w, path, "directory already visited (symlink loop?)");
        return 0;
    }
    int err = read_names(path, &names, &count);
    if (err) {
        fail(w, path, strerror(err));
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        if (rc == 0) {
            char *child = join(path, names[i]);
            if (!child) {
                fail(w, path, strerror(ENOMEM));
            } else {
                rc = visit(w, child, 0, depth + 1);
            }
            free(child);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static int visit(struct walk *w, const char *path, int named, unsigned depth)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fail(w, path, strerror(errno));
        return 0;
    }
    if (S_ISREG(st.st_mode)) {
        return w->fn(path, named, w->ctx);
    }
    if (S_ISDIR(st.st_mode)) {
        if (!w->recursive) {
            fail(w, path, "is a directory (use -r)");
            return 0;
        }
        return visit_dir(w, path, &st, depth);
    }
    /* FIFOs, sockets and devices: opening one could block or never end. */
    if (named) {
        fail(w, path, "not a regular file");
    } else {
        skip(w, path, "not a regular file");
    }
    return 0;
}

int walk_path(struct walk *w, const char *path)
{
    return visit(w, path, 1, 0);
}

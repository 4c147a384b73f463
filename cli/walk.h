/*
 * walk.h: the files named on a command line, with directories walked when asked (-r).
 *
 * Each regular file reaches a callback once per path, in a deterministic order: arguments as
 * given, directory entries sorted bytewise. Symbolic links are followed; a directory already
 * entered (same device and inode: a symlink loop, or two paths to one directory) is skipped, and
 * the depth is bounded, so any tree ends. Problems are reported on stderr ("kin: ...") and counted.
 */
#ifndef KIN_CLI_WALK_H
#define KIN_CLI_WALK_H

#include <stddef.h>

#define WALK_MAX_DEPTH 64 /* directory levels below a command-line argument */

/*
 * Called for each regular file. `named` is 1 when the path was given on the command line, 0 when
 * it was found in a directory. Returns 0 to go on, non-zero to stop the walk (the value is
 * returned by walk_path()).
 */
typedef int (*walk_fn)(const char *path, int named, void *ctx);

struct walk {
    int recursive;      /* enter directories; without it a directory argument is an error */
    unsigned max_depth; /* 0 means WALK_MAX_DEPTH */
    walk_fn fn;
    void *ctx;
    size_t errors;  /* OUT: paths that could not be read (each reported on stderr) */
    size_t skipped; /* OUT: special files and directories seen twice (noted on stderr) */
    /* Directories entered so far (device, inode), an open-addressing hash set. */
    struct walk_dir_id *seen;
    size_t seen_count, seen_cap;
};

/* Prepares a walk: zeroes w and sets its options. */
void walk_init(struct walk *w, int recursive, walk_fn fn, void *ctx);
/* Walks one command-line argument. Returns 0, or the callback's non-zero value that stopped it. */
int walk_path(struct walk *w, const char *path);
/* Frees what the walk allocated. */
void walk_release(struct walk *w);

#endif /* KIN_CLI_WALK_H */

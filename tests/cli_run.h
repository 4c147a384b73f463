/*
 * cli_run.h: running the kin binary (KIN_CLI) from a test as a user runs it: stdout and stderr to
 * files, the exit status back, and a file read back whole. Shared by the CLI tests so each test
 * keeps only what it asserts. Header-only (static functions): tests are single-file executables.
 */
#ifndef KIN_TESTS_CLI_RUN_H
#define KIN_TESTS_CLI_RUN_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Starts the CLI with args (NULL-terminated), stdout to out, stderr to err (NULL: /dev/null). */
static inline pid_t cli_spawn(const char *const *args, const char *out, const char *err)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fo = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(err ? err : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0) {
            _exit(127);
        }
        execv(KIN_CLI, (char *const *)args);
        _exit(127);
    }
    return pid;
}

/* Runs the CLI to the end; returns its exit status, or -1 when it did not exit normally. */
static inline int cli_run(const char *const *args, const char *out, const char *err)
{
    int status = 0;
    pid_t pid = cli_spawn(args, out, err);
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        return -1;
    }
    return WEXITSTATUS(status);
}

/* The first 64 KiB of a file as a NUL-terminated string (free()), or NULL. */
static inline char *cli_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    if (!f) {
        return NULL;
    }
    p = calloc(1, 1 << 16);
    if (p) {
        size_t n = fread(p, 1, (1 << 16) - 1, f);
        p[n] = '\0';
    }
    (void)fclose(f);
    return p;
}

#endif /* KIN_TESTS_CLI_RUN_H */

/*
 * progress.h: a one-line progress report on stderr for long commands (indexing a corpus). The
 * line is rewritten in place ("\r") at most a few times a second and only when the stream is a
 * terminal, so logs and pipes never see it. Not used by `kin info`, whose output is the progress.
 */
#ifndef KIN_CLI_PROGRESS_H
#define KIN_CLI_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct progress {
    FILE *f;
    int enabled;              /* set by progress_init() when f is a terminal; tests may force it */
    unsigned min_interval_ms; /* fewest milliseconds between two redraws (0: every update) */
    size_t width;             /* columns of the line on screen, to blank it */
    uint64_t last_ms;         /* time of the last redraw, monotonic */
    int drawn;                /* a line is on screen */
};

/* Prepares a progress line on f; enabled only when f is a terminal. */
void progress_init(struct progress *p, FILE *f);
/*
 * Redraws "[done/total] name" (total 0: "[done] name"); name is escaped (text.h) and shortened
 * to its last characters. Skipped when the last redraw is too recent, except when done == total.
 */
void progress_update(struct progress *p, size_t done, size_t total, const char *name);
/* Blanks the line, so that other output on the stream starts on a clean line. */
void progress_clear(struct progress *p);

#endif /* KIN_CLI_PROGRESS_H */

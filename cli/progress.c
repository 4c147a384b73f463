/*
 * progress.c: the progress line of progress.h. Names come from the file system and are escaped
 * like every other string the CLI prints.
 */
#include "progress.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "text.h"

#define PROGRESS_NAME_COLUMNS 60 /* the name's tail kept on the line */

static uint64_t now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        return 0;
    }
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void progress_init(struct progress *p, FILE *f)
{
    memset(p, 0, sizeof(*p));
    p->f = f;
    p->enabled = isatty(fileno(f));
    p->min_interval_ms = 100;
}

void progress_update(struct progress *p, size_t done, size_t total, const char *name)
{
    char line[32 + 4 * PROGRESS_NAME_COLUMNS];
    char esc[4 * PROGRESS_NAME_COLUMNS + 1];
    if (!p->enabled) {
        return;
    }
    uint64_t t = now_ms();
    if (p->drawn && done != total && t - p->last_ms < p->min_interval_ms) {
        return;
    }
    p->last_ms = t;
    /* Escape only the tail of the name: the end of a path says the most. */
    const char *tail = name ? name : "";
    size_t len = strlen(tail);
    if (len > PROGRESS_NAME_COLUMNS) {
        tail += len - PROGRESS_NAME_COLUMNS;
    }
    size_t need = text_escape(esc, sizeof(esc), tail, strlen(tail));
    const char *shown = esc;
    if (need > PROGRESS_NAME_COLUMNS) {
        shown = esc + (need - PROGRESS_NAME_COLUMNS);
    }
    int n;
    if (total) {
        n = snprintf(line, sizeof(line), "[%zu/%zu] %s%s", done, total,
                     shown == esc && tail == name ? "" : "...", shown);
    } else {
        n = snprintf(line, sizeof(line), "[%zu] %s%s", done,
                     shown == esc && tail == name ? "" : "...", shown);
    }
    size_t w = n < 0 ? 0 : (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
    fputc('\r', p->f);
    fwrite(line, 1, w, p->f);
    for (size_t i = w; i < p->width; i++) {
        fputc(' ', p->f);
    }
    p->width = w;
    p->drawn = 1;
    fflush(p->f);
}

void progress_clear(struct progress *p)
{
    if (!p->enabled || !p->drawn) {
        return;
    }
    fputc('\r', p->f);
    for (size_t i = 0; i < p->width; i++) {
        fputc(' ', p->f);
    }
    fputc('\r', p->f);
    p->width = 0;
    p->drawn = 0;
    fflush(p->f);
}

/*
 * text.h: escaping for the terminal. Names and strings from a sample (section names, imports,
 * PDB paths, file names) never reach the terminal raw: a crafted name could carry ESC sequences
 * that rewrite the screen or the window title.
 *
 * Rule: printable ASCII (0x20..0x7e) is written as it is; every other byte (controls, ESC, DEL,
 * and all bytes >= 0x80, so also UTF-8) is written as \xNN with lowercase hex. A backslash is
 * written as it is (Windows paths stay readable) except before 'x' or 'X', where it becomes \x5c,
 * so "\xNN" in the output always stands for one escaped byte.
 */
#ifndef KIN_CLI_TEXT_H
#define KIN_CLI_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Writes n bytes escaped; returns the number of columns written. */
size_t text_putn(FILE *f, const void *p, size_t n);
/* Writes a NUL-terminated string escaped ("(null)" for NULL); returns the columns written. */
size_t text_put(FILE *f, const char *s);
/* Writes s escaped, then spaces up to `width` columns (at least one space when width > 0). */
void text_put_pad(FILE *f, const char *s, size_t width);
/* The number of columns text_put() writes for s. */
size_t text_width(const char *s);
/*
 * Escapes n bytes into out, writing at most size bytes including the NUL. Returns the length the
 * full escape needs (as snprintf does).
 */
size_t text_escape(char *out, size_t size, const void *p, size_t n);

#endif /* KIN_CLI_TEXT_H */

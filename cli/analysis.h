/*
 * analysis.h: what `kin funcs` and `kin diff` share: loading a file and analysing its functions
 * with messages in kin's style, and the names of function flags.
 */
#ifndef KIN_CLI_ANALYSIS_H
#define KIN_CLI_ANALYSIS_H

#include <stdio.h>

#include "json.h"
#include "kin.h"
#include "opts.h"

/*
 * Loads path and analyses its functions. On failure prints "kin: cannot ... 'path': why" on
 * stderr and returns -1 (nothing to free); on success the caller frees *f then *s.
 */
int analysis_open(const char *path,
                  const struct kin_load_options *lo,
                  const struct kin_analyze_options *ao,
                  struct kin_sample **s,
                  struct kin_funcs **f);

/* Writes the flag names ("small thunk ...") separated by sep; returns the count written. */
int flags_print(FILE *out, uint32_t flags, const char *sep);
/* Writes the flags as a JSON array of names. */
void flags_json(struct json *j, uint32_t flags);

/* A short digest of a MinHash signature for text output: its first two values in hex. */
void minhash_digest(const uint32_t *mh, char out[17]);

#endif

/*
 * json.h: a small streaming JSON writer for the CLI's --json output (one object per line).
 *
 * The writer tracks nesting and commas itself; callers emit keys and values in order. Strings
 * taken from a sample are arbitrary bytes, so json_str() is binary-safe: quotes, backslashes and
 * control characters are escaped, valid UTF-8 passes through unchanged, and every byte that is not
 * part of a valid UTF-8 sequence becomes \u00XX (XX = the byte). The output is therefore always
 * valid UTF-8 JSON; a consumer that needs the exact bytes back can tell an escaped invalid byte
 * (\u0080..\u00ff in the JSON text) from a real U+0080..U+00FF character (written as raw UTF-8).
 * Write errors are left on the FILE: the caller checks ferror() once at the end.
 */
#ifndef KIN_CLI_JSON_H
#define KIN_CLI_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
    FILE *f;
    int depth;
    int after_key;                          /* a key was written; the next value needs no comma */
    unsigned char has_item[JSON_MAX_DEPTH]; /* per level: an item was written (comma needed) */
};

/* Starts a document written to f. */
void json_init(struct json *j, FILE *f);
/* Ends a document: writes the newline of the one-object-per-line format. */
void json_end(struct json *j);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);

/* Writes an object key (escaped as json_str() does). */
void json_key(struct json *j, const char *key);

/* A NUL-terminated string, escaped; NULL writes null. */
void json_str(struct json *j, const char *s);
/* n bytes, escaped (NUL bytes become \u0000). */
void json_strn(struct json *j, const void *p, size_t n);
/* A string, or null when s is NULL or empty (for hashes that were not computed). */
void json_str_or_null(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
/* A number with `decimals` digits after the point; NaN and infinities write null. */
void json_double(struct json *j, double v, int decimals);
void json_bool(struct json *j, int v);
void json_null(struct json *j);

/* Key-value shorthands. */
void json_kv_str(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);
void json_kv_bool(struct json *j, const char *key, int v);
void json_kv_null(struct json *j, const char *key);
/* key: an array of v[count] strings. */
void json_kv_str_array(struct json *j, const char *key, const char *const *v, size_t count);

/*
 * Escapes n bytes as json_strn() does into out (without quotes), writing at most size bytes
 * including the NUL. Returns the length the full escape needs (as snprintf does).
 */
size_t json_escape(char *out, size_t size, const void *p, size_t n);

#endif /* KIN_CLI_JSON_H */

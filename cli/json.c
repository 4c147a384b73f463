/*
 * json.c: the streaming JSON writer of json.h. Numbers are written exactly (uint64 in decimal),
 * doubles with a fixed number of decimals in the C locale the CLI runs in. Escaping follows
 * RFC 8259 section 7; invalid UTF-8 (overlong forms, surrogates, code points past U+10FFFF,
 * truncated sequences) is escaped byte by byte as \u00XX.
 */
#include "json.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

/* Escaped output goes either to a FILE or to a bounded buffer (json_escape). */
struct sink {
    FILE *f;
    char *buf;
    size_t size;
    size_t len; /* bytes the full output needs */
};

static void put(struct sink *s, const char *p, size_t n)
{
    if (s->f) {
        fwrite(p, 1, n, s->f);
    } else if (s->size > 0 && s->len < s->size - 1) {
        size_t room = s->size - 1 - s->len;
        memcpy(s->buf + s->len, p, n < room ? n : room);
    }
    s->len += n;
}

/* Length of the valid UTF-8 sequence starting at p[0] (1..4), or 0 when it is not valid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    unsigned char b = p[0];
    unsigned char lo = 0x80, hi = 0xbf;
    size_t len;
    if (b >= 0xc2 && b <= 0xdf) {
        len = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
        len = 3;
        if (b == 0xe0) {
            lo = 0xa0; /* overlong */
        } else if (b == 0xed) {
            hi = 0x9f; /* UTF-16 surrogates */
        }
    } else if (b >= 0xf0 && b <= 0xf4) {
        len = 4;
        if (b == 0xf0) {
            lo = 0x90; /* overlong */
        } else if (b == 0xf4) {
            hi = 0x8f; /* past U+10FFFF */
        }
    } else {
        return 0;
    }
    if (n < len || p[1] < lo || p[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i < len; i++) {
        if (p[i] < 0x80 || p[i] > 0xbf) {
            return 0;
        }
    }
    return len;
}

static void escape(struct sink *s, const unsigned char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0; /* start of the pending run of bytes written as they are */
    size_t i = 0;
    while (i < n) {
        unsigned char b = p[i];
        size_t len = 1;
        const char *esc = NULL;
        char u[7];
        if (b >= 0x80) {
            len = utf8_len(p + i, n - i);
            if (len > 0) {
                i += len;
                continue;
            }
            len = 1;
        } else if (b >= 0x20 && b != '"' && b != '\\' && b != 0x7f) {
            i++;
            continue;
        }
        switch (b) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        default:
            memcpy(u, "\\u00", 4);
            u[4] = hex[b >> 4];
            u[5] = hex[b & 0xf];
            u[6] = '\0';
            esc = u;
            break;
        }
        put(s, (const char *)p + run, i - run);
        put(s, esc, strlen(esc));
        i += len;
        run = i;
    }
    put(s, (const char *)p + run, n - run);
}

size_t json_escape(char *out, size_t size, const void *p, size_t n)
{
    struct sink s = {NULL, out, size, 0};
    escape(&s, p, n);
    if (size > 0) {
        out[s.len < size ? s.len : size - 1] = '\0';
    }
    return s.len;
}

void json_init(struct json *j, FILE *f)
{
    memset(j, 0, sizeof(*j));
    j->f = f;
}

void json_end(struct json *j)
{
    assert(j->depth == 0);
    fputc('\n', j->f);
}

/* Writes the comma that separates this value from the previous one at the same level. */
static void before_value(struct json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth > 0) {
        if (j->has_item[j->depth - 1]) {
            fputc(',', j->f);
        }
        j->has_item[j->depth - 1] = 1;
    }
}

static void begin(struct json *j, int c)
{
    before_value(j);
    assert(j->depth < JSON_MAX_DEPTH);
    fputc(c, j->f);
    j->has_item[j->depth++] = 0;
}

static void end(struct json *j, int c)
{
    assert(j->depth > 0 && !j->after_key);
    j->depth--;
    fputc(c, j->f);
}

void json_object_begin(struct json *j)
{
    begin(j, '{');
}

void json_object_end(struct json *j)
{
    end(j, '}');
}

void json_array_begin(struct json *j)
{
    begin(j, '[');
}

void json_array_end(struct json *j)
{
    end(j, ']');
}

void json_key(struct json *j, const char *key)
{
    assert(!j->after_key);
    json_str(j, key);
    fputc(':', j->f);
    j->after_key = 1;
}

void json_strn(struct json *j, const void *p, size_t n)
{
    struct sink s = {j->f, NULL, 0, 0};
    before_value(j);
    fputc('"', j->f);
    escape(&s, p, n);
    fputc('"', j->f);
}

void json_str(struct json *j, const char *s)
{
    if (!s) {
        json_null(j);
        return;
    }
    json_strn(j, s, strlen(s));
}

void json_str_or_null(struct json *j, const char *s)
{
    json_str(j, s && s[0] ? s : NULL);
}

void json_u64(struct json *j, uint64_t v)
{
    before_value(j);
    fprintf(j->f, "%" PRIu64, v);
}

void json_i64(struct json *j, int64_t v)
{
    before_value(j);
    fprintf(j->f, "%" PRId64, v);
}

void json_double(struct json *j, double v, int decimals)
{
    if (!isfinite(v)) {
        json_null(j);
        return;
    }
    before_value(j);
    fprintf(j->f, "%.*f", decimals, v);
}

void json_bool(struct json *j, int v)
{
    before_value(j);
    fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
    before_value(j);
    fputs("null", j->f);
}

void json_kv_str(struct json *j, const char *key, const char *s)
{
    json_key(j, key);
    json_str(j, s);
}

void json_kv_u64(struct json *j, const char *key, uint64_t v)
{
    json_key(j, key);
    json_u64(j, v);
}

void json_kv_bool(struct json *j, const char *key, int v)
{
    json_key(j, key);
    json_bool(j, v);
}

void json_kv_null(struct json *j, const char *key)
{
    json_key(j, key);
    json_null(j);
}

void json_kv_str_array(struct json *j, const char *key, const char *const *v, size_t count)
{
    json_key(j, key);
    json_array_begin(j);
    for (size_t i = 0; i < count; i++) {
        json_str(j, v[i]);
    }
    json_array_end(j);
}

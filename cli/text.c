/*
 * text.c: the terminal escaping of text.h. Output goes either to a FILE or into a bounded
 * buffer; both paths share one loop, so what the tests check on buffers is what the terminal gets.
 */
#include "text.h"

#include <string.h>

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

static int needs_escape(const unsigned char *p, size_t n, size_t i)
{
    unsigned char b = p[i];
    if (b < 0x20 || b > 0x7e) {
        return 1;
    }
    return b == '\\' && i + 1 < n && (p[i + 1] == 'x' || p[i + 1] == 'X');
}

static void escape(struct sink *s, const unsigned char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (!needs_escape(p, n, i)) {
            continue;
        }
        char e[4] = {'\\', 'x', hex[p[i] >> 4], hex[p[i] & 0xf]};
        put(s, (const char *)p + run, i - run);
        put(s, e, sizeof(e));
        run = i + 1;
    }
    put(s, (const char *)p + run, n - run);
}

size_t text_escape(char *out, size_t size, const void *p, size_t n)
{
    struct sink s = {NULL, out, size, 0};
    escape(&s, p, n);
    if (size > 0) {
        out[s.len < size ? s.len : size - 1] = '\0';
    }
    return s.len;
}

size_t text_putn(FILE *f, const void *p, size_t n)
{
    struct sink s = {f, NULL, 0, 0};
    escape(&s, p, n);
    return s.len;
}

size_t text_put(FILE *f, const char *s)
{
    if (!s) {
        s = "(null)";
    }
    return text_putn(f, s, strlen(s));
}

void text_put_pad(FILE *f, const char *s, size_t width)
{
    size_t w = text_put(f, s);
    if (width == 0) {
        return;
    }
    do {
        fputc(' ', f);
    } while (++w < width);
}

size_t text_width(const char *s)
{
    if (!s) {
        return 6;
    }
    struct sink k = {NULL, NULL, 0, 0};
    escape(&k, (const unsigned char *)s, strlen(s));
    return k.len;
}

/*
 * test_cli_json.c: the CLI's JSON writer (cli/json.c): commas and nesting, exact integers,
 * fixed-precision doubles, and binary-safe string escaping (control characters, quotes, valid
 * UTF-8 kept, each byte of invalid UTF-8 as \u00XX).
 */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "json.h"
#include "kin.h"

/* Runs a writer into memory and returns what it wrote (static buffer). */
static char out[4096];

static FILE *mem_open(void)
{
    FILE *f = fmemopen(out, sizeof(out), "w");
    if (!f) {
        perror("fmemopen");
        exit(1);
    }
    return f;
}

static const char *mem_close(FILE *f)
{
    fclose(f);
    return out;
}

static const char *esc(const char *p, size_t n)
{
    static char buf[512];
    size_t need = json_escape(buf, sizeof(buf), p, n);
    CHECK(need == strlen(buf));
    return buf;
}

static void test_structure(void)
{
    FILE *f = mem_open();
    struct json j;
    json_init(&j, f);
    json_object_begin(&j);
    json_kv_str(&j, "a", "x");
    json_key(&j, "b");
    json_array_begin(&j);
    json_u64(&j, 1);
    json_array_begin(&j);
    json_array_end(&j);
    json_object_begin(&j);
    json_object_end(&j);
    json_null(&j);
    json_bool(&j, 1);
    json_bool(&j, 0);
    json_array_end(&j);
    json_kv_u64(&j, "max", UINT64_MAX);
    json_key(&j, "neg");
    json_i64(&j, INT64_MIN);
    json_kv_null(&j, "n");
    json_kv_bool(&j, "t", 1);
    json_key(&j, "empty");
    json_str_or_null(&j, "");
    json_key(&j, "nullstr");
    json_str(&j, NULL);
    json_object_end(&j);
    json_end(&j);
    CHECK_EQ_STR(mem_close(f), "{\"a\":\"x\",\"b\":[1,[],{},null,true,false],"
                               "\"max\":18446744073709551615,\"neg\":-9223372036854775808,"
                               "\"n\":null,\"t\":true,\"empty\":null,\"nullstr\":null}\n");
}

static void test_doubles(void)
{
    FILE *f = mem_open();
    struct json j;
    json_init(&j, f);
    json_array_begin(&j);
    json_double(&j, 7.99999, 4);
    json_double(&j, 0.0, 4);
    json_double(&j, 1.0 / 3.0, 2);
    json_double(&j, NAN, 4);
    json_double(&j, INFINITY, 4);
    json_double(&j, -INFINITY, 4);
    json_array_end(&j);
    json_end(&j);
    CHECK_EQ_STR(mem_close(f), "[8.0000,0.0000,0.33,null,null,null]\n");
}

static void test_escape_ascii(void)
{
    CHECK_EQ_STR(esc("plain", 5), "plain");
    CHECK_EQ_STR(esc("a\"b\\c/d", 7), "a\\\"b\\\\c/d");
    CHECK_EQ_STR(esc("\n\r\t\b\f", 5), "\\n\\r\\t\\b\\f");
    CHECK_EQ_STR(esc("\x01\x1b[31m\x1f\x7f", 8), "\\u0001\\u001b[31m\\u001f\\u007f");
    /* NUL bytes inside a counted string are kept, escaped. */
    CHECK_EQ_STR(esc("a\0b", 3), "a\\u0000b");
}

static void test_escape_utf8(void)
{
    /* Valid sequences of 2, 3 and 4 bytes pass through unchanged. */
    CHECK_EQ_STR(esc("caf\xc3\xa9", 5), "caf\xc3\xa9");
    CHECK_EQ_STR(esc("\xe2\x82\xac", 3), "\xe2\x82\xac");         /* U+20AC */
    CHECK_EQ_STR(esc("\xf0\x9f\x98\x80", 4), "\xf0\x9f\x98\x80"); /* U+1F600 */
    CHECK_EQ_STR(esc("\xf4\x8f\xbf\xbf", 4), "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
    CHECK_EQ_STR(esc("\xed\x9f\xbf", 3), "\xed\x9f\xbf");         /* U+D7FF */
    /* Invalid: each byte of the broken sequence is escaped on its own. */
    CHECK_EQ_STR(esc("\xff", 1), "\\u00ff");
    CHECK_EQ_STR(esc("\x80", 1), "\\u0080");                       /* lone continuation */
    CHECK_EQ_STR(esc("\xc0\x80", 2), "\\u00c0\\u0080");            /* overlong NUL */
    CHECK_EQ_STR(esc("\xc1\xbf", 2), "\\u00c1\\u00bf");            /* overlong */
    CHECK_EQ_STR(esc("\xe0\x80\x80", 3), "\\u00e0\\u0080\\u0080"); /* overlong 3-byte */
    CHECK_EQ_STR(esc("\xed\xa0\x80", 3), "\\u00ed\\u00a0\\u0080"); /* surrogate D800 */
    CHECK_EQ_STR(esc("\xf0\x80\x80\x80", 4), "\\u00f0\\u0080\\u0080\\u0080");
    CHECK_EQ_STR(esc("\xf4\x90\x80\x80", 4), "\\u00f4\\u0090\\u0080\\u0080"); /* > U+10FFFF */
    CHECK_EQ_STR(esc("\xf5\x80\x80\x80", 4), "\\u00f5\\u0080\\u0080\\u0080");
    /* Truncated at the end of the string, and interrupted by ASCII. */
    CHECK_EQ_STR(esc("a\xe2\x82", 3), "a\\u00e2\\u0082");
    CHECK_EQ_STR(esc("\xe2"
                     "a\xc3\xa9",
                     4),
                 "\\u00e2a\xc3\xa9");
    CHECK_EQ_STR(esc("\xc3\xc3\xa9", 3), "\\u00c3\xc3\xa9");
}

static void test_escape_bounds(void)
{
    char small[6];
    /* The return value is the full length; the buffer holds a NUL-terminated prefix. */
    CHECK_EQ_U64(json_escape(small, sizeof(small), "\x01\x02", 2), 12);
    CHECK_EQ_STR(small, "\\u000");
    CHECK_EQ_U64(json_escape(NULL, 0, "abc", 3), 3);
    CHECK_EQ_U64(json_escape(small, sizeof(small), "", 0), 0);
    CHECK_EQ_STR(small, "");
}

static void test_keys_escaped(void)
{
    FILE *f = mem_open();
    struct json j;
    json_init(&j, f);
    json_object_begin(&j);
    json_key(&j, "k\"\x1b");
    json_strn(&j, "\x00\xff", 2);
    json_object_end(&j);
    json_end(&j);
    CHECK_EQ_STR(mem_close(f), "{\"k\\\"\\u001b\":\"\\u0000\\u00ff\"}\n");
}

/* Every byte value, alone: the result never holds a raw control byte or invalid UTF-8. */
static void test_every_byte(void)
{
    for (int b = 0; b < 256; b++) {
        char in[1] = {(char)b};
        const char *e = esc(in, 1);
        if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
            CHECK(strlen(e) == 1 && (unsigned char)e[0] == b);
        } else if (b >= 0x80 || b == 0x7f || b < 0x20) {
            CHECK(strlen(e) == 6 || (b < 0x20 && strlen(e) == 2));
        }
        for (const char *p = e; *p; p++) {
            CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
        }
    }
}

int main(void)
{
    test_structure();
    test_doubles();
    test_escape_ascii();
    test_escape_utf8();
    test_escape_bounds();
    test_keys_escaped();
    test_every_byte();
    CHECK_DONE();
}

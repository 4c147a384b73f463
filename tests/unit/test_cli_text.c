/*
 * test_cli_text.c: terminal escaping (cli/text.c) and option parsing helpers (cli/opts.c). A name
 * from a sample must never put a raw control byte, ESC sequence or non-ASCII byte on the terminal.
 */
#include <stdlib.h>

#include "check.h"
#include "kin.h"
#include "opts.h"
#include "text.h"

static const char *esc(const char *p, size_t n)
{
    static char buf[512];
    size_t need = text_escape(buf, sizeof(buf), p, n);
    CHECK(need == strlen(buf));
    return buf;
}

static void test_escape(void)
{
    CHECK_EQ_STR(esc(".text", 5), ".text");
    CHECK_EQ_STR(esc("\x1b]0;pwned\x07", 10), "\\x1b]0;pwned\\x07");
    CHECK_EQ_STR(esc("\x1b[2J", 4), "\\x1b[2J");
    CHECK_EQ_STR(esc("a\r\nb\t", 5), "a\\x0d\\x0ab\\x09");
    CHECK_EQ_STR(esc("\x7f\x80\xff", 3), "\\x7f\\x80\\xff");
    CHECK_EQ_STR(esc("caf\xc3\xa9", 5), "caf\\xc3\\xa9");
    CHECK_EQ_STR(esc("a\0b", 3), "a\\x00b");
    /* Backslashes stay readable, except where they would look like an escape. */
    CHECK_EQ_STR(esc("C:\\src\\app.pdb", 14), "C:\\src\\app.pdb");
    CHECK_EQ_STR(esc("C:\\x41\\X", 8), "C:\\x5cx41\\x5cX");
    CHECK_EQ_STR(esc("C:\\X41", 6), "C:\\x5cX41");
    CHECK_EQ_STR(esc("end\\", 4), "end\\");
}

static void test_every_byte(void)
{
    for (int b = 0; b < 256; b++) {
        char in[1] = {(char)b};
        const char *e = esc(in, 1);
        for (const char *p = e; *p; p++) {
            CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p <= 0x7e);
        }
        CHECK(strlen(e) == (b >= 0x20 && b <= 0x7e ? 1u : 4u));
    }
}

static void test_file_output(void)
{
    char buf[256];
    FILE *f = fmemopen(buf, sizeof(buf), "w");
    CHECK(f != NULL);
    if (!f) {
        return;
    }
    CHECK_EQ_U64(text_put(f, "a\x1b"), 5);
    text_put_pad(f, "ab", 5);
    text_put_pad(f, "abcdef", 3);
    text_put_pad(f, "z", 0);
    CHECK_EQ_U64(text_put(f, NULL), 6);
    fclose(f);
    CHECK_EQ_STR(buf, "a\\x1bab   abcdef z(null)");
    CHECK_EQ_U64(text_width("\x01x"), 5);
    CHECK_EQ_U64(text_width(NULL), 6);
}

static void test_bounds(void)
{
    char small[4];
    CHECK_EQ_U64(text_escape(small, sizeof(small), "\x01\x02", 2), 8);
    CHECK_EQ_STR(small, "\\x0");
    CHECK_EQ_U64(text_escape(NULL, 0, "\x01", 1), 4);
}

static void test_parse_u64(void)
{
    uint64_t v = 7;
    CHECK(parse_u64("0", &v) == 0 && v == 0);
    CHECK(parse_u64("4198400", &v) == 0 && v == 4198400);
    CHECK(parse_u64("0x401000", &v) == 0 && v == 0x401000);
    CHECK(parse_u64("0X401000", &v) == 0 && v == 0x401000);
    CHECK(parse_u64("0xFFFFffffFFFFffff", &v) == 0 && v == UINT64_MAX);
    CHECK(parse_u64("18446744073709551615", &v) == 0 && v == UINT64_MAX);
    v = 7;
    CHECK(parse_u64("18446744073709551616", &v) < 0);
    CHECK(parse_u64("0x10000000000000000", &v) < 0);
    CHECK(parse_u64("", &v) < 0);
    CHECK(parse_u64("0x", &v) < 0);
    CHECK(parse_u64("-1", &v) < 0);
    CHECK(parse_u64("+1", &v) < 0);
    CHECK(parse_u64(" 1", &v) < 0);
    CHECK(parse_u64("1 ", &v) < 0);
    CHECK(parse_u64("12a", &v) < 0);
    CHECK(parse_u64("0x12g", &v) < 0);
    CHECK(parse_u64(NULL, &v) < 0);
    CHECK_EQ_U64(v, 7);
}

static void test_load_args(void)
{
    struct load_args a;
    uint32_t arch = 0;
    CHECK(parse_arch("x86", &arch) == 0 && arch == KIN_ARCH_X86);
    CHECK(parse_arch("x64", &arch) == 0 && arch == KIN_ARCH_X64);
    CHECK(parse_arch("amd64", &arch) == 0 && arch == KIN_ARCH_X64);
    CHECK(parse_arch("arm", &arch) < 0);
    CHECK(parse_arch(NULL, &arch) < 0);

    memset(&a, 0, sizeof(a));
    CHECK(load_args_parse(&a, "t", OPT_JSON, NULL) == 0);
    CHECK(load_args_check(&a, "t") == 0);
    CHECK(load_args_parse(&a, "t", OPT_BASE, "0x1000") == 1);
    CHECK(load_args_check(&a, "t") < 0); /* --base without --raw */
    CHECK(load_args_parse(&a, "t", OPT_RAW, NULL) == 1);
    CHECK(load_args_check(&a, "t") < 0); /* --raw without --arch */
    CHECK(load_args_parse(&a, "t", OPT_ARCH, "mips") < 0);
    CHECK(load_args_parse(&a, "t", OPT_ARCH, "x86") == 1);
    CHECK(load_args_check(&a, "t") == 0);
    CHECK(a.opts.raw == 1 && a.opts.arch == KIN_ARCH_X86 && a.opts.base == 0x1000);
    CHECK(load_args_parse(&a, "t", OPT_BASE, "zz") < 0);
    CHECK_EQ_U64(a.opts.base, 0x1000);
}

int main(void)
{
    test_escape();
    test_every_byte();
    test_file_output();
    test_bounds();
    test_parse_u64();
    test_load_args();
    CHECK_DONE();
}

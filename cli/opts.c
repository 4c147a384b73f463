/*
 * opts.c: shared option parsing (opts.h). Numbers are parsed by hand rather than with strtoull,
 * which accepts leading spaces and a minus sign and wraps "-1" to 2^64-1.
 */
#include "opts.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

static int digit(int c, unsigned base)
{
    int v = -1;
    if (c >= '0' && c <= '9') {
        v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
        v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
        v = c - 'A' + 10;
    }
    return v >= 0 && (unsigned)v < base ? v : -1;
}

int parse_u64(const char *s, uint64_t *out)
{
    unsigned base = 10;
    uint64_t v = 0;
    if (!s) {
        return -1;
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s) {
        return -1;
    }
    for (; *s; s++) {
        int d = digit((unsigned char)*s, base);
        if (d < 0 || v > (UINT64_MAX - (uint64_t)d) / base) {
            return -1;
        }
        v = v * base + (uint64_t)d;
    }
    *out = v;
    return 0;
}

int parse_arch(const char *s, uint32_t *out)
{
    static const struct {
        const char *name;
        uint32_t arch;
    } names[] = {
        {"x86", KIN_ARCH_X86},    {"i386", KIN_ARCH_X86},  {"x64", KIN_ARCH_X64},
        {"x86_64", KIN_ARCH_X64}, {"amd64", KIN_ARCH_X64},
    };
    for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++) {
        if (!strcmp(s, names[i].name)) {
            *out = names[i].arch;
            return 0;
        }
    }
    return -1;
}

static void bad_value(const char *cmd, const char *opt, const char *arg, const char *want)
{
    fprintf(stderr, "%s: bad value '", cmd);
    text_put(stderr, arg);
    fprintf(stderr, "' for %s: %s\n", opt, want);
}

int load_args_parse(struct load_args *a, const char *cmd, int opt, const char *arg)
{
    switch (opt) {
    case OPT_RAW:
        a->opts.raw = 1;
        return 1;
    case OPT_ARCH:
        if (parse_arch(arg, &a->opts.arch) != 0) {
            bad_value(cmd, "--arch", arg, "expected x86 or x64");
            return -1;
        }
        a->have_arch = 1;
        return 1;
    case OPT_BASE:
        if (parse_u64(arg, &a->opts.base) != 0) {
            bad_value(cmd, "--base", arg, "expected a number (decimal or 0x hex) below 2^64");
            return -1;
        }
        a->have_base = 1;
        return 1;
    default:
        return 0;
    }
}

int load_args_check(const struct load_args *a, const char *cmd)
{
    if (!a->opts.raw && (a->have_arch || a->have_base)) {
        fprintf(stderr, "%s: --arch and --base apply to --raw only\n", cmd);
        return -1;
    }
    if (a->opts.raw && !a->have_arch) {
        fprintf(stderr, "%s: --raw needs --arch x86|x64\n", cmd);
        return -1;
    }
    return 0;
}

void opts_reset(void)
{
    /* glibc: 0 also resets its internal state (the position inside grouped short options). */
    optind = 0;
    opterr = 0;
}

void opts_complain(const char *cmd, int opt, char **argv)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    if (opt == ':') {
        fprintf(stderr, "%s: option '", cmd);
        text_put(stderr, arg);
        fprintf(stderr, "' needs a value\n");
    } else if (optopt > 0 && optopt < 256) {
        char c[2] = {(char)optopt, '\0'};
        fprintf(stderr, "%s: unknown option '-", cmd);
        text_put(stderr, c);
        fprintf(stderr, "'\n");
    } else {
        fprintf(stderr, "%s: unknown option '", cmd);
        text_put(stderr, arg);
        fprintf(stderr, "'\n");
    }
}

static const char *const family_kinds[] = {"malware", "tool", "library"};

int parse_family_kind(const char *s, uint32_t *out)
{
    for (uint32_t i = 0; i < 3; i++) {
        if (!strcmp(s, family_kinds[i])) {
            *out = i;
            return 0;
        }
    }
    return -1;
}

const char *family_kind_name(uint32_t kind)
{
    return kind < 3 ? family_kinds[kind] : family_kinds[0];
}

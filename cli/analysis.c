/*
 * analysis.c: loading and analysing one file for `kin funcs` and `kin diff`.
 */
#include "analysis.h"

#include <errno.h>
#include <string.h>

#include "text.h"

static const struct {
    uint32_t bit;
    const char *name;
} flag_names[] = {
    {KIN_FUNC_SMALL, "small"},
    {KIN_FUNC_THUNK, "thunk"},
    {KIN_FUNC_EXPORT, "export"},
    {KIN_FUNC_SYMBOL, "symbol"},
    {KIN_FUNC_ENTRY, "entry"},
    {KIN_FUNC_PDATA, "pdata"},
    {KIN_FUNC_GAP, "gap"},
    {KIN_FUNC_TRUNCATED, "truncated"},
    {KIN_FUNC_THIRD_PARTY, "third-party"},
    {KIN_FUNC_RUNTIME, "runtime"},
};

int flags_print(FILE *out, uint32_t flags, const char *sep)
{
    int n = 0;
    for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
        if (flags & flag_names[i].bit) {
            fprintf(out, "%s%s", n ? sep : "", flag_names[i].name);
            n++;
        }
    }
    return n;
}

void flags_json(struct json *j, uint32_t flags)
{
    json_array_begin(j);
    for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
        if (flags & flag_names[i].bit) {
            json_str(j, flag_names[i].name);
        }
    }
    json_array_end(j);
}

void minhash_digest(const uint32_t *mh, char out[17])
{
    snprintf(out, 17, "%08x%08x", mh[0], mh[1]);
}

static void complain(const char *what, const char *path, const char *why)
{
    fprintf(stderr, "kin: %s '", what);
    text_put(stderr, path);
    fprintf(stderr, "': %s\n", why);
}

int analysis_open(const char *path,
                  const struct kin_load_options *lo,
                  const struct kin_analyze_options *ao,
                  struct kin_sample **s,
                  struct kin_funcs **f)
{
    *s = NULL;
    *f = NULL;
    errno = 0;
    kin_status st = kin_sample_open(path, lo, s);
    if (st != KIN_OK) {
        const char *why = kin_status_str(st);
        if (st == KIN_IO && errno != 0) {
            why = strerror(errno);
        } else if (st == KIN_UNSUPPORTED) {
            why = "not a PE or ELF file (--raw reads code without a container)";
        }
        complain("cannot load", path, why);
        kin_sample_free(*s);
        *s = NULL;
        return -1;
    }
    st = kin_funcs_analyze(*s, ao, f);
    if (st != KIN_OK) {
        complain("cannot analyse", path,
                 st == KIN_UNSUPPORTED ? "not x86 or x64 code" : kin_status_str(st));
        kin_sample_free(*s);
        *s = NULL;
        return -1;
    }
    return 0;
}

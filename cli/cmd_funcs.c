/*
 * cmd_funcs.c: `kin funcs [--json] [--no-pdata] [--no-gapscan] [--raw --arch A --base B] FILE...`
 *
 * Lists the functions kin finds in each file with their signatures: one line per function
 * (address, size, blocks, instructions, exact hash, MinHash digest, flags, name), or with --json
 * one object per function and line. The JSON keys are stable: the benchmarks read them.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "analysis.h"
#include "cli.h"
#include "json.h"
#include "opts.h"
#include "text.h"

#define CMD "kin funcs"

enum { OPT_NO_PDATA = OPT_FIRST_FREE, OPT_NO_GAPSCAN };

static const char usage_text[] =
    "usage: kin funcs [--json] [--no-pdata] [--no-gapscan] [--raw --arch x86|x64 [--base ADDR]]\n"
    "                 FILE...\n"
    "\n"
    "Finds the functions of x86/x64 code (PE, ELF or raw) and prints each one's signatures.\n"
    "Text: address, size (bytes), blocks, instructions, pichash (exact, position-independent),\n"
    "the first two MinHash values, flags and name. --json: one object per function and line with\n"
    "file, address, size, name, pichash, minhash (64 integers), flags, blocks, insns, edges,\n"
    "calls, api_calls, scheme.\n"
    "\n"
    "  --json              one JSON object per function and line\n"
    "  --no-pdata          ignore the x64 exception directory (.pdata) as a source of starts\n"
    "  --no-gapscan        do not look for functions in code nothing refers to\n" LOAD_OPTIONS_HELP
    "  -h, --help          this text\n"
    "\n"
    "Exit status: 0 success, 2 usage error, 3 a file could not be loaded or analysed.\n";

static void print_text(const char *path, const struct kin_funcs *f)
{
    size_t n = kin_funcs_count(f);
    printf("# ");
    text_put(stdout, path);
    printf(": %zu functions, signature scheme %u\n", n, kin_sig_scheme_version());
    printf("# %-16s %8s %6s %6s %-16s %-16s %s\n", "address", "size", "blocks", "insns", "pichash",
           "minhash", "flags name");
    for (size_t i = 0; i < n; i++) {
        const struct kin_function *fn = kin_funcs_get(f, i);
        char mh[17];
        minhash_digest(fn->minhash, mh);
        printf("0x%016" PRIx64 " %8" PRIu64 " %6u %6u %016" PRIx64 " %s ", fn->va, fn->size,
               fn->block_count, fn->insn_count, fn->pichash, mh);
        if (!flags_print(stdout, fn->flags, ",")) {
            fputc('-', stdout);
        }
        fputc(' ', stdout);
        if (fn->name) {
            text_put(stdout, fn->name);
        } else {
            fputc('-', stdout);
        }
        fputc('\n', stdout);
    }
}

static void print_json(const char *path, const struct kin_funcs *f)
{
    size_t n = kin_funcs_count(f);
    char hex[17];
    for (size_t i = 0; i < n; i++) {
        const struct kin_function *fn = kin_funcs_get(f, i);
        struct json j;
        json_init(&j, stdout);
        json_object_begin(&j);
        json_kv_str(&j, "file", path);
        json_kv_u64(&j, "address", fn->va);
        json_kv_u64(&j, "size", fn->size);
        json_kv_str(&j, "name", fn->name);
        snprintf(hex, sizeof(hex), "%016" PRIx64, fn->pichash);
        json_kv_str(&j, "pichash", hex);
        json_key(&j, "minhash");
        json_array_begin(&j);
        for (unsigned k = 0; k < KIN_MINHASH_SIZE; k++) {
            json_u64(&j, fn->minhash[k]);
        }
        json_array_end(&j);
        json_key(&j, "flags");
        flags_json(&j, fn->flags);
        json_kv_u64(&j, "blocks", fn->block_count);
        json_kv_u64(&j, "insns", fn->insn_count);
        json_kv_u64(&j, "edges", fn->edge_count);
        json_kv_u64(&j, "calls", fn->call_count);
        json_kv_u64(&j, "api_calls", fn->api_call_count);
        json_kv_u64(&j, "scheme", kin_sig_scheme_version());
        json_object_end(&j);
        json_end(&j);
    }
}

int cmd_funcs(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"no-pdata", no_argument, NULL, OPT_NO_PDATA},
        {"no-gapscan", no_argument, NULL, OPT_NO_GAPSCAN},
        {"help", no_argument, NULL, 'h'},
        LOAD_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    struct load_args la;
    struct kin_analyze_options ao;
    int json = 0, c, rc = 0;
    memset(&la, 0, sizeof(la));
    memset(&ao, 0, sizeof(ao));
    la.opts.skip_fuzzy = 1;
    opts_reset();
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        int handled = load_args_parse(&la, CMD, c, optarg);
        if (handled < 0) {
            return EXIT_USAGE;
        }
        if (handled) {
            continue;
        }
        switch (c) {
        case OPT_JSON:
            json = 1;
            break;
        case OPT_NO_PDATA:
            ao.no_pdata = 1;
            break;
        case OPT_NO_GAPSCAN:
            ao.no_gapscan = 1;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return 0;
        default:
            opts_complain(CMD, c, argv);
            fputs(usage_text, stderr);
            return EXIT_USAGE;
        }
    }
    if (load_args_check(&la, CMD) != 0) {
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        fprintf(stderr, "%s: no file given\n", CMD);
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    for (int i = optind; i < argc; i++) {
        struct kin_sample *s;
        struct kin_funcs *f;
        if (analysis_open(argv[i], &la.opts, &ao, &s, &f) != 0) {
            rc = EXIT_RUNTIME;
            continue;
        }
        if (json) {
            print_json(argv[i], f);
        } else {
            print_text(argv[i], f);
        }
        kin_funcs_free(f);
        kin_sample_free(s);
        if (ferror(stdout)) {
            break;
        }
    }
    return rc;
}

/*
 * cmd_info.c: `kin info [--json] [-r] [--symbols] [--raw --arch x86|x64 --base ADDR] FILE|DIR...`
 *
 * Loads each file and prints what the loader found: a readable summary, or one JSON object per
 * line with --json. A file that cannot be loaded gets one line on stderr naming it and the reason,
 * and makes the exit code 3; with -r, files that are neither PE nor ELF are skipped with a note.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "info.h"
#include "opts.h"
#include "text.h"
#include "walk.h"

#define CMD "kin info"

static const char usage_text[] =
    "usage: kin info [--json] [-r] [--symbols] [--raw --arch x86|x64 [--base ADDR]] FILE|DIR...\n"
    "\n"
    "Describes PE and ELF files: format, architecture, hashes (md5, sha1, sha256, imphash, Rich\n"
    "hash, TLSH, ssdeep), sections, imports, exports, PDB path, PE and ELF header facts, and the\n"
    "anomalies found while parsing.\n"
    "\n"
    "  --json              one JSON object per file and line (keys: see README.md)\n"
    "  -r, --recursive     walk directories (sorted; files neither PE nor ELF are skipped)\n"
    "  --symbols           list symbols, not only their count\n" LOAD_OPTIONS_HELP
    "  -h, --help          this text\n"
    "\n"
    "Exit status: 0 all files described, 2 usage error, 3 a file could not be loaded.\n";

struct info_run {
    struct load_args load;
    struct info_opts out;
    int json;
    size_t printed; /* files described */
    size_t failed;  /* files that could not be loaded */
    size_t skipped; /* unsupported files found in directories */
};

/* "kin: <what> '<path>': <why>" on stderr, the path escaped. */
static void complain(const char *what, const char *path, const char *why, const char *detail)
{
    fprintf(stderr, "kin: %s '", what);
    text_put(stderr, path);
    fprintf(stderr, "': %s", why);
    if (detail) {
        fputs(" (", stderr);
        text_put(stderr, detail);
        fputc(')', stderr);
    }
    fputc('\n', stderr);
}

static int on_file(const char *path, int named, void *ctx)
{
    struct info_run *r = ctx;
    struct kin_sample *s = NULL;
    errno = 0;
    kin_status st = kin_sample_open(path, &r->load.opts, &s);
    if (st == KIN_UNSUPPORTED && !named) {
        complain("skipping", path, "not a PE or ELF file", NULL);
        r->skipped++;
        return 0;
    }
    if (st != KIN_OK) {
        const char *detail = NULL;
        const char *why = kin_status_str(st);
        if (st == KIN_IO && errno != 0) {
            why = strerror(errno);
        } else if (st == KIN_UNSUPPORTED) {
            why = "not a PE or ELF file (--raw reads code without a container)";
        } else if (st == KIN_MALFORMED && s) {
            const struct kin_image *img = kin_sample_image(s);
            detail = img->anomaly_count ? img->anomalies[0].message : NULL;
        }
        complain("cannot load", path, why, detail);
        kin_sample_free(s);
        r->failed++;
        return 0;
    }
    const struct kin_image *img = kin_sample_image(s);
    if (r->json) {
        info_print_json(stdout, path, img, &r->out);
    } else {
        if (r->printed) {
            fputc('\n', stdout);
        }
        info_print_text(stdout, path, img, &r->out);
    }
    r->printed++;
    kin_sample_free(s);
    /* Stop early when stdout is gone (a closed pipe); main reports the write error. */
    return ferror(stdout) ? 1 : 0;
}

int cmd_info(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"recursive", no_argument, NULL, 'r'},
        {"symbols", no_argument, NULL, OPT_SYMBOLS},
        {"help", no_argument, NULL, 'h'},
        LOAD_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    struct info_run run;
    int recursive = 0;
    int c;
    memset(&run, 0, sizeof(run));
    opts_reset();
    while ((c = getopt_long(argc, argv, ":rh", longopts, NULL)) != -1) {
        int handled = load_args_parse(&run.load, CMD, c, optarg);
        if (handled < 0) {
            return EXIT_USAGE;
        }
        if (handled) {
            continue;
        }
        switch (c) {
        case OPT_JSON:
            run.json = 1;
            break;
        case OPT_SYMBOLS:
            run.out.symbols = 1;
            break;
        case 'r':
            recursive = 1;
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
    if (load_args_check(&run.load, CMD) != 0) {
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        fprintf(stderr, "%s: no file given\n", CMD);
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    struct walk w;
    walk_init(&w, recursive, on_file, &run);
    for (int i = optind; i < argc; i++) {
        if (walk_path(&w, argv[i]) != 0) {
            break;
        }
    }
    size_t errors = w.errors;
    walk_release(&w);
    return run.failed || errors ? EXIT_RUNTIME : 0;
}

/*
 * cmd_add.c: `kin add [--db PATH] [--family F] [--actor A] [--version V] [--kind K] [--library]
 * [-j N] PATH...`: adds files, and every file under directories, to the index with the labels
 * given. Files already indexed (same sha256) are reported and left as they are; files that are not
 * PE or ELF are skipped with a note. The work itself is ingest.c's.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "index_open.h"
#include "ingest.h"
#include "opts.h"
#include "walk.h"

#define CMD "kin add"

static const char usage_text[] =
    "usage: kin add [--db PATH] [--family F] [--actor A] [--version V] [--kind K] [-j N]\n"
    "               FILE|DIR...\n"
    "\n"
    "Adds PE and ELF files (directories are walked) to the index: their functions, signatures\n"
    "and whole-file hashes, labelled with a family, its actor and a version. A file already in\n"
    "the index (same sha256) is reported and not added again. Each file is added in one\n"
    "transaction: an interrupted run leaves whole samples only, and running it again completes "
    "it.\n"
    "\n"
    "  --db PATH           the index (default $KIN_DB, else ./kin.db); created when missing\n"
    "  --family F          family of the files (created on first use)\n"
    "  --actor A           actor the family belongs to (needs --family)\n"
    "                      F and A may be given by any alias (kin label), in any letter case\n"
    "  --version V         version of the family the files are\n"
    "  --kind K            kind of a new family: malware (default), tool (dual-use software\n"
    "                      many actors use: never evidence of an actor) or library (runtime\n"
    "                      or library code: never evidence)\n"
    "  --library           the same as --kind library\n"
    "  -j, --jobs N        analyse N files at a time (default: the number of processors)\n"
    "  -h, --help          this text\n"
    "\n"
    "Exit status: 0 all files added or already present, 2 usage error, 3 a file or the index\n"
    "failed.\n";

enum { OPT_DB = OPT_FIRST_FREE, OPT_FAMILY, OPT_ACTOR, OPT_VERSION, OPT_LIBRARY, OPT_KIND };

struct add_ctx {
    struct ingest *g;
    const char *family, *actor, *version;
    uint32_t kind;
    int nomem;
};

static int on_file(const char *path, int named, void *ctx)
{
    struct add_ctx *a = ctx;
    (void)named;
    if (ingest_add(a->g, path, a->family, a->actor, a->version, a->kind, NULL) != 0) {
        a->nomem = 1;
        return 1;
    }
    return 0;
}

/* Parses -j: 1..INGEST_MAX_JOBS. */
static int parse_jobs(const char *s, unsigned *out)
{
    uint64_t v = 0;
    if (parse_u64(s, &v) != 0 || v < 1 || v > INGEST_MAX_JOBS) {
        fprintf(stderr, "%s: -j wants a number of threads from 1 to %d\n", CMD, INGEST_MAX_JOBS);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

int cmd_add(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"family", required_argument, NULL, OPT_FAMILY},
        {"actor", required_argument, NULL, OPT_ACTOR},
        {"version", required_argument, NULL, OPT_VERSION},
        {"library", no_argument, NULL, OPT_LIBRARY},
        {"kind", required_argument, NULL, OPT_KIND},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct add_ctx a;
    const char *db = NULL;
    unsigned jobs = ingest_default_jobs();
    int c;
    memset(&a, 0, sizeof(a));
    opts_reset();
    while ((c = getopt_long(argc, argv, ":j:h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            db = optarg;
            break;
        case OPT_FAMILY:
            a.family = optarg;
            break;
        case OPT_ACTOR:
            a.actor = optarg;
            break;
        case OPT_VERSION:
            a.version = optarg;
            break;
        case OPT_LIBRARY:
            a.kind = KIN_FAMILY_LIBRARY;
            break;
        case OPT_KIND:
            if (parse_family_kind(optarg, &a.kind) != 0) {
                fprintf(stderr, "%s: --kind wants malware, tool or library\n", CMD);
                return EXIT_USAGE;
            }
            break;
        case 'j':
            if (parse_jobs(optarg, &jobs) != 0) {
                return EXIT_USAGE;
            }
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
    if (optind >= argc) {
        fprintf(stderr, "%s: no file given\n", CMD);
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (a.actor && !a.family) {
        fprintf(stderr, "%s: --actor needs --family (an actor owns families)\n", CMD);
        return EXIT_USAGE;
    }
    if (a.kind != KIN_FAMILY_MALWARE && !a.family) {
        fprintf(stderr, "%s: --kind and --library need --family (the family's name)\n", CMD);
        return EXIT_USAGE;
    }
    struct ingest g;
    ingest_init(&g, CMD, index_path(db), jobs);
    a.g = &g;
    struct walk w;
    walk_init(&w, 1, on_file, &a);
    for (int i = optind; i < argc && !a.nomem; i++) {
        (void)walk_path(&w, argv[i]);
    }
    size_t errors = w.errors;
    walk_release(&w);
    int rc;
    if (a.nomem) {
        fprintf(stderr, "%s: out of memory\n", CMD);
        rc = EXIT_RUNTIME;
    } else {
        rc = ingest_run(&g);
    }
    ingest_release(&g);
    return errors && rc == 0 ? EXIT_RUNTIME : rc;
}

/*
 * cmd_rm.c: `kin rm [--db PATH] SHA256|FAMILY...`: removes samples (by sha256, 64 hex digits)
 * or whole families (by name) from the index, with their functions and postings; frequency
 * statistics follow. One transaction per sample.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "index_open.h"
#include "opts.h"
#include "text.h"

#define CMD "kin rm"

static const char usage_text[] =
    "usage: kin rm [--db PATH] SHA256|FAMILY...\n"
    "\n"
    "Removes samples (named by sha256) or families (by name or alias, with all their samples)\n"
    "from the index.\n"
    "\n"
    "  --db PATH           the index (default $KIN_DB, else ./kin.db)\n"
    "  -h, --help          this text\n"
    "\n"
    "Exit status: 0 all removed, 1 something named is not in the index, 2 usage error,\n"
    "3 index failure.\n";

enum { OPT_DB = OPT_FIRST_FREE };

static int is_sha256(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f'))) {
            return 0;
        }
    }
    return n == 64;
}

int cmd_rm(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    int c;
    opts_reset();
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            db = optarg;
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
        fprintf(stderr, "%s: name a sample (sha256) or a family\n", CMD);
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    struct kin_index *idx = index_open(index_path(db), 0);
    if (!idx) {
        return EXIT_RUNTIME;
    }
    int rc = 0;
    for (int i = optind; i < argc; i++) {
        kin_status st;
        size_t removed = 0;
        if (is_sha256(argv[i])) {
            st = kin_index_remove_sample(idx, argv[i]);
            if (st == KIN_OK) {
                printf("removed sample %s\n", argv[i]);
            }
        } else {
            /* An alias names its family: say which family went. */
            char name[512];
            if (kin_index_resolve(idx, KIN_LABEL_FAMILY, argv[i], name, sizeof(name)) != KIN_OK) {
                (void)snprintf(name, sizeof(name), "%s", argv[i]);
            }
            st = kin_index_remove_family(idx, argv[i], &removed);
            if (st == KIN_OK) {
                fputs("removed family ", stdout);
                text_put(stdout, name);
                printf(" (%zu sample%s)\n", removed, removed == 1 ? "" : "s");
            }
        }
        if (st == KIN_NOTFOUND) {
            fprintf(stderr, "%s: ", CMD);
            text_put(stderr, kin_index_errmsg(idx));
            fputc('\n', stderr);
            rc = rc ? rc : EXIT_NOTFOUND;
        } else if (st != KIN_OK) {
            index_complain(CMD, "cannot remove", idx);
            rc = EXIT_RUNTIME;
            break;
        }
    }
    kin_index_close(idx);
    return rc;
}

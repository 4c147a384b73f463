/*
 * cmd_ls.c: the index listings: `kin ls [--family F]` (samples), `kin families`, `kin actors`.
 * Each prints a table, or one JSON object per line with --json. They open the index read-only,
 * so they run while `kin add` writes.
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "index_open.h"
#include "json.h"
#include "labels_json.h"
#include "opts.h"
#include "text.h"

enum { OPT_DB = OPT_FIRST_FREE, OPT_FAMILY };

enum listing { LIST_SAMPLES, LIST_FAMILIES, LIST_ACTORS };

struct listing_cmd {
    const char *cmd;
    const char *usage;
};

static const struct listing_cmd listings[] = {
    {"kin ls", "usage: kin ls [--db PATH] [--family F] [--json]\n"
               "\n"
               "Lists the indexed samples by family and version: sha256, family, actor, version,\n"
               "architecture, functions and source path.\n"
               "\n"
               "  --db PATH           the index (default $KIN_DB, else ./kin.db)\n"
               "  --family F          only the samples of family F (a name or an alias)\n"
               "  --json              one JSON object per sample and line\n"
               "  -h, --help          this text\n"},
    {"kin families", "usage: kin families [--db PATH] [--json]\n"
                     "\n"
                     "Lists the families of the index: actor, kind (malware, tool, library),\n"
                     "samples, functions and aliases (JSON: an array; kin label sets them).\n"
                     "\n"
                     "  --db PATH           the index (default $KIN_DB, else ./kin.db)\n"
                     "  --json              one JSON object per family and line\n"
                     "  -h, --help          this text\n"},
    {"kin actors", "usage: kin actors [--db PATH] [--json]\n"
                   "\n"
                   "Lists the actors of the index with their numbers of families and samples,\n"
                   "and their aliases (JSON: an array; kin label sets them).\n"
                   "\n"
                   "  --db PATH           the index (default $KIN_DB, else ./kin.db)\n"
                   "  --json              one JSON object per actor and line\n"
                   "  -h, --help          this text\n"},
};

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

struct out {
    int json;
    size_t rows;
};

static int print_sample(void *ctx, const struct kin_index_sample *s)
{
    struct out *o = ctx;
    if (o->json) {
        struct json j;
        json_init(&j, stdout);
        json_object_begin(&j);
        json_kv_str(&j, "sha256", s->sha256);
        json_key(&j, "family");
        json_str_or_null(&j, s->family);
        json_key(&j, "actor");
        json_str_or_null(&j, s->actor);
        json_key(&j, "version");
        json_str_or_null(&j, s->version);
        json_kv_str(&j, "arch", s->arch);
        json_kv_str(&j, "format", s->format);
        json_kv_u64(&j, "functions", s->function_count);
        json_kv_u64(&j, "code_size", s->code_size);
        json_kv_u64(&j, "file_size", s->file_size);
        json_key(&j, "first_seen");
        json_i64(&j, s->first_seen);
        json_kv_u64(&j, "scheme", s->scheme);
        json_key(&j, "source");
        json_str_or_null(&j, s->source);
        json_key(&j, "md5");
        json_str_or_null(&j, s->md5);
        json_key(&j, "sha1");
        json_str_or_null(&j, s->sha1);
        json_key(&j, "imphash");
        json_str_or_null(&j, s->imphash);
        json_key(&j, "rich_hash");
        json_str_or_null(&j, s->rich_hash);
        json_key(&j, "tlsh");
        json_str_or_null(&j, s->tlsh);
        json_key(&j, "ssdeep");
        json_str_or_null(&j, s->ssdeep);
        json_object_end(&j);
        json_end(&j);
    } else {
        if (o->rows == 0) {
            printf("%-64s  %-20s %-16s %-12s %-6s %9s  %s\n", "SHA256", "FAMILY", "ACTOR",
                   "VERSION", "ARCH", "FUNCTIONS", "SOURCE");
        }
        printf("%s  ", s->sha256);
        text_put_pad(stdout, or_dash(s->family), 21);
        text_put_pad(stdout, or_dash(s->actor), 17);
        text_put_pad(stdout, or_dash(s->version), 13);
        text_put_pad(stdout, or_dash(s->arch), 6);
        printf("%9llu  ", (unsigned long long)s->function_count);
        text_put(stdout, or_dash(s->source));
        fputc('\n', stdout);
    }
    o->rows++;
    return ferror(stdout) ? 1 : 0;
}

static int print_family(void *ctx, const struct kin_index_family *f)
{
    struct out *o = ctx;
    const char *kind = family_kind_name(f->kind);
    if (o->json) {
        json_family_line(f);
    } else {
        if (o->rows == 0) {
            printf("%-24s %-20s %-8s %8s %10s  %s\n", "FAMILY", "ACTOR", "KIND", "SAMPLES",
                   "FUNCTIONS", "ALIASES");
        }
        text_put_pad(stdout, f->name, 25);
        text_put_pad(stdout, or_dash(f->actor), 21);
        printf("%-8s %8llu %10llu  ", kind, (unsigned long long)f->sample_count,
               (unsigned long long)f->function_count);
        text_put(stdout, or_dash(f->aliases));
        fputc('\n', stdout);
    }
    o->rows++;
    return ferror(stdout) ? 1 : 0;
}

static int print_actor(void *ctx, const struct kin_index_actor *a)
{
    struct out *o = ctx;
    if (o->json) {
        json_actor_line(a);
    } else {
        if (o->rows == 0) {
            printf("%-24s %8s %8s  %s\n", "ACTOR", "FAMILIES", "SAMPLES", "ALIASES");
        }
        text_put_pad(stdout, a->name, 25);
        printf("%8llu %8llu  ", (unsigned long long)a->family_count,
               (unsigned long long)a->sample_count);
        text_put(stdout, or_dash(a->aliases));
        fputc('\n', stdout);
    }
    o->rows++;
    return ferror(stdout) ? 1 : 0;
}

static int run_listing(enum listing which, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"family", required_argument, NULL, OPT_FAMILY},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const struct listing_cmd *lc = &listings[which];
    const char *db = NULL, *family = NULL;
    struct out o = {0, 0};
    int c;
    opts_reset();
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            db = optarg;
            break;
        case OPT_FAMILY:
            if (which != LIST_SAMPLES) {
                fprintf(stderr, "%s: --family applies to `kin ls` only\n", lc->cmd);
                return EXIT_USAGE;
            }
            family = optarg;
            break;
        case OPT_JSON:
            o.json = 1;
            break;
        case 'h':
            fputs(lc->usage, stdout);
            return 0;
        default:
            opts_complain(lc->cmd, c, argv);
            fputs(lc->usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "%s: unexpected argument '", lc->cmd);
        text_put(stderr, argv[optind]);
        fputs("'\n", stderr);
        return EXIT_USAGE;
    }
    struct kin_index *idx = index_open(index_path(db), KIN_INDEX_READONLY);
    if (!idx) {
        return EXIT_RUNTIME;
    }
    kin_status st = which == LIST_SAMPLES    ? kin_index_samples(idx, family, print_sample, &o)
                    : which == LIST_FAMILIES ? kin_index_families(idx, print_family, &o)
                                             : kin_index_actors(idx, print_actor, &o);
    if (st != KIN_OK) {
        index_complain(lc->cmd, "cannot list the index", idx);
    }
    kin_index_close(idx);
    return st == KIN_OK ? 0 : EXIT_RUNTIME;
}

int cmd_ls(int argc, char **argv)
{
    return run_listing(LIST_SAMPLES, argc, argv);
}

int cmd_families(int argc, char **argv)
{
    return run_listing(LIST_FAMILIES, argc, argv);
}

int cmd_actors(int argc, char **argv)
{
    return run_listing(LIST_ACTORS, argc, argv);
}

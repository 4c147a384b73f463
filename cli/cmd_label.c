/*
 * cmd_label.c: `kin label [--db PATH] (--family F | --actor A) [--alias X]... [--remove-alias
 * X]... [--kind K] [--actor A | --no-actor] [--create] [--json]`: sets the aliases of a family
 * or actor, and the kind and actor of a family (kin_index_label()), then prints its labels.
 * Without a change it only prints them. A family or actor may be named by an alias.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "index_open.h"
#include "labels_json.h"
#include "opts.h"
#include "text.h"

#define CMD "kin label"

static const char usage_text[] =
    "usage: kin label [--db PATH] --actor A [--alias X]... [--remove-alias X]... [--create]\n"
    "       kin label [--db PATH] --family F [--alias X]... [--remove-alias X]...\n"
    "                 [--kind malware|tool|library] [--actor A | --no-actor] [--create]\n"
    "\n"
    "Sets the aliases of a family or an actor, and the kind and actor of a family, then prints\n"
    "its labels (with no change, only prints them). A family or actor is named by its name or\n"
    "any alias, in any letter case: wherever kin takes a family or actor name (add, import, rm,\n"
    "ls, attribute --exclude-*), an alias stands for it. An alias may not name another family\n"
    "(or another actor); aliases are compared case-insensitively (ASCII letters) once runs of\n"
    "whitespace are made one space, and may not hold ';'.\n"
    "\n"
    "  --db PATH           the index (default $KIN_DB, else ./kin.db)\n"
    "  --family F          the family to label\n"
    "  --actor A           with --family: tie the family to actor A (created when new),\n"
    "                      moving it from its current actor with all its samples: this is how\n"
    "                      a wrong label is corrected; without --family: the actor to label\n"
    "  --no-actor          with --family: tie the family to no actor\n"
    "  --alias X           add alias X (repeatable)\n"
    "  --remove-alias X    remove alias X (repeatable; removals come before additions)\n"
    "  --kind K            the family's kind: malware, tool (dual-use software many actors\n"
    "                      use: evidence of the tool, never of an actor) or library (runtime\n"
    "                      or library code: never evidence)\n"
    "  --create            create the family or actor when nothing resolves to it\n"
    "  --json              print the labels as one JSON object\n"
    "  -h, --help          this text\n"
    "\n"
    "Exit status: 0 done, 1 no such family or actor (or alias to remove), 2 usage error or a\n"
    "refused label (an alias taken by another, too long, too many), 3 index failure.\n";

enum {
    OPT_DB = OPT_FIRST_FREE,
    OPT_FAMILY,
    OPT_ACTOR,
    OPT_NO_ACTOR,
    OPT_ALIAS,
    OPT_REMOVE_ALIAS,
    OPT_KIND,
    OPT_CREATE
};

struct show {
    const char *name;
    int json;
    int found;
};

static void print_aliases(const char *const *v, size_t n)
{
    fputs("aliases  ", stdout);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? "; " : "", stdout);
        text_put(stdout, v[i]);
    }
    fputs(n ? "\n" : "-\n", stdout);
}

static int show_family(void *ctx, const struct kin_index_family *f)
{
    struct show *sh = ctx;
    if (strcmp(f->name, sh->name) != 0) {
        return 0;
    }
    sh->found = 1;
    if (sh->json) {
        json_family_line(f);
    } else {
        fputs("family   ", stdout);
        text_put(stdout, f->name);
        fputs("\nactor    ", stdout);
        text_put(stdout, *f->actor ? f->actor : "-");
        printf("\nkind     %s\n", family_kind_name(f->kind));
        print_aliases(f->alias_list, f->alias_count);
        printf("samples  %llu\n", (unsigned long long)f->sample_count);
    }
    return 1;
}

static int show_actor(void *ctx, const struct kin_index_actor *a)
{
    struct show *sh = ctx;
    if (strcmp(a->name, sh->name) != 0) {
        return 0;
    }
    sh->found = 1;
    if (sh->json) {
        json_actor_line(a);
    } else {
        fputs("actor    ", stdout);
        text_put(stdout, a->name);
        fputc('\n', stdout);
        print_aliases(a->alias_list, a->alias_count);
        printf("families %llu\nsamples  %llu\n", (unsigned long long)a->family_count,
               (unsigned long long)a->sample_count);
    }
    return 1;
}

/* The exit code of a failed kin_index_label() or kin_index_resolve(), message printed. */
static int complain(kin_status st, struct kin_index *idx)
{
    if (st == KIN_NOTFOUND || st == KIN_INVALID || st == KIN_LIMIT) {
        fprintf(stderr, "%s: ", CMD);
        text_put(stderr, kin_index_errmsg(idx));
        fputc('\n', stderr);
        return st == KIN_NOTFOUND ? EXIT_NOTFOUND : EXIT_USAGE;
    }
    index_complain(CMD, "cannot label", idx);
    return EXIT_RUNTIME;
}

struct label_args {
    const char *db, *family, *actor;
    int no_actor, json;
    struct kin_label_change c;
    const char **add, **remove;
};

/* Labels (when anything is to change) and shows. Returns the exit code. */
static int run(struct label_args *a, int changes)
{
    uint32_t target = a->family ? KIN_LABEL_FAMILY : KIN_LABEL_ACTOR;
    const char *name = a->family ? a->family : a->actor;
    struct kin_index *idx = index_open(index_path(a->db), changes ? 0 : KIN_INDEX_READONLY);
    char canon[512];
    if (!idx) {
        return EXIT_RUNTIME;
    }
    kin_status st = changes ? kin_index_label(idx, target, name, &a->c) : KIN_OK;
    if (st == KIN_OK) {
        st = kin_index_resolve(idx, target, name, canon, sizeof(canon));
        if (st == KIN_NOTFOUND) {
            fprintf(stderr, "%s: no %s '", CMD, a->family ? "family" : "actor");
            text_put(stderr, name);
            fputs("' in the index\n", stderr);
            kin_index_close(idx);
            return EXIT_NOTFOUND;
        }
    }
    int rc = 0;
    if (st == KIN_OK) {
        struct show sh = {canon, a->json, 0};
        st = target == KIN_LABEL_FAMILY ? kin_index_families(idx, show_family, &sh)
                                        : kin_index_actors(idx, show_actor, &sh);
    }
    if (st != KIN_OK) {
        rc = complain(st, idx);
    }
    kin_index_close(idx);
    return rc;
}

int cmd_label(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"family", required_argument, NULL, OPT_FAMILY},
        {"actor", required_argument, NULL, OPT_ACTOR},
        {"no-actor", no_argument, NULL, OPT_NO_ACTOR},
        {"alias", required_argument, NULL, OPT_ALIAS},
        {"remove-alias", required_argument, NULL, OPT_REMOVE_ALIAS},
        {"kind", required_argument, NULL, OPT_KIND},
        {"create", no_argument, NULL, OPT_CREATE},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct label_args a;
    int c, rc = EXIT_USAGE;
    memset(&a, 0, sizeof(a));
    /* At most one alias per argument. */
    a.add = calloc((size_t)argc + 1, sizeof(*a.add));
    a.remove = calloc((size_t)argc + 1, sizeof(*a.remove));
    if (!a.add || !a.remove) {
        fprintf(stderr, "%s: out of memory\n", CMD);
        free(a.add);
        free(a.remove);
        return EXIT_RUNTIME;
    }
    a.c.add_aliases = a.add;
    a.c.remove_aliases = a.remove;
    opts_reset();
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            a.db = optarg;
            break;
        case OPT_FAMILY:
            a.family = optarg;
            break;
        case OPT_ACTOR:
            a.actor = optarg;
            break;
        case OPT_NO_ACTOR:
            a.no_actor = 1;
            break;
        case OPT_ALIAS:
            a.add[a.c.add_alias_count++] = optarg;
            break;
        case OPT_REMOVE_ALIAS:
            a.remove[a.c.remove_alias_count++] = optarg;
            break;
        case OPT_KIND:
            if (parse_family_kind(optarg, &a.c.kind) != 0) {
                fprintf(stderr, "%s: --kind wants malware, tool or library\n", CMD);
                goto out;
            }
            a.c.set_kind = 1;
            break;
        case OPT_CREATE:
            a.c.create = 1;
            break;
        case OPT_JSON:
            a.json = 1;
            break;
        case 'h':
            fputs(usage_text, stdout);
            rc = 0;
            goto out;
        default:
            opts_complain(CMD, c, argv);
            fputs(usage_text, stderr);
            goto out;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "%s: unexpected argument '", CMD);
        text_put(stderr, argv[optind]);
        fputs("'\n", stderr);
        goto out;
    }
    if (!a.family && !a.actor) {
        fprintf(stderr, "%s: name a --family or an --actor to label\n", CMD);
        fputs(usage_text, stderr);
        goto out;
    }
    if (!a.family && (a.c.set_kind || a.no_actor)) {
        fprintf(stderr, "%s: --kind and --no-actor label a family: add --family F\n", CMD);
        goto out;
    }
    if (a.family && a.actor && a.no_actor) {
        fprintf(stderr, "%s: --actor and --no-actor exclude each other\n", CMD);
        goto out;
    }
    if (a.family) {
        a.c.actor = a.actor;
        a.c.clear_actor = a.no_actor;
    }
    rc = run(&a, a.c.add_alias_count || a.c.remove_alias_count || a.c.set_kind || a.c.actor ||
                     a.c.clear_actor || a.c.create);
out:
    free(a.add);
    free(a.remove);
    return rc;
}

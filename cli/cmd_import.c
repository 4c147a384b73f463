/*
 * cmd_import.c: `kin import [--db PATH] [--root DIR] [-j N] MANIFEST.tsv`: adds the files of a
 * corpus manifest with the labels it gives.
 *
 * The manifest is tab-separated with a header line naming its columns (as
 * ../shared/corpus/fetch-npm-corpus.sh writes: sha256, path, family, actor, version, arch, ...);
 * columns are found by name and only `path` is required. Relative paths are relative to --root,
 * else to the manifest's directory. A row's sha256, when given, must match the file; rows whose
 * sha256 the index already holds are skipped without reading the file. Optional columns kind
 * (malware, tool, library), family_aliases and actor_aliases (aliases separated by ';') label
 * the row's family and actor (kin_index_label()) before any file is added, so that a later row
 * may name them by an alias.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "index_open.h"
#include "ingest.h"
#include "opts.h"
#include "text.h"

#define CMD "kin import"

#define IMPORT_MAX_COLUMNS 64

static const char usage_text[] =
    "usage: kin import [--db PATH] [--root DIR] [-j N] MANIFEST.tsv\n"
    "\n"
    "Adds the files listed in a corpus manifest, labelled by its columns: a tab-separated file\n"
    "whose header names the columns path (required), sha256, family, actor and version, and\n"
    "optionally kind (malware, tool or library), family_aliases and actor_aliases (aliases\n"
    "separated by ';', added to the row's family and actor before any file is added; see\n"
    "kin label). Families and actors may be named by an alias.\n"
    "\n"
    "  --db PATH           the index (default $KIN_DB, else ./kin.db); created when missing\n"
    "  --root DIR          directory of relative paths (default: the manifest's directory)\n"
    "  -j, --jobs N        analyse N files at a time (default: the number of processors)\n"
    "  -h, --help          this text\n"
    "\n"
    "Exit status: 0 all files added or already present, 2 usage error, 3 a file, the manifest\n"
    "or the index failed.\n";

enum { OPT_DB = OPT_FIRST_FREE, OPT_ROOT };

enum column {
    COL_PATH,
    COL_SHA256,
    COL_FAMILY,
    COL_ACTOR,
    COL_VERSION,
    COL_KIND,
    COL_FAMILY_ALIASES,
    COL_ACTOR_ALIASES,
    COL__COUNT
};
static const char *const column_names[COL__COUNT] = {
    "path", "sha256", "family", "actor", "version", "kind", "family_aliases", "actor_aliases"};

/* The most aliases one manifest cell may list (the index caps them per label too). */
#define IMPORT_MAX_CELL_ALIASES 64

/* Splits line in place at tabs; returns the number of fields (at most max). */
static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab) {
            break;
        }
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

static void chomp(char *line)
{
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
        line[--n] = '\0';
    }
}

/* The directory part of path ("." when none). Caller frees. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 1;
    char *d = malloc(n + 1);
    if (d) {
        if (slash) {
            memcpy(d, path, n);
            if (n == 0) {
                d[n++] = '/';
            }
        } else {
            d[0] = '.';
        }
        d[n] = '\0';
    }
    return d;
}

static int bad_manifest(const char *manifest, size_t line, const char *why)
{
    fprintf(stderr, "%s: '", CMD);
    text_put(stderr, manifest);
    fprintf(stderr, "' line %zu: %s\n", line, why);
    return EXIT_RUNTIME;
}

/*
 * Labels a row's family or actor with the aliases of its cell (';'-separated, split in place)
 * and a family with its kind (when not malware), creating it when new. Returns 0 or an exit
 * code (message printed).
 */
static int label_row(struct kin_index *idx,
                     uint32_t target,
                     const char *name,
                     uint32_t kind,
                     char *cell,
                     const char *manifest,
                     size_t lineno)
{
    const char *v[IMPORT_MAX_CELL_ALIASES];
    struct kin_label_change c;
    memset(&c, 0, sizeof(c));
    c.create = 1;
    c.set_kind = target == KIN_LABEL_FAMILY && kind != KIN_FAMILY_MALWARE;
    c.kind = kind;
    c.add_aliases = v;
    for (char *p = cell; p && *p;) {
        char *semi = strchr(p, ';');
        if (semi) {
            *semi = '\0';
        }
        if (strspn(p, " ") != strlen(p)) {
            if (c.add_alias_count == IMPORT_MAX_CELL_ALIASES) {
                return bad_manifest(manifest, lineno, "too many aliases in one cell");
            }
            v[c.add_alias_count++] = p;
        }
        p = semi ? semi + 1 : NULL;
    }
    if (kin_index_label(idx, target, name, &c) != KIN_OK) {
        return bad_manifest(manifest, lineno, kin_index_errmsg(idx));
    }
    return 0;
}

/* Reads the manifest into the batch. Returns 0 or an exit code. */
static int read_manifest(struct ingest *g, const char *manifest, const char *root)
{
    struct kin_index *idx = NULL;
    FILE *f = fopen(manifest, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open '", CMD);
        text_put(stderr, manifest);
        fprintf(stderr, "': %s\n", strerror(errno));
        return EXIT_RUNTIME;
    }
    char *line = NULL, *path = NULL;
    size_t line_cap = 0, path_cap = 0, lineno = 0;
    int col[COL__COUNT];
    int rc = 0;
    for (int i = 0; i < COL__COUNT; i++) {
        col[i] = -1;
    }
    while (rc == 0 && getline(&line, &line_cap, f) >= 0) {
        char *fields[IMPORT_MAX_COLUMNS];
        lineno++;
        chomp(line);
        if (*line == '\0' || *line == '#') {
            continue;
        }
        size_t n = split_tabs(line, fields, IMPORT_MAX_COLUMNS);
        if (col[COL_PATH] < 0) {
            for (size_t i = 0; i < n; i++) {
                for (int c = 0; c < COL__COUNT; c++) {
                    if (!strcmp(fields[i], column_names[c]) && col[c] < 0) {
                        col[c] = (int)i;
                    }
                }
            }
            if (col[COL_PATH] < 0) {
                rc = bad_manifest(manifest, lineno, "the header has no 'path' column");
            }
            continue;
        }
        const char *v[COL__COUNT];
        for (int c = 0; c < COL__COUNT; c++) {
            v[c] = col[c] >= 0 && (size_t)col[c] < n && *fields[col[c]] ? fields[col[c]] : NULL;
        }
        if (!v[COL_PATH]) {
            rc = bad_manifest(manifest, lineno, "no path");
            break;
        }
        size_t need = strlen(root) + strlen(v[COL_PATH]) + 2;
        if (need > path_cap) {
            char *np = realloc(path, need);
            if (!np) {
                rc = bad_manifest(manifest, lineno, "out of memory");
                break;
            }
            path = np;
            path_cap = need;
        }
        if (v[COL_PATH][0] == '/') {
            (void)snprintf(path, path_cap, "%s", v[COL_PATH]);
        } else {
            (void)snprintf(path, path_cap, "%s/%s", root, v[COL_PATH]);
        }
        uint32_t kind = KIN_FAMILY_MALWARE;
        if (v[COL_KIND] && strcmp(v[COL_KIND], "-") != 0 &&
            parse_family_kind(v[COL_KIND], &kind) != 0) {
            rc = bad_manifest(manifest, lineno, "kind is none of malware, tool, library");
            break;
        }
        char *fam_cell =
            v[COL_FAMILY] && v[COL_FAMILY_ALIASES] && strcmp(v[COL_FAMILY_ALIASES], "-") != 0
                ? fields[col[COL_FAMILY_ALIASES]]
                : NULL;
        char *act_cell =
            v[COL_ACTOR] && v[COL_ACTOR_ALIASES] && strcmp(v[COL_ACTOR_ALIASES], "-") != 0
                ? fields[col[COL_ACTOR_ALIASES]]
                : NULL;
        if ((fam_cell || act_cell) && !idx) {
            idx = index_open(g->db, KIN_INDEX_CREATE);
            if (!idx) {
                rc = EXIT_RUNTIME;
                break;
            }
        }
        if (act_cell) {
            rc = label_row(idx, KIN_LABEL_ACTOR, v[COL_ACTOR], 0, act_cell, manifest, lineno);
        }
        if (rc == 0 && fam_cell) {
            rc = label_row(idx, KIN_LABEL_FAMILY, v[COL_FAMILY], kind, fam_cell, manifest, lineno);
        }
        if (rc == 0 && ingest_add(g, path, v[COL_FAMILY], v[COL_ACTOR], v[COL_VERSION], kind,
                                  v[COL_SHA256]) != 0) {
            rc = bad_manifest(manifest, lineno, "out of memory");
        }
    }
    kin_index_close(idx);
    if (rc == 0 && ferror(f)) {
        rc = bad_manifest(manifest, lineno, "read error");
    }
    if (rc == 0 && col[COL_PATH] < 0) {
        rc = bad_manifest(manifest, lineno, "no header line");
    }
    free(line);
    free(path);
    (void)fclose(f);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"root", required_argument, NULL, OPT_ROOT},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *root = NULL;
    unsigned jobs = ingest_default_jobs();
    int c;
    opts_reset();
    while ((c = getopt_long(argc, argv, ":j:h", longopts, NULL)) != -1) {
        uint64_t v = 0;
        switch (c) {
        case OPT_DB:
            db = optarg;
            break;
        case OPT_ROOT:
            root = optarg;
            break;
        case 'j':
            if (parse_u64(optarg, &v) != 0 || v < 1 || v > INGEST_MAX_JOBS) {
                fprintf(stderr, "%s: -j wants a number of threads from 1 to %d\n", CMD,
                        INGEST_MAX_JOBS);
                return EXIT_USAGE;
            }
            jobs = (unsigned)v;
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
    if (optind != argc - 1) {
        fprintf(stderr, "%s: give one manifest\n", CMD);
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *manifest = argv[optind];
    char *dir = root ? NULL : dir_of(manifest);
    if (!root && !dir) {
        fprintf(stderr, "%s: out of memory\n", CMD);
        return EXIT_RUNTIME;
    }
    struct ingest g;
    ingest_init(&g, CMD, index_path(db), jobs);
    int rc = read_manifest(&g, manifest, root ? root : dir);
    if (rc == 0) {
        rc = ingest_run(&g);
    }
    ingest_release(&g);
    free(dir);
    return rc;
}

/*
 * cmd_attribute.c: `kin attribute [--db PATH] [--json] [--top N] FILE...`: which indexed
 * families and actors share code with each file, how strongly, on what evidence, and the claim
 * kin makes (known-family, known-actor or unattributed) with its confidence. The index is opened
 * read-only, so attribution runs while `kin add` writes. Rendering is attribute_report.c's.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis.h"
#include "attribute_report.h"
#include "cli.h"
#include "index_open.h"
#include "opts.h"
#include "text.h"

#define CMD "kin attribute"

static const char usage_text[] =
    "usage: kin attribute [--db PATH] [--json] [--top N] [--evidence N] [--no-whole-file]\n"
    "                     [--exclude-family F] [--exclude-actor A] [--exclude-sample SHA256]\n"
    "                     [--indexed] [--timing] FILE...\n"
    "\n"
    "Tells which indexed families and actors share code with each file, weighting code by how\n"
    "rarely the index holds it (library and runtime code counts for nothing), and makes one of\n"
    "three claims: known-family (a variant of an indexed family), known-actor (a family not in\n"
    "the index, tied by code to an indexed actor) or unattributed (kin abstains). Confidence is\n"
    "the STIX 2.1 integer 0-100 with its STIX and ICD 203 words; whole-file similarity (TLSH,\n"
    "ssdeep, imphash, Rich hash) is forgeable and listed apart. See docs/ATTRIBUTION-ENGINE.md.\n"
    "\n"
    "  --db PATH           the index (default $KIN_DB, else ./kin.db); opened read-only\n"
    "  --json              one JSON object per file, one per line\n"
    "  --top N             families and actors ranked (default 5)\n"
    "  --evidence N        shared functions listed in --json, strongest first (default 100)\n"
    "  --no-whole-file     skip the TLSH, ssdeep, imphash and Rich hash comparison\n"
    "  --exclude-family F  attribute as if family F were not indexed (repeatable)\n"
    "  --exclude-actor A   ... as if no family of actor A were indexed (repeatable)\n"
    "  --exclude-sample H  ... as if the sample with sha256 H were not indexed (repeatable)\n"
    "                      (F and A may be any alias, in any letter case: kin label)\n"
    "  --indexed           the arguments are sha256 of indexed samples, attributed as if new\n"
    "  --no-pdata          ignore the x64 exception directory as a source of function starts\n"
    "  --timing            print to stderr, per file, the time of its own analysis and of the\n"
    "                      index part (lookup and scoring), and once the time to open the index\n"
    "  -h, --help          this text\n"
    "\n"
    "Exit status: 0 a claim was made for some file, 1 every file is unattributed, 2 usage\n"
    "error, 3 a file or the index failed.\n";

enum {
    OPT_DB = OPT_FIRST_FREE,
    OPT_TOP,
    OPT_EVIDENCE,
    OPT_NO_WHOLE_FILE,
    OPT_EXCLUDE_FAMILY,
    OPT_EXCLUDE_ACTOR,
    OPT_EXCLUDE_SAMPLE,
    OPT_INDEXED,
    OPT_NO_PDATA,
    OPT_TIMING,
};

/* A list of option values (borrowed from argv). */
struct names {
    const char **v;
    size_t count;
};

static int names_add(struct names *n, const char *s)
{
    const char **v = realloc(n->v, (n->count + 1) * sizeof(*v));
    if (!v) {
        return -1;
    }
    v[n->count++] = s;
    n->v = v;
    return 0;
}

static int parse_count(const char *s, const char *what, uint32_t *out)
{
    uint64_t v = 0;
    if (parse_u64(s, &v) != 0 || v < 1 || v > 100000) {
        fprintf(stderr, "%s: %s wants a number from 1 to 100000\n", CMD, what);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

struct run {
    struct kin_index *idx;
    struct kin_attribute_options opts;
    struct kin_analyze_options ao;
    int json;
    int indexed;
    int timing;
    double open_ms;
    size_t claims, failed;
};

/* Milliseconds on a clock (CLOCK_MONOTONIC: wall; CLOCK_PROCESS_CPUTIME_ID: CPU), for --timing. */
static double clock_ms(clockid_t clock)
{
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0) {
        return 0;
    }
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
    return clock_ms(CLOCK_MONOTONIC);
}

static double cpu_ms(void)
{
    return clock_ms(CLOCK_PROCESS_CPUTIME_ID);
}

/*
 * --timing: one line per file on stderr (bench/bench_scale.py reads it): wall and CPU time of
 * the file's own analysis (load, functions, signatures) and of the index part (kin_attribute:
 * lookups and scoring), and the wall time it took to open the index.
 */
static void
show_timing(const struct run *r, const char *arg, const double wall[3], const double cpu[3])
{
    fprintf(stderr,
            "%s: timing: analysis %.3f ms, index %.3f ms, index open %.3f ms, "
            "cpu analysis %.3f ms, cpu index %.3f ms: ",
            CMD, wall[1] - wall[0], wall[2] - wall[1], r->open_ms, cpu[1] - cpu[0],
            cpu[2] - cpu[1]);
    text_put(stderr, arg);
    fputc('\n', stderr);
}

static void show(struct run *r, const char *path, const struct kin_attribution *a, int first)
{
    const struct kin_attribution_report *rep = kin_attribution_report(a);
    if (rep->verdict != KIN_VERDICT_UNATTRIBUTED) {
        r->claims++;
    }
    if (r->json) {
        attribute_print_json(stdout, path, rep);
    } else {
        if (!first) {
            fputs("\n", stdout);
        }
        attribute_print_text(stdout, path, rep);
    }
}

static void attribute_one(struct run *r, const char *arg, int first)
{
    struct kin_attribution *a = NULL;
    kin_status st;
    double wall[3], cpu[3];
    wall[0] = wall[1] = now_ms();
    cpu[0] = cpu[1] = cpu_ms();
    if (r->indexed) {
        st = kin_attribute_indexed(r->idx, arg, &r->opts, &a);
    } else {
        struct kin_sample *s = NULL;
        struct kin_funcs *f = NULL;
        if (analysis_open(arg, NULL, &r->ao, &s, &f) != 0) {
            r->failed++;
            return;
        }
        wall[1] = now_ms();
        cpu[1] = cpu_ms();
        st = kin_attribute(r->idx, s, f, &r->opts, &a);
        kin_funcs_free(f);
        kin_sample_free(s);
    }
    if (r->timing) {
        wall[2] = now_ms();
        cpu[2] = cpu_ms();
        show_timing(r, arg, wall, cpu);
    }
    if (st != KIN_OK) {
        fprintf(stderr, "%s: cannot attribute '", CMD);
        text_put(stderr, arg);
        fputs("': ", stderr);
        text_put(stderr, kin_index_errmsg(r->idx));
        fputc('\n', stderr);
        r->failed++;
        return;
    }
    show(r, arg, a, first);
    kin_attribution_free(a);
}

int cmd_attribute(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"json", no_argument, NULL, OPT_JSON},
        {"top", required_argument, NULL, OPT_TOP},
        {"evidence", required_argument, NULL, OPT_EVIDENCE},
        {"no-whole-file", no_argument, NULL, OPT_NO_WHOLE_FILE},
        {"exclude-family", required_argument, NULL, OPT_EXCLUDE_FAMILY},
        {"exclude-actor", required_argument, NULL, OPT_EXCLUDE_ACTOR},
        {"exclude-sample", required_argument, NULL, OPT_EXCLUDE_SAMPLE},
        {"indexed", no_argument, NULL, OPT_INDEXED},
        {"no-pdata", no_argument, NULL, OPT_NO_PDATA},
        {"timing", no_argument, NULL, OPT_TIMING},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct run r;
    struct names fam = {0}, act = {0}, smp = {0};
    const char *db = NULL;
    int c, rc = EXIT_USAGE;
    memset(&r, 0, sizeof(r));
    opts_reset();
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case OPT_DB:
            db = optarg;
            break;
        case OPT_JSON:
            r.json = 1;
            break;
        case OPT_TOP:
            bad = parse_count(optarg, "--top", &r.opts.top);
            break;
        case OPT_EVIDENCE:
            bad = parse_count(optarg, "--evidence", &r.opts.max_evidence);
            break;
        case OPT_NO_WHOLE_FILE:
            r.opts.no_whole_file = 1;
            break;
        case OPT_EXCLUDE_FAMILY:
            bad = names_add(&fam, optarg);
            break;
        case OPT_EXCLUDE_ACTOR:
            bad = names_add(&act, optarg);
            break;
        case OPT_EXCLUDE_SAMPLE:
            bad = names_add(&smp, optarg);
            break;
        case OPT_INDEXED:
            r.indexed = 1;
            break;
        case OPT_NO_PDATA:
            r.ao.no_pdata = 1;
            break;
        case OPT_TIMING:
            r.timing = 1;
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
        if (bad) {
            goto out;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "%s: no file given\n", CMD);
        fputs(usage_text, stderr);
        goto out;
    }
    r.opts.exclude_families = fam.v;
    r.opts.exclude_family_count = fam.count;
    r.opts.exclude_actors = act.v;
    r.opts.exclude_actor_count = act.count;
    r.opts.exclude_samples = smp.v;
    r.opts.exclude_sample_count = smp.count;
    double t_open = now_ms();
    r.idx = index_open(index_path(db), KIN_INDEX_READONLY);
    r.open_ms = now_ms() - t_open;
    if (!r.idx) {
        rc = EXIT_RUNTIME;
        goto out;
    }
    for (int i = optind; i < argc; i++) {
        attribute_one(&r, argv[i], i == optind);
    }
    kin_index_close(r.idx);
    rc = r.failed ? EXIT_RUNTIME : r.claims ? 0 : EXIT_NOTFOUND;
out:
    free(fam.v);
    free(act.v);
    free(smp.v);
    return rc;
}

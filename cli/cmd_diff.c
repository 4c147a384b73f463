/*
 * cmd_diff.c: `kin diff A B [--json] [--threshold T] [--all]`: the functions two binaries share.
 *
 * Exact matches pair functions with the same position-independent hash; fuzzy matches pair the
 * remaining functions whose MinHash similarity reaches the threshold. Fuzzy candidates come from
 * LSH band lookups (the index's method: KIN_LSH_BANDS bands of equal values), are scored with
 * kin_minhash_similarity(), and pairs are taken best score first, each function at most once.
 * Functions flagged small are left out unless --all. The summary gives, in each direction, the
 * share of the code in functions (bytes) that the other binary shares.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cli.h"
#include "json.h"
#include "opts.h"
#include "text.h"

#define CMD "kin diff"

enum { OPT_THRESHOLD = OPT_FIRST_FREE, OPT_ALL, OPT_NO_PDATA };

static const char usage_text[] =
    "usage: kin diff [--json] [--threshold T] [--all] [--raw --arch x86|x64 [--base ADDR]] A B\n"
    "\n"
    "Lists the functions A and B share: exact (same position-independent hash) and fuzzy\n"
    "(MinHash similarity >= T, default 0.5), each function matched at most once, then a summary\n"
    "line with the share of each file's code (bytes in functions) found in the other.\n"
    "\n"
    "  --json              one object per match and a final summary object, one per line\n"
    "  --threshold T       fuzzy similarity threshold, 0 < T <= 1 (default 0.5)\n"
    "  --all               include functions flagged small (thunks, stubs)\n"
    "  --no-pdata          ignore the x64 exception directory as a source of "
    "starts\n" LOAD_OPTIONS_HELP "  -h, --help          this text\n"
    "\n"
    "Exit status: 0 some code is shared, 1 nothing shared, 2 usage error, 3 runtime error.\n";

struct pair {
    uint32_t a, b;
    double score;
};

struct band_entry {
    uint64_t value;
    uint32_t band;
    uint32_t func;
};

static int cmp_band(const void *x, const void *y)
{
    const struct band_entry *p = x, *q = y;
    if (p->band != q->band) {
        return p->band < q->band ? -1 : 1;
    }
    if (p->value != q->value) {
        return p->value < q->value ? -1 : 1;
    }
    return p->func < q->func ? -1 : p->func > q->func;
}

static int cmp_pair(const void *x, const void *y)
{
    const struct pair *p = x, *q = y;
    if (p->score != q->score) {
        return p->score > q->score ? -1 : 1;
    }
    if (p->a != q->a) {
        return p->a < q->a ? -1 : 1;
    }
    return p->b < q->b ? -1 : p->b > q->b;
}

struct hash_ref {
    uint64_t h;
    uint32_t func;
};

static int cmp_hash(const void *x, const void *y)
{
    const struct hash_ref *p = x, *q = y;
    if (p->h != q->h) {
        return p->h < q->h ? -1 : 1;
    }
    return p->func < q->func ? -1 : p->func > q->func;
}

struct diff {
    const struct kin_funcs *fa, *fb;
    size_t na, nb;
    int all;
    double threshold;
    uint8_t *used_a, *used_b;
    struct pair *pairs;
    size_t npairs, cap;
};

static int push_pair(struct diff *d, uint32_t a, uint32_t b, double score)
{
    if (d->npairs == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 256;
        struct pair *p = realloc(d->pairs, ncap * sizeof(*p));
        if (!p) {
            return -1;
        }
        d->pairs = p;
        d->cap = ncap;
    }
    d->pairs[d->npairs].a = a;
    d->pairs[d->npairs].b = b;
    d->pairs[d->npairs].score = score;
    d->npairs++;
    return 0;
}

static int eligible(const struct diff *d, const struct kin_function *fn)
{
    return d->all || !(fn->flags & KIN_FUNC_SMALL);
}

/* Exact matches: equal pichash, paired in address order within each hash. */
static int exact(struct diff *d)
{
    struct hash_ref *ha = calloc(d->na + 1, sizeof(*ha)), *hb = calloc(d->nb + 1, sizeof(*hb));
    size_t ka = 0, kb = 0;
    if (!ha || !hb) {
        free(ha);
        free(hb);
        return -1;
    }
    for (size_t i = 0; i < d->na; i++) {
        const struct kin_function *fn = kin_funcs_get(d->fa, i);
        if (eligible(d, fn) && fn->insn_count) {
            ha[ka].h = fn->pichash;
            ha[ka++].func = (uint32_t)i;
        }
    }
    for (size_t i = 0; i < d->nb; i++) {
        const struct kin_function *fn = kin_funcs_get(d->fb, i);
        if (eligible(d, fn) && fn->insn_count) {
            hb[kb].h = fn->pichash;
            hb[kb++].func = (uint32_t)i;
        }
    }
    if (ka > 0) {
        qsort(ha, ka, sizeof(*ha), cmp_hash);
    }
    if (kb > 0) {
        qsort(hb, kb, sizeof(*hb), cmp_hash);
    }
    size_t i = 0, j = 0;
    int rc = 0;
    while (i < ka && j < kb) {
        if (ha[i].h < hb[j].h) {
            i++;
        } else if (ha[i].h > hb[j].h) {
            j++;
        } else {
            d->used_a[ha[i].func] = d->used_b[hb[j].func] = 1;
            if (push_pair(d, ha[i].func, hb[j].func, 1.0) != 0) {
                rc = -1;
                break;
            }
            i++;
            j++;
        }
    }
    free(ha);
    free(hb);
    return rc;
}

/* Fuzzy matches among functions without an exact match. */
static int fuzzy(struct diff *d)
{
    struct band_entry *idx = calloc(d->nb * KIN_LSH_BANDS + 1, sizeof(*idx));
    uint32_t *seen = calloc(d->nb + 1, sizeof(*seen));
    struct pair *cand = NULL;
    size_t n = 0, ncand = 0, candcap = 0;
    int rc = -1;
    if (!idx || !seen) {
        goto out;
    }
    for (size_t i = 0; i < d->nb; i++) {
        const struct kin_function *fn = kin_funcs_get(d->fb, i);
        uint64_t bands[KIN_LSH_BANDS];
        if (d->used_b[i] || !eligible(d, fn) || !fn->insn_count) {
            continue;
        }
        kin_minhash_bands(fn->minhash, bands);
        for (uint32_t k = 0; k < KIN_LSH_BANDS; k++) {
            idx[n].value = bands[k];
            idx[n].band = k;
            idx[n++].func = (uint32_t)i;
        }
    }
    if (n > 0) {
        qsort(idx, n, sizeof(*idx), cmp_band);
    }
    for (size_t i = 0; i < d->na; i++) {
        const struct kin_function *fa = kin_funcs_get(d->fa, i);
        uint64_t bands[KIN_LSH_BANDS];
        if (d->used_a[i] || !eligible(d, fa) || !fa->insn_count) {
            continue;
        }
        kin_minhash_bands(fa->minhash, bands);
        for (uint32_t k = 0; k < KIN_LSH_BANDS; k++) {
            struct band_entry key = {bands[k], k, 0};
            size_t lo = 0, hi = n;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (cmp_band(&idx[mid], &key) < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            for (; lo < n && idx[lo].band == k && idx[lo].value == bands[k]; lo++) {
                uint32_t b = idx[lo].func;
                if (seen[b] == i + 1) {
                    continue;
                }
                seen[b] = (uint32_t)i + 1;
                double s = kin_minhash_similarity(fa->minhash, kin_funcs_get(d->fb, b)->minhash);
                if (s < d->threshold) {
                    continue;
                }
                if (ncand == candcap) {
                    size_t nc = candcap ? candcap * 2 : 256;
                    struct pair *p = realloc(cand, nc * sizeof(*p));
                    if (!p) {
                        goto out;
                    }
                    cand = p;
                    candcap = nc;
                }
                cand[ncand].a = (uint32_t)i;
                cand[ncand].b = b;
                cand[ncand++].score = s;
            }
        }
    }
    if (ncand > 0) {
        qsort(cand, ncand, sizeof(*cand), cmp_pair);
    }
    for (size_t i = 0; i < ncand; i++) {
        if (d->used_a[cand[i].a] || d->used_b[cand[i].b]) {
            continue;
        }
        d->used_a[cand[i].a] = d->used_b[cand[i].b] = 1;
        if (push_pair(d, cand[i].a, cand[i].b, cand[i].score) != 0) {
            goto out;
        }
    }
    rc = 0;
out:
    free(idx);
    free(seen);
    free(cand);
    return rc;
}

static uint64_t total_bytes(const struct kin_funcs *f)
{
    uint64_t t = 0;
    for (size_t i = 0; i < kin_funcs_count(f); i++) {
        t += kin_funcs_get(f, i)->size;
    }
    return t;
}

static void print_name(const char *name)
{
    if (name) {
        text_put(stdout, name);
    } else {
        fputc('-', stdout);
    }
}

static int cmp_pair_addr(const void *x, const void *y)
{
    const struct pair *p = x, *q = y;
    return p->a < q->a ? -1 : p->a > q->a;
}

static void report(struct diff *d, const char *pa, const char *pb, int json)
{
    uint64_t ta = total_bytes(d->fa), tb = total_bytes(d->fb), sa = 0, sb = 0;
    size_t nexact = 0, nfuzzy = 0;
    if (d->npairs > 0) {
        qsort(d->pairs, d->npairs, sizeof(*d->pairs), cmp_pair_addr);
    }
    if (!json) {
        printf("# %-6s %-18s %-18s %8s %8s %5s  %s\n", "kind", "address A", "address B", "size A",
               "size B", "score", "name A / name B");
    }
    for (size_t i = 0; i < d->npairs; i++) {
        const struct pair *p = &d->pairs[i];
        const struct kin_function *a = kin_funcs_get(d->fa, p->a), *b = kin_funcs_get(d->fb, p->b);
        int is_exact = p->score >= 1.0 && a->pichash == b->pichash;
        sa += a->size;
        sb += b->size;
        nexact += is_exact;
        nfuzzy += !is_exact;
        if (json) {
            struct json j;
            json_init(&j, stdout);
            json_object_begin(&j);
            json_kv_str(&j, "kind", is_exact ? "exact" : "fuzzy");
            json_kv_u64(&j, "a", a->va);
            json_kv_u64(&j, "b", b->va);
            json_kv_u64(&j, "a_size", a->size);
            json_kv_u64(&j, "b_size", b->size);
            json_kv_str(&j, "a_name", a->name);
            json_kv_str(&j, "b_name", b->name);
            json_key(&j, "score");
            json_double(&j, p->score, 3);
            json_object_end(&j);
            json_end(&j);
        } else {
            printf("%-8s 0x%016" PRIx64 " 0x%016" PRIx64 " %8" PRIu64 " %8" PRIu64 " %5.2f  ",
                   is_exact ? "exact" : "fuzzy", a->va, b->va, a->size, b->size, p->score);
            print_name(a->name);
            fputs(" / ", stdout);
            print_name(b->name);
            fputc('\n', stdout);
        }
    }
    double ra = ta ? 100.0 * (double)sa / (double)ta : 0.0;
    double rb = tb ? 100.0 * (double)sb / (double)tb : 0.0;
    if (json) {
        struct json j;
        json_init(&j, stdout);
        json_object_begin(&j);
        json_kv_str(&j, "kind", "summary");
        json_kv_str(&j, "a_file", pa);
        json_kv_str(&j, "b_file", pb);
        json_kv_u64(&j, "exact", nexact);
        json_kv_u64(&j, "fuzzy", nfuzzy);
        json_kv_u64(&j, "a_functions", d->na);
        json_kv_u64(&j, "b_functions", d->nb);
        json_kv_u64(&j, "a_shared_bytes", sa);
        json_kv_u64(&j, "a_bytes", ta);
        json_kv_u64(&j, "b_shared_bytes", sb);
        json_kv_u64(&j, "b_bytes", tb);
        json_key(&j, "a_shared");
        json_double(&j, ra / 100.0, 4);
        json_key(&j, "b_shared");
        json_double(&j, rb / 100.0, 4);
        json_object_end(&j);
        json_end(&j);
    } else {
        printf("shared: %zu exact + %zu fuzzy functions; A: %" PRIu64 " of %" PRIu64
               " bytes (%.1f%%) in B; B: %" PRIu64 " of %" PRIu64 " bytes (%.1f%%) in A\n",
               nexact, nfuzzy, sa, ta, ra, sb, tb, rb);
    }
}

int cmd_diff(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"threshold", required_argument, NULL, OPT_THRESHOLD},
        {"all", no_argument, NULL, OPT_ALL},
        {"no-pdata", no_argument, NULL, OPT_NO_PDATA},
        {"help", no_argument, NULL, 'h'},
        LOAD_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    struct load_args la;
    struct kin_analyze_options ao;
    struct diff d;
    int json = 0, c, rc = 0;
    memset(&la, 0, sizeof(la));
    memset(&ao, 0, sizeof(ao));
    memset(&d, 0, sizeof(d));
    la.opts.skip_fuzzy = 1;
    d.threshold = 0.5;
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
        case OPT_ALL:
            d.all = 1;
            break;
        case OPT_NO_PDATA:
            ao.no_pdata = 1;
            break;
        case OPT_THRESHOLD: {
            char *end;
            d.threshold = strtod(optarg, &end);
            if (*end || end == optarg || !(d.threshold > 0.0 && d.threshold <= 1.0)) {
                fprintf(stderr, "%s: --threshold wants a number in (0, 1], not '%s'\n", CMD,
                        optarg);
                return EXIT_USAGE;
            }
            break;
        }
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
    if (argc - optind != 2) {
        fprintf(stderr, "%s: two files expected\n", CMD);
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    struct kin_sample *sa = NULL, *sb = NULL;
    struct kin_funcs *fa = NULL, *fb = NULL;
    if (analysis_open(argv[optind], &la.opts, &ao, &sa, &fa) != 0 ||
        analysis_open(argv[optind + 1], &la.opts, &ao, &sb, &fb) != 0) {
        rc = EXIT_RUNTIME;
        goto out;
    }
    d.fa = fa;
    d.fb = fb;
    d.na = kin_funcs_count(fa);
    d.nb = kin_funcs_count(fb);
    d.used_a = calloc(d.na + 1, 1);
    d.used_b = calloc(d.nb + 1, 1);
    if (!d.used_a || !d.used_b || exact(&d) != 0 || fuzzy(&d) != 0) {
        fprintf(stderr, "%s: out of memory\n", CMD);
        rc = EXIT_RUNTIME;
        goto out;
    }
    report(&d, argv[optind], argv[optind + 1], json);
    rc = d.npairs ? 0 : EXIT_NOTFOUND;
out:
    free(d.used_a);
    free(d.used_b);
    free(d.pairs);
    kin_funcs_free(fa);
    kin_funcs_free(fb);
    kin_sample_free(sa);
    kin_sample_free(sb);
    return rc;
}

/*
 * cmd_search.c: `kin search VALUE... [--db PATH] [--type T[,T...]] [--json]`: the indexed samples
 * holding an indicator (issue #5). Each value is normalised as the index stores it (lowercase
 * hosts, e-mail addresses, Bech32 and Ethereum addresses...) for every type it could be, and
 * matched exactly. Values on the built-in list of ubiquitous values are never indexed: the
 * command says so instead of only finding nothing.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "index_open.h"
#include "json.h"
#include "opts.h"
#include "text.h"

#define CMD "kin search"

static const char usage_text[] =
    "usage: kin search [--db PATH] [--type T[,T...]] [--json] VALUE...\n"
    "\n"
    "Lists the indexed samples holding an indicator (`kin add` stores them): a crypto-currency\n"
    "address, an onion name, a URL, a domain, an IP or e-mail address, a PDB path, a mutex,\n"
    "a registry key or a user agent. The value is compared exactly, in the form the index\n"
    "stores: host names, e-mail addresses, onion names, Bech32 and Ethereum addresses and\n"
    "registry keys in lowercase, URLs with a lowercase scheme and host, the rest as written.\n"
    "For each sample: sha256, family, actor, version, and where the indicator lies in it (file\n"
    "offset, section, encoding). A value held by several families is marked ubiquitous: it\n"
    "is not evidence of kinship.\n"
    "\n"
    "  --db PATH           the index (default $KIN_DB, else ./kin.db)\n"
    "  --type T[,T...]     only as these types (url, domain, ipv4, ipv6, email, onion, btc,\n"
    "                      eth, xmr, pdb, registry, mutex, useragent); default: every type\n"
    "  --json              one JSON object per sample and line\n"
    "  -h, --help          this text\n"
    "\n"
    "Exit status: 0 found, 1 no indexed sample holds it, 2 usage error, 3 runtime error.\n";

enum { OPT_DB = OPT_FIRST_FREE, OPT_TYPE };

struct search_out {
    int json;
    size_t hits;
    uint32_t last_type; /* the (type, value) group being printed (text output) */
    char *last_value;   /* NULL before the first hit */
};

static int parse_types(const char *arg, uint32_t *mask)
{
    char buf[256];
    size_t len = strlen(arg);
    if (len >= sizeof(buf)) {
        fprintf(stderr, "%s: --type: list too long\n", CMD);
        return -1;
    }
    memcpy(buf, arg, len + 1);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        uint32_t type;
        if (kin_ioc_type_parse(t, &type) != KIN_OK) {
            fprintf(stderr, "%s: unknown type '%s'\n", CMD, t);
            return -1;
        }
        if (!(KIN_IOC_EVIDENCE_TYPES & (1u << type))) {
            fprintf(stderr, "%s: '%s' values are not indexed (file paths are not evidence)\n", CMD,
                    t);
            return -1;
        }
        *mask |= 1u << type;
    }
    return *mask ? 0 : -1;
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

/* Whether h starts a new (type, value) group (hits of one value arrive together). */
static int new_group(struct search_out *o, const struct kin_index_ioc_hit *h)
{
    if (o->last_value && o->last_type == h->type && strcmp(o->last_value, h->value) == 0) {
        return 0;
    }
    size_t n = strlen(h->value) + 1;
    char *copy = malloc(n);
    if (copy) {
        memcpy(copy, h->value, n);
    }
    free(o->last_value);
    o->last_value = copy;
    o->last_type = h->type;
    return 1;
}

static int print_hit(void *ctx, const struct kin_index_ioc_hit *h)
{
    struct search_out *o = ctx;
    if (o->json) {
        struct json j;
        json_init(&j, stdout);
        json_object_begin(&j);
        json_kv_str(&j, "type", kin_ioc_type_name(h->type));
        json_kv_str(&j, "value", h->value);
        json_kv_str(&j, "sha256", h->sha256);
        json_key(&j, "family");
        json_str_or_null(&j, h->family);
        json_key(&j, "actor");
        json_str_or_null(&j, h->actor);
        json_key(&j, "version");
        json_str_or_null(&j, h->version);
        json_key(&j, "section");
        json_str_or_null(&j, h->section);
        json_kv_u64(&j, "offset", h->offset);
        json_kv_str(&j, "encoding", kin_ioc_encoding_name(h->encoding));
        json_kv_u64(&j, "samples", h->samples);
        json_kv_u64(&j, "families", h->families);
        json_kv_bool(&j, "ubiquitous", h->ubiquitous);
        json_object_end(&j);
        json_end(&j);
    } else {
        if (new_group(o, h)) {
            if (o->hits) {
                fputc('\n', stdout);
            }
            printf("%s ", kin_ioc_type_name(h->type));
            text_put(stdout, h->value);
            printf(": %llu sample%s, %llu famil%s%s\n", (unsigned long long)h->samples,
                   h->samples == 1 ? "" : "s", (unsigned long long)h->families,
                   h->families == 1 ? "y" : "ies",
                   h->ubiquitous ? " (ubiquitous: not evidence of kinship)" : "");
            printf("  %-64s  %-20s %-16s %-12s %s\n", "SHA256", "FAMILY", "ACTOR", "VERSION",
                   "WHERE");
        }
        printf("  %s  ", h->sha256);
        text_put_pad(stdout, or_dash(h->family), 21);
        text_put_pad(stdout, or_dash(h->actor), 17);
        text_put_pad(stdout, or_dash(h->version), 13);
        if (h->type == KIN_IOC_MODULE || h->type == KIN_IOC_LOADS) {
            printf("headers\n"); /* read from the export or import tables, not the strings */
        } else {
            printf("0x%llx ", (unsigned long long)h->offset);
            text_put(stdout, or_dash(h->section));
            printf(" %s\n", kin_ioc_encoding_name(h->encoding));
        }
    }
    o->hits++;
    return ferror(stdout) ? 1 : 0;
}

/* Says on stderr when the value is on the built-in list for one of the types searched. */
static void note_ubiquitous(const char *value, uint32_t types)
{
    for (uint32_t t = 0; t < KIN__IOC_TYPE_COUNT; t++) {
        if (!(types & (1u << t))) {
            continue;
        }
        const char *why = kin_ioc_ubiquitous(t, value);
        if (why) {
            fprintf(stderr, "%s: '", CMD);
            text_put(stderr, value);
            fprintf(stderr, "' is on kin's list of ubiquitous %s values (%s): never indexed\n",
                    kin_ioc_type_name(t), why);
            return;
        }
    }
}

int cmd_search(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"type", required_argument, NULL, OPT_TYPE},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    uint32_t types = 0;
    struct search_out o;
    int c;
    memset(&o, 0, sizeof(o));
    opts_reset();
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            db = optarg;
            break;
        case OPT_TYPE:
            if (parse_types(optarg, &types) != 0) {
                return EXIT_USAGE;
            }
            break;
        case OPT_JSON:
            o.json = 1;
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
        fprintf(stderr, "%s: no value given\n", CMD);
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    struct kin_index *idx = index_open(index_path(db), KIN_INDEX_READONLY);
    if (!idx) {
        return EXIT_RUNTIME;
    }
    int rc = 0;
    for (int i = optind; i < argc && rc == 0; i++) {
        size_t before = o.hits;
        if (kin_index_search_ioc(idx, argv[i], types, print_hit, &o) != KIN_OK) {
            index_complain(CMD, "cannot search the index", idx);
            rc = EXIT_RUNTIME;
        } else if (o.hits == before) {
            note_ubiquitous(argv[i], types ? types : KIN_IOC_EVIDENCE_TYPES);
        }
    }
    kin_index_close(idx);
    free(o.last_value);
    if (rc == 0 && o.hits == 0) {
        rc = EXIT_NOTFOUND;
    }
    return rc;
}

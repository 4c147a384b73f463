/*
 * cmd_ledger.c: `kin ledger`: follow the money on the Bitcoin chain, from a local Bitcoin Core
 * blocks/ directory (see kin_ledger_open() in kin.h); no third party learns which addresses
 * matter.
 *
 *   kin ledger info    --blocks DIR                       what the directory holds
 *   kin ledger watch   ADDRESS... | --from-sample FILE    payments, spends, alerts, flows
 *   kin ledger cluster ADDRESS                            addresses of the same wallet
 *
 * A readable report by default, one JSON object per line with --json. Anomalies (malformed or
 * truncated records, missing undo data) go to stderr in text mode, as objects in JSON mode.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "ledger_out.h"
#include "opts.h"
#include "text.h"

#define CMD "kin ledger"

enum {
    OPT_BLOCKS = OPT_FIRST_FREE,
    OPT_FOLLOW,
    OPT_FANOUT,
    OPT_PRICES,
    OPT_FROM_SAMPLE,
    OPT_NETWORK,
    OPT_PASSES,
    OPT_RPC,
    OPT_RPC_COOKIE,
    OPT_RPC_USER,
    OPT_FROM_HEIGHT,
    OPT_TO_HEIGHT,
    OPT_LIVE,
};

#define MAX_SAMPLES 64

struct ledger_args {
    const char *blocks;
    const char *prices_path;
    const char *samples[MAX_SAMPLES];
    size_t sample_count;
    struct kin_ledger_options open;
    struct kin_watch_options watch;
    struct kin_cluster_options cluster;
    int json;
    const char *rpc; /* HOST:PORT, instead of --blocks */
    char rpc_host[256];
    struct kin_rpc_options rpc_opts;
    uint32_t live; /* seconds between polls; 0: one scan */
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: kin ledger watch ADDRESS... [--from-sample FILE]... --blocks DIR\n"
            "                        [--follow N] [--fanout N] [--prices FILE] [--json]\n"
            "       kin ledger cluster ADDRESS --blocks DIR [--passes N] [--json]\n"
            "       kin ledger info --blocks DIR [--json]\n\n"
            "Reads a Bitcoin Core blocks directory (blk*.dat, rev*.dat, xor.dat) directly.\n\n"
            "  --blocks DIR        the node's blocks/ directory (e.g. ~/.bitcoin/blocks)\n"
            "  --from-sample FILE  watch the valid Bitcoin addresses `kin iocs` finds in FILE\n"
            "  --follow N          follow withdrawn funds N transactions further (max %u)\n"
            "  --fanout N          outputs followed per transaction, largest first (default 8)\n"
            "  --prices FILE       CSV of daily prices (date,price): values at each day\n"
            "  --network NAME      mainnet, testnet3, testnet4, signet or regtest (default: the\n"
            "                      magic of the first record)\n"
            "  --passes N          cluster: passes over the chain at most (default 4)\n"
            "  --json              one JSON object per line\n\n"
            "A running node instead of its files (JSON-RPC over HTTP, e.g. 127.0.0.1:8332):\n"
            "  --rpc HOST:PORT     read blocks with getblock (verbosity 0 and 3)\n"
            "  --rpc-cookie FILE   the node's .cookie file (default auth), or:\n"
            "  --rpc-user USER     with the password in $KIN_RPC_PASSWORD\n"
            "  --from-height N     first block to scan (default 0)\n"
            "  --to-height N       last block to scan (default: the tip)\n"
            "  --live SECONDS      watch: then poll for new blocks forever, reporting each\n"
            "                      round's payments, spends and alerts\n",
            (unsigned)16);
}

static int parse_network(const char *s, uint32_t *out)
{
    for (uint32_t n = KIN_BTC_MAINNET; n <= KIN_BTC_REGTEST; n++) {
        if (!strcmp(s, kin_btc_network_name(n))) {
            *out = n;
            return 0;
        }
    }
    return -1;
}

static int parse_small(const char *opt, const char *arg, uint32_t max, uint32_t *out)
{
    uint64_t v;
    if (parse_u64(arg, &v) != 0 || v > max) {
        fprintf(stderr, "%s: bad value '", CMD);
        text_put(stderr, arg);
        fprintf(stderr, "' for %s: expected a number from 0 to %u\n", opt, max);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

/* Parses options; *first gets the index of the first operand. 0, or an exit code. */
static int parse_args(int argc, char **argv, struct ledger_args *a, int *first)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"blocks", required_argument, NULL, OPT_BLOCKS},
        {"follow", required_argument, NULL, OPT_FOLLOW},
        {"fanout", required_argument, NULL, OPT_FANOUT},
        {"prices", required_argument, NULL, OPT_PRICES},
        {"from-sample", required_argument, NULL, OPT_FROM_SAMPLE},
        {"network", required_argument, NULL, OPT_NETWORK},
        {"passes", required_argument, NULL, OPT_PASSES},
        {"rpc", required_argument, NULL, OPT_RPC},
        {"rpc-cookie", required_argument, NULL, OPT_RPC_COOKIE},
        {"rpc-user", required_argument, NULL, OPT_RPC_USER},
        {"from-height", required_argument, NULL, OPT_FROM_HEIGHT},
        {"to-height", required_argument, NULL, OPT_TO_HEIGHT},
        {"live", required_argument, NULL, OPT_LIVE},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    int c;
    opts_reset();
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
        case OPT_HELP:
            usage(stdout);
            return -1;
        case OPT_JSON:
            a->json = 1;
            break;
        case OPT_BLOCKS:
            a->blocks = optarg;
            break;
        case OPT_FOLLOW:
            if (parse_small("--follow", optarg, 16, &a->watch.follow) != 0) {
                return EXIT_USAGE;
            }
            break;
        case OPT_FANOUT:
            if (parse_small("--fanout", optarg, 256, &a->watch.fanout) != 0) {
                return EXIT_USAGE;
            }
            break;
        case OPT_PASSES:
            if (parse_small("--passes", optarg, 8, &a->cluster.max_passes) != 0) {
                return EXIT_USAGE;
            }
            break;
        case OPT_PRICES:
            a->prices_path = optarg;
            break;
        case OPT_RPC: {
            const char *colon = strrchr(optarg, ':');
            uint64_t port = 8332;
            size_t hl = colon ? (size_t)(colon - optarg) : strlen(optarg);
            if (hl == 0 || hl >= sizeof(a->rpc_host) ||
                (colon && (parse_u64(colon + 1, &port) != 0 || port == 0 || port > 65535))) {
                fprintf(stderr, "%s: --rpc wants HOST:PORT\n", CMD);
                return EXIT_USAGE;
            }
            memcpy(a->rpc_host, optarg, hl);
            a->rpc_host[hl] = '\0';
            a->rpc = optarg;
            a->rpc_opts.host = a->rpc_host;
            a->rpc_opts.port = (uint16_t)port;
            break;
        }
        case OPT_RPC_COOKIE:
            a->rpc_opts.cookie_file = optarg;
            break;
        case OPT_RPC_USER:
            a->rpc_opts.user = optarg;
            a->rpc_opts.password = getenv("KIN_RPC_PASSWORD");
            break;
        case OPT_FROM_HEIGHT:
        case OPT_TO_HEIGHT:
            if (parse_u64(optarg, c == OPT_FROM_HEIGHT ? &a->rpc_opts.from_height
                                                       : &a->rpc_opts.to_height) != 0) {
                fprintf(stderr, "%s: bad height '", CMD);
                text_put(stderr, optarg);
                fprintf(stderr, "'\n");
                return EXIT_USAGE;
            }
            break;
        case OPT_LIVE:
            if (parse_small("--live", optarg, 86400, &a->live) != 0) {
                return EXIT_USAGE;
            }
            break;
        case OPT_FROM_SAMPLE:
            if (a->sample_count >= MAX_SAMPLES) {
                fprintf(stderr, "%s: at most %d --from-sample files\n", CMD, MAX_SAMPLES);
                return EXIT_USAGE;
            }
            a->samples[a->sample_count++] = optarg;
            break;
        case OPT_NETWORK:
            if (parse_network(optarg, &a->open.network) != 0) {
                fprintf(stderr, "%s: unknown network '", CMD);
                text_put(stderr, optarg);
                fprintf(stderr, "'\n");
                return EXIT_USAGE;
            }
            break;
        default:
            opts_complain(CMD, c, argv);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (!a->blocks == !a->rpc) {
        fprintf(stderr, "%s: give --blocks DIR or --rpc HOST:PORT\n", CMD);
        return EXIT_USAGE;
    }
    if (a->rpc && !a->rpc_opts.cookie_file && !a->rpc_opts.user) {
        fprintf(stderr, "%s: --rpc needs --rpc-cookie FILE or --rpc-user USER\n", CMD);
        return EXIT_USAGE;
    }
    if (a->live && !a->rpc) {
        fprintf(stderr, "%s: --live needs --rpc\n", CMD);
        return EXIT_USAGE;
    }
    *first = optind;
    return 0;
}

/* Reads a whole small file (a price list) into a malloc'd buffer. */
static char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    if (!f) {
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = cap <= ((size_t)64 << 20) ? realloc(buf, cap) : NULL;
            if (!nb) {
                free(buf);
                fclose(f);
                errno = EFBIG;
                return NULL;
            }
            buf = nb;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0) {
            break;
        }
    }
    fclose(f);
    *size = n;
    return buf;
}

/* Appends a copy of s to the list; -1 (with a message) when out of memory. */
static int list_add(const char ***list, size_t *count, size_t *cap, const char *s)
{
    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        const char **nl = realloc(*list, ncap * sizeof(**list));
        if (!nl) {
            fprintf(stderr, "%s: out of memory\n", CMD);
            return -1;
        }
        *list = nl;
        *cap = ncap;
    }
    char *copy = strdup(s);
    if (!copy) {
        fprintf(stderr, "%s: out of memory\n", CMD);
        return -1;
    }
    (*list)[(*count)++] = copy;
    return 0;
}

/* Adds the valid Bitcoin addresses found in a file to the list (deduplicated). */
static int addresses_from_sample(const char *path, const char ***list, size_t *count, size_t *cap)
{
    struct kin_ioc_options o = {0};
    struct kin_iocs *res = NULL;
    struct kin_sample *s = NULL;
    o.types = 1u << KIN_IOC_BTC;
    kin_status st = kin_sample_open(path, NULL, &s);
    if (s) {
        st = kin_iocs_extract(s, &o, &res);
    } else if (st == KIN_UNSUPPORTED) {
        size_t size = 0;
        char *bytes = slurp(path, &size);
        st = bytes ? kin_iocs_extract_mem((const uint8_t *)bytes, size, &o, &res) : KIN_IO;
        free(bytes);
    }
    if (st != KIN_OK) {
        fprintf(stderr, "%s: cannot read indicators of '", CMD);
        text_put(stderr, path);
        fprintf(stderr, "': %s\n", st == KIN_IO ? strerror(errno) : kin_status_str(st));
        kin_sample_free(s);
        return -1;
    }
    size_t found = 0;
    for (size_t i = 0; i < kin_iocs_count(res); i++) {
        const struct kin_ioc *c = kin_iocs_get(res, i);
        int dup = 0;
        if (c->validity != KIN_IOC_VALID || kin_btc_address_check(c->value, NULL) != KIN_OK) {
            continue;
        }
        for (size_t k = 0; k < *count && !dup; k++) {
            dup = !strcmp((*list)[k], c->value);
        }
        if (dup) {
            continue;
        }
        if (list_add(list, count, cap, c->value) != 0) {
            kin_iocs_free(res);
            kin_sample_free(s);
            return -1;
        }
        found++;
    }
    if (found == 0) {
        fprintf(stderr, "%s: no valid Bitcoin address in '", CMD);
        text_put(stderr, path);
        fprintf(stderr, "'\n");
    }
    kin_iocs_free(res);
    kin_sample_free(s);
    return 0;
}

static int open_ledger(const struct ledger_args *a, struct kin_ledger **l)
{
    kin_status st =
        a->rpc ? kin_ledger_open_rpc(&a->rpc_opts, l) : kin_ledger_open(a->blocks, &a->open, l);
    if (st == KIN_OK) {
        return 0;
    }
    fprintf(stderr, "%s: cannot read blocks %s '", CMD, a->rpc ? "from" : "in");
    text_put(stderr, a->rpc ? a->rpc : a->blocks);
    if (st == KIN_IO && !a->rpc) {
        fprintf(stderr, "': %s\n", strerror(errno));
    } else if (st == KIN_NOTFOUND && !a->rpc) {
        fprintf(stderr, "': no blk*.dat file\n");
    } else {
        fprintf(stderr, "': %s\n", kin_status_str(st));
    }
    if (*l) {
        size_t n;
        const struct kin_anomaly *an = kin_ledger_anomalies(*l, &n, NULL);
        ledger_print_anomalies(stderr, an, n, 0, 20);
        kin_ledger_close(*l);
        *l = NULL;
    }
    return EXIT_RUNTIME;
}

/* Where the blocks come from, for the report. */
static const char *source(const struct ledger_args *a)
{
    return a->rpc ? a->rpc : a->blocks;
}

static int cmd_info_(const struct ledger_args *a)
{
    struct kin_ledger *l = NULL;
    int rc = open_ledger(a, &l);
    if (rc) {
        return rc;
    }
    struct kin_ledger_info info;
    size_t n, dropped;
    kin_ledger_get_info(l, &info);
    const struct kin_anomaly *an = kin_ledger_anomalies(l, &n, &dropped);
    ledger_print_info(stdout, source(a), &info, a->json);
    ledger_print_anomalies(a->json ? stdout : stderr, an, n, a->json, a->json ? SIZE_MAX : 20);
    kin_ledger_close(l);
    return 0;
}

static int cmd_watch_(const struct ledger_args *a, char **operands, int count)
{
    const char **list = NULL;
    size_t n = 0, cap = 0, bad = 0;
    struct kin_prices *prices = NULL;
    struct kin_ledger *l = NULL;
    struct kin_watch *w = NULL;
    int rc = 0;
    for (int i = 0; i < count; i++) {
        if (kin_btc_address_check(operands[i], NULL) != KIN_OK) {
            fprintf(stderr, "%s: '", CMD);
            text_put(stderr, operands[i]);
            fprintf(stderr, "' is not a Bitcoin address (checksum, version or length)\n");
            rc = EXIT_USAGE;
            goto out;
        }
        if (list_add(&list, &n, &cap, operands[i]) != 0) {
            rc = EXIT_RUNTIME;
            goto out;
        }
    }
    for (size_t i = 0; i < a->sample_count; i++) {
        if (addresses_from_sample(a->samples[i], &list, &n, &cap) != 0) {
            rc = EXIT_RUNTIME;
            goto out;
        }
    }
    if (n == 0) {
        fprintf(stderr, "%s: no address to watch\n", CMD);
        rc = a->sample_count ? EXIT_NOTFOUND : EXIT_USAGE;
        goto out;
    }
    if (a->prices_path) {
        size_t size, bad_line = 0;
        char *text = slurp(a->prices_path, &size);
        kin_status st = text ? kin_prices_parse(text, size, &prices, &bad_line) : KIN_IO;
        free(text);
        if (st != KIN_OK) {
            fprintf(stderr, "%s: cannot use prices '", CMD);
            text_put(stderr, a->prices_path);
            if (st == KIN_MALFORMED) {
                fprintf(stderr, "': line %zu is not 'YYYY-MM-DD,price'\n", bad_line);
            } else {
                fprintf(stderr, "': %s\n", st == KIN_IO ? strerror(errno) : kin_status_str(st));
            }
            rc = EXIT_RUNTIME;
            goto out;
        }
    }
    struct kin_watch_options wo = a->watch;
    wo.prices = prices;
    struct ledger_args round = *a;
    for (;;) {
        rc = open_ledger(&round, &l);
        if (rc) {
            goto out;
        }
        kin_status st = kin_ledger_watch(l, list, n, &wo, &w, &bad);
        if (st != KIN_OK) {
            fprintf(stderr, "%s: watch failed: %s\n", CMD, kin_status_str(st));
            size_t an_count;
            const struct kin_anomaly *an = w ? kin_watch_anomalies(w, &an_count) : NULL;
            if (an) {
                ledger_print_anomalies(stderr, an, an_count, 0, 10);
            }
            rc = EXIT_RUNTIME;
            goto out;
        }
        struct kin_ledger_info info;
        kin_ledger_get_info(l, &info);
        if (!a->live || info.chain_blocks) {
            ledger_print_watch(stdout, source(a), &info, w, &wo, a->json);
        }
        size_t an_count, open_count, dropped;
        const struct kin_anomaly *open_an = kin_ledger_anomalies(l, &open_count, &dropped);
        const struct kin_anomaly *an = kin_watch_anomalies(w, &an_count);
        FILE *af = a->json ? stdout : stderr;
        ledger_print_anomalies(af, open_an, open_count, a->json, a->json ? SIZE_MAX : 10);
        ledger_print_anomalies(af, an, an_count, a->json, a->json ? SIZE_MAX : 10);
        if (kin_watch_truncated(w)) {
            fprintf(stderr, "%s: a cap was reached: the report is incomplete\n", CMD);
        }
        if (!a->live) {
            break;
        }
        /* Live: the next round starts after this one's last block. */
        if (info.chain_blocks) {
            round.rpc_opts.from_height = info.tip_height + 1;
            round.rpc_opts.to_height = 0;
        }
        fflush(stdout);
        kin_watch_free(w);
        w = NULL;
        kin_ledger_close(l);
        l = NULL;
        sleep(a->live);
    }
out:
    kin_watch_free(w);
    kin_ledger_close(l);
    kin_prices_free(prices);
    for (size_t i = 0; i < n; i++) {
        free((void *)list[i]);
    }
    free(list);
    return rc;
}

static int cmd_cluster_(const struct ledger_args *a, char **operands, int count)
{
    if (count != 1) {
        fprintf(stderr, "%s cluster: give exactly one address\n", CMD);
        return EXIT_USAGE;
    }
    if (kin_btc_address_check(operands[0], NULL) != KIN_OK) {
        fprintf(stderr, "%s: '", CMD);
        text_put(stderr, operands[0]);
        fprintf(stderr, "' is not a Bitcoin address\n");
        return EXIT_USAGE;
    }
    struct kin_ledger *l = NULL;
    int rc = open_ledger(a, &l);
    if (rc) {
        return rc;
    }
    struct kin_cluster *c = NULL;
    kin_status st = kin_ledger_cluster(l, operands[0], &a->cluster, &c);
    if (st != KIN_OK) {
        fprintf(stderr, "%s: cluster failed: %s\n", CMD, kin_status_str(st));
        kin_ledger_close(l);
        return EXIT_RUNTIME;
    }
    ledger_print_cluster(stdout, operands[0], c, a->json);
    size_t n;
    const struct kin_anomaly *an = kin_cluster_anomalies(c, &n);
    ledger_print_anomalies(a->json ? stdout : stderr, an, n, a->json, a->json ? SIZE_MAX : 10);
    kin_cluster_free(c);
    kin_ledger_close(l);
    return 0;
}

int cmd_ledger(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    const char *verb = argv[1];
    struct ledger_args a;
    int first = 0;
    memset(&a, 0, sizeof(a));
    int rc = parse_args(argc - 1, argv + 1, &a, &first);
    if (rc != 0) {
        return rc < 0 ? 0 : rc;
    }
    char **operands = argv + 1 + first;
    int count = argc - 1 - first;
    if (!strcmp(verb, "watch")) {
        return cmd_watch_(&a, operands, count);
    }
    if (!strcmp(verb, "cluster")) {
        return cmd_cluster_(&a, operands, count);
    }
    if (!strcmp(verb, "info")) {
        return cmd_info_(&a);
    }
    fprintf(stderr, "%s: unknown subcommand '", CMD);
    text_put(stderr, verb);
    fprintf(stderr, "' (watch, cluster or info)\n");
    return EXIT_USAGE;
}

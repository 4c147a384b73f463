/*
 * cmd_stats.c: `kin stats [--db PATH] [--refresh] [--json]`: the size of the index. --refresh
 * recomputes the frequency statistics from the postings (and migrates an older schema).
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "index_open.h"
#include "json.h"
#include "opts.h"

#define CMD "kin stats"

static const char usage_text[] =
    "usage: kin stats [--db PATH] [--refresh] [--json]\n"
    "\n"
    "Prints the counts of the index: samples, families, actors, functions, distinct\n"
    "position-independent hashes and band values, distinct indicators, and its size on disk.\n"
    "\n"
    "  --db PATH           the index (default $KIN_DB, else ./kin.db)\n"
    "  --refresh           recompute the frequency statistics from the postings first\n"
    "  --json              one JSON object\n"
    "  -h, --help          this text\n";

enum { OPT_DB = OPT_FIRST_FREE, OPT_REFRESH };

int cmd_stats(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"refresh", no_argument, NULL, OPT_REFRESH},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    int refresh = 0, json = 0, c;
    opts_reset();
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            db = optarg;
            break;
        case OPT_REFRESH:
            refresh = 1;
            break;
        case OPT_JSON:
            json = 1;
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
    if (optind < argc) {
        fprintf(stderr, "%s: unexpected argument\n", CMD);
        return EXIT_USAGE;
    }
    struct kin_index *idx = index_open(index_path(db), refresh ? 0 : KIN_INDEX_READONLY);
    if (!idx) {
        return EXIT_RUNTIME;
    }
    struct kin_index_stats s;
    if (refresh && kin_index_refresh_stats(idx) != KIN_OK) {
        index_complain(CMD, "cannot refresh the statistics", idx);
        kin_index_close(idx);
        return EXIT_RUNTIME;
    }
    if (kin_index_stats(idx, &s) != KIN_OK) {
        index_complain(CMD, "cannot read the index", idx);
        kin_index_close(idx);
        return EXIT_RUNTIME;
    }
    kin_index_close(idx);
    if (json) {
        struct json j;
        json_init(&j, stdout);
        json_object_begin(&j);
        json_kv_u64(&j, "samples", s.samples);
        json_kv_u64(&j, "families", s.families);
        json_kv_u64(&j, "actors", s.actors);
        json_kv_u64(&j, "functions", s.functions);
        json_kv_u64(&j, "pichashes", s.pichashes);
        json_kv_u64(&j, "band_values", s.band_values);
        json_kv_u64(&j, "indicators", s.indicators);
        json_kv_u64(&j, "db_size", s.db_size);
        json_kv_u64(&j, "schema_version", s.schema_version);
        json_kv_u64(&j, "sig_scheme", s.sig_scheme);
        json_object_end(&j);
        json_end(&j);
        return 0;
    }
    printf("samples            %llu\n", (unsigned long long)s.samples);
    printf("families           %llu\n", (unsigned long long)s.families);
    printf("actors             %llu\n", (unsigned long long)s.actors);
    printf("functions          %llu\n", (unsigned long long)s.functions);
    printf("distinct pichashes %llu\n", (unsigned long long)s.pichashes);
    printf("distinct bands     %llu\n", (unsigned long long)s.band_values);
    printf("indicators         %llu\n", (unsigned long long)s.indicators);
    printf("size on disk       %llu bytes (%.1f MB)\n", (unsigned long long)s.db_size,
           (double)s.db_size / 1e6);
    printf("schema version     %u\n", s.schema_version);
    printf("signature scheme   %u\n", s.sig_scheme);
    return 0;
}

/*
 * cmd_iocs.c: `kin iocs FILE...`: the network and crypto-currency indicators and host artefacts
 * in each file, validated (see kin_iocs_extract() in kin.h). A readable table by default, one
 * JSON object per indicator with --json. Files that are neither PE nor ELF are scanned as bytes.
 * Values come from the sample: every byte outside printable ASCII is escaped before printing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "text.h"

struct iocs_opts {
    int json;
    int unique;
    struct kin_ioc_options ext;
};

static void usage(FILE *f)
{
    fprintf(f, "usage: kin iocs [--json] [--type T[,T...]] [--min-len N] [--all] [--unique] "
               "FILE...\n\n"
               "  --json       one JSON object per indicator (keys: file, type, value, offset,\n"
               "               encoding, section, valid (true, false or null when unchecked),\n"
               "               validation, detail)\n"
               "  --type T     only these types (comma-separated):");
    for (uint32_t t = 0; t < KIN__IOC_TYPE_COUNT; t++) {
        if (t != KIN_IOC_MODULE && t != KIN_IOC_LOADS) { /* from the headers: kin info */
            fprintf(f, "%s%s", t ? "," : " ", kin_ioc_type_name(t));
        }
    }
    fprintf(f, "\n  --min-len N  shortest string examined, in characters (default 6)\n"
               "  --all        also list candidates that failed a checksum or a rule\n"
               "  --unique     print each (type, value, validity) once per file\n");
}

static int parse_types(const char *arg, uint32_t *mask)
{
    char buf[256];
    size_t len = strlen(arg);
    if (len >= sizeof(buf)) {
        return 0;
    }
    memcpy(buf, arg, len + 1);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        uint32_t type;
        if (kin_ioc_type_parse(t, &type) != KIN_OK) {
            fprintf(stderr, "kin iocs: unknown type '%s'\n", t);
            return 0;
        }
        if (type == KIN_IOC_MODULE || type == KIN_IOC_LOADS) {
            fprintf(stderr,
                    "kin iocs: '%s' names come from the import and export tables, not the "
                    "strings: see kin info (module name, imports)\n",
                    t);
            return 0;
        }
        *mask |= 1u << type;
    }
    return *mask != 0;
}

/*
 * Whether an earlier indicator of the result has the same type, value and validity (with --all,
 * a value refused in one place and valid in another is listed both ways).
 */
static int seen_before(const struct kin_iocs *res, size_t i)
{
    const struct kin_ioc *o = kin_iocs_get(res, i);
    for (size_t j = 0; j < i; j++) {
        const struct kin_ioc *p = kin_iocs_get(res, j);
        if (p->type == o->type && p->validity == o->validity && strcmp(p->value, o->value) == 0) {
            return 1;
        }
    }
    return 0;
}

static void print_result(const char *path, const struct kin_iocs *res, const struct iocs_opts *o)
{
    size_t n = kin_iocs_count(res);
    if (!o->json) {
        printf("%s: %zu indicator%s in %llu strings%s\n", path, n, n == 1 ? "" : "s",
               (unsigned long long)kin_iocs_string_count(res),
               kin_iocs_truncated(res) ? " (a cap was reached: truncated)" : "");
    }
    for (size_t i = 0; i < n; i++) {
        const struct kin_ioc *c = kin_iocs_get(res, i);
        if (o->unique && seen_before(res, i)) {
            continue;
        }
        if (o->json) {
            struct json j;
            json_init(&j, stdout);
            json_object_begin(&j);
            json_kv_str(&j, "file", path);
            json_kv_str(&j, "type", kin_ioc_type_name(c->type));
            json_kv_str(&j, "value", c->value);
            json_kv_u64(&j, "offset", c->offset);
            json_kv_str(&j, "encoding", kin_ioc_encoding_name(c->encoding));
            json_kv_str(&j, "section", c->section); /* null outside sections */
            if (c->validity == KIN_IOC_UNCHECKED) {
                json_kv_null(&j, "valid");
            } else {
                json_kv_bool(&j, "valid", c->validity == KIN_IOC_VALID);
            }
            json_kv_str(&j, "validation", kin_ioc_validity_name(c->validity));
            json_kv_str(&j, "detail", c->detail);
            json_object_end(&j);
            json_end(&j);
            continue;
        }
        printf("  0x%08llx %-7s ", (unsigned long long)c->offset,
               kin_ioc_encoding_name(c->encoding));
        text_put_pad(stdout, c->section ? c->section : "-", 9);
        printf("%-9s %-15s ", kin_ioc_type_name(c->type), kin_ioc_validity_name(c->validity));
        text_put(stdout, c->value);
        if (c->detail[0]) {
            fputs("  (", stdout);
            text_put(stdout, c->detail);
            putchar(')');
        }
        putchar('\n');
    }
}

/* Extracts from a file kin cannot load as PE or ELF: its bytes, without sections. */
static kin_status
extract_bytes(const char *path, const struct kin_ioc_options *opts, struct kin_iocs **out)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return KIN_IO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return KIN_IO;
    }
    size_t size = (size_t)st.st_size;
    void *map = NULL;
    if (size > 0) {
        map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            close(fd);
            return KIN_IO;
        }
    }
    close(fd);
    kin_status rc = kin_iocs_extract_mem(map, size, opts, out);
    if (map) {
        munmap(map, size);
    }
    return rc;
}

static int run_file(const char *path, const struct iocs_opts *o)
{
    struct kin_sample *s = NULL;
    struct kin_iocs *res = NULL;
    kin_status st = kin_sample_open(path, NULL, &s);
    if (s) {
        st = kin_iocs_extract(s, &o->ext, &res);
    } else if (st == KIN_UNSUPPORTED) {
        st = extract_bytes(path, &o->ext, &res);
    }
    if (st != KIN_OK) {
        if (st == KIN_IO) {
            fprintf(stderr, "kin: cannot read '%s': %s\n", path, strerror(errno));
        } else {
            fprintf(stderr, "kin: cannot extract indicators from '%s': %s\n", path,
                    kin_status_str(st));
        }
        kin_sample_free(s);
        return EXIT_RUNTIME;
    }
    print_result(path, res, o);
    if (kin_iocs_truncated(res)) {
        fprintf(stderr, "kin: '%s': a cap was reached; indicators are incomplete\n", path);
    }
    kin_iocs_free(res);
    kin_sample_free(s);
    return 0;
}

int cmd_iocs(int argc, char **argv)
{
    struct iocs_opts o;
    memset(&o, 0, sizeof(o));
    int first = argc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--json")) {
            o.json = 1;
        } else if (!strcmp(a, "--all")) {
            o.ext.include_rejected = 1;
        } else if (!strcmp(a, "--unique")) {
            o.unique = 1;
        } else if (!strcmp(a, "--type") && i + 1 < argc) {
            if (!parse_types(argv[++i], &o.ext.types)) {
                usage(stderr);
                return EXIT_USAGE;
            }
        } else if (!strcmp(a, "--min-len") && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 1 || v > 4096) {
                fprintf(stderr, "kin iocs: --min-len wants a number from 1 to 4096\n");
                return EXIT_USAGE;
            }
            o.ext.min_len = (uint32_t)v;
        } else if (!strcmp(a, "--")) {
            first = i + 1;
            break;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "kin iocs: unknown option '%s'\n", a);
            usage(stderr);
            return EXIT_USAGE;
        } else {
            first = i;
            break;
        }
    }
    if (first >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    int rc = 0;
    for (int i = first; i < argc; i++) {
        if (run_file(argv[i], &o) != 0) {
            rc = EXIT_RUNTIME;
        }
    }
    return rc;
}

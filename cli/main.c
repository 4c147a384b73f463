/*
 * main.c: the `kin` tool's dispatch table (git style): `kin <command> [options]`.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
    const char *name;
    cmd_fn fn;
    const char *help;
};

static const struct command commands[] = {
    {"info", cmd_info, "describe PE/ELF files: format, sections, imports, hashes, anomalies"},
    {"iocs", cmd_iocs, "find and validate indicators: URLs, domains, IPs, crypto addresses, paths"},
    {"funcs", cmd_funcs, "list functions with their exact and fuzzy signatures"},
    {"diff", cmd_diff, "functions two binaries share, exact and fuzzy"},
    {"add", cmd_add, "add files to the index, labelled with family, actor and version"},
    {"import", cmd_import, "add the files of a corpus manifest (TSV) to the index"},
    {"ls", cmd_ls, "list the indexed samples"},
    {"families", cmd_families, "list the families of the index"},
    {"actors", cmd_actors, "list the actors of the index"},
    {"label", cmd_label, "set aliases of families and actors, a family's kind and actor"},
    {"rm", cmd_rm, "remove samples or families from the index"},
    {"stats", cmd_stats, "counts and size of the index"},
    {"ledger", cmd_ledger, "follow Bitcoin addresses in a local node's block files"},
    {"attribute", cmd_attribute, "which indexed families and actors share code with files"},
    {"search", cmd_search, "indexed samples holding an indicator (address, host, URL, ...)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: kin <command> [options] [args]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    }
    fprintf(f, "\n`kin <command> --help` describes a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("kin %s\n", KIN_VERSION_STRING);
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (!strcmp(argv[1], commands[i].name)) {
            int rc = commands[i].fn(argc - 1, argv + 1);
            if (fflush(stdout) != 0 || ferror(stdout)) {
                fprintf(stderr, "kin: error writing output\n");
                return EXIT_RUNTIME;
            }
            return rc;
        }
    }
    fprintf(stderr, "kin: '%s' is not a kin command\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}

/*
 * opts.h: command-line helpers shared by the commands: number and architecture parsing, the load
 * options every command that reads samples accepts (--raw --arch x86|x64 --base ADDR), and
 * getopt_long error messages in kin's style.
 */
#ifndef KIN_CLI_OPTS_H
#define KIN_CLI_OPTS_H

#include <stdint.h>

#include "kin.h"

/* getopt_long values of long-only options (above 255, so never a short option). */
enum {
    OPT_RAW = 0x100,
    OPT_ARCH,
    OPT_BASE,
    OPT_JSON,
    OPT_SYMBOLS,
    OPT_HELP,
    OPT_FIRST_FREE /* commands number their own long-only options from here */
};

/* The struct option entries of the load options, for a command's option table. */
#define LOAD_LONG_OPTIONS                                                             \
    {"raw", no_argument, NULL, OPT_RAW}, {"arch", required_argument, NULL, OPT_ARCH}, \
    {                                                                                 \
        "base", required_argument, NULL, OPT_BASE                                     \
    }

/* The usage text of the load options. */
#define LOAD_OPTIONS_HELP                                                          \
    "  --raw               treat each file as raw code (shellcode, memory dump)\n" \
    "  --arch x86|x64      raw mode: instruction set (required with --raw)\n"      \
    "  --base ADDR         raw mode: address of the first byte (default 0; 0x.. ok)\n"

struct load_args {
    struct kin_load_options opts;
    int have_arch;
    int have_base;
};

/*
 * Parses an unsigned 64-bit number: decimal, or hexadecimal after 0x/0X. No sign, no spaces, no
 * trailing characters, no overflow. Returns 0 on success, -1 otherwise (*out unchanged).
 */
int parse_u64(const char *s, uint64_t *out);
/* Parses "x86" or "x64" (also "i386", "x86_64", "amd64"). Returns 0 or -1. */
int parse_arch(const char *s, uint32_t *out);
/* Parses a family kind: "malware", "tool" or "library" (enum kin_family_kind). Returns 0 or -1. */
int parse_family_kind(const char *s, uint32_t *out);
/* The name of a family kind (enum kin_family_kind); "malware" for an unknown value. */
const char *family_kind_name(uint32_t kind);

/*
 * Handles one getopt_long result when it is a load option. Returns 1 when handled, 0 when opt is
 * not a load option, -1 on a bad value (message printed on stderr, prefixed with cmd).
 */
int load_args_parse(struct load_args *a, const char *cmd, int opt, const char *arg);
/*
 * Checks the combination once all options are read: --arch and --base need --raw, --raw needs
 * --arch. Returns 0, or -1 with a message on stderr.
 */
int load_args_check(const struct load_args *a, const char *cmd);

/* Resets getopt_long's state before a command parses its arguments. */
void opts_reset(void);
/*
 * Prints getopt_long's complaint in kin's words for opt '?' or ':' (the option string must start
 * with ':' so missing values are told apart).
 */
void opts_complain(const char *cmd, int opt, char **argv);

#endif /* KIN_CLI_OPTS_H */

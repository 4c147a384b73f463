/*
 * cli.h: shared declarations of the `kin` command-line tool. The CLI sees only include/kin.h.
 * stdout carries results, stderr diagnostics. Exit codes: 0 success, 1 nothing found,
 * 2 usage error, 3 runtime error.
 */
#ifndef KIN_CLI_H
#define KIN_CLI_H

#include <stdio.h>

#include "kin.h"

#define EXIT_NOTFOUND 1
#define EXIT_USAGE    2
#define EXIT_RUNTIME  3

typedef int (*cmd_fn)(int argc, char **argv);

int cmd_info(int argc, char **argv);
int cmd_iocs(int argc, char **argv);
int cmd_funcs(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_add(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_families(int argc, char **argv);
int cmd_actors(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_ledger(int argc, char **argv);
int cmd_attribute(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_label(int argc, char **argv);

#endif

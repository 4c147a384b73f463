/*
 * ledger_out.h: the reports of `kin ledger` (cmd_ledger.c), readable or one JSON object per
 * line. Amounts are satoshis, printed as BTC with 8 decimals; times are UTC.
 */
#ifndef KIN_CLI_LEDGER_OUT_H
#define KIN_CLI_LEDGER_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "kin.h"

void ledger_print_info(FILE *f, const char *dir, const struct kin_ledger_info *info, int json);
/* At most max anomalies; a count of the rest in text mode. */
void ledger_print_anomalies(FILE *f, const struct kin_anomaly *an, size_t n, int json, size_t max);
void ledger_print_watch(FILE *f,
                        const char *dir,
                        const struct kin_ledger_info *info,
                        const struct kin_watch *w,
                        const struct kin_watch_options *o,
                        int json);
void ledger_print_cluster(FILE *f, const char *address, const struct kin_cluster *c, int json);

#endif /* KIN_CLI_LEDGER_OUT_H */

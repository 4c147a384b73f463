/*
 * attribute_report.h: how `kin attribute` prints a report: readable text for an analyst, or one
 * JSON object per file (--json). ICD 203 forbids a confidence level and a likelihood phrase in
 * one sentence, so both renderings keep them on separate lines and in separate keys.
 */
#ifndef KIN_CLI_ATTRIBUTE_REPORT_H
#define KIN_CLI_ATTRIBUTE_REPORT_H

#include <stdio.h>

#include "kin.h"

/* Writes the text report of one file (path as given on the command line). */
void attribute_print_text(FILE *out, const char *path, const struct kin_attribution_report *r);
/* Writes the JSON object of one file, ended by a newline. */
void attribute_print_json(FILE *out, const char *path, const struct kin_attribution_report *r);

#endif

/*
 * index_util.h: adding a file to an index and attributing one, through the public API, for the
 * attribution tests: each file is loaded, analysed and freed in one call, failures recorded as
 * check failures (check.h). Header-only (static functions): tests are single-file executables.
 */
#ifndef KIN_TESTS_INDEX_UTIL_H
#define KIN_TESTS_INDEX_UTIL_H

#include <string.h>

#include "check.h"
#include "kin.h"

/* Adds the file at path with these labels (actor may be NULL). */
static inline void
iu_add(struct kin_index *idx, const char *path, const char *family, const char *actor)
{
    struct kin_sample *s = NULL;
    struct kin_funcs *f = NULL;
    struct kin_labels lab;
    memset(&lab, 0, sizeof(lab));
    lab.family = family;
    lab.actor = actor;
    CHECK_OK(kin_sample_open(path, NULL, &s));
    if (s) {
        CHECK_OK(kin_funcs_analyze(s, NULL, &f));
    }
    if (f) {
        CHECK_OK(kin_index_add_sample(idx, s, f, &lab, NULL));
    }
    kin_funcs_free(f);
    kin_sample_free(s);
}

/* Attributes the file at path (o may be NULL); NULL when that failed (a check failure). */
static inline struct kin_attribution *
iu_attribute(struct kin_index *idx, const char *path, const struct kin_attribute_options *o)
{
    struct kin_sample *s = NULL;
    struct kin_funcs *f = NULL;
    struct kin_attribution *a = NULL;
    CHECK_OK(kin_sample_open(path, NULL, &s));
    if (s) {
        CHECK_OK(kin_funcs_analyze(s, NULL, &f));
    }
    if (f) {
        CHECK_OK(kin_attribute(idx, s, f, o, &a));
    }
    kin_funcs_free(f);
    kin_sample_free(s);
    return a;
}

#endif /* KIN_TESTS_INDEX_UTIL_H */

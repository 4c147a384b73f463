/*
 * image_util.h: questions the loader tests ask of a loaded image. Header-only (static
 * functions): tests are single-file executables.
 */
#ifndef KIN_TESTS_IMAGE_UTIL_H
#define KIN_TESTS_IMAGE_UTIL_H

#include <string.h>

#include "kin.h"

/* Whether the loader recorded an anomaly of this kind. */
static inline int has_anomaly(const struct kin_image *img, const char *kind)
{
    for (size_t i = 0; i < img->anomaly_count; i++) {
        if (strcmp(img->anomalies[i].kind, kind) == 0) {
            return 1;
        }
    }
    return 0;
}

#endif /* KIN_TESTS_IMAGE_UTIL_H */

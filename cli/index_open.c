/*
 * index_open.c: locating and opening the index for the index commands (index_open.h).
 */
#include "index_open.h"

#include <stdio.h>
#include <stdlib.h>

#include "text.h"

const char *index_path(const char *opt)
{
    if (opt && *opt) {
        return opt;
    }
    const char *env = getenv("KIN_DB");
    return env && *env ? env : INDEX_DEFAULT_PATH;
}

struct kin_index *index_open(const char *path, uint32_t flags)
{
    struct kin_index *idx = NULL;
    kin_status st = kin_index_open(path, flags, &idx);
    if (st == KIN_OK) {
        return idx;
    }
    fputs("kin: ", stderr);
    if (idx) {
        text_put(stderr, kin_index_errmsg(idx));
    } else {
        fprintf(stderr, "cannot open the index '");
        text_put(stderr, path);
        fprintf(stderr, "': %s", kin_status_str(st));
    }
    fputc('\n', stderr);
    kin_index_close(idx);
    return NULL;
}

void index_complain(const char *cmd, const char *what, struct kin_index *idx)
{
    fprintf(stderr, "%s: %s: ", cmd, what);
    text_put(stderr, kin_index_errmsg(idx));
    fputc('\n', stderr);
}

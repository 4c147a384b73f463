/*
 * cmd_info.c: `kin info FILE...` (placeholder: prints format and sha256).
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

int cmd_info(int argc, char **argv)
{
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        struct kin_sample *s = NULL;
        kin_status st = kin_sample_open(argv[i], NULL, &s);
        if (!s) {
            fprintf(stderr, "kin: cannot load '%s': %s\n", argv[i], kin_status_str(st));
            rc = EXIT_RUNTIME;
            continue;
        }
        const struct kin_image *img = kin_sample_image(s);
        printf("%s %s %s\n", argv[i], kin_format_name(img->format), img->hashes.sha256);
        kin_sample_free(s);
    }
    return rc;
}

/*
 * go_int.h: private to the Go part of the load stage (src/load/go/): the pclntab parser
 * (go_pclntab.c), the build info parser (go_buildinfo.c) and the package classifier
 * (go_class.c). They read a PE or ELF image the format loader has already described (its
 * sections) and fill struct kin_go_info; what they find wrong becomes an anomaly ("go.*").
 */
#ifndef KIN_LOAD_GO_INT_H
#define KIN_LOAD_GO_INT_H

#include "../../core/limits.h"
#include "../load.h"

/* The loader's sections so far (the image's arrays are published only when loading ends). */
static inline const struct kin_section *kin__go_sections(const struct load_ctx *c, size_t *count)
{
    *count = c->v.sections_count < KIN_MAX_SECTIONS ? c->v.sections_count : KIN_MAX_SECTIONS;
    return c->v.sections;
}

/* The raw bytes of a section present in the file (an empty span when none are). */
struct span kin__go_section_span(const struct load_ctx *c, const struct kin_section *s);

/*
 * The n bytes at virtual address va, when one section holds all of them in the file. Returns 1
 * and sets *out, else 0.
 */
int kin__go_read_va(const struct load_ctx *c, uint64_t va, uint64_t n, struct span *out);

/* Finds and reads the build info blob into g (version, main module, deps). */
kin_status kin__go_buildinfo(struct load_ctx *c, struct kin_go_info *g);

/* Finds and reads the pclntab into g (functions with their kinds, from g's build info). */
kin_status kin__go_pclntab(struct load_ctx *c, struct kin_go_info *g);

/* The enum kin_go_kind of a function name, given the build info in g (deps sorted by strcmp). */
uint32_t kin__go_classify(const struct kin_go_info *g, const char *name);

#endif /* KIN_LOAD_GO_INT_H */

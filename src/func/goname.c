/*
 * goname.c: names and origin flags of a Go program's functions, from the pclntab the loader read
 * (src/load/go/). Runs after discovery and adds no start: a start that is a pclntab entry takes
 * its name (when no symbol names it already), and every start inside a Go function's code takes
 * that function's origin (KIN_FUNC_THIRD_PARTY, KIN_FUNC_RUNTIME). Signatures do not depend on
 * either, so indexes built before stay comparable.
 */
#include "func.h"

void kin__func_go_names(struct func_ctx *c)
{
    if (c->img->go.func_count == 0) {
        return;
    }
    for (uint32_t i = 0; i < c->start_count; i++) {
        struct func_start *s = &c->starts[i];
        int exact;
        const struct kin_go_func *g = kin__go_func_at(c->img, kin__func_va(c, s->co), &exact);
        s->flags |= kin__go_origin_flags(c->img, g);
        if (!g) {
            continue;
        }
        if (exact && g->name && !(s->name && (s->flags & KIN_FUNC_SYMBOL))) {
            s->name = g->name;
            s->flags |= KIN_FUNC_SYMBOL;
            s->flags &= ~KIN_FUNC_GAP;
        }
    }
}

/*
 * claim_labels.c: what the labels of the index add to a final verdict: the aliases of the
 * claimed family and actor (so a report names the group as other reports do), the family's
 * kind, and the tool rule (docs/decisions/0005-labels.md).
 *
 * The tool rule: a family of kind tool is dual-use software (PsExec, Mimikatz, AnyDesk) that
 * many actors use and none wrote. Matching already treats it as a family without actor
 * (labels.c), so its code weighs for no actor and never carries a known-actor claim; here a
 * claim that the sample is such a tool names no actor, whatever the tool's label or shared
 * indicators say, and the report says why.
 */
#include <string.h>

#include "match_int.h"

static const struct match_family *family_named(const struct match_state *m, const char *name)
{
    for (size_t f = 0; name && f < m->family_count; f++) {
        if (!strcmp(m->families[f].name, name)) {
            return &m->families[f];
        }
    }
    return NULL;
}

kin_status kin__match_claim_labels(struct match_state *m, struct kin_attribution_report *r)
{
    const struct match_family *f = family_named(m, r->family);
    r->family_kind = KIN_FAMILY_MALWARE;
    if (f) {
        r->family_kind = f->kind;
        r->family_aliases = f->aliases;
        r->family_alias_count = f->alias_count;
        if (f->kind == KIN_FAMILY_TOOL) {
            r->actor = NULL;
        }
    }
    for (size_t i = 0; r->actor && i < m->family_count; i++) {
        const struct match_family *g = &m->families[i];
        if (g->actor > 0 && !strcmp(g->actor_name, r->actor)) {
            r->actor_aliases = g->actor_aliases;
            r->actor_alias_count = g->actor_alias_count;
            break;
        }
    }
    return KIN_OK;
}

const char *kin__match_tool_caveat(struct match_state *m, const struct kin_attribution_report *r)
{
    if (r->family && r->family_kind == KIN_FAMILY_TOOL) {
        return kin__arena_printf(m->arena,
                                 "'%s' is a tool: dual-use software that many actors use and "
                                 "did not write. The code says which tool this file is, not "
                                 "who used it; a tool's code counts for no actor.",
                                 r->family);
    }
    if (r->verdict == KIN_VERDICT_UNATTRIBUTED && r->family_count > 0 &&
        r->families[0].kind == KIN_FAMILY_TOOL) {
        return kin__arena_printf(m->arena,
                                 "The closest family, '%s', is a tool shared by many actors: "
                                 "code shared with it ties this file to no actor.",
                                 r->families[0].name);
    }
    return NULL;
}

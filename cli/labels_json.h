/*
 * labels_json.h: one JSON object per line for an indexed family or actor, as `kin families`,
 * `kin actors` and `kin label --json` print them (one shape for every command).
 */
#ifndef KIN_CLI_LABELS_JSON_H
#define KIN_CLI_LABELS_JSON_H

#include "kin.h"

/* {"family", "actor" (null when none), "kind", "aliases" [..], "samples", "functions"}. */
void json_family_line(const struct kin_index_family *f);
/* {"actor", "aliases" [..], "families", "samples"}. */
void json_actor_line(const struct kin_index_actor *a);

#endif /* KIN_CLI_LABELS_JSON_H */

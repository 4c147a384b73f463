/*
 * labels_json.c: the JSON lines of indexed families and actors (labels_json.h).
 */
#include "labels_json.h"

#include <stdio.h>

#include "json.h"
#include "opts.h"

void json_family_line(const struct kin_index_family *f)
{
    struct json j;
    json_init(&j, stdout);
    json_object_begin(&j);
    json_kv_str(&j, "family", f->name);
    json_key(&j, "actor");
    json_str_or_null(&j, f->actor);
    json_kv_str(&j, "kind", family_kind_name(f->kind));
    json_kv_str_array(&j, "aliases", f->alias_list, f->alias_count);
    json_kv_u64(&j, "samples", f->sample_count);
    json_kv_u64(&j, "functions", f->function_count);
    json_object_end(&j);
    json_end(&j);
}

void json_actor_line(const struct kin_index_actor *a)
{
    struct json j;
    json_init(&j, stdout);
    json_object_begin(&j);
    json_kv_str(&j, "actor", a->name);
    json_kv_str_array(&j, "aliases", a->alias_list, a->alias_count);
    json_kv_u64(&j, "families", a->family_count);
    json_kv_u64(&j, "samples", a->sample_count);
    json_object_end(&j);
    json_end(&j);
}

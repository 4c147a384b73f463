/*
 * attribute_report.c: the two renderings of an attribution report (attribute_report.h). Text:
 * the verdict first, then its confidence and likelihood on separate lines (ICD 203), the ranked
 * families and actors, the strongest shared functions, whole-file similarity marked forgeable,
 * shared indicators, caveats and next steps. JSON: the same facts, with every shared function
 * listed up to the cap. Names from the index and the sample go through text_put()/json_str() (never
 * raw bytes).
 */
#include "attribute_report.h"

#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "opts.h"
#include "text.h"

#define TEXT_EVIDENCE 10 /* shared functions shown in text; --json lists them all */

static void pct(FILE *out, double share)
{
    fprintf(out, "%5.1f%%", 100.0 * share);
}

static void size_words(FILE *out, uint64_t bytes)
{
    if (bytes >= 10u << 20) {
        fprintf(out, "%.0f MB", (double)bytes / (1 << 20));
    } else if (bytes >= 10u << 10) {
        fprintf(out, "%.0f KB", (double)bytes / (1 << 10));
    } else {
        fprintf(out, "%" PRIu64 " bytes", bytes);
    }
}

/* "aliases      family 'F' is also WCry, WanaCrypt0r", when it has aliases. */
static void
print_aliases(FILE *out, const char *what, const char *name, const char *const *v, size_t n)
{
    if (!name || n == 0) {
        return;
    }
    fprintf(out, "aliases      %s '", what);
    text_put(out, name);
    fputs("' is also known as ", out);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", out);
        text_put(out, v[i]);
    }
    fputc('\n', out);
}

static void print_verdict(FILE *out, const struct kin_attribution_report *r)
{
    fprintf(out, "verdict      %s: ", kin_verdict_name(r->verdict));
    switch (r->verdict) {
    case KIN_VERDICT_KNOWN_FAMILY:
        fputs("a variant of the indexed family '", out);
        text_put(out, r->family);
        fputc('\'', out);
        if (r->actor) {
            fputs(" (actor '", out);
            text_put(out, r->actor);
            fputs("')", out);
        } else if (r->family_kind == KIN_FAMILY_TOOL) {
            fputs(" (a tool many actors use: it names no actor)", out);
        }
        break;
    case KIN_VERDICT_KNOWN_ACTOR:
        fputs("a family not in the index, tied by its code to the actor '", out);
        text_put(out, r->actor);
        fputc('\'', out);
        break;
    default:
        fputs("kin abstains: no family or actor holds enough code found nowhere else", out);
        break;
    }
    fputc('\n', out);
    print_aliases(out, "family", r->family, r->family_aliases, r->family_alias_count);
    print_aliases(out, "actor", r->actor, r->actor_aliases, r->actor_alias_count);
    const char *about =
        r->verdict == KIN_VERDICT_UNATTRIBUTED ? "strongest candidate" : "this claim";
    fprintf(out, "confidence   %u/100, STIX %s (%s)\n", r->confidence,
            kin_confidence_stix(r->confidence), about);
    fprintf(out, "likelihood   %s (ICD 203)\n", kin_confidence_icd203(r->confidence));
    if (r->circumstantial) {
        fputs("evidence     circumstantial: weak, little or forgeable evidence supports it (see "
              "caveats)\n",
              out);
    }
}

static void
print_candidates(FILE *out, const char *title, const struct kin_candidate *c, size_t n, int actors)
{
    if (!n) {
        return;
    }
    fprintf(out, "\n%s (shares of the sample's informative code)\n", title);
    fprintf(out, "  %-24s %-16s %7s %7s %7s %4s %9s  %s\n", actors ? "actor" : "family",
            actors ? "families" : "actor", "score", "unique", "matched", "conf", "functions",
            "best sample (version)");
    for (size_t i = 0; i < n; i++) {
        fputs("  ", out);
        text_put_pad(out, c[i].name, 24);
        if (actors) {
            fprintf(out, "%-16u ", c[i].families);
        } else {
            text_put_pad(out, *c[i].actor ? c[i].actor : "-", 16);
        }
        fputc(' ', out);
        pct(out, c[i].score);
        fputc(' ', out);
        pct(out, c[i].unique);
        fputc(' ', out);
        pct(out, c[i].matched);
        fprintf(out, " %4u %9" PRIu64 "  %.12s", c[i].confidence, c[i].functions,
                *c[i].best_sample ? c[i].best_sample : "-");
        if (*c[i].best_version) {
            fputs(" (", out);
            text_put(out, c[i].best_version);
            fputc(')', out);
        }
        if (c[i].linked) {
            fputs(" +module link", out);
        }
        if (!actors && c[i].kind == KIN_FAMILY_TOOL) {
            fputs(" [tool]", out);
        }
        fputc('\n', out);
    }
}

static void print_evidence(FILE *out, const struct kin_attribution_report *r)
{
    if (!r->evidence_count) {
        return;
    }
    size_t n = r->evidence_count < TEXT_EVIDENCE ? r->evidence_count : TEXT_EVIDENCE;
    fprintf(out, "\nshared functions (strongest %zu of %zu; rarity weight 1 = one family only)\n",
            n, r->evidence_total);
    fprintf(out, "  %-18s %7s %-5s %5s %6s %4s  %-31s %s\n", "address", "bytes", "match", "sim",
            "weight", "fams", "indexed sample:address", "family");
    for (size_t i = 0; i < n; i++) {
        const struct kin_evidence_function *e = &r->evidence[i];
        char where[64];
        snprintf(where, sizeof(where), "%.12s:0x%" PRIx64, e->sample, e->sample_va);
        fprintf(out, "  0x%-16" PRIx64 " %7" PRIu64 " %-5s %5.2f %6.2f %4u  %-31s ", e->va, e->size,
                e->exact ? "exact" : "fuzzy", e->similarity, e->weight, e->families, where);
        text_put(out, *e->family ? e->family : "(unlabelled)");
        if (e->name) {
            fputs("  ", out);
            text_put(out, e->name);
        }
        fputc('\n', out);
    }
}

static void print_whole_file(FILE *out, const struct kin_attribution_report *r)
{
    if (!r->whole_file_count) {
        return;
    }
    fputs("\nwhole-file similarity (forgeable: can support a claim, never carry one)\n", out);
    for (size_t i = 0; i < r->whole_file_count; i++) {
        const struct kin_evidence_file *w = &r->whole_file[i];
        fputs("  ", out);
        text_put_pad(out, w->family, 24);
        fprintf(out, "%.12s ", w->sample);
        if (w->tlsh_distance >= 0) {
            fprintf(out, " TLSH distance %d,", w->tlsh_distance);
        } else {
            fputs(" TLSH -,", out);
        }
        if (w->ssdeep_score >= 0) {
            fprintf(out, " ssdeep %d,", w->ssdeep_score);
        } else {
            fputs(" ssdeep -,", out);
        }
        fprintf(out, " imphash %s, Rich hash %s\n", w->imphash_equal ? "same" : "differs",
                w->rich_hash_equal ? "same" : "differs");
    }
}

static void print_indicators(FILE *out, const struct kin_attribution_report *r)
{
    if (!r->indicator_count) {
        return;
    }
    fputs("\nshared indicators (forgeable: they strengthen a claim, never make a High one alone)\n",
          out);
    for (size_t i = 0; i < r->indicator_count; i++) {
        const struct kin_evidence_indicator *e = &r->indicators[i];
        fprintf(out, "  %-9s ", e->type);
        text_put(out, e->value);
        fputs("\n            ", out);
        if (e->ubiquitous) {
            fputs("ubiquitous (", out);
            text_put(out, e->ubiquitous);
            fputs("): not evidence; ", out);
        } else {
            fprintf(out, "%s%s; ", e->strong ? "strong" : "weak",
                    e->supports ? ", supports the claim" : "");
        }
        fprintf(out, "%" PRIu64 " sample%s, %u famil%s; e.g. %.12s ", e->samples,
                e->samples == 1 ? "" : "s", e->families, e->families == 1 ? "y" : "ies", e->sample);
        text_put(out, *e->family ? e->family : "(unlabelled)");
        if (*e->actor) {
            fputs(" (", out);
            text_put(out, e->actor);
            fputc(')', out);
        }
        fputc('\n', out);
    }
}

static void print_links(FILE *out, const struct kin_attribution_report *r)
{
    if (!r->link_count) {
        return;
    }
    fputs("\nmodule links (names from the headers, forgeable: they rank candidates, never make a "
          "claim)\n",
          out);
    for (size_t i = 0; i < r->link_count; i++) {
        const struct kin_evidence_link *e = &r->links[i];
        fprintf(out, "  %-11s ", e->relation);
        text_put_pad(out, e->module, 20);
        fprintf(out, " %.12s ", e->sample);
        text_put(out, *e->family ? e->family : "(unlabelled)");
        if (*e->version) {
            fputc(' ', out);
            text_put(out, e->version);
        }
        if (*e->actor) {
            fputs(" (", out);
            text_put(out, e->actor);
            fputc(')', out);
        }
        if (e->ubiquitous) {
            fputs("; ubiquitous (", out);
            text_put(out, e->ubiquitous);
            fputs("): no tie", out);
        } else {
            fprintf(out, "; %u famil%s", e->families, e->families == 1 ? "y" : "ies");
        }
        fputc('\n', out);
    }
}

static void print_lines(FILE *out, const char *title, const char *const *v, size_t n)
{
    if (!n) {
        return;
    }
    fprintf(out, "\n%s\n", title);
    for (size_t i = 0; i < n; i++) {
        fputs("  - ", out);
        text_put(out, v[i]);
        fputc('\n', out);
    }
}

void attribute_print_text(FILE *out, const char *path, const struct kin_attribution_report *r)
{
    fputs("file         ", out);
    text_put(out, path);
    fprintf(out, "\nsha256       %s\n", r->sha256);
    print_verdict(out, r);
    fprintf(out, "code         %" PRIu64 " functions, %" PRIu64 " can be evidence (", r->functions,
            r->evidence_functions);
    size_words(out, r->evidence_size);
    fputs(")", out);
    if (r->evidence_size) {
        fprintf(out, "; library %.0f%%, shared %.0f%% (common %.0f%%), repeated %.0f%%",
                100.0 * (double)r->library_size / (double)r->evidence_size,
                100.0 * (double)r->shared_size / (double)r->evidence_size,
                100.0 * (double)r->common_size / (double)r->evidence_size,
                100.0 * (double)r->repeated_size / (double)r->evidence_size);
        if (r->third_party_size) {
            fprintf(out, "; Go third-party modules and runtime %.0f%% (in library)",
                    100.0 * (double)r->third_party_size / (double)r->evidence_size);
        }
    }
    fputc('\n', out);
    print_candidates(out, "families", r->families, r->family_count, 0);
    print_candidates(out, "actors", r->actors, r->actor_count, 1);
    print_evidence(out, r);
    print_whole_file(out, r);
    print_indicators(out, r);
    print_links(out, r);
    print_lines(out, "caveats", r->caveats, r->caveat_count);
    print_lines(out, "next steps", r->next_steps, r->next_step_count);
}

static void json_candidates(
    struct json *j, const char *key, const struct kin_candidate *c, size_t n, int actors)
{
    json_key(j, key);
    json_array_begin(j);
    for (size_t i = 0; i < n; i++) {
        json_object_begin(j);
        json_kv_u64(j, "rank", i + 1);
        json_kv_str(j, "name", c[i].name);
        if (actors) {
            json_kv_u64(j, "families", c[i].families);
            json_kv_bool(j, "linked", c[i].linked);
        } else {
            json_key(j, "actor");
            json_str_or_null(j, c[i].actor);
            json_kv_str(j, "kind", family_kind_name(c[i].kind));
        }
        json_kv_str_array(j, "aliases", c[i].aliases, c[i].alias_count);
        json_key(j, "score");
        json_double(j, c[i].score, 4);
        json_key(j, "unique");
        json_double(j, c[i].unique, 4);
        json_key(j, "matched");
        json_double(j, c[i].matched, 4);
        json_kv_u64(j, "confidence", c[i].confidence);
        json_kv_u64(j, "functions", c[i].functions);
        json_kv_u64(j, "unique_functions", c[i].unique_functions);
        json_kv_u64(j, "unique_size", c[i].unique_size);
        json_key(j, "best_sample");
        json_str_or_null(j, c[i].best_sample);
        json_key(j, "best_version");
        json_str_or_null(j, c[i].best_version);
        json_key(j, "best_sample_matched");
        json_double(j, c[i].best_sample_matched, 4);
        if (!actors) {
            json_key(j, "size_ratio");
            json_double(j, c[i].size_ratio, 4);
        }
        json_object_end(j);
    }
    json_array_end(j);
}

static void json_functions(struct json *j, const struct kin_attribution_report *r)
{
    json_key(j, "functions");
    json_array_begin(j);
    for (size_t i = 0; i < r->evidence_count; i++) {
        const struct kin_evidence_function *e = &r->evidence[i];
        json_object_begin(j);
        json_kv_u64(j, "va", e->va);
        json_kv_u64(j, "size", e->size);
        json_key(j, "name");
        json_str(j, e->name);
        json_kv_str(j, "match", e->exact ? "exact" : "fuzzy");
        json_key(j, "similarity");
        json_double(j, e->similarity, 4);
        json_key(j, "weight");
        json_double(j, e->weight, 4);
        json_kv_u64(j, "families", e->families);
        json_kv_u64(j, "actors", e->actors);
        json_kv_str(j, "sample", e->sample);
        json_kv_u64(j, "sample_va", e->sample_va);
        json_key(j, "family");
        json_str_or_null(j, e->family);
        json_key(j, "actor");
        json_str_or_null(j, e->actor);
        json_object_end(j);
    }
    json_array_end(j);
    json_kv_u64(j, "functions_total", r->evidence_total);
}

static void json_whole_file(struct json *j, const struct kin_attribution_report *r)
{
    json_key(j, "whole_file");
    json_array_begin(j);
    for (size_t i = 0; i < r->whole_file_count; i++) {
        const struct kin_evidence_file *w = &r->whole_file[i];
        json_object_begin(j);
        json_kv_str(j, "sample", w->sample);
        json_key(j, "family");
        json_str_or_null(j, w->family);
        json_key(j, "actor");
        json_str_or_null(j, w->actor);
        json_key(j, "version");
        json_str_or_null(j, w->version);
        json_key(j, "tlsh_distance");
        if (w->tlsh_distance >= 0) {
            json_i64(j, w->tlsh_distance);
        } else {
            json_null(j);
        }
        json_key(j, "ssdeep_score");
        if (w->ssdeep_score >= 0) {
            json_i64(j, w->ssdeep_score);
        } else {
            json_null(j);
        }
        json_kv_bool(j, "imphash_equal", w->imphash_equal);
        json_kv_bool(j, "rich_hash_equal", w->rich_hash_equal);
        json_kv_bool(j, "forgeable", 1);
        json_object_end(j);
    }
    json_array_end(j);
}

static void json_indicators(struct json *j, const struct kin_attribution_report *r)
{
    json_key(j, "indicators");
    json_array_begin(j);
    for (size_t i = 0; i < r->indicator_count; i++) {
        const struct kin_evidence_indicator *e = &r->indicators[i];
        json_object_begin(j);
        json_kv_str(j, "type", e->type);
        json_kv_str(j, "value", e->value);
        json_kv_str(j, "strength", e->strong ? "strong" : "weak");
        json_kv_bool(j, "supports", e->supports);
        json_key(j, "ubiquitous");
        json_str_or_null(j, e->ubiquitous);
        json_kv_u64(j, "samples", e->samples);
        json_kv_u64(j, "families", e->families);
        json_kv_str(j, "sample", e->sample);
        json_key(j, "family");
        json_str_or_null(j, e->family);
        json_key(j, "actor");
        json_str_or_null(j, e->actor);
        json_kv_bool(j, "forgeable", 1);
        json_object_end(j);
    }
    json_array_end(j);
}

static void json_links(struct json *j, const struct kin_attribution_report *r)
{
    json_key(j, "links");
    json_array_begin(j);
    for (size_t i = 0; i < r->link_count; i++) {
        const struct kin_evidence_link *e = &r->links[i];
        json_object_begin(j);
        json_kv_str(j, "relation", e->relation);
        json_kv_str(j, "module", e->module);
        json_kv_str(j, "sample", e->sample);
        json_key(j, "family");
        json_str_or_null(j, e->family);
        json_key(j, "actor");
        json_str_or_null(j, e->actor);
        json_key(j, "version");
        json_str_or_null(j, e->version);
        json_kv_u64(j, "samples", e->samples);
        json_kv_u64(j, "families", e->families);
        json_key(j, "ubiquitous");
        json_str_or_null(j, e->ubiquitous);
        json_kv_bool(j, "forgeable", 1);
        json_object_end(j);
    }
    json_array_end(j);
}

static void json_strings(struct json *j, const char *key, const char *const *v, size_t n)
{
    json_key(j, key);
    json_array_begin(j);
    for (size_t i = 0; i < n; i++) {
        json_str(j, v[i]);
    }
    json_array_end(j);
}

void attribute_print_json(FILE *out, const char *path, const struct kin_attribution_report *r)
{
    struct json j;
    json_init(&j, out);
    json_object_begin(&j);
    json_kv_str(&j, "file", path);
    json_kv_str(&j, "sha256", r->sha256);
    json_kv_str(&j, "verdict", kin_verdict_name(r->verdict));
    json_key(&j, "family");
    json_str(&j, r->family);
    json_key(&j, "actor");
    json_str(&j, r->actor);
    json_kv_str_array(&j, "family_aliases", r->family_aliases, r->family_alias_count);
    json_kv_str_array(&j, "actor_aliases", r->actor_aliases, r->actor_alias_count);
    json_key(&j, "family_kind");
    json_str(&j, r->family ? family_kind_name(r->family_kind) : NULL);
    json_kv_u64(&j, "confidence", r->confidence);
    json_key(&j, "confidence_words");
    json_object_begin(&j);
    json_kv_str(&j, "stix", kin_confidence_stix(r->confidence));
    json_kv_str(&j, "icd203", kin_confidence_icd203(r->confidence));
    json_object_end(&j);
    json_kv_bool(&j, "circumstantial", r->circumstantial);
    json_key(&j, "indexed_as");
    if (r->indexed_as) {
        json_str(&j, r->indexed_as);
    } else {
        json_null(&j);
    }
    json_key(&j, "code");
    json_object_begin(&j);
    json_kv_u64(&j, "functions", r->functions);
    json_kv_u64(&j, "evidence_functions", r->evidence_functions);
    json_kv_u64(&j, "evidence_size", r->evidence_size);
    json_kv_u64(&j, "library_functions", r->library_functions);
    json_kv_u64(&j, "library_size", r->library_size);
    json_kv_u64(&j, "third_party_functions", r->third_party_functions);
    json_kv_u64(&j, "third_party_size", r->third_party_size);
    json_kv_u64(&j, "shared_functions", r->shared_functions);
    json_kv_u64(&j, "shared_size", r->shared_size);
    json_kv_u64(&j, "common_functions", r->common_functions);
    json_kv_u64(&j, "common_size", r->common_size);
    json_kv_u64(&j, "repeated_functions", r->repeated_functions);
    json_kv_u64(&j, "repeated_size", r->repeated_size);
    json_object_end(&j);
    json_key(&j, "candidates");
    json_object_begin(&j);
    json_candidates(&j, "families", r->families, r->family_count, 0);
    json_candidates(&j, "actors", r->actors, r->actor_count, 1);
    json_object_end(&j);
    json_key(&j, "evidence");
    json_object_begin(&j);
    json_functions(&j, r);
    json_whole_file(&j, r);
    json_indicators(&j, r);
    json_links(&j, r);
    json_object_end(&j);
    json_strings(&j, "caveats", r->caveats, r->caveat_count);
    json_strings(&j, "next_steps", r->next_steps, r->next_step_count);
    json_object_end(&j);
    json_end(&j);
}

/*
 * test_labels.c: names, aliases and kinds of families and actors (kin_index_label(), decision
 * 0005): aliases are set, removed and resolve case-insensitively wherever a name is taken (add,
 * remove, listing, the exclusion filter); an alias naming another family or actor is refused;
 * caps hold; a family of kind tool names no actor in a verdict; the CLI (`kin label`, `kin add
 * --actor ALIAS`, `kin families --json`, `kin attribute --exclude-actor ALIAS`) does the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc_fail.h"
#include "check.h"
#include "cli_run.h"
#include "core/limits.h"
#include "db_util.h"
#include "index_util.h"
#include "kin.h"
#include "store/store.h"

#define FIX(name) KIN_FIXTURE_DIR "/attr_" name ".exe"

static char tmpdir[256];

static void tmp_path(const char *name, char *out, size_t size)
{
    (void)snprintf(out, size, "%s/%s", tmpdir, name);
}

static kin_status
label(struct kin_index *idx, uint32_t target, const char *name, const char *add, const char *rm)
{
    struct kin_label_change c;
    memset(&c, 0, sizeof(c));
    c.add_aliases = &add;
    c.add_alias_count = add ? 1 : 0;
    c.remove_aliases = &rm;
    c.remove_alias_count = rm ? 1 : 0;
    return kin_index_label(idx, target, name, &c);
}

/* Labels of the listings, joined ("; "), and counts. */
struct seen {
    const char *name;
    char aliases[512];
    size_t alias_count;
    uint64_t samples, families, rows;
    uint32_t kind;
    char actor[64];
};

static int on_family(void *ctx, const struct kin_index_family *f)
{
    struct seen *s = ctx;
    s->rows++;
    if (!strcmp(f->name, s->name)) {
        (void)snprintf(s->aliases, sizeof(s->aliases), "%s", f->aliases);
        (void)snprintf(s->actor, sizeof(s->actor), "%s", f->actor);
        s->alias_count = f->alias_count;
        s->samples = f->sample_count;
        s->kind = f->kind;
    }
    return 0;
}

static int on_actor(void *ctx, const struct kin_index_actor *a)
{
    struct seen *s = ctx;
    s->rows++;
    if (!strcmp(a->name, s->name)) {
        (void)snprintf(s->aliases, sizeof(s->aliases), "%s", a->aliases);
        s->alias_count = a->alias_count;
        s->families = a->family_count;
        s->samples = a->sample_count;
    }
    return 0;
}

static struct seen family_of(struct kin_index *idx, const char *name)
{
    struct seen s;
    memset(&s, 0, sizeof(s));
    s.name = name;
    CHECK_OK(kin_index_families(idx, on_family, &s));
    return s;
}

static struct seen actor_of(struct kin_index *idx, const char *name)
{
    struct seen s;
    memset(&s, 0, sizeof(s));
    s.name = name;
    CHECK_OK(kin_index_actors(idx, on_actor, &s));
    return s;
}

static void test_norm(void)
{
    char out[KIN_MAX_LABEL_LEN + 1], big[KIN_MAX_LABEL_LEN + 8];
    CHECK_OK(kin__store_label_norm("  Hidden \t  COBRA ", 0, out, sizeof(out)));
    CHECK_EQ_STR(out, "Hidden COBRA");
    CHECK_OK(kin__store_label_norm("  Hidden \t  COBRA ", 1, out, sizeof(out)));
    CHECK_EQ_STR(out, "hidden cobra");
    /* Only ASCII letters fold: other bytes compare as written. */
    CHECK_OK(kin__store_label_norm("\xc3\x89QUIPE", 1, out, sizeof(out)));
    CHECK_EQ_STR(out, "\xc3\x89quipe");
    CHECK_EQ_U64(kin__store_label_norm(" \t ", 0, out, sizeof(out)), KIN_INVALID);
    CHECK_EQ_U64(kin__store_label_norm("a\x01z", 0, out, sizeof(out)), KIN_INVALID);
    memset(big, 'x', KIN_MAX_LABEL_LEN);
    big[KIN_MAX_LABEL_LEN] = '\0';
    CHECK_OK(kin__store_label_norm(big, 0, out, sizeof(out)));
    big[KIN_MAX_LABEL_LEN] = 'x';
    big[KIN_MAX_LABEL_LEN + 1] = '\0';
    CHECK_EQ_U64(kin__store_label_norm(big, 0, out, sizeof(out)), KIN_LIMIT);
    /* Stored form: one per line; joined for people. */
    char text[] = "WCry\nWanaCrypt0r\n\nWannaCry";
    const char *v[4];
    size_t n = kin__store_split_aliases(text, v, 4);
    CHECK_EQ_U64(n, 3);
    kin__store_join_aliases(v, n, "; ", out, sizeof(out));
    CHECK_EQ_STR(out, "WCry; WanaCrypt0r; WannaCry");
}

/* Aliases through the API on an index of alpha (red) and beta (blue). */
static void test_aliases(void)
{
    char path[300], canon[64];
    struct kin_index *idx = NULL;
    tmp_path("aliases.db", path, sizeof(path));
    remove_db(path);
    CHECK_OK(kin_index_open(path, KIN_INDEX_CREATE, &idx));
    if (!idx) {
        return;
    }
    iu_add(idx, FIX("alpha_v1"), "alpha", "Lazarus");
    iu_add(idx, FIX("beta"), "beta", "blue");

    CHECK_OK(label(idx, KIN_LABEL_ACTOR, "Lazarus", "HIDDEN  COBRA", NULL));
    CHECK_OK(label(idx, KIN_LABEL_ACTOR, "lazarus", "Diamond Sleet", NULL));
    CHECK_OK(label(idx, KIN_LABEL_FAMILY, "alpha", "WCry", NULL));
    CHECK_OK(label(idx, KIN_LABEL_FAMILY, "ALPHA", "WanaCrypt0r", NULL));
    /* Already there, in another case, or its own name: nothing changes. */
    CHECK_OK(label(idx, KIN_LABEL_FAMILY, "alpha", "wcry", NULL));
    CHECK_OK(label(idx, KIN_LABEL_FAMILY, "alpha", "Alpha", NULL));
    struct seen f = family_of(idx, "alpha");
    CHECK_EQ_STR(f.aliases, "WCry; WanaCrypt0r");
    CHECK_EQ_U64(f.alias_count, 2);
    struct seen a = actor_of(idx, "Lazarus");
    CHECK_EQ_STR(a.aliases, "HIDDEN COBRA; Diamond Sleet");

    /* Resolution: exact, case-insensitive, by alias, whitespace-normalised. */
    CHECK_OK(kin_index_resolve(idx, KIN_LABEL_ACTOR, "hidden cobra", canon, sizeof(canon)));
    CHECK_EQ_STR(canon, "Lazarus");
    CHECK_OK(kin_index_resolve(idx, KIN_LABEL_ACTOR, " Hidden\tCobra ", canon, sizeof(canon)));
    CHECK_EQ_STR(canon, "Lazarus");
    CHECK_OK(kin_index_resolve(idx, KIN_LABEL_FAMILY, "WANACRYPT0R", canon, sizeof(canon)));
    CHECK_EQ_STR(canon, "alpha");
    CHECK_EQ_U64(kin_index_resolve(idx, KIN_LABEL_FAMILY, "hidden cobra", canon, sizeof(canon)),
                 KIN_NOTFOUND); /* an actor's alias names no family */

    /* Collisions: another family's name or alias, another actor's. */
    CHECK_EQ_U64(label(idx, KIN_LABEL_FAMILY, "beta", "wcry", NULL), KIN_INVALID);
    CHECK(strstr(kin_index_errmsg(idx), "'alpha'") != NULL);
    CHECK_EQ_U64(label(idx, KIN_LABEL_FAMILY, "beta", "ALPHA", NULL), KIN_INVALID);
    CHECK_EQ_U64(label(idx, KIN_LABEL_ACTOR, "blue", "diamond sleet", NULL), KIN_INVALID);
    CHECK_EQ_U64(label(idx, KIN_LABEL_ACTOR, "blue", "lazarus", NULL), KIN_INVALID);
    /* Families and actors are apart: a family may bear an actor's alias. */
    CHECK_OK(label(idx, KIN_LABEL_FAMILY, "beta", "Zinc", NULL));
    CHECK_EQ_U64(label(idx, KIN_LABEL_FAMILY, "beta", "a;b", NULL), KIN_INVALID);
    CHECK_EQ_U64(label(idx, KIN_LABEL_FAMILY, "beta", "  ", NULL), KIN_INVALID);
    CHECK_EQ_U64(label(idx, KIN_LABEL_FAMILY, "nope", "x", NULL), KIN_NOTFOUND);
    CHECK_EQ_U64(label(idx, KIN_LABEL_FAMILY, "alpha", NULL, "nope"), KIN_NOTFOUND);
    /* A refused change changes nothing (one transaction). */
    CHECK_EQ_STR(family_of(idx, "beta").aliases, "Zinc");

    /* The count cap. */
    char name[32];
    kin_status st = KIN_OK;
    unsigned added = 0;
    for (unsigned i = 0; i < KIN_MAX_ALIASES + 1 && st == KIN_OK; i++) {
        (void)snprintf(name, sizeof(name), "beta-%u", i);
        st = label(idx, KIN_LABEL_FAMILY, "beta", name, NULL);
        added += st == KIN_OK;
    }
    CHECK_EQ_U64(st, KIN_LIMIT);
    CHECK_EQ_U64(added, KIN_MAX_ALIASES - 1); /* Zinc was the first */
    CHECK_EQ_U64(family_of(idx, "beta").alias_count, KIN_MAX_ALIASES);

    /* Removal, case-insensitive; then the alias is free for another. */
    CHECK_OK(label(idx, KIN_LABEL_FAMILY, "alpha", NULL, "WCRY"));
    CHECK_EQ_STR(family_of(idx, "alpha").aliases, "WanaCrypt0r");
    CHECK_OK(label(idx, KIN_LABEL_FAMILY, "beta", "WCry", "beta-0"));
    CHECK_OK(kin_index_resolve(idx, KIN_LABEL_FAMILY, "wcry", canon, sizeof(canon)));
    CHECK_EQ_STR(canon, "beta");

    /* Adding by alias attaches to the existing actor and family: no second of either. */
    iu_add(idx, FIX("delta"), "wanacrypt0r", "Hidden Cobra");
    iu_add(idx, FIX("gamma"), "gamma", "DIAMOND SLEET");
    a = actor_of(idx, "Lazarus");
    CHECK_EQ_U64(a.rows, 2);
    CHECK_EQ_U64(a.families, 2);
    CHECK_EQ_U64(a.samples, 3);
    f = family_of(idx, "alpha");
    CHECK_EQ_U64(f.samples, 2);
    CHECK_EQ_U64(f.rows, 3); /* alpha, beta, gamma */

    /* Moving a family with samples to another actor, and its kind. */
    struct kin_label_change c;
    memset(&c, 0, sizeof(c));
    c.actor = "BLUE";
    c.set_kind = 1;
    c.kind = KIN_FAMILY_TOOL;
    CHECK_OK(kin_index_label(idx, KIN_LABEL_FAMILY, "gamma", &c));
    f = family_of(idx, "gamma");
    CHECK_EQ_STR(f.actor, "blue");
    CHECK_EQ_U64(f.kind, KIN_FAMILY_TOOL);
    CHECK_EQ_U64(actor_of(idx, "Lazarus").families, 1);
    memset(&c, 0, sizeof(c));
    c.clear_actor = 1;
    CHECK_OK(kin_index_label(idx, KIN_LABEL_FAMILY, "gamma", &c));
    CHECK_EQ_STR(family_of(idx, "gamma").actor, "");
    /* Actors have no actor or kind; --create makes a label before any sample. */
    memset(&c, 0, sizeof(c));
    c.set_kind = 1;
    CHECK_EQ_U64(kin_index_label(idx, KIN_LABEL_ACTOR, "blue", &c), KIN_INVALID);
    memset(&c, 0, sizeof(c));
    c.create = 1;
    CHECK_OK(kin_index_label(idx, KIN_LABEL_ACTOR, "  APT  38 ", &c));
    CHECK_EQ_U64(actor_of(idx, "APT 38").rows, 3);

    /* Listing and removing a family by alias. */
    size_t removed = 0;
    CHECK_OK(kin_index_remove_family(idx, "WANACRYPT0R", &removed));
    CHECK_EQ_U64(removed, 2);
    CHECK_EQ_U64(kin_index_resolve(idx, KIN_LABEL_FAMILY, "wanacrypt0r", canon, sizeof(canon)),
                 KIN_NOTFOUND);
    kin_index_close(idx);

    /* A read-only index refuses labels. */
    CHECK_OK(kin_index_open(path, KIN_INDEX_READONLY, &idx));
    if (idx) {
        CHECK_EQ_U64(label(idx, KIN_LABEL_FAMILY, "beta", "x", NULL), KIN_INVALID);
        kin_index_close(idx);
    }
    remove_db(path);
}

/*
 * No migration: aliases live in the aliases columns of schema 1. An index kept at schema 1
 * takes labels through the store, and keeps them when a later kin migrates it.
 */
static void test_old_schema(void)
{
    char path[300], canon[64];
    struct store *s = NULL;
    tmp_path("schema1.db", path, sizeof(path));
    remove_db(path);
    CHECK_OK(kin__sqlite_open_version(path, KIN_INDEX_CREATE, 1, &s));
    if (!s) {
        return;
    }
    const char *alias = "Diamond Sleet";
    struct kin_label_change c;
    memset(&c, 0, sizeof(c));
    c.create = 1;
    c.add_aliases = &alias;
    c.add_alias_count = 1;
    CHECK_OK(kin__store_label(s, STORE_ACTOR, "Lazarus", &c));
    int64_t id = 0;
    CHECK_OK(kin__store_find_actor(s, "diamond SLEET", &id));
    CHECK(id > 0);
    s->ops->close(s);
    struct kin_index *idx = NULL;
    CHECK_OK(kin_index_open(path, 0, &idx)); /* migrates to the latest schema */
    if (idx) {
        CHECK_OK(kin_index_resolve(idx, KIN_LABEL_ACTOR, "DIAMOND SLEET", canon, sizeof(canon)));
        CHECK_EQ_STR(canon, "Lazarus");
        CHECK_EQ_STR(actor_of(idx, "Lazarus").aliases, "Diamond Sleet");
        kin_index_close(idx);
    }
    remove_db(path);
}

static const struct kin_candidate *find(const struct kin_candidate *c, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(c[i].name, name)) {
            return &c[i];
        }
    }
    return NULL;
}

/* alpha v1 (actor red, kind given), beta (blue), delta (green), the library reference. */
static struct kin_index *make_index(const char *path, uint32_t alpha_kind)
{
    struct kin_index *idx = NULL;
    remove_db(path);
    CHECK_OK(kin_index_open(path, KIN_INDEX_CREATE, &idx));
    if (!idx) {
        return NULL;
    }
    iu_add(idx, FIX("alpha_v1"), "alpha", "red");
    iu_add(idx, FIX("beta"), "beta", "blue");
    iu_add(idx, FIX("delta"), "delta", "green");
    struct kin_labels lab;
    struct kin_sample *s = NULL;
    struct kin_funcs *f = NULL;
    memset(&lab, 0, sizeof(lab));
    lab.family = "sharedlib";
    lab.kind = KIN_FAMILY_LIBRARY;
    CHECK_OK(kin_sample_open(FIX("libref"), NULL, &s));
    CHECK_OK(kin_funcs_analyze(s, NULL, &f));
    CHECK_OK(kin_index_add_sample(idx, s, f, &lab, NULL));
    kin_funcs_free(f);
    kin_sample_free(s);
    struct kin_label_change c;
    memset(&c, 0, sizeof(c));
    c.set_kind = 1;
    c.kind = alpha_kind;
    CHECK_OK(kin_index_label(idx, KIN_LABEL_FAMILY, "alpha", &c));
    CHECK_OK(label(idx, KIN_LABEL_FAMILY, "alpha", "WCry", NULL));
    CHECK_OK(label(idx, KIN_LABEL_ACTOR, "red", "Hidden Cobra", NULL));
    CHECK_OK(kin_index_flush(idx));
    return idx;
}

/*
 * The report carries the claim's aliases; a tool family is the sample's family but names no
 * actor, and its code ranks no actor; excluding by alias is excluding by name.
 */
static void test_attribution(void)
{
    char path[300];
    tmp_path("attr_malware.db", path, sizeof(path));
    struct kin_index *idx = make_index(path, KIN_FAMILY_MALWARE);
    struct kin_attribution *a = idx ? iu_attribute(idx, FIX("alpha_v2"), NULL) : NULL;
    if (a) {
        const struct kin_attribution_report *r = kin_attribution_report(a);
        CHECK_EQ_U64(r->verdict, KIN_VERDICT_KNOWN_FAMILY);
        CHECK_EQ_STR(r->family, "alpha");
        CHECK_EQ_STR(r->actor, "red");
        CHECK_EQ_U64(r->family_kind, KIN_FAMILY_MALWARE);
        CHECK(r->family_alias_count == 1 && !strcmp(r->family_aliases[0], "WCry"));
        CHECK(r->actor_alias_count == 1 && !strcmp(r->actor_aliases[0], "Hidden Cobra"));
        CHECK(r->family_count >= 1 && r->families[0].alias_count == 1);
        CHECK(find(r->actors, r->actor_count, "red") != NULL);
        CHECK_EQ_U64(find(r->actors, r->actor_count, "red")->alias_count, 1);
    }
    kin_attribution_free(a);

    /* Excluding by alias gives the report excluding by name gives, and not the full one. */
    const char *by_name = "red", *by_alias = "HIDDEN   COBRA", *fam_alias = "wcry";
    struct kin_attribute_options o1, o2, o3;
    memset(&o1, 0, sizeof(o1));
    o1.exclude_actors = &by_name;
    o1.exclude_actor_count = 1;
    memset(&o2, 0, sizeof(o2));
    o2.exclude_actors = &by_alias;
    o2.exclude_actor_count = 1;
    memset(&o3, 0, sizeof(o3));
    o3.exclude_families = &fam_alias;
    o3.exclude_family_count = 1;
    struct kin_attribution *x = idx ? iu_attribute(idx, FIX("alpha_v2"), &o1) : NULL;
    struct kin_attribution *y = idx ? iu_attribute(idx, FIX("alpha_v2"), &o2) : NULL;
    struct kin_attribution *z = idx ? iu_attribute(idx, FIX("alpha_v2"), &o3) : NULL;
    if (x && y && z) {
        const struct kin_attribution_report *rx = kin_attribution_report(x);
        const struct kin_attribution_report *ry = kin_attribution_report(y);
        const struct kin_attribution_report *rz = kin_attribution_report(z);
        CHECK_EQ_U64(rx->verdict, KIN_VERDICT_UNATTRIBUTED);
        CHECK(find(rx->families, rx->family_count, "alpha") == NULL);
        CHECK_EQ_U64(ry->verdict, rx->verdict);
        CHECK_EQ_U64(ry->confidence, rx->confidence);
        CHECK_EQ_U64(ry->family_count, rx->family_count);
        CHECK_EQ_U64(ry->shared_size, rx->shared_size);
        CHECK_EQ_U64(ry->evidence_total, rx->evidence_total);
        CHECK_EQ_U64(rz->verdict, KIN_VERDICT_UNATTRIBUTED);
        CHECK(find(rz->families, rz->family_count, "alpha") == NULL);
    }
    kin_attribution_free(x);
    kin_attribution_free(y);
    kin_attribution_free(z);
    kin_index_close(idx);
    remove_db(path);

    /* The same code, alpha being a tool labelled with actor red. */
    tmp_path("attr_tool.db", path, sizeof(path));
    idx = make_index(path, KIN_FAMILY_TOOL);
    a = idx ? iu_attribute(idx, FIX("alpha_v2"), NULL) : NULL;
    if (a) {
        const struct kin_attribution_report *r = kin_attribution_report(a);
        CHECK_EQ_U64(r->verdict, KIN_VERDICT_KNOWN_FAMILY);
        CHECK_EQ_STR(r->family, "alpha");
        CHECK(r->actor == NULL);
        CHECK_EQ_U64(r->actor_alias_count, 0);
        CHECK_EQ_U64(r->family_kind, KIN_FAMILY_TOOL);
        CHECK(r->family_count >= 1 && r->families[0].kind == KIN_FAMILY_TOOL);
        /* Its code ranks no actor, so no known-actor claim can rest on it. */
        CHECK(find(r->actors, r->actor_count, "red") == NULL);
        int said = 0;
        for (size_t i = 0; i < r->caveat_count; i++) {
            said |= strstr(r->caveats[i], "is a tool") != NULL;
        }
        CHECK(said);
    }
    kin_attribution_free(a);
    /* Excluding actor red still leaves out its tool (the exclusion filter follows labels). */
    x = idx ? iu_attribute(idx, FIX("alpha_v2"), &o2) : NULL;
    if (x) {
        const struct kin_attribution_report *rx = kin_attribution_report(x);
        CHECK(find(rx->families, rx->family_count, "alpha") == NULL);
    }
    kin_attribution_free(x);
    kin_index_close(idx);
    remove_db(path);
}

/* Labelling and attributing with aliases report NOMEM and change nothing when memory fails. */
static void test_alloc_failures(void)
{
    char path[300];
    tmp_path("oom.db", path, sizeof(path));
    struct kin_index *idx = make_index(path, KIN_FAMILY_MALWARE);
    if (!idx) {
        return;
    }
    int ok = 0;
    for (fail_at = 1; fail_at < 1000 && !ok; fail_at++) {
        alloc_count = 0;
        CHECK_OK(kin_replace_allocator(failing_malloc, failing_realloc, free));
        kin_status st = label(idx, KIN_LABEL_FAMILY, "wcry", "WannaCry", NULL);
        CHECK_OK(kin_replace_allocator(NULL, NULL, NULL));
        ok = st == KIN_OK;
        CHECK(ok || st == KIN_NOMEM);
        CHECK_EQ_STR(family_of(idx, "alpha").aliases, ok ? "WCry; WannaCry" : "WCry");
    }
    CHECK(ok);
    struct kin_sample *s = NULL;
    struct kin_funcs *f = NULL;
    CHECK_OK(kin_sample_open(FIX("alpha_v2"), NULL, &s));
    CHECK_OK(kin_funcs_analyze(s, NULL, &f));
    ok = 0;
    for (fail_at = 1; fail_at < 100000 && !ok && s && f; fail_at++) {
        struct kin_attribution *a = NULL;
        alloc_count = 0;
        CHECK_OK(kin_replace_allocator(failing_malloc, failing_realloc, free));
        kin_status st = kin_attribute(idx, s, f, NULL, &a);
        CHECK_OK(kin_replace_allocator(NULL, NULL, NULL));
        if (st == KIN_OK) {
            ok = 1;
            CHECK_EQ_U64(kin_attribution_report(a)->family_alias_count, 2);
        } else {
            CHECK(st == KIN_NOMEM && a == NULL);
        }
        kin_attribution_free(a);
    }
    CHECK(ok);
    kin_funcs_free(f);
    kin_sample_free(s);
    kin_index_close(idx);
    remove_db(path);
}

/* Runs the CLI; returns its exit status, stdout in *out (caller frees). */
static int run(const char *const *args, char **out)
{
    char o[300], e[300];
    tmp_path("out.txt", o, sizeof(o));
    tmp_path("err.txt", e, sizeof(e));
    int rc = cli_run(args, o, e);
    if (out) {
        *out = cli_slurp(o);
    }
    return rc;
}

static void test_cli(void)
{
    char db[300];
    char *o = NULL, *p = NULL;
    tmp_path("cli.db", db, sizeof(db));
    remove_db(db);
    const char *add1[] = {KIN_CLI,   "add",     "--db",          db,  "--family", "alpha",
                          "--actor", "Lazarus", FIX("alpha_v1"), NULL};
    CHECK_EQ_U64(run(add1, NULL), 0);
    const char *lab[] = {KIN_CLI,   "label",        "--db",    db,     "--actor", "Lazarus",
                         "--alias", "HIDDEN COBRA", "--alias", "Zinc", NULL};
    CHECK_EQ_U64(run(lab, &o), 0);
    CHECK(o && strstr(o, "HIDDEN COBRA; Zinc"));
    free(o);
    /* kin add --actor by alias: the existing actor, never a second one. */
    const char *add2[] = {KIN_CLI,   "add",          "--db",      db,       "--family", "beta",
                          "--actor", "hidden cobra", FIX("beta"), "--kind", "tool",     NULL};
    CHECK_EQ_U64(run(add2, NULL), 0);
    const char *actors[] = {KIN_CLI, "actors", "--db", db, "--json", NULL};
    CHECK_EQ_U64(run(actors, &o), 0);
    CHECK(o && !strcmp(o, "{\"actor\":\"Lazarus\",\"aliases\":[\"HIDDEN COBRA\",\"Zinc\"],"
                          "\"families\":2,\"samples\":2}\n"));
    free(o);
    const char *fams[] = {KIN_CLI, "families", "--db", db, "--json", NULL};
    CHECK_EQ_U64(run(fams, &o), 0);
    CHECK(o && strstr(o, "\"family\":\"beta\",\"actor\":\"Lazarus\",\"kind\":\"tool\","
                         "\"aliases\":[]"));
    free(o);
    /* Refusals: an alias taken (exit 2), an unknown family (exit 1), usage (exit 2). */
    const char *fa[] = {KIN_CLI, "label", "--db", db, "--family", "alpha", "--alias", "WCry", NULL};
    CHECK_EQ_U64(run(fa, NULL), 0);
    const char *taken[] = {KIN_CLI, "label",   "--db", db,  "--family",
                           "beta",  "--alias", "wcry", NULL};
    CHECK_EQ_U64(run(taken, NULL), 2);
    const char *unknown[] = {KIN_CLI, "label", "--db", db, "--family", "nope", NULL};
    CHECK_EQ_U64(run(unknown, NULL), 1);
    const char *badkind[] = {KIN_CLI, "label", "--db", db, "--family", "beta", "--kind", "x", NULL};
    CHECK_EQ_U64(run(badkind, NULL), 2);
    const char *show[] = {KIN_CLI, "label", "--db", db, "--family", "WCRY", "--json", NULL};
    CHECK_EQ_U64(run(show, &o), 0);
    /* The same object as `kin families --json` (labels_json.c): the function count follows. */
    static const char shown[] = "{\"family\":\"alpha\",\"actor\":\"Lazarus\",\"kind\":\"malware\","
                                "\"aliases\":[\"WCry\"],\"samples\":1,\"functions\":";
    CHECK(o && !strncmp(o, shown, sizeof(shown) - 1) && strlen(o) > sizeof(shown) + 1 &&
          !strcmp(o + strlen(o) - 2, "}\n"));
    free(o);
    const char *ls[] = {KIN_CLI, "ls", "--db", db, "--family", "wcry", "--json", NULL};
    CHECK_EQ_U64(run(ls, &o), 0);
    CHECK(o && strstr(o, "\"family\":\"alpha\"") && !strstr(o, "\"beta\""));
    free(o);
    /* --exclude-actor by alias: the report --exclude-actor by name gives. */
    const char *ex1[] = {KIN_CLI,           "attribute", "--db",          db,  "--json",
                         "--exclude-actor", "Lazarus",   FIX("alpha_v2"), NULL};
    const char *ex2[] = {KIN_CLI,           "attribute", "--db",          db,  "--json",
                         "--exclude-actor", "ZINC",      FIX("alpha_v2"), NULL};
    const char *full[] = {KIN_CLI, "attribute", "--db", db, "--json", FIX("alpha_v2"), NULL};
    int rc1 = run(ex1, &o), rc2 = run(ex2, &p);
    CHECK_EQ_U64(rc1, rc2);
    CHECK(o && p && !strcmp(o, p));
    free(p);
    p = NULL;
    (void)run(full, &p);
    CHECK(o && p && strcmp(o, p) != 0);
    /* Two actors only: no claim (small index), but the candidate carries its aliases. */
    CHECK(p && strstr(p, "\"name\":\"alpha\",\"actor\":\"Lazarus\",\"kind\":\"malware\","
                         "\"aliases\":[\"WCry\"]"));
    free(o);
    free(p);
    /* kin rm by alias. */
    const char *rm[] = {KIN_CLI, "rm", "--db", db, "wcry", NULL};
    CHECK_EQ_U64(run(rm, &o), 0);
    CHECK(o && strstr(o, "removed family alpha (1 sample)"));
    free(o);
    remove_db(db);
}

/*
 * kin import's optional columns: kind, family_aliases and actor_aliases (';'-separated) label
 * before any file is added, so a later row may name the actor by an alias; a bad kind or a
 * taken alias fails the manifest.
 */
static void test_import(void)
{
    char db[300], manifest[300], text[2048];
    char *o = NULL;
    tmp_path("import.db", db, sizeof(db));
    tmp_path("manifest.tsv", manifest, sizeof(manifest));
    remove_db(db);
    (void)snprintf(text, sizeof(text),
                   "path\tfamily\tactor\tkind\tfamily_aliases\tactor_aliases\n"
                   "%s\talpha\tLazarus\t-\tWCry; WanaCrypt0r\tHIDDEN COBRA;Zinc\n"
                   "%s\tpsexec\tzinc\ttool\t-\t-\n",
                   FIX("alpha_v1"), FIX("beta"));
    FILE *f = fopen(manifest, "w");
    CHECK(f != NULL);
    if (!f) {
        return;
    }
    (void)fputs(text, f);
    (void)fclose(f);
    const char *imp[] = {KIN_CLI, "import", "--db", db, manifest, NULL};
    CHECK_EQ_U64(run(imp, NULL), 0);
    const char *actors[] = {KIN_CLI, "actors", "--db", db, "--json", NULL};
    CHECK_EQ_U64(run(actors, &o), 0);
    CHECK(o && !strcmp(o, "{\"actor\":\"Lazarus\",\"aliases\":[\"HIDDEN COBRA\",\"Zinc\"],"
                          "\"families\":2,\"samples\":2}\n"));
    free(o);
    const char *fams[] = {KIN_CLI, "families", "--db", db, "--json", NULL};
    CHECK_EQ_U64(run(fams, &o), 0);
    CHECK(o && strstr(o, "\"family\":\"alpha\",\"actor\":\"Lazarus\",\"kind\":\"malware\","
                         "\"aliases\":[\"WCry\",\"WanaCrypt0r\"]"));
    CHECK(o && strstr(o, "\"family\":\"psexec\",\"actor\":\"Lazarus\",\"kind\":\"tool\""));
    free(o);
    /* A taken alias, and an unknown kind: the manifest fails. */
    (void)snprintf(text, sizeof(text), "path\tfamily\tfamily_aliases\n%s\tbeta\twcry\n",
                   FIX("beta"));
    f = fopen(manifest, "w");
    if (f) {
        (void)fputs(text, f);
        (void)fclose(f);
    }
    CHECK_EQ_U64(run(imp, NULL), 3);
    (void)snprintf(text, sizeof(text), "path\tfamily\tkind\n%s\tbeta\tworm\n", FIX("beta"));
    f = fopen(manifest, "w");
    if (f) {
        (void)fputs(text, f);
        (void)fclose(f);
    }
    CHECK_EQ_U64(run(imp, NULL), 3);
    (void)unlink(manifest);
    remove_db(db);
}

int main(void)
{
    (void)snprintf(tmpdir, sizeof(tmpdir), "/tmp/kin_test_labels.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        fprintf(stderr, "cannot make a temporary directory\n");
        return 1;
    }
    test_norm();
    test_aliases();
    test_old_schema();
    test_attribution();
    test_alloc_failures();
    test_cli();
    test_import();
    char buf[400];
    (void)snprintf(buf, sizeof(buf), "%s/out.txt", tmpdir);
    (void)unlink(buf);
    (void)snprintf(buf, sizeof(buf), "%s/err.txt", tmpdir);
    (void)unlink(buf);
    (void)rmdir(tmpdir);
    CHECK_DONE();
}

/*
 * store_labels.c: names, aliases and kinds of families and actors, over the ops table: how a
 * name a user gives resolves to a family or actor, and kin_index_label()'s changes.
 *
 * Invariant (docs/decisions/0005-labels.md): among families, and among actors, no two names or
 * aliases fold to the same key (ASCII case folded, whitespace normalised), except names stored
 * before aliases existed. Resolution tries the exact name first, then the folded key; a new
 * family or actor is created only when nothing resolves, so a name can never shadow an alias.
 * Writes run in the writer's transaction (BEGIN IMMEDIATE), so two writers cannot race.
 */
#include <string.h>

#include "store.h"

static int is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

kin_status kin__store_label_norm(const char *in, int fold, char *out, size_t out_size)
{
    size_t n = 0;
    int pending = 0;
    if (out_size == 0) {
        return KIN_LIMIT;
    }
    out[0] = '\0';
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        if (is_space(*p)) {
            pending = n > 0;
            continue;
        }
        if (*p < 0x20 || *p == 0x7f) {
            return KIN_INVALID;
        }
        if (n + (size_t)pending + 1 >= out_size || n + (size_t)pending >= KIN_MAX_LABEL_LEN) {
            return KIN_LIMIT;
        }
        if (pending) {
            out[n++] = ' ';
            pending = 0;
        }
        out[n++] = (char)(fold && *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    }
    out[n] = '\0';
    return n ? KIN_OK : KIN_INVALID;
}

size_t kin__store_split_aliases(char *text, const char **v, size_t cap)
{
    size_t n = 0;
    char *p = text;
    while (*p && n < cap) {
        char *nl = strchr(p, '\n');
        if (nl) {
            *nl = '\0';
        }
        if (*p) {
            v[n++] = p;
        }
        if (!nl) {
            break;
        }
        p = nl + 1;
    }
    return n;
}

void kin__store_join_aliases(
    const char *const *v, size_t count, const char *sep, char *out, size_t out_size)
{
    size_t n = 0, sep_len = strlen(sep);
    if (out_size == 0) {
        return;
    }
    out[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(v[i]), need = len + (i ? sep_len : 0);
        if (n + need >= out_size) {
            break;
        }
        if (i) {
            memcpy(out + n, sep, sep_len);
            n += sep_len;
        }
        memcpy(out + n, v[i], len);
        n += len;
        out[n] = '\0';
    }
}

/* By folded key: the id (and canonical name) of the label key names; NOTFOUND when none. */
static kin_status by_key(struct store *s,
                         enum store_label which,
                         const char *name,
                         int64_t *id,
                         char *canon,
                         size_t canon_size)
{
    char key[KIN_MAX_LABEL_LEN + 1];
    if (kin__store_label_norm(name, 1, key, sizeof(key)) != KIN_OK) {
        return KIN_NOTFOUND; /* nothing stored can fold to an invalid or oversized key */
    }
    return s->ops->find_label(s, which, key, id, canon, canon_size);
}

kin_status kin__store_find_actor(struct store *s, const char *name, int64_t *id)
{
    kin_status st = s->ops->find_actor(s, name, id);
    if (st != KIN_NOTFOUND) {
        return st;
    }
    return by_key(s, STORE_ACTOR, name, id, NULL, 0);
}

kin_status kin__store_find_family(
    struct store *s, const char *name, int64_t *id, int64_t *actor, uint32_t *kind)
{
    char canon[KIN_MAX_LABEL_LEN + 1];
    kin_status st = s->ops->find_family(s, name, id, actor, kind);
    if (st != KIN_NOTFOUND) {
        return st;
    }
    KIN_TRY(by_key(s, STORE_FAMILY, name, id, canon, sizeof(canon)));
    st = s->ops->find_family(s, canon, id, actor, kind);
    if (st == KIN_NOTFOUND) {
        /* A name longer than the buffer (stored before the cap): look it up by its id's row. */
        return kin__store_seterr(s, KIN_STORE, "family '%s' resolves to a name too long", name);
    }
    return st;
}

/* Copies src into out[size], truncating. */
static void copy_name(const char *src, char *out, size_t size)
{
    size_t n = strlen(src);
    if (size == 0) {
        return;
    }
    n = n < size ? n : size - 1;
    memcpy(out, src, n);
    out[n] = '\0';
}

kin_status kin__store_resolve(
    struct store *s, enum store_label which, const char *name, char *out, size_t out_size)
{
    int64_t id = 0, actor = 0;
    uint32_t kind = 0;
    kin_status st = which == STORE_FAMILY ? s->ops->find_family(s, name, &id, &actor, &kind)
                                          : s->ops->find_actor(s, name, &id);
    if (st == KIN_OK) {
        copy_name(name, out, out_size);
        return KIN_OK;
    }
    if (st != KIN_NOTFOUND) {
        return st;
    }
    return by_key(s, which, name, &id, out, out_size);
}

kin_status
kin__store_new_name(struct store *s, const char *what, const char *name, char *out, size_t size)
{
    kin_status st = kin__store_label_norm(name, 0, out, size);
    if (st == KIN_LIMIT) {
        return kin__store_seterr(s, KIN_INVALID, "%s name '%.40s...' is longer than %u bytes", what,
                                 name, KIN_MAX_LABEL_LEN);
    }
    if (st != KIN_OK) {
        return kin__store_seterr(s, KIN_INVALID,
                                 "%s name '%s' is empty or holds a control "
                                 "character",
                                 what, name);
    }
    return KIN_OK;
}

kin_status kin__store_get_actor(struct store *s, const char *name, int64_t *id)
{
    char norm[KIN_MAX_LABEL_LEN + 1];
    kin_status st = kin__store_find_actor(s, name, id);
    if (st != KIN_NOTFOUND) {
        return st;
    }
    KIN_TRY(kin__store_new_name(s, "actor", name, norm, sizeof(norm)));
    return s->ops->put_actor(s, norm, id);
}

static const char *label_word(enum store_label which)
{
    return which == STORE_FAMILY ? "family" : "actor";
}

/* The aliases of one family or actor being changed, and its canonical name. */
struct alias_edit {
    enum store_label which;
    int64_t id;
    char name[KIN_MAX_LABEL_LEN + 1];
    char text[STORE_ALIASES_SIZE];
    const char *v[KIN_MAX_ALIASES];
    size_t count;
    /* Added aliases live here (v[] points into text or into this). */
    char added[KIN_MAX_ALIASES][KIN_MAX_LABEL_LEN + 1];
    size_t added_count;
};

static unsigned char fold_ascii(char c)
{
    unsigned char u = (unsigned char)c;
    return u >= 'A' && u <= 'Z' ? (unsigned char)(u - 'A' + 'a') : u;
}

/* Whether a and b fold to the same key (both already normalised). */
static int same_key(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        if (fold_ascii(*a) != fold_ascii(*b)) {
            return 0;
        }
    }
    return *a == *b;
}

static kin_status remove_alias(struct store *s, struct alias_edit *e, const char *alias)
{
    char norm[KIN_MAX_LABEL_LEN + 1];
    if (kin__store_label_norm(alias, 0, norm, sizeof(norm)) == KIN_OK) {
        for (size_t i = 0; i < e->count; i++) {
            if (same_key(e->v[i], norm)) {
                memmove(&e->v[i], &e->v[i + 1], (e->count - i - 1) * sizeof(e->v[0]));
                e->count--;
                return KIN_OK;
            }
        }
    }
    return kin__store_seterr(s, KIN_NOTFOUND, "%s '%s' has no alias '%s'", label_word(e->which),
                             e->name, alias);
}

static kin_status add_alias(struct store *s, struct alias_edit *e, const char *alias)
{
    const char *what = label_word(e->which);
    char norm[KIN_MAX_LABEL_LEN + 1], key[KIN_MAX_LABEL_LEN + 1], other[KIN_MAX_LABEL_LEN + 1];
    kin_status st = kin__store_label_norm(alias, 0, norm, sizeof(norm));
    if (st == KIN_LIMIT) {
        return kin__store_seterr(s, KIN_LIMIT, "alias '%.40s...' is longer than %u bytes", alias,
                                 KIN_MAX_LABEL_LEN);
    }
    if (st != KIN_OK || strchr(norm, ';')) {
        return kin__store_seterr(s, KIN_INVALID,
                                 "alias '%s' is empty or holds a control character or ';'", alias);
    }
    if (same_key(norm, e->name)) {
        return KIN_OK; /* its own name: resolves already */
    }
    for (size_t i = 0; i < e->count; i++) {
        if (same_key(e->v[i], norm)) {
            return KIN_OK; /* has it already (in some spelling) */
        }
    }
    (void)kin__store_label_norm(norm, 1, key, sizeof(key));
    int64_t owner = 0;
    st = s->ops->find_label(s, e->which, key, &owner, other, sizeof(other));
    if (st == KIN_OK && owner != e->id) {
        return kin__store_seterr(s, KIN_INVALID,
                                 "alias '%s' is taken: it names %s '%s' (an alias may name one "
                                 "%s only)",
                                 norm, what, other, what);
    }
    if (st != KIN_OK && st != KIN_NOTFOUND) {
        return st;
    }
    if (e->count >= KIN_MAX_ALIASES) {
        return kin__store_seterr(s, KIN_LIMIT, "%s '%s' would have more than %u aliases", what,
                                 e->name, KIN_MAX_ALIASES);
    }
    /* added_count <= count < KIN_MAX_ALIASES: removals come first, each add takes a slot. */
    char *slot = e->added[e->added_count++];
    memcpy(slot, norm, strlen(norm) + 1);
    e->v[e->count++] = slot;
    return KIN_OK;
}

/* Finds (or, with c->create, creates) the family or actor being labelled. */
static kin_status find_target(struct store *s,
                              enum store_label which,
                              const char *name,
                              const struct kin_label_change *c,
                              struct alias_edit *e)
{
    int64_t actor = 0;
    uint32_t kind = 0;
    kin_status st = kin__store_resolve(s, which, name, e->name, sizeof(e->name));
    if (st == KIN_OK) {
        return which == STORE_FAMILY ? s->ops->find_family(s, e->name, &e->id, &actor, &kind)
                                     : s->ops->find_actor(s, e->name, &e->id);
    }
    if (st != KIN_NOTFOUND) {
        return st;
    }
    if (!c->create) {
        return kin__store_seterr(s, KIN_NOTFOUND, "no %s '%s' in the index", label_word(which),
                                 name);
    }
    KIN_TRY(kin__store_new_name(s, label_word(which), name, e->name, sizeof(e->name)));
    if (which == STORE_ACTOR) {
        return s->ops->put_actor(s, e->name, &e->id);
    }
    return s->ops->put_family(s, e->name, 0, c->set_kind ? c->kind : KIN_FAMILY_MALWARE, &e->id);
}

static kin_status label_in_transaction(struct store *s,
                                       enum store_label which,
                                       const char *name,
                                       const struct kin_label_change *c,
                                       struct alias_edit *e)
{
    KIN_TRY(find_target(s, which, name, c, e));
    if (which == STORE_FAMILY && c->actor) {
        int64_t actor = 0;
        KIN_TRY(kin__store_get_actor(s, c->actor, &actor));
        KIN_TRY(s->ops->set_family_actor(s, e->id, actor));
    } else if (which == STORE_FAMILY && c->clear_actor) {
        KIN_TRY(s->ops->set_family_actor(s, e->id, 0));
    }
    if (which == STORE_FAMILY && c->set_kind) {
        KIN_TRY(s->ops->set_family_kind(s, e->id, c->kind));
    }
    if (!c->add_alias_count && !c->remove_alias_count) {
        return KIN_OK;
    }
    KIN_TRY(s->ops->get_aliases(s, which, e->id, e->text, sizeof(e->text)));
    e->count = kin__store_split_aliases(e->text, e->v, KIN_MAX_ALIASES);
    for (size_t i = 0; i < c->remove_alias_count; i++) {
        KIN_TRY(remove_alias(s, e, c->remove_aliases[i] ? c->remove_aliases[i] : ""));
    }
    for (size_t i = 0; i < c->add_alias_count; i++) {
        KIN_TRY(add_alias(s, e, c->add_aliases[i] ? c->add_aliases[i] : ""));
    }
    /* Joined into a buffer of its own: v[] points into text. */
    char *joined = kin__malloc(STORE_ALIASES_SIZE);
    if (!joined) {
        return KIN_NOMEM;
    }
    kin__store_join_aliases(e->v, e->count, "\n", joined, STORE_ALIASES_SIZE);
    kin_status st = s->ops->set_aliases(s, which, e->id, joined);
    kin__free(joined);
    return st;
}

kin_status kin__store_label(struct store *s,
                            enum store_label which,
                            const char *name,
                            const struct kin_label_change *c)
{
    if (s->readonly) {
        return kin__store_seterr(s, KIN_INVALID, "the index is open read-only");
    }
    if (which == STORE_ACTOR && (c->actor || c->clear_actor || c->set_kind)) {
        return kin__store_seterr(s, KIN_INVALID,
                                 "an actor has no actor or kind: those label "
                                 "families");
    }
    if (c->actor && c->clear_actor) {
        return kin__store_seterr(s, KIN_INVALID, "a family cannot both get an actor and lose it");
    }
    if (c->set_kind && c->kind > KIN_FAMILY_LIBRARY) {
        return kin__store_seterr(s, KIN_INVALID, "unknown family kind %u", c->kind);
    }
    struct alias_edit *e = kin__calloc(1, sizeof(*e));
    if (!e) {
        return KIN_NOMEM;
    }
    e->which = which;
    kin_status st = s->ops->begin(s);
    if (st == KIN_OK) {
        st = label_in_transaction(s, which, name, c, e);
        st = st == KIN_OK ? s->ops->commit(s) : st;
        if (st != KIN_OK) {
            (void)s->ops->rollback(s);
        }
    }
    kin__free(e);
    return st;
}

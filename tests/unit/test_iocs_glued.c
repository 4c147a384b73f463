/*
 * test_iocs_glued.c: domain candidates that are artefacts of how strings are stored, on
 * hand-made byte strings: a printable length byte before a length-prefixed string ("0github.com"
 * from Go's type data), a name glued onto the end of its neighbour in a string blob
 * ("nilgoogle.golang.org"), a piece of a percent-escape ("2ev3.fail" from "yaml%2ev3.fail") and
 * names in code contexts ("*fmt.ss", "text/template.ne"). Each must be refused or corrected, with
 * the reason listed when rejected candidates are asked for, and real names must stay.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc_fail.h"
#include "check.h"
#include "ioc/ioc.h"

/* A byte buffer built piece by piece (NUL bytes allowed). */
struct buf {
    uint8_t b[4096];
    size_t n;
};

static size_t put(struct buf *b, const void *p, size_t n)
{
    size_t at = b->n;
    CHECK(b->n + n <= sizeof(b->b));
    if (b->n + n <= sizeof(b->b)) {
        memcpy(b->b + b->n, p, n);
        b->n += n;
    }
    return at;
}

static size_t put_str(struct buf *b, const char *s)
{
    return put(b, s, strlen(s));
}

/* A Go-style name: a flag byte 0x00, a one-byte length, the text; returns where the text starts. */
static size_t put_prefixed(struct buf *b, const char *s)
{
    uint8_t head[2] = {0x00, (uint8_t)strlen(s)};
    put(b, head, 2);
    return put_str(b, s);
}

static struct kin_iocs *extract(const struct buf *b, int all)
{
    struct kin_ioc_options opts = {0, 1u << KIN_IOC_DOMAIN, all};
    struct kin_iocs *r = NULL;
    CHECK_OK(kin_iocs_extract_mem(b->b, b->n, &opts, &r));
    return r;
}

/* The first domain with this value and validity, or NULL. */
static const struct kin_ioc *find(const struct kin_iocs *r, const char *value, uint32_t validity)
{
    for (size_t i = 0; r && i < kin_iocs_count(r); i++) {
        const struct kin_ioc *c = kin_iocs_get(r, i);
        if (c->validity == validity && !strcmp(c->value, value)) {
            return c;
        }
    }
    return NULL;
}

static size_t count_valid(const struct kin_iocs *r, const char *value)
{
    size_t n = 0;
    for (size_t i = 0; r && i < kin_iocs_count(r); i++) {
        const struct kin_ioc *c = kin_iocs_get(r, i);
        n += c->validity == KIN_IOC_VALID && !strcmp(c->value, value);
    }
    return n;
}

/* Fails when value is reported as a valid domain. */
static void check_absent(const struct kin_iocs *r, const char *value)
{
    if (find(r, value, KIN_IOC_VALID)) {
        fprintf(stderr, "'%s' reported as a domain\n", value);
        check_failures++;
    }
}

/* Fails unless value is listed as invalid with a reason holding the word. */
static void check_rejected(const struct kin_iocs *r, const char *value, const char *word)
{
    const struct kin_ioc *c = find(r, value, KIN_IOC_INVALID);
    if (!c || !strstr(c->detail, word)) {
        fprintf(stderr, "'%s' not rejected for '%s'\n", value, word);
        check_failures++;
    }
}

/* A 48-byte and a 97-byte package path: '0' (0x30) and 'a' (0x61) as length bytes. */
static const char PATH48[] = "github.com/bufbuild/buf/private/bufpkg/bufconfig";
static const char PATH97[] = "github.com/bufbuild/buf/private/buf/cmd/buf/command/beta/registry/"
                             "plugin/pluginpush/pluginpush.go";

static void test_length_prefix(void)
{
    CHECK_EQ_U64(strlen(PATH48), '0');
    CHECK_EQ_U64(strlen(PATH97), 'a');
    struct buf b = {{0}, 0};
    size_t p48 = put_prefixed(&b, PATH48);
    size_t p97 = put_prefixed(&b, PATH97);
    put_str(&b, "\x01plain text naming github.com once\x01");
    for (int all = 0; all <= 1; all++) {
        struct kin_iocs *r = extract(&b, all);
        check_absent(r, "0github.com");
        check_absent(r, "agithub.com");
        /* Each length-prefixed name is reported once, without its length byte, where it starts. */
        CHECK_EQ_U64(count_valid(r, "github.com"), 3);
        const struct kin_ioc *c = find(r, "github.com", KIN_IOC_VALID);
        CHECK(c != NULL && c->offset == p48 && c->size == 10);
        int at97 = 0;
        for (size_t i = 0; i < kin_iocs_count(r); i++) {
            at97 |= kin_iocs_get(r, i)->offset == p97;
        }
        CHECK(at97);
        if (all) {
            check_rejected(r, "0github.com", "length byte");
            check_rejected(r, "agithub.com", "length byte");
        } else {
            CHECK_EQ_U64(kin_iocs_count(r), 3);
        }
        kin_iocs_free(r);
    }

    /* Nothing else in the file names github.com: nothing says the '0' is not part of the name. */
    struct buf alone = {{0}, 0};
    put_prefixed(&alone, PATH48);
    struct kin_iocs *r = extract(&alone, 0);
    CHECK(find(r, "0github.com", KIN_IOC_VALID) != NULL);
    kin_iocs_free(r);

    /*
     * A NUL-terminated symbol of 104 characters starting "github.com" begins with 'g' (103):
     * it could read as a length byte, but github.com stands on its own elsewhere in the file, so
     * it is not cut to "ithub.com"; the same holds for a real name beginning a short run.
     */
    struct buf sym = {{0}, 0};
    char name[105];
    memcpy(name, "github.com/x/y.", 15);
    memset(name + 15, 'f', sizeof(name) - 16);
    name[sizeof(name) - 1] = '\0';
    CHECK_EQ_U64(strlen(name), 104);
    put(&sym, "", 1);
    put(&sym, name, sizeof(name));
    put_str(&sym, "\x01see github.com\x01");
    put(&sym, "", 1);
    put(&sym, "gmail.com", 10);
    put(&sym, "mail.com", 9);
    r = extract(&sym, 0);
    CHECK_EQ_U64(count_valid(r, "github.com"), 2);
    check_absent(r, "ithub.com");
    CHECK(find(r, "gmail.com", KIN_IOC_VALID) != NULL);
    CHECK(find(r, "mail.com", KIN_IOC_VALID) != NULL);
    kin_iocs_free(r);
}

static void test_glued_blob(void)
{
    /* A Go string blob: literals back to back, far longer than a C string. */
    struct buf b = {{0}, 0};
    put(&b, "", 1);
    put_str(&b, "invalid state: more than one handler registered for this method while d.fn != ");
    size_t nil = put_str(&b, "nilgoogle.golang.org/genproto unexpected EOF in headerscan 100%");
    size_t pct = put_str(&b, "github.com/x/y mismatched index %sgo.uber.org/zap");
    put(&b, "", 1);
    put_str(&b, "\x01google.golang.org go.uber.org github.com\x01");
    /* Glued-looking text in a short run stands on its own and keeps its first label. */
    size_t short_run = put_str(&b, "\x01xgoogle.golang.org\x01");
    for (int all = 0; all <= 1; all++) {
        struct kin_iocs *r = extract(&b, all);
        const struct kin_ioc *c = NULL;
        for (size_t i = 0; i < kin_iocs_count(r); i++) {
            const struct kin_ioc *o = kin_iocs_get(r, i);
            if (o->offset == nil + 3 && o->validity == KIN_IOC_VALID) {
                c = o;
            }
        }
        CHECK(c != NULL && !strcmp(c->value, "google.golang.org") && c->size == 17);
        check_absent(r, "nilgoogle.golang.org");
        const struct kin_ioc *s = find(r, "xgoogle.golang.org", KIN_IOC_VALID);
        CHECK(s != NULL && s->offset == short_run + 1);
        /* "100%" then "github.com": '%' glues like a format directive; "%sgo.uber.org" is one. */
        CHECK_EQ_U64(count_valid(r, "github.com"), 2);
        CHECK_EQ_U64(count_valid(r, "go.uber.org"), 2);
        check_absent(r, "ithub.com");
        check_absent(r, "sgo.uber.org");
        c = find(r, "github.com", KIN_IOC_VALID);
        CHECK(c != NULL && c->offset == pct);
        if (all) {
            check_rejected(r, "nilgoogle.golang.org", "glued");
            check_rejected(r, "sgo.uber.org", "glued");
        }
        kin_iocs_free(r);
    }
}

static void test_percent_and_code(void)
{
    struct buf b = {{0}, 0};
    put_str(&b, "\x01gopkg.in/yaml%2ev3.fail\x01");
    put_str(&b, "\x01redirect=%2fevil.example.net\x01");
    put_str(&b, "\x01host mirror.example.org%2ebad\x01");
    put_str(&b, "\x01*fmt.ss *catalog.store text/template.ne compress/flate.hcode.zero\x01");
    put_str(&b, "\x01src //cdn.example.net/lib.js\x01");
    for (int all = 0; all <= 1; all++) {
        struct kin_iocs *r = extract(&b, all);
        /* The escape "%2e" is a '.': "2ev3.fail" and "v3.fail" are pieces of "yaml.v3.fail". */
        check_absent(r, "2ev3.fail");
        check_absent(r, "v3.fail");
        /* "%2f" is a '/': the name after it is whole. */
        CHECK(find(r, "evil.example.net", KIN_IOC_VALID) != NULL);
        /* A name running into an escaped name character continues past what the scan sees. */
        check_absent(r, "mirror.example.org");
        check_absent(r, "fmt.ss");
        check_absent(r, "catalog.store");
        check_absent(r, "template.ne");
        check_absent(r, "flate.hcode.zero");
        /* "//host" is a scheme-relative URL, not a path component. */
        CHECK(find(r, "cdn.example.net", KIN_IOC_VALID) != NULL);
        if (all) {
            check_rejected(r, "2ev3.fail", "percent-escape");
            check_rejected(r, "2fevil.example.net", "separator");
            check_rejected(r, "mirror.example.org", "percent-escape");
            check_rejected(r, "fmt.ss", "pointer");
            check_rejected(r, "template.ne", "path component");
        }
        kin_iocs_free(r);
    }
}

/* The whole-file pass allocates too: every failure is KIN_NOMEM, never a crash or a leak. */
static void test_alloc_failures(void)
{
    struct buf b = {{0}, 0};
    put_prefixed(&b, PATH48);
    put_str(&b, "\x01github.com\x01");
    int ok = 0;
    for (fail_at = 1; fail_at < 200 && !ok; fail_at++) {
        alloc_count = 0;
        CHECK_OK(kin_replace_allocator(failing_malloc, failing_realloc, free));
        struct kin_iocs *r = NULL;
        struct kin_ioc_options opts = {0, 0, 1};
        kin_status st = kin_iocs_extract_mem(b.b, b.n, &opts, &r);
        CHECK_OK(kin_replace_allocator(NULL, NULL, NULL));
        CHECK(st == KIN_OK || st == KIN_NOMEM);
        CHECK((st == KIN_OK) == (r != NULL));
        if (st == KIN_OK && alloc_count < fail_at) {
            ok = 1;
            CHECK_EQ_U64(count_valid(r, "github.com"), 2);
        }
        kin_iocs_free(r);
    }
    CHECK(ok);
}

int main(void)
{
    test_length_prefix();
    test_glued_blob();
    test_percent_and_code();
    test_alloc_failures();
    CHECK_DONE();
}

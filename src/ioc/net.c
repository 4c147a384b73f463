/*
 * net.c: network indicators in a printable run: URLs, e-mail addresses, onion names, domains,
 * IPv4 and IPv6 addresses.
 *
 * Domains are checked against the Public Suffix List compiled into Debian's libpsl
 * (psl_builtin()): a name is a domain only when its top-level label is a listed suffix and the
 * name itself is not one. Names outside a URL or e-mail address ("strict" mode) must also look
 * like host names rather than code or file names: one letter case, and not a file extension or
 * a programming word that happens to be a TLD (setup.py, config.h.in, e.style, node.id). IPv4
 * dotted quads refuse leading zeros, longer dotted sequences (1.2.3.4.5) and version contexts
 * ("version 1.2.3.4", "Version=4.0.0.0", "Chrome/90.0.1.2").
 */
#include <arpa/inet.h>
#include <libpsl.h>
#include <string.h>

#include "../core/limits.h"
#include "ioc.h"

#define DOMAIN_MAX_LEN  253
#define LABEL_MAX_LEN   63
#define IPV6_MAX_LEN    45 /* INET6_ADDRSTRLEN - 1 */
#define EMAIL_LOCAL_MAX 64

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
    return is_alpha(c) || is_digit(c);
}

static int is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char lower(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/* Characters of a host name run: letters, digits, '.', '-'. */
static int is_host(char c)
{
    return is_alnum(c) || c == '.' || c == '-';
}

/* Case-insensitive comparison of s[0..n) with a lowercase word. */
static int eq_word(const char *s, size_t n, const char *word)
{
    size_t i = 0;
    for (; i < n && word[i]; i++) {
        if (lower(s[i]) != word[i]) {
            return 0;
        }
    }
    return i == n && word[i] == '\0';
}

static int in_list(const char *s, size_t n, const char *const *list)
{
    for (; *list; list++) {
        if (eq_word(s, n, *list)) {
            return 1;
        }
    }
    return 0;
}

/*
 * Top-level domains that are also file extensions or common identifiers in code. A name outside
 * a URL or e-mail address ending in one of them is more likely "setup.py" or "node.id" than a
 * host, so strict mode refuses it.
 */
static const char *const lookalike_tlds[] = {
    "py",
    "sh",
    "so",
    "rs",
    "md",
    "cc",
    "pl",
    "pm",
    "ps",
    "zip",
    "mov",
    "am",
    "ac",
    "in",
    "ml",
    "mk",
    "la",
    "ai",
    "ws",
    "sc",
    "st",
    "mo",
    "cat",
    "run",
    "id",
    "at",
    "name",
    "style",
    "map",
    "data",
    "gs",
    "cs",
    "nl",
    "ms",
    "tf",
    /* Seen as code in the npm corpus (Go symbols "reflect.call", JS "rules.lt", core-js names). */
    "lt",
    "gt",
    "is",
    "to",
    "ro",
    "mu",
    "bw",
    "il",
    "int",
    "search",
    "now",
    "call",
    "group",
    "target",
    "zone",
    "read",
    "directory",
    "next",
    "open",
    "stream",
    "compare",
    "save",
    "new",
    "global",
    "link",
    "tools",
    "build",
    "show",
    "live",
    "bar",
    "cu",
    NULL,
};

/*
 * First labels of two-label names that are receivers in code ("this.name", "window.top"), not
 * hosts. Strict mode refuses them.
 */
static const char *const code_receivers[] = {
    "this",  "self",   "window", "document", "module", "exports", "process", "console", "object",
    "array", "string", "math",   "json",     "event",  "options", "props",   "state",   "config",
    "node",  "item",   "value",  "result",   "error",  "args",    "ctx",     "req",     "res",
    "err",   "obj",    "opts",   "el",       "elem",   "target",  "parent",  "child",   "data",
    "util",  "utils",  "lib",    "src",      NULL,
};

/* FNV-1a of a lowercased label, never 0 (0 marks an empty cache slot). */
static uint64_t label_hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)lower(s[i]);
        h *= 0x100000001b3ull;
    }
    return h | 1u;
}

/* Whether tld (lowercase, NUL-terminated, n bytes) is an ICANN suffix by an explicit rule. */
static int tld_known(struct tld_cache *cache, const char *tld, size_t n)
{
    uint64_t h = label_hash(tld, n);
    size_t slot = (size_t)(h % TLD_CACHE_SIZE);
    if (cache && cache->key[slot] == h) {
        return cache->known[slot];
    }
    const psl_ctx_t *psl = psl_builtin();
    int known =
        psl && psl_is_public_suffix2(psl, tld, PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE) ? 1 : 0;
    if (cache) {
        cache->key[slot] = h;
        cache->known[slot] = (uint8_t)known;
    }
    return known;
}

int kin__domain_check(struct tld_cache *cache, const char *s, size_t n, int strict)
{
    char buf[DOMAIN_MAX_LEN + 1];
    if (n < 4 || n > DOMAIN_MAX_LEN) {
        return 0;
    }
    size_t labels = 0, label_len = 0, first_len = 0, last_dot = 0;
    int has_lower = 0, has_upper = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            /* Labels are 1..63 characters and neither start nor end with '-'. */
            if (label_len == 0 || s[i - 1] == '-') {
                return 0;
            }
            if (labels == 0) {
                first_len = label_len;
            }
            labels++;
            label_len = 0;
            last_dot = i;
        } else if (is_alnum(c) || c == '-') {
            if (c == '-' && label_len == 0) {
                return 0;
            }
            if (++label_len > LABEL_MAX_LEN) {
                return 0;
            }
            has_lower |= c >= 'a' && c <= 'z';
            has_upper |= c >= 'A' && c <= 'Z';
        } else {
            return 0;
        }
        buf[i] = lower(c);
    }
    buf[n] = '\0';
    if (label_len == 0 || s[n - 1] == '-' || labels == 0) {
        return 0;
    }
    labels++;
    const char *tld = buf + last_dot + 1;
    size_t tld_len = n - last_dot - 1;
    /* A top-level label is letters, or an IDNA "xn--" label. */
    if (tld_len < 2) {
        return 0;
    }
    if (strncmp(tld, "xn--", 4) != 0) {
        for (size_t i = 0; i < tld_len; i++) {
            if (!is_alpha(tld[i])) {
                return 0;
            }
        }
    }
    if (strict) {
        if (has_lower && has_upper) {
            return 0;
        }
        if (in_list(tld, tld_len, lookalike_tlds)) {
            return 0;
        }
        if (labels == 2 && (first_len < 2 || in_list(buf, first_len, code_receivers))) {
            return 0;
        }
    }
    if (!tld_known(cache, tld, tld_len)) {
        return 0;
    }
    /* "co.uk" is a suffix, not a domain. */
    const psl_ctx_t *psl = psl_builtin();
    return labels > 1 && !psl_is_public_suffix2(psl, buf, PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE);
}

int kin__ipv4_parse(const char *s, size_t n, uint8_t out[4])
{
    size_t part = 0, i = 0;
    while (part < 4) {
        size_t start = i;
        unsigned v = 0;
        while (i < n && is_digit(s[i]) && i - start < 4) {
            v = v * 10 + (unsigned)(s[i] - '0');
            i++;
        }
        size_t digits = i - start;
        /* 1 to 3 digits, at most 255, no leading zero (octal in inet_aton, versions here). */
        if (digits == 0 || digits > 3 || v > 255 || (digits > 1 && s[start] == '0')) {
            return 0;
        }
        out[part++] = (uint8_t)v;
        if (part < 4) {
            if (i >= n || s[i] != '.') {
                return 0;
            }
            i++;
        }
    }
    return i == n;
}

int kin__ipv6_check(const char *s, size_t n)
{
    char buf[IPV6_MAX_LEN + 1];
    unsigned char addr[16];
    if (n < 2 || n > IPV6_MAX_LEN) {
        return 0;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (inet_pton(AF_INET6, buf, addr) != 1) {
        return 0;
    }
    /*
     * At least two non-empty groups, five hex digits and one letter case: "::", "::1", "a::b",
     * "22::66" and Rust paths such as "dfa::DFA" are not indicators.
     */
    size_t groups = 0, digits = 0, len = 0;
    int dotted = 0, lower_hex = 0, upper_hex = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || buf[i] == ':') {
            groups += len > 0;
            len = 0;
        } else {
            dotted |= buf[i] == '.';
            lower_hex |= buf[i] >= 'a' && buf[i] <= 'f';
            upper_hex |= buf[i] >= 'A' && buf[i] <= 'F';
            len++;
            digits += is_hex(buf[i]);
        }
    }
    if (lower_hex && upper_hex) {
        return 0;
    }
    return dotted || (groups >= 2 && digits >= 5);
}

/* What kind of IPv4 address it is (RFC 6890 special-purpose blocks). */
static const char *ipv4_class(const uint8_t a[4])
{
    if (a[0] == 0 || a[0] >= 240) {
        return "reserved";
    }
    if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168)) {
        return "private";
    }
    if (a[0] == 127) {
        return "loopback";
    }
    if (a[0] == 169 && a[1] == 254) {
        return "link-local";
    }
    if (a[0] == 100 && (a[1] & 0xc0) == 64) {
        return "shared (cgnat)";
    }
    if (a[0] >= 224) {
        return "multicast";
    }
    if ((a[0] == 192 && a[1] == 0 && a[2] == 2) || (a[0] == 198 && a[1] == 51 && a[2] == 100) ||
        (a[0] == 203 && a[1] == 0 && a[2] == 113)) {
        return "documentation";
    }
    return "public";
}

/*
 * Dotted quads that are something else: X.500 object identifiers (2.5.4.x attribute types,
 * 2.5.29.x certificate extensions, 1.3.6.1 and 1.3.14.x), and "N.0.0.0" assembly versions.
 */
static int ipv4_lookalike(const uint8_t a[4])
{
    if (a[0] == 2 && a[1] == 5 && (a[2] == 4 || a[2] == 29)) {
        return 1;
    }
    if (a[0] == 1 && a[1] == 3 && ((a[2] == 6 && a[3] == 1) || a[2] == 14)) {
        return 1;
    }
    return a[0] > 0 && a[0] < 10 && a[1] == 0 && a[2] == 0 && a[3] == 0;
}

/*
 * Whether the dotted quad at p[start..] follows a version context: a version word, perhaps with
 * separators (" ", "=", ":", quotes), or a product token ("Chrome/", "-", "_").
 */
static int version_context(const char *p, size_t start)
{
    static const char *const words[] = {"version", "ver",      "v",    "build", "rev",
                                        "release", "firmware", "vers", NULL};
    if (start == 0) {
        return 0;
    }
    char before = p[start - 1];
    if (before == '/' || before == '-' || before == '_' || before == '\\') {
        return 1;
    }
    size_t i = start, seps = 0;
    while (i > 0 && seps < 3 &&
           (p[i - 1] == ' ' || p[i - 1] == '=' || p[i - 1] == ':' || p[i - 1] == '"' ||
            p[i - 1] == '\'' || p[i - 1] == '\t')) {
        i--;
        seps++;
    }
    size_t end = i;
    while (i > 0 && is_alpha(p[i - 1]) && end - i < 16) {
        i--;
    }
    if (i == end) {
        return 0;
    }
    /*
     * Long words may end a longer identifier ("FileVersion", "AssemblyVersion"); short ones
     * must stand alone, or "server 10.0.0.1" would read as a version.
     */
    for (const char *const *w = words; *w; w++) {
        size_t wl = strlen(*w);
        if ((end - i == wl || (wl >= 5 && end - i > wl)) && eq_word(p + end - wl, wl, *w)) {
            return 1;
        }
    }
    return 0;
}

void kin__net_report_host(struct ioc_extractor *x,
                          const struct str_run *r,
                          size_t start,
                          size_t len)
{
    const char *h = r->p + start;
    uint8_t a[4];
    const char *detail;
    if (kin__ipv4_parse(h, len, a)) {
        kin__ioc_report(x, r, KIN_IOC_IPV4, KIN_IOC_VALID, start, len, ipv4_class(a));
    } else if (len > 2 && h[0] == '[' && h[len - 1] == ']' && kin__ipv6_check(h + 1, len - 2)) {
        kin__ioc_report(x, r, KIN_IOC_IPV6, KIN_IOC_VALID, start + 1, len - 2, "");
    } else if (len > 6 && eq_word(h + len - 6, 6, ".onion")) {
        /* The service name is the label before ".onion" (subdomains are the service's own). */
        size_t label = len - 6;
        while (label > 0 && h[label - 1] != '.') {
            label--;
        }
        int v = kin__onion_check(h + label, len - 6 - label, &detail);
        if (v != IOC_NONE) {
            kin__ioc_report(x, r, KIN_IOC_ONION, v, start + label, len - label, detail);
        }
    } else if (kin__domain_check(&x->tlds, h, len, 0)) {
        kin__ioc_report(x, r, KIN_IOC_DOMAIN, KIN_IOC_VALID, start, len, "");
    }
}

/* URL schemes worth reporting; "file" is left to the path detectors. */
static const char *const schemes[] = {
    "http",  "https", "ftp",  "ftps",   "sftp",   "ws",     "wss",    "smtp", "smtps", "imap",
    "imaps", "pop3",  "irc",  "ircs",   "tcp",    "udp",    "ssh",    "rtsp", "ldap",  "ldaps",
    "ssl",   "tls",   "mqtt", "gopher", "telnet", "socks5", "socks4", NULL,
};

/* Characters a URL may hold after its authority (RFC 3986 minus the quote, kept as delimiter). */
static int is_url_char(char c)
{
    return is_alnum(c) || (c && strchr("-._~:/?#[]@!$&()*+,;=%", c) != NULL);
}

/*
 * Parses the URL whose "://" is at p[colon]. On success sets [*start, *end) and the host span,
 * and returns the validity. IOC_NONE when it is not a URL worth reporting.
 */
static int parse_url(struct ioc_extractor *x,
                     const struct str_run *r,
                     size_t colon,
                     size_t *start,
                     size_t *end,
                     size_t *host_start,
                     size_t *host_len)
{
    const char *p = r->p;
    size_t n = r->n;
    size_t s = colon;
    while (s > 0 && (is_alnum(p[s - 1]) || p[s - 1] == '+' || p[s - 1] == '-' || p[s - 1] == '.')) {
        s--;
    }
    while (s < colon && !is_alpha(p[s])) {
        s++;
    }
    if (s == colon || !in_list(p + s, colon - s, schemes)) {
        return IOC_NONE;
    }
    size_t i = colon + 3;
    /* Authority: [userinfo@]host[:port], ending at '/', '?', '#' or a non-URL character. */
    size_t auth = i;
    while (i < n && is_url_char(p[i]) && p[i] != '/' && p[i] != '?' && p[i] != '#') {
        i++;
    }
    size_t auth_end = i;
    const char *at = NULL;
    for (size_t j = auth; j < auth_end; j++) {
        if (p[j] == '@') {
            at = p + j;
        }
    }
    size_t hs = at ? (size_t)(at - p) + 1 : auth, he;
    if (hs < auth_end && p[hs] == '[') {
        he = hs;
        while (he < auth_end && p[he] != ']') {
            he++;
        }
        if (he == auth_end) {
            return IOC_NONE;
        }
        he++;
    } else {
        he = hs;
        while (he < auth_end && (is_host(p[he]) || p[he] == '_')) {
            he++;
        }
    }
    if (he == hs) {
        return IOC_NONE;
    }
    /* An optional port; anything else in the authority ("%s", "{host}") is a template. */
    if (he < auth_end) {
        if (p[he] != ':' || he + 1 == auth_end || auth_end - he - 1 > 5) {
            return IOC_NONE;
        }
        unsigned port = 0;
        for (size_t j = he + 1; j < auth_end; j++) {
            if (!is_digit(p[j])) {
                return IOC_NONE;
            }
            port = port * 10 + (unsigned)(p[j] - '0');
        }
        if (port == 0 || port > 65535) {
            return IOC_NONE;
        }
    }
    /* Path, query, fragment; trailing punctuation belongs to the sentence, not the URL. */
    while (i < n && is_url_char(p[i])) {
        i++;
    }
    while (i > auth_end && strchr(".,;:!?)]'*", p[i - 1])) {
        i--;
    }
    if (i - s > KIN_MAX_IOC_VALUE_LEN) {
        return IOC_NONE;
    }
    *start = s;
    *end = i;
    *host_start = hs;
    *host_len = he - hs;
    /* Valid when the host is a listed domain or an address; "http://intranet/" is unchecked. */
    const char *h = p + hs;
    size_t hl = he - hs;
    uint8_t a[4];
    const char *detail;
    if (kin__ipv4_parse(h, hl, a) ||
        (hl > 2 && h[0] == '[' && h[hl - 1] == ']' && kin__ipv6_check(h + 1, hl - 2))) {
        return KIN_IOC_VALID;
    }
    if (hl > 6 && eq_word(h + hl - 6, 6, ".onion")) {
        size_t label = hl - 6;
        while (label > 0 && h[label - 1] != '.') {
            label--;
        }
        int v = kin__onion_check(h + label, hl - 6 - label, &detail);
        return v == IOC_NONE ? KIN_IOC_UNCHECKED : v;
    }
    return kin__domain_check(&x->tlds, h, hl, 0) ? KIN_IOC_VALID : KIN_IOC_UNCHECKED;
}

kin_status kin__net_scan_urls(struct ioc_extractor *x, const struct str_run *r)
{
    const char *p = r->p;
    size_t n = r->n;
    for (size_t i = 1; i + 3 < n && !x->stop; i++) {
        if (p[i] != ':' || p[i + 1] != '/' || p[i + 2] != '/') {
            continue;
        }
        size_t s, e, hs, hl;
        int v = parse_url(x, r, i, &s, &e, &hs, &hl);
        if (v == IOC_NONE) {
            continue;
        }
        KIN_TRY(kin__ioc_add_span(x, s, e));
        kin__ioc_report(x, r, KIN_IOC_URL, v, s, e - s, "");
        kin__net_report_host(x, r, hs, hl);
        i = e > i ? e - 1 : i;
    }
    return KIN_OK;
}

static int is_local_char(char c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

kin_status kin__net_scan_emails(struct ioc_extractor *x, const struct str_run *r)
{
    const char *p = r->p;
    size_t n = r->n;
    for (size_t i = 1; i + 1 < n && !x->stop; i++) {
        if (p[i] != '@') {
            continue;
        }
        size_t s = i;
        while (s > 0 && is_local_char(p[s - 1]) && i - s < EMAIL_LOCAL_MAX) {
            s--;
        }
        if (s > 0 && is_local_char(p[s - 1])) {
            continue; /* local part longer than RFC 5321 allows */
        }
        size_t e = i + 1;
        while (e < n && is_host(p[e])) {
            e++;
        }
        while (e > i + 1 && (p[e - 1] == '.' || p[e - 1] == '-')) {
            e--;
        }
        if (s == i || e == i + 1 || p[s] == '.' || p[i - 1] == '.' || kin__ioc_covered(x, s, e)) {
            continue;
        }
        int dots = 0;
        for (size_t j = s + 1; j < i; j++) {
            dots |= p[j] == '.' && p[j - 1] == '.';
        }
        /* "Example.ORG" happens; "tJ9.tF" (a capital after a small letter) is random bytes. */
        int camel = 0;
        for (size_t j = i + 2; j < e; j++) {
            camel |= p[j] >= 'A' && p[j] <= 'Z' && p[j - 1] >= 'a' && p[j - 1] <= 'z';
        }
        if (dots || camel || !kin__domain_check(&x->tlds, p + i + 1, e - i - 1, 0)) {
            continue;
        }
        KIN_TRY(kin__ioc_add_span(x, s, e));
        kin__ioc_report(x, r, KIN_IOC_EMAIL, KIN_IOC_VALID, s, e - s, "");
        i = e - 1;
    }
    return KIN_OK;
}

void kin__net_scan_onions(struct ioc_extractor *x, const struct str_run *r)
{
    const char *p = r->p;
    size_t n = r->n;
    for (size_t i = 1; i + 6 <= n && !x->stop; i++) {
        if (p[i] != '.' || !eq_word(p + i, 6, ".onion") || (i + 6 < n && is_alnum(p[i + 6]))) {
            continue;
        }
        size_t s = i;
        while (s > 0 && is_alnum(p[s - 1])) {
            s--;
        }
        if ((s > 0 && (p[s - 1] == '-' || p[s - 1] == '_')) || kin__ioc_covered(x, s, i + 6)) {
            continue;
        }
        const char *detail;
        int v = kin__onion_check(p + s, i - s, &detail);
        if (v != IOC_NONE) {
            kin__ioc_report(x, r, KIN_IOC_ONION, v, s, i + 6 - s, detail);
        }
    }
}

/* Why a name outside a URL is refused (shown by `kin iocs --all`). */
static const char WHY_ESCAPE[] =
    "touches a percent-escape (%XX) of a name character: part of an encoded path";
static const char WHY_ESCAPED_SEP[] =
    "starts with the digits of a percent-escaped separator (%2F): the name after them counts";
static const char WHY_POINTER[] = "after '*': a pointer type or dereference in code (*pkg.name)";
static const char WHY_PATH[] = "after '/': a path component or package path (pkg/sub.name)";

/*
 * Lists a refused name as an invalid domain when rejected candidates are wanted and the name
 * would otherwise pass, so `kin iocs --all` shows what a rule removed and why.
 */
static void
reject(struct ioc_extractor *x, const struct str_run *r, size_t start, size_t len, const char *why)
{
    if (x->include_rejected && kin__domain_check(&x->tlds, r->p + start, len, 1)) {
        kin__ioc_report(x, r, KIN_IOC_DOMAIN, KIN_IOC_INVALID, start, len, why);
    }
}

static int hex_value(char c)
{
    return is_digit(c) ? c - '0' : (lower(c) - 'a' + 10);
}

/* Whether p[i..i+3) is a percent-escape of a host character ("%2e" is '.', "%2f" is not). */
static int escaped_host_char(const char *p, size_t n, size_t i)
{
    if (i + 3 > n || p[i] != '%' || !is_hex(p[i + 1]) || !is_hex(p[i + 2])) {
        return 0;
    }
    return is_host((char)(hex_value(p[i + 1]) * 16 + hex_value(p[i + 2])));
}

/*
 * Context rules for a name p[s..e) of a run of n characters found outside a URL: the reason it
 * is not a host name, or NULL. *skip gets how many leading characters to drop before the rest
 * may still be checked as a name (0: drop it all).
 *
 * Percent-encoding: '%' is not a host character, so a name never holds an escape, but one may
 * touch it. A name that starts inside an escape ("%2ev3.fail" from "yaml%2ev3.failf") or runs
 * into one that decodes to a host character ("go%2ebad" continues the name) is a piece of an
 * encoded path. An escape of a separator ("%2F") ends a name, so the rest after it is checked.
 * A '%' and another letter may be a format directive ("%sgithub.com") or the end of a
 * neighbouring string ("100%" then "github.com"): the name is reported with IOC_HINT_GLUED and
 * iocs.c, which sees the whole file, cuts the letter when the rest occurs on its own.
 * A '*' before the name is C or Go code ("*fmt.ss", a pointer type); a single '/' makes it a
 * path component ("text/template.ne", Go's package paths in symbols), while "//host" (a
 * scheme-relative URL) is a host.
 */
static const char *not_a_host(const char *p, size_t n, size_t s, size_t e, size_t *skip)
{
    *skip = 0;
    if (escaped_host_char(p, n, e)) {
        return WHY_ESCAPE;
    }
    if (s == 0) {
        return NULL;
    }
    char before = p[s - 1];
    if (before == '%' && e - s >= 2 && is_hex(p[s]) && is_hex(p[s + 1])) {
        *skip = escaped_host_char(p, n, s - 1) ? 0 : 2;
        return *skip ? WHY_ESCAPED_SEP : WHY_ESCAPE;
    }
    if (before == '*') {
        return WHY_POINTER;
    }
    if (before == '/' && (s < 2 || p[s - 2] != '/')) {
        return WHY_PATH;
    }
    return NULL;
}

void kin__net_scan_hosts(struct ioc_extractor *x, const struct str_run *r)
{
    const char *p = r->p;
    size_t n = r->n, i = 0;
    while (i < n && !x->stop) {
        if (!is_host(p[i])) {
            i++;
            continue;
        }
        size_t s = i;
        int dot = 0, alpha = 0;
        while (i < n && is_host(p[i])) {
            dot |= p[i] == '.';
            alpha |= is_alpha(p[i]);
            i++;
        }
        size_t e = i;
        if (!dot) {
            continue;
        }
        /* Identifier characters on either side make it code ("_this.x", "a.b(", "a.b["). */
        char before = ' ', after = ' ';
        if (s > 0) {
            before = p[s - 1];
        }
        if (e < n) {
            after = p[e];
        }
        if (before == '_' || before == '$' || after == '_' || after == '$' || after == '(' ||
            after == '[') {
            continue;
        }
        /* ".note.gnu.property", ".plt.got": section names and extensions, not hosts. */
        if (p[s] == '.' && alpha) {
            continue;
        }
        while (s < e && (p[s] == '.' || p[s] == '-')) {
            s++;
        }
        /* A sentence may end after the name; a dotted run like "1.2.3.4." keeps its dot out. */
        size_t trail = 0;
        while (e > s && (p[e - 1] == '.' || p[e - 1] == '-')) {
            e--;
            trail++;
        }
        if (e - s < 4 || kin__ioc_covered(x, s, e)) {
            continue;
        }
        if (!alpha) {
            uint8_t a[4];
            if (trail <= 1 && kin__ipv4_parse(p + s, e - s, a) && !ipv4_lookalike(a) &&
                !version_context(p, s) && !(after == '-' && e + 1 < n && is_alnum(p[e + 1]))) {
                kin__ioc_report(x, r, KIN_IOC_IPV4, KIN_IOC_VALID, s, e - s, ipv4_class(a));
            }
            continue;
        }
        /* Onion names are the onion detector's. */
        if (e - s > 6 && eq_word(p + e - 6, 6, ".onion")) {
            continue;
        }
        size_t skip;
        const char *why = not_a_host(p, n, s, e, &skip);
        if (why) {
            reject(x, r, s, e - s, why);
            if (skip == 0 || e - s < skip + 4) {
                continue;
            }
            s += skip;
        }
        if (kin__domain_check(&x->tlds, p + s, e - s, 1)) {
            /*
             * Length-prefixed strings (Go's type and package names, Pascal strings, protobuf
             * fields) keep a length byte before the text and no terminator; when that byte is
             * printable it glues onto the name: "0github.com/x/y" is '0' (48) and 48 bytes of
             * package path. A name that starts its run with a byte no greater than what
             * follows in the run may be one; iocs.c decides with the whole file in view.
             */
            uint32_t hints = 0;
            if (s > 0 && p[s - 1] == '%') {
                hints = IOC_HINT_GLUED;
            } else if (s == 0 && (uint8_t)p[0] < n) {
                hints = IOC_HINT_GLUED | IOC_HINT_LENGTH;
            }
            kin__ioc_report_hinted(x, r, KIN_IOC_DOMAIN, KIN_IOC_VALID, s, e - s, "", hints);
        }
    }
}

static int is_v6_char(char c)
{
    return is_hex(c) || c == ':' || c == '.';
}

void kin__net_scan_ipv6(struct ioc_extractor *x, const struct str_run *r)
{
    const char *p = r->p;
    size_t n = r->n, i = 0;
    while (i < n && !x->stop) {
        if (!is_v6_char(p[i])) {
            i++;
            continue;
        }
        size_t s = i;
        int colons = 0;
        while (i < n && is_v6_char(p[i])) {
            colons += p[i] == ':';
            i++;
        }
        size_t e = i;
        /* Part of a longer word ("std::cout") is not an address. */
        if (colons < 2 || (s > 0 && (is_alnum(p[s - 1]) || p[s - 1] == '_')) ||
            (e < n && (is_alnum(p[e]) || p[e] == '_'))) {
            continue;
        }
        while (e > s && p[e - 1] == '.') {
            e--;
        }
        if (!kin__ioc_covered(x, s, e) && kin__ipv6_check(p + s, e - s)) {
            kin__ioc_report(x, r, KIN_IOC_IPV6, KIN_IOC_VALID, s, e - s, "");
        }
    }
}

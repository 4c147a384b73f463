/*
 * artefacts.c: host artefacts in a printable run: PDB paths, registry keys, mutex-like object
 * names, Windows and Unix file paths, and browser user agents.
 *
 * None has a checksum, so each is reported as unchecked; the rules are about where it starts
 * (a token boundary and a known prefix: a drive "C:\", a UNC "\\server\", an "%ENV%\", a hive
 * "HKLM\", a namespace "Global\", a Unix root directory) and where it stops (characters that
 * cannot be in it, and " /" or " -" that start command-line switches). A PDB path is any path
 * ending in ".pdb"; it is reported once, as pdb. Detectors run in the order below and skip what
 * an earlier one claimed.
 */
#include <string.h>

#include "../core/limits.h"
#include "ioc.h"

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

static char lower(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/* Case-insensitive prefix test of p[i..n) against a lowercase word. */
static int starts_with(const char *p, size_t n, size_t i, const char *word)
{
    size_t wl = strlen(word);
    if (n - i < wl) {
        return 0;
    }
    for (size_t j = 0; j < wl; j++) {
        if (lower(p[i + j]) != word[j]) {
            return 0;
        }
    }
    return 1;
}

/* Whether a token may start at i: the run's start or after a delimiter. */
static int token_start(const char *p, size_t i)
{
    return i == 0 || strchr(" \t\"'=(<>[{,;|*", p[i - 1]) != NULL;
}

/* Whether what follows a space starts something else: a switch, a path, another space. */
static int next_token(const char *p, size_t n, size_t i)
{
    if (i >= n) {
        return 0;
    }
    char c = p[i];
    return c == '/' || c == '-' || c == ' ' || c == '\\' || c == '%' ||
           (is_alpha(c) && i + 2 < n && p[i + 1] == ':' && p[i + 2] == '\\');
}

/*
 * End of a Windows-style name starting at i: stops at characters Windows forbids in names, ':'
 * included (but keeps '*' and '?' of patterns and "\\?\" prefixes), at ';' and ',' of lists, and
 * before " /" or " -" switches or a new path. Trailing spaces and dots are dropped.
 */
static size_t windows_end(const char *p, size_t n, size_t i)
{
    while (i < n && !strchr("\"<>|;,:", p[i]) && !(p[i] == ' ' && next_token(p, n, i + 1))) {
        i++;
    }
    while (i > 0 && (p[i - 1] == ' ' || p[i - 1] == '.' || p[i - 1] == '\t')) {
        i--;
    }
    return i;
}

static int is_unix_path_char(char c)
{
    return is_alnum(c) || (c && strchr("._-/+@%~,=#", c) != NULL);
}

/* Reports [s, e) as type when it is not claimed yet, then claims it. */
static kin_status claim(struct ioc_extractor *x,
                        const struct str_run *r,
                        uint32_t type,
                        size_t s,
                        size_t e,
                        const char *detail)
{
    if (e <= s || e - s > KIN_MAX_IOC_VALUE_LEN || kin__ioc_covered(x, s, e)) {
        return KIN_OK;
    }
    KIN_TRY(kin__ioc_add_span(x, s, e));
    kin__ioc_report(x, r, type, KIN_IOC_UNCHECKED, s, e - s, detail);
    return KIN_OK;
}

/* PDB paths: back from ".pdb" to a drive, a root, or the start of the token. */
static kin_status scan_pdb(struct ioc_extractor *x, const struct str_run *r)
{
    const char *p = r->p;
    size_t n = r->n;
    for (size_t i = 1; i + 4 <= n; i++) {
        if (p[i] != '.' || !starts_with(p, n, i, ".pdb") || (i + 4 < n && is_alnum(p[i + 4]))) {
            continue;
        }
        size_t s = i;
        while (s > 0 && !strchr("\"'<>|*?\t", p[s - 1])) {
            s--;
        }
        /* Prefer the drive letter or the root when the token carries noise before it. */
        for (size_t j = s; j + 2 < i; j++) {
            if (is_alpha(p[j]) && p[j + 1] == ':' && p[j + 2] == '\\' &&
                (j == s || !is_alnum(p[j - 1]))) {
                s = j;
                break;
            }
        }
        while (s < i && p[s] == ' ') {
            s++;
        }
        if (i - s < 1) {
            continue;
        }
        KIN_TRY(claim(x, r, KIN_IOC_PDB, s, i + 4, ""));
    }
    return KIN_OK;
}

static kin_status scan_registry(struct ioc_extractor *x, const struct str_run *r)
{
    /* Hives, long and short, and the subtrees programs open without naming a hive. */
    static const char *const hives[] = {
        "hkey_local_machine\\",
        "hkey_current_user\\",
        "hkey_classes_root\\",
        "hkey_users\\",
        "hkey_current_config\\",
        "hklm\\",
        "hkcu\\",
        "hkcr\\",
        "hku\\",
        "hkcc\\",
        NULL,
    };
    static const char *const subtrees[] = {
        "software\\microsoft\\",
        "software\\classes\\",
        "software\\policies\\",
        "software\\wow6432node\\",
        "system\\currentcontrolset\\",
        "system\\controlset",
        NULL,
    };
    const char *p = r->p;
    size_t n = r->n;
    for (size_t i = 0; i + 4 < n; i++) {
        char c = lower(p[i]);
        if ((c != 'h' && c != 's') || !token_start(p, i)) {
            continue;
        }
        size_t prefix = 0;
        for (const char *const *h = hives; *h && !prefix; h++) {
            prefix = starts_with(p, n, i, *h) ? strlen(*h) : 0;
        }
        for (const char *const *t = subtrees; *t && !prefix; t++) {
            prefix = starts_with(p, n, i, *t) ? strlen(*t) : 0;
        }
        if (!prefix) {
            continue;
        }
        size_t e = windows_end(p, n, i);
        while (e > i && p[e - 1] == '\\') {
            e--;
        }
        if (e >= i + prefix) {
            KIN_TRY(claim(x, r, KIN_IOC_REGISTRY, i, e, ""));
        }
        i = e > i ? e - 1 : i;
    }
    return KIN_OK;
}

/* Kernel object namespaces: Global\name, Local\name, Session\<n>\name. */
static kin_status scan_mutex(struct ioc_extractor *x, const struct str_run *r)
{
    const char *p = r->p;
    size_t n = r->n;
    for (size_t i = 0; i + 7 < n; i++) {
        if ((p[i] != 'G' && p[i] != 'L' && p[i] != 'S') || !token_start(p, i)) {
            continue;
        }
        size_t name;
        if (!strncmp(p + i, "Global\\", 7)) {
            name = i + 7;
        } else if (!strncmp(p + i, "Local\\", 6)) {
            name = i + 6;
        } else if (n - i > 9 && !strncmp(p + i, "Session\\", 8) && p[i + 8] >= '0' &&
                   p[i + 8] <= '9') {
            name = i + 8;
            while (name < n && p[name] >= '0' && p[name] <= '9') {
                name++;
            }
            if (name >= n || p[name] != '\\') {
                continue;
            }
            name++;
        } else {
            continue;
        }
        size_t e = name;
        while (e < n && p[e] != '\\' && p[e] != ' ' && p[e] != '\t' && p[e] != '"' &&
               p[e] != '\'') {
            e++;
        }
        /* A name, not a format hole alone ("Global\%s" is still worth seeing). */
        if (e > name) {
            KIN_TRY(claim(x, r, KIN_IOC_MUTEX, i, e, ""));
            i = e - 1;
        }
    }
    return KIN_OK;
}

static kin_status scan_winpath(struct ioc_extractor *x, const struct str_run *r)
{
    const char *p = r->p;
    size_t n = r->n;
    for (size_t i = 0; i + 3 < n; i++) {
        size_t body;
        const char *detail;
        if (is_alpha(p[i]) && p[i + 1] == ':' && p[i + 2] == '\\' &&
            (i == 0 || !is_alnum(p[i - 1]))) {
            body = i + 3;
            detail = "drive";
        } else if (p[i] == '\\' && p[i + 1] == '\\' && token_start(p, i) &&
                   (is_alnum(p[i + 2]) || p[i + 2] == '?' || p[i + 2] == '.') &&
                   (i + 3 < n && (is_alnum(p[i + 3]) || p[i + 3] == '\\'))) {
            body = i + 2;
            detail = p[i + 2] == '?' || p[i + 2] == '.' ? "device" : "unc";
        } else if (p[i] == '%' && token_start(p, i) && is_alpha(p[i + 1])) {
            size_t j = i + 1;
            while (j < n && (is_alnum(p[j]) || p[j] == '_' || p[j] == '(' || p[j] == ')')) {
                j++;
            }
            if (j + 1 >= n || p[j] != '%' || p[j + 1] != '\\') {
                continue;
            }
            body = j + 2;
            detail = "environment";
        } else {
            continue;
        }
        size_t e = windows_end(p, n, body);
        if (e > body) {
            KIN_TRY(claim(x, r, KIN_IOC_WINPATH, i, e, detail));
            i = e - 1;
        }
    }
    return KIN_OK;
}

static kin_status scan_unixpath(struct ioc_extractor *x, const struct str_run *r)
{
    static const char *const roots[] = {
        "bin/",     "boot/",   "dev/",          "etc/",     "home/",    "lib/",  "lib32/",
        "lib64/",   "media/",  "mnt/",          "opt/",     "proc/",    "root/", "run/",
        "sbin/",    "srv/",    "sys/",          "tmp/",     "usr/",     "var/",  "users/",
        "library/", "system/", "applications/", "volumes/", "private/", NULL,
    };
    const char *p = r->p;
    size_t n = r->n;
    for (size_t i = 0; i + 2 < n; i++) {
        size_t body;
        if (p[i] == '/' &&
            (token_start(p, i) || (i > 0 && p[i - 1] == ':' && !(i + 1 < n && p[i + 1] == '/')))) {
            body = 0;
            for (const char *const *root = roots; *root; root++) {
                if (starts_with(p, n, i + 1, *root)) {
                    body = i + 1 + strlen(*root);
                    break;
                }
            }
            if (!body) {
                continue;
            }
        } else if (p[i] == '~' && p[i + 1] == '/' && token_start(p, i)) {
            body = i + 2;
        } else {
            continue;
        }
        size_t e = body;
        while (e < n && is_unix_path_char(p[e])) {
            e++;
        }
        while (e > body && (p[e - 1] == '.' || p[e - 1] == ',')) {
            e--;
        }
        if (e > body) {
            KIN_TRY(claim(x, r, KIN_IOC_UNIXPATH, i, e, ""));
        }
        i = e > i ? e - 1 : i;
    }
    return KIN_OK;
}

static kin_status scan_useragent(struct ioc_extractor *x, const struct str_run *r)
{
    const char *p = r->p;
    size_t n = r->n;
    for (size_t i = 0; i + 9 < n; i++) {
        if (p[i] != 'M' || strncmp(p + i, "Mozilla/", 8) != 0 || p[i + 8] < '0' || p[i + 8] > '9' ||
            (i > 0 && is_alnum(p[i - 1]))) {
            continue;
        }
        size_t e = i + 8;
        while (e < n && p[e] != '"' && p[e] != '\'' && p[e] != '\t') {
            e++;
        }
        while (e > i && p[e - 1] == ' ') {
            e--;
        }
        KIN_TRY(claim(x, r, KIN_IOC_USERAGENT, i, e, ""));
        i = e - 1;
    }
    return KIN_OK;
}

kin_status kin__artefacts_scan(struct ioc_extractor *x, const struct str_run *r, unsigned mask)
{
    if (mask & IOC_HAS_DOT) {
        KIN_TRY(scan_pdb(x, r));
    }
    if (mask & IOC_HAS_BACKSLASH) {
        KIN_TRY(scan_registry(x, r));
        KIN_TRY(scan_mutex(x, r));
        KIN_TRY(scan_winpath(x, r));
    }
    if (mask & IOC_HAS_SLASH) {
        KIN_TRY(scan_unixpath(x, r));
        KIN_TRY(scan_useragent(x, r));
    }
    return KIN_OK;
}

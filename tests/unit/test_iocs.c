/*
 * test_iocs.c: strings and indicator extraction on hand-written buffers: what is found (type,
 * value, offset, encoding, validity), what is refused (version numbers, file names, code),
 * options (types, min_len, include_rejected), caps and allocation failures.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc_fail.h"
#include "check.h"
#include "ioc/ioc.h"

/* Extracts from a NUL-free text buffer with the given options. */
static struct kin_iocs *run(const char *text, const struct kin_ioc_options *opts)
{
    struct kin_iocs *r = NULL;
    CHECK_OK(kin_iocs_extract_mem((const uint8_t *)text, strlen(text), opts, &r));
    return r;
}

/* The first indicator of type with this value, or NULL. */
static const struct kin_ioc *find(const struct kin_iocs *r, uint32_t type, const char *value)
{
    for (size_t i = 0; i < kin_iocs_count(r); i++) {
        const struct kin_ioc *c = kin_iocs_get(r, i);
        if (c->type == type && !strcmp(c->value, value)) {
            return c;
        }
    }
    return NULL;
}

static size_t count_type(const struct kin_iocs *r, uint32_t type)
{
    size_t n = 0;
    for (size_t i = 0; i < kin_iocs_count(r); i++) {
        n += kin_iocs_get(r, i)->type == type;
    }
    return n;
}

struct collected {
    uint64_t offsets[64];
    size_t lens[64];
    uint32_t enc[64];
    size_t n;
};

static int collect_run(void *ctx, const struct str_run *r)
{
    struct collected *c = ctx;
    if (c->n < 64) {
        c->offsets[c->n] = r->offset;
        c->lens[c->n] = r->n;
        c->enc[c->n] = r->encoding;
        c->n++;
    }
    return 0;
}

static void test_strings(void)
{
    /* "abcdef" ASCII at 1; "xy" too short; wide "Hello!" at 12; a 5-char run below min. */
    static const uint8_t buf[] = {0x01, 'a',  'b', 'c', 'd',  'e', 'f', 0x00, 'x', 'y',
                                  0x00, 0x02, 'H', 0,   'e',  0,   'l', 0,    'l', 0,
                                  'o',  0,    '!', 0,   0xff, 'v', 'w', 'x',  'y', 'z',
                                  0x80, '\t', 'T', 'A', 'B',  ' ', 'Z', 'Z'};
    struct collected c;
    memset(&c, 0, sizeof(c));
    uint64_t count = 0;
    int truncated = 1;
    CHECK_OK(
        kin__strings_scan(kin__span(buf, sizeof(buf)), 6, collect_run, &c, &count, &truncated));
    CHECK_EQ_U64(count, 3);
    CHECK_EQ_U64(truncated, 0);
    CHECK_EQ_U64(c.n, 3);
    CHECK_EQ_U64(c.offsets[0], 1);
    CHECK_EQ_U64(c.lens[0], 6);
    CHECK_EQ_U64(c.enc[0], KIN_ENC_ASCII);
    CHECK_EQ_U64(c.offsets[1], 31); /* "\tTAB ZZ": tab counts as printable, as in strings(1) */
    CHECK_EQ_U64(c.lens[1], 7);
    CHECK_EQ_U64(c.offsets[2], 12);
    CHECK_EQ_U64(c.lens[2], 6);
    CHECK_EQ_U64(c.enc[2], KIN_ENC_UTF16LE);

    /* Every min_len finds exactly the runs a naive scan finds, on pseudo-random bytes. */
    uint8_t rnd[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof(rnd); i++) {
        x = x * 1103515245u + 12345u;
        uint8_t b = (uint8_t)(x >> 16);
        rnd[i] = (b & 3) == 0 ? 0 : (b & 0x80) ? (uint8_t)(0x20 + b % 95) : b;
    }
    for (uint32_t m = 1; m <= 9; m++) {
        struct collected got;
        memset(&got, 0, sizeof(got));
        CHECK_OK(kin__strings_scan(kin__span(rnd, sizeof(rnd)), m, collect_run, &got, &count,
                                   &truncated));
        size_t naive = 0;
        for (size_t i = 0; i < sizeof(rnd);) {
            size_t j = i;
            while (j < sizeof(rnd) && ((rnd[j] >= 0x20 && rnd[j] < 0x7f) || rnd[j] == '\t')) {
                j++;
            }
            naive += j - i >= m;
            i = j + 1;
        }
        size_t ascii = 0;
        for (size_t i = 0; i < got.n; i++) {
            ascii += got.enc[i] == KIN_ENC_ASCII;
        }
        if (got.n < 64) {
            CHECK_EQ_U64(ascii, naive);
        }
    }
}

static void test_crypto(void)
{
    const char *text =
        "pay 13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94 or 13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb95;"
        " eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed,"
        " bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 "
        "abc13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94";
    struct kin_iocs *r = run(text, NULL);
    const struct kin_ioc *c = find(r, KIN_IOC_BTC, "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94");
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ_U64(c->offset, 4);
        CHECK_EQ_U64(c->size, 34);
        CHECK_EQ_U64(c->validity, KIN_IOC_VALID);
        CHECK_EQ_U64(c->encoding, KIN_ENC_ASCII);
        CHECK_EQ_STR(c->detail, "p2pkh mainnet");
        CHECK(c->section == NULL);
    }
    /* The changed copy is not an address; glued to "abc" the token is not one either. */
    CHECK(find(r, KIN_IOC_BTC, "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb95") == NULL);
    CHECK_EQ_U64(count_type(r, KIN_IOC_BTC), 2);
    CHECK(find(r, KIN_IOC_BTC, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4") != NULL);
    CHECK(find(r, KIN_IOC_ETH, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed") != NULL);
    kin_iocs_free(r);

    struct kin_ioc_options all = {0, 0, 1};
    r = run(text, &all);
    c = find(r, KIN_IOC_BTC, "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb95");
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ_U64(c->validity, KIN_IOC_CHECKSUM_FAILED);
    }
    kin_iocs_free(r);
}

static void test_network(void)
{
    const char *text =
        "see http://www.example.com:8080/a/b.php?x=1&y=2). "
        "hosts evil.top cdn.example.co.uk version.dll foo.exe a.b setup.py this.name e.style "
        "System.Net co.uk config.h.in "
        "ips 8.8.8.8 10.0.0.1. version 1.2.3.4 1.2.3.4.5 010.1.1.1 Version=4.0.0.0 "
        "Chrome/90.0.1.2 server 192.168.1.1 256.1.1.1 "
        "v6 2001:db8::1 std::cout ::1 12:34:56 "
        "mail Admin.Ops@Example.ORG x@y "
        "tor pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion "
        "http://%s/gate.php https://[2001:db8::2]/x ftp://files.example.net "
        /* Look-alikes seen in the npm corpus: Rust paths, OIDs, Go symbols, random bytes. */
        "dfa::DFA 22::66 2.5.29.37 1.3.6.1 2.0.0.0 reflect.call rules.lt 9j@tJ9.tF";
    struct kin_iocs *r = run(text, NULL);
    const struct kin_ioc *u = find(r, KIN_IOC_URL, "http://www.example.com:8080/a/b.php?x=1&y=2");
    CHECK(u != NULL);
    if (u) {
        CHECK_EQ_U64(u->validity, KIN_IOC_VALID);
        CHECK_EQ_U64(u->offset, 4);
    }
    /* A URL reports its host; names inside it are not reported again. */
    CHECK(find(r, KIN_IOC_DOMAIN, "www.example.com") != NULL);
    CHECK(find(r, KIN_IOC_DOMAIN, "example.com") == NULL);
    CHECK(find(r, KIN_IOC_DOMAIN, "evil.top") != NULL);
    CHECK(find(r, KIN_IOC_DOMAIN, "cdn.example.co.uk") != NULL);
    const char *not_domains[] = {"version.dll",  "foo.exe",    "a.b",   "setup.py",    "this.name",
                                 "e.style",      "System.Net", "co.uk", "config.h.in", "b.php",
                                 "reflect.call", "rules.lt",   "tJ9.tF"};
    for (size_t i = 0; i < KIN_ARRAY_COUNT(not_domains); i++) {
        if (find(r, KIN_IOC_DOMAIN, not_domains[i])) {
            fprintf(stderr, "'%s' reported as a domain\n", not_domains[i]);
            check_failures++;
        }
    }
    const struct kin_ioc *ip = find(r, KIN_IOC_IPV4, "8.8.8.8");
    CHECK(ip != NULL);
    if (ip) {
        CHECK_EQ_STR(ip->detail, "public");
    }
    CHECK(find(r, KIN_IOC_IPV4, "10.0.0.1") != NULL);
    CHECK(find(r, KIN_IOC_IPV4, "192.168.1.1") != NULL); /* "server" is no version word */
    const char *not_ips[] = {"1.2.3.4",   "2.3.4.5",   "010.1.1.1", "4.0.0.0", "90.0.1.2",
                             "256.1.1.1", "2.5.29.37", "1.3.6.1",   "2.0.0.0"};
    for (size_t i = 0; i < KIN_ARRAY_COUNT(not_ips); i++) {
        if (find(r, KIN_IOC_IPV4, not_ips[i])) {
            fprintf(stderr, "'%s' reported as an IPv4 address\n", not_ips[i]);
            check_failures++;
        }
    }
    CHECK(find(r, KIN_IOC_IPV6, "2001:db8::1") != NULL);
    CHECK(find(r, KIN_IOC_IPV6, "2001:db8::2") != NULL); /* the host of a URL */
    CHECK_EQ_U64(count_type(r, KIN_IOC_IPV6), 2);
    CHECK(find(r, KIN_IOC_EMAIL, "Admin.Ops@Example.ORG") != NULL);
    CHECK_EQ_U64(count_type(r, KIN_IOC_EMAIL), 1);
    const struct kin_ioc *o =
        find(r, KIN_IOC_ONION, "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion");
    CHECK(o != NULL && o->validity == KIN_IOC_VALID);
    CHECK(find(r, KIN_IOC_URL, "ftp://files.example.net") != NULL);
    /* A template is not a URL. */
    for (size_t i = 0; i < kin_iocs_count(r); i++) {
        CHECK(strstr(kin_iocs_get(r, i)->value, "%s") == NULL);
    }
    kin_iocs_free(r);

    /* A changed onion v3 character fails the checksum. */
    struct kin_ioc_options all = {0, 0, 1};
    r = run("x pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryc.onion y", &all);
    CHECK_EQ_U64(kin_iocs_count(r), 1);
    if (kin_iocs_count(r) == 1) {
        CHECK_EQ_U64(kin_iocs_get(r, 0)->validity, KIN_IOC_CHECKSUM_FAILED);
    }
    kin_iocs_free(r);
}

static void test_artefacts(void)
{
    const char *lines[] = {
        "C:\\Users\\bob\\Desktop\\x\\Release\\evil.pdb",
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
        "reg Software\\Microsoft\\Windows\\CurrentVersion\\Run /v foo",
        "Global\\MsWinZonesCacheCounterMutexA",
        "cmd C:\\Windows\\System32\\cmd.exe /c del %TEMP%\\x.bat",
        "\\\\?\\PhysicalDrive0  \\\\server\\share\\file.txt",
        "getopt T:\\:d:l:t:",
        "/etc/passwd ~/.ssh/id_rsa http://x.example.com/etc/passwd",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36",
    };
    /* Lines are separate strings: join them with NULs. */
    char buf[1024];
    size_t n = 0;
    for (size_t i = 0; i < KIN_ARRAY_COUNT(lines); i++) {
        size_t l = strlen(lines[i]);
        memcpy(buf + n, lines[i], l + 1);
        n += l + 1;
    }
    struct kin_iocs *r = NULL;
    CHECK_OK(kin_iocs_extract_mem((const uint8_t *)buf, n, NULL, &r));
    CHECK(find(r, KIN_IOC_PDB, "C:\\Users\\bob\\Desktop\\x\\Release\\evil.pdb") != NULL);
    CHECK_EQ_U64(count_type(r, KIN_IOC_PDB), 1);
    CHECK(find(r, KIN_IOC_REGISTRY,
               "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run") != NULL);
    CHECK(find(r, KIN_IOC_REGISTRY, "Software\\Microsoft\\Windows\\CurrentVersion\\Run") != NULL);
    CHECK(find(r, KIN_IOC_MUTEX, "Global\\MsWinZonesCacheCounterMutexA") != NULL);
    CHECK(find(r, KIN_IOC_WINPATH, "C:\\Windows\\System32\\cmd.exe") != NULL);
    CHECK(find(r, KIN_IOC_WINPATH, "%TEMP%\\x.bat") != NULL);
    CHECK(find(r, KIN_IOC_WINPATH, "\\\\?\\PhysicalDrive0") != NULL);
    CHECK(find(r, KIN_IOC_WINPATH, "\\\\server\\share\\file.txt") != NULL);
    for (size_t i = 0; i < kin_iocs_count(r); i++) {
        const struct kin_ioc *c = kin_iocs_get(r, i);
        CHECK(c->type != KIN_IOC_WINPATH || strchr(c->value + 2, ':') == NULL);
    }
    CHECK(find(r, KIN_IOC_UNIXPATH, "/etc/passwd") != NULL);
    CHECK(find(r, KIN_IOC_UNIXPATH, "~/.ssh/id_rsa") != NULL);
    CHECK_EQ_U64(count_type(r, KIN_IOC_UNIXPATH), 2); /* not the URL's path */
    CHECK(find(r, KIN_IOC_USERAGENT,
               "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36") != NULL);
    /* Artefacts carry no checksum. */
    for (size_t i = 0; i < kin_iocs_count(r); i++) {
        if (kin_iocs_get(r, i)->type >= KIN_IOC_PDB) {
            CHECK_EQ_U64(kin_iocs_get(r, i)->validity, KIN_IOC_UNCHECKED);
        }
    }
    kin_iocs_free(r);
}

static void test_utf16_and_options(void)
{
    /* The WannaCry address in UTF-16LE at offset 3, then an ASCII URL. */
    const char *addr = "12t9YDPgwueZ9NyMgw519p7AA8isjr6SMw";
    uint8_t buf[256];
    size_t n = 0;
    buf[n++] = 0xff;
    buf[n++] = 0xfe;
    buf[n++] = 0x00;
    for (const char *c = addr; *c; c++) {
        buf[n++] = (uint8_t)*c;
        buf[n++] = 0;
    }
    buf[n++] = 0;
    buf[n++] = 0;
    const char *url = "https://example.org/x";
    memcpy(buf + n, url, strlen(url));
    n += strlen(url);
    struct kin_iocs *r = NULL;
    CHECK_OK(kin_iocs_extract_mem(buf, n, NULL, &r));
    const struct kin_ioc *c = find(r, KIN_IOC_BTC, addr);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ_U64(c->offset, 3);
        CHECK_EQ_U64(c->size, 68);
        CHECK_EQ_U64(c->encoding, KIN_ENC_UTF16LE);
    }
    /* Sorted by offset. */
    for (size_t i = 1; i < kin_iocs_count(r); i++) {
        CHECK(kin_iocs_get(r, i - 1)->offset <= kin_iocs_get(r, i)->offset);
    }
    CHECK(kin_iocs_string_count(r) >= 2);
    CHECK(!kin_iocs_truncated(r));
    kin_iocs_free(r);

    /* Type filter. */
    struct kin_ioc_options only_url = {0, 1u << KIN_IOC_URL, 0};
    CHECK_OK(kin_iocs_extract_mem(buf, n, &only_url, &r));
    CHECK_EQ_U64(kin_iocs_count(r), 1);
    CHECK_EQ_U64(kin_iocs_get(r, 0)->type, KIN_IOC_URL);
    kin_iocs_free(r);

    /* A minimum length above the address's length hides it. */
    struct kin_ioc_options longer = {40, 0, 0};
    CHECK_OK(kin_iocs_extract_mem(buf, n, &longer, &r));
    CHECK_EQ_U64(kin_iocs_count(r), 0);
    kin_iocs_free(r);

    /* Names. */
    uint32_t t;
    for (uint32_t k = 0; k < KIN__IOC_TYPE_COUNT; k++) {
        CHECK_OK(kin_ioc_type_parse(kin_ioc_type_name(k), &t));
        CHECK_EQ_U64(t, k);
    }
    CHECK(kin_ioc_type_parse("nope", &t) == KIN_NOTFOUND);
    CHECK_EQ_STR(kin_ioc_validity_name(KIN_IOC_CHECKSUM_FAILED), "checksum-failed");
    CHECK_EQ_STR(kin_ioc_encoding_name(KIN_ENC_UTF16LE), "utf16le");
    CHECK(kin_iocs_extract_mem(NULL, 5, NULL, &r) == KIN_INVALID);
    CHECK_OK(kin_iocs_extract_mem(NULL, 0, NULL, &r));
    CHECK_EQ_U64(kin_iocs_count(r), 0);
    kin_iocs_free(r);
    kin_iocs_free(NULL);
}

/* Allocation failures: fail the Nth allocation until extraction succeeds; never crash or leak. */
static void test_alloc_failures(void)
{
    const char *text = "http://example.com/ 8.8.8.8 13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94 "
                       "C:\\x\\y.pdb a@example.org HKLM\\Software\\x";
    int ok = 0;
    for (fail_at = 1; fail_at < 200 && !ok; fail_at++) {
        alloc_count = 0;
        CHECK_OK(kin_replace_allocator(failing_malloc, failing_realloc, free));
        struct kin_iocs *r = NULL;
        kin_status st = kin_iocs_extract_mem((const uint8_t *)text, strlen(text), NULL, &r);
        CHECK_OK(kin_replace_allocator(NULL, NULL, NULL));
        CHECK(st == KIN_OK || st == KIN_NOMEM);
        CHECK((st == KIN_OK) == (r != NULL));
        if (st == KIN_OK && alloc_count < fail_at) {
            ok = 1;
            CHECK(kin_iocs_count(r) >= 6);
        }
        kin_iocs_free(r);
    }
    CHECK(ok);
}

int main(void)
{
    test_strings();
    test_crypto();
    test_network();
    test_artefacts();
    test_utf16_and_options();
    test_alloc_failures();
    CHECK_DONE();
}

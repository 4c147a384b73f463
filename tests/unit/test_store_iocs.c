/*
 * test_store_iocs.c: indicators in the index (issue #5): normalisation (src/ioc/evidence.c), the
 * built-in list of ubiquitous values (src/ioc/common.c), what the index keeps of a sample
 * (types, validity, duplicates, the per-sample cap), migration from schema 2, frequency
 * statistics through add, remove and refresh, the attribution lookup (kin__store_shared_iocs())
 * with ubiquity by frequency and by library family, and kin_index_search_ioc().
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "core/limits.h"
#include "db_util.h"
#include "ioc/ioc.h"
#include "kin.h"
#include "store/store.h"

static char tmpdir[256];

static void path_in_tmp(const char *name, char *buf, size_t n)
{
    (void)snprintf(buf, n, "%s/%s", tmpdir, name);
}

static int64_t sql_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    int64_t v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
        v = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

/* Normalises v as type; "" when it cannot be. */
static const char *norm(uint32_t type, const char *v)
{
    static char buf[KIN_MAX_IOC_VALUE_LEN + 1];
    size_t n = kin__ioc_normalize(type, v, strlen(v), buf, sizeof(buf));
    if (n == 0) {
        buf[0] = '\0';
    }
    return buf;
}

static void test_normalize(void)
{
    CHECK_EQ_STR(norm(KIN_IOC_DOMAIN, "C2.Evil-Host.COM."), "c2.evil-host.com");
    CHECK_EQ_STR(norm(KIN_IOC_EMAIL, "Ops@Evil-Host.COM"), "ops@evil-host.com");
    CHECK_EQ_STR(norm(KIN_IOC_URL, "HTTP://User:Pw@C2.Evil-Host.COM:8443/Gate.PHP?ID=1"),
                 "http://User:Pw@c2.evil-host.com:8443/Gate.PHP?ID=1");
    CHECK_EQ_STR(norm(KIN_IOC_URL, "HTTPS://EVIL-HOST.COM"), "https://evil-host.com");
    CHECK_EQ_STR(norm(KIN_IOC_URL, "https://evil-host.com?Q=A"), "https://evil-host.com?Q=A");
    /* Base58 is case-sensitive; Bech32 is one case by rule; EIP-55 case is a checksum. */
    CHECK_EQ_STR(norm(KIN_IOC_BTC, "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94"),
                 "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94");
    CHECK_EQ_STR(norm(KIN_IOC_BTC, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"),
                 "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
    CHECK_EQ_STR(
        norm(KIN_IOC_BTC, "TB1QRP33G0Q5C5TXSP9ARYSRX4K6ZDKFS4NCE4XJ0GDCCCEFVPYSXF3Q0SL5K7"),
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7");
    CHECK_EQ_STR(norm(KIN_IOC_ETH, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
                 "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
    CHECK_EQ_STR(norm(KIN_IOC_XMR, "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7"),
                 "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7");
    CHECK_EQ_STR(
        norm(KIN_IOC_ONION, "PG6MMJIYJMCRSSLVYKFWNNTLARU7P5SVN6Y2YMMJU6NUBXNDF4PSCRYD.Onion"),
        "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion");
    CHECK_EQ_STR(norm(KIN_IOC_IPV6, "2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
    CHECK_EQ_STR(norm(KIN_IOC_IPV6, "2001:db8::zz"), "");
    CHECK_EQ_STR(norm(KIN_IOC_IPV4, "203.0.113.7"), "203.0.113.7");
    CHECK_EQ_STR(norm(KIN_IOC_REGISTRY, "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run"),
                 "software\\microsoft\\windows\\currentversion\\run");
    /* Kernel object names are case-sensitive; PDB paths and user agents are kept as found. */
    CHECK_EQ_STR(norm(KIN_IOC_MUTEX, "Global\\KinMutex"), "Global\\KinMutex");
    CHECK_EQ_STR(norm(KIN_IOC_PDB, "C:\\Build\\X.pdb"), "C:\\Build\\X.pdb");
    CHECK_EQ_STR(norm(KIN_IOC_DOMAIN, ""), "");
    char *big = malloc(KIN_MAX_IOC_VALUE_LEN + 10);
    CHECK(big != NULL);
    if (big) {
        memset(big, 'a', KIN_MAX_IOC_VALUE_LEN + 1);
        big[KIN_MAX_IOC_VALUE_LEN + 1] = '\0';
        CHECK_EQ_STR(norm(KIN_IOC_DOMAIN, big), "");
        free(big);
    }
    /* Evidence types: everything but file paths; crypto-currency first. */
    CHECK(kin__ioc_evidence_rank(KIN_IOC_WINPATH) < 0);
    CHECK(kin__ioc_evidence_rank(KIN_IOC_UNIXPATH) < 0);
    CHECK(kin__ioc_evidence_rank(KIN_IOC_BTC) < kin__ioc_evidence_rank(KIN_IOC_DOMAIN));
    CHECK(kin__ioc_strong(KIN_IOC_ONION) && kin__ioc_strong(KIN_IOC_URL));
    CHECK(!kin__ioc_strong(KIN_IOC_REGISTRY) && !kin__ioc_strong(KIN_IOC_WINPATH));
    CHECK(!(KIN_IOC_EVIDENCE_TYPES & (1u << KIN_IOC_WINPATH)));
    CHECK(KIN_IOC_EVIDENCE_TYPES & (1u << KIN_IOC_USERAGENT));
}

static void test_common_list(void)
{
    /* Code signing: CRL, OCSP and CA hosts, in every signed binary. */
    CHECK(kin_ioc_ubiquitous(KIN_IOC_DOMAIN, "ocsp.digicert.com") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_DOMAIN, "CRL3.DigiCert.com") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_URL, "http://crl.some-ca.net/ca.crl") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_URL, "http://ocsp2.some-ca.net") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_DOMAIN, "crlfeed.evil-host.com") == NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_URL, "http://www.verisign.com/rpa") != NULL);
    /* Schemas and vendors. */
    CHECK(kin_ioc_ubiquitous(KIN_IOC_URL, "http://www.w3.org/2001/XMLSchema") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_URL,
                             "http://schemas.microsoft.com/SMI/2005/WindowsSettings") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_DOMAIN, "schemas.xmlsoap.org") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_URL, "https://go.microsoft.com/fwlink/?LinkId=1") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_DOMAIN, "download.windowsupdate.com") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_DOMAIN, "notmicrosoft.com") == NULL);
    /* github.com bare is everywhere in Go; a project URL on it is not. */
    CHECK(kin_ioc_ubiquitous(KIN_IOC_DOMAIN, "github.com") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_URL, "https://github.com/") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_URL, "https://github.com/someone/payload") == NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_DOMAIN, "golang.org") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_DOMAIN, "google.golang.org") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_DOMAIN, "gopkg.in") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_DOMAIN, "crates.io") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_DOMAIN, "docs.rs") != NULL);
    /* Reserved names and addresses. */
    CHECK(kin_ioc_ubiquitous(KIN_IOC_DOMAIN, "Example.COM") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_EMAIL, "ops@example.org") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_URL, "http://c2.example.net:8443/gate.php") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_URL, "http://localhost:8080/") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_IPV4, "127.0.0.1") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_IPV4, "127.3.2.1") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_IPV4, "0.0.0.0") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_IPV4, "203.0.113.7") == NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_URL, "http://127.0.0.1:1234/x") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_IPV6, "0:0:0:0:0:0:0:1") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_URL, "http://[::1]:80/") != NULL);
    /* Build paths of CI workspaces and bare module names; a project's path is evidence. */
    CHECK(kin_ioc_ubiquitous(KIN_IOC_PDB, "C:\\Users\\runneradmin\\work\\x.pdb") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_PDB, "D:\\a\\_work\\1\\s\\out\\Release\\x.pdb") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_PDB, "x.pdb") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_PDB, "D:\\a\\proj\\proj\\Release\\x.pdb") == NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_PDB, "C:\\Users\\ahmed\\Desktop\\x.pdb") == NULL);
    /* Runtime constants. */
    CHECK(kin_ioc_ubiquitous(KIN_IOC_MUTEX, "Local\\RustBacktraceMutex00000000") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_MUTEX, "Global\\KinFixtureMutex") == NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_USERAGENT, "Mozilla/5.0") != NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_USERAGENT, "Mozilla/5.0 (Windows NT 10.0; Win64; x64)") ==
          NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_ETH, "0x0000000000000000000000000000000000000000") != NULL);
    /* WannaCry's ransom addresses are evidence. */
    CHECK(kin_ioc_ubiquitous(KIN_IOC_BTC, "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94") == NULL);
    CHECK(kin_ioc_ubiquitous(KIN_IOC_DOMAIN, NULL) == NULL);
}

/* Extracts the indicators of a text buffer (strings separated by NULs). */
static struct kin_iocs *extract(const char *const *strings, size_t count)
{
    size_t size = 0;
    for (size_t i = 0; i < count; i++) {
        size += strlen(strings[i]) + 1;
    }
    uint8_t *buf = calloc(1, size + 1);
    struct kin_iocs *r = NULL;
    size_t off = 0;
    for (size_t i = 0; buf && i < count; i++) {
        memcpy(buf + off, strings[i], strlen(strings[i]));
        off += strlen(strings[i]) + 1;
    }
    if (buf) {
        CHECK_OK(kin_iocs_extract_mem(buf, size, NULL, &r));
    }
    free(buf);
    return r;
}

static int set_has(const struct store_ioc_set *set, uint32_t type, const char *value)
{
    for (size_t i = 0; i < set->count; i++) {
        if (set->v[i].type == type && strcmp(set->v[i].value, value) == 0) {
            return 1;
        }
    }
    return 0;
}

static void test_select(void)
{
    static const char *const strings[] = {
        "connect to C2.KIN-TEST-HOST.COM now",
        "again c2.kin-test-host.com",
        "ocsp.digicert.com",
        "C:\\Windows\\System32\\drivers\\etc\\hosts",
        "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94",
        "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb95", /* checksum fails: not an indicator */
        "Global\\KinTestMutex",
        "http://www.w3.org/2001/XMLSchema",
    };
    struct kin_iocs *r = extract(strings, sizeof(strings) / sizeof(strings[0]));
    struct store_ioc_set set;
    CHECK(r != NULL);
    CHECK_OK(kin__store_ioc_select(r, NULL, &set));
    CHECK_EQ_U64(set.count, 3);
    CHECK_EQ_U64(set.dropped, 0);
    CHECK(set_has(&set, KIN_IOC_DOMAIN, "c2.kin-test-host.com"));
    CHECK(set_has(&set, KIN_IOC_BTC, "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94"));
    CHECK(set_has(&set, KIN_IOC_MUTEX, "Global\\KinTestMutex"));
    /* Strongest first, and the first occurrence of a repeated value. */
    if (set.count == 3) {
        CHECK_EQ_U64(set.v[0].type, KIN_IOC_BTC);
        CHECK_EQ_U64(set.v[1].type, KIN_IOC_DOMAIN);
        CHECK_EQ_U64(set.v[1].offset, 11);
    }
    kin__store_ioc_set_release(&set);
    kin_iocs_free(r);

    /* Past the cap, the strongest types stay: the address comes last in the file. */
    size_t n = KIN_MAX_SAMPLE_IOCS + 77;
    char **many = calloc(n + 1, sizeof(*many));
    CHECK(many != NULL);
    if (!many) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        many[i] = malloc(40);
        (void)snprintf(many[i], 40, "host%zu.kin-test-host.com", i);
    }
    many[n] = (char *)"115p7UMMngoj1pMvkpHijcRdfJNXj6LrLn";
    r = extract((const char *const *)many, n + 1);
    CHECK_OK(kin__store_ioc_select(r, NULL, &set));
    CHECK_EQ_U64(set.count, KIN_MAX_SAMPLE_IOCS);
    CHECK_EQ_U64(set.dropped, n + 1 - KIN_MAX_SAMPLE_IOCS);
    CHECK(set_has(&set, KIN_IOC_BTC, "115p7UMMngoj1pMvkpHijcRdfJNXj6LrLn"));
    CHECK(set_has(&set, KIN_IOC_DOMAIN, "host0.kin-test-host.com"));
    CHECK(!set_has(&set, KIN_IOC_DOMAIN, "host1100.kin-test-host.com"));
    kin__store_ioc_set_release(&set);
    kin_iocs_free(r);
    for (size_t i = 0; i < n; i++) {
        free(many[i]);
    }
    free(many);

    /* No indicators at all. */
    CHECK_OK(kin__store_ioc_select(NULL, NULL, &set));
    CHECK_EQ_U64(set.count, 0);
    kin__store_ioc_set_release(&set);

    /* Module names from the headers: the own name, each loaded module once (system ones left
     * out), and no more than KIN_MAX_SAMPLE_MODULES of them whatever the import table holds. */
    enum { NIMP = 3000 };
    struct kin_import *imp = calloc(NIMP, sizeof(*imp));
    char(*libs)[16] = calloc(NIMP, sizeof(*libs));
    CHECK(imp && libs);
    if (imp && libs) {
        for (size_t i = 0; i < NIMP; i++) {
            (void)snprintf(libs[i], sizeof(libs[i]), "lib%zu.dll", i / 2);
            imp[i].library = i < 4 ? "KERNEL32.dll" : libs[i];
            imp[i].name = "f";
        }
        struct kin_image img;
        memset(&img, 0, sizeof(img));
        img.format = KIN_FORMAT_PE;
        img.pe.dll_name = "Tool-2.1.DLL";
        img.imports = imp;
        img.import_count = NIMP;
        CHECK_OK(kin__store_ioc_select(NULL, &img, &set));
        size_t own = 0, loads = 0, kernel = 0;
        for (size_t i = 0; i < set.count; i++) {
            own += set.v[i].type == KIN_IOC_MODULE && !strcmp(set.v[i].value, "tool");
            loads += set.v[i].type == KIN_IOC_LOADS;
            kernel += !strcmp(set.v[i].value, "kernel32");
        }
        CHECK_EQ_U64(own, 1);
        CHECK_EQ_U64(kernel, 0);
        CHECK(loads > 0 && loads < KIN_MAX_SAMPLE_MODULES);
        kin__store_ioc_set_release(&set);
    }
    free(imp);
    free(libs);
}

/* A synthetic image whose sha256 is derived from n. */
static void make_image(struct kin_image *img, unsigned n)
{
    memset(img, 0, sizeof(*img));
    img->format = KIN_FORMAT_PE;
    img->arch = KIN_ARCH_X64;
    img->file_size = 4096 + n;
    (void)snprintf(img->hashes.sha256, sizeof(img->hashes.sha256), "%064x", n);
}

/* Adds sample n with the indicators found in strings. */
static kin_status add_sample(struct store *s,
                             unsigned n,
                             const char *family,
                             uint32_t kind,
                             const char *const *strings,
                             size_t count)
{
    struct kin_image img;
    struct kin_function f;
    const struct kin_function *fp = &f;
    struct kin_labels l = {family, NULL, NULL, NULL, kind};
    struct kin_iocs *r = extract(strings, count);
    struct store_add add;
    int existed = 0;
    make_image(&img, n);
    memset(&f, 0, sizeof(f));
    f.va = 0x401000;
    f.size = 64;
    f.pichash = 1000 + n;
    memset(&add, 0, sizeof(add));
    add.img = &img;
    add.funcs = &fp;
    add.count = 1;
    add.labels = family ? &l : NULL;
    add.scheme = kin_sig_scheme_version();
    add.now = 1000;
    add.iocs = r;
    kin_status st = kin__store_add_sample(s, &add, &existed);
    kin_iocs_free(r);
    return st;
}

static int64_t find_id(struct store *s, unsigned n, int64_t *family)
{
    struct kin_image img;
    int64_t id = 0;
    make_image(&img, n);
    *family = 0;
    CHECK_OK(s->ops->find_sample(s, img.hashes.sha256, &id, family));
    return id;
}

static kin_status remove_sample(struct store *s, unsigned n)
{
    int64_t family = 0;
    int64_t id = find_id(s, n, &family);
    return kin__store_remove_sample(s, id, family);
}

/* Frequency of (type, value): samples * 1000 + families; -1 when absent. */
static int64_t freq_of(const char *path, uint32_t type, const char *value)
{
    char sql[512];
    (void)snprintf(sql, sizeof(sql),
                   "SELECT samples * 1000 + families FROM ioc_values WHERE type = %u AND "
                   "value = '%s'",
                   type, value);
    return sql_int(path, sql);
}

static const char *const X_ADDR = "13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94";
static const char *const D_HOST = "c2.kin-test-host.com";

struct shared_seen {
    size_t calls;
    char values[8][80];
    uint64_t samples[8], families[8];
    size_t holders[8];
    int ubiquitous[8];
    int strong[8];
    char first_holder_family[8][32];
};

static int on_shared(void *ctx, const struct store_ioc_shared *sh)
{
    struct shared_seen *s = ctx;
    if (s->calls < 8) {
        size_t i = s->calls;
        (void)snprintf(s->values[i], sizeof(s->values[i]), "%s", sh->value);
        s->samples[i] = sh->freq.samples;
        s->families[i] = sh->freq.families;
        s->holders[i] = sh->holder_count;
        s->ubiquitous[i] = sh->ubiquitous != NULL;
        s->strong[i] = sh->strong;
        (void)snprintf(s->first_holder_family[i], sizeof(s->first_holder_family[i]), "%s",
                       sh->holder_count ? sh->holders[0].family_name : "");
    }
    s->calls++;
    return 0;
}

struct search_seen {
    size_t hits;
    int ubiquitous;
    char family[32];
    char value[80];
};

static int on_search(void *ctx, const struct kin_index_ioc_hit *h)
{
    struct search_seen *s = ctx;
    s->hits++;
    s->ubiquitous |= h->ubiquitous;
    (void)snprintf(s->family, sizeof(s->family), "%s", h->family);
    (void)snprintf(s->value, sizeof(s->value), "%s", h->value);
    return 0;
}

static void test_index(void)
{
    char path[400];
    struct store *s = NULL;
    path_in_tmp("iocs.db", path, sizeof(path));
    remove_db(path);

    /* An index of schema 2 (before indicators) with samples in it. */
    CHECK_OK(kin__sqlite_open_version(path, KIN_INDEX_CREATE, 2, &s));
    const char *none[] = {"nothing here"};
    CHECK_OK(add_sample(s, 1, "f1", KIN_FAMILY_MALWARE, none, 1));
    CHECK_OK(add_sample(s, 2, "f2", KIN_FAMILY_MALWARE, none, 1));
    CHECK_OK(s->ops->flush(s, 1));
    s->ops->close(s);
    CHECK_EQ_U64(sql_int(path, "PRAGMA user_version"), 2);
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'ioc_values'"), 0);
    int64_t pic_keys = sql_int(path, "SELECT value FROM counters WHERE name = 'pic_keys'");

    /* Opening it for writing migrates: the data stays, the tables appear, empty. */
    CHECK_OK(kin__sqlite_open(path, 0, &s));
    CHECK_EQ_U64(sql_int(path, "PRAGMA user_version"), 4);
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM samples"), 2);
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM functions"), 2);
    CHECK_EQ_U64(sql_int(path, "SELECT value FROM counters WHERE name = 'pic_keys'"), pic_keys);
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM ioc_values"), 0);
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM ioc_postings"), 0);
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = "
                               "'ioc_postings_value'"),
                 1);

    /* Samples 10, 11 (f1), 12 (f2), 13 (unlabelled) hold X; 10 and 12 hold D too. */
    const char *a[] = {X_ADDR, "beacon c2.kin-test-host.com", "Global\\KinTestMutex"};
    const char *b[] = {X_ADDR};
    const char *c[] = {"C2.KIN-TEST-HOST.COM", X_ADDR, "ocsp.digicert.com"};
    const char *d[] = {X_ADDR};
    CHECK_OK(add_sample(s, 10, "f1", KIN_FAMILY_MALWARE, a, 3));
    CHECK_OK(add_sample(s, 11, "f1", KIN_FAMILY_MALWARE, b, 1));
    CHECK_OK(add_sample(s, 12, "f2", KIN_FAMILY_MALWARE, c, 3));
    CHECK_OK(add_sample(s, 13, NULL, KIN_FAMILY_MALWARE, d, 1));
    /* Adding a sample again changes nothing. */
    CHECK_OK(add_sample(s, 11, "f1", KIN_FAMILY_MALWARE, a, 3));
    CHECK_EQ_U64(freq_of(path, KIN_IOC_BTC, X_ADDR), 4002);
    CHECK_EQ_U64(freq_of(path, KIN_IOC_DOMAIN, D_HOST), 2002);
    CHECK_EQ_U64(freq_of(path, KIN_IOC_MUTEX, "Global\\KinTestMutex"), 1001);
    CHECK_EQ_U64(freq_of(path, KIN_IOC_DOMAIN, "ocsp.digicert.com"), (uint64_t)-1);
    CHECK_EQ_U64(sql_int(path, "SELECT count(*) FROM ioc_postings"), 4 + 2 + 1);

    /* The attribution lookup: shared values, strongest first, holders by family. */
    const char *q[] = {"kin-test-host-unknown.com", D_HOST, X_ADDR, "ocsp.digicert.com"};
    struct kin_iocs *qr = extract(q, 4);
    struct shared_seen seen;
    memset(&seen, 0, sizeof(seen));
    CHECK_OK(kin__store_shared_iocs(s, qr, 0, on_shared, &seen));
    CHECK_EQ_U64(seen.calls, 2);
    CHECK_EQ_STR(seen.values[0], X_ADDR);
    CHECK_EQ_U64(seen.samples[0], 4);
    CHECK_EQ_U64(seen.families[0], 2);
    CHECK_EQ_U64(seen.holders[0], 4);
    CHECK(!seen.ubiquitous[0] && seen.strong[0]);
    CHECK_EQ_STR(seen.first_holder_family[0], ""); /* family 0 (unlabelled) sorts first */
    CHECK_EQ_STR(seen.values[1], D_HOST);
    CHECK_EQ_U64(seen.holders[1], 2);
    /* With a threshold of 2 families, both are ubiquitous. */
    memset(&seen, 0, sizeof(seen));
    CHECK_OK(kin__store_shared_iocs(s, qr, 2, on_shared, &seen));
    CHECK(seen.calls == 2 && seen.ubiquitous[0] && seen.ubiquitous[1]);

    /* Removing samples takes their indicators back and updates the frequencies. */
    CHECK_OK(remove_sample(s, 11));
    CHECK_EQ_U64(freq_of(path, KIN_IOC_BTC, X_ADDR), 3002); /* f1 still holds it through 10 */
    CHECK_OK(remove_sample(s, 10));
    CHECK_EQ_U64(freq_of(path, KIN_IOC_BTC, X_ADDR), 2001);
    CHECK_EQ_U64(freq_of(path, KIN_IOC_DOMAIN, D_HOST), 1001);
    CHECK_EQ_U64(freq_of(path, KIN_IOC_MUTEX, "Global\\KinTestMutex"), (uint64_t)-1);
    /* The incremental statistics are what a recomputation gives. */
    CHECK_OK(s->ops->refresh_freq(s));
    CHECK_EQ_U64(freq_of(path, KIN_IOC_BTC, X_ADDR), 2001);
    CHECK_EQ_U64(freq_of(path, KIN_IOC_DOMAIN, D_HOST), 1001);

    /* Ubiquity by frequency: a value in KIN_IOC_UBIQUITOUS_FAMILIES families. */
    const char *u[] = {"Global\\KinTestCommonMutex"};
    for (unsigned i = 0; i < KIN_IOC_UBIQUITOUS_FAMILIES; i++) {
        char fam[16];
        (void)snprintf(fam, sizeof(fam), "u%u", i);
        CHECK_OK(add_sample(s, 100 + i, fam, KIN_FAMILY_MALWARE, u, 1));
    }
    /* Ubiquity by library: a value a library family holds. */
    const char *lib[] = {"Global\\KinTestLibraryMutex"};
    CHECK_OK(add_sample(s, 200, "f2", KIN_FAMILY_MALWARE, lib, 1));
    CHECK_OK(add_sample(s, 201, "somelib", KIN_FAMILY_LIBRARY, lib, 1));
    kin_iocs_free(qr);
    const char *q2[] = {"Global\\KinTestCommonMutex", "Global\\KinTestLibraryMutex", X_ADDR};
    qr = extract(q2, 3);
    memset(&seen, 0, sizeof(seen));
    CHECK_OK(kin__store_shared_iocs(s, qr, 0, on_shared, &seen));
    CHECK_EQ_U64(seen.calls, 3);
    CHECK_EQ_STR(seen.values[0], X_ADDR);
    CHECK(!seen.ubiquitous[0]);
    CHECK_EQ_STR(seen.values[1], "Global\\KinTestCommonMutex");
    CHECK(seen.ubiquitous[1]);
    CHECK_EQ_STR(seen.values[2], "Global\\KinTestLibraryMutex");
    CHECK(seen.ubiquitous[2]);
    kin_iocs_free(qr);
    s->ops->close(s);

    /* The public search normalises the query and matches exactly. */
    struct kin_index *idx = NULL;
    struct search_seen ss;
    CHECK_OK(kin_index_open(path, KIN_INDEX_READONLY, &idx));
    memset(&ss, 0, sizeof(ss));
    CHECK_OK(kin_index_search_ioc(idx, "C2.Kin-Test-Host.com.", 0, on_search, &ss));
    CHECK_EQ_U64(ss.hits, 1);
    CHECK_EQ_STR(ss.family, "f2");
    CHECK_EQ_STR(ss.value, D_HOST);
    memset(&ss, 0, sizeof(ss));
    CHECK_OK(kin_index_search_ioc(idx, "c2.kin-test-host.co", 0, on_search, &ss));
    CHECK_EQ_U64(ss.hits, 0);
    CHECK_OK(kin_index_search_ioc(idx, D_HOST, 1u << KIN_IOC_BTC, on_search, &ss));
    CHECK_EQ_U64(ss.hits, 0);
    CHECK_OK(kin_index_search_ioc(idx, "Global\\KinTestCommonMutex", 0, on_search, &ss));
    CHECK_EQ_U64(ss.hits, KIN_IOC_UBIQUITOUS_FAMILIES);
    CHECK(ss.ubiquitous);
    memset(&ss, 0, sizeof(ss));
    CHECK_OK(kin_index_search_ioc(idx, "Global\\KinTestLibraryMutex", 0, on_search, &ss));
    CHECK(ss.hits == 2 && ss.ubiquitous);
    CHECK_EQ_U64(kin_index_search_ioc(idx, NULL, 0, on_search, &ss), KIN_INVALID);
    struct kin_index_stats st;
    CHECK_OK(kin_index_stats(idx, &st));
    CHECK_EQ_U64(st.indicators, 4);
    kin_index_close(idx);

    /* Removing a family removes its samples' indicators. */
    CHECK_OK(kin_index_open(path, 0, &idx));
    size_t removed = 0;
    CHECK_OK(kin_index_remove_family(idx, "f2", &removed));
    CHECK_EQ_U64(removed, 3);
    kin_index_close(idx);
    CHECK_EQ_U64(freq_of(path, KIN_IOC_BTC, X_ADDR), 1000);
    CHECK_EQ_U64(freq_of(path, KIN_IOC_DOMAIN, D_HOST), (uint64_t)-1);
    CHECK_EQ_U64(freq_of(path, KIN_IOC_MUTEX, "Global\\KinTestLibraryMutex"), 1001);
    remove_db(path);
}

int main(void)
{
    (void)snprintf(tmpdir, sizeof(tmpdir), "%s/kin-test-store-iocs-XXXXXX",
                   getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_normalize();
    test_common_list();
    test_select();
    test_index();
    (void)rmdir(tmpdir);
    CHECK_DONE();
}

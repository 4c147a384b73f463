/*
 * common.c: the built-in list of ubiquitous indicator values (issue #5): values that benign and
 * malicious programs carry alike, because a runtime, a file format, a code-signing chain or a
 * build service puts them there. Sharing one says nothing about who wrote two samples, so the
 * index does not store them and attribution ignores them.
 *
 * The list is small on purpose: it names what is known to be everywhere. Everything else is
 * judged by frequency at query time (a value held by many indexed families is ubiquitous too,
 * see store_iocs.c), which also catches what this list misses. Values are compared in their
 * normalised form (evidence.c), so host names are lowercase here. Each entry says why it is here;
 * kin__ioc_common() returns that sentence so users see why a value was ignored.
 */
#include <assert.h>
#include <string.h>

#include "ioc.h"

enum common_kind {
    C_HOST,      /* this host or any subdomain: domains, e-mail domains, URL hosts */
    C_HOST_BARE, /* this host exactly, as a domain or a URL without a path (see github.com) */
    C_LABEL,     /* hosts whose first label is this word, maybe numbered (crl3.example-ca.com) */
    C_URL,       /* URLs whose host and path start with this */
    C_ADDRESS,   /* this IP address (also as a URL host); a trailing '.' makes it a prefix */
    C_PDB,       /* PDB paths starting with this, any case */
    C_VALUE,     /* this exact value of the entry's type */
    C_PREFIX,    /* values of the entry's type starting with this */
};

struct common_entry {
    uint8_t kind; /* enum common_kind */
    uint8_t type; /* enum kin_ioc_type, for C_VALUE and C_PREFIX */
    const char *pattern;
    const char *why;
};

#define WHY_PKI  "certificate, CRL, OCSP or timestamp service of code signing and TLS"
#define WHY_XML  "XML, RDF or document-format namespace written into files and manifests"
#define WHY_DOCS "documentation or standards site quoted in library messages and comments"
#define WHY_GO   "Go import-path host, in the symbol table of every Go program using it"
#define WHY_MS   "Microsoft's own service or documentation host, in Windows runtime code"
#define WHY_EX   "reserved example name (RFC 2606, RFC 6761): documentation and tests"
#define WHY_LOOP "loopback, unspecified or broadcast address: never a remote host"

static const struct common_entry entries[] = {
    /*
     * Code signing and TLS: an Authenticode signature's certificates carry CRL distribution
     * points, OCSP responders, CA policy pages and timestamp servers, so every signed binary
     * holds a handful of these, whoever signed it.
     */
    {C_LABEL, 0, "ocsp", WHY_PKI},
    {C_LABEL, 0, "crl", WHY_PKI},
    {C_HOST, 0, "digicert.com", WHY_PKI},
    {C_HOST, 0, "verisign.com", WHY_PKI},
    {C_HOST, 0, "symcb.com", WHY_PKI}, /* Symantec's CRL host */
    {C_HOST, 0, "symcd.com", WHY_PKI}, /* Symantec's OCSP host */
    {C_HOST, 0, "thawte.com", WHY_PKI},
    {C_HOST, 0, "geotrust.com", WHY_PKI},
    {C_HOST, 0, "globalsign.com", WHY_PKI},
    {C_HOST, 0, "globalsign.net", WHY_PKI},
    {C_HOST, 0, "sectigo.com", WHY_PKI},
    {C_HOST, 0, "comodoca.com", WHY_PKI},
    {C_HOST, 0, "usertrust.com", WHY_PKI},
    {C_HOST, 0, "entrust.net", WHY_PKI},
    {C_HOST, 0, "godaddy.com", WHY_PKI},
    {C_HOST, 0, "identrust.com", WHY_PKI},
    {C_HOST, 0, "lencr.org", WHY_PKI}, /* Let's Encrypt's OCSP and CRL hosts */
    {C_HOST, 0, "letsencrypt.org", WHY_PKI},
    {C_HOST, 0, "pki.goog", WHY_PKI},
    {C_HOST, 0, "certum.pl", WHY_PKI},
    {C_HOST, 0, "ssl.com", WHY_PKI},

    /* Namespaces: XML schemas, XMP metadata, manifests, YAML tags, property-list DTDs. */
    {C_HOST, 0, "w3.org", WHY_XML},
    {C_HOST, 0, "schemas.xmlsoap.org", WHY_XML},
    {C_HOST, 0, "schemas.openxmlformats.org", WHY_XML},
    {C_HOST, 0, "purl.org", WHY_XML},
    {C_HOST, 0, "ns.adobe.com", WHY_XML},
    {C_HOST, 0, "yaml.org", WHY_XML},
    {C_HOST, 0, "json-schema.org", WHY_XML},
    {C_HOST, 0, "apple.com", "Apple's property-list DTD and service hosts, in every plist"},
    {C_HOST, 0, "type.googleapis.com", "protocol buffers' Any type URLs, in every protobuf user"},

    /*
     * Microsoft: schemas.microsoft.com (application manifests), go.microsoft.com/fwlink and
     * aka.ms (help links of the runtime and SDK), Windows Update. Covered as one host because
     * runtime code quotes many of its subdomains.
     */
    {C_HOST, 0, "microsoft.com", WHY_MS},
    {C_HOST, 0, "windowsupdate.com", WHY_MS},
    {C_HOST, 0, "aka.ms", WHY_MS},
    {C_URL, 0, "go.microsoft.com/fwlink", WHY_MS},

    /*
     * Code hosts. github.com appears bare in the symbol table of most Go programs (import
     * paths); a URL with a path names one project, which can be evidence, so only the bare
     * host is listed. The others host documentation and module indexes only.
     */
    {C_HOST_BARE, 0, "github.com", WHY_GO},
    {C_HOST, 0, "golang.org", WHY_GO},
    {C_HOST, 0, "google.golang.org", WHY_GO},
    {C_HOST, 0, "gopkg.in", WHY_GO},
    {C_HOST, 0, "go.dev", WHY_GO},
    {C_HOST, 0, "crates.io", "Rust's package index, quoted by Rust crates"},
    {C_HOST, 0, "docs.rs", "Rust's documentation host, quoted by Rust crates"},
    {C_HOST, 0, "developer.mozilla.org", WHY_DOCS},
    {C_HOST, 0, "developers.google.com", WHY_DOCS}, /* protobuf-go's error messages link to it */
    {C_HOST, 0, "ietf.org", WHY_DOCS},
    {C_HOST, 0, "iana.org", WHY_DOCS},
    {C_HOST, 0, "unicode.org", WHY_DOCS},

    /* Reserved names. */
    {C_HOST, 0, "example.com", WHY_EX},
    {C_HOST, 0, "example.org", WHY_EX},
    {C_HOST, 0, "example.net", WHY_EX},
    {C_HOST, 0, "localhost", WHY_EX},

    /* Addresses that name no remote host. */
    {C_ADDRESS, 0, "127.", WHY_LOOP},
    {C_ADDRESS, 0, "0.0.0.0", WHY_LOOP},
    {C_ADDRESS, 0, "255.255.255.255", WHY_LOOP},
    {C_ADDRESS, 0, "::1", WHY_LOOP},
    {C_ADDRESS, 0, "::", WHY_LOOP},

    /*
     * Build paths that name no project: CI workspaces every project shares (GitHub's Windows
     * runners build as runneradmin; Azure Pipelines agents check every repository out into
     * D:\a\_work\N\s\ or C:\agent\_work\N\s\).
     */
    {C_PDB, 0, "c:\\users\\runneradmin\\", "GitHub Actions runner's home: shared by every project"},
    {C_PDB, 0, "d:\\a\\_work\\", "Azure Pipelines workspace: shared by every project"},
    {C_PDB, 0, "c:\\agent\\_work\\", "Azure Pipelines workspace: shared by every project"},
    {C_PDB, 0, "d:\\agent\\_work\\", "Azure Pipelines workspace: shared by every project"},

    /* Runtime constants: every program built with the runtime holds them. */
    {C_PREFIX, KIN_IOC_MUTEX, "Local\\RustBacktraceMutex", "Rust standard library's lock"},
    {C_VALUE, KIN_IOC_MUTEX, "Global\\MDB", "LMDB's mutex name prefix"},
    {C_PREFIX, KIN_IOC_REGISTRY, "software\\microsoft\\windows nt\\currentversion\\time zones",
     "time-zone database read by C, Go and ICU runtimes"},
    {C_PREFIX, KIN_IOC_REGISTRY, "system\\currentcontrolset\\control\\timezoneinformation",
     "time-zone setting read by C, Go and ICU runtimes"},
    {C_VALUE, KIN_IOC_USERAGENT, "Mozilla/5.0", "the bare product token every HTTP client sends"},

    /* Crypto-currency addresses quoted by wallet libraries. */
    {C_VALUE, KIN_IOC_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
     "Bitcoin's genesis block address, quoted by wallet libraries"},
    {C_VALUE, KIN_IOC_ETH, "0x0000000000000000000000000000000000000000",
     "Ethereum's zero address, used by every token contract library"},
};

static char lower(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

static int has_prefix(const char *s, size_t n, const char *prefix, int any_case)
{
    size_t pl = strlen(prefix);
    if (n < pl) {
        return 0;
    }
    for (size_t i = 0; i < pl; i++) {
        if ((any_case ? lower(s[i]) : s[i]) != prefix[i]) {
            return 0;
        }
    }
    return 1;
}

static int equals(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* Whether host h[0..n) is name or a subdomain of it. */
static int host_under(const char *h, size_t n, const char *name)
{
    size_t nl = strlen(name);
    if (n == nl) {
        return memcmp(h, name, n) == 0;
    }
    return n > nl && h[n - nl - 1] == '.' && memcmp(h + n - nl, name, nl) == 0;
}

/* The parts of a normalised URL: host (without port or IPv6 brackets) and what follows it. */
struct url_parts {
    const char *host;
    size_t host_len;
    const char *rest; /* host and everything after it, for C_URL prefixes */
    size_t rest_len;
    int has_path; /* something after the authority other than "/" */
};

static int url_split(const char *v, size_t n, struct url_parts *u)
{
    size_t i = 0;
    while (i + 2 < n && !(v[i] == ':' && v[i + 1] == '/' && v[i + 2] == '/')) {
        i++;
    }
    if (i + 2 >= n) {
        return 0;
    }
    size_t auth = i + 3, end = auth;
    while (end < n && v[end] != '/' && v[end] != '?' && v[end] != '#') {
        end++;
    }
    size_t hs = auth;
    for (size_t j = auth; j < end; j++) {
        if (v[j] == '@') {
            hs = j + 1;
        }
    }
    size_t he = hs;
    if (he < end && v[he] == '[') {
        hs++;
        while (he < end && v[he] != ']') {
            he++;
        }
    } else {
        while (he < end && v[he] != ':') {
            he++;
        }
    }
    u->host = v + hs;
    u->host_len = he > hs ? he - hs : 0;
    u->rest = v + (v[auth] == '[' ? auth : hs);
    u->rest_len = n - (size_t)(u->rest - v);
    u->has_path = n > end && !(n == end + 1 && v[end] == '/');
    return 1;
}

/* Whether an entry lists host h (from a domain, an e-mail address or a URL). */
static int host_listed(const struct common_entry *e, const char *h, size_t n, int url_path)
{
    switch (e->kind) {
    case C_HOST:
        return host_under(h, n, e->pattern);
    case C_HOST_BARE:
        return !url_path && equals(h, n, e->pattern);
    case C_LABEL: {
        /* The first label is the word, maybe numbered: "crl3.digicert.com", "ocsp.ca.net". */
        size_t i = strlen(e->pattern);
        if (!has_prefix(h, n, e->pattern, 0)) {
            return 0;
        }
        while (i < n && h[i] >= '0' && h[i] <= '9') {
            i++;
        }
        return i < n && h[i] == '.';
    }
    case C_ADDRESS: {
        size_t pl = strlen(e->pattern);
        return e->pattern[pl - 1] == '.' ? has_prefix(h, n, e->pattern, 0)
                                         : equals(h, n, e->pattern);
    }
    default:
        return 0;
    }
}

/*
 * Modules of the operating system and of the C and C++ runtimes, as stems (evidence.c): every
 * program loads some, so loading one ties nothing together. Listed by prefix where the name
 * carries a version or a variant (msvcp140, api-ms-win-crt-runtime-l1, ld-linux-x86-64).
 */
static const char *const system_modules[] = {
    "kernel32",   "kernelbase", "ntdll",
    "user32",     "gdi32",      "gdiplus",
    "advapi32",   "shell32",    "shlwapi",
    "ole32",      "oleaut32",   "comctl32",
    "comdlg32",   "ws2_32",     "wsock32",
    "mswsock",    "msvcrt",     "ucrtbase",
    "crypt32",    "bcrypt",     "bcryptprimitives",
    "ncrypt",     "secur32",    "iphlpapi",
    "dnsapi",     "winhttp",    "wininet",
    "urlmon",     "version",    "psapi",
    "userenv",    "dbghelp",    "rpcrt4",
    "setupapi",   "cfgmgr32",   "winmm",
    "imm32",      "netapi32",   "mpr",
    "powrprof",   "normaliz",   "wtsapi32",
    "uxtheme",    "dwmapi",     "shcore",
    "winspool",   "ntoskrnl",   "hal",
    "mscoree",    "opengl32",   "d3d11",
    "dxgi",       "wintrust",   "sspicli",
    "node",       "libc",       "libm",
    "libdl",      "libpthread", "librt",
    "libresolv",  "libutil",    "libgcc_s",
    "libstdc++",  "libc++",     "libc++abi",
    "libatomic",  "libz",       "libcrypt",
    "linux-vdso", "linux-gate",
};
static const char *const system_module_prefixes[] = {
    "api-ms-win-", "ext-ms-", "msvcp", "msvcr",       "vcruntime",
    "ld-linux",    "ld-musl", "mfc",   "libgfortran", "libgomp",
};

static const char *module_common(const char *v, size_t n)
{
    for (size_t i = 0; i < sizeof(system_modules) / sizeof(system_modules[0]); i++) {
        if (equals(v, n, system_modules[i])) {
            return "operating-system or runtime module: loaded by every kind of program";
        }
    }
    if (equals(v, n, "a.out")) {
        return "a toolchain's default output name (Go writes it into every PE export directory)";
    }
    for (size_t i = 0; i < sizeof(system_module_prefixes) / sizeof(system_module_prefixes[0]);
         i++) {
        if (has_prefix(v, n, system_module_prefixes[i], 0)) {
            return "operating-system or runtime module: loaded by every kind of program";
        }
    }
    return NULL;
}

const char *kin__ioc_common(uint32_t type, const char *v, size_t n)
{
    assert(v != NULL); /* callers pass a normalised value, never NULL */
    if (type == KIN_IOC_MODULE || type == KIN_IOC_LOADS) {
        return module_common(v, n);
    }
    struct url_parts u;
    const char *host = NULL;
    size_t host_len = 0;
    int url_path = 0;
    memset(&u, 0, sizeof(u));
    switch (type) {
    case KIN_IOC_DOMAIN:
    case KIN_IOC_IPV4:
    case KIN_IOC_IPV6:
        host = v;
        host_len = n;
        break;
    case KIN_IOC_EMAIL: {
        const char *at = memchr(v, '@', n);
        if (at) {
            host = at + 1;
            host_len = n - (size_t)(host - v);
        }
        break;
    }
    case KIN_IOC_URL:
        if (url_split(v, n, &u)) {
            host = u.host;
            host_len = u.host_len;
            url_path = u.has_path;
        }
        break;
    default:
        break;
    }
    for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
        const struct common_entry *e = &entries[i];
        switch (e->kind) {
        case C_URL:
            if (type == KIN_IOC_URL && u.rest && has_prefix(u.rest, u.rest_len, e->pattern, 0)) {
                return e->why;
            }
            break;
        case C_PDB:
            if (type == KIN_IOC_PDB && has_prefix(v, n, e->pattern, 1)) {
                return e->why;
            }
            break;
        case C_VALUE:
            if (type == e->type && equals(v, n, e->pattern)) {
                return e->why;
            }
            break;
        case C_PREFIX:
            if (type == e->type && has_prefix(v, n, e->pattern, 0)) {
                return e->why;
            }
            break;
        default:
            if (host && host_listed(e, host, host_len, url_path)) {
                return e->why;
            }
            break;
        }
    }
    /* A PDB file name without a directory names a module, which unrelated projects share. */
    if (type == KIN_IOC_PDB && n > 4 && has_prefix(v + n - 4, 4, ".pdb", 1) &&
        !memchr(v, '\\', n) && !memchr(v, '/', n)) {
        return "a PDB file name without a directory: module names recur across projects";
    }
    return NULL;
}

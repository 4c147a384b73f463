/*
 * evidence.c: which indicators are kept as evidence of kinship between samples, how strong each
 * type is, and the normalised form under which the index stores and compares them (issue #5).
 *
 * Normalisation makes equal indicators compare equal whatever the case they were written in,
 * and only where the format says case carries no meaning: host names (RFC 4343), e-mail domains
 * and, in practice, local parts, onion names and Bech32 (one case by BIP173), Ethereum addresses
 * (EIP-55 case is a checksum), registry keys (case-insensitive in Windows). Base58 and Monero
 * addresses are case-sensitive and kept as they are; so are URL paths (RFC 3986 6.2.2.1), PDB
 * paths, mutex names (kernel object names are case-sensitive) and user agents. IPv6 addresses
 * take their RFC 5952 text form.
 */
#include <arpa/inet.h>
#include <string.h>

#include "../core/limits.h"
#include "ioc.h"

static char lower(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

int kin__ioc_evidence_rank(uint32_t type)
{
    switch (type) {
    case KIN_IOC_BTC:
    case KIN_IOC_ETH:
    case KIN_IOC_XMR:
        return 0;
    case KIN_IOC_ONION:
        return 1;
    case KIN_IOC_URL:
    case KIN_IOC_IPV4:
    case KIN_IOC_IPV6:
    case KIN_IOC_EMAIL:
        return 2;
    case KIN_IOC_DOMAIN:
        return 3;
    case KIN_IOC_PDB:
    case KIN_IOC_MUTEX:
    case KIN_IOC_MODULE:
    case KIN_IOC_LOADS:
        /* Modules: few per sample and read from the headers; ranked with build paths so the
         * per-sample cap never drops them, though they are weak evidence (kin__ioc_strong()). */
        return 4;
    case KIN_IOC_REGISTRY:
    case KIN_IOC_USERAGENT:
        return 5;
    default:
        /* File paths: mostly build and library paths, and the PDB detector already takes
         * the one path that names a build. */
        return -1;
    }
}

int kin__ioc_strong(uint32_t type)
{
    /*
     * A shared wallet, onion service, C2 address, contact address or build path is a tie an
     * author made; registry keys and user agents are shared by unrelated programs that do the
     * same thing (persistence, HTTP).
     */
    if (type == KIN_IOC_MODULE || type == KIN_IOC_LOADS) {
        return 0; /* a module name is chosen by whoever builds it, and generic ones recur */
    }
    int rank = kin__ioc_evidence_rank(type);
    return rank >= 0 && rank <= 4;
}

/* Copies v lowercased from index from on (before it: as is). */
static size_t copy_lower_from(const char *v, size_t n, size_t from, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[i] = v[i];
        if (i >= from) {
            out[i] = lower(v[i]);
        }
    }
    out[n] = '\0';
    return n;
}

/* Bech32 human-readable parts of Bitcoin addresses (BIP173, BIP350). */
static int is_bech32_btc(const char *v, size_t n)
{
    static const char *const hrps[] = {"bc1", "tb1", "bcrt1"};
    for (size_t k = 0; k < sizeof(hrps) / sizeof(hrps[0]); k++) {
        size_t hl = strlen(hrps[k]);
        size_t i = 0;
        while (i < hl && i < n && lower(v[i]) == hrps[k][i]) {
            i++;
        }
        if (i == hl) {
            return 1;
        }
    }
    return 0;
}

/* "scheme://[userinfo@]host[:port]/path": lowercases the scheme and the host part only. */
static size_t normalize_url(const char *v, size_t n, char *out)
{
    size_t i = 0;
    while (i + 2 < n && !(v[i] == ':' && v[i + 1] == '/' && v[i + 2] == '/')) {
        i++;
    }
    if (i + 2 >= n) {
        return copy_lower_from(v, n, n, out);
    }
    size_t auth = i + 3, auth_end = auth;
    while (auth_end < n && v[auth_end] != '/' && v[auth_end] != '?' && v[auth_end] != '#') {
        auth_end++;
    }
    size_t host = auth;
    for (size_t j = auth; j < auth_end; j++) {
        if (v[j] == '@') {
            host = j + 1;
        }
    }
    for (size_t j = 0; j < n; j++) {
        out[j] = v[j];
        if (j < auth || (j >= host && j < auth_end)) {
            out[j] = lower(v[j]);
        }
    }
    out[n] = '\0';
    return n;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
 * The stem of a module name: its last path component, lowercased, without the extension
 * (".dll", ".exe", ".node", ... and for shared objects ".so" with what follows it) and without
 * trailing version numbers ("-8.17.2", "_2", ".0"), so that the versions of one module
 * compare equal. Digits glued to letters stay ("win32", "x64", "msvcp140").
 */
static size_t module_stem(const char *v, size_t n, char *out)
{
    size_t b = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '/' || v[i] == '\\') {
            b = i + 1;
        }
    }
    v += b;
    n -= b;
    size_t e = n;
    for (size_t i = 0; i + 3 <= n; i++) {
        if (v[i] == '.' && lower(v[i + 1]) == 's' && lower(v[i + 2]) == 'o' &&
            (i + 3 == n || v[i + 3] == '.')) {
            e = i; /* "libfoo.so.1.2", "libfoo-1.2.so" */
            break;
        }
    }
    if (e == n) {
        size_t dot = n;
        for (size_t i = n; i > 0; i--) {
            if (v[i - 1] == '.') {
                dot = i - 1;
                break;
            }
        }
        /* An extension is a dot and 1..4 characters, not all digits ("foo.1" is a version). */
        int digits = 1;
        for (size_t i = dot + 1; i < n; i++) {
            digits &= is_digit(v[i]);
        }
        if (dot > 0 && dot < n && n - dot >= 2 && n - dot <= 5 && !digits) {
            e = dot;
        }
    }
    for (;;) {
        size_t i = e;
        while (i > 0 && is_digit(v[i - 1])) {
            i--;
        }
        if (i == e || i < 2 || (v[i - 1] != '-' && v[i - 1] != '_' && v[i - 1] != '.')) {
            break;
        }
        e = i - 1;
    }
    return copy_lower_from(v, e, 0, out);
}

size_t kin__ioc_normalize(uint32_t type, const char *v, size_t n, char *out, size_t cap)
{
    if (n == 0 || n >= cap || n > KIN_MAX_IOC_VALUE_LEN) {
        return 0;
    }
    switch (type) {
    case KIN_IOC_DOMAIN:
        /* A fully qualified "example.com." names the same host. */
        while (n > 1 && v[n - 1] == '.') {
            n--;
        }
        return copy_lower_from(v, n, 0, out);
    case KIN_IOC_EMAIL:
    case KIN_IOC_ONION:
    case KIN_IOC_ETH:
    case KIN_IOC_REGISTRY:
        return copy_lower_from(v, n, 0, out);
    case KIN_IOC_BTC:
        return copy_lower_from(v, n, is_bech32_btc(v, n) ? 0 : n, out);
    case KIN_IOC_URL:
        return normalize_url(v, n, out);
    case KIN_IOC_MODULE:
    case KIN_IOC_LOADS:
        return module_stem(v, n, out);
    case KIN_IOC_IPV6: {
        char buf[INET6_ADDRSTRLEN];
        unsigned char a[16];
        if (n >= sizeof(buf)) {
            return 0;
        }
        memcpy(buf, v, n);
        buf[n] = '\0';
        if (inet_pton(AF_INET6, buf, a) != 1 || !inet_ntop(AF_INET6, a, buf, sizeof(buf))) {
            return 0;
        }
        size_t len = strlen(buf);
        if (len >= cap) {
            return 0;
        }
        memcpy(out, buf, len + 1);
        return len;
    }
    default:
        return copy_lower_from(v, n, n, out);
    }
}

/*
 * filehash.c: whole-file hashes: md5, sha1, sha256 (OpenSSL libcrypto), TLSH (Debian libtlsh via
 * tlsh_shim.cpp) and ssdeep (libfuzzy). All are forgeable evidence: they can support a claim of
 * kinship, never carry one (docs/ATTRIBUTION.md).
 */
#include <string.h>

#include <fuzzy.h>
#include <openssl/evp.h>

#include "load.h"

static int digest(const EVP_MD *md, const uint8_t *p, size_t n, char *out)
{
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(p, n, buf, &len, md, NULL)) {
        out[0] = '\0';
        return 0;
    }
    kin__hex(buf, len, out);
    return 1;
}

kin_status kin__file_hashes(struct load_ctx *c)
{
    struct kin_file_hashes *h = &c->img->hashes;
    const uint8_t *p = c->file.p;
    size_t n = c->file.n;
    if (!digest(EVP_md5(), p, n, h->md5) || !digest(EVP_sha1(), p, n, h->sha1) ||
        !digest(EVP_sha256(), p, n, h->sha256)) {
        return KIN_NOMEM;
    }
    if (c->opt->skip_fuzzy) {
        return KIN_OK;
    }
    kin__tlsh_digest(p, n, h->tlsh);
    /* libfuzzy takes a uint32_t length; files past 4 GiB are refused earlier by the size cap. */
    if (n > 0 && n <= UINT32_MAX) {
        char buf[FUZZY_MAX_RESULT];
        if (fuzzy_hash_buf(p, (uint32_t)n, buf) == 0 && strlen(buf) < sizeof(h->ssdeep)) {
            memcpy(h->ssdeep, buf, strlen(buf) + 1);
        }
    }
    return KIN_OK;
}

int kin__ssdeep_compare(const char *a, const char *b)
{
    if (!a || !b || !*a || !*b) {
        return -1;
    }
    int r = fuzzy_compare(a, b);
    return r < 0 || r > 100 ? -1 : r;
}

int kin_tlsh_distance(const char *a, const char *b)
{
    return kin__tlsh_diff(a, b);
}

int kin_ssdeep_compare(const char *a, const char *b)
{
    return kin__ssdeep_compare(a, b);
}

/*
 * pe_rich.c: the Rich header, the undocumented record Microsoft's linker leaves between the DOS
 * stub and the PE header: which compilers and tools (product id, build, object count) made the
 * image. It is attribution evidence, and forgeable (Olympic Destroyer copied Lazarus's).
 *
 *   0x80  "DanS" ^ key, key, key, key        (three zero dwords XORed with the key)
 *         (comp.id ^ key, count ^ key) ...   comp.id = product id << 16 | build
 *         "Rich", key
 * Decoding and the hash follow pefile's parse_rich_header() exactly: "Rich" is searched from
 * 0x80 to the optional header, the record must start at 0x80 with DanS and three key dwords,
 * and rich_hash is the MD5 of the bytes from 0x80 up to "Rich" XORed with the key (pefile's
 * clear_data). Beyond pefile, the key is checked against the linker's checksum of the DOS header
 * and the entries; a mismatch is reported, since it betrays an edited or transplanted header.
 */
#include <string.h>

#include <openssl/evp.h>

#include "pe_int.h"

#define RICH_START 0x80u
#define RICH_DANS  0x536e6144u /* "DanS" */
#define RICH_RICH  0x68636952u /* "Rich" */

static uint32_t rol32(uint32_t v, uint32_t n)
{
    n &= 31;
    return n ? (v << n) | (v >> (32 - n)) : v;
}

/* The linker's checksum: the DOS header bytes (minus e_lfanew) and the entries, rotated. */
static uint32_t checksum(struct span f, const struct kin_rich_entry *e, size_t n)
{
    uint32_t sum = RICH_START;
    for (uint32_t i = 0; i < RICH_START; i++) {
        if (i >= 0x3c && i < 0x40) {
            continue;
        }
        sum += rol32(f.p[i], i);
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t compid = ((uint32_t)e[i].product_id << 16) | e[i].build;
        sum += rol32(compid, e[i].count);
    }
    return sum;
}

static kin_status rich_hash(struct pe_ctx *p, struct span raw, uint32_t key)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || !EVP_DigestInit_ex(md, EVP_md5(), NULL)) {
        EVP_MD_CTX_free(md);
        return KIN_NOMEM;
    }
    uint8_t kb[4] = {(uint8_t)key, (uint8_t)(key >> 8), (uint8_t)(key >> 16), (uint8_t)(key >> 24)};
    uint8_t buf[256];
    int ok = 1;
    for (size_t i = 0; i < raw.n && ok; i += sizeof(buf)) {
        size_t len = raw.n - i < sizeof(buf) ? raw.n - i : sizeof(buf);
        for (size_t k = 0; k < len; k++) {
            buf[k] = raw.p[i + k] ^ kb[(i + k) & 3];
        }
        ok = EVP_DigestUpdate(md, buf, len);
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    ok = ok && EVP_DigestFinal_ex(md, digest, &dlen) && dlen == 16;
    EVP_MD_CTX_free(md);
    if (!ok) {
        return KIN_NOMEM;
    }
    kin__hex(digest, 16, p->c->img->hashes.rich_hash);
    return KIN_OK;
}

kin_status kin__pe_rich(struct pe_ctx *p)
{
    uint64_t end = p->opt_off < p->f.n ? p->opt_off : p->f.n;
    if (end < RICH_START + 4) {
        return KIN_OK;
    }
    /* The first "Rich" lying wholly within [0x80, optional header). */
    uint64_t at = 0;
    int found = 0;
    for (uint64_t i = RICH_START; i + 4 <= end; i++) {
        if (!memcmp(p->f.p + i, "Rich", 4)) {
            at = i;
            found = 1;
            break;
        }
    }
    if (!found) {
        return KIN_OK;
    }
    uint32_t key, dans, k1, k2, k3;
    if ((at - RICH_START) % 4 != 0 || at < RICH_START + 16 || !kin__span_le32(p->f, at + 4, &key) ||
        !kin__span_le32(p->f, RICH_START, &dans) || !kin__span_le32(p->f, RICH_START + 4, &k1) ||
        !kin__span_le32(p->f, RICH_START + 8, &k2) || !kin__span_le32(p->f, RICH_START + 12, &k3) ||
        (dans ^ k1) != RICH_DANS || k2 != k1 || k3 != k1) {
        PE_ANOMALY(p, "pe.rich.malformed", at,
                   "\"Rich\" marker without a DanS record starting at 0x80");
        return KIN_OK;
    }
    /* pefile XORs the entries with the first key dword (its "checksum"). */
    uint32_t cs = k1;
    if (key != cs) {
        PE_ANOMALY(p, "pe.rich.key_mismatch", at + 4,
                   "key after \"Rich\" (0x%08x) differs from the one after DanS (0x%08x)", key, cs);
    }
    struct kin_pe_info *pe = &p->c->img->pe;
    /* Pairs from 0x90 until a "Rich" dword in the first position of a pair (pefile's loop). */
    uint64_t npairs = (at + 8 - (RICH_START + 16)) / 8;
    size_t n = 0;
    struct kin_rich_entry *e = kin__arena_array(
        p->c->a, npairs < KIN_MAX_RICH_ENTRIES ? npairs + 1 : KIN_MAX_RICH_ENTRIES, sizeof(*e));
    if (!e) {
        return kin__pe_nomem(p);
    }
    for (uint64_t i = 0; i < npairs; i++) {
        uint32_t a = 0, b = 0;
        uint64_t off = RICH_START + 16 + i * 8;
        (void)kin__span_le32(p->f, off, &a);
        (void)kin__span_le32(p->f, off + 4, &b);
        if (a == RICH_RICH) {
            break;
        }
        if (n >= KIN_MAX_RICH_ENTRIES) {
            PE_ANOMALY(p, "limit.rich_entries", off, "more than %u Rich entries (cap)",
                       KIN_MAX_RICH_ENTRIES);
            break;
        }
        uint32_t compid = a ^ cs;
        e[n].product_id = (uint16_t)(compid >> 16);
        e[n].build = (uint16_t)(compid & 0xffff);
        e[n].count = b ^ cs;
        n++;
    }
    pe->rich = e;
    pe->rich_count = n;
    pe->rich_key = key;
    pe->rich_offset = RICH_START;
    if (checksum(p->f, e, n) != cs) {
        PE_ANOMALY(p, "pe.rich.bad_checksum", RICH_START,
                   "Rich key 0x%08x is not the checksum of the DOS header and entries", cs);
    }
    struct span raw;
    (void)kin__span_sub(p->f, RICH_START, at - RICH_START, &raw);
    return rich_hash(p, raw, key);
}

/*
 * fuzz_iocs.c: libFuzzer target for the strings scanner, the indicator extractor and every
 * validator, on raw bytes. The first input byte picks the options, the rest is the file:
 *
 *   bits 0-3   min_len - 1 (1..16 characters)
 *   bit 4      include_rejected
 *   bits 5-7   0: every type; else a type mask (bit k of this field keeps types k, k+3, ...)
 *
 * Checks: each indicator's bytes in the input spell its value (ASCII, or UTF-16LE low bytes with
 * zero high bytes), values are printable and within KIN_MAX_IOC_VALUE_LEN, results are sorted and
 * filtered as asked, and the library's heap peak stays within a small multiple of the input.
 * Then the input itself is handed to each validator, at every length they accept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "image_walk.h"
#include "ioc/ioc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const struct kin_ioc *c)
{
    fprintf(stderr, "fuzz_iocs: %s (type %u offset %llu value '%s')\n", what, c ? c->type : 0u,
            c ? (unsigned long long)c->offset : 0ull, c ? c->value : "");
    abort();
}

static void
check_result(const uint8_t *p, size_t n, const struct kin_ioc_options *o, const struct kin_iocs *r)
{
    uint64_t last = 0;
    if (kin_iocs_count(r) > KIN_MAX_IOCS) {
        fail("too many indicators", NULL);
    }
    for (size_t i = 0; i < kin_iocs_count(r); i++) {
        const struct kin_ioc *c = kin_iocs_get(r, i);
        size_t len = strlen(c->value);
        if (c->type >= KIN__IOC_TYPE_COUNT || c->validity > KIN_IOC_INVALID || len == 0 ||
            len > KIN_MAX_IOC_VALUE_LEN || c->detail == NULL) {
            fail("bad fields", c);
        }
        if (o->types && !(o->types & (1u << c->type))) {
            fail("type filter ignored", c);
        }
        if (!o->include_rejected &&
            (c->validity == KIN_IOC_CHECKSUM_FAILED || c->validity == KIN_IOC_INVALID)) {
            fail("rejected candidate reported", c);
        }
        if (c->offset < last) {
            fail("not sorted", c);
        }
        last = c->offset;
        uint64_t unit = c->encoding == KIN_ENC_UTF16LE ? 2 : 1;
        if (c->size != unit * len || c->offset > n || c->size > n - c->offset) {
            fail("size or offset outside the input", c);
        }
        for (size_t k = 0; k < len; k++) {
            uint8_t b = p[c->offset + unit * k];
            if (b != (uint8_t)c->value[k] || b < 0x09 || b > 0x7e ||
                (unit == 2 && p[c->offset + 2 * k + 1] != 0)) {
                fail("value does not match the input bytes", c);
            }
        }
    }
}

/* Every validator on prefixes of the input, so each sees every length it accepts. */
static void validators(const uint8_t *p, size_t n)
{
    const char *s = (const char *)p;
    const char *detail;
    uint8_t buf[128], prog[40];
    char hrp[96];
    size_t len;
    int version;
    for (size_t k = 0; k <= n && k <= 110; k++) {
        (void)kin__btc_base58_check(s, k, &detail);
        (void)kin__btc_bech32_check(s, k, &detail);
        (void)kin__bech32_decode(s, k, hrp, buf, &len);
        (void)kin__segwit_decode("bc", s, k, &version, prog, &len);
        (void)kin__eth_check(s, k, &detail);
        (void)kin__xmr_check(s, k, &detail);
        (void)kin__monero_base58_decode(s, k, buf, sizeof(buf), &len);
        (void)kin__onion_check(s, k, &detail);
        (void)kin__base58_decode(s, k, buf, sizeof(buf), &len);
        (void)kin__domain_check(NULL, s, k, k & 1);
        (void)kin__ipv4_parse(s, k, buf);
        (void)kin__ipv6_check(s, k);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int hooked;
    if (!hooked) {
        fuzz_count_allocations();
        hooked = 1;
    }
    if (size < 1) {
        return 0;
    }
    uint8_t mode = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    struct kin_ioc_options o = {0};
    o.min_len = 1u + (mode & 15u);
    o.include_rejected = (mode >> 4) & 1u;
    unsigned sel = mode >> 5;
    for (uint32_t t = 0; sel && t < KIN__IOC_TYPE_COUNT; t++) {
        if (sel & (1u << (t % 3))) {
            o.types |= 1u << t;
        }
    }
    fuzz_reset_peak();
    struct kin_iocs *r = NULL;
    kin_status st = kin_iocs_extract_mem(p, n, &o, &r);
    if (st != KIN_OK || !r) {
        fprintf(stderr, "fuzz_iocs: extraction failed: %s\n", kin_status_name(st));
        abort();
    }
    check_result(p, n, &o, r);
    kin_iocs_free(r);
    /* Memory: the result's arena budget, sort keys, scratch buffers. */
    size_t bound = KIN_ARENA_BUDGET_FACTOR * n + 16 * n + KIN_ARENA_BUDGET_BASE + (2u << 20);
    if (fuzz_peak_bytes() > bound) {
        fprintf(stderr, "fuzz_iocs: heap peak %zu bytes for %zu input bytes\n", fuzz_peak_bytes(),
                n);
        abort();
    }
    validators(p, n);
    return 0;
}

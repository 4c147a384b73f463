/*
 * fuzz_undo.c: libFuzzer target for the undo-data decoders of the ledger stage (undo.c): the
 * input is one CBlockUndo (what a rev*.dat record holds between its size and its checksum).
 * Every CTxUndo and coin is decoded; each coin's address key and rebuilt script are computed
 * (uncompressed P2PK keys through the curve) and the rebuilt script classified. Also checked:
 * DecompressAmount then CompressAmount gives the input back, VARINT reads stay inside the input,
 * and the record checksum function runs on the whole input. The heap must stay small.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "image_walk.h"
#include "ledger/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_undo: %s\n", what);
    abort();
}

static struct ec_ctx *ec;

static void check_coin(const struct undo_coin *c, struct span s)
{
    uint8_t script[MAX_SCRIPT_SIZE];
    struct addr_key k;
    struct script_info si;
    /* An overlong raw script is replaced by a one-byte OP_RETURN outside the input. */
    int replaced = c->stype == UNDO_RAW && c->data.n == 1 && c->data.p[0] == 0x6a;
    if (c->value > MAX_MONEY || c->stype > UNDO_RAW ||
        (c->data.n && !replaced && (c->data.p < s.p || c->data.p + c->data.n > s.p + s.n))) {
        fail("coin fields");
    }
    size_t n = kin__undo_coin_script(c, ec, script);
    if (n > MAX_SCRIPT_SIZE) {
        fail("script size");
    }
    kin__script_classify(kin__span(script, n), &si);
    int has = kin__undo_coin_key(c, ec, &k);
    if (c->stype == UNDO_P2PKH && (!has || k.kind != ADDR_PKH || si.type != SCRIPT_P2PKH)) {
        fail("P2PKH coin");
    }
    if (c->stype == UNDO_P2SH && (!has || k.kind != ADDR_SH || si.type != SCRIPT_P2SH)) {
        fail("P2SH coin");
    }
    if (n && (c->stype == UNDO_P2PK_FULL_EVEN || c->stype == UNDO_P2PK_FULL_ODD) &&
        (si.type != SCRIPT_P2PK || (script[66] != 0xac) || (script[65] & 1) != (c->stype & 1))) {
        fail("uncompressed P2PK coin");
    }
}

static void walk_block_undo(struct span s)
{
    uint64_t off = 0, txs;
    if (!kin__compact_size(s, &off, &txs)) {
        return;
    }
    for (uint64_t t = 0; t < txs; t++) {
        uint64_t coins;
        if (!kin__compact_size(s, &off, &coins)) {
            return;
        }
        for (uint64_t i = 0; i < coins; i++) {
            struct undo_coin c;
            const char *why = NULL;
            uint64_t before = off;
            if (!kin__undo_coin(s, &off, &c, &why)) {
                if (!why) {
                    fail("no reason");
                }
                return;
            }
            if (off <= before || off > s.n) {
                fail("offset");
            }
            check_coin(&c, s);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int hooked;
    if (!hooked) {
        fuzz_count_allocations();
        ec = kin__ec_new();
        hooked = 1;
    }
    struct span s = kin__span(data, size);
    fuzz_reset_peak();
    walk_block_undo(s);
    /* Amounts and VARINTs on every prefix position. */
    for (uint64_t off = 0; off < size && off < 64;) {
        uint64_t v, at = off;
        if (!kin__varint(s, &off, &v)) {
            break;
        }
        if (off <= at || off > size) {
            fail("varint offset");
        }
        int ok;
        uint64_t amount = kin__amount_decompress(v, &ok);
        if (ok && amount <= MAX_MONEY && kin__amount_compress(amount) != v) {
            fail("amount does not round-trip");
        }
    }
    if (size >= HASH_SIZE) {
        (void)kin__undo_checksum_ok(kin__span(data, size - HASH_SIZE), data,
                                    data + size - HASH_SIZE);
    }
    if (fuzz_peak_bytes() > 4 * size + ((size_t)1 << 20)) {
        fail("heap");
    }
    return 0;
}

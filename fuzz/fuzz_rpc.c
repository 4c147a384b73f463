/*
 * fuzz_rpc.c: libFuzzer target for what a node's JSON-RPC interface sends back (rpc.c, json.c):
 * the input is a whole HTTP answer (status line, headers, a Content-Length or chunked body),
 * decoded as kin__rpc_call() does and walked as the result of getblock verbosity 3 (each input's
 * previous output: value, height, scriptPubKey hex). Also: the JSON reader over the raw input as
 * a document, and amount parsing of every prefix. Checks: every decoded script lies inside the
 * decoded scripts, no crash, no hang, heap within a few times the input.
 */
#include <stdio.h>
#include <stdlib.h>

#include "image_walk.h"
#include "ledger/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int hooked;
    if (!hooked) {
        fuzz_count_allocations();
        hooked = 1;
    }
    fuzz_reset_peak();
    size_t coins = 0;
    int bug = 0;
    (void)kin__rpc_decode(data, size, &coins, &bug);
    if (bug) {
        fprintf(stderr, "fuzz_rpc: a script outside the decoded scripts\n");
        abort();
    }
    struct jreader jr = {kin__span(data, size), 0, 0};
    while (jr.pos < size && kin__json_skip(&jr)) {
    }
    for (size_t n = 0; n <= size && n < 32; n++) {
        uint64_t sat, v;
        (void)kin__json_amount(kin__span(data, n), &sat);
        (void)kin__json_u64(kin__span(data, n), &v);
    }
    if (fuzz_peak_bytes() > 4 * size + ((size_t)1 << 20)) {
        fprintf(stderr, "fuzz_rpc: heap peak %zu for %zu bytes\n", fuzz_peak_bytes(), size);
        abort();
    }
    return 0;
}

#!/usr/bin/env bash
# bench_ledger.sh: the speed of `kin ledger watch` (issue #6). Generates a chain in Bitcoin Core's
# formats (tests/fixtures/gen_blocks.c, "bench" scenario: full blocks of P2WPKH/P2TR/P2PKH
# traffic with undo data, 128 MiB files, a few payments to one address) of SIZE_MB block bytes
# (default 2100), cached in ${KIN_BENCH_DIR:-/tmp/kin-bench}/ledger-SIZE_MB, then runs
# bench/bench_ledger.c (read, read + SHA-256d ceiling, kin open and watch in CPU seconds) and the
# CLI end to end, and checks the watch against the generator's own totals.
#
#   bench/bench_ledger.sh [SIZE_MB]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-2100}
cd "$top"
cmake --preset release >/dev/null
nice -n 10 cmake --build --preset release -j2 --target gen_blocks bench_ledger kin_cli >/dev/null
build=$top/build/release
dir=${KIN_BENCH_DIR:-/tmp/kin-bench}/ledger-$size
if [ ! -f "$dir/expected.txt" ]; then
  rm -rf "$dir"
  echo "generating $size MB of blocks in $dir ..."
  /usr/bin/time -f "gen_blocks: %e s wall, %U s user" nice -n 10 \
    "$build/tests/fixtures/gen_blocks" bench "$dir" "$size"
fi
addr=13AM4VW2dhxYgXeQepoHkHSQuy6NgaEb94
echo "== bench_ledger $dir/blocks $addr 2"
nice -n 10 "$build/bench/bench_ledger" "$dir/blocks" "$addr" 2
echo "== kin ledger watch $addr --blocks $dir/blocks --follow 2 --json"
/usr/bin/time -f "cli: %e s wall, %U s user, %S s sys, %M KB peak RSS" nice -n 10 \
  "$build/kin" ledger watch "$addr" --blocks "$dir/blocks" --follow 2 --json >"$dir/watch.json"
want=$(grep '^address' "$dir/expected.txt")
got=$(python3 - "$dir/watch.json" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("type") == "address":
        print("address %s received %d withdrawn %d payments %d spends %d" % (
            o["address"], o["received"], o["withdrawn"], o["payment_count"], o["spend_count"]))
PY
)
if [ "$want" != "$got" ]; then
  echo "MISMATCH: generator says '$want', kin says '$got'"; exit 1
fi
echo "check: $got (as generated)"

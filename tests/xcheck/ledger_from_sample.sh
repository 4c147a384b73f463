#!/usr/bin/env bash
# ledger_from_sample.sh: `kin ledger watch --from-sample` end to end. The addresses come from the
# iocs fixture program (WannaCry's three Bitcoin addresses, found by `kin iocs`), the blocks from
# gen_blocks' wannacry directory; every total must equal the generator's own bookkeeping.
set -euo pipefail
kin=$1 fixtures=$2
sample=$fixtures/iocs/iocs_elf
dir=$fixtures/ledger/wannacry
"$kin" ledger watch --from-sample "$sample" --blocks "$dir/blocks" --follow 3 --json \
  --prices "$dir/prices.csv" >"$dir/from_sample.json"
python3 - "$dir/from_sample.json" "$dir/expected.txt" <<'PY'
import json, sys
got = {}
alerts = flows = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["type"] == "address":
        got[o["address"]] = (o["received"], o["withdrawn"], o["payment_count"], o["spend_count"],
                             "%.2f" % o["received_value"])
    alerts += o["type"] == "alert"
    flows += o["type"] == "flow"
want = {}
for line in open(sys.argv[2]):
    w = line.split()
    if w[0] == "address":
        want[w[1]] = (int(w[3]), int(w[5]), int(w[7]), int(w[9]), w[15])
    elif w[0] == "alerts":
        want_alerts = int(w[1])
# The fixture also holds BIP173's example address: watched too, with no activity here.
quiet = {a for a, v in got.items() if a not in want and v[:4] == (0, 0, 0, 0)}
for a in quiet:
    del got[a]
if got != want or alerts != want_alerts or flows != 3 or not quiet:
    print("mismatch:\n got  %s %d alerts %d flows\n want %s %d alerts 3 flows" %
          (got, alerts, flows, want, want_alerts))
    sys.exit(1)
print("ledger_from_sample: %d addresses, %d alerts, %d flows as generated; %d quiet" %
      (len(got), alerts, flows, len(quiet)))
PY

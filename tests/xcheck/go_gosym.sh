#!/usr/bin/env bash
# go_gosym.sh: kin's Go pclntab reader against Go's own debug/gosym (gosymdump, built by
# tests/fixtures/go.cmake) on the ELF Go fixtures: the same functions, entry addresses and names,
# in the same order (the PIE build too). Also, on the unstripped PE fixture, every text symbol
# `go tool nm` lists is a pclntab function at the same address (the COFF symbol table is
# independent of the pclntab).
# Usage: go_gosym.sh KIN_CLI FIXTURE_DIR DATA_DIR
set -euo pipefail
kin=$1
dir=$2/go
dump=$dir/gosymdump
[ -x "$dump" ] || { echo "go_gosym: $dump missing (golang-go not installed?)"; exit 1; }
fail=0
kin_funcs() {
  "$kin" info --json --symbols "$1" |
    /usr/bin/python3 -c 'import json,sys
g=json.load(sys.stdin).get("go") or {}
for f in g.get("function_list", []): print("0x%x %s" % (f["va"], f["name"]))'
}
for f in "$dir"/kinhello-linux-amd64 "$dir"/kinhello-linux-386 "$dir"/kinhello-linux-amd64-pie; do
  want=$("$dump" "$f")
  got=$(kin_funcs "$f")
  n=$(wc -l <<<"$want")
  if [ "$n" -lt 1000 ] || [ "$want" != "$got" ]; then
    echo "go_gosym: $(basename "$f"): debug/gosym (<) and kin (>) differ ($n functions):"
    diff <(echo "$want") <(echo "$got") | head -20 || true
    fail=1
  else
    echo "go_gosym: $(basename "$f"): $n functions agree with debug/gosym"
  fi
done
pe=$dir/kinhello-windows-amd64-syms.exe
if command -v go >/dev/null; then
  # go tool nm: "addr T name". The symbol table names assembly functions with an ABI suffix
  # (.abi0) the pclntab does not carry, spells generated equality functions differently
  # (type..eq.[5]T vs [...]T) and marks the text's bounds (runtime.text, runtime.etext).
  want=$(go tool nm "$pe" |
         awk '$2 == "T" && $3 !~ /^type\.\./ && $3 != "runtime.text" && $3 != "runtime.etext" {
              sub(/\.abi0$/, "", $3); printf "0x%s %s\n", $1, $3}' | sort -u)
  got=$(kin_funcs "$pe" | sort -u)
  missing=$(comm -23 <(echo "$want") <(echo "$got"))
  n=$(wc -l <<<"$want")
  if [ "$n" -lt 1000 ] || [ -n "$missing" ]; then
    echo "go_gosym: go tool nm lists $n text symbols; not in kin's pclntab:"
    head -20 <<<"$missing"
    fail=1
  else
    echo "go_gosym: $(basename "$pe"): all $n text symbols of go tool nm are pclntab functions"
  fi
fi
exit $fail

#!/usr/bin/env bash
# reference-sets.sh: builds runtime reference sets and adds them to an index as library
# families (kin add --library), whose code attribution never counts (docs/ATTRIBUTION-ENGINE.md,
# section 8). Today: the mingw-w64 C runtime, x86 and x64, gcc -O2 and -Os, as family
# "mingw-crt". Builds go to a temporary directory; nothing is run.
# Usage: scripts/reference-sets.sh [--db PATH] [KIN]   (KIN default build/release/kin)
set -euo pipefail
DB_ARGS=()
if [ "${1:-}" = "--db" ]; then
  DB_ARGS=(--db "$(realpath -m "$2")")
  shift 2
fi
KIN=$(realpath -m "${1:-$(dirname "$0")/../build/release/kin}")
cd "$(dirname "$0")/.."
[ -x "$KIN" ] || { echo "reference-sets: $KIN not built (make build)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
built=()
for cc in x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc; do
  command -v "$cc" >/dev/null || { echo "reference-sets: $cc missing (scripts/install-deps.sh)" >&2; continue; }
  for opt in -O2 -Os; do
    out=$work/mingw-crt-${cc%%-*}$opt.exe
    "$cc" $opt -s -o "$out" scripts/reference-sets/mingw_crt.c -lm
    built+=("$out")
  done
done
[ ${#built[@]} -gt 0 ] || { echo "reference-sets: nothing built" >&2; exit 3; }
"$KIN" add "${DB_ARGS[@]}" --library --family mingw-crt "${built[@]}"

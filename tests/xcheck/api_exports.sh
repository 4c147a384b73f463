#!/usr/bin/env bash
# api_exports.sh: the shared library exports exactly the functions include/kin.h declares with
# KIN_API (STYLE: `nm -D` against the KIN_API list), so no internal kin__ symbol or dependency
# leaks into the ABI and no declared function is missing.
# Usage: api_exports.sh KIN_CLI FIXTURE_DIR DATA_DIR (libkin.so sits beside the CLI)
set -euo pipefail
lib="$(dirname "$1")/libkin.so"
header="$(dirname "$0")/../../include/kin.h"
[ -f "$lib" ] || { echo "api_exports: $lib missing"; exit 1; }
command -v nm >/dev/null || { echo "api_exports: nm (binutils) missing"; exit 1; }
# Declarations: "KIN_API [qualifiers] type name(" possibly across lines; the macro's own
# definition lines are skipped.
want=$(grep -v '#define KIN_API' "$header" | grep -A3 'KIN_API' | tr '\n' ' ' |
       grep -o 'KIN_API[^;(]*(' | grep -o '[A-Za-z_0-9]*($' | tr -d '(' | sort -u)
# Global symbols only (T D B R, W for weak functions): instrumented builds add symbols that are not
# API: clang's -fsanitize=function emits weak typeinfo objects of function types (V _ZTIF..) for
# the C++ TLSH shim, and libFuzzer's coverage adds local section bounds (d __start___sancov_*).
got=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRW]$/ {print $3}' | sort -u)
n=$(wc -l <<<"$want")
[ "$n" -ge 50 ] || { echo "api_exports: only $n KIN_API declarations parsed"; exit 1; }
if [ "$want" != "$got" ]; then
  echo "api_exports: declared (<) and exported (>) differ:"
  diff <(echo "$want") <(echo "$got") || true
  exit 1
fi
echo "api_exports: $n functions declared and exported"

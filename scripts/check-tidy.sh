#!/usr/bin/env bash
# Runs clang-tidy 14 (checks in .clang-tidy, STYLE.md section 10) over the .c files of the
# directories in TIDY_DIRS and fails on any finding. It reads the dev preset's
# compile_commands.json, keeping one entry per file: the library or CLI target's, not the copies
# the tests, fuzzers and benchmarks compile again.
# Configuring first (well under a second when nothing changed) picks up new source files.
# Usage: scripts/check-tidy.sh [dir...] (default: TIDY_DIRS below; other directories can be
# checked by hand while they are being cleaned). Environment: TIDY_JOBS (processes, default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

# The library (every stage) and the CLI. tests/, fuzz/ and bench/ are not checked yet.
TIDY_DIRS=(src cli)
[ $# -gt 0 ] && TIDY_DIRS=("$@")
jobs=${TIDY_JOBS:-2}
root=$(pwd)

command -v clang-tidy >/dev/null || { echo "tidy: clang-tidy not found (scripts/install-deps.sh)"; exit 1; }
cmake --preset dev >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jq '[.[] | select(.command | test(" -o CMakeFiles/kin_[a-z_]+\\.dir/"))] | unique_by(.file)' \
    build/dev/compile_commands.json >"$tmp/compile_commands.json"

files=$(git ls-files "${TIDY_DIRS[@]/%//*.c}")
[ -z "$files" ] && { echo "tidy: no files"; exit 0; }
# Headers of the listed directories are checked too (once per including file).
hdr=$(IFS='|'; echo "^${root}/(${TIDY_DIRS[*]})/")

# One file per process: clang-tidy 14 carries analyzer state from one file to the next (with two
# files per process, valist.Uninitialized flags every va_start/vsnprintf pair of the second).
status=0
echo "$files" | xargs -P "$jobs" -n 1 clang-tidy -p "$tmp" --quiet --header-filter="$hdr" \
    >"$tmp/out" 2>"$tmp/err" || status=$?
# clang-tidy prints "N warnings generated." for every suppressed system-header warning.
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$' "$tmp/err" >&2 || true
cat "$tmp/out"
if [ $status -ne 0 ] || grep -q -E ': (warning|error): ' "$tmp/out"; then
    echo "tidy: $(grep -c -E ': (warning|error): ' "$tmp/out" || true) finding(s)"
    exit 1
fi
echo "tidy: ok ($(echo "$files" | wc -l) files)"

#!/usr/bin/env bash
# Throughput of `kin iocs`'s extractor beside binutils strings on the same files, same run, one
# core each. Usage: bench/bench_iocs.sh BUILD_DIR FILE_OR_DIR...   (BUILD_DIR: a release build)
# strings is run as `strings -a -n 6` (ASCII) plus `strings -a -n 6 -el` (UTF-16LE), the two
# encodings kin scans, output to /dev/null; the files are read once beforehand so both run warm.
set -euo pipefail
build=$1; shift
list=$(mktemp)
trap 'rm -f "$list"' EXIT
find "$@" -type f | sort > "$list"
bytes=$(xargs -d '\n' cat < "$list" | wc -c)
echo "files: $(wc -l < "$list"), $(awk -v b="$bytes" 'BEGIN{printf "%.1f MB", b/1e6}')"
xargs -d '\n' cat < "$list" > /dev/null
taskset -c 0 "$build/bench/bench_iocs" --repeat 3 - < "$list"
t0=$(date +%s.%N)
xargs -d '\n' taskset -c 0 strings -a -n 6 < "$list" > /dev/null
t1=$(date +%s.%N)
xargs -d '\n' taskset -c 0 strings -a -n 6 -el < "$list" > /dev/null
t2=$(date +%s.%N)
awk -v b="$bytes" -v a="$t0" -v m="$t1" -v e="$t2" 'BEGIN {
  printf "strings -a -n 6: %.3f s (%.1f MB/s); strings -a -n 6 -el: %.3f s (%.1f MB/s); both: %.1f MB/s\n",
    m - a, b / 1e6 / (m - a), e - m, b / 1e6 / (e - m), b / 1e6 / (e - a) }'

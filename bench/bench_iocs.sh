#!/usr/bin/env bash
# Throughput of `kin iocs`'s extractor beside binutils strings on the same files, same run.
# Usage: bench/bench_iocs.sh BUILD_DIR FILE_OR_DIR...   (BUILD_DIR: a release build)
# Figures are MB (10^6 bytes) per CPU second, so other load on the machine does not count.
# strings runs as `strings -a -n 6` (ASCII) plus `strings -a -n 6 -el` (UTF-16LE), the two
# encodings kin scans, output to /dev/null. Files are read once beforehand so all run warm.
set -euo pipefail
build=$1; shift
list=$(mktemp)
trap 'rm -f "$list"' EXIT
find "$@" -type f | sort > "$list"
bytes=$(xargs -d '\n' cat < "$list" | wc -c)
echo "files: $(wc -l < "$list"), $(awk -v b="$bytes" 'BEGIN{printf "%.1f MB", b/1e6}')"
"$build/bench/bench_iocs" --repeat 3 - < "$list"
TIMEFORMAT='%U %S'
ta=$( { time xargs -d '\n' strings -a -n 6 < "$list" > /dev/null; } 2>&1 )
tw=$( { time xargs -d '\n' strings -a -n 6 -el < "$list" > /dev/null; } 2>&1 )
awk -v b="$bytes" -v a="$ta" -v w="$tw" 'BEGIN {
  split(a, x, " "); split(w, y, " "); ca = x[1] + x[2]; cw = y[1] + y[2];
  printf "strings -a -n 6: %.2f s CPU (%.1f MB/s); strings -a -n 6 -el: %.2f s CPU (%.1f MB/s); both: %.1f MB/s\n",
    ca, b / 1e6 / ca, cw, b / 1e6 / cw, b / 1e6 / (ca + cw) }'

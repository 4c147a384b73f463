#!/usr/bin/env bash
# bench_info.sh: `kin info --json` throughput (MB/s) over a directory of PE files, beside
# python3-pefile parsing the same files (pefile.PE() + get_imphash() + get_rich_header_hash(),
# bench/pefile_ref.py) in the same run. The page cache is warmed first, so both read from memory.
# kin runs RUNS times (best wall time kept), pefile once. Prints a Markdown block for
# docs/BENCHMARKS.md. Not a test: `make check` never runs it.
#
#   bench/bench_info.sh [KIN] [DIR]     # defaults: build/release/kin, /work/corpus/bin
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kin=${1:-$top/build/release/kin}
dir=${2:-/work/corpus/bin}
runs=${RUNS:-3}
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

find "$dir" -type f | LC_ALL=C sort >"$work/files"
count=$(wc -l <"$work/files")
bytes=$(tr '\n' '\0' <"$work/files" | xargs -0 stat -c %s | awk '{s += $1} END {printf "%d", s}')
mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e6}')
tr '\n' '\0' <"$work/files" | xargs -0 cat >/dev/null

# Runs "$@" with stdout to $2's file; sets wall, cpu (user+sys) and rss (max resident KiB).
measure() {
  local out=$1
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$out" 2>"$work/stderr" || {
    echo "bench_info: '$*' failed:" >&2
    tail -n 20 "$work/stderr" >&2
    exit 1
  }
  read -r wall user sys rss <"$work/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
}

best_wall= best_cpu= best_rss=
for _ in $(seq "$runs"); do
  measure "$work/kin.jsonl" "$kin" info --json -r "$dir"
  if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN {exit !(a < b)}'; then
    best_wall=$wall best_cpu=$cpu best_rss=$rss
  fi
done
kin_lines=$(wc -l <"$work/kin.jsonl")
measure "$work/pefile.tsv" "$py" "$top/bench/pefile_ref.py" <"$work/files"
pf_wall=$wall pf_cpu=$cpu pf_rss=$rss
pf_err=$(awk -F'\t' '$4 != ""' "$work/pefile.tsv" | wc -l)

rate() { awk -v b="$bytes" -v t="$1" 'BEGIN {if (t > 0) printf "%.1f", b / 1e6 / t; else print "inf"}'; }
cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
pefile_ver=$($py -c 'import pefile; print(pefile.__version__)')
cat <<MD
Command: \`bench/bench_info.sh $kin $dir\` (RUNS=$runs), $(date -u +%Y-%m-%d)
Machine: $(nproc) CPUs ($cpu_model), load average at start $(cut -d' ' -f1-3 /proc/loadavg);
$("$kin" --version 2>/dev/null | head -n 1 || echo "kin (no --version)"), python3-pefile $pefile_ver.
Corpus: $count files, $mb MB ($bytes bytes), page cache warm; kin wrote $kin_lines JSON lines,
pefile refused $pf_err files.

| tool | work per file | wall s | MB/s (wall) | CPU s | MB/s (CPU) | max RSS MiB |
|------|---------------|-------:|------------:|------:|-----------:|------------:|
| \`kin info --json -r\` (best of $runs) | full load, md5/sha1/sha256, imphash, Rich hash, TLSH, ssdeep, JSON | $best_wall | $(rate "$best_wall") | $best_cpu | $(rate "$best_cpu") | $((best_rss / 1024)) |
| pefile | \`pefile.PE(path)\`, \`get_imphash()\`, \`get_rich_header_hash()\` | $pf_wall | $(rate "$pf_wall") | $pf_cpu | $(rate "$pf_cpu") | $((pf_rss / 1024)) |

kin is $(awk -v a="$pf_wall" -v b="$best_wall" 'BEGIN {printf "%.1f", a / b}')x faster than pefile in wall time, $(awk -v a="$pf_cpu" -v b="$best_cpu" 'BEGIN {printf "%.1f", a / b}')x in CPU time.
MD

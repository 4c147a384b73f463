#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR/fuzz for SECONDS each, starting from its seeds and
# regression inputs, with a 1 s per-input timeout (a hang) and a 2 GiB RSS limit. Any crash,
# hang, leak or OOM fails the run; triage it and keep the input under fuzz/regress/<target>/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-build/fuzz}" && pwd); secs=${2:-5}
shopt -s nullglob
status=0
for t in "$build"/fuzz/fuzz_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  work=$(mktemp -d)
  args=(-max_total_time="$secs" -timeout=1 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$work/")
  [ -f "$top/fuzz/$name.dict" ] && args+=(-dict="$top/fuzz/$name.dict")
  dirs=("$work/new")
  mkdir -p "$work/new"
  [ -d "$top/fuzz/corpus/$name" ] && dirs+=("$top/fuzz/corpus/$name")
  [ -d "$top/fuzz/regress/$name" ] && dirs+=("$top/fuzz/regress/$name")
  "$t" "${args[@]}" "${dirs[@]}" >"$work/log" 2>&1 || true
  echo "fuzz: $name ${secs}s: $(grep -E '^stat::number_of_executed_units' "$work/log" | tr -d ' ') $(grep -oE 'cov: [0-9]+' "$work/log" | tail -n 1)"
  if compgen -G "$work/crash-*" >/dev/null || compgen -G "$work/timeout-*" >/dev/null ||
     compgen -G "$work/leak-*" >/dev/null || compgen -G "$work/oom-*" >/dev/null; then
    echo "fuzz: $name FAILED; inputs kept in $work"; tail -n 40 "$work/log"; status=1; continue
  fi
  rm -rf "$work"
done
exit $status

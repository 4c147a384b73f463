#!/usr/bin/env bash
# Distinct domains `kin iocs` reports per file, and the change between two kin builds.
# Usage: bench/bench_iocs_domains.sh OUT_DIR KIN FILE_OR_DIR...
#        bench/bench_iocs_domains.sh --diff BEFORE_DIR AFTER_DIR
# The first form writes OUT_DIR/domains.tsv (file, value: each distinct domain once per file,
# from `kin iocs --json --type domain --unique`) and OUT_DIR/rejected.tsv (file, value, reason:
# domain candidates `--all` lists as invalid), then prints distinct domains per file and in all.
# The second prints the totals of both runs, then every (file, value) pair that disappeared or
# appeared, so a change to the rules can be checked value by value.
set -euo pipefail
if [ "${1:-}" = "--diff" ]; then
  before=$2 after=$3
  for d in "$before" "$after"; do
    printf '%s: %d (file, domain) pairs, %d distinct domains\n' "$d" \
      "$(wc -l < "$d/domains.tsv")" "$(cut -f2 "$d/domains.tsv" | sort -u | wc -l)"
  done
  echo "gone (file, value):"
  LC_ALL=C comm -23 "$before/domains.tsv" "$after/domains.tsv" | sed 's/^/  - /'
  echo "new (file, value):"
  LC_ALL=C comm -13 "$before/domains.tsv" "$after/domains.tsv" | sed 's/^/  + /'
  exit 0
fi
out=$1 kin=$2; shift 2
mkdir -p "$out"
: > "$out/domains.tsv.tmp"
: > "$out/rejected.tsv.tmp"
find "$@" -type f | sort | while IFS= read -r f; do
  "$kin" iocs --json --all --type domain --unique "$f" |
    jq -r '[.file, .value, .validation, .detail] | @tsv' > "$out/one.tsv"
  awk -F'\t' '$3 == "valid" { print $1 "\t" $2 }' "$out/one.tsv" >> "$out/domains.tsv.tmp"
  awk -F'\t' '$3 != "valid" { print $1 "\t" $2 "\t" $4 }' "$out/one.tsv" >> "$out/rejected.tsv.tmp"
done
rm -f "$out/one.tsv"
LC_ALL=C sort -u "$out/domains.tsv.tmp" > "$out/domains.tsv"
LC_ALL=C sort -u "$out/rejected.tsv.tmp" > "$out/rejected.tsv"
rm -f "$out/domains.tsv.tmp" "$out/rejected.tsv.tmp"
echo "distinct domains per file:"
cut -f1 "$out/domains.tsv" | uniq -c | awk '{ printf "  %6d  %s\n", $1, $2 }'
printf 'total: %d (file, domain) pairs, %d distinct domains, %d rejected (file, candidate) pairs\n' \
  "$(wc -l < "$out/domains.tsv")" "$(cut -f2 "$out/domains.tsv" | sort -u | wc -l)" \
  "$(wc -l < "$out/rejected.tsv")"

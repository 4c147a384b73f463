#!/usr/bin/env bash
# bench_index_iocs.sh: what storing indicators costs `kin import` (issue #5): builds the index of a
# corpus manifest with one or more kin binaries (e.g. this build and one from before indicators
# were stored) and prints, per binary: wall and CPU time, peak memory, index size; for an index
# with indicators, the space its indicator tables take (SQLite dbstat), the values per type, and
# how many values are shared by 2+ families, by 4+ (ubiquitous) and which.
#
#   bench/bench_index_iocs.sh MANIFEST.tsv [-j N] KIN...
#   bench/bench_index_iocs.sh /work/corpus/manifest.tsv -j 2 build/release/kin /tmp/base/kin
#
# Needs the sqlite3 command (Debian package sqlite3) for the table sizes. Never run by make check.
set -euo pipefail
manifest=$1
shift
jobs=2
if [ "${1:-}" = "-j" ]; then
  jobs=$2
  shift 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
for kin in "$@"; do
  n=$((n + 1))
  db="$work/index$n.db"
  echo "== $kin"
  /usr/bin/time -f "wall %e s, user %U s, sys %S s, peak RSS %M KB" \
    "$kin" import --db "$db" -j "$jobs" "$manifest" 2>&1 >/dev/null | grep -E "^wall|cannot" || true
  "$kin" stats --db "$db" | grep -E "samples|functions|indicators|size on disk" || true
  if sqlite3 "$db" "SELECT 1 FROM sqlite_schema WHERE name = 'ioc_values'" 2>/dev/null | grep -q 1; then
    sqlite3 "$db" "SELECT 'pages of ' || name || ': ' || sum(pgsize) || ' bytes' FROM dbstat
                   WHERE name LIKE 'ioc%' GROUP BY name;
                   SELECT 'all tables: ' || sum(pgsize) || ' bytes' FROM dbstat;
                   SELECT 'postings: ' || count(*) FROM ioc_postings;
                   SELECT 'values per type (enum kin_ioc_type): ' || group_concat(t || '=' || c, ' ')
                     FROM (SELECT type t, count(*) c FROM ioc_values GROUP BY type);
                   SELECT 'values held by 2+ families: ' || count(*) FROM ioc_values WHERE families >= 2;
                   SELECT 'values held by 4+ families (ubiquitous): ' || count(*)
                     FROM ioc_values WHERE families >= 4;
                   SELECT '  ' || families || ' families: ' || value FROM ioc_values
                     WHERE families >= 2 ORDER BY families DESC, value LIMIT 40;"
  fi
done

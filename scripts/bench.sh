#!/usr/bin/env bash
# `make bench`: runs kin's accuracy benchmarks whose data are present and says where figures go.
# Never part of `make check`. Ground truth (bench/groundtruth/build.sh, default /work/gt or
# $KIN_GT_DIR) and the npm corpus ($KIN_CORPUS_DIR, default /work/corpus) are built or fetched
# separately; a benchmark whose data are missing is skipped with the command that makes them.
# Results go to build/bench/*.md and *.tsv; with UPDATE_DOCS=1 the sections of docs/BENCHMARKS.md
# are rewritten too (commit them with the commit they measured).
set -uo pipefail
cd "$(dirname "$0")/.."
KIN=${KIN:-build/release/kin}
GT=${KIN_GT_DIR:-/work/gt}
CORPUS=${KIN_CORPUS_DIR:-/work/corpus}
OUT=build/bench
PY=/usr/bin/python3
mkdir -p "$OUT"
status=0

if [ ! -x "$KIN" ]; then
  echo "bench: $KIN missing (make build)" >&2
  exit 1
fi
if ! "$KIN" --help 2>/dev/null | grep -q '^  funcs '; then
  echo "bench: this kin has no 'funcs' command yet; nothing to measure" >&2
  exit 0
fi

$PY bench/test_scorers.py || exit 1
doc_args=()
[ "${UPDATE_DOCS:-0}" = 1 ] && doc_args=(--md docs/BENCHMARKS.md)

if [ -s "$GT/binaries.tsv" ]; then
  echo "bench: function discovery over $(($(wc -l <"$GT/binaries.tsv") - 1)) ground-truth binaries in $GT"
  $PY bench/bench_discovery.py --kin "$KIN" --gt "$GT" --corpus "$CORPUS" --tsv "$OUT/discovery.tsv" \
    "${doc_args[@]}" >"$OUT/discovery.md" || status=1
  echo "bench: function matching (Marcelli et al. protocol)"
  $PY bench/bench_matching.py --kin "$KIN" --gt "$GT" "${doc_args[@]}" >"$OUT/matching.md" || status=1
  echo "bench: figures in $OUT/discovery.md, $OUT/discovery.tsv, $OUT/matching.md"
else
  echo "bench: no ground truth in $GT; build it with: bench/groundtruth/build.sh $GT (see bench/README.md)" >&2
fi
if [ "${UPDATE_DOCS:-0}" = 1 ]; then
  echo "bench: sections rewritten in docs/BENCHMARKS.md"
else
  echo "bench: to record figures in docs/BENCHMARKS.md run: make bench UPDATE_DOCS=1"
fi
exit $status

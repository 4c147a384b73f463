#!/usr/bin/env python3
"""bench_gofuncs.py: Go programs of the corpus: how many of the pclntab's functions (kin info
--json --symbols) function discovery finds at the same start (kin funcs --json), how many it
misses (the count of starts the pclntab could add, the next step of issue #4), and the share of
the code discovery covers that is flagged third-party (KIN_FUNC_THIRD_PARTY) or runtime
(KIN_FUNC_RUNTIME). Standard library only.

usage: bench/bench_gofuncs.py [--kin build/release/kin] [--manifest /work/corpus/manifest.tsv]
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys


def run_json_lines(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kin", default="build/release/kin")
    ap.add_argument("--manifest", default="/work/corpus/manifest.tsv")
    a = ap.parse_args()
    root = os.path.dirname(a.manifest)
    rows = [r for r in csv.DictReader(open(a.manifest), delimiter="\t")
            if r.get("language") == "go"]
    tot = collections.Counter()
    print("| family | version | arch | Go | pclntab | discovered | matched | missed | "
          "third-party code | runtime code |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        path = os.path.join(root, r["path"])
        info = run_json_lines([a.kin, "info", "--json", "--symbols", path])[0]
        go = info.get("go") or {}
        entries = {f["va"] for f in go.get("function_list", [])}
        funcs = run_json_lines([a.kin, "funcs", "--json", path])
        starts = {f["address"] for f in funcs}
        matched = len(starts & entries)
        size = sum(f["size"] for f in funcs) or 1
        tp = sum(f["size"] for f in funcs if "third-party" in f["flags"])
        rt = sum(f["size"] for f in funcs if "runtime" in f["flags"])
        print("| %s | %s | %s | %s | %d | %d | %d | %d | %.1f %% | %.1f %% |" % (
            r["family"], r["version"], r["arch"], go.get("version") or "-", len(entries),
            len(funcs), matched, len(entries) - matched, 100.0 * tp / size, 100.0 * rt / size))
        tot.update(pclntab=len(entries), discovered=len(funcs), matched=matched,
                   missed=len(entries) - matched, size=size, tp=tp, rt=rt, files=1)
        sys.stdout.flush()
    print("\n%d Go files: pclntab %d functions, discovery %d, matched by start %d (%.1f %% of the "
          "pclntab), missed %d; code flagged third-party %.1f %%, runtime %.1f %%." % (
              tot["files"], tot["pclntab"], tot["discovered"], tot["matched"],
              100.0 * tot["matched"] / max(tot["pclntab"], 1), tot["missed"],
              100.0 * tot["tp"] / max(tot["size"], 1), 100.0 * tot["rt"] / max(tot["size"], 1)))


if __name__ == "__main__":
    main()

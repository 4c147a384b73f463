#!/usr/bin/python3
"""bench_attribution.py: the attribution benchmarks of issue #4 on the npm dev corpus.

Builds the index of the whole corpus once (kin import), runs bench_attribution (C, one process:
every split is made with the exclusion filter, which is exactly equivalent to an index built
without the held-out samples), and prints the figures of docs/BENCHMARKS.md:

  leave-one-version-out   family top-1, claims and their accuracy, confidence vs correctness
  leave-one-family-out    (actors with >= 2 families) actor top-1, known-actor rate
  leave-one-actor-out     false attribution rate (claims above Low), the abstention test
  baselines               nearest neighbour by TLSH distance and by ssdeep score, same splits
  speed                   latency per query (median, p95) and the benchmark's peak RSS

usage: bench_attribution.py [--kin build/release/kin] [--bench build/release/bench/bench_attribution]
                            [--corpus /work/corpus] [--db PATH] [--jsonl OUT] [--from JSONL]
                            [--param name=value]... [--md docs/BENCHMARKS.md]
Standard library only.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLAIM = 30  # STIX Med: kin claims nothing below it


def pct(n, d):
    return "-" if d == 0 else f"{100.0 * n / d:.1f} %"


def run_bench(args):
    if not os.path.exists(args.db):
        manifest = os.path.join(args.corpus, "manifest.tsv")
        print(f"bench: indexing {manifest} into {args.db}", file=sys.stderr)
        subprocess.run([args.kin, "import", "--db", args.db, manifest], check=True,
                       stdout=sys.stderr)
    cmd = [args.bench, "--db", args.db, "--protocol", "all"]
    for p in args.param:
        cmd += ["--param", p]
    print("bench: " + " ".join(cmd), file=sys.stderr)
    with open(args.jsonl, "w") as out:
        r = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, text=True, check=True)
    sys.stderr.write(r.stderr)
    rss = None
    for line in r.stderr.splitlines():
        if "peak RSS" in line:
            rss = line.split("peak RSS")[1].strip()
    return rss


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def top(d, key):
    c = d[key]
    return c[0]["name"] if c else ""


def claimed(d):
    return d["verdict"] != "unattributed" and d["confidence"] >= CLAIM


def tlsh_claim(d, limit):
    t = d["tlsh_nn"]
    return t["distance"] >= 0 and t["distance"] <= limit


def ssdeep_claim(d, limit):
    return d["ssdeep_nn"]["score"] >= limit


def report(rows, rss):
    out = []
    lovo = [d for d in rows if d["protocol"] == "lovo"]
    lofo = [d for d in rows if d["protocol"] == "lofo"]
    loao = [d for d in rows if d["protocol"] == "loao"]

    out.append(f"Queries: {len(lovo)} leave-one-version-out, {len(lofo)} leave-one-family-out, "
               f"{len(loao)} leave-one-actor-out (one index of the whole corpus; each split by "
               f"the exclusion filter).\n")
    # Leave one version out.
    n = len(lovo)
    top1 = sum(top(d, "families") == d["truth_family"] for d in lovo)
    fam_claims = [d for d in lovo if claimed(d) and d["verdict"] == "known-family"]
    fam_right = sum(d["family"] == d["truth_family"] for d in fam_claims)
    act_claims = [d for d in lovo if claimed(d) and d["verdict"] == "known-actor"]
    act_right = sum(d["actor"] == d["truth_actor"] for d in act_claims)
    tl = sum(d["tlsh_nn"]["family"] == d["truth_family"] for d in lovo)
    ss = sum(d["ssdeep_nn"]["family"] == d["truth_family"] and d["ssdeep_nn"]["score"] > 0
             for d in lovo)
    out.append("| leave-one-version-out | kin | TLSH nearest | ssdeep nearest |")
    out.append("|---|---|---|---|")
    out.append(f"| family top-1 (ranked first) | {pct(top1, n)} ({top1}/{n}) | {pct(tl, n)} | "
               f"{pct(ss, n)} |")
    out.append(f"| known-family claims (>= Med) | {pct(len(fam_claims), n)} of queries, "
               f"{pct(fam_right, len(fam_claims))} right | - | - |")
    out.append(f"| known-actor claims | {len(act_claims)}, {act_right} right actor | - | - |")
    out.append("")
    # Confidence vs correctness.
    out.append("Confidence vs correctness (leave-one-version-out; right = the claimed family, or "
               "for abstentions the best candidate, is the true family):\n")
    out.append("| confidence (STIX) | queries | right | claims |")
    out.append("|---|---|---|---|")
    for name, lo, hi in (("None (0)", 0, 0), ("Low (1-29)", 1, 29), ("Med (30-69)", 30, 69),
                         ("High (70-100)", 70, 100)):
        b = [d for d in lovo if lo <= d["confidence"] <= hi]
        right = sum((d["family"] or top(d, "families")) == d["truth_family"] for d in b)
        out.append(f"| {name} | {len(b)} | {pct(right, len(b))} | "
                   f"{sum(claimed(d) for d in b)} |")
    out.append("")
    # Leave one family out.
    n = len(lofo)
    a1 = sum(top(d, "actors") == d["truth_actor"] for d in lofo)
    ka = sum(d["verdict"] == "known-actor" and d["actor"] == d["truth_actor"] and claimed(d)
             for d in lofo)
    wrong = sum(claimed(d) and d["actor"] != d["truth_actor"] for d in lofo)
    fam_claim = sum(claimed(d) and d["verdict"] == "known-family" for d in lofo)
    tl = sum(d["tlsh_nn"]["actor"] == d["truth_actor"] for d in lofo)
    ss = sum(d["ssdeep_nn"]["actor"] == d["truth_actor"] and d["ssdeep_nn"]["score"] > 0
             for d in lofo)
    out.append("| leave-one-family-out (actors with >= 2 families) | kin | TLSH nearest | "
               "ssdeep nearest |")
    out.append("|---|---|---|---|")
    out.append(f"| actor top-1 (ranked first) | {pct(a1, n)} ({a1}/{n}) | {pct(tl, n)} | "
               f"{pct(ss, n)} |")
    out.append(f"| known-actor claims, right actor | {pct(ka, n)} ({ka}/{n}) | - | - |")
    out.append(f"| claims of a sibling family (known-family) | {fam_claim} | - | - |")
    out.append(f"| claims naming another actor | {wrong} | - | - |")
    out.append("")
    # Leave one family out, by held-out family: how much code its sibling families share.
    out.append("By held-out family: the true actor's shares of the query's code (medians) come "
               "from its other families only; where they hold next to nothing, code cannot name "
               "the actor and kin must abstain.\n")
    out.append("| actor | held-out family | queries | actor ranked first | matched (siblings) | "
               "unique to the actor | known-actor, right | known-family (a sibling) |")
    out.append("|---|---|---|---|---|---|---|---|")
    groups = {}
    for d in lofo:
        groups.setdefault((d["truth_actor"], d["truth_family"]), []).append(d)
    reach = [0, 0, 0]
    for (actor, family), g in sorted(groups.items()):
        cand = [next((c for c in d["actors"] if c["name"] == actor), None) for d in g]
        matched = statistics.median(c["matched"] if c else 0.0 for c in cand)
        unique = statistics.median(c["unique"] if c else 0.0 for c in cand)
        first = sum(top(d, "actors") == actor for d in g)
        right = sum(d["verdict"] == "known-actor" and d["actor"] == actor and claimed(d)
                    for d in g)
        sib = sum(claimed(d) and d["verdict"] == "known-family" for d in g)
        if matched >= 0.10:
            reach[0] += len(g)
            reach[1] += first
            reach[2] += right
        out.append(f"| {actor} | {family} | {len(g)} | {first} | {100 * matched:.1f} % | "
                   f"{100 * unique:.1f} % | {right} | {sib} |")
    out.append("")
    out.append(f"Held-out families whose siblings hold 10 % or more of their code: {reach[0]} "
               f"queries, actor ranked first {pct(reach[1], reach[0])}, known-actor claims "
               f"{pct(reach[2], reach[0])}.\n")
    # Leave one actor out.
    n = len(loao)
    fa = [d for d in loao if claimed(d)]
    out.append("| leave-one-actor-out | kin | TLSH <= 100 | TLSH <= 50 | ssdeep > 0 |")
    out.append("|---|---|---|---|---|")
    out.append(f"| false attribution (any claim above Low) | {pct(len(fa), n)} ({len(fa)}/{n}) | "
               f"{pct(sum(tlsh_claim(d, 100) for d in loao), n)} | "
               f"{pct(sum(tlsh_claim(d, 50) for d in loao), n)} | "
               f"{pct(sum(ssdeep_claim(d, 1) for d in loao), n)} |")
    if fa:
        out.append("")
        out.append("False attributions: " + "; ".join(
            f"{d['truth_family']} {d['version']} {d['arch']} -> {d['verdict']} "
            f"{d['family'] or d['actor']} ({d['confidence']})" for d in fa))
    out.append("")
    # Speed.
    ms = sorted(d["ms"] for d in rows)
    if ms:
        p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
        out.append(f"Latency per query (stored functions as the query, warm cache): median "
                   f"{statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, max {ms[-1]:.0f} ms over "
                   f"{len(ms)} queries; peak RSS of the whole run {rss or '?'}.")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kin", default=os.path.join(ROOT, "build/release/kin"))
    ap.add_argument("--bench", default=os.path.join(ROOT, "build/release/bench/bench_attribution"))
    ap.add_argument("--corpus", default=os.environ.get("KIN_CORPUS_DIR", "/work/corpus"))
    ap.add_argument("--db", default=os.path.join(ROOT, "build/bench/npm.db"))
    ap.add_argument("--jsonl", default=os.path.join(ROOT, "build/bench/attribution.jsonl"))
    ap.add_argument("--from", dest="src", help="summarise an existing JSONL instead of running")
    ap.add_argument("--param", action="append", default=[])
    ap.add_argument("--md", help="rewrite the attribution section of this markdown file")
    args = ap.parse_args()
    rss = None
    if args.src:
        rows = load(args.src)
        err = os.path.splitext(args.src)[0] + ".err"  # bench_attribution's stderr, if kept
        if os.path.exists(err):
            with open(err) as f:
                for line in f:
                    if "peak RSS" in line:
                        rss = line.split("peak RSS")[1].strip()
    else:
        os.makedirs(os.path.dirname(args.jsonl), exist_ok=True)
        rss = run_bench(args)
        rows = load(args.jsonl)
    text = report(rows, rss)
    print(text)
    if args.md:
        with open(args.md) as f:
            doc = f.read()
        begin, end = "<!-- attribution:begin -->", "<!-- attribution:end -->"
        if begin in doc and end in doc:
            head, rest = doc.split(begin, 1)
            _, tail = rest.split(end, 1)
            doc = head + begin + "\n" + text + "\n" + end + tail
            with open(args.md, "w") as f:
                f.write(doc)


if __name__ == "__main__":
    main()

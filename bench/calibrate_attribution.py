#!/usr/bin/python3
"""calibrate_attribution.py: fits kin's confidence curve on benchmark output.

Reads the JSON lines of bench_attribution (every query of the three protocols, top 5 family and
actor candidates each with their shares) and fits, separately for families and for actors, a
logistic model of "this candidate is the truth" on a few monotone features:

  x1 = ln(unique + 0.005)       share of informative code found in the candidate only
  x2 = ln(score + 0.005)        rarity-weighted share
  x3 = ln(min(margin, 20))      score over the best other candidate's score

Positives: the true family (LOVO) and the true actor (LOVO, LOFO). Negatives: every other
candidate, all LOAO candidates, and sibling families in LOFO. The fitted coefficients go into
src/match/verdict.c (docs/ATTRIBUTION-ENGINE.md, "Calibration"); this script also prints the
reliability table (predicted vs observed in bins) and the effect of the caps.

usage: calibrate_attribution.py RESULTS.jsonl [--l2 0.1]
Standard library only.
"""
import argparse
import json
import math


def features(c, others):
    best_other = max([o["score"] for o in others] + [1e-6])
    margin = min(c["score"] / best_other if best_other > 0 else 20.0, 20.0)
    return [math.log(c["unique"] + 0.005), math.log(c["score"] + 0.005),
            math.log(max(margin, 1e-3))]


def rows(data, level):
    out = []
    for d in data:
        cands = d["families" if level == "family" else "actors"]
        truth = d["truth_family" if level == "family" else "truth_actor"]
        for i, c in enumerate(cands):
            if level == "family":
                positive = d["protocol"] == "lovo" and c["name"] == truth
            else:
                positive = d["protocol"] in ("lovo", "lofo") and c["name"] == truth
            others = cands[:i] + cands[i + 1:]
            little = c["unique_functions"] < 8 or c["unique_size"] < 2048
            out.append((features(c, others), 1 if positive else 0, little, d, c))
    return out


def sigmoid(z):
    return 1 / (1 + math.exp(-max(min(z, 40), -40)))


def fit(data, l2, iters=3000, lr=0.5):
    n = len(data[0][0])
    w = [0.0] * (n + 1)
    for _ in range(iters):
        g = [0.0] * (n + 1)
        for x, y, *_ in data:
            p = sigmoid(w[0] + sum(wi * xi for wi, xi in zip(w[1:], x)))
            g[0] += p - y
            for j in range(n):
                g[j + 1] += (p - y) * x[j]
        for j in range(n + 1):
            reg = l2 * w[j] if j else 0
            w[j] -= lr * (g[j] / len(data) + reg)
    return w


def predict(w, x):
    return sigmoid(w[0] + sum(wi * xi for wi, xi in zip(w[1:], x)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jsonl")
    ap.add_argument("--l2", type=float, default=0.01)
    a = ap.parse_args()
    data = [json.loads(l) for l in open(a.jsonl) if l.strip()]
    for level in ("family", "actor"):
        r = rows(data, level)
        w = fit(r, a.l2)
        print(f"{level}: {len(r)} candidates, {sum(y for _, y, *_ in r)} positive")
        print(f"  w0={w[0]:.3f} w_unique={w[1]:.3f} w_score={w[2]:.3f} w_margin={w[3]:.3f}")
        bins = [(0, 10), (10, 30), (30, 50), (50, 70), (70, 90), (90, 101)]
        print("  predicted  n     observed")
        for lo, hi in bins:
            b = [(predict(w, x), y) for x, y, little, *_ in r
                 if lo <= 100 * predict(w, x) < hi]
            if b:
                obs = sum(y for _, y in b) / len(b)
                print(f"  {lo:3d}-{hi - 1:3d}   {len(b):5d} {100 * obs:6.1f} %")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Expected values for report_test.go, from scipy (independent of package stats).

Run from the repository root with Debian's python3-scipy:

    /usr/bin/python3 report/testdata/gen_expected.py > report/testdata/expected.json

The inputs are small hand-made groups of paired trials (test error, dead-unit
fraction per layer, learned parameters per layer, seconds per epoch of each
seed); the test builds one record per trial from them. For every row the file
holds the mean test error with its Student-t 95 % CI, and against the baseline
(relu, same seed) the RER of the means, the paired t test's p (scipy
ttest_rel), the Holm-adjusted p over every comparison of the report, Cohen's
d_z, the mean dead fraction, the mean learned parameters and seconds per
epoch, as numbers and as the table cells the report must print.
"""
import json
import math
import sys

import numpy as np
import scipy
from scipy import stats

GROUPS = [
    {
        "recipe": "adam",
        "seeds": [1, 2, 3, 4, 5],
        "rows": {
            "relu": [0.120, 0.115, 0.130, 0.125, 0.118],
            "elu": [0.121, 0.113, 0.131, 0.126, 0.119],
            "prelu": [0.116, 0.114, 0.124, 0.122, 0.115],
            "pvlu": [0.108, 0.104, 0.117, 0.113, 0.106],
        },
    },
    {
        "recipe": "sgd",
        "seeds": [1, 2, 3, 4],
        "rows": {
            "relu": [0.200, 0.210, 0.190, 0.205],
            "pvlu": [0.195, 0.207, 0.180, 0.199],
        },
    },
]
# Per-trial diagnostics: dead fraction of layers act1, act2; pvlu's learned
# a and b of act1, act2; seconds per epoch. Seed s (1-based) of every row
# uses entry s-1.
DEAD = [[0.10, 0.30], [0.20, 0.20], [0.00, 0.50], [0.10, 0.10], [0.25, 0.35]]
PVLU_A = [[0.11, 0.13], [0.12, 0.14], [0.10, 0.16], [0.13, 0.11], [0.12, 0.12]]
PVLU_B = [[1.01, 1.03], [1.02, 1.00], [0.99, 1.05], [1.04, 1.02], [1.00, 1.01]]
SECONDS = [1.5, 1.7, 1.6, 1.4, 1.8]


def fmt_p(p):
    return "<0.001" if p < 0.001 else "%.2g" % p


def holm(ps):
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i])
    adj = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * ps[i]))
        adj[i] = running
    return adj


def main():
    out = {"generator": "scipy " + scipy.__version__, "dead": DEAD, "pvlu_a": PVLU_A, "pvlu_b": PVLU_B,
           "seconds": SECONDS, "groups": []}
    comparisons = []
    for g in GROUPS:
        seeds = g["seeds"]
        k = len(seeds)
        base = np.array(g["rows"]["relu"])
        rows = []
        for act, errs in g["rows"].items():
            x = np.array(errs)
            mean = float(np.mean(x))
            se = float(np.std(x, ddof=1)) / math.sqrt(k)
            lo, hi = stats.t.interval(0.95, k - 1, loc=mean, scale=se)
            dead = float(np.mean([np.mean(DEAD[s - 1]) for s in seeds]))
            secs = float(np.mean([SECONDS[s - 1] for s in seeds]))
            row = {
                "activation": act, "test_err": errs, "mean": mean, "ci_lo": float(lo), "ci_hi": float(hi),
                "dead": dead, "epoch_seconds": secs,
                "cells": {"err": "%.2f [%.2f, %.2f]" % (100 * mean, 100 * lo, 100 * hi),
                          "dead": "%.1f" % (100 * dead), "epoch": "%.2f" % secs},
            }
            if act == "pvlu":
                a = float(np.mean([np.mean(PVLU_A[s - 1]) for s in seeds]))
                b = float(np.mean([np.mean(PVLU_B[s - 1]) for s in seeds]))
                row["learned"] = {"a": a, "b": b}
                row["cells"]["learned"] = "a=%.3g b=%.3g" % (a, b)
            if act != "relu":
                diff = x - base
                t = stats.ttest_rel(x, base)
                row["rer"] = float((np.mean(base) - mean) / np.mean(base))
                row["p"] = float(t.pvalue)
                row["cohen_dz"] = float(np.mean(diff) / np.std(diff, ddof=1))
                comparisons.append(row)
            rows.append(row)
        out["groups"].append({"recipe": g["recipe"], "seeds": seeds, "rows": rows})
    for row, p_adj in zip(comparisons, holm([r["p"] for r in comparisons])):
        row["p_adjusted"] = p_adj
        row["cells"].update({"rer": "%+.1f" % (100 * row["rer"]), "p": fmt_p(row["p"]), "p_adj": fmt_p(p_adj),
                             "dz": "%+.2f" % row["cohen_dz"]})
        # The verdict: -RER with its BCa interval (bootstrap: not reproduced
        # here) when p (adj) < 0.05, else "~ (p=... n=...)".
        n = len(row["test_err"])
        p_text = "p" + fmt_p(p_adj) if p_adj < 0.001 else "p=" + fmt_p(p_adj)
        if p_adj < 0.05:
            row["cells"]["verdict_prefix"] = "%+.1f%% [" % (-100 * row["rer"])
            row["cells"]["verdict_suffix"] = "] %s n=%d" % (p_text, n)
        else:
            row["cells"]["verdict_prefix"] = "~ (%s n=%d)" % (p_text, n)
            row["cells"]["verdict_suffix"] = ""
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


main()

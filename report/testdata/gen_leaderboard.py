#!/usr/bin/python3
"""Expected values for leaderboard_test.go, from scipy (independent of package stats).

Run from the repository root with Debian's python3-scipy:

    /usr/bin/python3 report/testdata/gen_leaderboard.py > report/testdata/leaderboard.json

Two hand-made cells (simplecnn on cifar10 and on cifar100, one recipe) with:
- an incomplete seed: seed 6 of cell 1 was finished only by relu and pvlu, so
  it is left out of every comparison (its huge s/epoch must not count);
- a diverged run that still has test metrics (tanh, cell 1, seed 2: its last
  finite test error 0.9 must not be used) and one that diverged before its
  first epoch ended (gelu, cell 2, seed 3: no test metrics);
- an activation in one cell only (gelu), left out of the overall ranking.

For every cell the file holds, per activation in leaderboard order: the mean
test error with its Student-t 95 % CI, the RER of the means against relu, the
paired t p-values (scipy ttest_rel) against relu and against the best
activation, Holm-adjusted over that family (each pair once), the compact
letter display of all pairs (Holm over all pairs), the mean rank over seeds
(scipy rankdata, diverged runs last), s/epoch and parameters; and the table
cells the renderings must print. The letters are written by hand below from
the all-pairs p-values and checked here against their definition (two
activations share a letter exactly when their adjusted p >= 0.05). Across the
cells: the mean rank (rankdata of the cells' means, diverged last) of the
activations present in every cell.
"""
import json
import math
import sys

import numpy as np
import scipy
from scipy import stats

DIV = "diverged"  # diverged, with the last finite test error 0.9 recorded
DIV0 = "diverged-untested"  # diverged before the first epoch ended
CELLS = [
    {
        "dataset": "cifar10",
        "seeds": [1, 2, 3, 4, 5, 6],
        # activation: test error per seed (None = no record of that seed)
        "rows": {
            "relu": [0.300, 0.310, 0.295, 0.305, 0.290, 0.300],
            "elu": [0.301, 0.308, 0.297, 0.306, 0.291, None],
            "prelu": [0.285, 0.296, 0.281, 0.292, 0.277, None],
            "pvlu": [0.284, 0.294, 0.282, 0.290, 0.276, 0.280],
            "tanh": [0.350, DIV, 0.345, 0.355, 0.340, None],
        },
        # relu's validation error over the last 3 epochs, per seed
        "relu_val": [[0.320, 0.318, 0.317], [0.330, 0.331, 0.328], [0.310, 0.309, 0.309],
                     [0.325, 0.322, 0.323], [0.300, 0.301, 0.299], [0.3, 0.3, 0.3]],
        # letters by hand (leaderboard order: pvlu, prelu, relu... see the check)
        "letters": {"pvlu": "a", "prelu": "a", "elu": "b", "relu": "b", "tanh": ""},
    },
    {
        "dataset": "cifar100",
        "seeds": [1, 2, 3, 4],
        "rows": {
            "relu": [0.700, 0.690, 0.710, 0.704],
            "elu": [0.690, 0.684, 0.698, 0.696],
            "prelu": [0.660, 0.652, 0.671, 0.665],
            "pvlu": [0.668, 0.650, 0.676, 0.662],
            "tanh": [0.760, 0.745, 0.770, 0.751],
            "gelu": [0.688, 0.689, DIV0, 0.690],
        },
        "relu_val": [[0.730, 0.720, 0.712], [0.725, 0.716, 0.705], [0.740, 0.728, 0.719], [0.735, 0.722, 0.714]],
        "letters": {},  # filled in below once the p-values are known (see main)
    },
]
ACT_PARAMS = {"prelu": 5, "pvlu": 10}
PARAMS = 1000  # weights of the model, without activation parameters
# s/epoch of seed s (1-based) is SECONDS[s-1] + 0.1 * (index of the activation)
SECONDS = [1.5, 1.7, 1.6, 1.4, 1.8, 99.0]


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


def value(v):
    return float("nan") if v in (DIV, DIV0) else v


def cell(c, hand_letters):
    acts = list(c["rows"])
    seeds = [s for i, s in enumerate(c["seeds"]) if all(c["rows"][a][i] is not None for a in acts)]
    dropped = [s for s in c["seeds"] if s not in seeds]
    idx = [c["seeds"].index(s) for s in seeds]
    x = {a: np.array([value(c["rows"][a][i]) for i in idx]) for a in acts}
    finite = [a for a in acts if not np.isnan(x[a]).any()]
    diverged = [a for a in acts if a not in finite]
    order = sorted(finite, key=lambda a: (np.mean(x[a]), acts.index(a))) + diverged
    best = order[0]
    n = len(seeds)

    # All pairs, Holm: the letters' family.
    pairs = [(a, b) for i, a in enumerate(finite) for b in finite[i + 1:]]
    p_all = holm([float(stats.ttest_rel(x[a], x[b]).pvalue) for a, b in pairs])
    p_pair = {frozenset(p): q for p, q in zip(pairs, p_all)}
    letters = hand_letters
    for a, b in pairs:
        share = bool(set(letters[a]) & set(letters[b]))
        if share != (p_pair[frozenset((a, b))] >= 0.05):
            raise SystemExit("letters %s=%s %s=%s contradict Holm p %g" % (a, letters[a], b, letters[b], p_pair[frozenset((a, b))]))
    if letters[best] != "a":
        raise SystemExit("the best activation must be in group a")

    # The family against the baseline and the best, each pair once.
    fam = []
    for a in finite:
        for ref in ("relu", best):
            if a != ref and frozenset((a, ref)) not in fam:
                fam.append(frozenset((a, ref)))
    raw = [float(stats.ttest_rel(*[x[v] for v in sorted(p)]).pvalue) for p in fam]
    adj = holm(raw)
    fam_p = {p: (r, q) for p, r, q in zip(fam, raw, adj)}

    # Mean rank over seeds: diverged runs last.
    ranks = np.array([stats.rankdata([np.inf if np.isnan(x[a][j]) else x[a][j] for a in acts]) for j in range(n)])
    mean_rank = {a: float(np.mean(ranks[:, i])) for i, a in enumerate(acts)}

    base = x["relu"]
    entries = []
    for pos, a in enumerate(order, 1):
        div = int(np.isnan(x[a]).sum())
        secs = float(np.mean([SECONDS[s - 1] + 0.1 * acts.index(a) for s in seeds]))
        params = PARAMS + ACT_PARAMS.get(a, 0)
        label = a + {(True, True): " (base, best)", (True, False): " (base)", (False, True): " (best)"}.get((a == "relu", a == best), "")
        e = {"position": pos, "activation": a, "n": n, "diverged": div, "letters": letters[a], "mean_rank": mean_rank[a],
             "epoch_seconds": secs, "params": params, "act_params": ACT_PARAMS.get(a, 0),
             "test_err": [None if np.isnan(v) else float(v) for v in x[a]]}
        cells = {"label": label, "err": "%d/%d diverged" % (div, n), "rer": "-", "p_base": "-", "p_best": "-",
                 "group": letters[a] or "-", "mean_rank": "%.2f" % mean_rank[a], "epoch": "%.2f" % secs,
                 "params": str(params), "n": str(n), "div": str(div), "position": str(pos)}
        if a in finite:
            mean = float(np.mean(x[a]))
            se = float(np.std(x[a], ddof=1)) / math.sqrt(n)
            lo, hi = stats.t.interval(0.95, n - 1, loc=mean, scale=se)
            e.update({"mean": mean, "ci_lo": float(lo), "ci_hi": float(hi)})
            cells["err"] = "%.2f [%.2f, %.2f]" % (100 * mean, 100 * lo, 100 * hi)
            if a != "relu":
                e["rer"] = float((np.mean(base) - mean) / np.mean(base))
                cells["rer"] = "%+.1f [" % (100 * e["rer"])
                e["p_base"], e["p_base_adj"] = fam_p[frozenset((a, "relu"))]
                cells["p_base"] = fmt_p(e["p_base_adj"])
            if a != best:
                e["p_best"], e["p_best_adj"] = fam_p[frozenset((a, best))]
                cells["p_best"] = fmt_p(e["p_best_adj"])
        e["cells"] = cells
        entries.append(e)

    v = np.mean(np.array([c["relu_val"][c["seeds"].index(s)] for s in seeds]), axis=0)
    move = float(100 * (v.max() - v.min()))
    return {"dataset": c["dataset"], "seeds": seeds, "dropped": dropped, "best": best, "family": len(fam),
            "pairs": len(pairs), "baseline_val_move_pp": move, "entries": entries,
            "p_all_pairs": {"%s,%s" % tuple(sorted(p)): q for p, q in p_pair.items()}}


def main():
    # Cell 2's letters, read off its Holm-adjusted all-pairs p-values
    # (printed to stderr): prelu and pvlu do not differ (a); every other
    # pair does, so elu, relu and tanh each stand alone.
    CELLS[1]["letters"] = {"prelu": "a", "pvlu": "a", "elu": "b", "relu": "c", "tanh": "d", "gelu": ""}
    # The inputs, rows as a list (the order is the grid's activation order).
    cells_in = [{"dataset": c["dataset"], "seeds": c["seeds"], "relu_val": c["relu_val"],
                 "rows": [{"activation": a, "test_err": v} for a, v in c["rows"].items()]} for c in CELLS]
    out = {"generator": "scipy " + scipy.__version__, "cells_in": cells_in, "act_params": ACT_PARAMS, "params": PARAMS,
           "seconds": SECONDS, "cells": []}
    for c in CELLS:
        res = cell(c, c["letters"])
        print(c["dataset"], json.dumps(res["p_all_pairs"], indent=1), file=sys.stderr)
        out["cells"].append(res)

    # Overall: activations in every cell, ranked per cell by mean (diverged last).
    acts = [a for a in CELLS[0]["rows"] if all(a in c["rows"] for c in CELLS)]
    left_out = sorted({a for c in CELLS for a in c["rows"] if a not in acts})
    means = []
    for res in out["cells"]:
        m = {e["activation"]: e.get("mean", np.inf) for e in res["entries"]}
        means.append([m[a] for a in acts])
    ranks = np.array([stats.rankdata(row) for row in means])
    mean_rank = ranks.mean(axis=0)
    order = sorted(range(len(acts)), key=lambda i: (mean_rank[i], acts[i]))
    out["overall"] = {
        "left_out": left_out,
        "rows": [{"activation": acts[i], "mean_rank": float(mean_rank[i]),
                  "cell_means": [None if np.isinf(m[i]) else float(m[i]) for m in means],
                  "cells": {"mean_rank": "%.2f" % mean_rank[i],
                            "cell_means": ["diverged" if np.isinf(m[i]) else "%.2f" % (100 * m[i]) for m in means]}}
                 for i in order],
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


main()

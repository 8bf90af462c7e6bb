#!/usr/bin/python3
"""Golden values for stats.Rank, from scipy (an independent implementation).

Run from the repository root with Debian's python3-scipy:

    /usr/bin/python3 stats/testdata/gen_ranking.py > stats/testdata/ranking.json

Six treatments x 5 paired seeds of test errors (one treatment diverged in one
seed: NaN). Every pair of finite treatments is tested with scipy's paired t
test (two-sided); the p-values of all pairs are Holm-adjusted together here,
written out from the definition; mean ranks are scipy.stats.rankdata per seed
(average ties; the diverged value ranked last) averaged over seeds.
"""
import json
import math

import numpy as np
from scipy import stats

rng = np.random.default_rng(7)
means = [0.40, 0.36, 0.355, 0.41, 0.30, 0.38]
seed_effect = rng.normal(0, 0.01, 5)
samples = [[round(m + s + rng.normal(0, 0.004), 4) for s in seed_effect] for m in means]
samples[5][2] = float("nan")  # a diverged run
samples[1][3] = samples[2][3]  # a tie within a seed

finite = [t for t, s in enumerate(samples) if all(math.isfinite(v) for v in s)]
pairs, raw = [], []
for a, i in enumerate(finite):
    for j in finite[a + 1:]:
        pairs.append((i, j))
        raw.append(float(stats.ttest_rel(samples[j], samples[i]).pvalue))

m = len(raw)
order = np.argsort(raw, kind="stable")
holm = [0.0] * m
running = 0.0
for rank, idx in enumerate(order):
    running = max(running, min(1.0, (m - rank) * raw[idx]))
    holm[idx] = running

k = len(samples)
p = [[None] * k for _ in range(k)]
for (i, j), v in zip(pairs, holm):
    p[i][j] = p[j][i] = v

ranks = np.zeros(k)
for b in range(5):
    block = [s[b] if math.isfinite(s[b]) else math.inf for s in samples]
    ranks += stats.rankdata(block)
ranks /= 5

print(json.dumps({"samples": [[v if math.isfinite(v) else "NaN" for v in s] for s in samples],
                  "p_holm": p, "mean_rank": ranks.tolist()}, indent=1))

#!/usr/bin/python3
"""Golden values for package stats, from an independent implementation (scipy).

Run from the repository root with Debian's python3-scipy:

    /usr/bin/python3 stats/testdata/gen_golden.py > stats/testdata/golden.json

Every difference is cand - base, as in the Go package: scipy is called with
x = cand, y = base. The method (exact or normal approximation) is chosen by the
package's documented rule and passed to scipy explicitly. Degenerate inputs
whose result the package defines itself (all differences zero, zero spread)
are not here: scipy gives NaN for them; stats_test.go checks the documented
values.
"""
import json
import math
import sys
import warnings

import numpy as np
import scipy
from scipy import stats, special

warnings.simplefilter("ignore")  # scipy warns about small-n approximations, by design here

ALTS = ["two-sided", "less", "greater"]
CONF = 0.95


def summary(x):
    x = np.asarray(x, dtype=float)
    n = len(x)
    mean = float(np.mean(x))
    sd = float(np.std(x, ddof=1))
    se = sd / math.sqrt(n)
    lo, hi = stats.t.interval(CONF, n - 1, loc=mean, scale=se) if se > 0 else (mean, mean)
    s = np.sort(x)
    # order-statistic median CI: largest k with P(k <= B <= n-k) >= CONF
    best = 0
    for k in range(1, n // 2 + 1):
        cov = stats.binom.cdf(n - k, n, 0.5) - stats.binom.cdf(k - 1, n, 0.5)
        if cov >= CONF:
            best = k
        else:
            break
    if best == 0:
        mlo, mhi, cov, ok = s[0], s[-1], 1 - 2 * 0.5 ** n, False
    else:
        mlo, mhi, ok = s[best - 1], s[n - best], True
        cov = stats.binom.cdf(n - best, n, 0.5) - stats.binom.cdf(best - 1, n, 0.5)
    return dict(n=n, mean=mean, sd=sd, se=se, median=float(np.median(x)),
                mean_ci=[float(lo), float(hi)], median_ci=[float(mlo), float(mhi)],
                median_coverage=float(cov), median_ci_ok=ok)


def hedges_j(df):
    return math.exp(special.gammaln(df / 2) - 0.5 * math.log(df / 2) - special.gammaln((df - 1) / 2))


def exact_power_n(es, alpha, paired, alt="two-sided", power=0.8):
    """Smallest n whose exact (noncentral t) power reaches `power`."""
    for n in range(2, 100000):
        if paired:
            df, ncp = n - 1, es * math.sqrt(n)
        else:
            df, ncp = 2 * n - 2, es * math.sqrt(n / 2)
        if alt == "two-sided":
            c = stats.t.ppf(1 - alpha / 2, df)
            pw = stats.nct.sf(c, df, ncp) + stats.nct.cdf(-c, df, ncp)
        else:
            c = stats.t.ppf(1 - alpha, df)
            pw = stats.nct.sf(c, df, ncp)
        if pw >= power:
            return n
    return 0


def has_ties(v):
    return len(np.unique(v)) != len(v)


def paired_case(name, base, cand):
    base = np.asarray(base, dtype=float)
    cand = np.asarray(cand, dtype=float)
    d = cand - base
    n = len(d)
    out = dict(name=name, paired=True, base=base.tolist(), cand=cand.tolist(),
               base_summary=summary(base), cand_summary=summary(cand))
    if np.std(d) > 0:
        out["diff_summary"] = summary(d)
    tests = {}
    if np.std(d, ddof=1) > 0:
        for alt in ALTS:
            r = stats.ttest_rel(cand, base, alternative=alt)
            tests["paired-t/" + alt] = dict(statistic=float(r.statistic), p=float(r.pvalue), df=n - 1)
    nz = d[d != 0]
    if len(nz) > 0:
        exact = len(nz) == n and not has_ties(np.abs(nz)) and n <= 50
        ranks = stats.rankdata(np.abs(nz))
        wplus = float(np.sum(ranks[nz > 0]))
        for alt in ALTS:
            r = stats.wilcoxon(cand, base, alternative=alt, zero_method="wilcox",
                               correction=True, method="exact" if exact else "approx")
            t = dict(statistic=wplus, p=float(r.pvalue), method="exact" if exact else "approx", n=len(nz))
            if not exact:
                t["abs_z"] = abs(float(r.zstatistic))
            tests["wilcoxon/" + alt] = t
    if n <= 20 and np.any(d != 0):
        for alt in ALTS:
            r = stats.permutation_test((cand, base), lambda x, y, axis: np.mean(x - y, axis=axis),
                                       permutation_type="samples", vectorized=True,
                                       n_resamples=np.inf, alternative=alt, batch=1 << 14)
            tests["sign-flip/" + alt] = dict(statistic=float(np.mean(d)), p=float(r.pvalue))
    out["tests"] = tests
    sd = float(np.std(d, ddof=1))
    if sd > 0:
        dz = float(np.mean(d)) / sd
        eff = dict(cohen_d=dz)
        if n - 1 >= 2:
            eff["hedges_g"] = dz * hedges_j(n - 1)
        out["effect"] = eff
        mb = float(np.mean(base))
        rer = (mb - float(np.mean(cand))) / mb
        es = abs(rer * mb) / sd
        if 0 < es < 20:
            out["power"] = dict(target_rer=rer, sd=sd, n_exact=exact_power_n(es, 0.05, True))
    out["p_better"] = float(np.mean((cand < base) + 0.5 * (cand == base)))
    return out


def unpaired_case(name, base, cand):
    base = np.asarray(base, dtype=float)
    cand = np.asarray(cand, dtype=float)
    n1, n2 = len(cand), len(base)
    out = dict(name=name, paired=False, base=base.tolist(), cand=cand.tolist(),
               base_summary=summary(base), cand_summary=summary(cand))
    tests = {}
    if np.var(base) + np.var(cand) > 0:
        for alt in ALTS:
            r = stats.ttest_ind(cand, base, equal_var=False, alternative=alt)
            vb, vc = np.var(base, ddof=1) / n2, np.var(cand, ddof=1) / n1
            df = (vb + vc) ** 2 / (vb ** 2 / (n2 - 1) + vc ** 2 / (n1 - 1))
            tests["welch-t/" + alt] = dict(statistic=float(r.statistic), p=float(r.pvalue), df=float(df))
    xy = np.concatenate([cand, base])
    if len(np.unique(xy)) > 1:
        exact = not has_ties(xy) and n1 <= 50 and n2 <= 50
        for alt in ALTS:
            r = stats.mannwhitneyu(cand, base, alternative=alt, use_continuity=True,
                                   method="exact" if exact else "asymptotic")
            tests["mann-whitney/" + alt] = dict(statistic=float(r.statistic), p=float(r.pvalue),
                                                method="exact" if exact else "approx")
    out["tests"] = tests
    sp = math.sqrt(((n1 - 1) * np.var(cand, ddof=1) + (n2 - 1) * np.var(base, ddof=1)) / (n1 + n2 - 2))
    if sp > 0:
        dd = (float(np.mean(cand)) - float(np.mean(base))) / sp
        out["effect"] = dict(cohen_d=dd, hedges_g=dd * hedges_j(n1 + n2 - 2))
        mb = float(np.mean(base))
        rer = (mb - float(np.mean(cand))) / mb
        sd = math.sqrt((np.var(base, ddof=1) + np.var(cand, ddof=1)) / 2)
        es = abs(rer * mb) / sd
        if 0 < es < 20:
            out["power"] = dict(target_rer=rer, sd=sd, n_exact=exact_power_n(es, 0.05, False))
    out["p_better"] = float(np.mean((cand[:, None] < base[None, :]) + 0.5 * (cand[:, None] == base[None, :])))
    return out


def rer_stat(b, c, axis=-1):
    mb = np.mean(b, axis=axis)
    return (mb - np.mean(c, axis=axis)) / mb


def pbetter_paired(b, c, axis=-1):
    return np.mean((c < b) + 0.5 * (c == b), axis=axis)


def pbetter_unpaired(b, c):
    return float(np.mean((c[:, None] < b[None, :]) + 0.5 * (c[:, None] == b[None, :])))


def bootstrap_case(name, base, cand, paired, resamples, seed):
    base = np.asarray(base, dtype=float)
    cand = np.asarray(cand, dtype=float)
    out = dict(name=name, paired=paired, base=base.tolist(), cand=cand.tolist(), resamples=resamples)
    stats_ = {"rer": rer_stat}
    if paired:
        stats_["p_better"] = pbetter_paired
        stats_["mean_seed_rer"] = lambda b, c, axis=-1: np.mean((b - c) / b, axis=axis)
    for key, fn in stats_.items():
        res = {}
        for method in ("percentile", "BCa"):
            r = stats.bootstrap((base, cand), fn, paired=paired, vectorized=True, n_resamples=resamples,
                                confidence_level=CONF, method=method, random_state=np.random.default_rng(seed))
            res[method.lower()] = [float(r.confidence_interval.low), float(r.confidence_interval.high)]
        res["value"] = float(fn(base, cand))
        out[key] = res
    if not paired:
        res = {}
        for method in ("percentile", "BCa"):
            r = stats.bootstrap((base, cand), lambda b, c: pbetter_unpaired(b, c), paired=False,
                                vectorized=False, n_resamples=resamples // 4, confidence_level=CONF,
                                method=method, random_state=np.random.default_rng(seed))
            res[method.lower()] = [float(r.confidence_interval.low), float(r.confidence_interval.high)]
        res["value"] = pbetter_unpaired(base, cand)
        res["resamples"] = resamples // 4
        out["p_better"] = res
    return out


def adjust_ref(p, method):
    """Textbook definitions, written as sums over ranks (not the Go code's loops)."""
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    ps = p[order]
    if method == "bonferroni":
        adj = np.minimum(1, ps * m)
    elif method == "holm":
        adj = np.array([max(min(1, (m - j) * ps[j]) for j in range(i + 1)) for i in range(m)])
    else:
        adj = np.array([min(min(1, m / (j + 1) * ps[j]) for j in range(i, m)) for i in range(m)])
    out = np.empty(m)
    out[order] = adj
    return out.tolist()


def main():
    rng = np.random.default_rng(20261127)
    paired, unpaired, boot, adjust = [], [], [], []

    # n = 2..30, the usual regime: errors near 0.3, seed-to-seed spread 0.01,
    # a shared seed effect (so pairing helps) and a true reduction of 0..8 %.
    for n in range(2, 31):
        seed_effect = rng.normal(0, 0.01, n)
        base = 0.30 + seed_effect + rng.normal(0, 0.004, n)
        cand = 0.30 * (1 - rng.uniform(0, 0.08)) + seed_effect + rng.normal(0, 0.004, n)
        paired.append(paired_case(f"paired-n{n}", base, cand))
        m = max(2, n - (n % 3))  # unequal sizes too
        unpaired.append(unpaired_case(f"unpaired-n{n}+{m}", base, cand[:m]))

    # Ties: values rounded to 2 decimals give tied |differences| and tied values.
    for n in (5, 8, 12, 25):
        base = np.round(0.30 + rng.normal(0, 0.01, n), 2)
        cand = np.round(0.29 + rng.normal(0, 0.01, n), 2)
        if np.all(cand == base):
            cand[0] += 0.01
        paired.append(paired_case(f"ties-n{n}", base, cand))
        unpaired.append(unpaired_case(f"ties-unpaired-n{n}", base, cand))

    # Zero differences among nonzero ones (the same accuracy on some seeds).
    for n in (4, 7, 15):
        base = 0.30 + rng.normal(0, 0.01, n)
        cand = base - rng.uniform(0, 0.01, n)
        cand[: n // 3 + 1] = base[: n // 3 + 1]
        paired.append(paired_case(f"zeros-n{n}", base, cand))

    # Identical samples compared unpaired (t = 0, every value tied).
    x = 0.30 + rng.normal(0, 0.01, 6)
    unpaired.append(unpaired_case("identical-unpaired", x, x.copy()))

    # Huge and tiny variances, and huge and tiny scales.
    for label, scale, sd in (("huge-var", 1.0, 5.0), ("tiny-var", 0.3, 1e-9), ("huge-scale", 1e6, 1e5),
                             ("tiny-scale", 1e-9, 1e-10)):
        for n in (5, 10):
            base = scale + rng.normal(0, sd, n)
            cand = scale * 0.97 + rng.normal(0, sd, n)
            paired.append(paired_case(f"{label}-n{n}", base, cand))
            unpaired.append(unpaired_case(f"{label}-unpaired-n{n}", base, cand))
    # One sample constant, the other not (Welch's df from one variance).
    unpaired.append(unpaired_case("one-constant", [0.3, 0.3, 0.3, 0.3], [0.28, 0.29, 0.27, 0.285]))

    # Large n: Wilcoxon exact up to 50 nonzero differences, approximation beyond;
    # Mann-Whitney exact up to 50 each.
    for n in (40, 50, 60):
        base = 0.30 + rng.normal(0, 0.01, n)
        cand = 0.297 + rng.normal(0, 0.01, n)
        paired.append(paired_case(f"large-n{n}", base, cand))
        unpaired.append(unpaired_case(f"large-unpaired-n{n}", base, cand))

    # Bootstrap: scipy.stats.bootstrap with many resamples (small MC error).
    b5 = [0.312, 0.305, 0.298, 0.320, 0.301]
    c5 = [0.290, 0.281, 0.301, 0.285, 0.279]
    boot.append(bootstrap_case("paired-n5", b5, c5, True, 50000, 1))
    base = 0.30 + rng.normal(0, 0.01, 12)
    cand = 0.29 + rng.normal(0, 0.012, 12)
    boot.append(bootstrap_case("paired-n12", base, cand, True, 50000, 2))
    boot.append(bootstrap_case("unpaired-n8+10", base[:8], cand[:10], False, 50000, 3))
    base = 0.30 + rng.normal(0, 0.02, 25)
    cand = 0.27 + rng.normal(0, 0.02, 20)
    boot.append(bootstrap_case("unpaired-n25+20", base, cand, False, 50000, 4))

    for m in (1, 2, 5, 13):
        p = rng.uniform(0, 0.2, m)
        if m > 2:
            p[1] = p[2]  # a tie
        for method in ("holm", "bonferroni", "bh"):
            adjust.append(dict(method=method, p=p.tolist(), adjusted=adjust_ref(p, method)))

    json.dump(dict(generator="stats/testdata/gen_golden.py", scipy=scipy.__version__, numpy=np.__version__,
                   confidence=CONF, paired=paired, unpaired=unpaired, bootstrap=boot, adjust=adjust),
              sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

// Package stats decides whether a difference between two sets of benchmark
// results is real: per-sample summaries with confidence intervals, the
// relative error reduction (RER) of a candidate against a baseline with
// seeded bootstrap intervals, paired and unpaired tests, effect sizes, a power
// hint, multiple-comparison adjustment and a one-line verdict.
//
// Conventions. Values are errors, losses or times: lower is better. Every
// difference is candidate minus baseline, so a negative mean difference, a
// negative Cohen's d and a positive RER all mean the candidate is better.
// RER = (mean(base) - mean(cand)) / mean(base); the verdict prints the
// relative change of the mean, -RER, as benchstat does ("-11.3%" is an 11.3 %
// error reduction). The ratio assumes positive values: with a negative
// baseline it would flip sign, so the RER and its intervals are left out
// (nil, with a warning) when the baseline mean is <= 0, and the per-seed RER
// when any baseline value is <= 0; bootstrap resamples whose baseline mean
// is <= 0 are dropped (counted in the Estimate's note). Without an RER the
// verdict shows the difference of means.
//
// Which test decides the verdict (Comparison.Primary): the paired t test for
// paired samples (seed i of the baseline against seed i of the candidate) and
// Welch's t test otherwise. Both test the difference of means, the quantity
// the RER is built on, and both can reach small p-values with the 3 to 10
// seeds a training benchmark affords. The rank tests (Wilcoxon signed-rank,
// Mann-Whitney U) and the exact sign-flip permutation test are reported next
// to it as checks that do not assume normality; a warning says when n is too
// small for them to reach alpha at all.
//
// Degenerate input. Fewer than 2 values, a NaN or an infinity, a nonzero
// value whose magnitude is above MaxMagnitude (1e150) or below MinMagnitude
// (1e-150), where variances would overflow or underflow (rescale the data),
// and paired samples of different lengths are errors (ErrTooFew,
// ErrNotFinite, ErrMagnitude, ErrLength). Samples without spread are defined
// results, never NaN: when all differences are zero (unpaired: all values
// equal) every test reports p = 1 and statistic 0, except Mann-Whitney, whose
// U is then its null mean n1*n2/2; when the spread is zero but the means
// differ, t statistics and Cohen's d are ±Inf (written to JSON as the strings
// "+Inf" and "-Inf") and the t tests' p is 0.
// An RER is absent (nil) when the baseline mean is <= 0, with a warning.
//
// JSON field names (all results marshal with encoding/json):
//
//	Interval:   lo, hi, level (requested confidence), coverage (exact coverage of
//	            an order-statistic median interval; omitted otherwise)
//	Summary:    n, mean, sd, se, median, min, max, mean_ci (Student t),
//	            median_ci (order statistics), warnings
//	TestResult: name (paired-t, wilcoxon, sign-flip, welch-t, mann-whitney),
//	            method, alternative, statistic, df (t tests), z (normal
//	            approximations), n, p, p_adjusted, adjustment (none, holm,
//	            bonferroni, bh), note. df and z are omitted when not used;
//	            z is also omitted when it is exactly 0 (read a missing z of a
//	            normal approximation as 0).
//	            statistic is t for the t tests, W+ (sum of the ranks of the
//	            positive differences cand-base) for wilcoxon, the mean difference
//	            for sign-flip and U of the candidate for mann-whitney.
//	Estimate:   value, percentile_ci, bca_ci, resamples, seed, mc_error (Monte
//	            Carlo standard error of the interval ends), note
//	Effects:    cohen_d (d_z when paired), kind ("d_z" or "d"), hedges_g (omitted
//	            when df < 2), p_better (an Estimate: probability that the
//	            candidate is better, ties counting one half)
//	PowerHint:  target_rer, diff, sd, alpha, power, n, note
//	Comparison: paired, alpha, confidence, alternative, base, cand, diff (paired
//	            only), mean_diff, rel_change, rer, seed_rer (per paired seed),
//	            mean_seed_rer, tests, primary, effect, power, warnings, verdict
package stats

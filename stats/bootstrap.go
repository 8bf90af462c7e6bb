package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// DefaultResamples is the number of bootstrap resamples when Options leaves
// it zero. With 10000 the Monte Carlo error of a 95 % interval end is
// typically about 1 % of the interval's width.
const DefaultResamples = 10000

// Estimate is a point estimate with bootstrap confidence intervals.
type Estimate struct {
	Value float64 `json:"value"`
	// Percentile is the percentile bootstrap interval.
	Percentile Interval `json:"percentile_ci"`
	// BCa is the bias-corrected and accelerated interval (Efron 1987), with
	// the acceleration from the jackknife, computed as scipy.stats.bootstrap
	// does. When the bias correction is undefined (the estimate lies outside
	// every resample) it equals Percentile and Note says so.
	BCa       Interval `json:"bca_ci"`
	Resamples int      `json:"resamples"`
	Seed      uint64   `json:"seed"`
	// MCError is the largest Monte Carlo standard error of the four interval
	// ends, estimated from the bootstrap distribution's own order
	// statistics: rerunning with another seed moves an end by about this.
	MCError float64 `json:"mc_error"`
	Note    string  `json:"note,omitempty"`
}

// statFunc is a statistic of a (resampled) baseline and candidate.
type statFunc func(base, cand []float64) float64

// bootstrap estimates each statistic on (base, cand) with percentile and BCa
// intervals from b resamples drawn with the given seed. Paired resampling
// draws seeds (index i of both samples together); unpaired resampling draws
// each sample on its own. A statistic that is not finite on the data gives a
// nil Estimate; resamples on which it is not finite are dropped and counted
// in Note.
func bootstrap(base, cand []float64, paired bool, fns []statFunc, b int, seed uint64, confidence float64) []*Estimate {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	nb, nc := len(base), len(cand)
	bb := make([]float64, nb)
	cb := make([]float64, nc)
	reps := make([][]float64, len(fns))
	for k := range reps {
		reps[k] = make([]float64, 0, b)
	}
	for range b {
		if paired {
			for i := range bb {
				j := rng.IntN(nb)
				bb[i], cb[i] = base[j], cand[j]
			}
		} else {
			for i := range bb {
				bb[i] = base[rng.IntN(nb)]
			}
			for i := range cb {
				cb[i] = cand[rng.IntN(nc)]
			}
		}
		for k, fn := range fns {
			reps[k] = append(reps[k], fn(bb, cb))
		}
	}
	jack := jackknife(base, cand, paired, fns)
	out := make([]*Estimate, len(fns))
	for k, fn := range fns {
		theta := fn(base, cand)
		if math.IsNaN(theta) || math.IsInf(theta, 0) {
			continue
		}
		out[k] = interval(theta, reps[k], jack[k], b, seed, confidence)
	}
	return out
}

// jackknife returns, per statistic, the leave-one-out values grouped as
// scipy groups them: one group of n pairs when paired, else a group leaving
// out each baseline value and a group leaving out each candidate value.
func jackknife(base, cand []float64, paired bool, fns []statFunc) [][][]float64 {
	out := make([][][]float64, len(fns))
	leaveOut := func(xs []float64, i int) []float64 {
		ys := make([]float64, 0, len(xs)-1)
		return append(append(ys, xs[:i]...), xs[i+1:]...)
	}
	for k, fn := range fns {
		if paired {
			g := make([]float64, len(base))
			for i := range base {
				g[i] = fn(leaveOut(base, i), leaveOut(cand, i))
			}
			out[k] = [][]float64{g}
			continue
		}
		gb := make([]float64, len(base))
		for i := range base {
			gb[i] = fn(leaveOut(base, i), cand)
		}
		gc := make([]float64, len(cand))
		for i := range cand {
			gc[i] = fn(base, leaveOut(cand, i))
		}
		out[k] = [][]float64{gb, gc}
	}
	return out
}

// acceleration is the BCa acceleration from jackknife groups (Efron and
// Tibshirani 1993, eq. 14.15, summed over samples as in scipy). It is 0 when
// the jackknife values do not vary.
func acceleration(groups [][]float64) float64 {
	num, den := 0.0, 0.0
	for _, g := range groups {
		n := float64(len(g))
		mean := 0.0
		for _, x := range g {
			mean += x
		}
		mean /= n
		var s2, s3 float64
		for _, x := range g {
			u := (n - 1) * (mean - x)
			s2 += u * u
			s3 += u * u * u
		}
		num += s3 / (n * n * n)
		den += s2 / (n * n)
	}
	if den == 0 || math.IsNaN(num) || math.IsNaN(den) || math.IsInf(den, 0) {
		return 0
	}
	return num / (6 * math.Pow(den, 1.5))
}

func interval(theta float64, reps []float64, jack [][]float64, b int, seed uint64, confidence float64) *Estimate {
	e := &Estimate{Value: theta, Resamples: b, Seed: seed}
	for _, g := range jack {
		for _, x := range g {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				jack = nil // the acceleration is undefined; use 0
			}
		}
	}
	sorted := make([]float64, 0, len(reps))
	for _, x := range reps {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			sorted = append(sorted, x)
		}
	}
	var notes []string
	if dropped := len(reps) - len(sorted); dropped > 0 {
		notes = append(notes, fmt.Sprintf("statistic undefined on %d of %d resamples (dropped)", dropped, len(reps)))
	}
	if len(sorted) < 2 {
		e.Percentile = Interval{Lo: theta, Hi: theta, Level: confidence}
		e.BCa = e.Percentile
		notes = append(notes, "too few usable resamples: interval collapsed to the estimate")
		e.Note = join(notes)
		return e
	}
	slices.Sort(sorted)
	alpha := (1 - confidence) / 2
	e.Percentile = Interval{Lo: quantileSorted(sorted, alpha), Hi: quantileSorted(sorted, 1-alpha), Level: confidence}
	mc := math.Max(quantileMCError(sorted, alpha), quantileMCError(sorted, 1-alpha))

	// Bias correction: the 'mean' percentile of theta among the resamples.
	below, atOrBelow := 0, 0
	for _, x := range sorted {
		if x < theta {
			below++
		}
		if x <= theta {
			atOrBelow++
		}
	}
	frac := float64(below+atOrBelow) / float64(2*len(sorted))
	switch {
	case sorted[0] == sorted[len(sorted)-1]:
		e.BCa = e.Percentile // every resample equal: nothing to correct
	case frac == 0 || frac == 1:
		e.BCa = e.Percentile
		notes = append(notes, "BCa undefined (estimate outside every resample): percentile interval given")
	default:
		z0 := unitNormal.Quantile(frac)
		a := 0.0
		if jack != nil {
			a = acceleration(jack)
		}
		za := unitNormal.Quantile(alpha)
		adj := func(z float64) float64 {
			num := z0 + z
			return unitNormal.CDF(z0 + num/(1-a*num))
		}
		a1, a2 := adj(za), adj(-za)
		e.BCa = Interval{Lo: quantileSorted(sorted, a1), Hi: quantileSorted(sorted, a2), Level: confidence}
		mc = math.Max(mc, math.Max(quantileMCError(sorted, a1), quantileMCError(sorted, a2)))
	}
	e.MCError = mc
	e.Note = join(notes)
	return e
}

// quantileMCError estimates the Monte Carlo standard error of the p-quantile
// of a bootstrap distribution from its order statistics: the empirical
// quantile's rank has binomial standard deviation sqrt(B p (1-p)), so half
// the spread between the quantiles one such deviation apart is one standard
// error.
func quantileMCError(sorted []float64, p float64) float64 {
	b := float64(len(sorted))
	d := math.Sqrt(p * (1 - p) / b)
	lo := quantileSorted(sorted, math.Max(0, p-d))
	hi := quantileSorted(sorted, math.Min(1, p+d))
	return (hi - lo) / 2
}

// meanOf is the arithmetic mean (a plain loop: the bootstrap calls it
// B times per statistic).
func meanOf(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// rerOfMeans is (mean(base) - mean(cand)) / mean(base), or NaN (undefined:
// the resample is dropped) when mean(base) <= 0, where the ratio would
// change meaning.
func rerOfMeans(base, cand []float64) float64 {
	mb := meanOf(base)
	if !(mb > 0) {
		return math.NaN()
	}
	return (mb - meanOf(cand)) / mb
}

// meanSeedRER is the mean over paired seeds of (base[i] - cand[i]) / base[i],
// or NaN when some base[i] <= 0.
func meanSeedRER(base, cand []float64) float64 {
	s := 0.0
	for i, b := range base {
		if !(b > 0) {
			return math.NaN()
		}
		s += (b - cand[i]) / b
	}
	return s / float64(len(base))
}

// pBetterPaired is the fraction of seeds where cand < base, ties counting
// one half.
func pBetterPaired(base, cand []float64) float64 {
	s := 0.0
	for i, b := range base {
		switch {
		case cand[i] < b:
			s++
		case cand[i] == b:
			s += 0.5
		}
	}
	return s / float64(len(base))
}

// pBetterUnpaired returns a statistic computing P(cand < base) + P(=)/2 over
// all (cand, base) pairs, by sorting into buffers it owns (so the bootstrap
// loop does not allocate).
func pBetterUnpaired(nb, nc int) statFunc {
	sb := make([]float64, 0, nb)
	sc := make([]float64, 0, nc)
	return func(base, cand []float64) float64 {
		sb = append(sb[:0], base...)
		sc = append(sc[:0], cand...)
		slices.Sort(sb)
		slices.Sort(sc)
		// For each cand value c: base values > c count 1, == c count 1/2.
		s := 0.0
		lo, hi := 0, 0 // sb[:lo] < c, sb[:hi] <= c
		for _, c := range sc {
			for lo < len(sb) && sb[lo] < c {
				lo++
			}
			for hi < len(sb) && sb[hi] <= c {
				hi++
			}
			s += float64(len(sb)-hi) + 0.5*float64(hi-lo)
		}
		return s / float64(len(sb)*len(sc))
	}
}

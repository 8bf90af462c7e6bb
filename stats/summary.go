package stats

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Errors for input that has no defined result. They are wrapped with the
// detail (which sample, which index, what was found), so test with errors.Is.
var (
	ErrTooFew     = errors.New("stats: too few values")
	ErrNotFinite  = errors.New("stats: value is not finite")
	ErrLength     = errors.New("stats: paired samples differ in length")
	ErrBadOptions = errors.New("stats: bad option")
	ErrMagnitude  = errors.New("stats: value magnitude out of range")
)

// MaxMagnitude and MinMagnitude bound the nonzero |values| a sample may
// hold: squares and products of such values (variances, t statistics,
// degrees of freedom) stay within float64 without overflow or underflow.
const (
	MaxMagnitude = 1e150
	MinMagnitude = 1e-150
)

// DefaultConfidence is the confidence level of Summarize's intervals.
const DefaultConfidence = 0.95

// Interval is a two-sided confidence interval [Lo, Hi].
type Interval struct {
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Level float64 `json:"level"` // the confidence level asked for
	// Coverage is the exact coverage of an order-statistic interval (the
	// median's), which is discrete and so at least Level when n allows it;
	// zero (omitted) for other intervals.
	Coverage float64 `json:"coverage,omitempty"`
}

// Summary describes one sample.
type Summary struct {
	N      int     `json:"n"`
	Mean   float64 `json:"mean"`
	SD     float64 `json:"sd"` // sample standard deviation (n-1 denominator)
	SE     float64 `json:"se"` // standard error of the mean, SD/sqrt(n)
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	// MeanCI is mean ± t(n-1) SE.
	MeanCI Interval `json:"mean_ci"`
	// MedianCI is [x(k), x(n+1-k)] of the sorted sample for the largest k
	// whose binomial coverage reaches the level (as benchstat computes it).
	// When n is too small for any k to reach the level (n < 6 at 95 %) it is
	// [min, max] with its lower exact coverage, and Warnings says so.
	MedianCI Interval `json:"median_ci"`
	Warnings []string `json:"warnings,omitempty"`
}

// Summarize describes xs with 95 % intervals. It needs at least 2 finite
// values.
func Summarize(xs []float64) (Summary, error) {
	return SummarizeLevel(xs, DefaultConfidence)
}

// SummarizeLevel is Summarize at the given confidence level in (0, 1).
func SummarizeLevel(xs []float64, confidence float64) (Summary, error) {
	if !(confidence > 0 && confidence < 1) {
		return Summary{}, fmt.Errorf("%w: confidence %v is not in (0, 1)", ErrBadOptions, confidence)
	}
	if err := checkSample("sample", xs, 2); err != nil {
		return Summary{}, err
	}
	return summarize(xs, confidence), nil
}

// summarize is SummarizeLevel of checked values, or of the differences of
// two checked samples (which may be smaller than MinMagnitude).
func summarize(xs []float64, confidence float64) Summary {
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	n := len(xs)
	mean, sd := stat.MeanStdDev(xs, nil)
	se := sd / math.Sqrt(float64(n))
	tq := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile((1 + confidence) / 2)
	s := Summary{
		N: n, Mean: mean, SD: sd, SE: se,
		Median: quantileSorted(sorted, 0.5),
		Min:    sorted[0], Max: sorted[n-1],
		MeanCI: Interval{Lo: mean - tq*se, Hi: mean + tq*se, Level: confidence},
	}
	var ok bool
	s.MedianCI, ok = medianCI(sorted, confidence)
	if !ok {
		s.Warnings = append(s.Warnings, fmt.Sprintf(
			"median CI: n=%d is too small for %s confidence (min..max covers only %s); need n >= %d",
			n, pct(confidence), pct(s.MedianCI.Coverage), medianCIMinN(confidence)))
	}
	return s
}

// medianCI returns the order-statistic interval of the median of sorted and
// whether it reaches the confidence level. The interval [x(k), x(n+1-k)]
// (1-based) covers the population median with probability
// P(k <= B <= n-k), B ~ Binomial(n, 1/2).
func medianCI(sorted []float64, confidence float64) (Interval, bool) {
	n := len(sorted)
	bin := distuv.Binomial{N: float64(n), P: 0.5}
	best := 0
	for k := 1; 2*k <= n; k++ {
		if 1-2*bin.CDF(float64(k-1)) >= confidence {
			best = k
		} else {
			break
		}
	}
	if best == 0 {
		return Interval{Lo: sorted[0], Hi: sorted[n-1], Level: confidence, Coverage: 1 - 2*bin.CDF(0)}, false
	}
	return Interval{Lo: sorted[best-1], Hi: sorted[n-best], Level: confidence, Coverage: 1 - 2*bin.CDF(float64(best-1))}, true
}

// medianCIMinN is the smallest n whose min..max interval reaches confidence.
func medianCIMinN(confidence float64) int {
	n := 2
	for 1-2*math.Pow(0.5, float64(n)) < confidence {
		n++
	}
	return n
}

// quantileSorted is the linearly interpolated quantile of sorted data
// (numpy's default, Hyndman-Fan type 7): the median for p = 0.5 averages the
// two middle values of an even sample.
func quantileSorted(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 1 {
		return sorted[0]
	}
	h := p * float64(n-1)
	lo := int(math.Floor(h))
	if lo < 0 {
		return sorted[0]
	}
	if lo >= n-1 {
		return sorted[n-1]
	}
	frac := h - float64(lo)
	if frac == 0 {
		return sorted[lo]
	}
	return sorted[lo] + frac*(sorted[lo+1]-sorted[lo])
}

// checkSample reports a sample with fewer than min values, a non-finite one
// or one whose magnitude is outside [MinMagnitude, MaxMagnitude] (0 is fine).
func checkSample(name string, xs []float64, min int) error {
	if len(xs) < min {
		return fmt.Errorf("%w: %s has %d value(s), need at least %d (run more seeds)", ErrTooFew, name, len(xs), min)
	}
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%w: %s[%d] is %v; remove or fix that value", ErrNotFinite, name, i, x)
		}
		if a := math.Abs(x); a > MaxMagnitude || (a != 0 && a < MinMagnitude) {
			return fmt.Errorf("%w: %s[%d] is %v; |values| must be 0 or within [%g, %g] for the moments to stay finite: rescale your data (e.g. to other units)",
				ErrMagnitude, name, i, x, MinMagnitude, MaxMagnitude)
		}
	}
	return nil
}

func pct(x float64) string { return fmt.Sprintf("%.4g%%", 100*x) }

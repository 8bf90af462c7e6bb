package stats

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Options configure Compare. The zero value is a two-sided unpaired
// comparison at alpha 0.05 with 10000 bootstrap resamples from seed 0.
type Options struct {
	// Paired compares base[i] with cand[i] (the same seed, data order and
	// initialization); the samples must then have the same length.
	Paired bool
	// Alpha is the significance level of the verdict (default 0.05).
	Alpha float64
	// Confidence is the level of every interval (default 1 - Alpha).
	Confidence float64
	// Alternative of every test (default TwoSided).
	Alternative Alternative
	// Resamples is the number of bootstrap resamples (default
	// DefaultResamples); Seed seeds them, so intervals are reproducible.
	Resamples int
	Seed      uint64
	// TargetRER is the RER the power hint should detect (default: the
	// observed RER). Power is the power it should detect it with (default 0.8).
	TargetRER float64
	Power     float64
	// Primary names the test whose p decides the verdict (default paired-t
	// when paired, welch-t otherwise).
	Primary string
}

func (o Options) withDefaults() (Options, error) {
	if o.Alpha == 0 {
		o.Alpha = 0.05
	}
	if !(o.Alpha > 0 && o.Alpha < 1) {
		return o, fmt.Errorf("%w: alpha %v is not in (0, 1)", ErrBadOptions, o.Alpha)
	}
	if o.Confidence == 0 {
		o.Confidence = 1 - o.Alpha
	}
	if !(o.Confidence > 0 && o.Confidence < 1) {
		return o, fmt.Errorf("%w: confidence %v is not in (0, 1)", ErrBadOptions, o.Confidence)
	}
	if o.Alternative < TwoSided || o.Alternative > Greater {
		return o, fmt.Errorf("%w: unknown alternative %d", ErrBadOptions, int(o.Alternative))
	}
	if o.Resamples == 0 {
		o.Resamples = DefaultResamples
	}
	if o.Resamples < 100 {
		return o, fmt.Errorf("%w: %d bootstrap resamples is too few for a %s interval; use at least 100 (the default %d gives a stable interval)", ErrBadOptions, o.Resamples, pct(o.Confidence), DefaultResamples)
	}
	if o.Power == 0 {
		o.Power = 0.8
	}
	if !(o.Power > 0 && o.Power < 1) {
		return o, fmt.Errorf("%w: power %v is not in (0, 1)", ErrBadOptions, o.Power)
	}
	if math.IsNaN(o.TargetRER) || math.IsInf(o.TargetRER, 0) {
		return o, fmt.Errorf("%w: target RER %v is not finite", ErrBadOptions, o.TargetRER)
	}
	if o.Primary == "" {
		o.Primary = TestWelchT
		if o.Paired {
			o.Primary = TestPairedT
		}
	}
	valid := []string{TestWelchT, TestMannWhitney}
	if o.Paired {
		valid = []string{TestPairedT, TestWilcoxon, TestSignFlip}
	}
	for _, v := range valid {
		if o.Primary == v {
			return o, nil
		}
	}
	return o, fmt.Errorf("%w: primary test %q is not one of %v for this comparison", ErrBadOptions, o.Primary, valid)
}

// Effects are effect sizes of cand against base.
type Effects struct {
	// CohenD is the mean difference over the standard deviation: of the
	// differences when paired (d_z), pooled otherwise (d). Negative means the
	// candidate is lower (better).
	CohenD float64 `json:"cohen_d"`
	Kind   string  `json:"kind"` // "d_z" or "d"
	// HedgesG is CohenD times the exact small-sample correction
	// J(df) = Γ(df/2) / (sqrt(df/2) Γ((df-1)/2)); nil when df < 2.
	HedgesG *float64 `json:"hedges_g,omitempty"`
	// PBetter is the probability that the candidate is better (lower):
	// over seeds when paired, over all (cand, base) pairs otherwise (the
	// common-language effect size, U/(n1 n2)); ties count one half.
	PBetter *Estimate `json:"p_better"`
}

// PowerHint says how many seeds would detect a given RER.
type PowerHint struct {
	TargetRER float64 `json:"target_rer"`
	Diff      float64 `json:"diff"` // |TargetRER × mean(base)|, the difference of means to detect
	// SD is the standard deviation the sample size is planned from: of the
	// paired differences, or the root mean square of the two samples' SDs.
	SD    float64 `json:"sd"`
	Alpha float64 `json:"alpha"`
	Power float64 `json:"power"`
	// N is the number of seeds (pairs when paired, per sample otherwise) for
	// the t test to reach Power; 0 when undefined (see Note). It uses the
	// shifted central t approximation of the noncentral t power, within one
	// seed of the exact answer.
	N    int    `json:"n"`
	Note string `json:"note,omitempty"`
}

// Comparison is everything Compare found. See the package documentation for
// the JSON field names.
type Comparison struct {
	Paired      bool    `json:"paired"`
	Alpha       float64 `json:"alpha"`
	Confidence  float64 `json:"confidence"`
	Alternative string  `json:"alternative"`
	Base        Summary `json:"base"`
	Cand        Summary `json:"cand"`
	// Diff summarizes cand[i] - base[i] (paired only).
	Diff *Summary `json:"diff,omitempty"`
	// MeanDiff is mean(cand) - mean(base); RelChange is MeanDiff/mean(base)
	// (0 when mean(base) <= 0; see RER).
	MeanDiff  float64 `json:"mean_diff"`
	RelChange float64 `json:"rel_change"`
	// RER is (mean(base) - mean(cand)) / mean(base) with bootstrap
	// intervals; nil when mean(base) <= 0 (the ratio assumes positive
	// values).
	RER *Estimate `json:"rer,omitempty"`
	// SeedRER is (base[i] - cand[i]) / base[i] per paired seed, and
	// MeanSeedRER their mean with bootstrap intervals; both absent when
	// unpaired or when some base[i] <= 0.
	SeedRER     []float64    `json:"seed_rer,omitempty"`
	MeanSeedRER *Estimate    `json:"mean_seed_rer,omitempty"`
	Tests       []TestResult `json:"tests"`
	Primary     string       `json:"primary"`
	Effect      Effects      `json:"effect"`
	Power       PowerHint    `json:"power"`
	Warnings    []string     `json:"warnings,omitempty"`
	VerdictText string       `json:"verdict"`
}

// Compare compares a candidate with a baseline (lower is better). See
// Options for paired and unpaired comparisons and the package documentation
// for what is computed and how degenerate input is handled.
func Compare(base, cand []float64, o Options) (Comparison, error) {
	o, err := o.withDefaults()
	if err != nil {
		return Comparison{}, err
	}
	if o.Paired {
		if _, err := pairedDiffs(base, cand); err != nil {
			return Comparison{}, err
		}
	} else if err := checkUnpaired(base, cand); err != nil {
		return Comparison{}, err
	}
	c := Comparison{Paired: o.Paired, Alpha: o.Alpha, Confidence: o.Confidence, Alternative: o.Alternative.String(), Primary: o.Primary}
	if c.Base, err = SummarizeLevel(base, o.Confidence); err != nil {
		return c, err
	}
	if c.Cand, err = SummarizeLevel(cand, o.Confidence); err != nil {
		return c, err
	}
	for _, w := range c.Base.Warnings {
		c.Warnings = append(c.Warnings, "base "+w)
	}
	for _, w := range c.Cand.Warnings {
		c.Warnings = append(c.Warnings, "cand "+w)
	}
	c.MeanDiff = c.Cand.Mean - c.Base.Mean
	if c.Base.Mean > 0 {
		c.RelChange = c.MeanDiff / c.Base.Mean
	}

	// Tests.
	var d []float64
	if o.Paired {
		d, _ = pairedDiffs(base, cand)
		ds := summarize(d, o.Confidence)
		c.Diff = &ds
		for _, t := range []func([]float64, []float64, Alternative) (TestResult, error){PairedT, Wilcoxon} {
			r, err := t(base, cand, o.Alternative)
			if err != nil {
				return c, err
			}
			c.Tests = append(c.Tests, r)
		}
		if len(d) <= SignFlipMax {
			r, err := SignFlip(base, cand, o.Alternative)
			if err != nil {
				return c, err
			}
			c.Tests = append(c.Tests, r)
		} else if o.Primary == TestSignFlip {
			return c, fmt.Errorf("%w: primary test sign-flip needs n <= %d pairs, got %d", ErrBadOptions, SignFlipMax, len(d))
		}
	} else {
		for _, t := range []func([]float64, []float64, Alternative) (TestResult, error){WelchT, MannWhitney} {
			r, err := t(base, cand, o.Alternative)
			if err != nil {
				return c, err
			}
			c.Tests = append(c.Tests, r)
		}
	}

	// Effect sizes.
	c.Effect = effectSizes(base, cand, d, o.Paired)
	if math.IsInf(c.Effect.CohenD, 0) {
		c.Warnings = append(c.Warnings, "zero spread with a nonzero difference: Cohen's d is infinite")
	}

	// Bootstrap: RER of means, mean per-seed RER (paired), P(better).
	fns := []statFunc{rerOfMeans}
	iSeed := -1
	if o.Paired {
		fns = append(fns, pBetterPaired)
		allPositive := true
		for _, b := range base {
			if !(b > 0) {
				allPositive = false
			}
		}
		if allPositive {
			fns = append(fns, meanSeedRER)
			iSeed = 2
			c.SeedRER = make([]float64, len(base))
			for i, b := range base {
				c.SeedRER[i] = (b - cand[i]) / b
			}
		} else {
			c.Warnings = append(c.Warnings, "some baseline value is <= 0: per-seed RER undefined (RER assumes positive values: errors, losses, times)")
		}
	} else {
		fns = append(fns, pBetterUnpaired(len(base), len(cand)))
	}
	est := bootstrap(base, cand, o.Paired, fns, o.Resamples, o.Seed, o.Confidence)
	c.RER = est[0]
	if !(c.Base.Mean > 0) || c.RER == nil {
		// (base - cand)/base flips sign for a negative base: a lower, better
		// candidate would read as a negative reduction.
		c.RER = nil
		c.Warnings = append(c.Warnings, fmt.Sprintf("baseline mean %.4g is not positive: RER undefined (RER assumes positive values: errors, losses, times)", c.Base.Mean))
	}
	c.Effect.PBetter = est[1]
	if iSeed >= 0 {
		c.MeanSeedRER = est[iSeed]
	}

	c.Power = powerHint(c, o)
	c.Warnings = append(c.Warnings, reachWarning(base, cand, o)...)
	c.VerdictText = c.Verdict()
	return c, nil
}

func effectSizes(base, cand, d []float64, paired bool) Effects {
	var e Effects
	var mean, sd, df float64
	if paired {
		e.Kind = "d_z"
		mean, sd = stat.MeanStdDev(d, nil)
		df = float64(len(d) - 1)
	} else {
		e.Kind = "d"
		mb, vb := stat.MeanVariance(base, nil)
		mc, vc := stat.MeanVariance(cand, nil)
		nb, nc := float64(len(base)), float64(len(cand))
		df = nb + nc - 2
		mean = mc - mb
		sd = math.Sqrt(((nb-1)*vb + (nc-1)*vc) / df)
	}
	switch {
	case sd == 0 && mean == 0:
		e.CohenD = 0
	case sd == 0:
		e.CohenD = math.Copysign(math.Inf(1), mean)
	default:
		e.CohenD = mean / sd
	}
	if df >= 2 {
		lgHalf, _ := math.Lgamma(df / 2)
		lgHalfM1, _ := math.Lgamma((df - 1) / 2)
		g := e.CohenD * math.Exp(lgHalf-0.5*math.Log(df/2)-lgHalfM1)
		e.HedgesG = &g
	}
	return e
}

// powerHint plans the number of seeds for the t test.
func powerHint(c Comparison, o Options) PowerHint {
	h := PowerHint{Alpha: o.Alpha, Power: o.Power, TargetRER: o.TargetRER}
	if h.TargetRER == 0 && c.RER != nil {
		h.TargetRER = c.RER.Value
	}
	h.Diff = math.Abs(h.TargetRER * c.Base.Mean)
	if o.Paired {
		h.SD = c.Diff.SD
	} else {
		h.SD = math.Sqrt((c.Base.SD*c.Base.SD + c.Cand.SD*c.Cand.SD) / 2)
	}
	switch {
	case c.RER == nil && o.TargetRER == 0:
		h.Note = "no RER (baseline mean <= 0): no target; set a target RER"
		return h
	case h.Diff == 0:
		h.Note = "target RER is 0: no number of seeds detects it; set a nonzero target"
		return h
	case h.SD == 0:
		h.N = 2
		h.Note = "no spread: 2 seeds detect any difference"
		return h
	}
	h.N = seedsForPower(h.Diff/h.SD, o.Alpha, o.Power, o.Alternative != TwoSided, o.Paired)
	if h.N == 0 {
		h.Note = "more than 10^6 seeds needed"
	}
	return h
}

// approxPower is the power of the t test with n seeds for a standardized
// effect es (difference over SD), using the noncentral t approximated by a
// shifted central t.
func approxPower(n int, es, alpha float64, oneSided, paired bool) float64 {
	var df, ncp float64
	if paired {
		df = float64(n - 1)
		ncp = es * math.Sqrt(float64(n))
	} else {
		df = float64(2*n - 2)
		ncp = es * math.Sqrt(float64(n)/2)
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	if oneSided {
		return t.Survival(t.Quantile(1-alpha) - ncp)
	}
	crit := t.Quantile(1 - alpha/2)
	return t.Survival(crit-ncp) + t.CDF(-crit-ncp)
}

// seedsForPower is the smallest n >= 2 whose approximate power reaches power,
// or 0 beyond 10^6.
func seedsForPower(es, alpha, power float64, oneSided, paired bool) int {
	ok := func(n int) bool { return approxPower(n, es, alpha, oneSided, paired) >= power }
	hi := 2
	for !ok(hi) {
		if hi > 1e6 {
			return 0
		}
		hi *= 2
	}
	lo := hi / 2 // !ok(lo) unless lo < 2
	if lo < 2 {
		return 2
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if ok(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// reachWarning warns, as benchstat does, when n is too small for the rank
// and permutation tests to reach alpha whatever the data.
func reachWarning(base, cand []float64, o Options) []string {
	sides := 2.0
	if o.Alternative != TwoSided {
		sides = 1
	}
	if o.Paired {
		n := len(base)
		minP := sides * math.Ldexp(1, -n)
		if minP < o.Alpha {
			return nil
		}
		need := n
		for sides*math.Ldexp(1, -need) >= o.Alpha {
			need++
		}
		return []string{fmt.Sprintf("with %d pairs the Wilcoxon and sign-flip tests cannot reach p < %g (smallest possible %s); %d or more pairs are needed", n, o.Alpha, pEquals(minP), need)}
	}
	n1, n2 := len(cand), len(base)
	minP := sides / binomial(n1+n2, n1)
	if minP < o.Alpha {
		return nil
	}
	need := 2
	for sides/binomial(2*need, need) >= o.Alpha {
		need++
	}
	return []string{fmt.Sprintf("with %d+%d values the Mann-Whitney test cannot reach p < %g (smallest possible %s); %d or more per sample are needed", n2, n1, o.Alpha, pEquals(minP), need)}
}

// binomial is the binomial coefficient C(n, k) as a float64.
func binomial(n, k int) float64 {
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x + 1)); return v }
	return math.Round(math.Exp(lg(n) - lg(k) - lg(n-k)))
}

// PrimaryTest returns the test that decides the verdict.
func (c Comparison) PrimaryTest() (TestResult, bool) {
	for _, t := range c.Tests {
		if t.Name == c.Primary {
			return t, true
		}
	}
	return TestResult{}, false
}

// Significant reports whether the primary test's p (adjusted, once
// AdjustComparisons ran) is below Alpha.
func (c Comparison) Significant() bool {
	t, ok := c.PrimaryTest()
	return ok && t.PAdjusted < c.Alpha
}

// Verdict is a line to read at a glance. When the primary test's p (adjusted
// if AdjustComparisons ran) is below alpha it is the relative change of the
// mean, -RER, with its BCa interval in percent: "-11.3% [-15.0, -7.2] p=0.004
// n=5" (n=5+6 when unpaired); otherwise "~ (p=0.41 n=5)". Without an RER
// (baseline mean <= 0) it shows the difference of means instead.
func (c Comparison) Verdict() string {
	t, ok := c.PrimaryTest()
	if !ok {
		return "no test"
	}
	n := fmt.Sprintf("n=%d", c.Base.N)
	if !c.Paired {
		n = fmt.Sprintf("n=%d+%d", c.Base.N, c.Cand.N)
	}
	p := pEquals(t.PAdjusted)
	if !(t.PAdjusted < c.Alpha) {
		return fmt.Sprintf("~ (%s %s)", p, n)
	}
	if c.RER == nil {
		return fmt.Sprintf("Δ=%+.4g %s %s", c.MeanDiff, p, n)
	}
	return fmt.Sprintf("%+.1f%% [%.1f, %.1f] %s %s", -100*c.RER.Value, -100*c.RER.BCa.Hi, -100*c.RER.BCa.Lo, p, n)
}

// FormatP is how actbench writes a p-value for people, in every table,
// verdict and warning: two significant digits ("0.041", "0.0012", "0.5"),
// "<0.001" below 0.001 (with the 3 to 10 seeds of a training benchmark the
// digits beyond say nothing), "-" for NaN (no test). Machine formats (JSON,
// CSV) keep the full float.
func FormatP(p float64) string {
	switch {
	case math.IsNaN(p):
		return "-"
	case p < 0.001:
		return "<0.001"
	}
	return strconv.FormatFloat(p, 'g', 2, 64)
}

// pEquals is FormatP after "p": "p=0.041", "p<0.001".
func pEquals(p float64) string {
	s := FormatP(p)
	if strings.HasPrefix(s, "<") {
		return "p" + s
	}
	return "p=" + s
}

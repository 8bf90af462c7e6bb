package stats

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Names of the tests, as in TestResult.Name.
const (
	TestPairedT     = "paired-t"
	TestWilcoxon    = "wilcoxon"
	TestSignFlip    = "sign-flip"
	TestWelchT      = "welch-t"
	TestMannWhitney = "mann-whitney"
)

// Limits of the exact methods.
const (
	// WilcoxonExactMax is the largest number of nonzero differences for which
	// Wilcoxon's p is exact (when there are no ties and no zeros, as in
	// scipy and R); beyond it, or with ties or zeros, the normal
	// approximation with tie and continuity correction is used.
	WilcoxonExactMax = 50
	// MannWhitneyExactMax is the largest sample size (each) for which the
	// Mann-Whitney p is exact when there are no ties.
	MannWhitneyExactMax = 50
	// SignFlipMax is the largest n for the exact sign-flip test (2^n sign
	// patterns, enumerated as two halves of 2^(n/2)).
	SignFlipMax = 20
)

// Alternative is the alternative hypothesis about cand - base.
type Alternative int

const (
	TwoSided Alternative = iota // the means (or locations) differ
	Less                        // cand is lower than base (a better error)
	Greater                     // cand is higher than base
)

func (a Alternative) String() string {
	switch a {
	case TwoSided:
		return "two-sided"
	case Less:
		return "less"
	case Greater:
		return "greater"
	}
	return fmt.Sprintf("Alternative(%d)", int(a))
}

// ParseAlternative parses "two-sided", "less" or "greater".
func ParseAlternative(s string) (Alternative, error) {
	for _, a := range []Alternative{TwoSided, Less, Greater} {
		if s == a.String() {
			return a, nil
		}
	}
	return 0, fmt.Errorf("%w: alternative %q: want two-sided, less or greater", ErrBadOptions, s)
}

// TestResult is one hypothesis test of cand against base.
type TestResult struct {
	Name        string  `json:"name"`
	Method      string  `json:"method"` // how p was computed, e.g. "exact" or "normal approximation"
	Alternative string  `json:"alternative"`
	Statistic   float64 `json:"statistic"`
	DF          float64 `json:"df,omitempty"` // degrees of freedom of the t tests
	Z           float64 `json:"z,omitempty"`  // standardized statistic of a normal approximation (omitted from JSON when 0)
	N           int     `json:"n"`            // observations used (nonzero differences for wilcoxon)
	P           float64 `json:"p"`
	// PAdjusted is P adjusted for multiple comparisons by AdjustComparisons;
	// equal to P until then (Adjustment "none").
	PAdjusted  float64 `json:"p_adjusted"`
	Adjustment string  `json:"adjustment"`
	Note       string  `json:"note,omitempty"`
}

func newResult(name, method string, alt Alternative, n int) TestResult {
	return TestResult{Name: name, Method: method, Alternative: alt.String(), N: n, Adjustment: "none"}
}

func (r *TestResult) setP(p float64) {
	r.P = math.Min(1, math.Max(0, p))
	r.PAdjusted = r.P
}

var unitNormal = distuv.UnitNormal

// pairedDiffs returns cand[i] - base[i], checking the input.
func pairedDiffs(base, cand []float64) ([]float64, error) {
	if len(base) != len(cand) {
		return nil, fmt.Errorf("%w: base has %d values, cand has %d; pair seed i with seed i or use an unpaired comparison", ErrLength, len(base), len(cand))
	}
	if err := checkSample("base", base, 2); err != nil {
		return nil, err
	}
	if err := checkSample("cand", cand, 2); err != nil {
		return nil, err
	}
	d := make([]float64, len(base))
	for i := range d {
		d[i] = cand[i] - base[i]
	}
	return d, nil
}

func checkUnpaired(base, cand []float64) error {
	if err := checkSample("base", base, 2); err != nil {
		return err
	}
	return checkSample("cand", cand, 2)
}

// tP is the p-value of t with df degrees of freedom. A t of ±Inf (zero
// spread, nonzero difference) gives 0 or 1.
func tP(t, df float64, alt Alternative) float64 {
	dist := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	switch alt {
	case Less:
		if math.IsInf(t, 0) {
			return b2f(t < 0, 0, 1)
		}
		return dist.CDF(t)
	case Greater:
		if math.IsInf(t, 0) {
			return b2f(t > 0, 0, 1)
		}
		return dist.Survival(t)
	}
	if math.IsInf(t, 0) {
		return 0
	}
	return 2 * dist.Survival(math.Abs(t))
}

func b2f(c bool, yes, no float64) float64 {
	if c {
		return yes
	}
	return no
}

// PairedT is the paired t test of the differences cand[i] - base[i].
func PairedT(base, cand []float64, alt Alternative) (TestResult, error) {
	d, err := pairedDiffs(base, cand)
	if err != nil {
		return TestResult{}, err
	}
	n := len(d)
	r := newResult(TestPairedT, "t distribution", alt, n)
	r.DF = float64(n - 1)
	mean, sd := stat.MeanStdDev(d, nil)
	switch {
	case sd == 0 && mean == 0:
		r.Note = "all differences are zero"
		r.setP(1)
		return r, nil
	case sd == 0:
		r.Statistic = math.Copysign(math.Inf(1), mean)
		r.Note = "differences have zero spread: any nonzero mean is exact"
	default:
		r.Statistic = mean / (sd / math.Sqrt(float64(n)))
	}
	r.setP(tP(r.Statistic, r.DF, alt))
	return r, nil
}

// WelchT is Welch's unequal-variance t test of mean(cand) - mean(base).
func WelchT(base, cand []float64, alt Alternative) (TestResult, error) {
	if err := checkUnpaired(base, cand); err != nil {
		return TestResult{}, err
	}
	r := newResult(TestWelchT, "t distribution, Welch-Satterthwaite df", alt, len(base)+len(cand))
	mb, vb := stat.MeanVariance(base, nil)
	mc, vc := stat.MeanVariance(cand, nil)
	nb, nc := float64(len(base)), float64(len(cand))
	qb, qc := vb/nb, vc/nc
	diff := mc - mb
	switch {
	case qb+qc == 0 && diff == 0:
		r.DF = nb + nc - 2
		r.Note = "both samples are constant and equal"
		r.setP(1)
		return r, nil
	case qb+qc == 0:
		r.DF = nb + nc - 2
		r.Statistic = math.Copysign(math.Inf(1), diff)
		r.Note = "both samples have zero spread: any difference of means is exact"
	default:
		// (qb+qc)^2 / (qb^2/(nb-1) + qc^2/(nc-1)), with the shares of qb+qc
		// so that squaring large or tiny variances neither overflows nor
		// underflows.
		fb, fc := qb/(qb+qc), qc/(qb+qc)
		r.DF = 1 / (fb*fb/(nb-1) + fc*fc/(nc-1))
		r.Statistic = diff / math.Sqrt(qb+qc)
	}
	r.setP(tP(r.Statistic, r.DF, alt))
	return r, nil
}

// midranks returns the 1-based ranks of xs, ties sharing their mean rank,
// and the sizes of the tie groups larger than one.
func midranks(xs []float64) (ranks []float64, ties []int) {
	n := len(xs)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return xs[idx[a]] < xs[idx[b]] })
	ranks = make([]float64, n)
	for i := 0; i < n; {
		j := i + 1
		for j < n && xs[idx[j]] == xs[idx[i]] {
			j++
		}
		r := float64(i+j+1) / 2 // mean of ranks i+1..j
		for k := i; k < j; k++ {
			ranks[idx[k]] = r
		}
		if j-i > 1 {
			ties = append(ties, j-i)
		}
		i = j
	}
	return ranks, ties
}

// Wilcoxon is the Wilcoxon signed-rank test of the differences cand[i] -
// base[i]. Zero differences are dropped (Wilcoxon's method, the default of
// scipy and R). p is exact when there are at most WilcoxonExactMax nonzero
// differences, no ties and no zeros; otherwise it is the normal
// approximation with tie and continuity correction. The statistic is W+, the
// sum of the ranks of |d| over the positive differences.
func Wilcoxon(base, cand []float64, alt Alternative) (TestResult, error) {
	all, err := pairedDiffs(base, cand)
	if err != nil {
		return TestResult{}, err
	}
	d := make([]float64, 0, len(all))
	abs := make([]float64, 0, len(all))
	for _, x := range all {
		if x != 0 {
			d = append(d, x)
			abs = append(abs, math.Abs(x))
		}
	}
	zeros := len(all) - len(d)
	n := len(d)
	if n == 0 {
		r := newResult(TestWilcoxon, "exact", alt, 0)
		r.Note = "all differences are zero"
		r.setP(1)
		return r, nil
	}
	ranks, ties := midranks(abs)
	wplus := 0.0
	for i, x := range d {
		if x > 0 {
			wplus += ranks[i]
		}
	}
	if zeros == 0 && len(ties) == 0 && n <= WilcoxonExactMax {
		r := newResult(TestWilcoxon, "exact", alt, n)
		r.Statistic = wplus
		r.setP(signedRankP(n, int(wplus), alt))
		return r, nil
	}
	r := newResult(TestWilcoxon, "normal approximation, tie and continuity corrected", alt, n)
	r.Statistic = wplus
	fn := float64(n)
	mean := fn * (fn + 1) / 4
	v := fn * (fn + 1) * (2*fn + 1)
	for _, t := range ties {
		ft := float64(t)
		v -= 0.5 * ft * (ft*ft - 1)
	}
	se := math.Sqrt(v / 24)
	var notes []string
	if zeros > 0 {
		notes = append(notes, fmt.Sprintf("%d zero difference(s) dropped", zeros))
	}
	if len(ties) > 0 {
		notes = append(notes, "tied |differences|")
	}
	if n < 10 {
		notes = append(notes, "n < 10: the normal approximation is rough; prefer sign-flip")
	}
	r.Note = join(notes)
	r.Z, r.P = normalApproxP(wplus, mean, se, alt)
	r.setP(r.P)
	return r, nil
}

// normalApproxP is the continuity-corrected normal approximation for a
// discrete statistic s with the given null mean and standard error.
func normalApproxP(s, mean, se float64, alt Alternative) (z, p float64) {
	switch alt {
	case Less:
		z = (s - mean + 0.5) / se
		return z, unitNormal.CDF(z)
	case Greater:
		z = (s - mean - 0.5) / se
		return z, unitNormal.Survival(z)
	}
	cc := 0.0
	if s > mean {
		cc = 0.5
	} else if s < mean {
		cc = -0.5
	}
	z = (s - mean - cc) / se
	return z, 2 * unitNormal.Survival(math.Abs(z))
}

// signedRankP is the exact p of W+ = w for n untied nonzero differences.
func signedRankP(n, w int, alt Alternative) float64 {
	counts := subsetSumCounts(n)
	total := math.Ldexp(1, n)
	le, ge := 0.0, 0.0
	for s, c := range counts {
		if s <= w {
			le += c
		}
		if s >= w {
			ge += c
		}
	}
	switch alt {
	case Less:
		return le / total
	case Greater:
		return ge / total
	}
	return 2 * math.Min(le, ge) / total
}

// subsetSumCounts returns, for s = 0..n(n+1)/2, the number of subsets of
// {1..n} summing to s: the null distribution of W+ times 2^n. Counts are
// exact in float64 up to n = 52.
func subsetSumCounts(n int) []float64 {
	counts := make([]float64, n*(n+1)/2+1)
	counts[0] = 1
	top := 0
	for k := 1; k <= n; k++ {
		top += k
		for s := top; s >= k; s-- {
			counts[s] += counts[s-k]
		}
	}
	return counts
}

// SignFlip is the exact paired permutation test: under the null hypothesis
// each difference cand[i] - base[i] is as likely to have the opposite sign,
// and p is the fraction of the 2^n sign patterns whose mean difference is at
// least as extreme as the observed one (two-sided: in absolute value).
// Sums within 1e-9 of the total |d| of the observed one count as equal, so
// rounding in the differences does not decide p. n must be at most
// SignFlipMax.
func SignFlip(base, cand []float64, alt Alternative) (TestResult, error) {
	d, err := pairedDiffs(base, cand)
	if err != nil {
		return TestResult{}, err
	}
	n := len(d)
	if n > SignFlipMax {
		return TestResult{}, fmt.Errorf("%w: sign-flip test needs n <= %d pairs, got %d; use the paired t or Wilcoxon test", ErrBadOptions, SignFlipMax, n)
	}
	r := newResult(TestSignFlip, fmt.Sprintf("exact, all 2^%d sign patterns", n), alt, n)
	sum, scale := 0.0, 0.0
	for _, x := range d {
		sum += x
		scale += math.Abs(x)
	}
	r.Statistic = sum / float64(n)
	if scale == 0 {
		r.Note = "all differences are zero"
		r.setP(1)
		return r, nil
	}
	tol := 1e-9 * scale
	h := n / 2
	left, right := signSums(d[:h]), signSums(d[h:])
	slices.Sort(right)
	// countAtLeast counts sign patterns with total >= t; countAtMost <= t.
	countAtLeast := func(t float64) float64 {
		c := 0
		for _, a := range left {
			c += len(right) - sort.SearchFloat64s(right, t-a)
		}
		return float64(c)
	}
	countAtMost := func(t float64) float64 {
		c := 0
		for _, a := range left {
			// number of right values <= t - a
			c += sort.Search(len(right), func(i int) bool { return right[i] > t-a })
		}
		return float64(c)
	}
	total := math.Ldexp(1, n)
	switch alt {
	case Less:
		r.setP(countAtMost(sum+tol) / total)
	case Greater:
		r.setP(countAtLeast(sum-tol) / total)
	default:
		a := math.Abs(sum)
		if a <= tol {
			r.setP(1)
		} else {
			r.setP((countAtLeast(a-tol) + countAtMost(-a+tol)) / total)
		}
	}
	return r, nil
}

// signSums returns the 2^len(d) sums ±d[0] ± d[1] ...
func signSums(d []float64) []float64 {
	sums := make([]float64, 1, 1<<len(d))
	for _, x := range d {
		m := len(sums)
		for i := 0; i < m; i++ {
			sums = append(sums, sums[i]-x)
			sums[i] += x
		}
	}
	return sums
}

// MannWhitney is the Mann-Whitney U (Wilcoxon rank-sum) test of cand against
// base. The statistic is U of the candidate: the number of (cand, base)
// pairs with cand > base, ties counting one half. p is exact when there are
// no ties and both samples have at most MannWhitneyExactMax values; otherwise
// it is the normal approximation with tie and continuity correction.
func MannWhitney(base, cand []float64, alt Alternative) (TestResult, error) {
	if err := checkUnpaired(base, cand); err != nil {
		return TestResult{}, err
	}
	n1, n2 := len(cand), len(base)
	xy := make([]float64, 0, n1+n2)
	xy = append(append(xy, cand...), base...)
	ranks, ties := midranks(xy)
	r1 := 0.0
	for _, r := range ranks[:n1] {
		r1 += r
	}
	u1 := r1 - float64(n1*(n1+1))/2
	u2 := float64(n1*n2) - u1
	var u, factor float64
	switch alt {
	case Greater:
		u, factor = u1, 1
	case Less:
		u, factor = u2, 1
	default:
		u, factor = math.Max(u1, u2), 2
	}
	if len(ties) == 0 && n1 <= MannWhitneyExactMax && n2 <= MannWhitneyExactMax {
		res := newResult(TestMannWhitney, "exact", alt, n1+n2)
		res.Statistic = u1
		res.setP(factor * rankSumSurvival(n1, n2, int(math.Round(u))))
		return res, nil
	}
	res := newResult(TestMannWhitney, "normal approximation, tie and continuity corrected", alt, n1+n2)
	res.Statistic = u1
	fn := float64(n1 + n2)
	tie := 0.0
	for _, t := range ties {
		ft := float64(t)
		tie += ft*ft*ft - ft
	}
	s := math.Sqrt(float64(n1*n2) / 12 * ((fn + 1) - tie/(fn*(fn-1))))
	if s == 0 {
		res.Note = "all values are equal"
		res.setP(1)
		return res, nil
	}
	if len(ties) > 0 {
		res.Note = "tied values"
	}
	res.Z = (u - float64(n1*n2)/2 - 0.5) / s
	res.setP(factor * unitNormal.Survival(res.Z))
	return res, nil
}

// rankSumSurvival is P(U >= u) for the U statistic of a sample of n1 among
// n1+n2 untied values under the null hypothesis.
func rankSumSurvival(n1, n2, u int) float64 {
	// f[j][s]: number of j-subsets of {1..k} with rank sum s, updated for
	// k = 1..n1+n2. U = rank sum - n1(n1+1)/2.
	N := n1 + n2
	maxSum := n1*N - n1*(n1-1)/2
	f := make([][]float64, n1+1)
	for j := range f {
		f[j] = make([]float64, maxSum+1)
	}
	f[0][0] = 1
	for k := 1; k <= N; k++ {
		for j := min(k, n1); j >= 1; j-- {
			prev, cur := f[j-1], f[j]
			for s := maxSum; s >= k; s-- {
				cur[s] += prev[s-k]
			}
		}
	}
	base := n1 * (n1 + 1) / 2
	total, tail := 0.0, 0.0
	for s, c := range f[n1] {
		total += c
		if s-base >= u {
			tail += c
		}
	}
	return tail / total
}

func join(notes []string) string {
	out := ""
	for i, s := range notes {
		if i > 0 {
			out += "; "
		}
		out += s
	}
	return out
}

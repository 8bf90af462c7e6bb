package stats

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

var (
	issueBase = []float64{0.312, 0.305, 0.298}
	issueCand = []float64{0.290, 0.281, 0.301}
)

func TestDegenerateInputErrors(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name       string
		base, cand []float64
		o          Options
		want       error
		msg        string
	}{
		{"n=1", []float64{0.3}, []float64{0.2}, Options{Paired: true}, ErrTooFew, "base has 1 value(s)"},
		{"empty cand", []float64{0.3, 0.31}, nil, Options{}, ErrTooFew, "cand has 0 value(s)"},
		{"NaN", []float64{0.3, nan, 0.31}, []float64{0.2, 0.21, 0.22}, Options{}, ErrNotFinite, "base[1] is NaN"},
		{"Inf", []float64{0.3, 0.31}, []float64{0.2, math.Inf(1)}, Options{Paired: true}, ErrNotFinite, "cand[1] is +Inf"},
		{"lengths", []float64{0.3, 0.31, 0.32}, []float64{0.2, 0.21}, Options{Paired: true}, ErrLength, "base has 3 values, cand has 2"},
		{"alpha", issueBase, issueCand, Options{Alpha: 1.5}, ErrBadOptions, "alpha 1.5"},
		{"resamples", issueBase, issueCand, Options{Resamples: 10}, ErrBadOptions, "10 bootstrap resamples"},
		{"primary", issueBase, issueCand, Options{Primary: TestPairedT}, ErrBadOptions, `primary test "paired-t"`},
		{"sign-flip n>20", make21(0.3), make21(0.2), Options{Paired: true, Primary: TestSignFlip}, ErrBadOptions, "n <= 20"},
	} {
		_, err := Compare(tc.base, tc.cand, tc.o)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want %v containing %q", tc.name, err, tc.want, tc.msg)
		}
	}
	if _, err := Summarize([]float64{1}); !errors.Is(err, ErrTooFew) {
		t.Errorf("Summarize of one value: %v, want ErrTooFew", err)
	}
	if _, err := SignFlip(make21(0.3), make21(0.2), TwoSided); !errors.Is(err, ErrBadOptions) {
		t.Errorf("SignFlip n=21: %v", err)
	}
}

// Extreme magnitudes overflow or underflow the moments (a silent NaN sd):
// they are refused; values just inside the bounds give finite results.
func TestMagnitudeBounds(t *testing.T) {
	for _, tc := range []struct {
		name       string
		base, cand []float64
		msg        string
	}{
		{"huge", []float64{1e300, 1.5e300, 1.2e300}, []float64{1.1e300, 1.6e300, 1.3e300}, "base[0] is 1e+300"},
		{"tiny", []float64{0.3, 0.31, 0.32}, []float64{0.2, -1e-200, 0.22}, "cand[1] is -1e-200"},
	} {
		for _, paired := range []bool{true, false} {
			_, err := Compare(tc.base, tc.cand, Options{Paired: paired, Resamples: 200})
			if !errors.Is(err, ErrMagnitude) || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), "rescale") {
				t.Errorf("%s paired=%v: error %v, want ErrMagnitude naming %q and saying rescale", tc.name, paired, err, tc.msg)
			}
		}
	}
	if _, err := Summarize([]float64{1, 2e151}); !errors.Is(err, ErrMagnitude) {
		t.Errorf("Summarize with 2e151: %v, want ErrMagnitude", err)
	}
	for _, scale := range []float64{MaxMagnitude / 2, MinMagnitude * 4} {
		base := []float64{1.0 * scale, 1.5 * scale, 1.2 * scale, 1.4 * scale}
		cand := []float64{1.1 * scale, 1.7 * scale, 1.2 * scale, 1.3 * scale}
		for _, paired := range []bool{true, false} {
			c, err := Compare(base, cand, Options{Paired: paired, Resamples: 200})
			if err != nil {
				t.Fatalf("scale %g paired=%v: %v", scale, paired, err)
			}
			noNaN(t, fmt.Sprintf("scale %g paired=%v", scale, paired), reflect.ValueOf(c), "Comparison")
			for _, r := range c.Tests {
				if math.IsInf(r.Statistic, 0) || math.IsInf(r.DF, 0) || r.P == 0 {
					t.Errorf("scale %g paired=%v %s: statistic %v df %v p %v", scale, paired, r.Name, r.Statistic, r.DF, r.P)
				}
			}
			if c.Base.SD == 0 || math.IsInf(c.Base.SD, 0) || c.RER == nil {
				t.Errorf("scale %g paired=%v: sd %v RER %+v", scale, paired, c.Base.SD, c.RER)
			}
		}
	}
}

func make21(v float64) []float64 {
	xs := make([]float64, 21)
	for i := range xs {
		xs[i] = v + float64(i)*1e-3
	}
	return xs
}

// noNaN fails on a NaN anywhere in v (the promise: never a silent NaN).
func noNaN(t *testing.T, what string, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.Float64:
		if math.IsNaN(v.Float()) {
			t.Errorf("%s: NaN at %s", what, path)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			noNaN(t, what, v.Elem(), path)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			noNaN(t, what, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			noNaN(t, what, v.Index(i), path+"[]")
		}
	}
}

func TestDegenerateDefinedResults(t *testing.T) {
	same := []float64{0.3, 0.31, 0.29, 0.305}
	constA := []float64{0.3, 0.3, 0.3, 0.3}
	constB := []float64{0.2, 0.2, 0.2, 0.2}
	for _, tc := range []struct {
		name       string
		base, cand []float64
		paired     bool
		wantP      float64 // every test
		wantD      float64
	}{
		{"identical paired", same, same, true, 1, 0},
		{"all equal paired", constA, constA, true, 1, 0},
		{"all equal unpaired", constA, constA, false, 1, 0},
		{"constant shift paired", constA, constB, true, -1, math.Inf(-1)},
		{"constant shift unpaired", constA, constB, false, -1, math.Inf(-1)},
	} {
		c, err := Compare(tc.base, tc.cand, Options{Paired: tc.paired, Resamples: 500})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		noNaN(t, tc.name, reflect.ValueOf(c), "Comparison")
		for _, r := range c.Tests {
			if tc.wantP >= 0 && r.P != tc.wantP {
				t.Errorf("%s %s: p = %v, want %v (%s)", tc.name, r.Name, r.P, tc.wantP, r.Note)
			}
			if tc.wantP == 1 && r.Statistic != 0 && r.Name != TestMannWhitney {
				t.Errorf("%s %s: statistic %v, want 0", tc.name, r.Name, r.Statistic)
			}
			// As the package documentation says: U is its null mean n1*n2/2.
			if tc.wantP == 1 && r.Name == TestMannWhitney && r.Statistic != float64(len(tc.base)*len(tc.cand))/2 {
				t.Errorf("%s %s: U = %v, want n1*n2/2 = %v", tc.name, r.Name, r.Statistic, float64(len(tc.base)*len(tc.cand))/2)
			}
		}
		if c.Effect.CohenD != tc.wantD {
			t.Errorf("%s: Cohen's d = %v, want %v", tc.name, c.Effect.CohenD, tc.wantD)
		}
		if _, err := json.Marshal(c); err != nil {
			t.Errorf("%s: JSON: %v", tc.name, err)
		}
	}
	// A constant shift: the t tests are exact (p = 0), the rank tests are at
	// their smallest possible p.
	c, _ := Compare(constA, constB, Options{Paired: true, Resamples: 500})
	for _, r := range c.Tests {
		switch r.Name {
		case TestPairedT:
			if r.P != 0 || !math.IsInf(r.Statistic, -1) {
				t.Errorf("constant shift paired t: t=%v p=%v, want -Inf and 0", r.Statistic, r.P)
			}
		case TestSignFlip:
			if math.Abs(r.P-2.0/16) > 1e-15 {
				t.Errorf("constant shift sign-flip p = %v, want 2/16", r.P)
			}
		case TestWilcoxon: // four tied |d| of 0.1: normal approximation
			if r.Method == "exact" || r.P >= 0.2 {
				t.Errorf("constant shift Wilcoxon: %+v", r)
			}
		}
	}
	if c.RER == nil || math.Abs(c.RER.Value-1.0/3) > 1e-12 || c.RER.BCa.Lo != c.RER.Value || c.RER.BCa.Hi != c.RER.Value {
		t.Errorf("constant shift RER: %+v, want 1/3 with a zero-width interval", c.RER)
	}
	b, err := json.Marshal(c)
	if err != nil || !strings.Contains(string(b), `"statistic":"-Inf"`) || !strings.Contains(string(b), `"cohen_d":"-Inf"`) {
		t.Errorf("JSON of infinite statistics: %v %s", err, b)
	}
	var back Comparison
	if err := json.Unmarshal(b, &back); err != nil || !math.IsInf(back.Tests[0].Statistic, -1) || !math.IsInf(back.Effect.CohenD, -1) {
		t.Errorf("JSON round trip: %v %+v", err, back.Tests)
	}

	// Baseline mean 0: no RER, a warning, the tests still run.
	c, err = Compare([]float64{-0.1, 0.1, 0}, []float64{0.1, 0.2, 0.3}, Options{Paired: true, Resamples: 500})
	if err != nil {
		t.Fatal(err)
	}
	noNaN(t, "zero baseline", reflect.ValueOf(c), "Comparison")
	if c.RER != nil || c.MeanSeedRER != nil || c.SeedRER != nil || !hasWarning(c, "RER undefined") {
		t.Errorf("zero baseline mean: RER %+v, warnings %q", c.RER, c.Warnings)
	}
	if _, err := json.Marshal(c); err != nil {
		t.Error(err)
	}
}

// RER = (base - cand)/base assumes positive values: a negative baseline
// would turn a lower (better) candidate into a negative "reduction".
func TestRERNeedsPositiveBaseline(t *testing.T) {
	c, err := Compare([]float64{-1, -2, -3}, []float64{-2, -3, -4}, Options{Paired: true, Resamples: 500})
	if err != nil {
		t.Fatal(err)
	}
	noNaN(t, "negative baseline", reflect.ValueOf(c), "Comparison")
	if c.RER != nil || c.MeanSeedRER != nil || c.SeedRER != nil || c.RelChange != 0 {
		t.Errorf("negative baseline mean: RER %+v, per-seed %v %+v, rel change %v; want all absent", c.RER, c.SeedRER, c.MeanSeedRER, c.RelChange)
	}
	if !hasWarning(c, "RER assumes positive values") || !hasWarning(c, "per-seed RER undefined") {
		t.Errorf("warnings %q", c.Warnings)
	}
	if c.MeanDiff != -1 || !strings.HasPrefix(c.VerdictText, "Δ=-1 ") {
		t.Errorf("verdict %q, mean diff %v; want the difference of means, -1", c.VerdictText, c.MeanDiff)
	}
	if c.Power.N != 0 || !strings.Contains(c.Power.Note, "no RER") {
		t.Errorf("power hint %+v", c.Power)
	}

	// A positive baseline mean with one nonpositive seed: the RER of means is
	// defined, the per-seed RER is not.
	c, err = Compare([]float64{-0.1, 0.5, 0.6}, []float64{-0.2, 0.4, 0.5}, Options{Paired: true, Resamples: 500})
	if err != nil {
		t.Fatal(err)
	}
	if c.RER == nil || c.SeedRER != nil || c.MeanSeedRER != nil || !hasWarning(c, "some baseline value is <= 0") {
		t.Errorf("one nonpositive seed: RER %+v, per-seed %v, warnings %q", c.RER, c.SeedRER, c.Warnings)
	}
	// Resamples whose baseline mean is not positive are dropped, not read
	// as a flipped reduction.
	if got := rerOfMeans([]float64{-0.1, -0.1, 0.1}, []float64{0.1, 0.1, 0.1}); !math.IsNaN(got) {
		t.Errorf("rerOfMeans of a negative-mean resample = %v, want NaN (dropped)", got)
	}
	if got := meanSeedRER([]float64{-1, 2}, []float64{-2, 1}); !math.IsNaN(got) {
		t.Errorf("meanSeedRER with a negative baseline = %v, want NaN", got)
	}
	// Unpaired, too.
	c, err = Compare([]float64{-1, -2, -3, -1.5}, []float64{-2, -3, -4, -2.5}, Options{Resamples: 500})
	if err != nil {
		t.Fatal(err)
	}
	if c.RER != nil || !hasWarning(c, "RER assumes positive values") {
		t.Errorf("unpaired negative baseline: RER %+v, warnings %q", c.RER, c.Warnings)
	}
}

// The documented JSON: a used z of exactly 0 is omitted like an unused one.
func TestZeroZOmitted(t *testing.T) {
	b, err := json.Marshal(TestResult{Name: TestWilcoxon, Method: "normal approximation", Z: 0})
	if err != nil || strings.Contains(string(b), `"z"`) {
		t.Errorf("z of 0: %s %v; the package documentation says it is omitted", b, err)
	}
}

func hasWarning(c Comparison, sub string) bool {
	for _, w := range c.Warnings {
		if strings.Contains(w, sub) {
			return true
		}
	}
	return false
}

func TestBootstrapReproducible(t *testing.T) {
	base := []float64{0.312, 0.305, 0.298, 0.320, 0.301, 0.309}
	cand := []float64{0.290, 0.281, 0.301, 0.285, 0.279, 0.296}
	for _, paired := range []bool{true, false} {
		o := Options{Paired: paired, Resamples: 2000, Seed: 42}
		a, err := Compare(base, cand, o)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Compare(base, cand, o)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("paired=%v: two runs with seed 42 differ", paired)
		}
		o.Seed = 43
		c, _ := Compare(base, cand, o)
		if a.RER.Percentile == c.RER.Percentile {
			t.Errorf("paired=%v: seeds 42 and 43 give the same interval %v", paired, a.RER.Percentile)
		}
		// Another seed moves the ends by about the stated MC error.
		for _, d := range []float64{a.RER.Percentile.Lo - c.RER.Percentile.Lo, a.RER.Percentile.Hi - c.RER.Percentile.Hi,
			a.RER.BCa.Lo - c.RER.BCa.Lo, a.RER.BCa.Hi - c.RER.BCa.Hi} {
			if math.Abs(d) > 5*math.Sqrt2*a.RER.MCError {
				t.Errorf("paired=%v: seeds 42 and 43 differ by %v, MC error %v", paired, d, a.RER.MCError)
			}
		}
		if a.RER.Resamples != 2000 || a.RER.Seed != 42 {
			t.Errorf("estimate records resamples %d seed %d", a.RER.Resamples, a.RER.Seed)
		}
	}
}

// TestBootstrapMCErrorCalibrated checks that MCError is an honest standard
// error: over independent seeds, interval ends spread by about MCError.
func TestBootstrapMCErrorCalibrated(t *testing.T) {
	base := []float64{0.312, 0.305, 0.298, 0.320, 0.301, 0.309, 0.315, 0.300}
	cand := []float64{0.290, 0.281, 0.301, 0.285, 0.279, 0.296, 0.288, 0.292}
	const runs = 30
	var ends []float64
	var mc float64
	for s := range runs {
		c, err := Compare(base, cand, Options{Paired: true, Resamples: 1000, Seed: uint64(s)})
		if err != nil {
			t.Fatal(err)
		}
		ends = append(ends, c.RER.Percentile.Hi)
		mc += c.RER.MCError / runs
	}
	mean := 0.0
	for _, x := range ends {
		mean += x / runs
	}
	sd := 0.0
	for _, x := range ends {
		sd += (x - mean) * (x - mean) / (runs - 1)
	}
	sd = math.Sqrt(sd)
	if sd > 2.5*mc || sd < mc/2.5 {
		t.Errorf("upper end spreads by sd %.3g over %d seeds; stated MC error (max of four ends) %.3g", sd, runs, mc)
	}
}

func TestVerdict(t *testing.T) {
	base := []float64{0.312, 0.305, 0.298, 0.320, 0.301}
	cand := []float64{0.290, 0.281, 0.301, 0.285, 0.279}
	c, err := Compare(base, cand, Options{Paired: true, Resamples: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	pt, _ := c.PrimaryTest()
	if pt.Name != TestPairedT {
		t.Fatalf("primary %q", pt.Name)
	}
	// mean 0.3072 -> 0.2872: -6.5 %.
	if v := c.Verdict(); !strings.HasPrefix(v, "-6.5% [") || !strings.HasSuffix(v, " n=5") || !strings.Contains(v, pEquals(pt.P)) || c.VerdictText != v {
		t.Errorf("verdict %q (p %v)", v, pt.P)
	}
	if !c.Significant() || c.RER.BCa.Lo <= 0 {
		t.Errorf("expected a significant reduction: %+v", c.RER)
	}
	// Not significant: the example from the issue, unpaired.
	u, err := Compare(issueBase, issueCand, Options{Resamples: 1000})
	if err != nil {
		t.Fatal(err)
	}
	pu, _ := u.PrimaryTest()
	if pu.Name != TestWelchT || u.Verdict() != "~ ("+pEquals(pu.P)+" n=3+3)" || pu.P < 0.05 {
		t.Errorf("unpaired verdict %q, p %v", u.Verdict(), pu.P)
	}
	if !hasWarning(u, "Mann-Whitney test cannot reach p < 0.05") || !hasWarning(u, "median CI") {
		t.Errorf("warnings %q", u.Warnings)
	}
}

// TestFormatP pins the one way p-values are written for people.
func TestFormatP(t *testing.T) {
	for _, c := range []struct {
		p    float64
		want string
	}{
		{0.004, "0.004"}, {0.41, "0.41"}, {0.0412, "0.041"}, {0.12345, "0.12"}, {0.00123, "0.0012"},
		{1, "1"}, {0.001, "0.001"}, {0.000999, "<0.001"}, {0.0004, "<0.001"}, {0, "<0.001"}, {math.NaN(), "-"},
	} {
		if got := FormatP(c.p); got != c.want {
			t.Errorf("FormatP(%v) = %q, want %q", c.p, got, c.want)
		}
	}
	for p, want := range map[float64]string{0.0412: "p=0.041", 0.0004: "p<0.001"} {
		if got := pEquals(p); got != want {
			t.Errorf("pEquals(%v) = %q, want %q", p, got, want)
		}
	}
}

func TestReachWarning(t *testing.T) {
	for _, tc := range []struct {
		n    int
		alt  Alternative
		warn bool
	}{{5, TwoSided, true}, {6, TwoSided, false}, {4, Less, true}, {5, Less, false}} {
		base := make([]float64, tc.n)
		cand := make([]float64, tc.n)
		for i := range base {
			base[i] = 0.3 + 0.01*float64(i)
			cand[i] = 0.28 + 0.013*float64(i)
		}
		c, err := Compare(base, cand, Options{Paired: true, Alternative: tc.alt, Resamples: 200})
		if err != nil {
			t.Fatal(err)
		}
		if got := hasWarning(c, "cannot reach"); got != tc.warn {
			t.Errorf("n=%d %v: warning %v, want %v (%q)", tc.n, tc.alt, got, tc.warn, c.Warnings)
		}
	}
}

func TestAdjust(t *testing.T) {
	// R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), method)
	p := []float64{0.01, 0.02, 0.03, 0.04, 0.05}
	for m, want := range map[Method][]float64{
		Holm:              {0.05, 0.08, 0.09, 0.09, 0.09},
		Bonferroni:        {0.05, 0.1, 0.15, 0.2, 0.25},
		BenjaminiHochberg: {0.05, 0.05, 0.05, 0.05, 0.05},
	} {
		got, err := Adjust(nil, p, m)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Errorf("%v: %v, want %v", m, got, want)
				break
			}
		}
	}
	// In place, unsorted input.
	q := []float64{0.04, 0.01, 0.5}
	if _, err := Adjust(q, q, Holm); err != nil || q[0] != 0.08 || q[1] != 0.03 || q[2] != 0.5 {
		t.Errorf("in-place Holm: %v %v", q, err)
	}
	if _, err := Adjust(nil, []float64{0.1, math.NaN()}, Holm); !errors.Is(err, ErrNotFinite) {
		t.Errorf("NaN p: %v", err)
	}
	if _, err := Adjust(make([]float64, 1), p, Holm); !errors.Is(err, ErrLength) {
		t.Errorf("short dst: %v", err)
	}
	if _, err := ParseMethod("sidak"); !errors.Is(err, ErrBadOptions) {
		t.Errorf("ParseMethod(sidak): %v", err)
	}
}

func TestAdjustComparisons(t *testing.T) {
	base := []float64{0.312, 0.305, 0.298, 0.320, 0.301}
	cands := [][]float64{
		{0.290, 0.281, 0.301, 0.285, 0.279},
		{0.311, 0.306, 0.297, 0.321, 0.300},
		{0.300, 0.296, 0.296, 0.310, 0.295},
	}
	var cs []Comparison
	for _, cand := range cands {
		c, err := Compare(base, cand, Options{Paired: true, Resamples: 500})
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	raw := make([]float64, len(cs))
	for i, c := range cs {
		pt, _ := c.PrimaryTest()
		raw[i] = pt.P
	}
	want, _ := Adjust(nil, raw, Holm)
	if err := AdjustComparisons(cs, Holm); err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		pt, _ := c.PrimaryTest()
		if pt.P != raw[i] || pt.PAdjusted != want[i] || pt.Adjustment != "holm" {
			t.Errorf("comparison %d: p %v adjusted %v (%s), want %v %v", i, pt.P, pt.PAdjusted, pt.Adjustment, raw[i], want[i])
		}
		if !strings.Contains(c.VerdictText, pEquals(want[i])) {
			t.Errorf("verdict %q does not show the adjusted p %v", c.VerdictText, want[i])
		}
	}
}

func TestSignFlipSmall(t *testing.T) {
	// n=3, d = (-1, -2, -3): sums over the 8 sign patterns are ±6, ±4, ±2,
	// ±0; |S| >= 6 in 2 of 8.
	r, err := SignFlip([]float64{1, 2, 3}, []float64{0, 0, 0}, TwoSided)
	if err != nil || r.P != 0.25 {
		t.Errorf("sign-flip: %+v %v, want p = 0.25", r, err)
	}
	// Tied sums found despite rounding (0.1 + 0.2 != 0.3 in float64): d =
	// (0.1, 0.2, -0.3) sums to ~0, and so does (-0.1, -0.2, 0.3); with 0.6,
	// 0.4 and 0.2, five of eight patterns are >= the observed sum.
	r, _ = SignFlip([]float64{0.3, 0.3, 0.6}, []float64{0.4, 0.5, 0.3}, Greater)
	if r.P != 5.0/8 {
		t.Errorf("sign-flip with a rounding tie: p = %v, want 5/8", r.P)
	}
}

func TestSubsetSumCounts(t *testing.T) {
	// W+ distribution for n=4 (16 subsets of {1,2,3,4}).
	want := []float64{1, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1}
	if got := subsetSumCounts(4); !reflect.DeepEqual(got, want) {
		t.Errorf("subsetSumCounts(4) = %v, want %v", got, want)
	}
	// Exact in float64 up to the largest n used.
	c := subsetSumCounts(WilcoxonExactMax)
	s := 0.0
	for _, x := range c {
		s += x
	}
	if s != math.Ldexp(1, WilcoxonExactMax) {
		t.Errorf("counts for n=%d sum to %v, want 2^n", WilcoxonExactMax, s)
	}
	// Mann-Whitney: P(U >= 0) = 1; P(U >= n1 n2) = 1/C(n1+n2, n1).
	if p := rankSumSurvival(3, 4, 0); p != 1 {
		t.Errorf("P(U >= 0) = %v", p)
	}
	if p := rankSumSurvival(3, 4, 12); math.Abs(p-1.0/35) > 1e-15 {
		t.Errorf("P(U >= 12) = %v, want 1/35", p)
	}
}

func TestBootstrapNoAllocsPerResample(t *testing.T) {
	base := []float64{0.312, 0.305, 0.298, 0.320, 0.301, 0.309}
	cand := []float64{0.290, 0.281, 0.301, 0.285, 0.279}
	pb := pBetterUnpaired(len(base), len(cand))
	if a := testing.AllocsPerRun(100, func() { pb(base, cand); rerOfMeans(base, cand) }); a != 0 {
		t.Errorf("bootstrap statistics allocate %v times per resample", a)
	}
}

func BenchmarkCompare(b *testing.B) {
	base := []float64{0.312, 0.305, 0.298, 0.320, 0.301, 0.309, 0.315, 0.300, 0.303, 0.311}
	cand := []float64{0.290, 0.281, 0.301, 0.285, 0.279, 0.296, 0.288, 0.292, 0.287, 0.295}
	for _, paired := range []bool{true, false} {
		name := "unpaired-n10"
		if paired {
			name = "paired-n10"
		}
		b.Run(name, func(b *testing.B) {
			o := Options{Paired: paired, Resamples: DefaultResamples}
			for b.Loop() {
				if _, err := Compare(base, cand, o); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(DefaultResamples)*float64(b.N)/b.Elapsed().Seconds(), "resamples/s")
		})
	}
}

package stats

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
)

// golden is stats/testdata/golden.json, written by gen_golden.py (scipy).
type golden struct {
	Scipy      string         `json:"scipy"`
	Confidence float64        `json:"confidence"`
	Paired     []goldenCase   `json:"paired"`
	Unpaired   []goldenCase   `json:"unpaired"`
	Bootstrap  []goldenBoot   `json:"bootstrap"`
	Adjust     []goldenAdjust `json:"adjust"`
}

type goldenSummary struct {
	N              int        `json:"n"`
	Mean           float64    `json:"mean"`
	SD             float64    `json:"sd"`
	SE             float64    `json:"se"`
	Median         float64    `json:"median"`
	MeanCI         [2]float64 `json:"mean_ci"`
	MedianCI       [2]float64 `json:"median_ci"`
	MedianCoverage float64    `json:"median_coverage"`
	MedianCIOK     bool       `json:"median_ci_ok"`
}

type goldenTest struct {
	Statistic float64 `json:"statistic"`
	P         float64 `json:"p"`
	DF        float64 `json:"df"`
	Method    string  `json:"method"`
	N         int     `json:"n"`
	AbsZ      float64 `json:"abs_z"`
}

type goldenCase struct {
	Name        string                `json:"name"`
	Paired      bool                  `json:"paired"`
	Base        []float64             `json:"base"`
	Cand        []float64             `json:"cand"`
	BaseSummary goldenSummary         `json:"base_summary"`
	CandSummary goldenSummary         `json:"cand_summary"`
	DiffSummary *goldenSummary        `json:"diff_summary"`
	Tests       map[string]goldenTest `json:"tests"`
	Effect      *struct {
		CohenD  float64  `json:"cohen_d"`
		HedgesG *float64 `json:"hedges_g"`
	} `json:"effect"`
	Power *struct {
		TargetRER float64 `json:"target_rer"`
		SD        float64 `json:"sd"`
		NExact    int     `json:"n_exact"`
	} `json:"power"`
	PBetter float64 `json:"p_better"`
}

type goldenCI struct {
	Value      float64    `json:"value"`
	Percentile [2]float64 `json:"percentile"`
	BCa        [2]float64 `json:"bca"`
	Resamples  int        `json:"resamples"`
}

type goldenBoot struct {
	Name        string    `json:"name"`
	Paired      bool      `json:"paired"`
	Base        []float64 `json:"base"`
	Cand        []float64 `json:"cand"`
	Resamples   int       `json:"resamples"`
	RER         goldenCI  `json:"rer"`
	PBetter     goldenCI  `json:"p_better"`
	MeanSeedRER *goldenCI `json:"mean_seed_rer"`
}

type goldenAdjust struct {
	Method   string    `json:"method"`
	P        []float64 `json:"p"`
	Adjusted []float64 `json:"adjusted"`
}

func loadGolden(t *testing.T) golden {
	t.Helper()
	b, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatalf("golden values: %v (regenerate with /usr/bin/python3 stats/testdata/gen_golden.py > stats/testdata/golden.json)", err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("testdata/golden.json: %v", err)
	}
	if len(g.Paired) == 0 || len(g.Unpaired) == 0 || len(g.Bootstrap) == 0 || len(g.Adjust) == 0 {
		t.Fatalf("testdata/golden.json has an empty section")
	}
	return g
}

// pTol is the tolerance of p-values against scipy.
const pTol = 1e-6

// close reports whether got is within tol of want, relative to |want| when
// |want| > 1 (statistics on a large scale).
func closeTo(got, want, tol float64) bool {
	if got == want {
		return true
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func checkSummary(t *testing.T, what string, got Summary, want goldenSummary) {
	t.Helper()
	// Moments relative to the sample's own scale (huge and tiny scales are in
	// the golden set).
	scale := math.Max(math.Abs(want.Mean), want.SD)
	rel := func(g, w float64) bool { return math.Abs(g-w) <= 1e-9*scale }
	if got.N != want.N || !rel(got.Mean, want.Mean) || !rel(got.Median, want.Median) ||
		math.Abs(got.SD-want.SD) > 1e-9*want.SD || math.Abs(got.SE-want.SE) > 1e-9*want.SE {
		t.Errorf("%s: summary n=%d mean=%v sd=%v se=%v median=%v, scipy n=%d mean=%v sd=%v se=%v median=%v",
			what, got.N, got.Mean, got.SD, got.SE, got.Median, want.N, want.Mean, want.SD, want.SE, want.Median)
	}
	// The t interval's half-width relative to SE.
	if math.Abs(got.MeanCI.Lo-want.MeanCI[0]) > 1e-7*want.SE+1e-12*scale || math.Abs(got.MeanCI.Hi-want.MeanCI[1]) > 1e-7*want.SE+1e-12*scale {
		t.Errorf("%s: mean CI [%v, %v], scipy [%v, %v]", what, got.MeanCI.Lo, got.MeanCI.Hi, want.MeanCI[0], want.MeanCI[1])
	}
	if got.MedianCI.Lo != want.MedianCI[0] || got.MedianCI.Hi != want.MedianCI[1] ||
		math.Abs(got.MedianCI.Coverage-want.MedianCoverage) > 1e-9 || (len(got.Warnings) == 0) != want.MedianCIOK {
		t.Errorf("%s: median CI [%v, %v] coverage %v warnings %q, scipy [%v, %v] coverage %v ok=%v", what,
			got.MedianCI.Lo, got.MedianCI.Hi, got.MedianCI.Coverage, got.Warnings,
			want.MedianCI[0], want.MedianCI[1], want.MedianCoverage, want.MedianCIOK)
	}
}

var testFuncs = map[string]func(base, cand []float64, alt Alternative) (TestResult, error){
	TestPairedT: PairedT, TestWilcoxon: Wilcoxon, TestSignFlip: SignFlip, TestWelchT: WelchT, TestMannWhitney: MannWhitney,
}

func TestGoldenTests(t *testing.T) {
	g := loadGolden(t)
	counts := map[string]int{}
	for _, c := range append(append([]goldenCase{}, g.Paired...), g.Unpaired...) {
		base, cand := c.Base, c.Cand
		s, err := Summarize(base)
		if err != nil {
			t.Fatalf("%s: Summarize(base): %v", c.Name, err)
		}
		checkSummary(t, c.Name+" base", s, c.BaseSummary)
		s, err = Summarize(cand)
		if err != nil {
			t.Fatalf("%s: Summarize(cand): %v", c.Name, err)
		}
		checkSummary(t, c.Name+" cand", s, c.CandSummary)
		for key, want := range c.Tests {
			name, altName, _ := strings.Cut(key, "/")
			alt, err := ParseAlternative(altName)
			if err != nil {
				t.Fatal(err)
			}
			got, err := testFuncs[name](base, cand, alt)
			if err != nil {
				t.Errorf("%s %s: %v", c.Name, key, err)
				continue
			}
			counts[name+" "+got.Method]++
			if !closeTo(got.P, want.P, pTol) {
				t.Errorf("%s %s: p = %.10g (%s), scipy %.10g", c.Name, key, got.P, got.Method, want.P)
			}
			if !closeTo(got.Statistic, want.Statistic, 1e-8) {
				t.Errorf("%s %s: statistic = %.10g, scipy %.10g", c.Name, key, got.Statistic, want.Statistic)
			}
			if want.DF != 0 && !closeTo(got.DF, want.DF, 1e-8) {
				t.Errorf("%s %s: df = %v, scipy %v", c.Name, key, got.DF, want.DF)
			}
			if want.Method != "" && (want.Method == "exact") != (got.Method == "exact") {
				t.Errorf("%s %s: method %q, the golden value used %q", c.Name, key, got.Method, want.Method)
			}
			if want.AbsZ != 0 && !closeTo(math.Abs(got.Z), want.AbsZ, 1e-8) {
				t.Errorf("%s %s: |z| = %v, scipy %v", c.Name, key, math.Abs(got.Z), want.AbsZ)
			}
			if want.N != 0 && got.N != want.N {
				t.Errorf("%s %s: n = %d, want %d", c.Name, key, got.N, want.N)
			}
		}
	}
	// The golden set must exercise every method (guards against a generator
	// change that silently drops a branch).
	for _, m := range []string{"paired-t t distribution", "wilcoxon exact", "wilcoxon normal approximation, tie and continuity corrected",
		"welch-t t distribution, Welch-Satterthwaite df", "mann-whitney exact", "mann-whitney normal approximation, tie and continuity corrected"} {
		if counts[m] == 0 {
			t.Errorf("golden set has no %q case", m)
		}
	}
	if counts["sign-flip exact, all 2^20 sign patterns"] == 0 || counts["sign-flip exact, all 2^2 sign patterns"] == 0 {
		t.Errorf("golden set lacks sign-flip at n=2 or n=20: %v", counts)
	}
}

func TestGoldenCompare(t *testing.T) {
	g := loadGolden(t)
	for _, c := range append(append([]goldenCase{}, g.Paired...), g.Unpaired...) {
		cmp, err := Compare(c.Base, c.Cand, Options{Paired: c.Paired, Resamples: 200, Seed: 1})
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if c.DiffSummary != nil {
			checkSummary(t, c.Name+" diff", *cmp.Diff, *c.DiffSummary)
		}
		if e := c.Effect; e != nil {
			if !closeTo(cmp.Effect.CohenD, e.CohenD, 1e-9) {
				t.Errorf("%s: Cohen's d = %v, want %v", c.Name, cmp.Effect.CohenD, e.CohenD)
			}
			switch {
			case (e.HedgesG == nil) != (cmp.Effect.HedgesG == nil):
				t.Errorf("%s: Hedges' g present = %v, want %v", c.Name, cmp.Effect.HedgesG != nil, e.HedgesG != nil)
			case e.HedgesG != nil && !closeTo(*cmp.Effect.HedgesG, *e.HedgesG, 1e-9):
				t.Errorf("%s: Hedges' g = %v, want %v", c.Name, *cmp.Effect.HedgesG, *e.HedgesG)
			}
		}
		if cmp.Effect.PBetter == nil || !closeTo(cmp.Effect.PBetter.Value, c.PBetter, 1e-12) {
			t.Errorf("%s: P(better) = %+v, want %v", c.Name, cmp.Effect.PBetter, c.PBetter)
		}
		if p := c.Power; p != nil {
			h := cmp.Power
			if !closeTo(h.TargetRER, p.TargetRER, 1e-9) || !closeTo(h.SD, p.SD, 1e-9) {
				t.Errorf("%s: power hint target %v sd %v, want %v %v", c.Name, h.TargetRER, h.SD, p.TargetRER, p.SD)
			}
			if h.N < p.NExact-1 || h.N > p.NExact+1 {
				t.Errorf("%s: power hint n = %d, exact noncentral-t answer %d", c.Name, h.N, p.NExact)
			}
		}
	}
}

// TestGoldenBootstrap compares the seeded bootstrap intervals with
// scipy.stats.bootstrap (50000 resamples) within their stated Monte Carlo
// error: 4 combined standard errors, plus one step of the statistic's grid
// for the discrete P(better).
func TestGoldenBootstrap(t *testing.T) {
	g := loadGolden(t)
	const b = 4000
	for _, c := range g.Bootstrap {
		cmp, err := Compare(c.Base, c.Cand, Options{Paired: c.Paired, Resamples: b, Seed: 7})
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		step := 1 / float64(len(c.Base))
		if !c.Paired {
			step = 1 / float64(len(c.Base)*len(c.Cand))
		}
		check := func(what string, got *Estimate, want goldenCI, grid float64) {
			t.Helper()
			if got == nil {
				t.Errorf("%s %s: no estimate", c.Name, what)
				return
			}
			if !closeTo(got.Value, want.Value, 1e-12) {
				t.Errorf("%s %s: value %v, scipy %v", c.Name, what, got.Value, want.Value)
			}
			wantB := want.Resamples
			if wantB == 0 {
				wantB = c.Resamples
			}
			// MC error of scipy's ends scales as 1/sqrt(B).
			mc := got.MCError * math.Sqrt(1+float64(b)/float64(wantB))
			tol := 4*mc + grid + 1e-12
			for _, e := range []struct {
				name      string
				got, want float64
			}{
				{"percentile lo", got.Percentile.Lo, want.Percentile[0]}, {"percentile hi", got.Percentile.Hi, want.Percentile[1]},
				{"BCa lo", got.BCa.Lo, want.BCa[0]}, {"BCa hi", got.BCa.Hi, want.BCa[1]},
			} {
				if math.Abs(e.got-e.want) > tol {
					t.Errorf("%s %s %s: %v, scipy %v (tolerance %.3g = 4 x MC error %.3g + grid %.3g)", c.Name, what, e.name, e.got, e.want, tol, mc, grid)
				}
			}
			if got.MCError <= 0 && grid == 0 {
				t.Errorf("%s %s: MC error %v, want > 0", c.Name, what, got.MCError)
			}
		}
		check("RER", cmp.RER, c.RER, 0)
		check("P(better)", cmp.Effect.PBetter, c.PBetter, step)
		if c.MeanSeedRER != nil {
			check("mean seed RER", cmp.MeanSeedRER, *c.MeanSeedRER, 0)
		}
	}
}

func TestGoldenAdjust(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Adjust {
		m, err := ParseMethod(c.Method)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Adjust(nil, c.P, m)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if math.Abs(got[i]-c.Adjusted[i]) > 1e-12 {
				t.Errorf("%s %v: adjusted %v, want %v", c.Method, c.P, got, c.Adjusted)
				break
			}
		}
	}
}

package stats

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// Ranking compares k treatments with each other, as a leaderboard does: it
// orders them by mean, tests every pair with the primary test of Compare
// (paired t for paired samples, Welch's t otherwise), adjusts the p-values
// of all pairs together, and summarises them as a compact letter display.
type Ranking struct {
	// Order lists the treatments best (lowest mean) first; treatments with a
	// non-finite value (diverged runs) come last, in input order.
	Order []int
	// Mean is each treatment's mean (NaN for a diverged one).
	Mean []float64
	// MeanRank is each treatment's rank averaged over the samples' blocks
	// (index i of every sample is one block, e.g. a seed), diverged runs
	// ranked last within their block (see MeanRanks). nil for unpaired
	// samples, which have no blocks.
	MeanRank []float64
	// Diverged counts each treatment's non-finite values.
	Diverged []int
	// P[i][j] is the adjusted p of the pair (i, j), symmetric; NaN on the
	// diagonal and for pairs with a diverged treatment, which are not tested.
	P [][]float64
	// Letters is the compact letter display: two treatments share a letter
	// exactly when their adjusted p is >= Alpha. "" for diverged treatments.
	Letters []string
	// Test names the test, Adjustment the correction over all Pairs tests.
	Test       string
	Adjustment Method
	Pairs      int
	Alpha      float64
}

// Rank compares every pair of samples (one per treatment, values lower is
// better: test errors). With o.Paired every sample must have the same
// length, index i being the same seed in each. Only o.Paired, o.Alpha and
// o.Alternative (two-sided by default) are used.
func Rank(samples [][]float64, o Options, m Method) (Ranking, error) {
	o, err := o.withDefaults()
	if err != nil {
		return Ranking{}, err
	}
	k := len(samples)
	r := Ranking{Mean: make([]float64, k), Diverged: make([]int, k), Adjustment: m, Alpha: o.Alpha, Test: TestWelchT}
	if o.Paired {
		r.Test = TestPairedT
	}
	var finite []int
	for t, s := range samples {
		if o.Paired && len(s) != len(samples[0]) {
			return Ranking{}, fmt.Errorf("%w: paired samples: treatment %d has %d values, treatment 0 has %d", ErrLength, t, len(s), len(samples[0]))
		}
		for _, v := range s {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				r.Diverged[t]++
			}
		}
		if r.Diverged[t] > 0 {
			r.Mean[t] = math.NaN()
			continue
		}
		if err := checkSample(fmt.Sprintf("treatment %d", t), s, 2); err != nil {
			return Ranking{}, err
		}
		r.Mean[t] = stat.Mean(s, nil)
		finite = append(finite, t)
	}
	r.Order = slices.Clone(finite)
	slices.SortStableFunc(r.Order, func(a, b int) int {
		switch {
		case r.Mean[a] < r.Mean[b]:
			return -1
		case r.Mean[a] > r.Mean[b]:
			return 1
		}
		return 0
	})
	for t := range samples {
		if r.Diverged[t] > 0 {
			r.Order = append(r.Order, t)
		}
	}
	if o.Paired && k > 0 {
		blocks := make([][]float64, len(samples[0]))
		for b := range blocks {
			blocks[b] = make([]float64, k)
			for t, s := range samples {
				blocks[b][t] = s[b]
			}
		}
		if len(blocks) > 0 {
			if r.MeanRank, err = MeanRanks(blocks); err != nil {
				return Ranking{}, err
			}
		}
	}

	r.P = make([][]float64, k)
	for i := range r.P {
		r.P[i] = make([]float64, k)
		for j := range r.P[i] {
			r.P[i][j] = math.NaN()
		}
	}
	type pair struct{ i, j int }
	var pairs []pair
	var raw []float64
	for a, i := range finite {
		for _, j := range finite[a+1:] {
			var tr TestResult
			if o.Paired {
				tr, err = PairedT(samples[i], samples[j], o.Alternative)
			} else {
				tr, err = WelchT(samples[i], samples[j], o.Alternative)
			}
			if err != nil {
				return Ranking{}, fmt.Errorf("treatments %d and %d: %w", i, j, err)
			}
			pairs = append(pairs, pair{i, j})
			raw = append(raw, tr.P)
		}
	}
	r.Pairs = len(pairs)
	adj, err := Adjust(nil, raw, m)
	if err != nil {
		return Ranking{}, err
	}
	for n, p := range pairs {
		r.P[p.i][p.j], r.P[p.j][p.i] = adj[n], adj[n]
	}

	// Letters over the finite treatments, handed out best first.
	pos := make(map[int]int, len(finite))
	for n, t := range finite {
		pos[t] = n
	}
	order := make([]int, len(finite))
	for n, t := range r.Order[:len(finite)] {
		order[n] = pos[t]
	}
	lett, err := CompactLetters(len(finite), func(a, b int) bool { return r.P[finite[a]][finite[b]] < o.Alpha }, order)
	if err != nil {
		return Ranking{}, err
	}
	r.Letters = make([]string, k)
	for n, t := range finite {
		r.Letters[t] = lett[n]
	}
	return r, nil
}

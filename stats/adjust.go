package stats

import (
	"fmt"
	"math"
	"sort"
)

// Method is a multiple-comparison adjustment of p-values.
type Method int

const (
	// Holm is Holm's step-down Bonferroni method: it controls the
	// family-wise error rate like Bonferroni under any dependence and is
	// never less powerful. The default.
	Holm Method = iota
	// Bonferroni multiplies each p by the number of comparisons.
	Bonferroni
	// BenjaminiHochberg controls the false discovery rate (for independent or
	// positively dependent tests) instead of the family-wise error rate.
	BenjaminiHochberg
)

func (m Method) String() string {
	switch m {
	case Holm:
		return "holm"
	case Bonferroni:
		return "bonferroni"
	case BenjaminiHochberg:
		return "bh"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ParseMethod parses "holm", "bonferroni" or "bh" (also "benjamini-hochberg"
// and "fdr").
func ParseMethod(s string) (Method, error) {
	switch s {
	case "holm":
		return Holm, nil
	case "bonferroni":
		return Bonferroni, nil
	case "bh", "benjamini-hochberg", "fdr":
		return BenjaminiHochberg, nil
	}
	return 0, fmt.Errorf("%w: adjustment %q: want holm, bonferroni or bh", ErrBadOptions, s)
}

// Adjust writes the adjusted p-values of p into dst and returns it; dst may
// be nil (allocated) or p itself, else it must have len(p). Every p must be
// in [0, 1].
func Adjust(dst, p []float64, m Method) ([]float64, error) {
	if dst == nil {
		dst = make([]float64, len(p))
	}
	if len(dst) != len(p) {
		return nil, fmt.Errorf("%w: Adjust: dst has %d elements, p has %d", ErrLength, len(dst), len(p))
	}
	for i, x := range p {
		if !(x >= 0 && x <= 1) {
			return nil, fmt.Errorf("%w: p[%d] = %v is not a probability", ErrNotFinite, i, x)
		}
	}
	n := len(p)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return p[order[a]] < p[order[b]] })
	sorted := make([]float64, n)
	for i, j := range order {
		sorted[i] = p[j]
	}
	fn := float64(n)
	switch m {
	case Bonferroni:
		for i, x := range sorted {
			sorted[i] = math.Min(1, x*fn)
		}
	case Holm:
		running := 0.0
		for i, x := range sorted {
			running = math.Max(running, math.Min(1, x*float64(n-i)))
			sorted[i] = running
		}
	case BenjaminiHochberg:
		running := 1.0
		for i := n - 1; i >= 0; i-- {
			running = math.Min(running, sorted[i]*fn/float64(i+1))
			sorted[i] = running
		}
	default:
		return nil, fmt.Errorf("%w: unknown adjustment %v", ErrBadOptions, m)
	}
	for i, j := range order {
		dst[j] = sorted[i]
	}
	return dst, nil
}

// AdjustComparisons adjusts, for each test name, the p-values of that test
// across all comparisons (one family per test), stores them in
// TestResult.PAdjusted and updates each verdict. Call it once with every
// comparison of a report.
func AdjustComparisons(cs []Comparison, m Method) error {
	type ref struct{ c, t int }
	families := map[string][]ref{}
	var names []string
	for i := range cs {
		for j, t := range cs[i].Tests {
			if _, ok := families[t.Name]; !ok {
				names = append(names, t.Name)
			}
			families[t.Name] = append(families[t.Name], ref{i, j})
		}
	}
	for _, name := range names {
		refs := families[name]
		p := make([]float64, len(refs))
		for k, r := range refs {
			p[k] = cs[r.c].Tests[r.t].P
		}
		adj, err := Adjust(nil, p, m)
		if err != nil {
			return fmt.Errorf("adjusting %s: %w", name, err)
		}
		for k, r := range refs {
			cs[r.c].Tests[r.t].PAdjusted = adj[k]
			cs[r.c].Tests[r.t].Adjustment = m.String()
		}
	}
	for i := range cs {
		cs[i].VerdictText = cs[i].Verdict()
	}
	return nil
}

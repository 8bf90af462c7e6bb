package stats

import (
	"fmt"
	"slices"
)

// CompactLetters returns the compact letter display of k treatments: a
// string of letters per treatment such that two treatments share a letter
// exactly when their difference is not significant. differ(i, j) (i < j)
// reports whether treatments i and j differ significantly (after the
// multiple-comparison adjustment the caller chose). order lists the
// treatments best first (e.g. by mean test error); letters are handed out in
// that order, so the best treatment's group is "a". order may be nil (0, 1,
// ..., k-1).
//
// The display is built with Piepho's insert-and-absorb algorithm (Piepho, "An
// Algorithm for a Letter-Based Representation of All-Pairwise Comparisons",
// J. Comput. Graph. Stat. 13(2), 2004): start with one group holding every
// treatment; for every significant pair, split each group that holds both
// into one without i and one without j, then drop every group contained in
// another. A final sweep (Piepho's second step) takes each treatment out of
// every group where all its non-significant pairs are covered by other
// groups, so that no letter is redundant and the display stays short with
// many treatments. Letters run a-z, then A-Z, then "{n}" for the n-th group beyond 52.
func CompactLetters(k int, differ func(i, j int) bool, order []int) ([]string, error) {
	if k < 0 {
		return nil, fmt.Errorf("%w: CompactLetters: %d treatments", ErrBadOptions, k)
	}
	if order == nil {
		order = make([]int, k)
		for i := range order {
			order[i] = i
		}
	}
	if err := checkPermutation(order, k); err != nil {
		return nil, err
	}
	if k == 0 {
		return []string{}, nil
	}
	groups := sweep(insertAbsorb(k, differ), differ)
	// Name groups in the order of their best member.
	rank := make([]int, k)
	for pos, t := range order {
		rank[t] = pos
	}
	first := func(g []bool) int {
		best := k
		for t, in := range g {
			if in {
				best = min(best, rank[t])
			}
		}
		return best
	}
	slices.SortStableFunc(groups, func(a, b []bool) int { return first(a) - first(b) })
	out := make([]string, k)
	for n, g := range groups {
		for t, in := range g {
			if in {
				out[t] += letterName(n)
			}
		}
	}
	return out, nil
}

// absorb drops every group that is a subset of another (one of two equal
// groups survives).
func absorb(groups [][]bool) [][]bool {
	var kept [][]bool
	for a, g := range groups {
		dominated := false
		for b, h := range groups {
			if a != b && subset(g, h) && (!subset(h, g) || b < a) {
				dominated = true
				break
			}
		}
		if !dominated {
			kept = append(kept, g)
		}
	}
	return kept
}

func subset(g, h []bool) bool {
	for t, in := range g {
		if in && !h[t] {
			return false
		}
	}
	return true
}

func letterName(n int) string {
	switch {
	case n < 26:
		return string(rune('a' + n))
	case n < 52:
		return string(rune('A' + n - 26))
	}
	return fmt.Sprintf("{%d}", n+1)
}

func checkPermutation(order []int, k int) error {
	if len(order) != k {
		return fmt.Errorf("%w: order has %d entries for %d treatments", ErrLength, len(order), k)
	}
	seen := make([]bool, k)
	for _, t := range order {
		if t < 0 || t >= k || seen[t] {
			return fmt.Errorf("%w: order %v is not a permutation of 0..%d", ErrBadOptions, order, k-1)
		}
		seen[t] = true
	}
	return nil
}

// sweep removes redundant memberships: treatment t leaves group g when t is
// in another group too and every non-significant pair (t, u) with u in g is
// also held by another group. Groups left empty or contained in another are
// dropped. Two treatments still share a group exactly when they do not
// differ.
func sweep(groups [][]bool, differ func(i, j int) bool) [][]bool {
	k := 0
	if len(groups) > 0 {
		k = len(groups[0])
	}
	ns := func(a, b int) bool { // a and b do not differ
		if a > b {
			a, b = b, a
		}
		return !differ(a, b)
	}
	for gi, g := range groups {
		for t := 0; t < k; t++ {
			if !g[t] {
				continue
			}
			elsewhere := false
			for hi, h := range groups {
				if hi != gi && h[t] {
					elsewhere = true
					break
				}
			}
			if !elsewhere {
				continue
			}
			needed := false
			for u := 0; u < k && !needed; u++ {
				if u == t || !g[u] || !ns(t, u) {
					continue
				}
				covered := false
				for hi, h := range groups {
					if hi != gi && h[t] && h[u] {
						covered = true
						break
					}
				}
				needed = !covered
			}
			if !needed {
				g[t] = false
			}
		}
	}
	var kept [][]bool
	for _, g := range groups {
		if slices.Contains(g, true) {
			kept = append(kept, g)
		}
	}
	return absorb(kept)
}

// insertAbsorb is Piepho's first step: one group of all k treatments, split
// for every significant pair, groups contained in another absorbed.
func insertAbsorb(k int, differ func(i, j int) bool) [][]bool {
	all := make([]bool, k)
	for i := range all {
		all[i] = true
	}
	groups := [][]bool{all}
	for i := 0; i < k; i++ {
		for j := i + 1; j < k; j++ {
			if !differ(i, j) {
				continue
			}
			var next [][]bool
			for _, g := range groups {
				if !g[i] || !g[j] {
					next = append(next, g)
					continue
				}
				withoutI, withoutJ := slices.Clone(g), slices.Clone(g)
				withoutI[i], withoutJ[j] = false, false
				next = append(next, withoutI, withoutJ)
			}
			groups = absorb(next)
		}
	}
	return groups
}

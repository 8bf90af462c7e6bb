package stats

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestCompactLettersPiephoExample(t *testing.T) {
	// Four treatments best first; A-C, A-D and B-D differ. Worked by hand
	// with insert-and-absorb: groups {A,B}, {B,C}, {C,D}.
	sig := map[[2]int]bool{{0, 2}: true, {0, 3}: true, {1, 3}: true}
	got, err := CompactLetters(4, func(i, j int) bool { return sig[[2]int{i, j}] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "ab", "bc", "c"}; !slices.Equal(got, want) {
		t.Errorf("letters = %q, want %q", got, want)
	}
}

func TestCompactLettersOrderNamesBestGroupA(t *testing.T) {
	// Treatment 2 is the best, 0 the worst; 0 differs from both others.
	differ := func(i, j int) bool { return i == 0 }
	got, err := CompactLetters(3, differ, []int{2, 1, 0})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"b", "a", "a"}; !slices.Equal(got, want) {
		t.Errorf("letters = %q, want %q", got, want)
	}
}

func TestCompactLettersNoneAndAllDiffer(t *testing.T) {
	none, _ := CompactLetters(3, func(i, j int) bool { return false }, nil)
	if want := []string{"a", "a", "a"}; !slices.Equal(none, want) {
		t.Errorf("no difference: %q, want %q", none, want)
	}
	all, _ := CompactLetters(3, func(i, j int) bool { return true }, nil)
	if want := []string{"a", "b", "c"}; !slices.Equal(all, want) {
		t.Errorf("all differ: %q, want %q", all, want)
	}
}

// TestCompactLettersRepresentsEveryPair checks the defining property on
// random significance patterns: two treatments share a letter exactly when
// they do not differ.
func TestCompactLettersRepresentsEveryPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		k := 1 + rng.IntN(12)
		sig := make([][]bool, k)
		for i := range sig {
			sig[i] = make([]bool, k)
		}
		density := rng.Float64()
		for i := 0; i < k; i++ {
			for j := i + 1; j < k; j++ {
				sig[i][j] = rng.Float64() < density
			}
		}
		order := rng.Perm(k)
		got, err := CompactLetters(k, func(i, j int) bool { return sig[i][j] }, order)
		if err != nil {
			t.Fatal(err)
		}
		sets := make([]map[string]bool, k)
		for i, s := range got {
			sets[i] = map[string]bool{}
			for _, l := range letters(s) {
				sets[i][l] = true
			}
			if len(sets[i]) == 0 {
				t.Fatalf("treatment %d has no letter: %q", i, got)
			}
		}
		for i := 0; i < k; i++ {
			for j := i + 1; j < k; j++ {
				share := false
				for l := range sets[i] {
					share = share || sets[j][l]
				}
				if share == sig[i][j] {
					t.Fatalf("k=%d: treatments %d,%d differ=%v but share a letter=%v (%q)", k, i, j, sig[i][j], share, got)
				}
			}
		}
		if !strings.Contains(got[order[0]], "a") {
			t.Fatalf("best treatment %d lacks letter a: %q", order[0], got)
		}
	}
}

func letters(s string) []string {
	var out []string
	for len(s) > 0 {
		if s[0] == '{' {
			end := strings.IndexByte(s, '}')
			out, s = append(out, s[:end+1]), s[end+1:]
			continue
		}
		out, s = append(out, s[:1]), s[1:]
	}
	return out
}

func TestCompactLettersRejectsBadOrder(t *testing.T) {
	never := func(i, j int) bool { return false }
	for _, order := range [][]int{{0, 0, 1}, {0, 1}, {0, 1, 3}} {
		if _, err := CompactLetters(3, never, order); err == nil {
			t.Errorf("order %v accepted", order)
		}
	}
}

func TestMeanRanks(t *testing.T) {
	// Ranks per block by hand: [1 2 3], [1.5 1.5 3] (tie), [1 3 2] (NaN and
	// +Inf are diverged runs: after every finite value, tied with each other).
	blocks := [][]float64{
		{0.1, 0.2, 0.3},
		{0.5, 0.5, 0.9},
		{0.4, 0.0 / zero(), 0.7},
		{0.2, 1.0 / zero(), 0.0 / zero()},
	}
	got, err := MeanRanks(blocks)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{(1 + 1.5 + 1 + 1) / 4.0, (2 + 1.5 + 3 + 2.5) / 4.0, (3 + 3 + 2 + 2.5) / 4.0}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("mean rank %d = %v, want %v", i, got[i], want[i])
		}
	}
	if _, err := MeanRanks([][]float64{{1, 2}, {1}}); err == nil {
		t.Error("ragged blocks accepted")
	}
	if _, err := MeanRanks(nil); err == nil {
		t.Error("no blocks accepted")
	}
}

func zero() float64 { return 0 }

// TestCompactLettersSweepShortens: the sweep never adds a letter and, over
// many random patterns, removes redundant ones (the property test above
// checks that the display stays exact).
func TestCompactLettersSweepShortens(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	count := func(groups [][]bool) int {
		n := 0
		for _, g := range groups {
			for _, in := range g {
				if in {
					n++
				}
			}
		}
		return n
	}
	before, after := 0, 0
	for trial := 0; trial < 200; trial++ {
		k := 4 + rng.IntN(20)
		sig := map[[2]int]bool{}
		for i := 0; i < k; i++ {
			for j := i + 1; j < k; j++ {
				// Significance mostly between distant treatments, as when
				// they are sorted by mean.
				sig[[2]int{i, j}] = rng.Float64() < float64(j-i)/float64(k)
			}
		}
		differ := func(i, j int) bool { return sig[[2]int{i, j}] }
		g := insertAbsorb(k, differ)
		b := count(g)
		a := count(sweep(g, differ))
		if a > b {
			t.Fatalf("k=%d: the sweep added memberships: %d -> %d", k, b, a)
		}
		before, after = before+b, after+a
	}
	if after >= before {
		t.Errorf("the sweep removed nothing over 200 patterns (%d memberships)", before)
	}
	t.Logf("memberships: %d before the sweep, %d after", before, after)
}

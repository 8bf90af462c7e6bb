package stats

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
)

// TestRankGolden checks every adjusted pair p and the mean ranks against
// scipy (testdata/gen_ranking.py), and the order and letters against the
// adjusted p-values they are read from.
func TestRankGolden(t *testing.T) {
	raw, err := os.ReadFile("testdata/ranking.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Samples  [][]any      `json:"samples"`
		PHolm    [][]*float64 `json:"p_holm"`
		MeanRank []float64    `json:"mean_rank"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	samples := make([][]float64, len(g.Samples))
	for i, s := range g.Samples {
		for _, v := range s {
			f, ok := v.(float64)
			if !ok {
				f = math.NaN()
			}
			samples[i] = append(samples[i], f)
		}
	}
	r, err := Rank(samples, Options{Paired: true}, Holm)
	if err != nil {
		t.Fatal(err)
	}
	for i := range samples {
		for j := range samples {
			want := g.PHolm[i][j]
			if want == nil {
				if !math.IsNaN(r.P[i][j]) {
					t.Errorf("P[%d][%d] = %v, want NaN (not tested)", i, j, r.P[i][j])
				}
				continue
			}
			if math.Abs(r.P[i][j]-*want) > 1e-9*max(1, *want) {
				t.Errorf("P[%d][%d] = %v, scipy+Holm %v", i, j, r.P[i][j], *want)
			}
		}
	}
	for i, want := range g.MeanRank {
		if math.Abs(r.MeanRank[i]-want) > 1e-12 {
			t.Errorf("mean rank %d = %v, scipy %v", i, r.MeanRank[i], want)
		}
	}
	if want := []int{4, 2, 1, 0, 3, 5}; !slices.Equal(r.Order, want) {
		t.Errorf("order = %v, want %v (by mean, diverged last)", r.Order, want)
	}
	if r.Diverged[5] != 1 || r.Letters[5] != "" || !math.IsNaN(r.Mean[5]) {
		t.Errorf("diverged treatment: diverged=%d letters=%q mean=%v", r.Diverged[5], r.Letters[5], r.Mean[5])
	}
	if r.Pairs != 10 || r.Test != TestPairedT {
		t.Errorf("pairs=%d test=%s, want 10 paired-t", r.Pairs, r.Test)
	}
	if r.Letters[4][:1] != "a" {
		t.Errorf("best treatment's letters %q do not start with a", r.Letters[4])
	}
	for i := 0; i < 5; i++ {
		for j := i + 1; j < 5; j++ {
			share := false
			for _, c := range r.Letters[i] {
				share = share || slices.Contains([]rune(r.Letters[j]), c)
			}
			if share != (r.P[i][j] >= 0.05) {
				t.Errorf("%d,%d: adjusted p %.3g but letters %q, %q", i, j, r.P[i][j], r.Letters[i], r.Letters[j])
			}
		}
	}
}

func TestRankRejectsRaggedPairs(t *testing.T) {
	if _, err := Rank([][]float64{{1, 2, 3}, {1, 2}}, Options{Paired: true}, Holm); err == nil {
		t.Error("ragged paired samples accepted")
	}
}

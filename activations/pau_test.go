package activations

import (
	"math"
	"sort"
	"testing"
)

func TestRealRoots(t *testing.T) {
	for _, c := range []struct {
		coef []float64 // c0 + c1*x + c2*x^2 + c3*x^3
		want []float64 // the sign changes
	}{
		{[]float64{6, -5, -2, 1}, []float64{-2, 1, 3}}, // (x-1)(x+2)(x-3)
		{[]float64{0, 0, 0, 1}, []float64{0}},          // x^3: a triple root is a sign change
		{[]float64{-2, 0, 1, 0}, []float64{-math.Sqrt2, math.Sqrt2}},
		{[]float64{1, 0, 1, 0}, nil},             // 1 + x^2
		{[]float64{1, -2, 1, 0}, nil},            // (x-1)^2: touches 0 without a sign change
		{[]float64{3, 2, 0, 0}, []float64{-1.5}}, // linear
		{[]float64{5, 0, 0, 0}, nil},
		{[]float64{1e-6, 4, 5e-7, 0.3}, []float64{-2.5e-7}}, // near PAU's initial b1..b4
		{[]float64{0, -1, 0, 1}, []float64{-1, 0, 1}},       // x^3 - x: a root at the inflection point
		{[]float64{1, 0, -3, 2}, []float64{-0.5}},           // (x-1)^2 (2x+1): a double root and a simple one
	} {
		got := realRoots(c.coef)
		sort.Float64s(got)
		if len(got) != len(c.want) {
			t.Errorf("realRoots(%v) = %v, want %v", c.coef, got, c.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-12*math.Max(1, math.Abs(c.want[i])) {
				t.Errorf("realRoots(%v) = %v, want %v", c.coef, got, c.want)
			}
		}
	}
}

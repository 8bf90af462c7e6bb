package act

import (
	"math"
	"testing"
)

// TestRReLUSlopes checks the training-mode slopes on every path: in
// [lo, lo+w), uniform (mean, variance and 16 equal bins within 5 standard
// errors), uncorrelated between neighbours and between seeds, and the
// backward pass recomputes exactly the forward's.
func TestRReLUSlopes(t *testing.T) {
	const n = 1 << 20
	const lo, w = 0.125, 0.25
	x := make([]float32, n)
	for i := range x {
		x[i] = -1
	}
	ones := make([]float32, n)
	for i := range ones {
		ones[i] = 1
	}
	forEachPath(t, func(t *testing.T) {
		uniforms := func(seed uint64) []float64 {
			y, dx := make([]float32, n), make([]float32, n)
			RReLU(y, x, lo, w, seed)
			RReLUBackward(dx, ones, x, lo, w, seed)
			u := make([]float64, n)
			for i := range y {
				if -y[i] != dx[i] {
					t.Fatalf("element %d: forward slope %g, backward %g", i, -y[i], dx[i])
				}
				if a := float64(dx[i]); a < lo || a >= lo+w {
					t.Fatalf("element %d: slope %g outside [%g, %g)", i, a, lo, lo+w)
				}
				u[i] = (float64(dx[i]) - lo) / w
			}
			return u
		}
		u := uniforms(0x9e3779b97f4a7c15)
		v := uniforms(0x9e3779b97f4a7c16) // the next step's seed
		var mean, m2, lag, cross float64
		var bins [16]int
		shifted := 0 // the next seed must not give the same draws one element over
		for i := 1; i < n; i++ {
			if u[i] == v[i-1] || u[i-1] == v[i] {
				shifted++
			}
		}
		if shifted > 100 {
			t.Errorf("%d draws of the next seed repeat this one's shifted by an element", shifted)
		}
		for i := range u {
			mean += u[i]
			m2 += u[i] * u[i]
			if i > 0 {
				lag += (u[i] - 0.5) * (u[i-1] - 0.5)
			}
			cross += (u[i] - 0.5) * (v[i] - 0.5)
			bins[int(u[i]*16)]++
		}
		mean /= n
		variance := m2/n - mean*mean
		se := math.Sqrt(1.0 / 12 / n)
		if math.Abs(mean-0.5) > 5*se {
			t.Errorf("mean %g, want 0.5 +- %.2g", mean, 5*se)
		}
		if math.Abs(variance-1.0/12) > 5*math.Sqrt(1.0/180/n) {
			t.Errorf("variance %g, want 1/12", variance)
		}
		// Correlations: each product has variance 1/144.
		if c := lag / n * 12; math.Abs(c) > 5/math.Sqrt(n) {
			t.Errorf("neighbour correlation %g", c)
		}
		if c := cross / n * 12; math.Abs(c) > 5/math.Sqrt(n) {
			t.Errorf("correlation between consecutive seeds %g", c)
		}
		want, sd := float64(n)/16, math.Sqrt(float64(n)/16*15/16)
		for b, c := range bins {
			if math.Abs(float64(c)-want) > 5*sd {
				t.Errorf("bin %d holds %d draws, want %.0f +- %.0f", b, c, want, 5*sd)
			}
		}
	})
}

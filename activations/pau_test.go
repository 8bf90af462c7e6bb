package activations

import (
	"math"
	"sort"
	"testing"

	"github.com/actbench/actbench/kernels/act"
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

// TestPAUFarBlocks: a block holding an |x| beyond act.PAUNear runs, as a
// whole, on the scaled float64 form (forward, backward, gradients; also
// with dx aliasing dy), and the other blocks on the float32 kernels.
func TestPAUFarBlocks(t *testing.T) {
	p := make([]float32, 10)
	for j := range p {
		p[j] = float32(pauInit[j])
	}
	n := 2*pauBlock + 100
	x := make([]float32, n)
	dy := make([]float32, n)
	for i := range x {
		x[i] = float32(math.Sin(float64(i))) * 3
		dy[i] = float32(math.Cos(float64(i)))
	}
	x[pauBlock+7] = 1e5 // the second block is far
	y := make([]float32, n)
	pau{}.Forward(y, x, p)
	g := make([]float64, 10)
	dx := append([]float32(nil), dy...)
	pau{}.Backward(dx, dx, x, p, g) // dx aliases dy

	far := x[pauBlock : 2*pauBlock]
	wantY := make([]float32, len(far))
	pauForward64(wantY, far, p)
	wantDx := make([]float32, len(far))
	wantG := make([]float64, 10)
	pauBackward64(wantDx, dy[pauBlock:2*pauBlock], far, p, wantG)
	for i := range far {
		if y[pauBlock+i] != wantY[i] || dx[pauBlock+i] != wantDx[i] {
			t.Fatalf("far block, x=%g: y=%g dx=%g, want the float64 form's %g and %g", far[i], y[pauBlock+i], dx[pauBlock+i], wantY[i], wantDx[i])
		}
	}
	// The near blocks' gradients come from the kernels: the total is the
	// far block's float64 sums plus theirs.
	c := (*[10]float32)(p)
	for _, b := range [][2]int{{0, pauBlock}, {2 * pauBlock, n}} {
		gb, ok := act.PAUBackward(make([]float32, b[1]-b[0]), dy[b[0]:b[1]], x[b[0]:b[1]], c)
		if !ok {
			t.Fatalf("block %v: the kernels refused a near block", b)
		}
		for j := range gb {
			wantG[j] += gb[j]
		}
	}
	for j := range g {
		if math.Abs(g[j]-wantG[j]) > 1e-9*math.Max(1, math.Abs(wantG[j])) {
			t.Errorf("gradient %d = %g, want %g", j, g[j], wantG[j])
		}
	}
	// A near block's values: the kernels', within float32 rounding of the
	// float64 form.
	near := make([]float32, pauBlock)
	pauForward64(near, x[:pauBlock], p)
	for i := range near {
		if d := math.Abs(float64(y[i] - near[i])); d > 1e-5*(1+math.Abs(float64(near[i]))) {
			t.Fatalf("x=%g: kernel %g, float64 form %g", x[i], y[i], near[i])
		}
	}
}

// TestPAULargeCoefficients: coefficients past act.PAUMaxCoeff (training is
// not bound by the registry's limits) take the float64 form, which stays
// finite where float32 powers would overflow.
func TestPAULargeCoefficients(t *testing.T) {
	p := make([]float32, 10)
	for j := range p {
		p[j] = float32(pauInit[j])
	}
	p[5] = 1e30 // a5
	p[9] = 1e30 // b4
	x := []float32{1000, -1000, 0.5, -3}
	y, want := make([]float32, len(x)), make([]float32, len(x))
	pau{}.Forward(y, x, p)
	pauForward64(want, x, p)
	for i := range x {
		if y[i] != want[i] || math.IsNaN(float64(y[i])) || math.IsInf(float64(y[i]), 0) {
			t.Errorf("x=%g: %g, want the float64 form's finite %g", x[i], y[i], want[i])
		}
	}
}

package layers

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"
)

// stochasticCase builds an RReLU activation layer on [4 5 5], initialised
// from PCG(seed, 1) unless seed is negative (no Init), and an input with
// mostly negative values.
func stochasticCase(t *testing.T, seed int64) (*Activation, *tensor.Dense) {
	t.Helper()
	a := mustAct(t, "act", "rrelu(lower=0.1, upper=0.5)")
	if _, err := a.Setup([]int{4, 5, 5}); err != nil {
		t.Fatal(err)
	}
	if seed >= 0 {
		a.Init(rand.New(rand.NewPCG(uint64(seed), 1)))
	}
	x := tensor.New(tensor.WithShape(3, 4, 5, 5), tensor.Of(tensor.Float32))
	for i := range x.Float32s() {
		x.Float32s()[i] = float32(i%11) - 8
	}
	return a, x
}

func forwardCopy(a *Activation, x *tensor.Dense, train bool) []float32 {
	return append([]float32(nil), a.Forward(x, train).Float32s()...)
}

func sameBits(a, b []float32) bool {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return len(a) == len(b)
}

// TestActivationStochastic checks the train/eval hook with RReLU: training
// passes draw from the generator given to Init (same seed, same slopes;
// every step new ones; evaluation passes draw nothing and use the mean
// slope), and Backward uses the slopes of the Forward before it.
func TestActivationStochastic(t *testing.T) {
	a, x := stochasticCase(t, 1)
	if !a.Stochastic() {
		t.Fatal("rrelu layer does not report a random function")
	}
	b, _ := stochasticCase(t, 1)
	c, _ := stochasticCase(t, 2)

	a1 := forwardCopy(a, x, true)
	dy := tensor.New(tensor.WithShape(x.Shape()...), tensor.Of(tensor.Float32))
	for i := range dy.Float32s() {
		dy.Float32s()[i] = 1
	}
	dx := a.Backward(dy).Float32s()
	for i, v := range x.Float32s() {
		if v < 0 {
			if slope := a1[i] / v; slope < 0.1*(1-1e-6) || slope > 0.5*(1+1e-6) {
				t.Fatalf("training slope %g outside [0.1, 0.5]", slope)
			} else if dx[i] != slope && math.Abs(float64(dx[i]-slope)) > 1e-6 {
				t.Fatalf("element %d: Backward slope %g, Forward slope %g", i, dx[i], slope)
			}
		}
	}
	eval := forwardCopy(a, x, false)
	for i, v := range x.Float32s() {
		want := v
		if v <= 0 {
			want = float32(0.3) * v
		}
		if eval[i] != want {
			t.Fatalf("evaluation: f(%g) = %g, want the mean slope: %g", v, eval[i], want)
		}
	}
	a2 := forwardCopy(a, x, true)

	b1 := forwardCopy(b, x, true)
	b2 := forwardCopy(b, x, true) // no evaluation pass in between
	if !sameBits(a1, b1) || !sameBits(a2, b2) {
		t.Error("same Init seed, different training outputs (or the evaluation pass drew from the generator)")
	}
	if sameBits(a1, a2) {
		t.Error("two training steps drew the same slopes")
	}
	if sameBits(a1, forwardCopy(c, x, true)) {
		t.Error("different Init seeds drew the same slopes")
	}

	// Without Init the layer uses a fixed seed: reproducible too.
	u, _ := stochasticCase(t, -1)
	v, _ := stochasticCase(t, -1)
	if !sameBits(forwardCopy(u, x, true), forwardCopy(v, x, true)) {
		t.Error("uninitialised layers drew different slopes")
	}
	r := mustAct(t, "act", "relu")
	if _, err := r.Setup([]int{4, 5, 5}); err != nil {
		t.Fatal(err)
	}
	if r.Stochastic() {
		t.Error("relu reported as random")
	}
	if err := a.Swap("leakyrelu"); err != nil {
		t.Fatal(err)
	}
	if a.Stochastic() {
		t.Error("after a swap to leakyrelu the layer still reports a random function")
	}
}

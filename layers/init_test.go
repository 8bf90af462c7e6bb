package layers

import (
	"math"
	"math/rand/v2"
	"testing"
)

// moments returns the mean, standard deviation and kurtosis (3 for a
// normal, 1.8 for a uniform distribution) of v.
func moments(v []float32) (mean, std, kurt float64) {
	n := float64(len(v))
	for _, x := range v {
		mean += float64(x)
	}
	mean /= n
	var m2, m4 float64
	for _, x := range v {
		d := float64(x) - mean
		m2 += d * d
		m4 += d * d * d * d
	}
	m2 /= n
	m4 /= n
	return mean, math.Sqrt(m2), m4 / (m2 * m2)
}

// TestInitHeNormalStatistics: under InitHeNormal a convolution's weights are
// N(0, 2/fan_out) with fan_out = outC*k*k (kaiming_normal_, mode fan_out,
// gain sqrt(2)), its bias is 0, and dense layers keep PyTorch's default.
// The layer has different fan-in and fan-out (64*9 vs 256*9), so a swapped
// fan gives half (or twice) the std, and the kurtosis tells a normal (3)
// from a uniform of the right std (1.8).
func TestInitHeNormalStatistics(t *testing.T) {
	conv := NewConv2D("c", 256, 3, 1, 1, true)
	if _, err := conv.Setup([]int{64, 4, 4}); err != nil {
		t.Fatal(err)
	}
	conv.InitScheme(rand.New(rand.NewPCG(1, 2)), InitHeNormal)
	w := f32(conv.weight.Value)
	n := float64(len(w)) // 147,456
	wantStd := math.Sqrt(2.0 / (256 * 9))
	mean, std, kurt := moments(w)
	// Standard errors: mean std/sqrt(n) (0.26 % of std), std about
	// std/sqrt(2n) (0.18 %), kurtosis sqrt(24/n) (0.013).
	if math.Abs(mean) > 5*wantStd/math.Sqrt(n) {
		t.Errorf("weight mean %g, want 0 within %g", mean, 5*wantStd/math.Sqrt(n))
	}
	if math.Abs(std/wantStd-1) > 0.01 {
		t.Errorf("weight std %g, want sqrt(2/fan_out) = %g within 1 %% (sqrt(2/fan_in) would be %g)", std, wantStd, math.Sqrt(2.0/(64*9)))
	}
	if math.Abs(kurt-3) > 0.1 {
		t.Errorf("weight kurtosis %g, want 3 (normal); a uniform has 1.8", kurt)
	}
	for i, b := range f32(conv.bias.Value) {
		if b != 0 {
			t.Fatalf("bias[%d] = %g, want 0", i, b)
		}
	}

	// Dense: the default under both schemes, bit for bit.
	d1, d2 := NewDense("d", 30, true), NewDense("d", 30, true)
	d1.Setup([]int{50})
	d2.Setup([]int{50})
	d1.InitScheme(rand.New(rand.NewPCG(3, 4)), InitHeNormal)
	d2.Init(rand.New(rand.NewPCG(3, 4)))
	for _, pair := range [][2]*Param{{d1.weight, d2.weight}, {d1.bias, d2.bias}} {
		a, b := f32(pair[0].Value), f32(pair[1].Value)
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("dense %s[%d]: he-normal %g, default %g: want the default", pair[0].Name, i, a[i], b[i])
			}
		}
	}
}

// TestInitDefaultUnchanged: Init is InitScheme(InitDefault) draw for draw
// (existing trials keep their weights), and a scheme changes only what it
// says: the same generator gives He-normal weights that differ.
func TestInitDefaultUnchanged(t *testing.T) {
	mk := func() *Conv2D {
		c := NewConv2D("c", 8, 3, 1, 1, true)
		c.Setup([]int{4, 5, 5})
		return c
	}
	a, b, h := mk(), mk(), mk()
	a.Init(rand.New(rand.NewPCG(9, 9)))
	b.InitScheme(rand.New(rand.NewPCG(9, 9)), InitDefault)
	h.InitScheme(rand.New(rand.NewPCG(9, 9)), InitHeNormal)
	bound := 1 / math.Sqrt(4*9)
	same := 0
	for i, v := range f32(a.weight.Value) {
		if v != f32(b.weight.Value)[i] {
			t.Fatalf("weight[%d]: Init %g, InitScheme(default) %g", i, v, f32(b.weight.Value)[i])
		}
		if math.Abs(float64(v)) > bound {
			t.Fatalf("default weight[%d] = %g outside U(-%g, %g)", i, v, bound, bound)
		}
		if v == f32(h.weight.Value)[i] {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d he-normal weights equal the default ones", same)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("an unknown scheme did not panic")
		}
	}()
	a.InitScheme(rand.New(rand.NewPCG(1, 1)), "xavier")
}

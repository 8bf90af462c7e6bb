package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "lisht",
		Formula:   "x*tanh(x)",
		Reference: "Roy, Manna, Dubey, Chaudhuri: LiSHT: Non-Parametric Linearly Scaled Hyperbolic Tangent Activation Function for Neural Networks, arXiv:1901.05894, 2019",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, lisht{})
		},
	})
}

type lisht struct{}

// tanhSech2 returns tanh(x) and sech(x)^2 = 1 - tanh(x)^2 from one
// exponential, e = exp(-2|x|): tanh = sign(x)*(1-e)/(1+e) (as
// -expm1(-2|x|)/(2+expm1(-2|x|)), exact near 0), sech^2 = 4e/(1+e)^2,
// which keeps its relative accuracy where 1 - tanh^2 would cancel.
func tanhSech2(x float64) (tanh, sech2 float64) {
	em := fmath.Expm1(-2 * math.Abs(x))
	e := 1 + em
	return math.Copysign(-em/(2+em), x), 4 * e / ((1 + e) * (1 + e))
}

func (lisht) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			th, _ := tanhSech2(t)
			v[i] = t * th
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward: d/dx = tanh(x) + x*sech(x)^2.
func (lisht) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			th, s2 := tanhSech2(t)
			tc := min(max(t, -1e3), 1e3) // sech^2 is 0 there: avoid Inf*0
			dv[i] *= th + tc*s2
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (lisht) Reference(x float64, _ []float64) float64 { return x * math.Tanh(x) }

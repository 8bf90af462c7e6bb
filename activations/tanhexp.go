package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "tanhexp",
		Formula:   "x*tanh(exp(x))",
		Reference: "Liu, Di: TanhExp: A Smooth Activation Function with High Convergence Speed for Lightweight Neural Networks, IET Computer Vision 2021, arXiv:2003.09855",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, tanhexp{})
		},
	})
}

type tanhexp struct{}

// gate returns u = exp(x), tanh(u) and sech(u)^2 from em = expm1(-2u):
// tanh(u) = -em/(2+em), sech^2 = 4(1+em)/(2+em)^2, accurate for tiny u (x
// far below 0), where 1-exp(-2u) would cancel. Past x = 20, tanh(e^x) is 1
// and sech^2 is 0 in float64, so x is clamped there (exp stays finite).
func (tanhexp) gate(x float64) (u, th, sech2 float64) {
	u = fmath.Exp(min(x, 20))
	em := fmath.Expm1(-2 * u)
	return u, -em / (2 + em), 4 * (1 + em) / ((2 + em) * (2 + em))
}

func (k tanhexp) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			_, th, _ := k.gate(t)
			// tanh(e^x) is 0 at -Inf: clamp x so that the product is 0.
			v[i] = min(max(t, -1e300), 1e300) * th
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward: d/dx = tanh(e^x) + x*e^x*sech(e^x)^2.
func (k tanhexp) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			u, th, s2 := k.gate(t)
			tc := min(max(t, -1e3), 1e3) // e^x or sech^2 is 0 there: avoid Inf*0
			dv[i] *= th + tc*u*s2
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (tanhexp) Reference(x float64, _ []float64) float64 { return x * math.Tanh(math.Exp(x)) }

package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "mish",
		Formula:   "x*tanh(softplus(x)) = x*tanh(log(1+exp(x)))",
		Reference: "Misra: Mish: A Self Regularized Non-Monotonic Activation Function, BMVC 2020",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, mish{})
		},
	})
}

type mish struct{}

// tanhSoftplus returns tanh(log(1+e^x)) = n/(n+2) with n = e^x(e^x+2), which
// has no cancellation; beyond x = 20 it is 1 to float64 precision.
func tanhSoftplus(x float64) float64 {
	e := fmath.Exp(min(x, 20))
	n := e * (e + 2)
	return n / (n + 2)
}

func (mish) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			v[i] = t * tanhSoftplus(t)
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward: d/dx = tsp + x*(1-tsp^2)*sigmoid(x).
func (mish) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			tsp := tanhSoftplus(t)
			tc := min(max(t, -1e3), 1e3) // the second term is 0 there: avoid Inf*0
			dv[i] *= tsp + tc*(1-tsp*tsp)*fmath.Sigmoid(t)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (mish) Reference(x float64, _ []float64) float64 {
	return x * math.Tanh(math.Log1p(math.Exp(x)))
}

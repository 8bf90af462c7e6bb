package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "swish",
		Formula:   "x*sigmoid(beta*x)",
		Reference: "Ramachandran, Zoph, Le: Searching for Activation Functions, arXiv:1710.05941, 2017",
		Params: []registry.ParamInfo{
			elementwise.Trainable("beta", 1, -100, 100, "slope of the gate; beta=1 is SiLU, beta -> inf is ReLU"),
			elementwise.PerParam, elementwise.TrainParam,
		},
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, swish{})
		},
	})
}

type swish struct{}

func (swish) Forward(y, x, p []float32) {
	beta := float64(p[0])
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			v[i] = t * fmath.Sigmoid(beta*t)
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward: d/dx = s + beta*x*s*(1-s), d/dbeta = x^2*s*(1-s), s = sigmoid(beta*x).
func (swish) Backward(dx, dy, x, p []float32, g []float64) {
	beta := float64(p[0])
	var gbeta float64
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			s := fmath.Sigmoid(beta * t)
			tc := min(max(t, -1e3), 1e3) // s*(1-s) is 0 there: avoid Inf*0
			ds := s * (1 - s)
			d := dv[i]
			dv[i] = d * (s + beta*tc*ds)
			gbeta += d * tc * tc * ds
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
	g[0] += gbeta
}

func (swish) Reference(x float64, p []float64) float64 { return x / (1 + math.Exp(-p[0]*x)) }

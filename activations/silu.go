package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "silu",
		Formula:   "x*sigmoid(x)",
		Reference: "Elfwing, Uchibe, Doya: Sigmoid-Weighted Linear Units for Neural Network Function Approximation in Reinforcement Learning, Neural Networks 2018",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, silu{})
		},
	})
}

type silu struct{}

func (silu) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			v[i] = t * fmath.Sigmoid(t)
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

func (silu) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			s := fmath.Sigmoid(t)
			// s*(1-s) underflows to 0 where x*s*(1-s) would be Inf*0: clamp x.
			dv[i] *= s + min(max(t, -1e3), 1e3)*s*(1-s)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (silu) Reference(x float64, _ []float64) float64 { return x / (1 + math.Exp(-x)) }

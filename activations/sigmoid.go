package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "sigmoid",
		Formula:   "1/(1+exp(-x))",
		Reference: "the logistic function; Rumelhart, Hinton, Williams: Learning representations by back-propagating errors, Nature 1986",
		Monotonic: true, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, sigmoid{})
		},
	})
}

type sigmoid struct{}

func (sigmoid) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			v[i] = fmath.Sigmoid(t)
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

func (sigmoid) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			s := fmath.Sigmoid(t)
			dv[i] *= s * (1 - s)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (sigmoid) Reference(x float64, _ []float64) float64 { return 1 / (1 + math.Exp(-x)) }

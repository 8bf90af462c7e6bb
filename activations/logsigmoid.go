package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "logsigmoid",
		Formula:   "log(1/(1+exp(-x))) = -softplus(-x)",
		Reference: "log of the logistic function (PyTorch LogSigmoid)",
		Monotonic: true, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, logsigmoid{})
		},
	})
}

type logsigmoid struct{}

func (logsigmoid) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			v[i] = -fmath.Softplus(-t)
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

func (logsigmoid) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			dv[i] *= fmath.Sigmoid(-t)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (logsigmoid) Reference(x float64, _ []float64) float64 {
	return math.Min(x, 0) - math.Log1p(math.Exp(-math.Abs(x)))
}

package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "tanh",
		Formula:   "tanh(x) = (exp(x)-exp(-x))/(exp(x)+exp(-x))",
		Reference: "LeCun, Bottou, Orr, Mueller: Efficient BackProp, 1998",
		Monotonic: true, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, tanhAct{})
		},
	})
}

type tanhAct struct{}

func (tanhAct) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			v[i] = fmath.Tanh(t)
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

func (tanhAct) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			th := fmath.Tanh(t)
			dv[i] *= 1 - th*th
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (tanhAct) Reference(x float64, _ []float64) float64 { return math.Tanh(x) }

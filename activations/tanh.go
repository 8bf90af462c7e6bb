package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
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

// tanhAct runs on the SIMD kernels of package kernels/act.
type tanhAct struct{}

func (tanhAct) Forward(y, x, _ []float32) { act.Tanh(y, x) }

func (tanhAct) Backward(dx, dy, x, _ []float32, _ []float64) { act.TanhBackward(dx, dy, x) }

func (tanhAct) Reference(x float64, _ []float64) float64 { return math.Tanh(x) }

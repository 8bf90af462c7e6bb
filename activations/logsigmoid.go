package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
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

// logsigmoid runs on the SIMD kernels of package kernels/act.
type logsigmoid struct{}

func (logsigmoid) Forward(y, x, _ []float32) { act.LogSigmoid(y, x) }

func (logsigmoid) Backward(dx, dy, x, _ []float32, _ []float64) { act.LogSigmoidBackward(dx, dy, x) }

func (logsigmoid) Reference(x float64, _ []float64) float64 {
	return math.Min(x, 0) - math.Log1p(math.Exp(-math.Abs(x)))
}

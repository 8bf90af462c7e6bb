package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
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

// mish runs on the SIMD kernels of package kernels/act.
type mish struct{}

func (mish) Forward(y, x, _ []float32) { act.Mish(y, x) }

// Backward: d/dx = tsp + x*(1-tsp^2)*sigmoid(x), tsp = tanh(softplus(x)).
func (mish) Backward(dx, dy, x, _ []float32, _ []float64) { act.MishBackward(dx, dy, x) }

func (mish) Reference(x float64, _ []float64) float64 {
	return x * math.Tanh(math.Log1p(math.Exp(x)))
}

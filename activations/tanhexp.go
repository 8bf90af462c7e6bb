package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
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

// tanhexp runs on the fused SIMD kernels of package kernels/act.
type tanhexp struct{}

func (tanhexp) Forward(y, x, _ []float32) { act.TanhExp(y, x) }

// Backward: d/dx = tanh(e^x) + x*e^x*sech(e^x)^2.
func (tanhexp) Backward(dx, dy, x, _ []float32, _ []float64) { act.TanhExpBackward(dx, dy, x) }

func (tanhexp) Reference(x float64, _ []float64) float64 { return x * math.Tanh(math.Exp(x)) }

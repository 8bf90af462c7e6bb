package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
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

// silu runs on the SIMD kernels of package kernels/act.
type silu struct{}

func (silu) Forward(y, x, _ []float32) { act.SiLU(y, x) }

func (silu) Backward(dx, dy, x, _ []float32, _ []float64) { act.SiLUBackward(dx, dy, x) }

func (silu) Reference(x float64, _ []float64) float64 { return x / (1 + math.Exp(-x)) }

package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "relu",
		Formula:   "max(0, x)",
		Reference: "Nair, Hinton: Rectified Linear Units Improve Restricted Boltzmann Machines, ICML 2010",
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, relu{})
		},
	})
}

// relu runs on the SIMD kernels of package kernels/act.
type relu struct{}

func (relu) Forward(y, x, _ []float32) { act.ReLU(y, x) }

// Backward: relu'(0) = 0 (PyTorch).
func (relu) Backward(dx, dy, x, _ []float32, _ []float64) { act.ReLUBackward(dx, dy, x) }

func (relu) Reference(x float64, _ []float64) float64 { return math.Max(0, x) }

func (relu) Kinks() []float64 { return []float64{0} }

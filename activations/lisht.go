package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "lisht",
		Formula:   "x*tanh(x)",
		Reference: "Roy, Manna, Dubey, Chaudhuri: LiSHT: Non-Parametric Linearly Scaled Hyperbolic Tangent Activation Function for Neural Networks, arXiv:1901.05894, 2019",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, lisht{})
		},
	})
}

// lisht runs on one fused kernel of package kernels/act: tanh, and
// sech^2 exact where 1 - tanh^2 would cancel.
type lisht struct{}

func (lisht) Forward(y, x, _ []float32) { act.LiSHT(y, x) }

// Backward: d/dx = tanh(x) + x*sech(x)^2 (x clamped to +-1e3 in the second
// term: sech^2 is 0 there, and Inf*0 would be NaN).
func (lisht) Backward(dx, dy, x, _ []float32, _ []float64) { act.LiSHTBackward(dx, dy, x) }

func (lisht) Reference(x float64, _ []float64) float64 { return x * math.Tanh(x) }

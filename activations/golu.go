package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "golu",
		Formula:   "x*exp(-exp(-x)) (x times the Gompertz function)",
		Reference: "Das, Safari, Adriaensen, Hutter: Gompertz Linear Units: Leveraging Asymmetry for Enhanced Learning Dynamics, arXiv:2502.03654, 2025",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, golu{})
		},
	})
}

// golu runs on one fused kernel of package kernels/act (e = exp(-x) with x
// clamped at -50, where the gate G = exp(-e) is 0 already and e stays
// finite; G = exp(-e)).
type golu struct{}

func (golu) Forward(y, x, _ []float32) { act.GoLU(y, x) }

// Backward: d/dx = G*(1 + x*exp(-x)).
func (golu) Backward(dx, dy, x, _ []float32, _ []float64) { act.GoLUBackward(dx, dy, x) }

func (golu) Reference(x float64, _ []float64) float64 { return x * math.Exp(-math.Exp(-x)) }

package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "swish",
		Formula:   "x*sigmoid(beta*x)",
		Reference: "Ramachandran, Zoph, Le: Searching for Activation Functions, arXiv:1710.05941, 2017",
		Params: []registry.ParamInfo{
			elementwise.Trainable("beta", 1, -100, 100, "slope of the gate; beta=1 is SiLU, beta -> inf is ReLU"),
			elementwise.PerParam, elementwise.TrainParam,
		},
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, swish{})
		},
	})
}

// swish runs on the SIMD kernels of package kernels/act (shared beta, and
// per-channel beta on dense rows).
type swish struct{}

func (swish) Forward(y, x, p []float32) { act.Swish(y, x, p[0]) }

// Backward: d/dx = s + beta*x*s*(1-s), d/dbeta = x^2*s*(1-s), s = sigmoid(beta*x).
func (swish) Backward(dx, dy, x, p []float32, g []float64) {
	g[0] += float64(act.SwishBackward(dx, dy, x, p[0]))
}

func (swish) ForwardRow(y, x []float32, p [][]float32) { act.SwishRow(y, x, p[0]) }

func (swish) BackwardRow(dx, dy, x []float32, p, g [][]float32) {
	act.SwishRowBackward(dx, dy, x, p[0], g[0])
}

func (swish) Reference(x float64, p []float64) float64 { return x / (1 + math.Exp(-p[0]*x)) }

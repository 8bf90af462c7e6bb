package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "pelu",
		Formula:   "(a/b)*x if x >= 0, a*(exp(x/b)-1) otherwise",
		Reference: "Trottier, Giguere, Chaib-draa: Parametric Exponential Linear Unit for Deep Convolutional Neural Networks, ICMLA 2017",
		Params: []registry.ParamInfo{
			elementwise.Trainable("a", 1, 1e-3, 1e3, "scale (saturation at -a); kept positive"),
			elementwise.Trainable("b", 1, 1e-3, 1e3, "exponential decay; kept positive"),
			elementwise.PerParam, elementwise.TrainSubsetParam("a", "b"),
		},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, pelu{})
		},
	})
}

// pelu runs on the SIMD kernels of package kernels/act (shared parameters,
// and per-channel parameters on dense rows).
type pelu struct{}

func (pelu) Forward(y, x, p []float32) { act.PELU(y, x, p[0], p[1]) }

// Backward, with e = exp(x/b):
//
//	x >= 0: df/dx = a/b,     df/da = x/b,  df/db = -a*x/b^2
//	x <  0: df/dx = a/b*e,   df/da = e-1,  df/db = -a*x/b^2*e
func (pelu) Backward(dx, dy, x, p []float32, g []float64) {
	ga, gb := act.PELUBackward(dx, dy, x, p[0], p[1])
	g[0] += float64(ga)
	g[1] += float64(gb)
}

func (pelu) ForwardRow(y, x []float32, p [][]float32) { act.PELURow(y, x, p[0], p[1]) }

func (pelu) BackwardRow(dx, dy, x []float32, p, g [][]float32) {
	act.PELURowBackward(dx, dy, x, p[0], p[1], g[0], g[1])
}

func (pelu) Reference(x float64, p []float64) float64 {
	a, b := p[0], p[1]
	if x >= 0 {
		return a / b * x
	}
	return a * math.Expm1(x/b)
}

// Kinks: the second derivative jumps at 0 (the first is continuous).
func (pelu) Kinks() []float64 { return []float64{0} }

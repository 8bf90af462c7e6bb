package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "gelu",
		Formula:   "x*Phi(x) = x/2*(1+erf(x/sqrt(2))); approx=tanh: x/2*(1+tanh(sqrt(2/pi)*(x+0.044715*x^3)))",
		Reference: "Hendrycks, Gimpel: Gaussian Error Linear Units (GELUs), arXiv:1606.08415, 2016",
		Params: []registry.ParamInfo{{Name: "approx", Kind: registry.Choice, Default: "none",
			Choices: []string{"none", "tanh"}, Doc: "none: exact erf form; tanh: the tanh approximation"}},
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			if args.Choice("approx") == "tanh" {
				return elementwise.New(args, channels, geluTanh{})
			}
			return elementwise.New(args, channels, gelu{})
		},
	})
}

// gelu is the exact form, geluTanh the tanh approximation; both run on the
// SIMD kernels of package kernels/act.
type gelu struct{}

func (gelu) Forward(y, x, _ []float32) { act.GELU(y, x) }

// Backward: d/dx = Phi(x) + x*phi(x).
func (gelu) Backward(dx, dy, x, _ []float32, _ []float64) { act.GELUBackward(dx, dy, x) }

func (gelu) Reference(x float64, _ []float64) float64 { return x * 0.5 * math.Erfc(-x/math.Sqrt2) }

type geluTanh struct{}

func (geluTanh) Forward(y, x, _ []float32) { act.GELUTanh(y, x) }

func (geluTanh) Backward(dx, dy, x, _ []float32, _ []float64) { act.GELUTanhBackward(dx, dy, x) }

func (geluTanh) Reference(x float64, _ []float64) float64 {
	return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
}

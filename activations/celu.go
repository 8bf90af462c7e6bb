package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "celu",
		Formula:   "max(0,x) + min(0, alpha*(exp(x/alpha)-1))",
		Reference: "Barron: Continuously Differentiable Exponential Linear Units, arXiv:1704.07483, 2017",
		Params:    []registry.ParamInfo{elementwise.Number("alpha", 1, 1e-3, inf, "value approached as x -> -inf is -alpha")},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, celu{alpha: args.Float("alpha")})
		},
	})
}

// celu runs on the SIMD kernels of package kernels/act.
type celu struct{ alpha float64 }

func (k celu) Forward(y, x, _ []float32) { act.CELU(y, x, float32(k.alpha)) }

func (k celu) Backward(dx, dy, x, _ []float32, _ []float64) {
	act.CELUBackward(dx, dy, x, float32(k.alpha))
}

func (k celu) Reference(x float64, _ []float64) float64 {
	return math.Max(0, x) + math.Min(0, k.alpha*math.Expm1(x/k.alpha))
}

// Kinks: the second derivative jumps at 0.
func (celu) Kinks() []float64 { return []float64{0} }

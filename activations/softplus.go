package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "softplus",
		Formula:   "log(1+exp(beta*x))/beta; x where beta*x > threshold (PyTorch)",
		Reference: "Dugas, Bengio, Belisle, Nadeau, Garcia: Incorporating Second-Order Functional Knowledge for Better Option Pricing, NIPS 2000",
		Params: []registry.ParamInfo{
			elementwise.Number("beta", 1, 1e-3, 1e3, "sharpness; beta -> inf is ReLU"),
			elementwise.Number("threshold", 20, 0, inf, "beyond beta*x > threshold the result is x (PyTorch's linear regime)"),
		},
		Monotonic: true, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, softplus{beta: args.Float("beta"), threshold: args.Float("threshold")})
		},
	})
}

// softplus runs on the SIMD kernels of package kernels/act, as PyTorch's
// Softplus: x where beta*x > threshold, else log1p(exp(beta*x))/beta
// (computed as (max(t,0) + log1p(exp(-|t|)))/beta: no overflow).
type softplus struct{ beta, threshold float64 }

func (k softplus) Forward(y, x, _ []float32) {
	act.Softplus(y, x, float32(k.beta), float32(k.threshold))
}

func (k softplus) Backward(dx, dy, x, _ []float32, _ []float64) {
	act.SoftplusBackward(dx, dy, x, float32(k.beta), float32(k.threshold))
}

func (k softplus) Reference(x float64, _ []float64) float64 {
	if k.beta*x > k.threshold {
		return x
	}
	return (math.Max(k.beta*x, 0) + math.Log1p(math.Exp(-math.Abs(k.beta*x)))) / k.beta
}

// Kinks: the switch to the linear regime, a jump of log1p(e^-threshold)/beta
// in value. At the default threshold (20) the jump (2e-9) and the change of
// slope (2e-9) are below float32 resolution at x = 20, so the function is
// smooth as computed and declares no kink; a small threshold makes both
// visible, and then the switch is a kink.
func (k softplus) Kinks() []float64 {
	if math.Log1p(math.Exp(-k.threshold)) <= k.threshold*0x1p-24 {
		return nil
	}
	return []float64{k.threshold / k.beta}
}

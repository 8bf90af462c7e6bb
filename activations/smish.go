package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "smish",
		Formula:   "alpha*x*tanh(log(1+sigmoid(beta*x)))",
		Reference: "Wang, Ren, Wang: Smish: A Novel Activation Function for Deep Learning Methods, Electronics 11(4):540, 2022",
		Params: []registry.ParamInfo{
			elementwise.Number("alpha", 1, 0, 100, "output scale"),
			elementwise.Number("beta", 1, 0, 100, "input scale of the sigmoid"),
		},
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, smish{alpha: float32(args.Float("alpha")), beta: float32(args.Float("beta"))})
		},
	})
}

// smish runs on the fused SIMD kernels of package kernels/act.
type smish struct{ alpha, beta float32 }

func (k smish) Forward(y, x, _ []float32) { act.Smish(y, x, k.alpha, k.beta) }

// Backward: d/dx = alpha*(t + x*beta*s(1-s)*dt/ds).
func (k smish) Backward(dx, dy, x, _ []float32, _ []float64) {
	act.SmishBackward(dx, dy, x, k.alpha, k.beta)
}

func (k smish) Reference(x float64, _ []float64) float64 {
	s := 1 / (1 + math.Exp(-float64(k.beta)*x))
	return float64(k.alpha) * x * math.Tanh(math.Log1p(s))
}

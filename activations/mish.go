package activations

import (
	"math"

	"github.com/actbench/actbench/activations/internal/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "mish",
		Formula:   "x*tanh(softplus(x)) = x*tanh(log(1+exp(x)))",
		Reference: "Misra: Mish: A Self Regularized Non-Monotonic Activation Function, BMVC 2020",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return NewElementwise(args, channels, mish{})
		},
	})
}

type mish struct{}

// tanhSoftplus returns tanh(log(1+e^x)) = n/(n+2) with n = e^x(e^x+2), which
// has no cancellation; beyond x = 20 it is 1 to float64 precision.
func tanhSoftplus(x float64) float64 {
	e := fmath.Exp(min(x, 20))
	n := e * (e + 2)
	return n / (n + 2)
}

func (mish) Forward(y, x, _ []float32) {
	y = y[:len(x)]
	for i, v := range x {
		t := float64(v)
		y[i] = float32(t * tanhSoftplus(t))
	}
}

// Backward: d/dx = tsp + x*(1-tsp^2)*sigmoid(x).
func (mish) Backward(dx, dy, x, _ []float32, _ []float64) {
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		t := float64(v)
		tsp := tanhSoftplus(t)
		tc := min(max(t, -1e3), 1e3) // the second term is 0 there: avoid Inf*0
		dx[i] = float32(float64(dy[i]) * (tsp + tc*(1-tsp*tsp)*fmath.Sigmoid(t)))
	}
}

func (mish) Reference(x float64, _ []float64) float64 {
	return x * math.Tanh(math.Log1p(math.Exp(x)))
}

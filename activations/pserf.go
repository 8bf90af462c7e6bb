package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "pserf",
		Formula:   "x*erf(gamma*softplus(delta*x)) = x*erf(gamma*log(1+exp(delta*x))) (gamma = delta = 1 is Serf)",
		Reference: "Biswas, Kumar, Banerjee, Pandey: ErfAct and Pserf: Non-monotonic Smooth Trainable Activation Functions, AAAI 2022, arXiv:2109.04386",
		Params: []registry.ParamInfo{
			elementwise.Trainable("gamma", 1.25, -100, 100, "scale inside erf"),
			elementwise.Trainable("delta", 0.85, -100, 100, "input scale of softplus"),
			elementwise.PerParam, elementwise.TrainParam,
		},
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, pserf{})
		},
	})
}

// pserf runs on one fused kernel of package kernels/act: softplus(delta*x)
// is taken at delta*x as a double-float (any delta, 0 included, where it is
// log 2), u = gamma*softplus(delta*x); x only scales
// erf(u), and where that is 0 x is clamped so that the product is 0, not
// Inf*0. Backward, with sp = softplus(delta*x), s = sigmoid(delta*x):
//
//	d/dx = erf(u) + x*erf'(u)*gamma*s*delta,  d/dgamma = x*erf'(u)*sp,  d/ddelta = x^2*erf'(u)*gamma*s
//
// (x clamped to +-1e30 in those terms: erf'(u) is 0 where sp is huge).
type pserf struct{}

func (pserf) Forward(y, x, p []float32) { act.Pserf(y, x, p[0], p[1]) }

func (pserf) Backward(dx, dy, x, p []float32, g []float64) {
	gg, gd := act.PserfBackward(dx, dy, x, p[0], p[1])
	g[0] += gg
	g[1] += gd
}

func (pserf) Reference(x float64, p []float64) float64 {
	z := p[1] * x
	sp := math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
	return x * math.Erf(p[0]*sp)
}

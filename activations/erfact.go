package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "erfact",
		Formula:   "x*erf(alpha*exp(beta*x))",
		Reference: "Biswas, Kumar, Banerjee, Pandey: ErfAct and Pserf: Non-monotonic Smooth Trainable Activation Functions, AAAI 2022, arXiv:2109.04386",
		Params: []registry.ParamInfo{
			elementwise.Trainable("alpha", 0.75, -100, 100, "scale inside erf"),
			elementwise.Trainable("beta", 0.75, -100, 100, "rate of the exponential"),
			elementwise.PerParam, elementwise.TrainParam,
		},
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, erfAct{})
		},
	})
}

// erfAct runs on one fused kernel of package kernels/act: e = exp(beta*x)
// with beta*x clamped at 80 (e stays finite; erf(alpha*e) has long reached
// +-1 there unless alpha is 0, where u is 0 either way), u = alpha*e. x only
// scales erf(u): where that is 0, x is clamped so that the product is 0
// (the limit), not Inf*0. Backward, with erf'(u) = 2/sqrt(pi)*exp(-u^2):
//
//	d/dx = erf(u) + x*erf'(u)*u*beta,  d/dalpha = x*erf'(u)*exp(beta*x),  d/dbeta = x^2*erf'(u)*u
//
// (x clamped to +-1e30 in those terms; erf'(u) is 0 where u or e is huge,
// and goes into the products first).
type erfAct struct{}

func (erfAct) Forward(y, x, p []float32) { act.ErfAct(y, x, p[0], p[1]) }

func (erfAct) Backward(dx, dy, x, p []float32, g []float64) {
	ga, gb := act.ErfActBackward(dx, dy, x, p[0], p[1])
	g[0] += ga
	g[1] += gb
}

func (erfAct) Reference(x float64, p []float64) float64 { return x * math.Erf(p[0]*math.Exp(p[1]*x)) }

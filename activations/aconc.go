package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name: "aconc",
		Formula: "(p1-p2)*x*sigmoid(beta*(p1-p2)*x) + p2*x (ACON-C; the defaults are SiLU. " +
			"Meta-ACON, whose beta comes from a small network over each channel's mean, is not element-wise and not provided)",
		Reference: "Ma, Zhang, Liu, Sun: Activate or Not: Learning Customized Activation, CVPR 2021, arXiv:2009.04759",
		Params: []registry.ParamInfo{
			elementwise.Trainable("p1", 1, -100, 100, "slope approached on the upper side (for beta*(p1-p2) > 0)"),
			elementwise.Trainable("p2", 0, -100, 100, "slope approached on the lower side"),
			elementwise.Trainable("beta", 1, -100, 100, "switching factor: 0 is linear, large approaches max(p1*x, p2*x)"),
			elementwise.PerParam, elementwise.TrainParam,
		},
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, aconC{})
		},
	})
}

// aconC runs on one fused kernel of package kernels/act. Backward, with
// d = p1-p2, z = beta*d*x, s = sigmoid(z) and q = s + z*s*(1-s):
//
//	d/dx = d*q + p2,  d/dp1 = x*q,  d/dp2 = x*(1-q),  d/dbeta = (d*x)^2*s*(1-s)
//
// z and, in the sums, x are clamped to +-1e30 (s is 0 or 1 and s(1-s) 0 well
// before, so z*s(1-s) stays 0, not Inf*0); where d*s + p2 is 0 (x -> -Inf
// with p2 = 0) x is clamped so that the output is 0, its limit.
type aconC struct{}

func (aconC) Forward(y, x, p []float32) { act.AconC(y, x, p[0], p[1], p[2]) }

func (aconC) Backward(dx, dy, x, p []float32, g []float64) {
	g1, g2, gb := act.AconCBackward(dx, dy, x, p[0], p[1], p[2])
	g[0] += g1
	g[1] += g2
	g[2] += gb
}

func (aconC) Reference(x float64, p []float64) float64 {
	d := p[0] - p[1]
	return p[1]*x + d*x/(1+math.Exp(-p[2]*d*x))
}

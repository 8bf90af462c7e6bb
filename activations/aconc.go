package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
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

type aconC struct{}

func (aconC) Forward(y, x, p []float32) {
	p1, p2, beta := float64(p[0]), float64(p[1]), float64(p[2])
	d := p1 - p2
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			// Clamped x: beta*d*x stays finite (0, not NaN, for beta*d = 0).
			tc := min(max(t, -1e300), 1e300)
			v[i] = d*tc*fmath.Sigmoid(beta*d*tc) + p2*tc
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward, with d = p1-p2, z = beta*d*x, s = sigmoid(z) and
// q = s + z*s*(1-s):
//
//	d/dx = d*q + p2,  d/dp1 = x*q,  d/dp2 = x*(1-q),  d/dbeta = (d*x)^2*s*(1-s)
func (aconC) Backward(dx, dy, x, p []float32, g []float64) {
	p1, p2, beta := float64(p[0]), float64(p[1]), float64(p[2])
	d := p1 - p2
	var g1, g2, gb float64
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			tc := min(max(t, -1e300), 1e300)
			z := beta * d * tc
			s := fmath.Sigmoid(z)
			ds := s * (1 - s) // 0 beyond |z| ~ 745, where z*ds must be 0
			q := s + z*ds
			dd := dv[i]
			dv[i] = dd * (d*q + p2)
			g1 += dd * tc * q
			g2 += dd * tc * (1 - q)
			dxc := d * tc
			gb += dd * dxc * (dxc * ds)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
	g[0] += g1
	g[1] += g2
	g[2] += gb
}

func (aconC) Reference(x float64, p []float64) float64 {
	d := p[0] - p[1]
	return p[1]*x + d*x/(1+math.Exp(-p[2]*d*x))
}

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
			return elementwise.New(args, channels, &aconC{})
		},
	})
}

// aconC composes the sigmoid kernels of package kernels/act block by
// block (see serf and sigmoidBlock) at z = beta*d*x.
type aconC struct{ sigmoidBlock }

func (k *aconC) Forward(y, x, p []float32) {
	p1, p2, beta := p[0], p[1], p[2]
	d := p1 - p2
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		k.eval(xb, beta*d, false)
		yb := y[off : off+len(xb)]
		for i, t := range xb {
			c := d*k.s[i] + p2
			// Where the coefficient is 0 (x -> -Inf with p2 = 0), clamp x so
			// that the product is 0, its limit, not Inf*0.
			yb[i] = fmath.Sel32(c == 0, min(max(t, -math.MaxFloat32), math.MaxFloat32), t) * c
		}
	}
}

// Backward, with d = p1-p2, z = beta*d*x, s = sigmoid(z) and
// q = s + z*s*(1-s):
//
//	d/dx = d*q + p2,  d/dp1 = x*q,  d/dp2 = x*(1-q),  d/dbeta = (d*x)^2*s*(1-s)
func (k *aconC) Backward(dx, dy, x, p []float32, g []float64) {
	p1, p2, beta := p[0], p[1], p[2]
	d := p1 - p2
	var g1, g2, gb float64
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		n := len(xb)
		dyb, dxb := dy[off:off+n], dx[off:off+n]
		k.eval(xb, beta*d, true)
		for i, t := range xb {
			tc := min(max(t, -1e30), 1e30)
			ds := k.ds[i]
			q := k.s[i] + k.z[i]*ds
			dd := dyb[i]
			dxb[i] = dd * (d*q + p2)
			g1 += float64(dd * tc * q)
			g2 += float64(dd * tc * (1 - q))
			dxc := d * tc
			gb += float64(dd * dxc * (dxc * ds))
		}
	}
	g[0] += g1
	g[1] += g2
	g[2] += gb
}

func (*aconC) Reference(x float64, p []float64) float64 {
	d := p[0] - p[1]
	return p[1]*x + d*x/(1+math.Exp(-p[2]*d*x))
}

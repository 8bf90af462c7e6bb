package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
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

type erfAct struct{}

// gate returns e = exp(beta*x) and u = alpha*e, with beta*x clamped at 700
// (e stays finite; erf(u) has long reached +-1 there unless alpha is 0,
// where u is 0 either way) and x clamped to +-1e300 (finite products).
func (erfAct) gate(x, alpha, beta float64) (xc, e, u float64) {
	xc = min(max(x, -1e300), 1e300)
	e = fmath.Exp(min(beta*xc, 700))
	return xc, e, alpha * e
}

func (k erfAct) Forward(y, x, p []float32) {
	alpha, beta := float64(p[0]), float64(p[1])
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			xc, _, u := k.gate(t, alpha, beta)
			v[i] = xc * erf(u)
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward, with u = alpha*exp(beta*x) and erf'(u) = 2/sqrt(pi)*exp(-u^2):
//
//	d/dx = erf(u) + x*erf'(u)*u*beta,  d/dalpha = x*erf'(u)*exp(beta*x),  d/dbeta = x^2*erf'(u)*u
func (k erfAct) Backward(dx, dy, x, p []float32, g []float64) {
	alpha, beta := float64(p[0]), float64(p[1])
	var ga, gb float64
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			xc, e, u := k.gate(t, alpha, beta)
			ed := erfDeriv(u)
			// erf'(u) is 0 where u or e is huge: multiply it in first.
			xu := xc * (ed * u)
			d := dv[i]
			dv[i] = d * (erf(u) + xu*beta)
			ga += d * xc * (ed * e)
			gb += d * xu * min(max(t, -1e30), 1e30)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
	g[0] += ga
	g[1] += gb
}

func (erfAct) Reference(x float64, p []float64) float64 { return x * math.Erf(p[0]*math.Exp(p[1]*x)) }

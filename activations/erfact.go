package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
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
			return elementwise.New(args, channels, &erfAct{})
		},
	})
}

// erfAct composes the vector kernels of package kernels/act block by
// block (see serf): e = exp(beta*x) with beta*x clamped at 80 (e stays
// finite; erf(alpha*e) has long reached +-1 there unless alpha is 0, where
// u is 0 either way).
type erfAct struct{ e, u, r, w, ones blockF32 }

// gate sets e = exp(min(beta*x, 80)) and u = alpha*e for the block x.
func (k *erfAct) gate(x []float32, alpha, beta float32) {
	n := len(x)
	for i, t := range x {
		k.w[i] = min(beta*t, 80)
	}
	act.Exp(k.e[:n], k.w[:n])
	for i := range n {
		k.u[i] = alpha * k.e[i]
	}
}

func (k *erfAct) Forward(y, x, p []float32) {
	alpha, beta := p[0], p[1]
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		n := len(xb)
		k.gate(xb, alpha, beta)
		act.Erf(k.r[:n], k.u[:n])
		yb := y[off : off+n]
		for i, t := range xb {
			// x only scales erf(u): where that is 0, clamp x so that the product
			// is 0 (the limit), not Inf*0.
			yb[i] = fmath.Sel32(k.r[i] == 0, min(max(t, -math.MaxFloat32), math.MaxFloat32), t) * k.r[i]
		}
	}
}

// Backward, with u = alpha*exp(beta*x) and erf'(u) = 2/sqrt(pi)*exp(-u^2):
//
//	d/dx = erf(u) + x*erf'(u)*u*beta,  d/dalpha = x*erf'(u)*exp(beta*x),  d/dbeta = x^2*erf'(u)*u
func (k *erfAct) Backward(dx, dy, x, p []float32, g []float64) {
	alpha, beta := p[0], p[1]
	var ga, gb float64
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		n := len(xb)
		dyb, dxb := dy[off:off+n], dx[off:off+n]
		k.gate(xb, alpha, beta)
		act.Erf(k.r[:n], k.u[:n])
		act.ErfBackward(k.w[:n], onesBlock(&k.ones)[:n], k.u[:n]) // erf'(u)
		for i, t := range xb {
			xc := min(max(t, -1e30), 1e30)
			ed := k.w[i]
			// erf'(u) is 0 where u or e is huge: multiply it in first.
			xu := xc * (ed * k.u[i])
			d := dyb[i]
			dxb[i] = d * (k.r[i] + xu*beta)
			ga += float64(d * xc * (ed * k.e[i]))
			gb += float64(d * xu * xc)
		}
	}
	g[0] += ga
	g[1] += gb
}

func (*erfAct) Reference(x float64, p []float64) float64 { return x * math.Erf(p[0]*math.Exp(p[1]*x)) }

package activations

import (
	"fmt"
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name: "pdelu",
		Formula: "x if x > 0, alpha*([1 + (1-t)*x]_+^(1/(1-t)) - 1) otherwise " +
			"(the deformed exponential: t -> 1 is ELU; t < 1 reaches -alpha at x = -1/(1-t))",
		Reference: "Cheng, Li, Wu, Ma, Ngan: Parametric Deformable Exponential Linear Units for Deep Neural Networks, Neural Networks 125:281-289, 2020",
		Params: []registry.ParamInfo{
			elementwise.Trainable("alpha", 1, -1e3, 1e3, "scale of the negative side (the authors' Caffe layer starts at 1)"),
			elementwise.Number("t", 1.5, 0, 100, "deformation, fixed (the authors' Caffe default 1.5); t = 1 would be ELU"),
			elementwise.PerParam, elementwise.TrainParam,
		},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			t := args.Float("t")
			if math.Abs(1-t) < 1e-3 {
				return nil, fmt.Errorf("t = %g: the deformed exponential is singular near t = 1, its ELU limit: use t <= 0.999 or t >= 1.001, or elu/pelu", t)
			}
			return elementwise.New(args, channels, pdelu{t: t, p: 1 / (1 - t)})
		},
	})
}

// pdelu evaluates [1+u]^p, u = (1-t)*min(x, 0), p = 1/(1-t), as
// exp(p*log1p(u)) with the branch-free log of mathx.go, and b^p - 1 as
// expm1(p*log1p(u)) so that it keeps its accuracy near x = 0. For x > 0,
// u = 0 and the term vanishes.
type pdelu struct{ t, p float64 }

// logBase returns L = log(1+u) and whether 1+u > 0 (for t < 1, 1+u reaches
// 0 at x = -1/(1-t) and the power is 0 below).
func (k pdelu) logBase(x float64) (l float64, pos bool) {
	u := (1 - k.t) * min(x, 0)
	// The clamps keep log1pAcc's argument in its domain; where they bite the
	// power is 0 (t < 1) or underflows to 0 (t > 1, u -> inf) anyway.
	return log1pAcc(min(max(u, -1+0x1p-52), 1e300)), u > -1
}

func (k pdelu) Forward(y, x, p []float32) {
	if k.p == -2 {
		k.forwardSquare(y, x, p[0])
		return
	}
	alpha := float64(p[0])
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			l, pos := k.logBase(t)
			v[i] = max(t, 0) + alpha*fmath.Sel(pos, fmath.Expm1(k.p*l), -1)
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward: for x <= 0 (the left derivative at the kink 0, as the authors'
// layer), d/dx = alpha*(1+u)^(p-1) (p*(1-t) = 1) and d/dalpha = (1+u)^p - 1;
// for x > 0, d/dx = 1 and d/dalpha = 0.
func (k pdelu) Backward(dx, dy, x, p []float32, g []float64) {
	if k.p == -2 {
		g[0] += k.backwardSquare(dx, dy, x, p[0])
		return
	}
	alpha := float64(p[0])
	var ga float64
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			l, pos := k.logBase(t)
			neg := fmath.Sel(pos, fmath.Exp((k.p-1)*l), 0)
			d := dv[i]
			dv[i] = d * fmath.Sel(t > 0, 1, alpha*neg)
			ga += d * fmath.Sel(pos, fmath.Expm1(k.p*l), -1)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
	g[0] += ga
}

// The default t = 1.5 makes p = -2, a power that needs no logarithm: on
// the float32 kernels of package kernels/act, with u = -x/2 (exact) for
// x <= 0 and b = 1+u,
//
//	b^-2 - 1 = -u(2+u)/b^2   (no cancellation near x = 0),  d/dx = b^-3,
//
// u clamped at 1e18 so that -Inf gives -alpha (the limit) and b^2 stays
// finite; b^3 may overflow to +Inf, where its reciprocal is 0 as the
// derivative's limit. The conformance suite runs both paths (its variants
// move t off 1.5).
func (k pdelu) forwardSquare(y, x []float32, alpha float32) { act.PDELUSquare(y, x, alpha) }

func (k pdelu) backwardSquare(dx, dy, x []float32, alpha float32) (ga float64) {
	return act.PDELUSquareBackward(dx, dy, x, alpha)
}

func (k pdelu) Reference(x float64, p []float64) float64 {
	if x > 0 {
		return x
	}
	base := 1 + (1-k.t)*x
	if base <= 0 {
		return -p[0]
	}
	return p[0] * (math.Pow(base, 1/(1-k.t)) - 1)
}

// Kinks: 0 (the slopes alpha and 1 meet), and for t < 1 the point where the
// base reaches 0 (a kink for t = 0, a jump in a higher derivative above).
func (k pdelu) Kinks() []float64 {
	if k.t < 1 {
		return []float64{0, -1 / (1 - k.t)}
	}
	return []float64{0}
}

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
			return elementwise.New(args, channels, &pserf{})
		},
	})
}

// pserf composes the vector kernels of package kernels/act block by block
// (see serf). softplus(delta*x) is delta times act.Softplus with beta =
// delta (any sign; at delta = 0 it is log 2 everywhere).
type pserf struct{ sp, u, e, s, w, ones blockF32 }

// softplus sets sp = softplus(delta*x) for the block x.
func (k *pserf) softplus(sp, x []float32, delta float32) {
	if math.Abs(float64(delta)) < 1e-30 { // 1/delta would overflow
		for i := range sp {
			sp[i] = math.Ln2
		}
		return
	}
	act.Softplus(sp, x, delta, 20)
	for i := range sp {
		sp[i] *= delta
	}
}

func (k *pserf) Forward(y, x, p []float32) {
	gamma, delta := p[0], p[1]
	sp, e := k.sp[:], k.e[:]
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		n := len(xb)
		k.softplus(sp[:n], xb, delta)
		for i := range n {
			sp[i] *= gamma
		}
		act.Erf(e[:n], sp[:n])
		yb := y[off : off+n]
		for i, t := range xb {
			// x only scales erf(u): where that is 0, clamp x so that the product
			// is 0 (the limit), not Inf*0.
			yb[i] = fmath.Sel32(e[i] == 0, min(max(t, -math.MaxFloat32), math.MaxFloat32), t) * e[i]
		}
	}
}

// Backward, with sp = softplus(delta*x), u = gamma*sp, s = sigmoid(delta*x):
//
//	d/dx = erf(u) + x*erf'(u)*gamma*s*delta,  d/dgamma = x*erf'(u)*sp,  d/ddelta = x^2*erf'(u)*gamma*s
func (k *pserf) Backward(dx, dy, x, p []float32, g []float64) {
	gamma, delta := p[0], p[1]
	sp, u, e, s, w := k.sp[:], k.u[:], k.e[:], k.s[:], k.w[:]
	var gg, gd float64
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		n := len(xb)
		dyb, dxb := dy[off:off+n], dx[off:off+n]
		k.softplus(sp[:n], xb, delta)
		for i, t := range xb {
			u[i] = gamma * sp[i]
			w[i] = delta * t
		}
		act.Erf(e[:n], u[:n])
		act.Sigmoid(s[:n], w[:n])
		act.ErfBackward(w[:n], onesBlock(&k.ones)[:n], u[:n]) // erf'(u)
		for i, t := range xb {
			xc := min(max(t, -1e30), 1e30) // erf'(u) is 0 where sp is huge: finite products
			ed := w[i]
			xgs := xc * (ed * gamma * s[i])
			d := dyb[i]
			dxb[i] = d * (e[i] + xgs*delta)
			gg += float64(d * xc * (ed * sp[i]))
			gd += float64(d * xgs * xc)
		}
	}
	g[0] += gg
	g[1] += gd
}

func (*pserf) Reference(x float64, p []float64) float64 {
	z := p[1] * x
	sp := math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
	return x * math.Erf(p[0]*sp)
}

package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
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
			return elementwise.New(args, channels, pserf{})
		},
	})
}

type pserf struct{}

func (pserf) Forward(y, x, p []float32) {
	gamma, delta := float64(p[0]), float64(p[1])
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			// Clamped x: finite products (0, not NaN, where erf(...) is 0).
			xc := min(max(t, -1e300), 1e300)
			v[i] = xc * erf(gamma*fmath.Softplus(delta*xc))
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward, with sp = softplus(delta*x), u = gamma*sp, s = sigmoid(delta*x):
//
//	d/dx = erf(u) + x*erf'(u)*gamma*s*delta,  d/dgamma = x*erf'(u)*sp,  d/ddelta = x^2*erf'(u)*gamma*s
func (pserf) Backward(dx, dy, x, p []float32, g []float64) {
	gamma, delta := float64(p[0]), float64(p[1])
	var gg, gd float64
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			xc := min(max(t, -1e300), 1e300)
			sp := fmath.Softplus(delta * xc)
			u := gamma * sp
			ed := erfDeriv(u)
			// erf'(u) is 0 where sp is huge: multiply it in first.
			xgs := xc * (ed * gamma * fmath.Sigmoid(delta*xc))
			d := dv[i]
			dv[i] = d * (erf(u) + xgs*delta)
			gg += d * xc * (ed * sp)
			gd += d * xgs * min(max(t, -1e30), 1e30)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
	g[0] += gg
	g[1] += gd
}

func (pserf) Reference(x float64, p []float64) float64 {
	z := p[1] * x
	sp := math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
	return x * math.Erf(p[0]*sp)
}

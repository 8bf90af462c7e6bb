package activations

import (
	"fmt"
	"github.com/actbench/actbench/kernels/act"
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "srs",
		Formula:   "x/(x/alpha + exp(-x/beta)) (soft-root-sign: bounded, -> alpha as x -> inf, -> 0 as x -> -inf)",
		Reference: "Zhou, Li, Huo, Kung: Soft-Root-Sign Activation Function, arXiv:2003.00547, 2020",
		Params: []registry.ParamInfo{
			elementwise.Trainable("alpha", 2, 1e-3, 1e3, "upper bound, approached as x -> inf"),
			elementwise.Trainable("beta", 3, 1e-3, 1e3, "decay scale of the negative side"),
			elementwise.PerParam, elementwise.TrainParam,
		},
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			// The denominator's minimum, (beta/alpha)*(1 - log(beta/alpha)), is
			// positive only for beta/alpha < e.
			if a, b := args.Float("alpha"), args.Float("beta"); b/a >= math.E {
				return nil, fmt.Errorf("beta/alpha = %g: the denominator x/alpha + exp(-x/beta) has a zero when beta/alpha >= e (%.4g): lower beta or raise alpha", b/a, math.E)
			}
			return elementwise.New(args, channels, &srs{})
		},
	})
}

// srs computes in float32 on blocks, with e = exp(-|x|/beta) from the exp
// kernel of package kernels/act. With D = x/alpha + exp(-x/beta), dn =
// D*sc, sc = 1 for x >= 0 and exp(x/beta) below (there D's exponential
// overflows; multiplying through by it keeps every term in range): f =
// x*sc/dn and, in both halves, f' = e*(1+x/beta)/dn^2, df/dalpha =
// (f/alpha)^2, df/dbeta = -x*(x*e)/(beta*dn)^2. x is clamped to +-1e30
// (x/alpha and x*e stay finite at +-Inf).
type srs struct{ e blockF32 }

func (k *srs) exp(x []float32, beta float32) {
	n := len(x)
	for i, t := range x {
		k.e[i] = -float32(math.Abs(float64(min(max(t, -1e30), 1e30)))) / beta
	}
	act.Exp(k.e[:n], k.e[:n])
}

// parts returns f and dn of x (clamped), e its exponential.
func srsParts32(x, e, alpha float32) (f, dn float32) {
	x = min(max(x, -1e30), 1e30)
	pos := x >= 0
	num := x * fmath.Sel32(pos, 1, e)
	dn = num/alpha + fmath.Sel32(pos, e, 1)
	return num / dn, dn
}

func (k *srs) Forward(y, x, p []float32) {
	alpha, beta := p[0], p[1]
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		k.exp(xb, beta)
		yb := y[off : off+len(xb)]
		for i, t := range xb {
			yb[i], _ = srsParts32(t, k.e[i], alpha)
		}
	}
}

func (k *srs) Backward(dx, dy, x, p []float32, g []float64) {
	alpha, beta := p[0], p[1]
	var ga, gb float64
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		n := len(xb)
		k.exp(xb, beta)
		dyb, dxb := dy[off:off+n], dx[off:off+n]
		for i, t := range xb {
			e := k.e[i]
			f, dn := srsParts32(t, e, alpha)
			// Clamped x: e is 0 beyond |x| ~ 104*beta, where these terms vanish.
			tc := min(max(t, -1e30), 1e30)
			inv := 1 / (dn * dn)
			d := dyb[i]
			dxb[i] = d * e * (1 + tc/beta) * inv
			fa := f / alpha
			ga += float64(d * fa * fa)
			gb -= float64(d * tc * (tc * e) * inv / (beta * beta))
		}
	}
	g[0] += ga
	g[1] += gb
}

func (*srs) Reference(x float64, p []float64) float64 {
	return x / (x/p[0] + math.Exp(-x/p[1]))
}

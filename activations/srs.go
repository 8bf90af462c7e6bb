package activations

import (
	"fmt"
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
			return elementwise.New(args, channels, srs{})
		},
	})
}

type srs struct{}

// parts returns f and the normalised denominator dn = D*sc with D =
// x/alpha + exp(-x/beta), sc = 1 for x >= 0 and exp(x/beta) below (there D's
// exponential overflows; multiplying through by it keeps every term in
// range), and e = exp(-|x|/beta). Then f = x*sc/dn and, in both halves,
// f' = e*(1+x/beta)/dn^2, df/dalpha = (f/alpha)^2,
// df/dbeta = -x*(x*e)/(beta*dn)^2.
func srsParts(x, alpha, beta float64) (f, dn, e float64) {
	x = min(max(x, -1e300), 1e300) // x/alpha and x*e stay finite at +-Inf
	e = fmath.Exp(-math.Abs(x) / beta)
	pos := x >= 0
	num := x * fmath.Sel(pos, 1, e)
	dn = num/alpha + fmath.Sel(pos, e, 1)
	return num / dn, dn, e
}

func (srs) Forward(y, x, p []float32) {
	alpha, beta := float64(p[0]), float64(p[1])
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			v[i], _, _ = srsParts(t, alpha, beta)
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

func (srs) Backward(dx, dy, x, p []float32, g []float64) {
	alpha, beta := float64(p[0]), float64(p[1])
	var ga, gb float64
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			f, dn, e := srsParts(t, alpha, beta)
			// Clamped x: e is 0 beyond |x| ~ 745*beta, where these terms vanish.
			tc := min(max(t, -1e30), 1e30)
			inv := 1 / (dn * dn)
			d := dv[i]
			dv[i] = d * e * (1 + tc/beta) * inv
			fa := f / alpha
			ga += d * fa * fa
			gb -= d * tc * (tc * e) * inv / (beta * beta)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
	g[0] += ga
	g[1] += gb
}

func (srs) Reference(x float64, p []float64) float64 {
	return x / (x/p[0] + math.Exp(-x/p[1]))
}

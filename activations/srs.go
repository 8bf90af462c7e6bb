package activations

import (
	"fmt"
	"github.com/actbench/actbench/kernels/act"
	"math"

	"github.com/actbench/actbench/elementwise"
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

// srs runs on one fused kernel of package kernels/act, in float32: with
// D = x/alpha + exp(-x/beta), e = exp(-|x|/beta), dn = D*sc, sc = 1 for
// x >= 0 and exp(x/beta) below (there D's exponential overflows;
// multiplying through by it keeps every term in range): f = x*sc/dn and, in
// both halves, f' = e*(1+x/beta)/dn^2, df/dalpha = (f/alpha)^2, df/dbeta =
// -x*(x*e)/(beta*dn)^2. x is clamped to +-1e30 (x/alpha and x*e stay finite
// at +-Inf).
type srs struct{}

func (srs) Forward(y, x, p []float32) { act.SRS(y, x, p[0], p[1]) }

func (srs) Backward(dx, dy, x, p []float32, g []float64) {
	ga, gb := act.SRSBackward(dx, dy, x, p[0], p[1])
	g[0] += ga
	g[1] += gb
}

func (srs) Reference(x float64, p []float64) float64 {
	return x / (x/p[0] + math.Exp(-x/p[1]))
}

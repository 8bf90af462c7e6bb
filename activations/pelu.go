package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "pelu",
		Formula:   "(a/b)*x if x >= 0, a*(exp(x/b)-1) otherwise",
		Reference: "Trottier, Giguere, Chaib-draa: Parametric Exponential Linear Unit for Deep Convolutional Neural Networks, ICMLA 2017",
		Params: []registry.ParamInfo{
			elementwise.Trainable("a", 1, 1e-3, 1e3, "scale (saturation at -a); kept positive"),
			elementwise.Trainable("b", 1, 1e-3, 1e3, "exponential decay; kept positive"),
			elementwise.PerParam, elementwise.TrainSubsetParam("a", "b"),
		},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, pelu{})
		},
	})
}

type pelu struct{}

func (pelu) Forward(y, x, p []float32) {
	a, b := float64(p[0]), float64(p[1])
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			v[i] = fmath.Sel(t >= 0, a/b*t, a*fmath.Expm1(min(t, 0)/b))
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward, with e = exp(x/b):
//
//	x >= 0: df/dx = a/b,     df/da = x/b,  df/db = -a*x/b^2
//	x <  0: df/dx = a/b*e,   df/da = e-1,  df/db = -a*x/b^2*e
func (pelu) Backward(dx, dy, x, p []float32, g []float64) {
	a, b := float64(p[0]), float64(p[1])
	var ga, gb float64
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			pos := t >= 0
			e := fmath.Sel(pos, 1, fmath.Exp(min(t, 0)/b))
			em1 := fmath.Sel(pos, t/b, fmath.Expm1(min(t, 0)/b))
			// e is 0 where x = -Inf: clamp x so that x*e is 0, not NaN.
			te := max(t, -1e300) * e
			d := dv[i]
			dv[i] = d * a / b * e
			ga += d * em1
			gb -= d * a * te / (b * b)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
	g[0] += ga
	g[1] += gb
}

func (pelu) Reference(x float64, p []float64) float64 {
	a, b := p[0], p[1]
	if x >= 0 {
		return a / b * x
	}
	return a * math.Expm1(x/b)
}

// Kinks: the second derivative jumps at 0 (the first is continuous).
func (pelu) Kinks() []float64 { return []float64{0} }

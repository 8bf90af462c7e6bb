package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "celu",
		Formula:   "max(0,x) + min(0, alpha*(exp(x/alpha)-1))",
		Reference: "Barron: Continuously Differentiable Exponential Linear Units, arXiv:1704.07483, 2017",
		Params:    []registry.ParamInfo{elementwise.Number("alpha", 1, 1e-3, inf, "value approached as x -> -inf is -alpha")},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, celu{alpha: args.Float("alpha")})
		},
	})
}

type celu struct{ alpha float64 }

func (k celu) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			v[i] = max(t, 0) + k.alpha*fmath.Expm1(min(t, 0)/k.alpha)
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

func (k celu) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			dv[i] *= fmath.Sel(t > 0, 1, fmath.Exp(min(t, 0)/k.alpha))
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (k celu) Reference(x float64, _ []float64) float64 {
	return math.Max(0, x) + math.Min(0, k.alpha*math.Expm1(x/k.alpha))
}

// Kinks: the second derivative jumps at 0.
func (celu) Kinks() []float64 { return []float64{0} }

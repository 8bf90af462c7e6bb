package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "golu",
		Formula:   "x*exp(-exp(-x)) (x times the Gompertz function)",
		Reference: "Das, Safari, Adriaensen, Hutter: Gompertz Linear Units: Leveraging Asymmetry for Enhanced Learning Dynamics, arXiv:2502.03654, 2025",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, golu{})
		},
	})
}

type golu struct{}

// gate returns e = exp(-x) and the Gompertz gate G = exp(-e). Below x = -700
// G is 0 in float64, so -x is clamped there to keep e finite.
func (golu) gate(x float64) (e, g float64) {
	e = fmath.Exp(min(-x, 700))
	return e, fmath.Exp(-e)
}

func (k golu) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			_, g := k.gate(t)
			// G is 0 at -Inf: clamp x so that the product is 0.
			v[i] = min(max(t, -1e300), 1e300) * g
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward: d/dx = G*(1 + x*exp(-x)).
func (k golu) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			e, g := k.gate(t)
			tc := min(max(t, -1e3), 1e3) // G is 0 below and e is 0 above: avoid Inf*0
			dv[i] *= g + tc*e*g
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (golu) Reference(x float64, _ []float64) float64 { return x * math.Exp(-math.Exp(-x)) }

package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "serf",
		Formula:   "x*erf(softplus(x)) = x*erf(log(1+exp(x)))",
		Reference: "Nag, Bhattacharyya: SERF: Towards better training of deep neural networks using log-Softplus ERror activation Function, WACV 2023, arXiv:2108.09598",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, serf{})
		},
	})
}

type serf struct{}

func (serf) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			// erf(softplus(-Inf)) = 0: clamp x so that the product is 0.
			v[i] = min(max(t, -1e300), 1e300) * erf(fmath.Softplus(t))
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward: d/dx = erf(sp) + x*erf'(sp)*sigmoid(x), sp = softplus(x).
func (serf) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			sp := fmath.Softplus(t)
			tc := min(max(t, -1e3), 1e3) // the second term is 0 there: avoid Inf*0
			dv[i] *= erf(sp) + tc*erfDeriv(sp)*fmath.Sigmoid(t)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (serf) Reference(x float64, _ []float64) float64 {
	sp := math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
	return x * math.Erf(sp)
}

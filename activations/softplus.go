package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "softplus",
		Formula:   "log(1+exp(beta*x))/beta",
		Reference: "Dugas, Bengio, Belisle, Nadeau, Garcia: Incorporating Second-Order Functional Knowledge for Better Option Pricing, NIPS 2000",
		Params:    []registry.ParamInfo{elementwise.Number("beta", 1, 1e-3, 1e3, "sharpness; beta -> inf is ReLU")},
		Monotonic: true, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, softplus{beta: args.Float("beta")})
		},
	})
}

// softplus is computed as max(x,0) + log1p(exp(-beta|x|))/beta: no overflow,
// and exact to float32 for large |x| (unlike PyTorch, no linear threshold).
type softplus struct{ beta float64 }

func (k softplus) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			v[i] = fmath.Softplus(k.beta*t) / k.beta
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

func (k softplus) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			dv[i] *= fmath.Sigmoid(k.beta * t)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (k softplus) Reference(x float64, _ []float64) float64 {
	return (math.Max(k.beta*x, 0) + math.Log1p(math.Exp(-math.Abs(k.beta*x)))) / k.beta
}

package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "elu",
		Formula:   "x if x > 0, alpha*(exp(x)-1) otherwise",
		Reference: "Clevert, Unterthiner, Hochreiter: Fast and Accurate Deep Network Learning by Exponential Linear Units (ELUs), ICLR 2016",
		Params:    []registry.ParamInfo{elementwise.Number("alpha", 1, 0, inf, "value approached as x -> -inf is -alpha")},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, elu{alpha: args.Float("alpha"), scale: 1})
		},
	})
}

// elu also serves SELU: scale*elu(x; alpha).
type elu struct{ alpha, scale float64 }

func (k elu) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			v[i] = k.scale * fmath.Sel(t > 0, t, k.alpha*fmath.Expm1(min(t, 0)))
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward: the derivative at 0 is the left one, alpha*scale (PyTorch).
func (k elu) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			dv[i] *= k.scale * fmath.Sel(t > 0, 1, k.alpha*fmath.Exp(min(t, 0)))
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (k elu) Reference(x float64, _ []float64) float64 {
	if x > 0 {
		return k.scale * x
	}
	return k.scale * k.alpha * math.Expm1(x)
}

func (elu) Kinks() []float64 { return []float64{0} }

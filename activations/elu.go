package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
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
// elu also serves SELU: scale*elu(x; alpha). It runs on the SIMD kernels of
// package kernels/act.
type elu struct{ alpha, scale float64 }

func (k elu) Forward(y, x, _ []float32) { act.ELU(y, x, float32(k.alpha), float32(k.scale)) }

// Backward: the derivative at 0 is the left one, alpha*scale (PyTorch).
func (k elu) Backward(dx, dy, x, _ []float32, _ []float64) {
	act.ELUBackward(dx, dy, x, float32(k.alpha), float32(k.scale))
}

func (k elu) Reference(x float64, _ []float64) float64 {
	if x > 0 {
		return k.scale * x
	}
	return k.scale * k.alpha * math.Expm1(x)
}

func (elu) Kinks() []float64 { return []float64{0} }

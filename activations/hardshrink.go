package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "hardshrink",
		Formula:   "x if |x| > lambda, 0 otherwise",
		Reference: "Donoho, Johnstone: Ideal spatial adaptation by wavelet shrinkage, Biometrika 1994 (hard thresholding)",
		Params:    []registry.ParamInfo{elementwise.Number("lambda", 0.5, 0, 1e6, "half-width of the dead zone")},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, hardshrink{lambda: float32(args.Float("lambda"))})
		},
	})
}

type hardshrink struct{ lambda float32 }

func (k hardshrink) Forward(y, x, _ []float32) { act.Hardshrink(y, x, k.lambda) }

// Backward: 0 on [-lambda, lambda] including the jumps (PyTorch), 1 outside.
func (k hardshrink) Backward(dx, dy, x, _ []float32, _ []float64) {
	act.ShrinkBackward(dx, dy, x, k.lambda)
}

func (k hardshrink) Reference(x float64, _ []float64) float64 {
	if math.Abs(x) > float64(k.lambda) || math.IsNaN(x) {
		return x
	}
	return 0
}

func (k hardshrink) Kinks() []float64 { return []float64{-float64(k.lambda), float64(k.lambda)} }

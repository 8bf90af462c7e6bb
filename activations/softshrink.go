package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "softshrink",
		Formula:   "x - lambda if x > lambda, x + lambda if x < -lambda, 0 otherwise",
		Reference: "Donoho: De-noising by soft-thresholding, IEEE Trans. Inf. Theory 1995",
		Params:    []registry.ParamInfo{elementwise.Number("lambda", 0.5, 0, 1e6, "half-width of the dead zone")},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, softshrink{lambda: float32(args.Float("lambda"))})
		},
	})
}

type softshrink struct{ lambda float32 }

func (k softshrink) Forward(y, x, _ []float32) { act.Softshrink(y, x, k.lambda) }

// Backward: 0 on [-lambda, lambda] including the kinks (PyTorch), 1 outside.
func (k softshrink) Backward(dx, dy, x, _ []float32, _ []float64) {
	act.ShrinkBackward(dx, dy, x, k.lambda)
}

func (k softshrink) Reference(x float64, _ []float64) float64 {
	l := float64(k.lambda)
	switch {
	case x > l:
		return x - l
	case x < -l:
		return x + l
	case math.IsNaN(x):
		return x
	}
	return 0
}

func (k softshrink) Kinks() []float64 { return []float64{-float64(k.lambda), float64(k.lambda)} }

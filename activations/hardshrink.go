package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
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

func (k hardshrink) Forward(y, x, _ []float32) {
	l := k.lambda
	y = y[:len(x)]
	for i, v := range x {
		keep := fmath.B2U(v > l) | fmath.B2U(v < -l) | fmath.B2U(v != v) // NaN stays NaN
		y[i] = fmath.Sel32(keep == 1, v, 0)
	}
}

// Backward: 0 on [-lambda, lambda] including the jumps (PyTorch), 1 outside.
func (k hardshrink) Backward(dx, dy, x, _ []float32, _ []float64) {
	l := k.lambda
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		outside := fmath.B2U(v > l) | fmath.B2U(v < -l)
		dx[i] = dy[i] * float32(int32(outside))
	}
}

func (k hardshrink) Reference(x float64, _ []float64) float64 {
	if math.Abs(x) > float64(k.lambda) || math.IsNaN(x) {
		return x
	}
	return 0
}

func (k hardshrink) Kinks() []float64 { return []float64{-float64(k.lambda), float64(k.lambda)} }

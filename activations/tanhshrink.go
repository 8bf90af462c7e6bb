package activations

import (
	"math"

	"github.com/actbench/actbench/activations/internal/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "tanhshrink",
		Formula:   "x - tanh(x)",
		Reference: "PyTorch Tanhshrink (shrinkage by tanh)",
		Monotonic: true, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return NewElementwise(args, channels, tanhshrink{})
		},
	})
}

type tanhshrink struct{}

func (tanhshrink) Forward(y, x, _ []float32) {
	y = y[:len(x)]
	for i, v := range x {
		t := float64(v)
		y[i] = float32(t - fmath.Tanh(t))
	}
}

func (tanhshrink) Backward(dx, dy, x, _ []float32, _ []float64) {
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		th := fmath.Tanh(float64(v))
		dx[i] = float32(float64(dy[i]) * th * th)
	}
}

func (tanhshrink) Reference(x float64, _ []float64) float64 { return x - math.Tanh(x) }

package activations

import (
	"math"

	"github.com/actbench/actbench/activations/internal/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "sigmoid",
		Formula:   "1/(1+exp(-x))",
		Reference: "the logistic function; Rumelhart, Hinton, Williams: Learning representations by back-propagating errors, Nature 1986",
		Monotonic: true, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return NewElementwise(args, channels, sigmoid{})
		},
	})
}

type sigmoid struct{}

func (sigmoid) Forward(y, x, _ []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = float32(fmath.Sigmoid(float64(v)))
	}
}

func (sigmoid) Backward(dx, dy, x, _ []float32, _ []float64) {
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		s := fmath.Sigmoid(float64(v))
		dx[i] = float32(float64(dy[i]) * s * (1 - s))
	}
}

func (sigmoid) Reference(x float64, _ []float64) float64 { return 1 / (1 + math.Exp(-x)) }

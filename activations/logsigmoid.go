package activations

import (
	"math"

	"github.com/actbench/actbench/activations/internal/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "logsigmoid",
		Formula:   "log(1/(1+exp(-x))) = -softplus(-x)",
		Reference: "log of the logistic function (PyTorch LogSigmoid)",
		Monotonic: true, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return NewElementwise(args, channels, logsigmoid{})
		},
	})
}

type logsigmoid struct{}

func (logsigmoid) Forward(y, x, _ []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = float32(-fmath.Softplus(-float64(v)))
	}
}

func (logsigmoid) Backward(dx, dy, x, _ []float32, _ []float64) {
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		dx[i] = float32(float64(dy[i]) * fmath.Sigmoid(-float64(v)))
	}
}

func (logsigmoid) Reference(x float64, _ []float64) float64 {
	return math.Min(x, 0) - math.Log1p(math.Exp(-math.Abs(x)))
}

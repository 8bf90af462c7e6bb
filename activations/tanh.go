package activations

import (
	"math"

	"github.com/actbench/actbench/activations/internal/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "tanh",
		Formula:   "tanh(x) = (exp(x)-exp(-x))/(exp(x)+exp(-x))",
		Reference: "LeCun, Bottou, Orr, Mueller: Efficient BackProp, 1998",
		Monotonic: true, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return NewElementwise(args, channels, tanhAct{})
		},
	})
}

type tanhAct struct{}

func (tanhAct) Forward(y, x, _ []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = float32(fmath.Tanh(float64(v)))
	}
}

func (tanhAct) Backward(dx, dy, x, _ []float32, _ []float64) {
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		th := fmath.Tanh(float64(v))
		dx[i] = float32(float64(dy[i]) * (1 - th*th))
	}
}

func (tanhAct) Reference(x float64, _ []float64) float64 { return math.Tanh(x) }

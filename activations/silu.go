package activations

import (
	"math"

	"github.com/actbench/actbench/activations/internal/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "silu",
		Formula:   "x*sigmoid(x)",
		Reference: "Elfwing, Uchibe, Doya: Sigmoid-Weighted Linear Units for Neural Network Function Approximation in Reinforcement Learning, Neural Networks 2018",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return NewElementwise(args, channels, silu{})
		},
	})
}

type silu struct{}

func (silu) Forward(y, x, _ []float32) {
	y = y[:len(x)]
	for i, v := range x {
		t := float64(v)
		y[i] = float32(t * fmath.Sigmoid(t))
	}
}

func (silu) Backward(dx, dy, x, _ []float32, _ []float64) {
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		t := float64(v)
		s := fmath.Sigmoid(t)
		// s*(1-s) underflows to 0 where x*s*(1-s) would be Inf*0: clamp x.
		dx[i] = float32(float64(dy[i]) * (s + min(max(t, -1e3), 1e3)*s*(1-s)))
	}
}

func (silu) Reference(x float64, _ []float64) float64 { return x / (1 + math.Exp(-x)) }

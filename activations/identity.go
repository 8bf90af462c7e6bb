package activations

import (
	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "identity",
		Formula:   "x",
		Reference: "the linear baseline (no nonlinearity)",
		Monotonic: true, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, identity{})
		},
	})
}

type identity struct{}

func (identity) Forward(y, x, _ []float32) { copy(y, x) }

func (identity) Backward(dx, dy, x, _ []float32, _ []float64) { copy(dx, dy) }

func (identity) Reference(x float64, _ []float64) float64 { return x }

package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "hardsigmoid",
		Formula:   "min(max(x/6 + 1/2, 0), 1)",
		Reference: "Courbariaux et al.: BinaryConnect, NeurIPS 2015 (slope 1/6: Howard et al., MobileNetV3, ICCV 2019)",
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, hardsigmoid{})
		},
	})
}

// hardsigmoid runs on the kernels of package kernels/act: (x+3)/6, within
// an ulp of the exact value also near x = -3, clamped to [0, 1].
type hardsigmoid struct{}

func (hardsigmoid) Forward(y, x, _ []float32) { act.Hardsigmoid(y, x) }

// Backward: 1/6 strictly inside (-3, 3), 0 elsewhere, kinks included (PyTorch).
func (hardsigmoid) Backward(dx, dy, x, _ []float32, _ []float64) { act.HardsigmoidBackward(dx, dy, x) }

func (hardsigmoid) Reference(x float64, _ []float64) float64 {
	return math.Min(math.Max(x/6+0.5, 0), 1)
}

func (hardsigmoid) Kinks() []float64 { return []float64{-3, 3} }

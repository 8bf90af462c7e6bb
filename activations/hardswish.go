package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "hardswish",
		Formula:   "x*min(max(x+3, 0), 6)/6",
		Reference: "Howard et al.: Searching for MobileNetV3, ICCV 2019",
		Monotonic: false, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, hardswish{})
		},
	})
}

// hardswish runs on the SIMD kernels of package kernels/act.
type hardswish struct{}

func (hardswish) Forward(y, x, _ []float32) { act.Hardswish(y, x) }

func (hardswish) Backward(dx, dy, x, _ []float32, _ []float64) { act.HardswishBackward(dx, dy, x) }

func (hardswish) Reference(x float64, _ []float64) float64 {
	return x * math.Min(math.Max(x+3, 0), 6) / 6
}

func (hardswish) Kinks() []float64 { return []float64{-3, 3} }

package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "tanhshrink",
		Formula:   "x - tanh(x)",
		Reference: "PyTorch Tanhshrink (shrinkage by tanh)",
		Monotonic: true, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, tanhshrink{})
		},
	})
}

// tanhshrink runs on the SIMD kernels of package kernels/act, which avoid
// the cancellation of x - tanh(x) near 0 (x^3 times a series there).
type tanhshrink struct{}

func (tanhshrink) Forward(y, x, _ []float32) { act.Tanhshrink(y, x) }

// Backward: d/dx (x - tanh x) = 1 - sech^2 x = tanh^2 x.
func (tanhshrink) Backward(dx, dy, x, _ []float32, _ []float64) { act.TanhshrinkBackward(dx, dy, x) }

// Reference is x - tanh(x) in float64: its cancellation near 0 costs an
// absolute 1e-16, far below what the conformance suite resolves.
func (tanhshrink) Reference(x float64, _ []float64) float64 { return x - math.Tanh(x) }

package activations

import (
	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "squaredrelu",
		Formula:   "max(0, x)^2",
		Reference: "So, Manke, Liu, Dai, Shazeer, Le: Primer: Searching for Efficient Transformers for Language Modeling, NeurIPS 2021, arXiv:2109.08668",
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, squaredRelu{})
		},
	})
}

// squaredRelu works in float32: one rounding per result, the same as the
// float64 route, and x^2 beyond float32's range rightly gives +Inf.
type squaredRelu struct{}

func (squaredRelu) Forward(y, x, _ []float32) { act.SquaredReLU(y, x) }

// Backward: d/dx = 2*max(0, x).
func (squaredRelu) Backward(dx, dy, x, _ []float32, _ []float64) { act.SquaredReLUBackward(dx, dy, x) }

func (squaredRelu) Reference(x float64, _ []float64) float64 {
	if x > 0 {
		return x * x
	}
	return 0
}

// Kinks: the second derivative jumps at 0.
func (squaredRelu) Kinks() []float64 { return []float64{0} }

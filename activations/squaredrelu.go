package activations

import (
	"github.com/actbench/actbench/elementwise"
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

func (squaredRelu) Forward(y, x, _ []float32) {
	y = y[:len(x)]
	for i, v := range x {
		r := max(v, 0) // NaN stays NaN
		y[i] = r * r
	}
}

// Backward: d/dx = 2*max(0, x).
func (squaredRelu) Backward(dx, dy, x, _ []float32, _ []float64) {
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		dx[i] = dy[i] * 2 * max(v, 0)
	}
}

func (squaredRelu) Reference(x float64, _ []float64) float64 {
	if x > 0 {
		return x * x
	}
	return 0
}

// Kinks: the second derivative jumps at 0.
func (squaredRelu) Kinks() []float64 { return []float64{0} }

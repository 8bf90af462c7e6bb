package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "snake",
		Formula:   "x + sin(a*x)^2/a",
		Reference: "Ziyin, Hartwig, Ueda: Neural Networks Fail to Learn Periodic Functions and How to Fix It, NeurIPS 2020",
		Params: []registry.ParamInfo{
			elementwise.Trainable("a", 1, 1e-3, 1e3, "frequency; kept positive"),
			elementwise.PerParam, elementwise.TrainParam,
		},
		Monotonic: true, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, snake{})
		},
	})
}

// snake runs on the SIMD kernels of package kernels/act (shared a, and
// per-channel a on dense rows).
type snake struct{}

func (snake) Forward(y, x, p []float32) { act.Snake(y, x, p[0]) }

// Backward: df/dx = 1 + sin(2ax), df/da = x*sin(2ax)/a - sin(ax)^2/a^2.
func (snake) Backward(dx, dy, x, p []float32, g []float64) {
	g[0] += float64(act.SnakeBackward(dx, dy, x, p[0]))
}

func (snake) ForwardRow(y, x []float32, p [][]float32) { act.SnakeRow(y, x, p[0]) }

func (snake) BackwardRow(dx, dy, x []float32, p, g [][]float32) {
	act.SnakeRowBackward(dx, dy, x, p[0], g[0])
}

func (snake) Reference(x float64, p []float64) float64 {
	s := math.Sin(p[0] * x)
	return x + s*s/p[0]
}

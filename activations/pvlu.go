package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "pvlu",
		Formula:   "max(0, x) + a*sin(b*x) (train=false: the fixed VLU; train=a: b frozen)",
		Reference: "Gupta, Ahuja: Parametric Variational Linear Units (PVLUs) in Deep Convolutional Networks, arXiv:2110.12246, 2021",
		Params: []registry.ParamInfo{
			elementwise.Trainable("a", 0.1, -10, 10, "amplitude of the sine"),
			elementwise.Trainable("b", 1, -100, 100, "frequency of the sine"),
			elementwise.PerParam, elementwise.TrainSubsetParam("a", "b"),
		},
		Monotonic: false, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, pvlu{})
		},
	})
}

// pvlu runs on the SIMD kernels of package kernels/act (shared parameters
// and per-channel dense rows alike).
type pvlu struct{}

func (pvlu) Forward(y, x, p []float32) { act.PVLU(y, x, p[0], p[1]) }

// Backward: d/dx = [x > 0] + a*b*cos(bx) (the ReLU part's derivative at 0 is
// 0, PyTorch), d/da = sin(bx), d/db = a*x*cos(bx).
func (pvlu) Backward(dx, dy, x, p []float32, g []float64) {
	ga, gb := act.PVLUBackward(dx, dy, x, p[0], p[1])
	g[0] += float64(ga)
	g[1] += float64(gb)
}

func (pvlu) ForwardRow(y, x []float32, p [][]float32) { act.PVLURow(y, x, p[0], p[1]) }

func (pvlu) BackwardRow(dx, dy, x []float32, p, g [][]float32) {
	act.PVLURowBackward(dx, dy, x, p[0], p[1], g[0], g[1])
}

func (pvlu) Reference(x float64, p []float64) float64 { return math.Max(0, x) + p[0]*math.Sin(p[1]*x) }

func (pvlu) Kinks() []float64 { return []float64{0} }

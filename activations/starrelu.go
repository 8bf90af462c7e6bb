package activations

import (
	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "starrelu",
		Formula:   "s*max(0, x)^2 + b",
		Reference: "Yu, Si, Zhou, Luo, Zhou, Feng, Yan, Wang: MetaFormer Baselines for Vision, TPAMI 2023, arXiv:2210.13452",
		Params: []registry.ParamInfo{
			// For x ~ N(0, 1), relu(x)^2 has mean 1/2 and variance 5/4: the
			// defaults (the paper's) standardise it.
			elementwise.Trainable("s", 0.8944271909999159, -100, 100, "scale, initially 1/sqrt(5/4)"),
			elementwise.Trainable("b", -0.4472135954999579, -100, 100, "bias, initially -(1/2)/sqrt(5/4)"),
			elementwise.PerParam, elementwise.TrainParam,
		},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, starRelu{})
		},
	})
}

// starRelu runs on the SIMD kernels of package kernels/act.
type starRelu struct{}

func (starRelu) Forward(y, x, p []float32) { act.StarReLU(y, x, p[0], p[1]) }

// Backward: d/dx = 2s*relu(x), d/ds = relu(x)^2, d/db = 1.
func (starRelu) Backward(dx, dy, x, p []float32, g []float64) {
	gs, gb := act.StarReLUBackward(dx, dy, x, p[0])
	g[0] += float64(gs)
	g[1] += float64(gb)
}

func (starRelu) Reference(x float64, p []float64) float64 {
	if x > 0 {
		return p[0]*x*x + p[1]
	}
	return p[1]
}

// Kinks: the second derivative jumps at 0.
func (starRelu) Kinks() []float64 { return []float64{0} }

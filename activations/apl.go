package activations

import (
	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name: "apl",
		Formula: "max(0, x) + a1*max(0, b1 - x) + a2*max(0, b2 - x) (adaptive piecewise linear, S = 2 hinges; " +
			"the defaults start as ReLU with hinges at 0 and -1)",
		Reference: "Agostinelli, Hoffman, Sadowski, Baldi: Learning Activation Functions to Improve Deep Neural Networks, ICLR 2015 workshop, arXiv:1412.6830",
		Params: []registry.ParamInfo{
			elementwise.Trainable("a1", 0, -100, 100, "slope of hinge 1 (active below b1)"),
			elementwise.Trainable("b1", 0, -100, 100, "location of hinge 1"),
			elementwise.Trainable("a2", 0, -100, 100, "slope of hinge 2 (active below b2)"),
			elementwise.Trainable("b2", -1, -100, 100, "location of hinge 2 (distinct from b1, or the two hinges learn alike)"),
			elementwise.PerParam, elementwise.TrainParam,
		},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, apl{})
		},
	})
}

// apl has S = 2 hinges: the spec grammar has no lists, and the paper's
// CIFAR experiments use S = 2 to 5. x is clamped to +-1e300 so that a zero
// slope times an infinite hinge is 0, not NaN.
// apl runs on the SIMD kernels of package kernels/act.
type apl struct{}

func (apl) Forward(y, x, p []float32) { act.APL(y, x, p[0], p[1], p[2], p[3]) }

// Backward: d/dx = [x > 0] - a1*[x < b1] - a2*[x < b2] (at a hinge, the
// derivative of max(0, .) at 0 is 0, as PyTorch's relu), d/da_s =
// max(0, b_s - x), d/db_s = a_s*[x < b_s].
func (apl) Backward(dx, dy, x, p []float32, g []float64) {
	ga1, gb1, ga2, gb2 := act.APLBackward(dx, dy, x, p[0], p[1], p[2], p[3])
	g[0] += float64(ga1)
	g[1] += float64(gb1)
	g[2] += float64(ga2)
	g[3] += float64(gb2)
}

func (apl) Reference(x float64, p []float64) float64 {
	y := 0.0
	if x > 0 {
		y = x
	}
	for s := 0; s < 2; s++ {
		if a, b := p[2*s], p[2*s+1]; x < b {
			y += a * (b - x)
		}
	}
	return y
}

func (apl) KinksAt(p []float64) []float64 { return []float64{0, p[1], p[3]} }

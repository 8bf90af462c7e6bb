package activations

import (
	"fmt"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name: "rrelu",
		Formula: "x if x > 0, a*x otherwise; while training a ~ U(lower, upper) drawn per element and step, " +
			"in evaluation a = (lower+upper)/2",
		Reference: "Xu, Wang, Chen, Li: Empirical Evaluation of Rectified Activations in Convolutional Network, arXiv:1505.00853, 2015 (PyTorch RReLU)",
		Params: []registry.ParamInfo{
			elementwise.Number("lower", 1.0/8, 0, 1, "lowest random slope"),
			elementwise.Number("upper", 1.0/3, 0, 1, "highest random slope"),
		},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			lo, hi := args.Float("lower"), args.Float("upper")
			if lo > hi {
				return nil, fmt.Errorf("lower = %g is above upper = %g: want lower <= upper", lo, hi)
			}
			return elementwise.New(args, channels, &rrelu{lower: lo, upper: hi, mean: float32((lo + hi) / 2)})
		},
	})
}

// rrelu is randomized leaky ReLU. In training mode (registry.Stochastic) the
// slope of element i of a Forward is lower + (upper-lower)*u(seed, i), u a
// uniform draw in [0, 1) hashed from the layer's seed for the step and the
// element's index (act.RReLU, a counter-based generator on the SIMD
// kernels), so that Backward recomputes exactly the slopes of the Forward
// before it without storing them, and the same seed gives the same slopes on
// any machine. As PyTorch, inputs <= 0 take the slope (the output is 0 at 0
// either way; the derivative there is the slope). A new instance is in
// evaluation mode: the mean slope, deterministic.
type rrelu struct {
	lower, upper float64
	mean         float32
	train        bool
	seed         uint64
}

func (k *rrelu) SetMode(train bool, seed uint64) { k.train, k.seed = train, seed }

func (k *rrelu) Forward(y, x, _ []float32) {
	y = y[:len(x)]
	if k.train {
		act.RReLU(y, x, float32(k.lower), float32(k.upper-k.lower), k.seed)
		return
	}
	act.LeakyReLU(y, x, k.mean) // x > 0 ? x : mean*x
}

// Backward: d/dx = 1 for x > 0, the element's slope otherwise.
func (k *rrelu) Backward(dx, dy, x, _ []float32, _ []float64) {
	dx, dy = dx[:len(x)], dy[:len(x)]
	if k.train {
		act.RReLUBackward(dx, dy, x, float32(k.lower), float32(k.upper-k.lower), k.seed)
		return
	}
	for i, v := range x {
		dx[i] = dy[i] * fmath.Sel32(v > 0, 1, k.mean)
	}
}

// Reference is the evaluation-mode function.
func (k *rrelu) Reference(x float64, _ []float64) float64 {
	if x > 0 {
		return x
	}
	return (k.lower + k.upper) / 2 * x
}

func (*rrelu) Kinks() []float64 { return []float64{0} }

package activations

import (
	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
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
type apl struct{}

func (apl) Forward(y, x, p []float32) {
	a1, b1, a2, b2 := float64(p[0]), float64(p[1]), float64(p[2]), float64(p[3])
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			tc := min(max(t, -1e300), 1e300)
			v[i] = max(tc, 0) + a1*max(b1-tc, 0) + a2*max(b2-tc, 0)
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward: d/dx = [x > 0] - a1*[x < b1] - a2*[x < b2] (at a hinge, the
// derivative of max(0, .) at 0 is 0, as PyTorch's relu), d/da_s =
// max(0, b_s - x), d/db_s = a_s*[x < b_s].
func (apl) Backward(dx, dy, x, p []float32, g []float64) {
	a1, b1, a2, b2 := float64(p[0]), float64(p[1]), float64(p[2]), float64(p[3])
	var ga1, gb1, ga2, gb2 float64
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			tc := min(max(t, -1e300), 1e300)
			h1, h2 := max(b1-tc, 0), max(b2-tc, 0)
			in1, in2 := fmath.Step(tc < b1), fmath.Step(tc < b2)
			d := dv[i]
			dv[i] = d * (fmath.Step(tc > 0) - a1*in1 - a2*in2)
			ga1 += d * h1
			gb1 += d * a1 * in1
			ga2 += d * h2
			gb2 += d * a2 * in2
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
	g[0] += ga1
	g[1] += gb1
	g[2] += ga2
	g[3] += gb2
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

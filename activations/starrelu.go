package activations

import (
	"github.com/actbench/actbench/elementwise"
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

type starRelu struct{}

func (starRelu) Forward(y, x, p []float32) {
	s, b := float64(p[0]), float64(p[1])
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			r := max(t, 0) // NaN stays NaN
			v[i] = s*r*r + b
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward: d/dx = 2s*relu(x), d/ds = relu(x)^2, d/db = 1.
func (starRelu) Backward(dx, dy, x, p []float32, g []float64) {
	s := float64(p[0])
	var gs, gb float64
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			r := max(t, 0)
			d := dv[i]
			dv[i] = d * 2 * s * r
			gs += d * r * r
			gb += d
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
	g[0] += gs
	g[1] += gb
}

func (starRelu) Reference(x float64, p []float64) float64 {
	if x > 0 {
		return p[0]*x*x + p[1]
	}
	return p[1]
}

// Kinks: the second derivative jumps at 0.
func (starRelu) Kinks() []float64 { return []float64{0} }

package activations

import (
	"fmt"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name: "srelu",
		Formula: "tr + ar*(x-tr) if x >= tr, x if tl < x < tr, tl + al*(x-tl) if x <= tl " +
			"(S-shaped ReLU; the defaults start as leaky ReLU with slope 0.2)",
		Reference: "Jin, Xu, Feng, Wei, Xiong, Yan: Deep Learning with S-shaped Rectified Linear Activation Units, AAAI 2016, arXiv:1512.07030",
		Params: []registry.ParamInfo{
			elementwise.Trainable("tl", 0, -100, 100, "left threshold"),
			elementwise.Trainable("al", 0.2, -100, 100, "slope left of tl"),
			elementwise.Trainable("tr", 1, -100, 100, "right threshold (>= tl)"),
			elementwise.Trainable("ar", 1, -100, 100, "slope right of tr"),
			elementwise.PerParam, elementwise.TrainParam,
		},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			if tl, tr := args.Float("tl"), args.Float("tr"); tl > tr {
				return nil, fmt.Errorf("tl = %g is above tr = %g: want tl <= tr", tl, tr)
			}
			return elementwise.New(args, channels, srelu{})
		},
	})
}

// srelu computes x + (ar-1)*max(0, x-tr) + (al-1)*min(0, x-tl), which is the
// three-piece definition for tl <= tr and stays continuous if training
// moves tl past tr. x is clamped to +-1e300 so that a zero coefficient times
// an infinite hinge is 0, not NaN.
// srelu runs on the SIMD kernels of package kernels/act.
type srelu struct{}

func (srelu) Forward(y, x, p []float32) { act.SReLU(y, x, p[0], p[1], p[2], p[3]) }

// Backward, with R = [x >= tr] and L = [x < tl] (at a threshold, the
// derivative of the side to its right, also where tl = tr):
//
//	d/dx = 1 + (ar-1)*R + (al-1)*L,  d/dtr = (1-ar)*R,  d/dar = max(0, x-tr),
//	d/dtl = (1-al)*L,  d/dal = min(0, x-tl)
func (srelu) Backward(dx, dy, x, p []float32, g []float64) {
	gtl, gal, gtr, gar := act.SReLUBackward(dx, dy, x, p[0], p[1], p[2], p[3])
	g[0] += float64(gtl)
	g[1] += float64(gal)
	g[2] += float64(gtr)
	g[3] += float64(gar)
}

func (srelu) Reference(x float64, p []float64) float64 {
	tl, al, tr, ar := p[0], p[1], p[2], p[3]
	switch {
	case x >= tr:
		return tr + ar*(x-tr)
	case x > tl:
		return x
	}
	return tl + al*(x-tl)
}

func (srelu) KinksAt(p []float64) []float64 { return []float64{p[0], p[2]} }

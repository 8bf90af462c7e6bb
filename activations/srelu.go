package activations

import (
	"fmt"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
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
type srelu struct{}

func (srelu) Forward(y, x, p []float32) {
	tl, al, tr, ar := float64(p[0]), float64(p[1]), float64(p[2]), float64(p[3])
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			tc := min(max(t, -1e300), 1e300)
			v[i] = tc + (ar-1)*max(tc-tr, 0) + (al-1)*min(tc-tl, 0)
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward, with R = [x >= tr] and L = [x < tl] (at a threshold, the
// derivative of the side to its right, also where tl = tr):
//
//	d/dx = 1 + (ar-1)*R + (al-1)*L,  d/dtr = (1-ar)*R,  d/dar = max(0, x-tr),
//	d/dtl = (1-al)*L,  d/dal = min(0, x-tl)
func (srelu) Backward(dx, dy, x, p []float32, g []float64) {
	tl, al, tr, ar := float64(p[0]), float64(p[1]), float64(p[2]), float64(p[3])
	var gtl, gal, gtr, gar float64
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			tc := min(max(t, -1e300), 1e300)
			r, l := fmath.Step(tc >= tr), fmath.Step(tc < tl)
			d := dv[i]
			dv[i] = d * (1 + (ar-1)*r + (al-1)*l)
			gtl += d * (1 - al) * l
			gal += d * min(tc-tl, 0)
			gtr += d * (1 - ar) * r
			gar += d * max(tc-tr, 0)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
	g[0] += gtl
	g[1] += gal
	g[2] += gtr
	g[3] += gar
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

package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
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

type snake struct{}

func (snake) Forward(y, x, p []float32) {
	a := float64(p[0])
	inva := 1 / a
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			s := fmath.Sin(a * t)
			v[i] = t + s*s*inva
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward: df/dx = 1 + sin(2ax), df/da = x*sin(2ax)/a - sin(ax)^2/a^2.
func (snake) Backward(dx, dy, x, p []float32, g []float64) {
	a := float64(p[0])
	inva := 1 / a
	var ga float64
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			s, c := fmath.SinCos(a * t)
			s2 := 2 * s * c
			d := dv[i]
			dv[i] = d * (1 + s2)
			ga += d * (t*s2 - s*s*inva) * inva
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
	g[0] += ga
}

func (snake) Reference(x float64, p []float64) float64 {
	s := math.Sin(p[0] * x)
	return x + s*s/p[0]
}

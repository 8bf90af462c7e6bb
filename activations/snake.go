package activations

import (
	"math"

	"github.com/actbench/actbench/activations/internal/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "snake",
		Formula:   "x + sin(a*x)^2/a",
		Reference: "Ziyin, Hartwig, Ueda: Neural Networks Fail to Learn Periodic Functions and How to Fix It, NeurIPS 2020",
		Params: []registry.ParamInfo{
			trainable("a", 1, 1e-3, 1e3, "frequency; kept positive"),
			PerParam, TrainParam,
		},
		Monotonic: true, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return NewElementwise(args, channels, snake{})
		},
	})
}

type snake struct{}

func (snake) Forward(y, x, p []float32) {
	a := float64(p[0])
	inva := 1 / a
	var v block
	for off := 0; off < len(x); off += blockLen {
		n := loadBlock(&v, x, off)
		for i, t := range v[:n] {
			s := fmath.Sin(a * t)
			v[i] = t + s*s*inva
		}
		storeBlock(y, &v, off, n)
	}
}

// Backward: df/dx = 1 + sin(2ax), df/da = x*sin(2ax)/a - sin(ax)^2/a^2.
func (snake) Backward(dx, dy, x, p []float32, g []float64) {
	a := float64(p[0])
	inva := 1 / a
	var ga float64
	var xv, dv block
	for off := 0; off < len(x); off += blockLen {
		n := loadBlock(&xv, x, off)
		loadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			s, c := fmath.SinCos(a * t)
			s2 := 2 * s * c
			d := dv[i]
			dv[i] = d * (1 + s2)
			ga += d * (t*s2 - s*s*inva) * inva
		}
		storeBlock(dx, &dv, off, n)
	}
	g[0] += ga
}

func (snake) Reference(x float64, p []float64) float64 {
	s := math.Sin(p[0] * x)
	return x + s*s/p[0]
}

package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "sinlu",
		Formula:   "(x + a*sin(b*x)) * sigmoid(x)",
		Reference: "Paul, Bandyopadhyay, Yoon, Geem, Sarkar: SinLU: Sinu-Sigmoidal Linear Unit, Mathematics 10(3):337, 2022",
		Params: []registry.ParamInfo{
			elementwise.Trainable("a", 1, -100, 100, "amplitude of the sine"),
			elementwise.Trainable("b", 1, -100, 100, "frequency of the sine"),
			elementwise.PerParam, elementwise.TrainSubsetParam("a", "b"),
		},
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, sinlu{})
		},
	})
}

type sinlu struct{}

func (sinlu) Forward(y, x, p []float32) {
	a, b := float64(p[0]), float64(p[1])
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			v[i] = (t + a*fmath.Sin(b*t)) * fmath.Sigmoid(t)
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward, with s = sigmoid(x), u = x + a*sin(bx):
//
//	df/dx = (1 + a*b*cos(bx))*s + u*s*(1-s)
//	df/da = sin(bx)*s,  df/db = a*x*cos(bx)*s
func (sinlu) Backward(dx, dy, x, p []float32, g []float64) {
	a, b := float64(p[0]), float64(p[1])
	var ga, gb float64
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			sn, cs := fmath.SinCos(b * t)
			s := fmath.Sigmoid(t)
			tc := min(max(t, -1e300), 1e300) // keeps x*s = 0 at x = -Inf
			u := tc + a*sn
			d := dv[i]
			dv[i] = d * ((1+a*b*cs)*s + u*s*(1-s))
			ga += d * sn * s
			gb += d * a * tc * cs * s
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
	g[0] += ga
	g[1] += gb
}

func (sinlu) Reference(x float64, p []float64) float64 {
	return (x + p[0]*math.Sin(p[1]*x)) / (1 + math.Exp(-x))
}

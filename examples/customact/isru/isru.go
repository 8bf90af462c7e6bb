// Package isru adds the inverse square root unit to actbench from outside
// the project: importing it registers "isru".
package isru

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "isru",
		Formula:   "x/sqrt(1 + a*x^2)",
		Reference: "Carlile et al.: Improving Deep Learning by Inverse Square Root Linear Units (ISRLUs), arXiv:1710.09967, 2017",
		Params: []registry.ParamInfo{
			{Name: "a", Kind: registry.Number, Default: 1.0, Min: 0, Max: 100, Trainable: true,
				Doc: "saturation: |f(x)| < 1/sqrt(a)"},
			elementwise.PerParam, elementwise.TrainParam,
		},
		Monotonic: true, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, kernel{})
		},
	})
}

// kernel computes ISRU on a run of elements sharing the value p[0] of a.
type kernel struct{}

func (kernel) Forward(y, x, p []float32) {
	a := float64(p[0])
	y = y[:len(x)]
	for i, v := range x {
		t := float64(v)
		y[i] = float32(t / math.Sqrt(1+a*t*t))
	}
}

// Backward: df/dx = r^3 and df/da = -x^3/2 * r^3, with r = 1/sqrt(1+a*x^2).
func (kernel) Backward(dx, dy, x, p []float32, g []float64) {
	a := float64(p[0])
	dx, dy = dx[:len(x)], dy[:len(x)]
	var ga float64
	for i, v := range x {
		t := float64(v)
		r := 1 / math.Sqrt(1+a*t*t)
		r3 := r * r * r
		d := float64(dy[i])
		dx[i] = float32(d * r3)
		ga -= d * t * t * t / 2 * r3
	}
	g[0] += ga
}

func (kernel) Reference(x float64, p []float64) float64 { return x / math.Sqrt(1+p[0]*x*x) }

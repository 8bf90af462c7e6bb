package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
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

// sinlu runs on the SIMD kernels of package kernels/act (shared
// parameters, and per-channel parameters on dense rows).
type sinlu struct{}

func (sinlu) Forward(y, x, p []float32) { act.SinLU(y, x, p[0], p[1]) }

// Backward, with s = sigmoid(x), u = x + a*sin(bx):
//
//	df/dx = (1 + a*b*cos(bx))*s + u*s*(1-s)
//	df/da = sin(bx)*s,  df/db = a*x*cos(bx)*s
func (sinlu) Backward(dx, dy, x, p []float32, g []float64) {
	ga, gb := act.SinLUBackward(dx, dy, x, p[0], p[1])
	g[0] += float64(ga)
	g[1] += float64(gb)
}

func (sinlu) ForwardRow(y, x []float32, p [][]float32) { act.SinLURow(y, x, p[0], p[1]) }

func (sinlu) BackwardRow(dx, dy, x []float32, p, g [][]float32) {
	act.SinLURowBackward(dx, dy, x, p[0], p[1], g[0], g[1])
}

func (sinlu) Reference(x float64, p []float64) float64 {
	return (x + p[0]*math.Sin(p[1]*x)) / (1 + math.Exp(-x))
}

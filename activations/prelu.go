package activations

import (
	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "prelu",
		Formula:   "x if x > 0, init*x otherwise (the slope, initialised to init, is learned)",
		Reference: "He, Zhang, Ren, Sun: Delving Deep into Rectifiers, ICCV 2015",
		Params: []registry.ParamInfo{
			func() registry.ParamInfo {
				p := elementwise.Trainable("init", 0.25, -10, 10, "initial slope for x <= 0")
				p.Learned = "slope"
				return p
			}(),
			elementwise.PerParam, elementwise.TrainParam,
		},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, prelu{})
		},
	})
}

// prelu runs on the SIMD LeakyReLU kernels of package kernels/act, with its
// own branch-free loop for per-channel slopes on dense rows.
type prelu struct{}

func (prelu) Forward(y, x, p []float32) { act.LeakyReLU(y, x, p[0]) }

// Backward: d/dx = 1 if x > 0 else slope; d/dslope = x if x <= 0 else 0.
func (prelu) Backward(dx, dy, x, p []float32, g []float64) {
	g[0] += float64(act.LeakyReLUBackward(dx, dy, x, p[0]))
}

func (prelu) ForwardRow(y, x []float32, p [][]float32) {
	slope := p[0][:len(x)]
	y = y[:len(x)]
	for i, v := range x {
		y[i] = fmath.Sel32(v > 0, v, slope[i]*v)
	}
}

func (prelu) BackwardRow(dx, dy, x []float32, p, g [][]float32) {
	slope, gs := p[0][:len(x)], g[0][:len(x)]
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		pos := v > 0
		d := dy[i]
		gs[i] += fmath.Sel32(pos, 0, d*v)
		dx[i] = d * fmath.Sel32(pos, 1, slope[i])
	}
}

func (prelu) Reference(x float64, p []float64) float64 { return leakyRef(x, p[0]) }

func (prelu) Kinks() []float64 { return []float64{0} }

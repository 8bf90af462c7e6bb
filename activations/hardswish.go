package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "hardswish",
		Formula:   "x*min(max(x+3, 0), 6)/6",
		Reference: "Howard et al.: Searching for MobileNetV3, ICCV 2019",
		Monotonic: false, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, hardswish{})
		},
	})
}

type hardswish struct{}

func (hardswish) Forward(y, x, _ []float32) {
	y = y[:len(x)]
	for i, v := range x {
		t := float64(v)
		// Clamp the first factor too so that -Inf gives -0*... = 0, not NaN.
		y[i] = float32(max(t, -3) * min(max(t+3, 0), 6) / 6)
	}
}

// Backward as PyTorch: 0 for x < -3, x/3 + 1/2 for -3 <= x <= 3, 1 above.
func (hardswish) Backward(dx, dy, x, _ []float32, _ []float64) {
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		t := float64(v)
		d := fmath.Sel(t <= 3, t/3+0.5, 1)
		d = fmath.Sel(t < -3, 0, d)
		dx[i] = float32(float64(dy[i]) * d)
	}
}

func (hardswish) Reference(x float64, _ []float64) float64 {
	return x * math.Min(math.Max(x+3, 0), 6) / 6
}

func (hardswish) Kinks() []float64 { return []float64{-3, 3} }

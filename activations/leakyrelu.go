package activations

import (
	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "leakyrelu",
		Formula:   "x if x > 0, slope*x otherwise",
		Reference: "Maas, Hannun, Ng: Rectifier Nonlinearities Improve Neural Network Acoustic Models, ICML 2013 workshop",
		Params:    []registry.ParamInfo{elementwise.Number("slope", 0.01, 0, 1, "slope for x <= 0")},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, leakyReLU{slope: float32(args.Float("slope"))})
		},
	})
}

// leakyReLU runs on the SIMD kernels of package kernels/act.
type leakyReLU struct{ slope float32 }

func (k leakyReLU) Forward(y, x, _ []float32) { act.LeakyReLU(y, x, k.slope) }

// Backward: the derivative at 0 is slope (PyTorch).
func (k leakyReLU) Backward(dx, dy, x, _ []float32, _ []float64) {
	act.LeakyReLUBackward(dx, dy, x, k.slope)
}

func (k leakyReLU) Reference(x float64, _ []float64) float64 { return leakyRef(x, float64(k.slope)) }

func (leakyReLU) Kinks() []float64 { return []float64{0} }

// leakyRef is the float64 reference of LeakyReLU and PReLU.
func leakyRef(x, slope float64) float64 {
	if x > 0 {
		return x
	}
	return slope * x
}

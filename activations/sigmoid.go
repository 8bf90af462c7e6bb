package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "sigmoid",
		Formula:   "1/(1+exp(-x))",
		Reference: "the logistic function; Rumelhart, Hinton, Williams: Learning representations by back-propagating errors, Nature 1986",
		Monotonic: true, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, sigmoid{})
		},
	})
}

// sigmoid runs on the SIMD kernels of package kernels/act.
type sigmoid struct{}

func (sigmoid) Forward(y, x, _ []float32) { act.Sigmoid(y, x) }

func (sigmoid) Backward(dx, dy, x, _ []float32, _ []float64) { act.SigmoidBackward(dx, dy, x) }

func (sigmoid) Reference(x float64, _ []float64) float64 { return 1 / (1 + math.Exp(-x)) }

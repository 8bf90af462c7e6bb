package activations

import (
	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "elliott",
		Formula:   "x/(2*(1+|x|)) + 1/2 (a sigmoid from 0 to 1 with algebraic tails: (softsign(x)+1)/2)",
		Reference: "Elliott: A Better Activation Function for Artificial Neural Networks, ISR Technical Report TR 93-8, University of Maryland, 1993 (as benchmarked by Dubey, Singh, Chaudhuri, arXiv:2109.14545, 2022)",
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, elliott{})
		},
	})
}

// elliott runs on the SIMD kernels of package kernels/act.
type elliott struct{}

func (elliott) Forward(y, x, _ []float32) { act.Elliott(y, x) }

func (elliott) Backward(dx, dy, x, _ []float32, _ []float64) { act.ElliottBackward(dx, dy, x) }

func (elliott) Reference(x float64, _ []float64) float64 {
	if x >= 0 {
		return (1 + 2*x) / (2 + 2*x)
	}
	return 1 / (2 - 2*x)
}

// Kinks: the second derivative jumps at 0.
func (elliott) Kinks() []float64 { return []float64{0} }

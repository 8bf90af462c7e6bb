package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "softsign",
		Formula:   "x/(1+|x|)",
		Reference: "Bergstra, Desjardins, Lamblin, Bengio: Quadratic polynomials learn better image features, 2009; Glorot, Bengio, AISTATS 2010",
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, softsign{})
		},
	})
}

// softsign runs on the SIMD kernels of package kernels/act.
type softsign struct{}

func (softsign) Forward(y, x, _ []float32) { act.Softsign(y, x) }

func (softsign) Backward(dx, dy, x, _ []float32, _ []float64) { act.SoftsignBackward(dx, dy, x) }

func (softsign) Reference(x float64, _ []float64) float64 { return x / (1 + math.Abs(x)) }

// Kinks: the second derivative jumps at 0 (central differences of f' are
// only first-order accurate there).
func (softsign) Kinks() []float64 { return []float64{0} }

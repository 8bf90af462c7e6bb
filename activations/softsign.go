package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
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

type softsign struct{}

func (softsign) Forward(y, x, _ []float32) {
	y = y[:len(x)]
	for i, v := range x {
		t := float64(v)
		// Clamping |x| keeps +-Inf at +-1 instead of Inf/Inf; 1e300 is past
		// where the result rounds to +-1 anyway.
		y[i] = float32(min(max(t, -1e300), 1e300) / (1 + min(math.Abs(t), 1e300)))
	}
}

func (softsign) Backward(dx, dy, x, _ []float32, _ []float64) {
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		d := 1 + math.Abs(float64(v))
		dx[i] = float32(float64(dy[i]) / (d * d))
	}
}

func (softsign) Reference(x float64, _ []float64) float64 { return x / (1 + math.Abs(x)) }

// Kinks: the second derivative jumps at 0 (central differences of f' are
// only first-order accurate there).
func (softsign) Kinks() []float64 { return []float64{0} }

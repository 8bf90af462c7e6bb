package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
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

type elliott struct{}

func (elliott) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			// Clamping keeps +-Inf at 1 and 0 instead of Inf/Inf; past 1e300
			// the result has rounded to its limit long before.
			tc := min(max(t, -1e300), 1e300)
			v[i] = 0.5*tc/(1+math.Abs(tc)) + 0.5
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward: d/dx = 1/(2*(1+|x|)^2).
func (elliott) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			d := 1 + math.Abs(t)
			dv[i] *= 0.5 / (d * d)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

// Reference uses the one-sided rational forms, not the kernel's |x| form.
func (elliott) Reference(x float64, _ []float64) float64 {
	if x >= 0 {
		return (1 + 2*x) / (2 + 2*x)
	}
	return 1 / (2 - 2*x)
}

// Kinks: the second derivative jumps at 0.
func (elliott) Kinks() []float64 { return []float64{0} }

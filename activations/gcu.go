package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "gcu",
		Formula:   "x*cos(x) (growing cosine unit)",
		Reference: "Noel, L, Trivedi, Dutta: Growing Cosine Unit: A Novel Oscillatory Activation Function That Can Speedup Training and Reduce Parameters in Convolutional Neural Networks, arXiv:2108.12943, 2021",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, gcu{})
		},
	})
}

type gcu struct{}

func (gcu) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			_, c := math.Sincos(t)
			v[i] = t * c
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward: d/dx = cos(x) - x*sin(x).
func (gcu) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			s, c := math.Sincos(t)
			dv[i] *= c - t*s
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (gcu) Reference(x float64, _ []float64) float64 { return x * math.Cos(x) }

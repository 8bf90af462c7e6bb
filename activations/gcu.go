package activations

import (
	"github.com/actbench/actbench/kernels/act"
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

// gcu runs on the fused SIMD kernels of package kernels/act (one reduction
// by pi for cos and sin).
type gcu struct{}

func (gcu) Forward(y, x, _ []float32) { act.GCU(y, x) }

// Backward: d/dx = cos(x) - x*sin(x).
func (gcu) Backward(dx, dy, x, _ []float32, _ []float64) { act.GCUBackward(dx, dy, x) }

func (gcu) Reference(x float64, _ []float64) float64 { return x * math.Cos(x) }

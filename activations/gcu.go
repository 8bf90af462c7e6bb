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
			return elementwise.New(args, channels, &gcu{})
		},
	})
}

// gcu composes the sine kernel of package kernels/act block by block:
// cos(x) = sin(x + pi/2), the sum rounded in float32 (an absolute error of
// half an ulp of x in the argument, which the product with x turns into
// the conditioning the conformance suite allows: x*f'(x)).
type gcu struct{ s, c, w blockF32 }

const halfPi32 = float32(math.Pi / 2)

func (k *gcu) cos(x []float32) {
	n := len(x)
	for i, t := range x {
		k.w[i] = t + halfPi32
	}
	act.Sin(k.c[:n], k.w[:n])
}

func (k *gcu) Forward(y, x, _ []float32) {
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		k.cos(xb)
		yb := y[off : off+len(xb)]
		for i, t := range xb {
			yb[i] = t * k.c[i]
		}
	}
}

// Backward: d/dx = cos(x) - x*sin(x).
func (k *gcu) Backward(dx, dy, x, _ []float32, _ []float64) {
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		n := len(xb)
		k.cos(xb)
		act.Sin(k.s[:n], xb)
		dyb, dxb := dy[off:off+n], dx[off:off+n]
		for i, t := range xb {
			dxb[i] = dyb[i] * (k.c[i] - t*k.s[i])
		}
	}
}

func (*gcu) Reference(x float64, _ []float64) float64 { return x * math.Cos(x) }

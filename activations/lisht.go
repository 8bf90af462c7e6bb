package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "lisht",
		Formula:   "x*tanh(x)",
		Reference: "Roy, Manna, Dubey, Chaudhuri: LiSHT: Non-Parametric Linearly Scaled Hyperbolic Tangent Activation Function for Neural Networks, arXiv:1901.05894, 2019",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, &lisht{})
		},
	})
}

// lisht composes the vector kernels of package kernels/act block by block
// (see serf): tanh, and sech^2 = 1 - tanh^2 from act.TanhBackward (exact
// where 1 - tanh^2 would cancel).
type lisht struct{ th, w blockF32 }

func (k *lisht) Forward(y, x, _ []float32) {
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		n := len(xb)
		act.Tanh(k.th[:n], xb)
		yb := y[off : off+n]
		for i, t := range xb {
			yb[i] = t * k.th[i]
		}
	}
}

// Backward: d/dx = tanh(x) + x*sech(x)^2, the second term as act.TanhBackward
// applied to dy*x.
func (k *lisht) Backward(dx, dy, x, _ []float32, _ []float64) {
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		n := len(xb)
		dyb, dxb := dy[off:off+n], dx[off:off+n]
		act.Tanh(k.th[:n], xb)
		for i, t := range xb {
			k.w[i] = dyb[i] * min(max(t, -1e3), 1e3) // sech^2 is 0 there: avoid Inf*0
		}
		act.TanhBackward(k.w[:n], k.w[:n], xb)
		for i := range dxb {
			dxb[i] = dyb[i]*k.th[i] + k.w[i]
		}
	}
}

func (*lisht) Reference(x float64, _ []float64) float64 { return x * math.Tanh(x) }

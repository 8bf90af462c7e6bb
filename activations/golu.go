package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "golu",
		Formula:   "x*exp(-exp(-x)) (x times the Gompertz function)",
		Reference: "Das, Safari, Adriaensen, Hutter: Gompertz Linear Units: Leveraging Asymmetry for Enhanced Learning Dynamics, arXiv:2502.03654, 2025",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, &golu{})
		},
	})
}

// golu composes the vector kernels of package kernels/act block by block
// (see serf): e = exp(-x) with x clamped at -50 (there the gate
// G = exp(-e) is 0 already, and e stays finite), G = exp(-e).
type golu struct{ e, g blockF32 }

// gate sets e and G for the block x.
func (k *golu) gate(x []float32) {
	n := len(x)
	for i, t := range x {
		k.g[i] = -max(t, -50)
	}
	act.Exp(k.e[:n], k.g[:n])
	for i := range n {
		k.g[i] = -k.e[i]
	}
	act.Exp(k.g[:n], k.g[:n])
}

func (k *golu) Forward(y, x, _ []float32) {
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		k.gate(xb)
		yb := y[off : off+len(xb)]
		for i, t := range xb {
			// G is 0 at -Inf: clamp x so that the product is 0.
			yb[i] = max(t, -math.MaxFloat32) * k.g[i]
		}
	}
}

// Backward: d/dx = G*(1 + x*exp(-x)).
func (k *golu) Backward(dx, dy, x, _ []float32, _ []float64) {
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		n := len(xb)
		k.gate(xb)
		dyb, dxb := dy[off:off+n], dx[off:off+n]
		for i, t := range xb {
			tc := min(max(t, -50), 1e3) // G is 0 below and e is 0 above: avoid Inf*0
			g := k.g[i]
			dxb[i] = dyb[i] * (g + tc*k.e[i]*g)
		}
	}
}

func (*golu) Reference(x float64, _ []float64) float64 { return x * math.Exp(-math.Exp(-x)) }

package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "tanhexp",
		Formula:   "x*tanh(exp(x))",
		Reference: "Liu, Di: TanhExp: A Smooth Activation Function with High Convergence Speed for Lightweight Neural Networks, IET Computer Vision 2021, arXiv:2003.09855",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, &tanhexp{})
		},
	})
}

// tanhexp composes the vector kernels of package kernels/act block by
// block (see serf): u = exp(x) with x clamped at 20 (tanh(u) is 1 and
// sech(u)^2 is 0 well before), tanh(u) (accurate for tiny u, x far below
// 0), and sech(u)^2 from act.TanhBackward.
type tanhexp struct{ u, th, w blockF32 }

func (k *tanhexp) gate(x []float32) {
	n := len(x)
	for i, t := range x {
		k.w[i] = min(t, 20)
	}
	act.Exp(k.u[:n], k.w[:n])
	act.Tanh(k.th[:n], k.u[:n])
}

func (k *tanhexp) Forward(y, x, _ []float32) {
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		k.gate(xb)
		yb := y[off : off+len(xb)]
		for i, t := range xb {
			// tanh(e^x) is 0 at -Inf: clamp x there so that the product is 0.
			yb[i] = max(t, -math.MaxFloat32) * k.th[i]
		}
	}
}

// Backward: d/dx = tanh(e^x) + x*e^x*sech(e^x)^2, the second term as
// act.TanhBackward at u applied to dy*x*u.
func (k *tanhexp) Backward(dx, dy, x, _ []float32, _ []float64) {
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		n := len(xb)
		dyb, dxb := dy[off:off+n], dx[off:off+n]
		k.gate(xb)
		for i, t := range xb {
			tc := min(max(t, -1e3), 1e3) // e^x or sech^2 is 0 there: avoid Inf*0
			k.w[i] = dyb[i] * (tc * k.u[i])
		}
		act.TanhBackward(k.w[:n], k.w[:n], k.u[:n])
		for i := range dxb {
			dxb[i] = dyb[i]*k.th[i] + k.w[i]
		}
	}
}

func (*tanhexp) Reference(x float64, _ []float64) float64 { return x * math.Tanh(math.Exp(x)) }

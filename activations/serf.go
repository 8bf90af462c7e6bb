package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "serf",
		Formula:   "x*erf(softplus(x)) = x*erf(log(1+exp(x)))",
		Reference: "Nag, Bhattacharyya: SERF: Towards better training of deep neural networks using log-Softplus ERror activation Function, WACV 2023, arXiv:2108.09598",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, &serf{})
		},
	})
}

// serf runs on the SIMD kernels of package kernels/act, composed block by
// block: softplus, erf and erf' are vector kernels (a few ulps each; erf's
// relative condition is at most 1 for a positive argument), the products
// float32 loops. The blocks live in the instance (one per goroutine: the
// layers clone a function per parallel part), so nothing allocates.
type serf struct{ sp, e, s, w blockF32 }

func (k *serf) Forward(y, x, _ []float32) {
	sp, e := &k.sp, &k.e
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		n := len(xb)
		act.Softplus(sp[:n], xb, 1, 20)
		act.Erf(e[:n], sp[:n])
		yb := y[off : off+n]
		for i, t := range xb {
			// erf(softplus(-Inf)) = 0: clamp x so that the product is 0.
			yb[i] = max(t, -math.MaxFloat32) * e[i]
		}
	}
}

// Backward: d/dx = erf(sp) + x*erf'(sp)*sigmoid(x), sp = softplus(x): the
// second term as erf' of sp applied to dy*x*sigmoid(x).
func (k *serf) Backward(dx, dy, x, _ []float32, _ []float64) {
	sp, e, s, w := &k.sp, &k.e, &k.s, &k.w
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		n := len(xb)
		dyb, dxb := dy[off:off+n], dx[off:off+n]
		act.Softplus(sp[:n], xb, 1, 20)
		act.Erf(e[:n], sp[:n])
		act.Sigmoid(s[:n], xb)
		for i, t := range xb {
			// The second term is 0 where |x| is huge: clamp x against Inf*0.
			w[i] = dyb[i] * (min(max(t, -1e3), 1e3) * s[i])
		}
		act.ErfBackward(w[:n], w[:n], sp[:n])
		for i := range dxb {
			dxb[i] = dyb[i]*e[i] + w[i]
		}
	}
}

func (*serf) Reference(x float64, _ []float64) float64 {
	sp := math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
	return x * math.Erf(sp)
}

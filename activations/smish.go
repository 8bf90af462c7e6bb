package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "smish",
		Formula:   "alpha*x*tanh(log(1+sigmoid(beta*x)))",
		Reference: "Wang, Ren, Wang: Smish: A Novel Activation Function for Deep Learning Methods, Electronics 11(4):540, 2022",
		Params: []registry.ParamInfo{
			elementwise.Number("alpha", 1, 0, 100, "output scale"),
			elementwise.Number("beta", 1, 0, 100, "input scale of the sigmoid"),
		},
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, &smish{alpha: float32(args.Float("alpha")), beta: float32(args.Float("beta"))})
		},
	})
}

// smish composes the sigmoid kernels of package kernels/act block by
// block (see serf): t = tanh(log(1+s)) = n/(n+2) with n = s^2+2s ((1+s)^2 =
// n+1), its derivative in s, 4(1+s)/(n+2)^2, and s(1-s) (from
// act.SigmoidBackward, exact where 1 - s would cancel), for s =
// sigmoid(beta*x) (sigmoidBlock): no logarithm, no cancellation.
type smish struct {
	alpha, beta float32
	sigmoidBlock
}

func (k *smish) Forward(y, x, _ []float32) {
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		k.eval(xb, k.beta, false)
		yb := y[off : off+len(xb)]
		for i, t := range xb {
			s := k.s[i]
			n := s * (s + 2)
			// The gate is 0 at -Inf: clamp x so that the product is 0.
			yb[i] = k.alpha * max(t, -math.MaxFloat32) * (n / (n + 2))
		}
	}
}

// Backward: d/dx = alpha*(t + x*beta*s(1-s)*dt/ds).
func (k *smish) Backward(dx, dy, x, _ []float32, _ []float64) {
	for off := 0; off < len(x); off += elementwise.BlockLen {
		xb := x[off:min(off+elementwise.BlockLen, len(x))]
		m := len(xb)
		k.eval(xb, k.beta, true)
		dyb, dxb := dy[off:off+m], dx[off:off+m]
		for i, t := range xb {
			s := k.s[i]
			n := s * (s + 2)
			n2 := n + 2
			dg := 4 * (1 + s) / (n2 * n2)
			tc := min(max(t, -1e3), 1e3) // s(1-s) is 0 there: avoid Inf*0
			dxb[i] = dyb[i] * (k.alpha * (n/n2 + tc*k.beta*k.ds[i]*dg))
		}
	}
}

func (k *smish) Reference(x float64, _ []float64) float64 {
	s := 1 / (1 + math.Exp(-float64(k.beta)*x))
	return float64(k.alpha) * x * math.Tanh(math.Log1p(s))
}

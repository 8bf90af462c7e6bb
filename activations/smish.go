package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
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
			return elementwise.New(args, channels, smish{alpha: args.Float("alpha"), beta: args.Float("beta")})
		},
	})
}

type smish struct{ alpha, beta float64 }

// smishGate returns t = tanh(log(1+s)) = n/(n+2) with n = s^2+2s
// ((1+s)^2 = n+1), its derivative in s, 4(1+s)/(n+2)^2, and s(1-s), for
// s = sigmoid(beta*x): no logarithm, no cancellation.
func (k smish) gate(x float64) (t, dtds, ds float64) {
	s := fmath.Sigmoid(k.beta * x)
	n := s * (s + 2)
	return n / (n + 2), 4 * (1 + s) / ((n + 2) * (n + 2)), s * (1 - s)
}

func (k smish) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			g, _, _ := k.gate(t)
			// The gate is 0 at -Inf: clamp x so that the product is 0.
			v[i] = k.alpha * min(max(t, -1e300), 1e300) * g
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

// Backward: d/dx = alpha*(t + x*beta*s(1-s)*dt/ds).
func (k smish) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			g, dg, ds := k.gate(t)
			tc := min(max(t, -1e3), 1e3) // s(1-s) is 0 there: avoid Inf*0
			dv[i] *= k.alpha * (g + tc*k.beta*ds*dg)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (k smish) Reference(x float64, _ []float64) float64 {
	s := 1 / (1 + math.Exp(-k.beta*x))
	return k.alpha * x * math.Tanh(math.Log1p(s))
}

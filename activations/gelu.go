package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "gelu",
		Formula:   "x*Phi(x) = x/2*(1+erf(x/sqrt(2))); approx=tanh: x/2*(1+tanh(sqrt(2/pi)*(x+0.044715*x^3)))",
		Reference: "Hendrycks, Gimpel: Gaussian Error Linear Units (GELUs), arXiv:1606.08415, 2016",
		Params: []registry.ParamInfo{{Name: "approx", Kind: registry.Choice, Default: "none",
			Choices: []string{"none", "tanh"}, Doc: "none: exact erf form; tanh: the tanh approximation"}},
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			if args.Choice("approx") == "tanh" {
				return elementwise.New(args, channels, geluTanh{})
			}
			return elementwise.New(args, channels, gelu{})
		},
	})
}

const (
	invSqrt2    = 0.70710678118654752440
	invSqrt2Pi  = 0.39894228040143267794
	sqrt2OverPi = 0.79788456080286535588
	geluCubic   = 0.044715
)

// gelu is the exact form; Phi(x) = erfc(-x/sqrt2)/2 keeps its relative
// accuracy in the left tail, where x*Phi(x) is tiny.
type gelu struct{}

func (gelu) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			v[i] = t * 0.5 * fmath.Erfc(-t*invSqrt2)
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

func (gelu) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			// Clamp x^2 so that x = +-Inf gives Phi + 0 instead of Inf*0.
			dv[i] *= 0.5*fmath.Erfc(-t*invSqrt2) + t*invSqrt2Pi*fmath.Exp(-0.5*min(t*t, 1e4))
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (gelu) Reference(x float64, _ []float64) float64 { return x * 0.5 * math.Erfc(-x/math.Sqrt2) }

type geluTanh struct{}

func (geluTanh) Forward(y, x, _ []float32) {
	var v elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&v, x, off)
		for i, t := range v[:n] {
			v[i] = 0.5 * t * (1 + fmath.Tanh(sqrt2OverPi*(t+geluCubic*t*t*t)))
		}
		elementwise.StoreBlock(y, &v, off, n)
	}
}

func (geluTanh) Backward(dx, dy, x, _ []float32, _ []float64) {
	var xv, dv elementwise.Block
	for off := 0; off < len(x); off += elementwise.BlockLen {
		n := elementwise.LoadBlock(&xv, x, off)
		elementwise.LoadBlock(&dv, dy, off)
		for i, t := range xv[:n] {
			th := fmath.Tanh(sqrt2OverPi * (t + geluCubic*t*t*t))
			// (1-th^2) underflows to 0 long before t^3 overflows; clamp t so
			// that +-Inf does not give 0*Inf.
			tc := min(max(t, -1e3), 1e3)
			dv[i] *= 0.5*(1+th) + 0.5*tc*(1-th*th)*sqrt2OverPi*(1+3*geluCubic*tc*tc)
		}
		elementwise.StoreBlock(dx, &dv, off, n)
	}
}

func (geluTanh) Reference(x float64, _ []float64) float64 {
	return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
}

package act

import (
	"math"
	"sync"
	"testing"
)

// ulp32 is the spacing of float32 at |v| (2^-149 in the subnormal range).
func ulp32(v float64) float64 {
	a := math.Abs(v)
	if a < 0x1p-126 {
		return 0x1p-149
	}
	_, e := math.Frexp(a) // a = f*2^e, f in [0.5, 1)
	return math.Ldexp(1, e-24)
}

// ulpErr is |got - want| in float32 ulps of scale; 0 when want overflows
// float32 and got is the same infinity; +Inf when NaN-ness differs.
func ulpErr(got float32, want, scale float64) float64 {
	if math.IsNaN(want) || isNaN32(got) {
		if math.IsNaN(want) && isNaN32(got) {
			return 0
		}
		return math.Inf(1)
	}
	if w := float64(float32(want)); math.IsInf(w, 0) || math.IsInf(float64(got), 0) {
		if float64(got) == w {
			return 0
		}
		return math.Inf(1)
	}
	return math.Abs(float64(got)-want) / ulp32(scale)
}

// accuracyInputs is the sweep every smooth kernel is measured on: a dense
// grid of [-20, 20] (step 2^-13), a grid of [-160, 160] (step 2^-7), the
// float32 values of every binade from the smallest subnormal to the
// largest float (64 mantissas each, both signs), and the special values.
func accuracyInputs() []float32 {
	var x []float32
	for i := -20 << 13; i <= 20<<13; i++ {
		x = append(x, float32(i)/(1<<13))
	}
	for i := -160 << 7; i <= 160<<7; i++ {
		x = append(x, float32(i)/(1<<7))
	}
	for e := -149; e <= 127; e++ {
		for m := 0; m < 64; m++ {
			v := float32(math.Ldexp(1+float64(m)/64+float64(m%7)/(1<<20), e))
			x = append(x, v, -v)
		}
	}
	return append(x, special...)
}

type smoothCase struct {
	name string
	fwd  func(y, x []float32)
	bwd  func(dx, dy, x []float32)
	f    func(x float64) float64
	// fmag, if not nil, is the magnitude the forward error is measured
	// against (default |f(x)|): for functions whose terms cancel.
	fmag func(x float64) float64
	// df returns f'(x) and the magnitude its error is measured against: the
	// sum of the absolute values of the terms of f' (where they cancel, at
	// a root of f', relative accuracy is not to be had).
	df             func(x float64) (d, mag float64)
	fwdULP, bwdULP float64 // the stated bounds
	// maxAbs, if positive, limits the measured inputs to |x| <= maxAbs
	// (the sine is accurate for |argument| <= 1e6 only).
	maxAbs float64
}

func sigmoid64(x float64) float64 {
	e := math.Exp(-math.Abs(x))
	if x < 0 {
		return e / (1 + e)
	}
	return 1 / (1 + e)
}

// dsigmoid64 is sigmoid'(x) = e/(1+e)^2, e = exp(-|x|).
func dsigmoid64(x float64) float64 {
	e := math.Exp(-math.Abs(x))
	return e / ((1 + e) * (1 + e))
}

func softplus64(x, beta, threshold float64) float64 {
	if float64(float32(beta)*float32(x)) > threshold { // the kernel compares the float32 product, as PyTorch
		return x
	}
	t := beta * x
	return (math.Max(t, 0) + math.Log1p(math.Exp(-math.Abs(t)))) / beta
}

// tanhshrink64 is x - tanh(x), below |x| = 1/2 by its Maclaurin series
// (float64's x - tanh(x) cancels there; the terms shrink by x^2*4/pi^2 each).
func tanhshrink64(x float64) float64 {
	if math.Abs(x) >= 0.5 {
		return x - math.Tanh(x)
	}
	t := tanhSeries()
	sum := 0.0
	for k := len(t) - 1; k >= 3; k -= 2 {
		sum = sum*x*x - t[k]
	}
	return sum * x * x * x
}

// tanhSeries is the Maclaurin coefficients of tanh to degree 61, from
// (k+1) t[k+1] = [k = 0] - sum_{i+j=k} t[i] t[j], computed once.
var tanhSeries = sync.OnceValue(func() [62]float64 {
	var t [62]float64
	for k := 0; k+1 < len(t); k++ {
		s := 0.0
		if k == 0 {
			s = 1
		}
		for i := 0; i <= k; i++ {
			s -= t[i] * t[k-i]
		}
		t[k+1] = s / float64(k+1)
	}
	return t
})

func mishParts64(x float64) (tsp, s float64) {
	return math.Tanh(math.Log1p(math.Exp(x))), sigmoid64(x)
}

func smoothCases() []smoothCase {
	const seluAlpha, seluScale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
	same := func(d float64) (float64, float64) { return d, d }
	cases := []smoothCase{
		{
			name: "sigmoid", fwdULP: 3, bwdULP: 5, fwd: Sigmoid, bwd: SigmoidBackward, f: sigmoid64,
			df: func(x float64) (float64, float64) { return same(dsigmoid64(x)) },
		},
		{
			name: "silu", fwdULP: 4, bwdULP: 5, fwd: SiLU, bwd: SiLUBackward,
			f: func(x float64) float64 { return x * sigmoid64(x) },
			df: func(x float64) (float64, float64) {
				s, ds := sigmoid64(x), dsigmoid64(x)
				return s + x*ds, s + math.Abs(x*ds)
			},
		},
		{
			name: "swish(beta=1.7)", fwdULP: 4, bwdULP: 5,
			fwd: func(y, x []float32) { Swish(y, x, 1.7) },
			bwd: func(dx, dy, x []float32) { SwishBackward(dx, dy, x, 1.7) },
			f:   func(x float64) float64 { return x * sigmoid64(float64(float32(1.7))*x) },
			df: func(x float64) (float64, float64) {
				b := float64(float32(1.7))
				s, ds := sigmoid64(b*x), dsigmoid64(b*x)
				return s + b*x*ds, s + math.Abs(b*x*ds)
			},
		},
		{
			name: "swish(beta=-0.6)", fwdULP: 4, bwdULP: 5,
			fwd: func(y, x []float32) { Swish(y, x, -0.6) },
			bwd: func(dx, dy, x []float32) { SwishBackward(dx, dy, x, -0.6) },
			f:   func(x float64) float64 { return x * sigmoid64(float64(float32(-0.6))*x) },
			df: func(x float64) (float64, float64) {
				b := float64(float32(-0.6))
				s, ds := sigmoid64(b*x), dsigmoid64(b*x)
				return s + b*x*ds, s + math.Abs(b*x*ds)
			},
		},
		{
			name: "softplus", fwdULP: 4, bwdULP: 3, fwd: func(y, x []float32) { Softplus(y, x, 1, 20) },
			bwd: func(dx, dy, x []float32) { SoftplusBackward(dx, dy, x, 1, 20) },
			f:   func(x float64) float64 { return softplus64(x, 1, 20) },
			df: func(x float64) (float64, float64) {
				if float32(x) > 20 {
					return 1, 1
				}
				return same(sigmoid64(x))
			},
		},
		{
			name: "softplus(beta=2.5,threshold=15)", fwdULP: 4, bwdULP: 3, fwd: func(y, x []float32) { Softplus(y, x, 2.5, 15) },
			bwd: func(dx, dy, x []float32) { SoftplusBackward(dx, dy, x, 2.5, 15) },
			f:   func(x float64) float64 { return softplus64(x, 2.5, 15) },
			df: func(x float64) (float64, float64) {
				if float32(2.5)*float32(x) > 15 {
					return 1, 1
				}
				return same(sigmoid64(2.5 * x))
			},
		},
		{
			name: "logsigmoid", fwdULP: 3, bwdULP: 3, fwd: LogSigmoid, bwd: LogSigmoidBackward,
			f:  func(x float64) float64 { return math.Min(x, 0) - math.Log1p(math.Exp(-math.Abs(x))) },
			df: func(x float64) (float64, float64) { return same(sigmoid64(-x)) },
		},
		{
			name: "tanh", fwdULP: 3, bwdULP: 5, fwd: Tanh, bwd: TanhBackward, f: math.Tanh,
			df: func(x float64) (float64, float64) { return same(4 * dsigmoid64(2*x)) },
		},
		{
			name: "elu", fwdULP: 1.5, bwdULP: 1.5, fwd: func(y, x []float32) { ELU(y, x, 1, 1) },
			bwd: func(dx, dy, x []float32) { ELUBackward(dx, dy, x, 1, 1) },
			f: func(x float64) float64 {
				if x > 0 {
					return x
				}
				return math.Expm1(x)
			},
			df: func(x float64) (float64, float64) {
				if x > 0 {
					return 1, 1
				}
				return same(math.Exp(x))
			},
		},
		{
			name: "selu", fwdULP: 2.5, bwdULP: 2.5, fwd: func(y, x []float32) { ELU(y, x, seluAlpha, seluScale) },
			bwd: func(dx, dy, x []float32) { ELUBackward(dx, dy, x, seluAlpha, seluScale) },
			f: func(x float64) float64 {
				if x > 0 {
					return seluScale * x
				}
				return seluScale * seluAlpha * math.Expm1(x)
			},
			df: func(x float64) (float64, float64) {
				if x > 0 {
					return seluScale, seluScale
				}
				return same(seluScale * seluAlpha * math.Exp(x))
			},
		},
		{
			name: "celu(alpha=1.3)", fwdULP: 2.5, bwdULP: 2, fwd: func(y, x []float32) { CELU(y, x, 1.3) },
			bwd: func(dx, dy, x []float32) { CELUBackward(dx, dy, x, 1.3) },
			f: func(x float64) float64 {
				a := float64(float32(1.3))
				if x > 0 {
					return x
				}
				return a * math.Expm1(x/a)
			},
			df: func(x float64) (float64, float64) {
				if x > 0 {
					return 1, 1
				}
				return same(math.Exp(x / float64(float32(1.3))))
			},
		},
		{
			name: "pelu(a=1.2,b=0.8)", fwdULP: 2.5, bwdULP: 2.5, fwd: func(y, x []float32) { PELU(y, x, 1.2, 0.8) },
			bwd: func(dx, dy, x []float32) { PELUBackward(dx, dy, x, 1.2, 0.8) },
			f: func(x float64) float64 {
				a, b := float64(float32(1.2)), float64(float32(0.8))
				if x >= 0 {
					return a / b * x
				}
				return a * math.Expm1(x/b)
			},
			df: func(x float64) (float64, float64) {
				a, b := float64(float32(1.2)), float64(float32(0.8))
				if x >= 0 {
					return a / b, a / b
				}
				return same(a / b * math.Exp(x/b))
			},
		},
		{
			name: "serf", fwdULP: 4.5, bwdULP: 5, fwd: Serf, bwd: SerfBackward,
			f: func(x float64) float64 { return x * math.Erf(softplus64(x, 1, math.Inf(1))) },
			df: func(x float64) (float64, float64) {
				sp := softplus64(x, 1, math.Inf(1))
				t1 := math.Erf(sp)
				t2 := x * 2 / math.SqrtPi * math.Exp(-sp*sp) * sigmoid64(x)
				if math.IsNaN(t2) {
					t2 = 0
				}
				return t1 + t2, math.Abs(t1) + math.Abs(t2)
			},
		},
		{
			name: "tanhexp", fwdULP: 4, bwdULP: 3.5, fwd: TanhExp, bwd: TanhExpBackward,
			f: func(x float64) float64 { return x * math.Tanh(math.Exp(x)) },
			df: func(x float64) (float64, float64) {
				u := math.Exp(x)
				th := math.Tanh(u)
				c := math.Cosh(u)
				t2 := x * u / (c * c)
				if math.IsNaN(t2) || math.IsInf(c, 0) {
					t2 = 0
				}
				return th + t2, math.Abs(th) + math.Abs(t2)
			},
		},
		{
			name: "smish(alpha=1.3,beta=0.8)", fwdULP: 6.5, bwdULP: 7,
			fwd: func(y, x []float32) { Smish(y, x, 1.3, 0.8) },
			bwd: func(dx, dy, x []float32) { SmishBackward(dx, dy, x, 1.3, 0.8) },
			f: func(x float64) float64 {
				a, bb := float64(float32(1.3)), float64(float32(0.8))
				return a * x * math.Tanh(math.Log1p(sigmoid64(bb*x)))
			},
			df: func(x float64) (float64, float64) {
				a, bb := float64(float32(1.3)), float64(float32(0.8))
				s := sigmoid64(bb * x)
				n := s * (s + 2)
				t := n / (n + 2)
				t2 := bb * x * dsigmoid64(bb*x) * 4 * (1 + s) / ((n + 2) * (n + 2))
				if math.IsNaN(t2) {
					t2 = 0
				}
				return a * (t + t2), a * (math.Abs(t) + math.Abs(t2))
			},
		},
		{
			name: "gcu", fwdULP: 2.5, bwdULP: 2, maxAbs: 1e5, fwd: GCU, bwd: GCUBackward,
			f:    func(x float64) float64 { return x * math.Cos(x) },
			fmag: func(x float64) float64 { return math.Abs(x) + 1 }, // the sine's error is absolute
			df: func(x float64) (float64, float64) {
				return math.Cos(x) - x*math.Sin(x), 1 + math.Abs(x)
			},
		},
		{
			name: "tanhshrink", fwdULP: 2.5, bwdULP: 4, fwd: Tanhshrink, bwd: TanhshrinkBackward,
			f:  tanhshrink64,
			df: func(x float64) (float64, float64) { t := math.Tanh(x); return same(t * t) },
		},
		{
			// The composites' bounds are their far tails' (doc.go).
			name: "golu", fwdULP: 30, bwdULP: 60, fwd: GoLU, bwd: GoLUBackward,
			f: func(x float64) float64 { return x * math.Exp(-math.Exp(-x)) },
			df: func(x float64) (float64, float64) {
				g := math.Exp(-math.Exp(-x))
				t2 := x * math.Exp(-x) * g
				if math.IsNaN(t2) {
					t2 = 0
				}
				return g + t2, g + math.Abs(t2)
			},
		},
		{
			name: "lisht", fwdULP: 3, bwdULP: 3, fwd: LiSHT, bwd: LiSHTBackward,
			f: func(x float64) float64 { return x * math.Tanh(x) },
			df: func(x float64) (float64, float64) {
				th := math.Tanh(x)
				c := math.Cosh(x)
				t2 := x / (c * c)
				if math.IsNaN(t2) || math.IsInf(c, 0) {
					t2 = 0
				}
				return th + t2, math.Abs(th) + math.Abs(t2)
			},
		},
		{
			name: "erfact(alpha=0.75,beta=0.75)", fwdULP: 4.5, bwdULP: 4.5,
			fwd: func(y, x []float32) { ErfAct(y, x, 0.75, 0.75) },
			bwd: func(dx, dy, x []float32) { ErfActBackward(dx, dy, x, 0.75, 0.75) },
			f:   func(x float64) float64 { return x * math.Erf(0.75*math.Exp(0.75*x)) },
			df: func(x float64) (float64, float64) {
				u := 0.75 * math.Exp(0.75*x)
				t1 := math.Erf(u)
				t2 := x * 2 / math.SqrtPi * math.Exp(-u*u) * u * 0.75
				if math.IsNaN(t2) {
					t2 = 0
				}
				return t1 + t2, math.Abs(t1) + math.Abs(t2)
			},
		},
		{
			name: "pserf(gamma=1.25,delta=0.85)", fwdULP: 4.5, bwdULP: 5,
			fwd: func(y, x []float32) { Pserf(y, x, 1.25, 0.85) },
			bwd: func(dx, dy, x []float32) { PserfBackward(dx, dy, x, 1.25, 0.85) },
			f: func(x float64) float64 {
				g, d := float64(float32(1.25)), float64(float32(0.85))
				return x * math.Erf(g*softplus64(d*x, 1, math.Inf(1)))
			},
			df: func(x float64) (float64, float64) {
				g, d := float64(float32(1.25)), float64(float32(0.85))
				u := g * softplus64(d*x, 1, math.Inf(1))
				t1 := math.Erf(u)
				t2 := x * 2 / math.SqrtPi * math.Exp(-u*u) * g * sigmoid64(d*x) * d
				if math.IsNaN(t2) {
					t2 = 0
				}
				return t1 + t2, math.Abs(t1) + math.Abs(t2)
			},
		},
		{
			name: "srs(alpha=2,beta=3)", fwdULP: 4, bwdULP: 5.5,
			fwd: func(y, x []float32) { SRS(y, x, 2, 3) },
			bwd: func(dx, dy, x []float32) { SRSBackward(dx, dy, x, 2, 3) },
			f: func(x float64) float64 {
				if x < 0 {
					e := math.Exp(x / 3)
					return x * e / (x*e/2 + 1)
				}
				return x / (x/2 + math.Exp(-x/3))
			},
			df: func(x float64) (float64, float64) {
				e := math.Exp(-math.Abs(x) / 3)
				dn := x/2 + math.Exp(-x/3)
				if x < 0 {
					dn = x*math.Exp(x/3)/2 + 1
				}
				d := e * (1 + x/3) / (dn * dn)
				if math.IsNaN(d) {
					d = 0
				}
				return d, math.Abs(e/(dn*dn)) + math.Abs(e*x/3/(dn*dn))
			},
		},
		{
			name: "softsign", fwdULP: 1.5, bwdULP: 3.5, fwd: Softsign, bwd: SoftsignBackward,
			f:  func(x float64) float64 { return x / (1 + math.Abs(x)) },
			df: func(x float64) (float64, float64) { d := 1 + math.Abs(x); return same(1 / (d * d)) },
		},
		{
			name: "elliott", fwdULP: 1.5, bwdULP: 3.5, fwd: Elliott, bwd: ElliottBackward,
			f:  func(x float64) float64 { return (1 + 2*math.Max(x, 0)) / (2 * (1 + math.Abs(x))) }, // no cancellation
			df: func(x float64) (float64, float64) { d := 1 + math.Abs(x); return same(0.5 / (d * d)) },
		},
		{
			name: "hardswish", fwdULP: 2, bwdULP: 1, fwd: Hardswish, bwd: HardswishBackward,
			f: func(x float64) float64 { return math.Max(x, -3) * math.Min(math.Max(x+3, 0), 6) / 6 },
			df: func(x float64) (float64, float64) {
				switch {
				case x < -3:
					return 0, 0
				case x <= 3:
					return x/3 + 0.5, math.Abs(x/3) + 0.5
				}
				return 1, 1
			},
		},
		{
			name: "exp", fwdULP: 1, bwdULP: 1, fwd: Exp, bwd: ExpBackward, f: math.Exp,
			df: func(x float64) (float64, float64) { return same(math.Exp(x)) },
		},
		{
			name: "erf", fwdULP: 3, bwdULP: 3, fwd: Erf, bwd: ErfBackward, f: math.Erf,
			df: func(x float64) (float64, float64) { return same(2 / math.SqrtPi * math.Exp(-x*x)) },
		},
		{
			name: "mish", fwdULP: 5, bwdULP: 6, fwd: Mish, bwd: MishBackward,
			f: func(x float64) float64 {
				tsp, _ := mishParts64(x)
				return x * tsp
			},
			df: func(x float64) (float64, float64) {
				tsp, s := mishParts64(x)
				// 1 - tsp^2 without cancellation: 4(n+1)/(n+2)^2, n = e(e+2).
				e := math.Exp(x)
				n := e * (e + 2)
				t2 := x * 4 * (n + 1) / ((n + 2) * (n + 2)) * s
				if math.IsInf(x, 0) || math.IsNaN(t2) {
					t2 = 0
				}
				return tsp + t2, tsp + math.Abs(t2)
			},
		},
		{
			name: "gelu", fwdULP: 6, bwdULP: 4, fwd: GELU, bwd: GELUBackward,
			f: func(x float64) float64 { return x * 0.5 * math.Erfc(-x/math.Sqrt2) },
			df: func(x float64) (float64, float64) {
				phi := 0.5 * math.Erfc(-x/math.Sqrt2)
				t := x * math.Exp(-x*x/2) / math.Sqrt(2*math.Pi)
				if math.IsNaN(t) {
					t = 0
				}
				return phi + t, phi + math.Abs(t)
			},
		},
		{
			name: "gelu(approx=tanh)", fwdULP: 3.5, bwdULP: 5, fwd: GELUTanh, bwd: GELUTanhBackward,
			f: func(x float64) float64 {
				return x * sigmoid64(2*math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x))
			},
			df: func(x float64) (float64, float64) {
				v := 2 * math.Sqrt(2/math.Pi) * (x + 0.044715*x*x*x)
				vp := 2 * math.Sqrt(2/math.Pi) * (1 + 3*0.044715*x*x)
				s := sigmoid64(v)
				t := x * dsigmoid64(v) * vp
				if math.IsNaN(t) {
					t = 0
				}
				return s + t, s + math.Abs(t)
			},
		},
		{
			// The sine's absolute error (1.25e-7, see Sin) is ~2 ulps of 1:
			// errors are measured against |x| + 1/a (forward) and 2
			// (backward, 1 + sin(2ax)).
			name: "snake(a=1.3)", fwdULP: 3, bwdULP: 3, maxAbs: 1e5,
			fwd: func(y, x []float32) { Snake(y, x, 1.3) },
			bwd: func(dx, dy, x []float32) { SnakeBackward(dx, dy, x, 1.3) },
			f: func(x float64) float64 {
				a := float64(float32(1.3))
				s := math.Sin(a * x)
				return x + s*s/a
			},
			fmag: func(x float64) float64 { return math.Abs(x) + 1/1.3 },
			df: func(x float64) (float64, float64) {
				a := float64(float32(1.3))
				return 1 + math.Sin(2*a*x), 2
			},
		},
		{
			// Against |x|*s + |a|*s (forward) and the sum of the terms'
			// magnitudes (backward).
			name: "sinlu(a=0.7,b=2.1)", fwdULP: 4, bwdULP: 5, maxAbs: 1e5,
			fwd: func(y, x []float32) { SinLU(y, x, 0.7, 2.1) },
			bwd: func(dx, dy, x []float32) { SinLUBackward(dx, dy, x, 0.7, 2.1) },
			f: func(x float64) float64 {
				a, b := float64(float32(0.7)), float64(float32(2.1))
				return (x + a*math.Sin(b*x)) * sigmoid64(x)
			},
			fmag: func(x float64) float64 { return (math.Abs(x) + float64(float32(0.7))) * sigmoid64(x) },
			df: func(x float64) (float64, float64) {
				a, b := float64(float32(0.7)), float64(float32(2.1))
				s, ds := sigmoid64(x), dsigmoid64(x)
				u := x + a*math.Sin(b*x)
				t1, t2 := (1+a*b*math.Cos(b*x))*s, u*ds
				return t1 + t2, (1+math.Abs(a*b))*s + (math.Abs(x)+math.Abs(a))*ds
			},
		},
	}
	return cases
}

// TestSmoothAccuracy measures, on every path, the maximum error of every
// smooth kernel against its float64 reference over accuracyInputs, in
// float32 ulps of the reference value (forward) or of the magnitude of the
// derivative's terms (backward, dy = 1), and fails when it exceeds the
// stated bound (kernels/act doc.go). NaN must give NaN and the infinities
// their limits.
func TestSmoothAccuracy(t *testing.T) {
	x := accuracyInputs()
	y, dx := make([]float32, len(x)), make([]float32, len(x))
	ones := make([]float32, len(x))
	for i := range ones {
		ones[i] = 1
	}
	forEachPath(t, func(t *testing.T) {
		for _, c := range smoothCases() {
			c.fwd(y, x)
			c.bwd(dx, ones, x)
			worstF, atF := 0.0, float32(0)
			worstB, atB := 0.0, float32(0)
			for i, v := range x {
				xv := float64(v)
				if c.maxAbs > 0 && math.Abs(xv) > c.maxAbs {
					continue
				}
				want := c.f(xv)
				if math.IsInf(xv, 0) {
					want = c.f(math.Copysign(1e300, xv))
					if math.Abs(want) > 1e200 {
						want = math.Copysign(math.Inf(1), want)
					}
				}
				scale := want
				if c.fmag != nil && !math.IsInf(xv, 0) && !math.IsNaN(xv) {
					scale = c.fmag(xv)
				}
				if e := ulpErr(y[i], want, scale); !(e <= worstF) {
					worstF, atF = e, v
				}
				xd := xv
				if math.IsInf(xv, 0) {
					xd = math.Copysign(1e30, xv)
				}
				d, mag := c.df(xd)
				if math.IsNaN(xv) {
					d = math.NaN()
				}
				if e := ulpErr(dx[i], d, mag); !(e <= worstB) {
					worstB, atB = e, v
				}
			}
			t.Logf("%-34s forward %6.2f ulp (x=%-12g)  backward %6.2f ulp (x=%g)", c.name, worstF, atF, worstB, atB)
			if !(worstF <= c.fwdULP) {
				t.Errorf("%s: forward error %.2f ulp at x = %g exceeds the stated %g", c.name, worstF, atF, c.fwdULP)
			}
			if !(worstB <= c.bwdULP) {
				t.Errorf("%s: backward error %.2f ulp at x = %g exceeds the stated %g", c.name, worstB, atB, c.bwdULP)
			}
		}
	})
}

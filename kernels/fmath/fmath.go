// Package fmath holds the branch-free scalar functions the activation kernels
// are built from. They take and return float64 but are accurate to a few
// float64 ulps times the stated bound only, which is far below float32
// resolution: the kernels convert each float32 input to float64, evaluate, and
// round once back to float32. Scalar float64 arithmetic costs the same as
// float32 on amd64, and the wider exponent range makes overflow handling free.
//
// Branch-free means no data-dependent jumps: selections use bit masks and the
// min/max builtins (compiled to MINSD/MAXSD sequences), so throughput does not
// depend on the sign pattern of the data (a mispredicted branch costs ~5 ns per
// element on random inputs).
//
// Maximum relative errors, measured against package math on dense sweeps by
// the tests: Exp, Expm1, Log1p (argument in [0,1]), Tanh, Sigmoid and
// Softplus 3e-11 (Expm1 for x <= 700); Erfc 1.2e-7 (not negligible against
// float32 rounding: about 2 float32 ulps).
// NaN in gives NaN out; Exp(+Inf) = +Inf, Exp(-Inf) = 0.
//
// The built-in smooth activations run on the float32 SIMD kernels of
// kernels/act (which has the project's sine, act.Sin); these scalar float64
// functions serve kernels that have no SIMD version (tanhshrink) and
// plug-ins.
package fmath

import "math"

// B2U is 1 for true and 0 for false, without a branch (SETcc).
func B2U(c bool) uint64 {
	var u uint64
	if c {
		u = 1
	}
	return u
}

// Step is 1 for true and 0 for false as a float64.
func Step(c bool) float64 { return float64(int64(B2U(c))) }

// Sel returns a if c, else b, by masking bits (no branch, NaN-safe).
func Sel(c bool, a, b float64) float64 {
	m := -B2U(c)
	return math.Float64frombits(math.Float64bits(a)&m | math.Float64bits(b)&^m)
}

// Sel32 is Sel for float32.
func Sel32(c bool, a, b float32) float32 {
	m := -uint32(B2U(c))
	return math.Float32frombits(math.Float32bits(a)&m | math.Float32bits(b)&^m)
}

const (
	ln2Hi  = 6.93147180369123816490e-01 // ln 2, high 32 bits
	ln2Lo  = 1.90821492927058770002e-10 // ln 2 - ln2Hi
	log2e  = 1.44269504088896338700e+00
	round  = 6755399441055744.0 // 1.5 * 2^52: adding it rounds to an integer
	expMax = 1400.0             // beyond it e**x is 0 or +Inf in float64 anyway
)

// exp2Table[j] = 2**(j/32).
var exp2Table = func() (t [32]float64) {
	for j := range t {
		t[j] = math.Exp2(float64(j) / 32)
	}
	return t
}()

const (
	ln2Over32Hi  = ln2Hi / 32
	ln2Over32Lo  = ln2Lo / 32
	log2eTimes32 = log2e * 32
)

// expParts splits e**x = s*(1+q) with s = 2**(k/32) exact and
// |q| <= e**(ln2/64)-1 < 0.011: a table lookup and a degree-5 polynomial
// (relative error of q below |r|^5/720 < 2e-13).
func expParts(x float64) (s, q float64) {
	x = min(max(x, -expMax), expMax)
	t := x*log2eTimes32 + round
	k := int64(math.Float64bits(t)) - int64(math.Float64bits(round))
	kf := t - round
	r := (x - kf*ln2Over32Hi) - kf*ln2Over32Lo // |r| <= ln2/64
	r2 := r * r
	q = r + r2*((1.0/2+r*(1.0/6))+r2*(1.0/24+r*(1.0/120)))
	// 2**(k>>5) in two factors, since it can exceed the float64 exponent
	// range (so that Exp(1000) = +Inf and Exp(-1000) = 0).
	m := k >> 5
	m1 := m >> 1
	s = exp2Table[k&31] * math.Float64frombits(uint64(m1+1023)<<52) * math.Float64frombits(uint64(m-m1+1023)<<52)
	return s, q
}

// Exp returns e**x.
func Exp(x float64) float64 {
	s, q := expParts(x)
	return s * (1 + q)
}

// Expm1 returns e**x - 1, accurate near 0, for x <= 700 (larger x give
// e**700, which is +Inf in float32 anyway).
func Expm1(x float64) float64 {
	s, q := expParts(min(x, 700))
	// s - 1 is exact or nearly so, and s = 1 exactly when |x| < ln2/64, where
	// the result is q itself.
	return (s - 1) + s*q
}

// Log1p returns log(1+t) for t in [0, 1] (accurate near 0; other t are not
// supported).
func Log1p(t float64) float64 {
	s := t / (2 + t) // in [0, 1/3]
	s2 := s * s
	s4 := s2 * s2
	s8 := s4 * s4
	return 2 * s * ((1 + s2*(1.0/3)) + s4*(1.0/5+s2*(1.0/7)) +
		s8*((1.0/9+s2*(1.0/11))+s4*(1.0/13+s2*(1.0/15))) +
		s8*s8*(1.0/17+s2*(1.0/19)))
}

// Softplus returns log(1 + e**x) without overflow.
func Softplus(x float64) float64 {
	return max(x, 0) + Log1p(Exp(-math.Abs(x)))
}

// Sigmoid returns 1 / (1 + e**-x).
func Sigmoid(x float64) float64 { return 1 / (1 + Exp(-x)) }

// Tanh returns the hyperbolic tangent, accurate near 0.
func Tanh(x float64) float64 {
	e := Expm1(2 * min(max(x, -20), 20))
	return e / (e + 2)
}

// Erfc returns the complementary error function 1 - erf(x) with a relative
// error below 1.2e-7 everywhere (a Chebyshev fit of erfc(z)e^(z^2) in
// t = 1/(1+z/2)).
func Erfc(x float64) float64 {
	z := math.Abs(x)
	t := 1 / (1 + 0.5*z)
	t2 := t * t
	t4 := t2 * t2
	p := (-1.26551223 + t*1.00002368 + t2*(0.37409196+t*0.09678418)) +
		t4*((-0.18628806+t*0.27886807)+t2*(-1.13520398+t*1.48851587)) +
		t4*t4*(-0.82215223+t*0.17087277)
	ans := t * Exp(-z*z+p)
	return Sel(x >= 0, ans, 2-ans)
}

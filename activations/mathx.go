package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/fmath"
)

// Branch-free float64 functions that kernels/fmath lacks (a general
// logarithm, erf accurate near 0), for the kernels of this package. Like
// fmath they are far more accurate than float32 needs; mathx_test.go measures
// them against package math.

// logPos returns log(x) for positive normal finite x (callers clamp: the
// result for 0, denormals, Inf or negative x is meaningless). It is fdlibm's
// algorithm (the one behind math.Log) with the argument reduction done on the
// bits instead of by Frexp, so that it has no branches: x = 2^k * m with m in
// [sqrt(2)/2, sqrt(2)), log(m) = f - f^2/2 + s*(f^2/2 + R(s^2)), f = m-1,
// s = f/(2+f). Maximum error 1 ulp of the result plus 1 ulp of k*ln2.
func logPos(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01 // 0x3fe62e42fee00000
		ln2Lo = 1.90821492927058770002e-10 // 0x3dea39ef35793c76
		l1    = 6.666666666666735130e-01
		l2    = 3.999999999940941908e-01
		l3    = 2.857142874366239149e-01
		l4    = 2.222219843214978396e-01
		l5    = 1.818357216161805012e-01
		l6    = 1.531383769920937332e-01
		l7    = 1.479819860511658591e-01
		// Adding sqrt2Off to the bits carries into the exponent exactly when
		// the mantissa is >= sqrt(2), so the exponent field holds k+1023.
		sqrt2Bits = 0x3fe6a09e667f3bcd // bits of sqrt(2)/2
		sqrt2Off  = 0x3ff0000000000000 - sqrt2Bits
	)
	b := math.Float64bits(x) + sqrt2Off
	k := float64(int64(b>>52) - 0x3ff)
	m := math.Float64frombits(b&(1<<52-1) + sqrt2Bits)
	f := m - 1
	s := f / (2 + f)
	z := s * s
	w := z * z
	r := z*(l1+w*(l3+w*(l5+w*l7))) + w*(l2+w*(l4+w*l6))
	hfsq := 0.5 * f * f
	return k*ln2Hi - ((hfsq - (s*(hfsq+r) + k*ln2Lo)) - f)
}

// log1pAcc returns log(1+u) for u > -1 (u >= -1+1e-300 after clamping),
// accurate also for tiny u: w = 1+u loses u's low bits, and (u-(w-1))/w is
// the first-order correction for them.
func log1pAcc(u float64) float64 {
	w := 1 + u
	return logPos(w) + (u-(w-1))/w
}

// erfSeries are the Maclaurin coefficients of erf(z)*sqrt(pi)/2 in t = z^2:
// (-1)^n / (n! (2n+1)), n = 0..10. For |z| <= 0.5 (t <= 1/4) the first
// omitted term is below 3e-16 relative.
var erfSeries = [11]float64{
	1,
	-1.0 / 3,
	1.0 / 10,
	-1.0 / 42,
	1.0 / 216,
	-1.0 / 1320,
	1.0 / 9360,
	-1.0 / 75600,
	1.0 / 685440,
	-1.0 / 6894720,
	1.0 / 76204800,
}

const twoOverSqrtPi = 1.12837916709551257390 // 2/sqrt(pi)

// erf returns erf(z) for any z (NaN for NaN): the Maclaurin series where
// |z| <= 0.5 (relative error ~3e-16, where 1-erfc(z) would lose up to 3
// digits of erfc's 1.2e-7), 1 - fmath.Erfc(z) elsewhere (relative error below
// 1.2e-7 * erfc(0.5)/erf(0.5) ~ 1.1e-7, about 1 float32 ulp). Both are
// computed (no branch); the series in Estrin's form, whose dependency chain
// is 4 multiply-adds long instead of Horner's 10.
func erf(z float64) float64 {
	zs := min(max(z, -0.5), 0.5)
	t := zs * zs
	t2 := t * t
	t4 := t2 * t2
	c := &erfSeries
	p := (c[0] + c[1]*t + (c[2]+c[3]*t)*t2) +
		(c[4]+c[5]*t+(c[6]+c[7]*t)*t2)*t4 +
		(c[8]+c[9]*t+c[10]*t2)*(t4*t4)
	return fmath.Sel(math.Abs(z) <= 0.5, twoOverSqrtPi*zs*p, 1-fmath.Erfc(z))
}

// erfDeriv returns erf'(z) = 2/sqrt(pi) * exp(-z^2) (0 at +-Inf).
func erfDeriv(z float64) float64 {
	return twoOverSqrtPi * fmath.Exp(-min(z*z, 1e4))
}

// blockF32 is a float32 block of values, the scratch of the activations
// that compose the vector kernels of package kernels/act block by block.
type blockF32 = [elementwise.BlockLen]float32

// onesBlock fills b with 1 on first use and returns it as a slice (the dy
// that makes a backward kernel return the derivative itself).
func onesBlock(b *blockF32) []float32 {
	if b[0] == 0 {
		for i := range b {
			b[i] = 1
		}
	}
	return b[:]
}

package activations

import (
	"math"
)

// Branch-free float64 functions that kernels/fmath lacks (a general
// logarithm, for PDELU away from its default), for the kernels of this
// package. Like
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

package act

import "math"

// Minimax coefficients on [-pi/2, pi/2] (fitted in float64 by Lawson's
// iteratively reweighted least squares on 4000 Chebyshev-spaced points):
//
//	sin(r) ~ r + r^3*(s3 + r^2*(s5 + r^2*(s7 + r^2*s9)))         max error 4.6e-9
//	cos(r) ~ 1 + r^2*(c2 + r^2*(c4 + r^2*(c6 + r^2*(c8 + r^2*c10))))  max error 2.4e-10
//
// The SIMD paths use the same values rounded to float32 (asmgen/act).
const (
	sinS3 = -0.16666657096773549
	sinS5 = 0.0083330172968116758
	sinS7 = -0.0001980661551263932
	sinS9 = 2.600055344300704e-06

	cosC2  = -0.49999999550387425
	cosC4  = 0.041666640758580016
	cosC6  = -0.0013888403863641578
	cosC8  = 2.4761902756790351e-05
	cosC10 = -2.6077371805398698e-07
)

// Range reduction by pi in float64: k = round(t/pi) by the 1.5*2^52 trick
// (whose result's lowest mantissa bit is k's parity), r = t - k*pi with pi
// split into pi1 (33 significant bits, so k*pi1 is exact for |k| < 2^20) and
// pi2 = pi - pi1.
const (
	invPi   = 1 / math.Pi
	magic52 = 0x1.8p52
	pi1     = 0x1.921fb544p1 // math.Pi = 0x1.921fb54442d18p1 with its low 20 bits cleared
	pi2     = math.Pi - pi1
	halfPi  = math.Pi / 2
)

// reduce returns r in [-pi/2, pi/2] with t = k*pi + r, and the sign bit
// (1<<63 when k is odd) by which sin(r) and cos(r) must be flipped. Branch-free.
// For |t| beyond ~1e15 the reduction is meaningless and r is clamped, so the
// results stay within [-1, 1]; Inf and NaN give a NaN r.
func reduce(t float64) (r float64, sign uint64) {
	q := t*invPi + magic52
	k := q - magic52
	r = (t - k*pi1) - k*pi2
	r = min(max(r, -halfPi), halfPi) // builtin min/max: branch-free, NaN-propagating
	return r, math.Float64bits(q) << 63
}

func sinPoly(r float64) float64 {
	r2 := r * r
	return r + r*r2*(sinS3+r2*(sinS5+r2*(sinS7+r2*sinS9)))
}

func cosPoly(r float64) float64 {
	r2 := r * r
	return 1 + r2*(cosC2+r2*(cosC4+r2*(cosC6+r2*(cosC8+r2*cosC10))))
}

// flip returns v with its sign flipped when sign is 1<<63.
func flip(v float64, sign uint64) float64 {
	return math.Float64frombits(math.Float64bits(v) ^ sign)
}

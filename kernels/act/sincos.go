package act

import "math"

// Minimax coefficients on [-1.65, 1.65] (fitted in float64 by Lawson's
// iteratively reweighted least squares on 4000 Chebyshev-spaced points):
//
//	sin(r) ~ r + r^3*(s3 + r^2*(s5 + r^2*(s7 + r^2*s9)))               max error 7.9e-9
//	cos(r) ~ 1 + r^2*(c2 + r^2*(c4 + r^2*(c6 + r^2*(c8 + r^2*c10))))   max error 4.4e-10
//
// The interval reaches past pi/2 because the SIMD paths compute
// k = round(t/pi) with a float32 1/pi, which can pick the neighbouring k when
// t/pi is near a half-integer: r then overshoots pi/2 by up to 4e-8*|t|
// (4e-4 at |t| = 1e4, 0.08 at 2e6). The SIMD paths use these values rounded to
// float32 (asmgen/act) and clamp r to +-clampR, which keeps the result in
// [-1, 1] for any finite t.
const (
	sinS3 = -0.1666665254734809
	sinS5 = 0.0083329106016494861
	sinS7 = -0.00019799237738614693
	sinS9 = 2.5844381639360085e-06

	cosC2  = -0.49999999265155731
	cosC4  = 0.041666628334285402
	cosC6  = -0.0013888238918824613
	cosC8  = 2.4753399757711805e-05
	cosC10 = -2.5928004519075789e-07
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
	clampR  = 1.65
)

// reduce returns r in [-pi/2, pi/2] (clamped to +-clampR) with t = k*pi + r, and the sign bit
// (1<<63 when k is odd) by which sin(r) and cos(r) must be flipped. Branch-free.
// For |t| beyond ~1e15 the reduction is meaningless and r is clamped, so the
// results stay within [-1, 1]; Inf and NaN give a NaN r.
func reduce(t float64) (r float64, sign uint64) {
	q := t*invPi + magic52
	k := q - magic52
	r = (t - k*pi1) - k*pi2
	r = min(max(r, -clampR), clampR) // builtin min/max: branch-free, NaN-propagating
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

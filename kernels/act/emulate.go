package act

import "math"

// Scalar emulations of the vector instructions the generated kernels use,
// exact to the bit: the pure-Go path (purego_gen.go) calls them so that it
// computes what one lane of the AVX-512 and AVX2 kernels computes.

// fma32 returns a*b + c rounded once to float32, as VFMADD does.
func fma32(a, b, c float32) float32 {
	f, hard := fma32Fast(a, b, c)
	if hard != 0 {
		f = fma32Slow(a, b, c)
	}
	return f
}

// fma32Fast is fma32's common case: branch-free and call-free (the
// generated kernels write its body out, asmgen/act/gogen.go). It returns
// hard = 1 when its result may be wrong and fma32Slow must decide.
//
// The product of two float32 is exact in float64 (48 significant bits), so
// s = a*b + c in float64 is the exact sum rounded once, and TwoSum gives its
// rounding error e exactly. s rounded to odd (truncated toward zero, then
// its last bit set when inexact) and then rounded to float32 is the exact
// sum rounded once: a float64 has enough bits (53 >= 24+2) that the second
// rounding cannot be decided by the first. That holds for normal float32
// results; a result in float32's subnormal range (rare) is reported hard.
func fma32Fast(a, b, c float32) (f float32, hard uint32) {
	p, cf := float64(a)*float64(b), float64(c)
	s := p + cf
	z := s - p
	e := (p - (s - z)) + (cf - z) // 0 when s is exact; NaN when s is Inf or NaN
	u, eb := math.Float64bits(s), math.Float64bits(e)
	inexact := uint64(b2u(eb<<1-1 < 0xffe0000000000000)) // e is neither 0 nor NaN
	// Toward zero when e has the other sign, then the sticky bit.
	u = (u - (eb^u)>>63&inexact) | inexact
	// 0 < |s| < 2^-126 (u<<1 drops the sign; s is 0 only when the sum is
	// exactly 0).
	return float32(math.Float64frombits(u)), b2u(u<<1-1 < 0x381<<53-1)
}

// b2u is 1 for true and 0 for false (SETcc, no branch).
func b2u(c bool) uint32 {
	var u uint32
	if c {
		u = 1
	}
	return u
}

// fma32Slow rounds the sum s = fl64(p + c) to odd before rounding it to
// float32: when s is inexact and its last bit is even it moves one float64
// ulp toward the exact sum. A float64 rounded to odd has enough bits (53 >=
// 24+2) that rounding it to float32 equals rounding the exact sum.
//
//go:noinline
func fma32Slow(a, b, cf float32) float32 {
	p, c := float64(a)*float64(b), float64(cf)
	s := p + c
	// TwoSum: e is the exact error p + c - s (0 when s is exact). Inf or
	// NaN give a NaN e and leave s alone.
	z := s - p
	e := (p - (s - z)) + (c - z)
	u := math.Float64bits(s)
	if e != 0 && e == e && u&1 == 0 {
		if (math.Float64bits(e)^u)>>63 == 0 {
			u++ // the exact sum is farther from zero than s
		} else {
			u--
		}
	}
	return float32(math.Float64frombits(u))
}

// mask32 returns all ones for true and 0 for false (SETcc and NEG, no
// branch).
func mask32(c bool) uint32 { return -b2u(c) }

// sel32 returns a where m is all ones and b where it is 0, by bits.
func sel32(m uint32, a, b float32) float32 {
	return math.Float32frombits(math.Float32bits(a)&m | math.Float32bits(b)&^m)
}

// minps returns b if b < a, else a: VMINPS with b as the first source, so a
// NaN in a (or in b) and equal values (+0, -0) give a.
func minps(a, b float32) float32 { return sel32(mask32(b < a), b, a) }

// maxps returns b if b > a, else a (VMAXPS likewise).
func maxps(a, b float32) float32 { return sel32(mask32(b > a), b, a) }

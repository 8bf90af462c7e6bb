package main

import (
	"math"
	"sort"
)

// constDef is one named float32 constant of the kernels. This table is the
// single definition of every constant and polynomial coefficient: the
// generator writes it as RODATA for the assembly and as Go constants
// (kernels/act/coeffs_gen.go) for the pure-Go path.
type constDef struct {
	name string
	bits uint32
	doc  string
}

var constTable = map[string]constDef{}

// defF defines a float32 constant from a float64 value (rounded to nearest).
func defF(name string, v float64, doc string) {
	defBits(name, math.Float32bits(float32(v)), doc)
}

// defBits defines a constant by its bit pattern.
func defBits(name string, bits uint32, doc string) {
	if _, dup := constTable[name]; dup {
		panic("constant defined twice: " + name)
	}
	constTable[name] = constDef{name: name, bits: bits, doc: doc}
}

// sortedConsts returns the constants in name order.
func sortedConsts() []constDef {
	out := make([]constDef, 0, len(constTable))
	for _, c := range constTable {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// hi24 returns v rounded to float32 and the float32 nearest to the rest,
// v ~ hi + lo to about 48 bits.
func hi24(v float64) (hi, lo float64) {
	h := float64(float32(v))
	return h, float64(float32(v - h))
}

// Sine and cosine (PVLU, Sin): minimax coefficients on [-1.65, 1.65],
// fitted in float64 by Lawson's iteratively reweighted least squares on 4000
// Chebyshev-spaced points (asmgen/fitcoeffs reproduces them):
//
//	sin(r) ~ r + r^3*(s3 + r^2*(s5 + r^2*(s7 + r^2*s9)))               max error 7.9e-9
//	cos(r) ~ 1 + r^2*(c2 + r^2*(c4 + r^2*(c6 + r^2*(c8 + r^2*c10))))   max error 4.4e-10
//
// The interval reaches past pi/2 because k = round(t/pi) is computed with a
// float32 1/pi, which can pick the neighbouring k when t/pi is near a
// half-integer: r then overshoots pi/2 by up to 4e-8*|t| (4e-4 at |t| = 1e4,
// 0.08 at 2e6). r is clamped to +-clampR, which keeps the result in [-1, 1]
// for any finite t.
const clampR = 1.65

func init() {
	pi32 := float32(math.Pi)
	defF("one", 1, "1")
	defF("half", 0.5, "1/2")
	defF("two", 2, "2")
	defF("zero", 0, "+0")
	defBits("absMask", 0x7fffffff, "clears the sign bit")
	defBits("signMask", 0x80000000, "the sign bit")

	defF("invPi", 1/math.Pi, "1/pi rounded to float32")
	defF("roundMagic", 0x1.8p23, "1.5*2^23: adding it rounds a float32 of magnitude < 2^22 to an integer, whose two's complement is then the low mantissa bits")
	defF("pi1", float64(pi32), "pi rounded to float32")
	defF("pi2", math.Pi-float64(pi32), "pi - pi1, rounded to float32")
	defF("clampR", clampR, "bound of the reduced sine argument")
	defF("negClampR", -clampR, "-clampR")
	defF("sinS3", -0.1666665254734809, "sine polynomial")
	defF("sinS5", 0.0083329106016494861, "sine polynomial")
	defF("sinS7", -0.00019799237738614693, "sine polynomial")
	defF("sinS9", 2.5844381639360085e-06, "sine polynomial")
	defF("cosC2", -0.49999999265155731, "cosine polynomial")
	defF("cosC4", 0.041666628334285402, "cosine polynomial")
	defF("cosC6", -0.0013888238918824613, "cosine polynomial")
	defF("cosC8", 2.4753399757711805e-05, "cosine polynomial")
	defF("cosC10", -2.5928004519075789e-07, "cosine polynomial")
}

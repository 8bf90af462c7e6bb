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
// Chebyshev-spaced points (when PVLU's kernels were first written):
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

	// Exponential (expCore): e^t = 2^-64 * 2^(k+64) * (1 + pm1(r)),
	// k = round(t*log2e), r = t - k*ln2 in two steps, the first exact
	// (ln2Hi has 9 significant bits and |k| < 2^8).
	defF("log2e", math.Log2E, "log2(e)")
	defF("ln2Hi", 0.693359375, "ln 2 to 9 bits: k*ln2Hi is exact")
	defF("ln2Lo", math.Ln2-0.693359375, "ln 2 - ln2Hi")
	// go run ./fitcoeffs: exp(r) ~ 1 + r + r^2*(expP2 + ... + expP6*r^4),
	// |r| <= 0.348, max relative error 3.15e-09.
	defF("expP2", 0.49999993288973937, "exp polynomial")
	defF("expP3", 0.16666518281810463, "exp polynomial")
	defF("expP4", 0.041668415701236118, "exp polynomial")
	defF("expP5", 0.0083690009644615069, "exp polynomial")
	defF("expP6", 0.0013814010352951075, "exp polynomial")
	defF("expLo", -130, "lower clamp of the exp argument: 2^(k+64) stays normal")
	defBits("expBias64", math.Float32bits(0x1.8p23)-(127+64), "roundMagic's bits minus the float32 exponent bias and the offset 64: q - expBias64 = k+64+127")
	defBits("expBias0", math.Float32bits(0x1.8p23)-127, "roundMagic's bits minus the float32 exponent bias: q - expBias0 = k+127")
	defF("twoM64", 0x1p-64, "2^-64")
	defF("twoP64", 0x1p64, "2^64")
	defF("negOne", -1, "-1")
	defF("four", 4, "4")

	// go run ./fitcoeffs: log1p(e) ~ e*sum log1pRk*(2e-1)^k, e in [0, 1],
	// max relative error 4.71e-09.
	defF("log1pR0", 0.81093022000480719, "log1p polynomial")
	defF("log1pR1", -0.14426355524665088, "log1p polynomial")
	defF("log1pR2", 0.033152250980307781, "log1p polynomial")
	defF("log1pR3", -0.0084609623394241995, "log1p polynomial")
	defF("log1pR4", 0.0022897170604387913, "log1p polynomial")
	defF("log1pR5", -0.00064282173595882591, "log1p polynomial")
	defF("log1pR6", 0.00018087733623739868, "log1p polynomial")
	defF("log1pR7", -5.2733691667987992e-05, "log1p polynomial")
	defF("log1pR8", 2.0520908967215122e-05, "log1p polynomial")
	defF("log1pR9", -6.3359833288059396e-06, "log1p polynomial")

	// go run ./fitcoeffs: Phi(-a)*exp(a^2/2) ~ P(a)/Q(a), a in [0, 14.2],
	// max relative error 5.68e-09.
	defF("phiP0", 0.50000000283544699, "normal tail numerator")
	defF("phiP1", 0.43767560152561724, "normal tail numerator")
	defF("phiP2", 0.18277609135939701, "normal tail numerator")
	defF("phiP3", 0.040478407455496031, "normal tail numerator")
	defF("phiP4", 0.0040933046263186166, "normal tail numerator")
	defF("phiQ1", 1.6732361686527975, "normal tail denominator")
	defF("phiQ2", 1.2005968614769169, "normal tail denominator")
	defF("phiQ3", 0.46825869386264279, "normal tail denominator")
	defF("phiQ4", 0.10147098099464404, "normal tail denominator")
	defF("phiQ5", 0.010260268092012468, "normal tail denominator")
	defF("phiAMax", 14.2, "beyond, x*Phi(x) is below the smallest float32")
	defF("invSqrt2Pi", 1/math.Sqrt(2*math.Pi), "1/sqrt(2*pi)")

	// GELU, tanh form: v = 2*sqrt(2/pi)*(x + 0.044715*x^3) = x*(geluC1 + geluC2*x^2).
	c1h, c1l := hi24(2 * math.Sqrt(2/math.Pi))
	c2h, c2l := hi24(2 * math.Sqrt(2/math.Pi) * 0.044715)
	defF("geluC1", c1h, "2*sqrt(2/pi), rounded to float32")
	defF("geluC1Lo", c1l, "2*sqrt(2/pi) - geluC1")
	defF("geluC2", c2h, "2*sqrt(2/pi)*0.044715, rounded to float32")
	defF("geluC2Lo", c2l, "2*sqrt(2/pi)*0.044715 - geluC2")
	defF("geluC2x3", 3*2*math.Sqrt(2/math.Pi)*0.044715, "3*geluC2")

	// Clamps that keep an x that only scales a vanishing term from making
	// Inf*0.
	defF("big", 1e4, "1e4")
	defF("negBig", -1e4, "-1e4")
	defF("twoP60", 0x1p60, "2^60: its square is finite")
	defF("negTwoP60", -0x1p60, "-2^60")
	defF("maxFloat", math.MaxFloat32, "the largest float32")
	defF("negMaxFloat", -math.MaxFloat32, "-maxFloat")
	defF("tanhClamp", 20, "tanh(x) rounds to +-1 beyond |x| = 10: expm1(2x) is evaluated on [-20, 20]")
	defF("negTanhClamp", -20, "-tanhClamp")
	defF("mishClamp", 20, "tanh(softplus(x)) rounds to 1 beyond x = 20")
}

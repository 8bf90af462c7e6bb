package main

import "math"

// Building blocks: e^x and erf(x) over the whole float32 range, with their
// derivatives, for the activations that compose them in Go on blocks of
// values (serf, pserf, erfact, golu, srs, tanhexp) instead of running
// scalar float64 code.
//
// exp: expCore keeps 2^(k+64) normal only for t <= 43; above, e^x is
// 2 * e^(x - 65 ln2) * 2^64 with x - 65ln2 exact for x in [43, 89]
// (Sterbenz: 65ln2 = 45.05 is within a factor 2 of x) and the low part of
// 65 ln2 carried into the reduction, so the result is rounded once (the
// doubling is exact) and overflows to +Inf exactly where e^x does.
//
// erf: below |x| = 0.5 the Maclaurin series x*P(x^2) (7 terms; the first
// omitted is below 2^-30 of the value); above, 1 - erfc(|x|) with the sign
// of x, erfc(a) = 2*Phi(-a*sqrt2) = 2*exp(-a^2)*R(a*sqrt2) from GELU's
// normal-tail rational R, a^2 formed exactly (product plus FMA residual):
// the rounding of a*sqrt2 reaches R only, whose relative condition is
// about 1. 1 - erfc has no cancellation there (erfc(0.5) = 0.48).

func init() {
	hi, lo := hi24(65 * math.Ln2)
	defF("expSplit", 43, "above, exp takes the shifted reduction")
	defF("expHi", 89, "e^89 overflows float32: the clamp keeps k+64 in range and still gives +Inf")
	defF("ln2x65", hi, "65*ln2 rounded to float32")
	defF("negLn2x65Lo", -lo, "-(65*ln2 - ln2x65)")
	defF("negHalf", -0.5, "-1/2")
	defF("erfAMax", 10, "erfc(10) = 2e-45: erf rounds to +-1 well before")
	defF("erfDAMax", 12, "exp(-144) underflows: the clamp keeps x^2 finite and exact")
	defF("sqrt2", math.Sqrt2, "sqrt(2) rounded to float32")
	defF("twoM63", 0x1p-63, "2^-63")
	defF("twoOverSqrtPi", 2/math.SqrtPi, "2/sqrt(pi) rounded to float32")
	fact := 1.0
	for n := 0; n <= 6; n++ {
		if n > 0 {
			fact *= float64(n)
		}
		c := 2 / math.SqrtPi / (fact * float64(2*n+1))
		if n%2 == 1 {
			c = -c
		}
		defF("erfS"+string(rune('0'+n)), c, "erf Maclaurin coefficient 2/sqrt(pi)*(-1)^n/(n!(2n+1))")
	}
}

// expAll is e^x for every float32 x.
func expAll(b *B, x V) V {
	small := expCore(b, b.Min(x, b.C("expSplit")), nil).exp(b)
	th := b.Sub(b.Min(b.Max(x, b.C("expSplit")), b.C("expHi")), b.C("ln2x65")) // exact
	tl := b.C("negLn2x65Lo")
	big := b.Mul(expCore(b, th, &tl).e64(b), b.C("two"))
	return b.Sel(b.Cmp(predGT, x, b.C("expSplit")), big, small)
}

// expNegSquare64 is exp(-a^2)*2^64 for a >= 0 clamped at hi, a^2 exact.
func expNegSquare64(b *B, a V, hi string) V {
	ac := b.Min(a, b.C(hi))
	u := b.Mul(ac, ac)
	sign := b.C("signMask")
	tlo := b.Xor(b.FMS(ac, ac, u), sign)
	return expCore(b, b.Xor(u, sign), &tlo).e64(b)
}

func primKernels() []*Kernel {
	exp := &Kernel{
		Name: "exp", Doc: "sets y = e^x.",
		Slices: []string{"y", "x"},
		Body: func(b *B) {
			b.Store("y", expAll(b, b.Load("x")))
		},
	}
	expBackward := &Kernel{
		Name: "expBackward", Doc: "sets dx = dy*e^x.",
		Slices: []string{"dx", "dy", "x"},
		Body: func(b *B) {
			b.Store("dx", b.Mul(b.Load("dy"), expAll(b, b.Load("x"))))
		},
	}
	erf := &Kernel{
		Name: "erf", Doc: "sets y = erf(x).",
		Slices: []string{"y", "x"},
		Body: func(b *B) {
			x := b.Load("x")
			a := b.And(x, b.C("absMask"))
			xs := clamp(b, x, "negHalf", "half")
			p := horner(b, b.Mul(xs, xs), "erfS6", "erfS5", "erfS4", "erfS3", "erfS2", "erfS1", "erfS0")
			small := b.Mul(xs, p)
			ac := b.Min(a, b.C("erfAMax"))
			e64 := expNegSquare64(b, ac, "erfAMax")
			xr := b.Mul(ac, b.C("sqrt2"))
			r := b.Div(horner(b, xr, "phiP4", "phiP3", "phiP2", "phiP1", "phiP0"),
				horner(b, xr, "phiQ5", "phiQ4", "phiQ3", "phiQ2", "phiQ1", "one"))
			big := b.FNMA(b.Mul(e64, r), b.C("twoM63"), b.C("one")) // 1 - 2*exp(-a^2)*R
			big = b.Or(big, b.And(x, b.C("signMask")))
			b.Store("y", b.Sel(b.Cmp(predLT, a, b.C("half")), small, big))
		},
	}
	erfBackward := &Kernel{
		Name: "erfBackward", Doc: "sets dx = dy*2/sqrt(pi)*exp(-x^2).",
		Slices: []string{"dx", "dy", "x"},
		Body: func(b *B) {
			a := b.And(b.Load("x"), b.C("absMask"))
			e64 := expNegSquare64(b, a, "erfDAMax")
			g := b.Mul(b.Mul(e64, b.C("twoOverSqrtPi")), b.C("twoM64"))
			b.Store("dx", b.Mul(b.Load("dy"), g))
		},
	}
	return []*Kernel{exp, expBackward, erf, erfBackward}
}

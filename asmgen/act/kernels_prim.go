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
	defF("serfLo", -110, "below, serf(x) is under the smallest subnormal")
	defF("tanhExpClamp", 20, "tanh(exp(x)) is 1 and sech(exp(x))^2 0 to float32 beyond")
	defF("tanhExpSmall", -8.3, "below, exp(x) < 2^-12: tanh(u) = u and sech(u)^2 = 1 to float32")
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

// erfOf is erf(x) (see the top of this file).
func erfOf(b *B, x V) V {
	a := b.And(x, b.C("absMask"))
	small := b.Mul(clamp(b, x, "negHalf", "half"), erfSeries(b, x))
	big := b.Or(erfAbove(b, a), b.And(x, b.C("signMask")))
	return b.Sel(b.Cmp(predLT, a, b.C("half")), small, big)
}

// erfOfAndDeriv returns erf(x) and erf'(x) from one exp(-x^2) (see
// erfAboveAndDeriv): bit for bit erfOf and erfDeriv.
func erfOfAndDeriv(b *B, x V) (erf, deriv V) {
	a := b.And(x, b.C("absMask"))
	small := b.Mul(clamp(b, x, "negHalf", "half"), erfSeries(b, x))
	above, deriv := erfAboveAndDeriv(b, a)
	big := b.Or(above, b.And(x, b.C("signMask")))
	return b.Sel(b.Cmp(predLT, a, b.C("half")), small, big), deriv
}

// erfAbove is erf(a) = 1 - 2*exp(-a^2)*R(a*sqrt2) for a >= 1/2.
func erfAbove(b *B, a V) V {
	return erfAboveFrom(b, a, expNegSquare64(b, b.Min(a, b.C("erfAMax")), "erfAMax"))
}

// erfAboveFrom is erfAbove(a) from e64 = exp(-a^2)*2^64.
func erfAboveFrom(b *B, a, e64 V) V {
	ac := b.Min(a, b.C("erfAMax"))
	xr := b.Mul(ac, b.C("sqrt2"))
	r := b.Div(horner(b, xr, "phiP4", "phiP3", "phiP2", "phiP1", "phiP0"),
		horner(b, xr, "phiQ5", "phiQ4", "phiQ3", "phiQ2", "phiQ1", "one"))
	return b.FNMA(b.Mul(e64, r), b.C("twoM63"), b.C("one"))
}

// erfDeriv is erf'(x) = 2/sqrt(pi)*exp(-x^2).
func erfDeriv(b *B, x V) V {
	return erfDerivFrom(b, expNegSquare64(b, b.And(x, b.C("absMask")), "erfDAMax"))
}

// erfDerivFrom is erf' from e64 = exp(-a^2)*2^64 (a clamped at erfDAMax).
func erfDerivFrom(b *B, e64 V) V {
	return b.Mul(b.Mul(e64, b.C("twoOverSqrtPi")), b.C("twoM64"))
}

// erfAboveAndDeriv returns erfAbove(a) and erf'(a) for a >= 0 from one
// exp(-a^2), clamped at erfDAMax: erfAbove's own clamp at erfAMax changes
// nothing it returns (1 - 2exp(-a^2)R is 1 in float32 from a = 10 on either
// way), so both are bit for bit what erfAbove and erfDeriv give.
func erfAboveAndDeriv(b *B, a V) (above, deriv V) {
	e64 := expNegSquare64(b, a, "erfDAMax")
	return erfAboveFrom(b, a, e64), erfDerivFrom(b, e64)
}

// softplusOf returns log(1+e^x) = max(x, 0) + log1p(e^-|x|), the second term
// also as l64 = log1p(e^-|x|)*2^64 (normal where the softplus of a very
// negative x is subnormal), and the logistic pieces.
func softplusOf(b *B, x V) (sp, l64 V, l logistic) {
	l = logisticOf(b, x, nil)
	l64 = log1pSmall64(b, l.e64, l.e)
	return b.FMA(l64, b.C("twoM64"), b.Max(x, b.C("zero"))), l64, l
}

// erfSeries is P(x^2) of erf(x) = x*P(x^2) for |x| < 0.5.
func erfSeries(b *B, x V) V {
	xs := clamp(b, x, "negHalf", "half")
	return horner(b, b.Mul(xs, xs), "erfS6", "erfS5", "erfS4", "erfS3", "erfS2", "erfS1", "erfS0")
}

// serfKernels: Serf, x*erf(softplus(x)), fused (softplus, erf and their
// derivatives in one pass instead of four kernels and two Go loops).
// Where softplus(x) < 1/2 (x < -0.43), x < 0 and softplus is l64*2^-64, so
// erf(sp) = sp*P(sp^2) and the derivative's terms are carried scaled by
// 2^64 and rounded once at the end: accurate down to the subnormal
// results of x far below 0. x only scales terms that vanish at -Inf
// (erf(0)) and +Inf (erf'(Inf)): it is clamped there so that they give 0,
// not Inf*0.
func serfKernels() []*Kernel {
	return []*Kernel{
		{
			Name: "serf", Doc: "sets y = x*erf(log(1+exp(x))).",
			Slices: []string{"y", "x"},
			Body: func(b *B) {
				x := b.Load("x")
				sp, l64, _ := softplusOf(b, x)
				// Below x = -110 the result is below the smallest
				// subnormal (and e^x is frozen at the exp's lower clamp):
				// clamping x there keeps the product rounding to -0.
				small := b.Mul(b.Mul(b.Max(x, b.C("serfLo")), b.Mul(l64, erfSeries(b, sp))), b.C("twoM64"))
				big := b.Mul(x, erfAbove(b, sp))
				b.Store("y", b.Sel(b.Cmp(predLT, sp, b.C("half")), small, big))
			},
		},
		{
			Name: "serfBackward", Doc: "sets dx = dy*(erf(sp) + x*erf'(sp)*sigmoid(x)), sp = log(1+exp(x)).",
			Slices: []string{"dx", "dy", "x"},
			Body: func(b *B) {
				// Ordered so that few values stay live across the
				// exponentials (AVX2 has 16 registers): the logistic pieces
				// die in sigmoid*2^64, x in the second term, then
				// erf*2^64 (l64*P(sp^2) where sp < 1/2).
				x := b.Load("x")
				sp, l64, l := softplusOf(b, x)
				s64 := b.Div(b.Sel(l.neg, l.e64, b.C("twoP64")), l.d)
				above, deriv := erfAboveAndDeriv(b, sp)
				ts := b.Mul(b.Mul(clamp(b, x, "negBig", "big"), deriv), s64)
				e64 := b.Sel(b.Cmp(predLT, sp, b.C("half")), b.Mul(l64, erfSeries(b, sp)), b.Mul(above, b.C("twoP64")))
				g := b.Mul(b.Add(ts, e64), b.C("twoM64"))
				b.Store("dx", b.Mul(b.Load("dy"), g))
			},
		},
	}
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
			b.Store("y", erfOf(b, b.Load("x")))
		},
	}
	erfBackward := &Kernel{
		Name: "erfBackward", Doc: "sets dx = dy*2/sqrt(pi)*exp(-x^2).",
		Slices: []string{"dx", "dy", "x"},
		Body: func(b *B) {
			b.Store("dx", b.Mul(b.Load("dy"), erfDeriv(b, b.Load("x"))))
		},
	}
	return []*Kernel{exp, expBackward, erf, erfBackward}
}

// tanhExpKernels: TanhExp, x*tanh(e^x), fused. u = e^x is carried as
// u*2^64 (x clamped at 20, where tanh(u) is 1 and sech^2 0 to float32).
// Below x = -8.3 (u < 2^-12) tanh(u) = u and sech(u)^2 = 1 to float32
// precision, so y = x*u and y' = u*(1+x) are formed from u*2^64 and scaled
// last, which keeps the subnormal results of x far below 0 rounded once.
func tanhExpKernels() []*Kernel {
	parts := func(b *B, x V) (u64, u, small V) {
		e := expCore(b, b.Min(x, b.C("tanhExpClamp")), nil)
		u64 = e.e64(b)
		u = b.Mul(u64, b.C("twoM64"))
		return u64, u, b.Cmp(predLT, x, b.C("tanhExpSmall"))
	}
	return []*Kernel{
		{
			Name: "tanhExp", Doc: "sets y = x*tanh(exp(x)).",
			Slices: []string{"y", "x"},
			Body: func(b *B) {
				x := b.Load("x")
				u64, u, small := parts(b, x)
				t := clamp(b, b.Add(u, u), "negTanhClamp", "tanhClamp")
				em1 := expCore(b, t, nil).expm1(b)
				th := b.Div(em1, b.Add(em1, b.C("two")))
				ys := b.Mul(b.Mul(b.Max(x, b.C("serfLo")), u64), b.C("twoM64"))
				b.Store("y", b.Sel(small, ys, b.Mul(x, th)))
			},
		},
		{
			Name: "tanhExpBackward", Doc: "sets dx = dy*(tanh(u) + x*u*sech(u)^2), u = exp(x).",
			Slices: []string{"dx", "dy", "x"},
			Body: func(b *B) {
				x := b.Load("x")
				u64, u, small := parts(b, x)
				gs := b.Mul(b.FMA(b.Max(x, b.C("serfLo")), u64, u64), b.C("twoM64")) // u*(1+x)
				t := clamp(b, b.Add(u, u), "negTanhClamp", "tanhClamp")
				em1 := expCore(b, t, nil).expm1(b)
				th := b.Div(em1, b.Add(em1, b.C("two")))
				l := logisticOf(b, b.Add(u, u), nil) // sech(u)^2 = 4E/(1+E)^2, E = exp(-2u), unclamped: 0 for large u
				sech2 := b.Mul(b.Div(b.Mul(b.C("four"), l.e64), b.Mul(l.d, l.d)), b.C("twoM64"))
				gb := b.FMA(b.Mul(clamp(b, x, "negBig", "big"), u), sech2, th)
				b.Store("dx", b.Mul(b.Load("dy"), b.Sel(small, gs, gb)))
			},
		},
	}
}

// smishKernels: Smish, alpha*x*tanh(log(1+s)), s = sigmoid(beta*x), fused.
// tanh(log(1+s)) = n/(n+2) with n = s(s+2) needs no logarithm; beta*x is
// formed exactly and s carried as s*2^64 (the logistic pieces' scaling), so
// that for x far below 0, where s and the result are tiny, they are rounded
// once. The derivative alpha*(t + beta*x*s(1-s)*4(1+s)/(n+2)^2) is formed
// the same way, s(1-s) = E/(1+E)^2 from the same exponential.
func smishKernels() []*Kernel {
	gate := func(b *B, x V) (g64, s V, l logistic, n2, th V) {
		th, tl := exactProduct(b, b.Param("beta"), x)
		l = logisticOf(b, th, &tl)
		s64 := b.Div(b.Sel(l.neg, l.e64, b.C("twoP64")), l.d)
		s = b.Mul(s64, b.C("twoM64"))
		sp2 := b.Add(s, b.C("two"))
		n2 = b.FMA(s, sp2, b.C("two")) // n + 2
		return b.Div(b.Mul(s64, sp2), n2), s, l, n2, th
	}
	return []*Kernel{
		{
			Name: "smish", Doc: "sets y = alpha*x*tanh(log(1+sigmoid(beta*x))).",
			Slices: []string{"y", "x"}, Params: []string{"alpha", "beta"},
			Body: func(b *B) {
				x := b.Load("x")
				g64, _, l, _, th := gate(b, x)
				m64 := b.C("twoM64")
				// Scaled last where the result may be tiny (beta*x < 0);
				// unscaled first elsewhere (x*g64 could overflow). Below
				// beta*x = -130 the exponential is frozen at its clamp while
				// the result, |x|e^(beta*x) with |beta| >= 1e-3, is below
				// the smallest subnormal: 0 there.
				small := b.Mul(b.Mul(b.Max(x, b.C("negMaxFloat")), g64), m64)
				small = b.ZeroUnless(b.Cmp(predGE, th, b.C("expLo")), small)
				big := b.Mul(x, b.Mul(g64, m64))
				b.Store("y", b.Mul(b.Param("alpha"), b.Sel(l.neg, small, big)))
			},
		},
		{
			Name: "smishBackward", Doc: "sets dx = dy*alpha*(t + beta*x*s(1-s)*4(1+s)/(n+2)^2), s = sigmoid(beta*x), n = s(s+2), t = n/(n+2).",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"alpha", "beta"},
			Body: func(b *B) {
				x := b.Load("x")
				g64, s, l, n2, _ := gate(b, x)
				ds64 := b.Div(l.e64, b.Mul(l.d, l.d)) // s(1-s)*2^64
				dt := b.Div(b.Mul(b.C("four"), b.Add(s, b.C("one"))), b.Mul(n2, n2))
				bx := b.Mul(clamp(b, x, "negBig", "big"), b.Param("beta")) // s(1-s) is 0 where the clamp bites
				d64 := b.FMA(b.Mul(bx, ds64), dt, g64)
				g := b.Mul(b.Mul(d64, b.C("twoM64")), b.Param("alpha"))
				b.Store("dx", b.Mul(b.Load("dy"), g))
			},
		},
	}
}

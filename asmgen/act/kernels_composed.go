package main

// GoLU, ErfAct, Pserf, SRS and ACON-C, fused: each was composed in Go from the
// exp, erf and sigmoid kernels on blocks of values, with float32 arithmetic
// between the calls; these kernels do the same float32 operations in the
// same order in one pass (forward values and input gradients were bit for
// bit those of the compositions; the parameter gradients are now lane sums),
// but for GoLU, whose gate now takes exp(-x) as a double-float and is
// carried scaled by 2^64, SRS, whose exponential takes -|x|/beta as one
// and is carried scaled where the results are subnormal, and ErfAct and
// Pserf, whose exponential (softplus) arguments are double-floats and whose
// tails are carried scaled (tailScale).
// The clamps are the compositions' (activations/golu.go, erfact.go,
// pserf.go, srs.go and aconc.go say why each is there). ErfAct and Pserf
// spill their constants and parameters to memory: exp (or softplus) then
// erf leaves avo's allocator too few registers for them.

func init() {
	defF("negFifty", -50, "GoLU's derivative clamps x here (the gate is 0 well before)")
	defF("negFortyThree", -43, "GoLU: below, the gate exp(-exp(-x)) is 0, and exp(-x)*2^64 still a float32")
	defF("oneE3", 1e3, "GoLU's derivative: above, exp(-x) is 0")
	defF("negOneE3", -1e3, "LiSHT's derivative: below, sech^2 is 0")
	defF("eighty", 80, "ErfAct: beta*x is clamped here, exp stays finite")
	defF("oneE30", 1e30, "x clamped to +-1e30 keeps products with it finite")
	defF("negOneE30", -1e30, "-1e30")
	defF("ten", 10, "10")
	defF("negTwenty", -20, "ErfAct and Pserf carry their values scaled by 2^64 where the exponent's argument is below this")
	defF("oneE18", 1e18, "PDELU: u is clamped here, so that -Inf gives -alpha and b^2 stays finite")
}

// pserfParts returns sp = softplus(z), z = delta*x as a double-float (no
// 1/delta, so any delta), as spS = sp/sc (see tailScale: l64 = sp*2^64
// where z < -20, where sp may be subnormal), sp, sc, and with sigmoid
// s64 = sigmoid(z)*2^64. Below expLo, where E is expCore's clamp, not e^z,
// spS and s64 are 0 (x*0, not x*E, at x = -Inf).
func pserfParts(b *B, x V, sigmoid bool) (spS, sp, sc, s64 V) {
	z, zl := exactProduct(b, b.Param("delta"), clamp(b, x, "negMaxFloat", "maxFloat")) // delta = 0: z = 0 at x = +-Inf
	l := logisticOf(b, z, &zl)
	inRange := b.Cmp(predGE, z, b.C("expLo"))
	if sigmoid {
		s64 = b.ZeroUnless(inRange, b.Div(b.Sel(l.neg, l.e64, b.C("twoP64")), l.d))
	}
	l64 := log1pSmall64(b, l.e64, l.e)
	// z's low part counts where 0 < z < 20 (|z - 10| < 10: one compare,
	// false for +-Inf, whose low part is NaN); beyond, log1p(e^-z) and it
	// are below half an ulp of z.
	mid := b.Cmp(predLT, b.And(b.Sub(z, b.C("ten")), b.C("absMask")), b.C("ten"))
	sp = b.Add(b.Max(z, b.C("zero")), b.FMA(l64, b.C("twoM64"), b.ZeroUnless(mid, clamp(b, zl, "negOne", "one"))))
	tail := b.Cmp(predLT, z, b.C("negTwenty"))
	spS = b.Sel(tail, b.ZeroUnless(inRange, l64), sp)
	return spS, sp, tailScale(b, tail), s64
}

// tailScale is sc = 2^-64 in the tail lanes, 1 elsewhere: ErfAct and
// Pserf carry erf's argument u, erf(u) and the derivative's terms as
// value/sc there (u and erf(u) ~ e^z with z < -20, subnormal from z ~ -87
// on) and round once at the end, (x*sc)*value (x*sc exact: |x| > 20/|beta|
// there), accurate down to the smallest subnormal. sc, not the mask, is
// what the kernels keep: AVX-512 has 7 mask registers.
func tailScale(b *B, tail V) V { return b.Sel(tail, b.C("twoM64"), b.C("one")) }

// unscale is v/sc (exact: sc is a power of two, v/sc finite).
func unscale(b *B, v, sc V) V {
	return b.Mul(v, b.Sel(b.Cmp(predLT, sc, b.C("one")), b.C("twoP64"), b.C("one")))
}

// erfScaled is erf(u)/sc from u and uS = u/sc: uS*P(u^2) where |u| < 1/2
// (rounded once), erf(u)/sc above (exact).
func erfScaled(b *B, u, uS, sc V) V {
	a := b.And(u, b.C("absMask"))
	return erfScaledFrom(b, u, uS, sc, a, erfAbove(b, a))
}

// erfScaledAndDeriv is erfScaled and erf'(u) from one exp(-u^2).
func erfScaledAndDeriv(b *B, u, uS, sc V) (rS, deriv V) {
	a := b.And(u, b.C("absMask"))
	above, deriv := erfAboveAndDeriv(b, a)
	return erfScaledFrom(b, u, uS, sc, a, above), deriv
}

// erfScaledFrom is erfScaled given a = |u| and above = erf(a) for a >= 1/2.
func erfScaledFrom(b *B, u, uS, sc, a, above V) V {
	big := unscale(b, b.Or(above, b.And(u, b.C("signMask"))), sc)
	return b.Sel(b.Cmp(predLT, a, b.C("half")), b.Mul(uS, erfSeries(b, u)), big)
}

// goluGate returns e = exp(-max(x, -43)) and the gate G = exp(-e) as
// G*2^64, from e as a double-float: e's own rounding (half an ulp of e, up
// to ~100 before G underflows) would cost G that many times its ulp in the
// tail, where now the exponential's polynomial (3e-9 relative) bounds it;
// carried scaled, G keeps its precision where the results are subnormal
// (x < -4.4). Below x = -43 (where expCore's scaled e still fits) G is 0
// either way.
func goluGate(b *B, x V) (e, g64 V) {
	parts := expCore(b, b.Xor(b.Max(x, b.C("negFortyThree")), b.C("signMask")), nil)
	e64 := parts.e64(b)
	lo64 := b.FMA(parts.s64, parts.pm1, b.Sub(parts.s64, e64)) // exact: e64 is within 2x of s64
	e = b.Mul(e64, b.C("twoM64"))
	negLo := b.Xor(b.Mul(lo64, b.C("twoM64")), b.C("signMask"))
	return e, exp64(b, b.Xor(e, b.C("signMask")), &negLo)
}

// goluTimesGate is v*G rounded once: v*G64*2^-64 where x < 0 (G < 1, the
// product may be subnormal), v*G above (v*G64 could overflow there).
func goluTimesGate(b *B, x, v, g64 V) V {
	scaled := b.Mul(b.Mul(v, g64), b.C("twoM64"))
	plain := b.Mul(v, b.Mul(g64, b.C("twoM64")))
	return b.Sel(b.Cmp(predLT, x, b.C("zero")), scaled, plain)
}

// erfActGate returns eS = e/sc, e = exp(t), t = min(beta*x, 80) as a
// double-float, uS = alpha*eS, u = alpha*e and the tail mask (t < -20; see
// tailScale). The exponential's scale is chosen per lane: e*2^64 in the
// tail, e elsewhere (up to e^80).
func erfActGate(b *B, x V) (eS, uS, u, sc V) {
	// x finite: beta = 0 gives t = 0 at x = +-Inf, not NaN.
	th, tl := exactProduct(b, b.Param("beta"), clamp(b, x, "negMaxFloat", "maxFloat"))
	tail := b.Cmp(predLT, th, b.C("negTwenty"))
	t := b.Min(th, b.C("eighty"))
	bias := b.Sel(tail, b.C("expBias64"), b.C("expBias0"))
	eS = b.ZeroUnless(b.Cmp(predGE, t, b.C("expLo")), expCoreBias(b, t, &tl, bias).e64(b))
	uS = b.Mul(b.Param("alpha"), eS)
	sc = tailScale(b, tail)
	return eS, uS, b.Mul(uS, sc), sc
}

// zeroSafe is x, clamped to +-maxFloat where the factor c is 0 (x*c is
// then 0, its limit, not Inf*0).
func zeroSafe(b *B, x, c V) V {
	return b.Sel(b.Cmp(predEQ, c, b.C("zero")), clamp(b, x, "negMaxFloat", "maxFloat"), x)
}

// srsParts returns, for x clamped to +-1e30, e = exp(-|x|/beta),
// dn = num/alpha + (x >= 0 ? e : 1) with num = x*(x >= 0 ? 1 : e), and
// f = num/dn. -|x|/beta is a double-float (its rounding, up to half an ulp
// of ~100, would be e's relative error), and below 0, where f may be
// subnormal, num is carried as x*e*2^64 and f rounded once.
func srsParts(b *B, xc V) (e, e64, dn, f V) {
	th, tl := exactQuotient(b, b.Or(xc, b.C("signMask")), b.Param("beta"), b.Param("invBeta"))
	e64 = exp64(b, th, &tl)
	e = b.Mul(e64, b.C("twoM64"))
	pos := b.Cmp(predGE, xc, b.C("zero"))
	num64 := b.Mul(xc, e64)
	num := b.Sel(pos, xc, b.Mul(num64, b.C("twoM64")))
	dn = b.Add(b.Div(num, b.Param("alpha")), b.Sel(pos, e, b.C("one")))
	f = b.Sel(pos, b.Div(xc, dn), b.Mul(b.Div(num64, dn), b.C("twoM64")))
	return e, e64, dn, f
}

func composedKernels() []*Kernel {
	return []*Kernel{
		{
			Name: "golu", Doc: "sets y = x*exp(-exp(-x)).",
			Slices: []string{"y", "x"},
			Body: func(b *B) {
				x := b.Load("x")
				_, g64 := goluGate(b, x)
				b.Store("y", goluTimesGate(b, x, b.Max(x, b.C("negMaxFloat")), g64))
			},
		},
		{
			Name: "goluBackward", Doc: "sets dx = dy*G*(1 + x*exp(-x)), G = exp(-exp(-x)).",
			Slices: []string{"dx", "dy", "x"},
			Body: func(b *B) {
				x := b.Load("x")
				e, g64 := goluGate(b, x)
				tc := b.Min(b.Max(x, b.C("negFifty")), b.C("oneE3"))
				d := goluTimesGate(b, x, b.FMA(tc, e, b.C("one")), g64) // G*(1 + x*e)
				b.Store("dx", b.Mul(b.Load("dy"), d))
			},
		},
		{
			Name: "erfAct", Doc: "sets y = x*erf(alpha*exp(beta*x)).", Spill: true,
			Slices: []string{"y", "x"}, Params: []string{"alpha", "beta"},
			Body: func(b *B) {
				x := b.Load("x")
				_, uS, u, sc := erfActGate(b, x)
				rS := erfScaled(b, u, uS, sc)
				b.Store("y", b.Mul(b.Mul(zeroSafe(b, b.Load("x"), rS), sc), rS))
			},
		},
		{
			Name: "erfActBackward",
			Doc: "sets dx = dy*(erf(u) + x*erf'(u)*u*beta), u = alpha*exp(beta*x), " +
				"and sums dy*x*erf'(u)*exp(beta*x) and dy*x^2*erf'(u)*u.",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"alpha", "beta"}, Sums: 2, Spill: true,
			Body: func(b *B) {
				eS, uS, u, sc := erfActGate(b, b.Load("x"))
				// Two exp(-u^2), not erfScaledAndDeriv's one: with one, the
				// longer-lived value made this spilled body 7 % slower.
				rS, ed := erfScaled(b, u, uS, sc), erfDeriv(b, u)
				xc := clamp(b, b.Load("x"), "negOneE30", "oneE30")
				xuS := b.Mul(xc, b.Mul(ed, uS)) // erf'(u) is 0 where u or e is huge: it goes in first
				dy := b.Load("dy")
				b.Store("dx", b.Mul(dy, b.Mul(b.Add(rS, b.Mul(xuS, b.Param("beta"))), sc)))
				b.AccFMA(0, b.Mul(dy, xc), b.Mul(ed, b.Mul(eS, sc)))
				b.AccFMA(1, b.Mul(dy, b.Mul(xuS, sc)), xc)
			},
		},
		{
			Name: "pserf", Doc: "sets y = x*erf(gamma*softplus(delta*x)).", Spill: true,
			Slices: []string{"y", "x"}, Params: []string{"gamma", "delta"},
			Body: func(b *B) {
				spS, sp, sc, _ := pserfParts(b, b.Load("x"), false)
				gamma := b.Param("gamma")
				rS := erfScaled(b, b.Mul(gamma, sp), b.Mul(gamma, spS), sc)
				b.Store("y", b.Mul(b.Mul(zeroSafe(b, b.Load("x"), rS), sc), rS))
			},
		},
		{
			Name: "pserfBackward",
			Doc: "sets dx = dy*(erf(u) + x*erf'(u)*gamma*s*delta), u = gamma*sp, sp = softplus(delta*x), " +
				"s = sigmoid(delta*x), and sums dy*x*erf'(u)*sp and dy*x^2*erf'(u)*gamma*s.",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"gamma", "delta"}, Sums: 2, Spill: true,
			Body: func(b *B) {
				spS, sp, sc, s64 := pserfParts(b, b.Load("x"), true)
				gamma := b.Param("gamma")
				rS, ed := erfScaledAndDeriv(b, b.Mul(gamma, sp), b.Mul(gamma, spS), sc)
				sS := b.Mul(s64, b.Div(b.C("twoM64"), sc))         // sigmoid(z)/sc, exact
				xc := clamp(b, b.Load("x"), "negOneE30", "oneE30") // erf'(u) is 0 where sp is huge: finite products
				xgsS := b.Mul(xc, b.Mul(b.Mul(ed, gamma), sS))
				dy := b.Load("dy")
				b.Store("dx", b.Mul(dy, b.Mul(b.Add(rS, b.Mul(xgsS, b.Param("delta"))), sc)))
				b.AccFMA(0, b.Mul(dy, xc), b.Mul(ed, sp))
				b.AccFMA(1, b.Mul(dy, b.Mul(xgsS, sc)), xc)
			},
		},
		{
			Name: "srs", Doc: "sets y = x/(x/alpha + exp(-x/beta)).",
			Slices: []string{"y", "x"}, Params: []string{"alpha", "beta", "invBeta"},
			Body: func(b *B) {
				_, _, _, f := srsParts(b, clamp(b, b.Load("x"), "negOneE30", "oneE30"))
				b.Store("y", f)
			},
		},
		{
			Name: "srsBackward",
			Doc: "sets dx = dy*e*(1 + x/beta)/dn^2 and sums dy*(f/alpha)^2 and dy*x*(x*e)/dn^2 " +
				"(e = exp(-|x|/beta), dn the denominator scaled as in srsParts).",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"alpha", "beta", "invBeta"}, Sums: 2,
			Body: func(b *B) {
				xc := clamp(b, b.Load("x"), "negOneE30", "oneE30")
				dy := b.Load("dy")
				e, e64, dn, f := srsParts(b, xc)
				inv := b.Div(b.C("one"), b.Mul(dn, dn))
				slope := b.Add(b.C("one"), b.Div(xc, b.Param("beta")))
				// f' = e*(1 + x/beta)/dn^2 from e*2^64, rounded once where it
				// is subnormal.
				d := b.Mul(b.Mul(b.Mul(e64, slope), inv), b.C("twoM64"))
				b.Store("dx", b.Mul(dy, d))
				fa := b.Div(f, b.Param("alpha"))
				b.AccFMA(0, b.Mul(dy, fa), fa)
				b.Acc(1, b.Mul(b.Mul(b.Mul(dy, xc), b.Mul(xc, e)), inv))
			},
		},
		{
			Name: "aconC", Doc: "sets y = x*(d*sigmoid(z) + p2), z = scale*x clamped to +-1e30 (scale = beta*d, d = p1-p2).",
			Slices: []string{"y", "x"}, Params: []string{"scale", "d", "p2"},
			Body: func(b *B) {
				x := b.Load("x")
				z := clamp(b, b.Mul(b.Param("scale"), x), "negOneE30", "oneE30")
				s := logisticOf(b, z, nil).sigmoid(b)
				c := b.Add(b.Mul(b.Param("d"), s), b.Param("p2"))
				b.Store("y", b.Mul(zeroSafe(b, x, c), c))
			},
		},
		{
			Name: "aconCBackward",
			Doc: "sets dx = dy*(d*q + p2), q = s + z*s(1-s), and sums dy*x*q, dy*x*(1-q) and dy*(d*x)^2*s(1-s) " +
				"(s = sigmoid(z), z = scale*x clamped to +-1e30, x clamped likewise in the sums).",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"scale", "d", "p2"}, Sums: 3,
			Body: func(b *B) {
				x, dy := b.Load("x"), b.Load("dy")
				z := clamp(b, b.Mul(b.Param("scale"), x), "negOneE30", "oneE30")
				l := logisticOf(b, z, nil)
				s := l.sigmoid(b)
				ds := b.Mul(b.Div(l.e64, b.Mul(l.d, l.d)), b.C("twoM64"))
				tc := clamp(b, x, "negOneE30", "oneE30")
				q := b.Add(s, b.Mul(z, ds))
				d := b.Param("d")
				b.Store("dx", b.Mul(dy, b.Add(b.Mul(d, q), b.Param("p2"))))
				dyx := b.Mul(dy, tc)
				b.AccFMA(0, dyx, q)
				b.AccFMA(1, dyx, b.Sub(b.C("one"), q))
				dxc := b.Mul(d, tc)
				b.AccFMA(2, b.Mul(dy, dxc), b.Mul(dxc, ds))
			},
		},
	}
}

// PDELU at its default t = 1.5 (p = -2), as activations/pdelu.go's float32
// code: u = min(-x/2, 1e18) for x <= 0 (0 above), b = 1+u, the negative side
// alpha*(b^-2 - 1) = alpha*(-u(2+u)/b^2) without cancellation near 0, the
// derivative alpha/b^3 (0 where b^3 overflows, its limit).
func pdeluSquareParts(b *B, x V) (u, bb V) {
	u = b.Min(b.Mul(b.C("negHalf"), b.Min(x, b.C("zero"))), b.C("oneE18"))
	return u, b.Add(b.C("one"), u)
}

// pdeluSquareNeg is -u(2+u)/b^2, the negative side over alpha.
func pdeluSquareNeg(b *B, u, bb V) V {
	return b.Div(b.Mul(b.Xor(u, b.C("signMask")), b.Add(b.C("two"), u)), b.Mul(bb, bb))
}

func pdeluKernels() []*Kernel {
	return []*Kernel{
		{
			Name: "pdeluSquare", Doc: "sets y = x > 0 ? x : alpha*((1 - x/2)^-2 - 1) (PDELU, t = 1.5).",
			Slices: []string{"y", "x"}, Params: []string{"alpha"},
			Body: func(b *B) {
				x := b.Load("x")
				u, bb := pdeluSquareParts(b, x)
				neg := b.Mul(b.Param("alpha"), pdeluSquareNeg(b, u, bb))
				b.Store("y", b.Sel(b.Cmp(predGT, x, b.C("zero")), x, neg))
			},
		},
		{
			Name: "pdeluSquareBackward", Doc: "sets dx = dy*(x > 0 ? 1 : alpha/b^3), b = 1 - min(x, 0)/2, and sums dy*((b^-2 - 1)).",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"alpha"}, Sums: 1,
			Body: func(b *B) {
				x, dy := b.Load("x"), b.Load("dy")
				u, bb := pdeluSquareParts(b, x)
				d := b.Div(b.Param("alpha"), b.Mul(b.Mul(bb, bb), bb))
				b.Store("dx", b.Mul(dy, b.Sel(b.Cmp(predGT, x, b.C("zero")), b.C("one"), d)))
				b.Acc(0, b.Mul(dy, pdeluSquareNeg(b, u, bb)))
			},
		},
	}
}

// LiSHT, x*tanh(x), fused: the tanh kernel's tanh, and in the backward pass
// its sech^2 (from the logistic pieces, exact where 1 - tanh^2 would
// cancel) applied to dy*x with x clamped to +-1e3 (sech^2 is 0 there:
// no Inf*0), as activations/lisht.go composed them.

func lishtKernels() []*Kernel {
	return []*Kernel{
		{
			Name: "lisht", Doc: "sets y = x*tanh(x).",
			Slices: []string{"y", "x"},
			Body: func(b *B) {
				x := b.Load("x")
				b.Store("y", b.Mul(x, tanhOf(b, x)))
			},
		},
		{
			Name: "lishtBackward", Doc: "sets dx = dy*(tanh(x) + x*sech(x)^2).",
			Slices: []string{"dx", "dy", "x"},
			Body: func(b *B) {
				x, dy := b.Load("x"), b.Load("dy")
				th := tanhOf(b, x)
				w := b.Mul(dy, clamp(b, x, "negOneE3", "oneE3"))
				b.Store("dx", b.Add(b.Mul(dy, th), b.Mul(w, sech2Of(b, x))))
			},
		},
	}
}

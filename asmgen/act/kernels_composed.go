package main

// GoLU, ErfAct, Pserf, SRS and ACON-C, fused: each was composed in Go from the
// exp, erf and sigmoid kernels on blocks of values, with float32 arithmetic
// between the calls; these kernels do the same float32 operations in the
// same order in one pass (forward values and input gradients were bit for
// bit those of the compositions; the parameter gradients are now lane sums),
// but for GoLU, whose gate now takes exp(-x) as a double-float and is
// carried scaled by 2^64, and SRS, whose exponential takes -|x|/beta as one
// and is carried scaled where the results are subnormal.
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
	defF("pserfTiny", 1e-30, "Pserf: below this |delta|, softplus(delta*x) is log 2 (1/delta would overflow)")
	defF("ln2", 0.6931471805599453, "log 2 rounded to float32")
	defF("softplusThreshold", 20, "Pserf's softplus takes PyTorch's default threshold")
	defF("oneE18", 1e18, "PDELU: u is clamped here, so that -Inf gives -alpha and b^2 stays finite")
}

// pserfSoftplus returns sp = softplus(delta*x) (log 2 where |delta| <
// 1e-30), as Pserf's composition formed it: the softplus kernel's body with
// beta = delta and threshold 20, times delta.
func pserfSoftplus(b *B, x V) V {
	y := softplusBeta(b, x, b.Param("delta"), b.Param("invDelta"), b.C("softplusThreshold"))
	tiny := b.Cmp(predLT, b.And(b.Param("delta"), b.C("absMask")), b.C("pserfTiny"))
	return b.Sel(tiny, b.C("ln2"), b.Mul(y, b.Param("delta")))
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

// erfActGate returns e = exp(min(beta*x, 80)) and u = alpha*e.
func erfActGate(b *B, x V) (e, u V) {
	e = expAll(b, b.Min(b.Mul(b.Param("beta"), x), b.C("eighty")))
	return e, b.Mul(b.Param("alpha"), e)
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
				_, u := erfActGate(b, x)
				r := erfOf(b, u)
				b.Store("y", b.Mul(zeroSafe(b, x, r), r))
			},
		},
		{
			Name: "erfActBackward",
			Doc: "sets dx = dy*(erf(u) + x*erf'(u)*u*beta), u = alpha*exp(beta*x), " +
				"and sums dy*x*erf'(u)*exp(beta*x) and dy*x^2*erf'(u)*u.",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"alpha", "beta"}, Sums: 2, Spill: true,
			Body: func(b *B) {
				x, dy := b.Load("x"), b.Load("dy")
				e, u := erfActGate(b, x)
				// Two exp(-u^2), not erfOfAndDeriv's one: with one, the
				// longer-lived value made this spilled body 7 % slower.
				r, ed := erfOf(b, u), erfDeriv(b, u)
				xc := clamp(b, x, "negOneE30", "oneE30")
				xu := b.Mul(xc, b.Mul(ed, u)) // erf'(u) is 0 where u or e is huge: it goes in first
				b.Store("dx", b.Mul(dy, b.Add(r, b.Mul(xu, b.Param("beta")))))
				b.AccFMA(0, b.Mul(dy, xc), b.Mul(ed, e))
				b.AccFMA(1, b.Mul(dy, xu), xc)
			},
		},
		{
			Name: "pserf", Doc: "sets y = x*erf(gamma*softplus(delta*x)).", Spill: true,
			Slices: []string{"y", "x"}, Params: []string{"gamma", "delta", "invDelta"},
			Body: func(b *B) {
				x := b.Load("x")
				e := erfOf(b, b.Mul(pserfSoftplus(b, x), b.Param("gamma")))
				b.Store("y", b.Mul(zeroSafe(b, x, e), e))
			},
		},
		{
			Name: "pserfBackward",
			Doc: "sets dx = dy*(erf(u) + x*erf'(u)*gamma*s*delta), u = gamma*sp, sp = softplus(delta*x), " +
				"s = sigmoid(delta*x), and sums dy*x*erf'(u)*sp and dy*x^2*erf'(u)*gamma*s.",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"gamma", "delta", "invDelta"}, Sums: 2, Spill: true,
			Body: func(b *B) {
				x, dy := b.Load("x"), b.Load("dy")
				sp := pserfSoftplus(b, x)
				gamma, delta := b.Param("gamma"), b.Param("delta")
				u := b.Mul(gamma, sp)
				e, ed := erfOfAndDeriv(b, u)
				s := logisticOf(b, b.Mul(delta, x), nil).sigmoid(b)
				xc := clamp(b, x, "negOneE30", "oneE30") // erf'(u) is 0 where sp is huge: finite products
				xgs := b.Mul(xc, b.Mul(b.Mul(ed, gamma), s))
				b.Store("dx", b.Mul(dy, b.Add(e, b.Mul(xgs, delta))))
				b.AccFMA(0, b.Mul(dy, xc), b.Mul(ed, sp))
				b.AccFMA(1, b.Mul(dy, xgs), xc)
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

package main

// The exponential family. Everything is built on expCore, which returns e^t
// in two parts, e^t = 2^-64 * s64 * (1 + pm1): s64 = 2^(k+64) is a normal
// float32 for every clamped t (k+64 in [-126, 127]), so a result that is
// subnormal in float32 can be computed as a normal number times s64 and
// scaled by 2^-64 last, with one rounding (the kernels' tails stay accurate
// down to the smallest subnormal), and e^t - 1 = s*pm1 + (s - 1) keeps its
// relative accuracy near 0.
//
// Where an input x only multiplies a term that vanishes (x*e^x as x -> -Inf)
// the kernels use a clamped copy of x, so that +-Inf gives 0 instead of
// Inf*0 = NaN; a NaN always propagates (Min and Max keep a NaN first
// operand).

// horner returns the polynomial with coefficients cs (highest degree first)
// at x.
func horner(b *B, x V, cs ...string) V {
	p := b.FMA(b.C(cs[0]), x, b.C(cs[1]))
	for _, c := range cs[2:] {
		p = b.FMA(p, x, b.C(c))
	}
	return p
}

// expParts is e^t = 2^-64 * s64 * (1 + pm1).
type expParts struct{ pm1, s64 V }

// expCore evaluates e^(t + tlo) (tlo, the low part of a double-float
// argument, may be nil) for t clamped below at expLo; callers keep t at most
// 43, where 2^(k+64) would overflow (every caller keeps it <= 20).
// k = round(t*log2e) by the 1.5*2^23 trick, r = t - k*ln2 with an exact
// first step, e^r - 1 = r + r^2*P(r).
func expCore(b *B, t V, tlo *V) expParts {
	return expCoreBias(b, t, tlo, b.C("expBias64"))
}

// expCoreBias is expCore with the scale's exponent offset as a vector:
// expBias64 gives s64 = 2^(k+64), expBias0 gives 2^k (normal for t in
// [-87, 88]); a lane-wise choice scales only the lanes that need it.
func expCoreBias(b *B, t V, tlo *V, bias V) expParts {
	t = b.Max(t, b.C("expLo"))
	q := b.FMA(t, b.C("log2e"), b.C("roundMagic"))
	k := b.Sub(q, b.C("roundMagic"))
	r := b.FNMA(k, b.C("ln2Hi"), t) // exact
	if tlo != nil {
		// The low part is below ulp(t)/2 where t is in range; clamping it
		// keeps a NaN (from Inf - Inf) or a huge one (t beyond the clamp)
		// out of r.
		r = b.Add(r, b.Max(b.C("negOne"), b.Min(b.C("one"), *tlo)))
	}
	r = b.FNMA(k, b.C("ln2Lo"), r)
	r2 := b.Mul(r, r)
	p := horner(b, r, "expP6", "expP5", "expP4", "expP3", "expP2")
	return expParts{
		pm1: b.FMA(r2, p, r),
		s64: b.Shl(b.ISub(q, bias), 23),
	}
}

// e64 is e^t * 2^64, rounded once.
func (e expParts) e64(b *B) V { return b.FMA(e.s64, e.pm1, e.s64) }

// exp64 is e^(t + tlo) * 2^64 (see expCore), and 0 where t is below the
// clamp at expLo: there expCore's result stays e^expLo*2^64 (normal), which
// a caller that multiplies it by a large value before scaling by 2^-64 must
// not see.
func exp64(b *B, t V, tlo *V) V {
	return b.ZeroUnless(b.Cmp(predGE, t, b.C("expLo")), expCore(b, t, tlo).e64(b))
}

// exp is e^t (subnormal results rounded twice: at most one subnormal ulp off).
func (e expParts) exp(b *B) V { return b.Mul(e.e64(b), b.C("twoM64")) }

// expm1 is e^t - 1.
func (e expParts) expm1(b *B) V {
	s := b.Mul(e.s64, b.C("twoM64"))
	return b.FMA(s, e.pm1, b.Sub(s, b.C("one")))
}

// logistic holds the pieces of sigmoid(t) = (t < 0 ? E : 1)/(1 + E) with
// E = e^-|t|: 1 - sigmoid(t) = (t < 0 ? 1 : E)/(1 + E), and
// sigmoid'(t) = E/(1 + E)^2, all without cancellation.
type logistic struct {
	e64, e, d V // E*2^64, E, 1 + E
	neg       V // mask: t < 0
}

// logisticOf evaluates the logistic pieces at t = th (+ tl).
func logisticOf(b *B, th V, tl *V) logistic {
	var l logistic
	mt := b.Or(th, b.C("signMask")) // -|th|
	var lo *V
	if tl != nil {
		// -|t| = -|th| - sign(th)*tl: flip tl unless th is negative.
		f := b.Xor(*tl, b.AndNot(b.C("signMask"), th))
		lo = &f
	}
	parts := expCore(b, mt, lo)
	l.e64 = parts.e64(b)
	l.e = b.Mul(l.e64, b.C("twoM64"))
	l.d = b.FMA(l.e64, b.C("twoM64"), b.C("one")) // 1 + E in one rounding, as 1 + fl(E)
	l.neg = b.Cmp(predLT, th, b.C("zero"))
	return l
}

// sigmoid is (t < 0 ? E : 1)/(1 + E).
func (l logistic) sigmoid(b *B) V { return b.Div(b.Sel(l.neg, l.e, b.C("one")), l.d) }

// sigmoidScaled is sigmoid(t) (or 1 - sigmoid(t) = sigmoid(-t) when
// complement) with the E in the numerator carried as E*2^64 and scaled back
// last, so that a subnormal result is rounded once.
func (l logistic) sigmoidScaled(b *B, complement bool) V {
	small, big := l.e64, b.C("twoP64")
	if complement {
		small, big = big, small
	}
	return b.Mul(b.Div(b.Sel(l.neg, small, big), l.d), b.C("twoM64"))
}

// exactQuotient returns th = fl(x/p) and tl ~ x/p - th: the residual
// x - th*p (exact by FMA) times 1/p (ip, the caller's rounding of 1/p).
func exactQuotient(b *B, x, p, ip V) (th, tl V) {
	th = b.Div(x, p)
	return th, b.Mul(b.FNMA(th, p, x), ip)
}

// tanhOf is tanh(x) = expm1(2x)/(expm1(2x) + 2), 2x clamped to [-20, 20].
func tanhOf(b *B, x V) V {
	t := clamp(b, b.Add(x, x), "negTanhClamp", "tanhClamp")
	em1 := expCore(b, t, nil).expm1(b)
	return b.Div(em1, b.Add(em1, b.C("two")))
}

// sech2Of is 1 - tanh(x)^2 = 4E/(1+E)^2, E = exp(-2|x|): no cancellation.
func sech2Of(b *B, x V) V {
	l := logisticOf(b, b.Add(x, x), nil)
	return b.Mul(b.Div(b.Mul(b.C("four"), l.e64), b.Mul(l.d, l.d)), b.C("twoM64"))
}

// softplusBeta is PyTorch's softplus with beta and threshold: x where
// beta*x > threshold, else (max(t, 0) + log1p(e^-|t|))/beta, t = beta*x
// (exact as th + tl); for t < 0 the log1p term is carried scaled by 2^64.
func softplusBeta(b *B, x, beta, invBeta, threshold V) V {
	th, tl := exactProduct(b, beta, x)
	l := logisticOf(b, th, &tl)
	l64 := log1pSmall64(b, l.e64, l.e)
	yneg := b.Mul(b.Mul(l64, invBeta), b.C("twoM64"))
	pos := b.Cmp(predGT, th, b.C("zero"))
	lin := b.Add(b.Max(th, b.C("zero")), b.FMA(l64, b.C("twoM64"), b.ZeroUnless(pos, clamp(b, tl, "negOne", "one"))))
	y := b.Sel(l.neg, yneg, b.Mul(lin, invBeta))
	return b.Sel(b.Cmp(predGT, th, threshold), x, y)
}

// clamp returns x limited to [lo, hi] (constants), NaN kept.
func clamp(b *B, x V, lo, hi string) V { return b.Max(b.Min(x, b.C(hi)), b.C(lo)) }

// log1pSmall64 is log(1 + e) for e in [0, 1] from e*2^64 and e: e*R(2e-1),
// returned scaled by 2^64 (so that it keeps its precision when e is
// subnormal).
func log1pSmall64(b *B, e64, e V) V {
	w := b.FMS(e, b.C("two"), b.C("one")) // 2e - 1, exact up to the rounding of 1 - 2e near -1
	r := horner(b, w, "log1pR9", "log1pR8", "log1pR7", "log1pR6", "log1pR5", "log1pR4", "log1pR3", "log1pR2", "log1pR1", "log1pR0")
	return b.Mul(e64, r)
}

func expKernels() []*Kernel {
	sigmoid := &Kernel{
		Name: "sigmoid", Doc: "sets y = 1/(1+exp(-x)).",
		Slices: []string{"y", "x"},
		Body: func(b *B) {
			l := logisticOf(b, b.Load("x"), nil)
			b.Store("y", l.sigmoid(b))
		},
	}
	sigmoidBackward := &Kernel{
		Name: "sigmoidBackward", Doc: "sets dx = dy*sigmoid(x)*(1-sigmoid(x)) = dy*E/(1+E)^2, E = exp(-|x|).",
		Slices: []string{"dx", "dy", "x"},
		Body: func(b *B) {
			l := logisticOf(b, b.Load("x"), nil)
			g := b.Mul(b.Div(l.e64, b.Mul(l.d, l.d)), b.C("twoM64"))
			b.Store("dx", b.Mul(b.Load("dy"), g))
		},
	}

	// SiLU and swish: y = x*sigmoid(t), t = beta*x (exact as th + tl). For
	// t < 0, y = (x*E*2^64/(1+E))*2^-64: the product keeps its precision
	// where y is subnormal. Where th is below the exp clamp, E is set to 0
	// (x may be far larger than t when beta is small).
	swishForward := func(b *B, x, th V, tl *V) V {
		l := logisticOf(b, th, tl)
		// x*E where E vanishes needs a finite x (Inf*0 = NaN). For SiLU
		// (t = x) E is at least e^expLo, and x >= -1e4 makes the product
		// vanish; with a beta, x may be far larger than t, so E is set to 0
		// below the clamp instead.
		num := b.Sel(l.neg, l.e64, b.C("one"))
		var xn V
		if tl != nil {
			num = b.ZeroUnless(b.Cmp(predGE, th, b.C("expLo")), num)
			xn = b.Sel(l.neg, clamp(b, x, "negMaxFloat", "maxFloat"), x)
		} else {
			xn = b.Max(x, b.C("negBig")) // t = x: only t < 0 uses the clamped x
		}
		y := b.Div(b.Mul(xn, num), l.d)
		return b.Sel(l.neg, b.Mul(y, b.C("twoM64")), y)
	}
	// swishGrads returns d/dx = s*(1 + t*(1-s)) = ns*(d + t*nc)/d^2 and
	// d/dbeta = x^2*s*(1-s) = x^2*E/d^2, with ns, nc = (t < 0 ? E, 1 : 1, E);
	// ns is carried scaled by 2^64 (E*2^64 or 2^64).
	swishGrads := func(b *B, x, th V, tl *V) (dfdx, dfdbeta V) {
		l := logisticOf(b, th, tl)
		one := b.C("one")
		ns64 := b.Sel(l.neg, l.e64, b.C("twoP64"))
		nc := b.Sel(l.neg, one, l.e)
		tc := clamp(b, th, "negBig", "big")
		d2 := b.Mul(l.d, l.d)
		dfdx = b.Mul(b.Div(b.Mul(ns64, b.FMA(tc, nc, l.d)), d2), b.C("twoM64"))
		if tl == nil {
			return dfdx, V{}
		}
		xc := clamp(b, x, "negTwoP60", "twoP60")
		return dfdx, b.Mul(b.Mul(xc, xc), b.Div(l.e, d2))
	}
	silu := &Kernel{
		Name: "silu", Doc: "sets y = x*sigmoid(x).",
		Slices: []string{"y", "x"},
		Body: func(b *B) {
			x := b.Load("x")
			b.Store("y", swishForward(b, x, x, nil))
		},
	}
	siluBackward := &Kernel{
		Name: "siluBackward", Doc: "sets dx = dy*(s + x*s*(1-s)), s = sigmoid(x).",
		Slices: []string{"dx", "dy", "x"},
		Body: func(b *B) {
			x := b.Load("x")
			g, _ := swishGrads(b, x, x, nil)
			b.Store("dx", b.Mul(b.Load("dy"), g))
		},
	}
	swishBody := func(row bool) func(b *B) {
		return func(b *B) {
			x := b.Load("x")
			beta := param(b, row, "beta")
			th, tl := exactProduct(b, beta, x)
			b.Store("y", swishForward(b, x, th, &tl))
		}
	}
	swishBackwardBody := func(row bool) func(b *B) {
		return func(b *B) {
			x, dy := b.Load("x"), b.Load("dy")
			th, tl := exactProduct(b, param(b, row, "beta"), x)
			g, gb := swishGrads(b, x, th, &tl)
			b.Store("dx", b.Mul(dy, g))
			grad(b, row, 0, "gbeta", dy, gb)
		}
	}
	swish := &Kernel{
		Name: "swish", Doc: "sets y = x*sigmoid(beta*x).",
		Slices: []string{"y", "x"}, Params: []string{"beta"}, Body: swishBody(false),
	}
	swishBackward := &Kernel{
		Name: "swishBackward", Doc: "sets dx = dy*d/dx(x*sigmoid(beta*x)) and sums dy*x^2*s*(1-s).",
		Slices: []string{"dx", "dy", "x"}, Params: []string{"beta"}, Sums: 1, Body: swishBackwardBody(false),
	}
	swishRow := &Kernel{
		Name: "swishRow", Doc: "sets y = x*sigmoid(beta*x) elementwise.",
		Slices: []string{"y", "x", "beta"}, Body: swishBody(true),
	}
	swishRowBackward := &Kernel{
		Name: "swishRowBackward", Doc: "sets dx = dy*d/dx(x*sigmoid(beta*x)), gbeta += dy*x^2*s*(1-s) elementwise.",
		Slices: []string{"dx", "dy", "x", "beta", "gbeta"}, Body: swishBackwardBody(true),
	}

	// Softplus with PyTorch's threshold: y = x where beta*x > threshold,
	// else (max(t, 0) + log1p(e^-|t|))/beta, t = beta*x (exact as th + tl);
	// for t < 0 the log1p term is carried scaled by 2^64.
	softplus := &Kernel{
		Name: "softplus", Doc: "sets y = beta*x > threshold ? x : log(1+exp(beta*x))/beta.",
		Slices: []string{"y", "x"}, Params: []string{"beta", "invBeta", "threshold"},
		Body: func(b *B) {
			x := b.Load("x")
			b.Store("y", softplusBeta(b, x, b.Param("beta"), b.Param("invBeta"), b.Param("threshold")))
		},
	}
	softplusBackward := &Kernel{
		Name: "softplusBackward", Doc: "sets dx = dy*(beta*x > threshold ? 1 : sigmoid(beta*x)).",
		Slices: []string{"dx", "dy", "x"}, Params: []string{"beta", "threshold"},
		Body: func(b *B) {
			x := b.Load("x")
			th, tl := exactProduct(b, b.Param("beta"), x)
			l := logisticOf(b, th, &tl)
			s := b.Sel(b.Cmp(predGT, th, b.Param("threshold")), b.C("one"), l.sigmoidScaled(b, false))
			b.Store("dx", b.Mul(b.Load("dy"), s))
		},
	}
	// logsigmoid(x) = min(x, 0) - log1p(e^-|x|).
	logsigmoid := &Kernel{
		Name: "logsigmoid", Doc: "sets y = log(sigmoid(x)) = min(x, 0) - log(1+exp(-|x|)).",
		Slices: []string{"y", "x"},
		Body: func(b *B) {
			x := b.Load("x")
			l := logisticOf(b, x, nil)
			l64 := log1pSmall64(b, l.e64, l.e)
			neg := b.FNMA(l64, b.C("twoM64"), x) // x - log1p(E)
			pos := b.Mul(b.Xor(l64, b.C("signMask")), b.C("twoM64"))
			b.Store("y", b.Sel(b.Cmp(predGT, x, b.C("zero")), pos, neg))
		},
	}
	logsigmoidBackward := &Kernel{
		Name: "logsigmoidBackward", Doc: "sets dx = dy*sigmoid(-x).",
		Slices: []string{"dx", "dy", "x"},
		Body: func(b *B) {
			l := logisticOf(b, b.Load("x"), nil)
			b.Store("dx", b.Mul(b.Load("dy"), l.sigmoidScaled(b, true)))
		},
	}

	// tanh(x) = expm1(2x)/(expm1(2x) + 2) on 2x clamped to [-20, 20];
	// tanh'(x) = 4E/(1+E)^2, E = e^-2|x|.
	tanh := &Kernel{
		Name: "tanh", Doc: "sets y = tanh(x).",
		Slices: []string{"y", "x"},
		Body: func(b *B) {
			b.Store("y", tanhOf(b, b.Load("x")))
		},
	}
	tanhBackward := &Kernel{
		Name: "tanhBackward", Doc: "sets dx = dy*(1 - tanh(x)^2) = dy*4E/(1+E)^2, E = exp(-2|x|).",
		Slices: []string{"dx", "dy", "x"},
		Body: func(b *B) {
			b.Store("dx", b.Mul(b.Load("dy"), sech2Of(b, b.Load("x"))))
		},
	}

	// ELU and SELU: y = x > 0 ? pos*x : neg*expm1(x) (pos = scale,
	// neg = scale*alpha); the derivative at 0 is the left one (PyTorch).
	elu := &Kernel{
		Name: "elu", Doc: "sets y = x > 0 ? pos*x : neg*(exp(x)-1).",
		Slices: []string{"y", "x"}, Params: []string{"pos", "neg"},
		Body: func(b *B) {
			x := b.Load("x")
			em1 := expCore(b, b.Min(x, b.C("zero")), nil).expm1(b)
			y := b.Sel(b.Cmp(predGT, x, b.C("zero")), b.Mul(x, b.Param("pos")), b.Mul(em1, b.Param("neg")))
			b.Store("y", y)
		},
	}
	eluBackward := &Kernel{
		Name: "eluBackward", Doc: "sets dx = dy*(x > 0 ? pos : neg*exp(x)).",
		Slices: []string{"dx", "dy", "x"}, Params: []string{"pos", "neg"},
		Body: func(b *B) {
			x := b.Load("x")
			e64 := expCore(b, b.Min(x, b.C("zero")), nil).e64(b)
			g := b.Sel(b.Cmp(predGT, x, b.C("zero")), b.Param("pos"), b.Mul(b.Mul(e64, b.Param("neg")), b.C("twoM64")))
			b.Store("dx", b.Mul(b.Load("dy"), g))
		},
	}
	// CELU: y = x > 0 ? x : alpha*expm1(x/alpha), x/alpha as a
	// double-float (quotient and scaled residual).
	celu := &Kernel{
		Name: "celu", Doc: "sets y = x > 0 ? x : alpha*(exp(x/alpha)-1).",
		Slices: []string{"y", "x"}, Params: []string{"alpha", "invAlpha"},
		Body: func(b *B) {
			x := b.Load("x")
			alpha := b.Param("alpha")
			th, tl := exactQuotient(b, b.Min(x, b.C("zero")), alpha, b.Param("invAlpha"))
			em1 := expCore(b, th, &tl).expm1(b)
			b.Store("y", b.Sel(b.Cmp(predGT, x, b.C("zero")), x, b.Mul(em1, alpha)))
		},
	}
	celuBackward := &Kernel{
		Name: "celuBackward", Doc: "sets dx = dy*(x > 0 ? 1 : exp(x/alpha)).",
		Slices: []string{"dx", "dy", "x"}, Params: []string{"alpha", "invAlpha"},
		Body: func(b *B) {
			x := b.Load("x")
			th, tl := exactQuotient(b, b.Min(x, b.C("zero")), b.Param("alpha"), b.Param("invAlpha"))
			e := expCore(b, th, &tl).exp(b)
			g := b.Sel(b.Cmp(predGT, x, b.C("zero")), b.C("one"), e)
			b.Store("dx", b.Mul(b.Load("dy"), g))
		},
	}

	// PELU: y = x >= 0 ? (a/b)*x : a*expm1(x/b), trainable a, b.
	//
	//	df/dx = (a/b)*E,   E = x >= 0 ? 1 : exp(x/b)
	//	df/da = x >= 0 ? x/b : expm1(x/b)
	//	df/db = -(a/b)*(x/b)*E
	//
	// The shared kernel sums dy*df/da and dy*(x/b)*E; the caller
	// multiplies the second by -a/b. The row kernel accumulates both
	// gradients per element.
	// peluParams returns a, b, a/b and 1/b (per element in row kernels,
	// where the shared kernels get a/b and 1/b from the caller).
	peluParams := func(b *B, row bool) (pa, pb, ab, ib V) {
		pa, pb = param(b, row, "a"), param(b, row, "b")
		if row {
			return pa, pb, b.Div(pa, pb), b.Div(b.C("one"), pb)
		}
		return pa, pb, b.Param("ab"), b.Param("invB")
	}
	peluForward := func(b *B, row bool) {
		x := b.Load("x")
		pa, pb, ab, ib := peluParams(b, row)
		th, tl := exactQuotient(b, b.Min(x, b.C("zero")), pb, ib)
		em1 := expCore(b, th, &tl).expm1(b)
		b.Store("y", b.Sel(b.Cmp(predGE, x, b.C("zero")), b.Mul(ab, x), b.Mul(pa, em1)))
	}
	peluBackward := func(b *B, row bool) {
		x, dy := b.Load("x"), b.Load("dy")
		_, pb, ab, ib := peluParams(b, row)
		t, tl := exactQuotient(b, x, pb, ib)
		parts := expCore(b, b.Min(t, b.C("zero")), &tl)
		nonneg := b.Cmp(predGE, x, b.C("zero"))
		e64 := b.Sel(nonneg, b.C("twoP64"), parts.e64(b)) // E*2^64
		dfda := b.Sel(nonneg, t, parts.expm1(b))
		te := b.Mul(b.Mul(clamp(b, t, "negMaxFloat", "maxFloat"), e64), b.C("twoM64"))
		b.Store("dx", b.Mul(dy, b.Mul(b.Mul(ab, e64), b.C("twoM64"))))
		if row {
			grad(b, true, 0, "ga", dy, dfda)
			grad(b, true, 1, "gb", dy, b.Mul(b.Xor(ab, b.C("signMask")), te))
		} else {
			grad(b, false, 0, "", dy, dfda)
			grad(b, false, 1, "", dy, te)
		}
	}
	pelu := &Kernel{
		Name: "pelu", Doc: "sets y = x >= 0 ? ab*x : a*(exp(x/b)-1), ab = a/b.",
		Slices: []string{"y", "x"}, Params: []string{"a", "b", "ab", "invB"},
		Body: func(b *B) { peluForward(b, false) },
	}
	peluBackwardK := &Kernel{
		Name: "peluBackward", Doc: "sets dx = dy*ab*E and sums dy*df/da and dy*(x/b)*E, E = x >= 0 ? 1 : exp(x/b).",
		Slices: []string{"dx", "dy", "x"}, Params: []string{"a", "b", "ab", "invB"}, Sums: 2,
		Body: func(b *B) { peluBackward(b, false) },
	}
	peluRow := &Kernel{
		Name: "peluRow", Doc: "sets y = x >= 0 ? (a/b)*x : a*(exp(x/b)-1) elementwise.",
		Slices: []string{"y", "x", "a", "b"},
		Body:   func(b *B) { peluForward(b, true) },
	}
	peluRowBackward := &Kernel{
		Name: "peluRowBackward", Doc: "sets dx = dy*(a/b)*E, ga += dy*df/da, gb += dy*df/db elementwise.",
		Slices: []string{"dx", "dy", "x", "a", "b", "ga", "gb"},
		Body:   func(b *B) { peluBackward(b, true) },
	}

	// Mish: y = x*tanh(softplus(x)) = x*n/(n+2), n = e^2 + 2e, e = exp(x)
	// (x clamped to 20 for e). tsp64 = tanh(softplus(x))*2^64 keeps its
	// precision where e is subnormal; y = x*tsp for x >= 0 and
	// (x*tsp64)*2^-64 for x < 0. Also returned: e and e64 = e*2^64,
	// n64 = n*2^64 and w = n + 2.
	mishParts := func(b *B, x V) (tsp64, e, e64, n64, w V) {
		parts := expCore(b, b.Min(x, b.C("mishClamp")), nil)
		e64 = parts.e64(b)
		e = b.Mul(e64, b.C("twoM64"))
		n64 = b.FMA(e64, e, b.Add(e64, e64)) // (e^2 + 2e)*2^64, rounded once
		w = b.FMA(n64, b.C("twoM64"), b.C("two"))
		return b.Div(n64, w), e, e64, n64, w
	}
	mish := &Kernel{
		Name: "mish", Doc: "sets y = x*tanh(log(1+exp(x))).",
		Slices: []string{"y", "x"},
		Body: func(b *B) {
			x := b.Load("x")
			tsp64, _, _, _, _ := mishParts(b, x)
			m64 := b.C("twoM64")
			neg := b.Mul(b.Mul(b.Max(x, b.C("negBig")), tsp64), m64)
			pos := b.Mul(x, b.Mul(tsp64, m64))
			b.Store("y", b.Sel(b.Cmp(predLT, x, b.C("zero")), neg, pos))
		},
	}
	// mish'(x) = tsp + x*(1 - tsp^2)*sigmoid(x), 1 - tsp^2 = 2(1+tsp)/w
	// (as 1 - tsp = 2/w), sigmoid(x) = e/(1+e); evaluated scaled by 2^64
	// and scaled back last.
	mishBackward := &Kernel{
		Name: "mishBackward", Doc: "sets dx = dy*(tsp + x*(1-tsp^2)*sigmoid(x)), tsp = tanh(softplus(x)).",
		Slices: []string{"dx", "dy", "x"},
		Body: func(b *B) {
			x := b.Load("x")
			tsp64, e, e64, _, w := mishParts(b, x)
			tsp1 := b.FMA(tsp64, b.C("twoM64"), b.C("one")) // 1 + tsp
			num := b.Mul(tsp1, b.Add(e64, e64))
			den := b.Mul(w, b.Add(e, b.C("one")))
			g64 := b.FMA(clamp(b, x, "negBig", "big"), b.Div(num, den), tsp64)
			b.Store("dx", b.Mul(b.Load("dy"), b.Mul(g64, b.C("twoM64"))))
		},
	}

	return []*Kernel{
		sigmoid, sigmoidBackward, silu, siluBackward, swish, swishBackward, swishRow, swishRowBackward,
		softplus, softplusBackward, logsigmoid, logsigmoidBackward, tanh, tanhBackward,
		elu, eluBackward, celu, celuBackward, pelu, peluBackwardK, peluRow, peluRowBackward,
		mish, mishBackward,
	}
}

// param is a parameter: a broadcast scalar, or (row kernels) the slice of
// per-element values of the same name.
func param(b *B, row bool, name string) V {
	if row {
		return b.Load(name)
	}
	return b.Param(name)
}

// grad adds dy*g to parameter gradient j: into lane sum j, or (row
// kernels) into slice name elementwise.
func grad(b *B, row bool, j int, name string, dy, g V) {
	if row {
		b.Store(name, b.FMA(dy, g, b.Load(name)))
		return
	}
	b.AccFMA(j, dy, g)
}

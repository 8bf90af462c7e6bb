package main

// GELU. The exact form, x*Phi(x), evaluates the normal tail Phi(-|x|) =
// exp(-x^2/2)*R(|x|) with a rational R (consts.go) for every x (no
// cancellation for x < 0, where x*Phi(x) is tiny) and Phi(x) = 1 - Phi(-x)
// for x >= 0; x^2/2 is formed exactly (product plus FMA residual), so the
// exponential does not amplify its rounding. The tanh form is
// x*sigmoid(v), v = 2*sqrt(2/pi)*(x + 0.044715*x^3), which equals
// x/2*(1 + tanh(v/2)) without its cancellation for x < 0; v is formed as a
// double-float (its constants too), since sigmoid's relative error in the
// left tail is |v| times the absolute error of v.

// normalTail returns w64 = Phi(-|x|)*2^64 and e64 = exp(-x^2/2)*2^64.
func normalTail(b *B, x V) (w64, e64 V) {
	hx := b.Mul(x, b.C("half"))
	u := b.Mul(hx, x)     // x^2/2, rounded
	ul := b.FMS(hx, x, u) // its rounding error, exact
	sign := b.C("signMask")
	tlo := b.Xor(ul, sign)
	e64 = expCore(b, b.Xor(u, sign), &tlo).e64(b)
	a := b.Min(b.And(x, b.C("absMask")), b.C("phiAMax"))
	p := horner(b, a, "phiP4", "phiP3", "phiP2", "phiP1", "phiP0")
	q := horner(b, a, "phiQ5", "phiQ4", "phiQ3", "phiQ2", "phiQ1", "one")
	return b.Mul(e64, b.Div(p, q)), e64
}

func geluKernels() []*Kernel {
	gelu := &Kernel{
		Name: "gelu", Doc: "sets y = x*Phi(x), Phi the standard normal CDF.",
		Slices: []string{"y", "x"},
		Body: func(b *B) {
			x := b.Load("x")
			w64, _ := normalTail(b, x)
			m64 := b.C("twoM64")
			pos := b.Mul(x, b.FNMA(w64, m64, b.C("one"))) // x*(1 - Phi(-x))
			neg := b.Mul(b.Mul(b.Max(x, b.C("negBig")), w64), m64)
			b.Store("y", b.Sel(b.Cmp(predLT, x, b.C("zero")), neg, pos))
		},
	}
	// gelu'(x) = Phi(x) + x*phi(x), phi(x) = exp(-x^2/2)/sqrt(2*pi).
	geluBackward := &Kernel{
		Name: "geluBackward", Doc: "sets dx = dy*(Phi(x) + x*phi(x)).",
		Slices: []string{"dx", "dy", "x"},
		Body: func(b *B) {
			x := b.Load("x")
			w64, e64 := normalTail(b, x)
			m64 := b.C("twoM64")
			xphi64 := b.Mul(b.Mul(clamp(b, x, "negBig", "big"), e64), b.C("invSqrt2Pi"))
			neg := b.Mul(b.Add(w64, xphi64), m64)
			pos := b.FMA(xphi64, m64, b.FNMA(w64, m64, b.C("one")))
			g := b.Sel(b.Cmp(predLT, x, b.C("zero")), neg, pos)
			b.Store("dx", b.Mul(b.Load("dy"), g))
		},
	}
	// tanh form: y = x*sigmoid(v), deferred scaling as SiLU.
	//
	// v = c1*x + c2*x^3 as vh + vl: x^3 = x*(x2h + x2l) = ph + pl', with
	// x2h + x2l = x^2 and ph + pl = x*x2h exact (FMA residuals); A = c1h*x and
	// B = c2h*ph exact as Ah + Al, Bh + Bl; vh = Ah + Bh with its rounding
	// error e (TwoSum; Ah and Bh have x's sign, so they do not cancel);
	// vl = e + Al + Bl + c2h*pl' + c1l*x + c2l*ph.
	geluTanhV := func(b *B, x V) (vh, vl V) {
		x2h := b.Mul(x, x)
		x2l := b.FMS(x, x, x2h)
		ph := b.Mul(x, x2h)
		pl := b.FMA(x, x2l, b.FMS(x, x2h, ph))
		c1h, c1l, c2h, c2l := b.C("geluC1"), b.C("geluC1Lo"), b.C("geluC2"), b.C("geluC2Lo")
		ah := b.Mul(c1h, x)
		al := b.FMS(c1h, x, ah)
		bh := b.Mul(c2h, ph)
		bl := b.FMS(c2h, ph, bh)
		vh = b.Add(ah, bh)
		z := b.Sub(vh, ah)
		e := b.Add(b.Sub(ah, b.Sub(vh, z)), b.Sub(bh, z))
		lo := b.FMA(c2l, ph, b.FMA(c1l, x, b.FMA(c2h, pl, b.Add(al, bl))))
		return vh, b.Add(e, lo)
	}
	geluTanh := &Kernel{
		Name: "geluTanh", Doc: "sets y = x/2*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x^3))).",
		Slices: []string{"y", "x"},
		Body: func(b *B) {
			x := b.Load("x")
			vh, vl := geluTanhV(b, x)
			l := logisticOf(b, vh, &vl)
			xn := b.Sel(l.neg, clamp(b, x, "negBig", "maxFloat"), x)
			num := b.Sel(l.neg, l.e64, b.C("one"))
			y := b.Div(b.Mul(xn, num), l.d)
			b.Store("y", b.Sel(l.neg, b.Mul(y, b.C("twoM64")), y))
		},
	}
	// d/dx = sigmoid(v) + x*sigmoid'(v)*v', v' = c1 + 3*c2*x^2, as
	// ((ns*2^64)*d + x*E*2^64*v')/d^2 * 2^-64.
	geluTanhBackward := &Kernel{
		Name: "geluTanhBackward", Doc: "sets dx = dy*d/dx[x/2*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x^3)))].",
		Slices: []string{"dx", "dy", "x"},
		Body: func(b *B) {
			x := b.Load("x")
			vh, vl := geluTanhV(b, x)
			l := logisticOf(b, vh, &vl)
			xc := clamp(b, x, "negBig", "big")
			vp := b.FMA(b.C("geluC2x3"), b.Mul(xc, xc), b.C("geluC1"))
			ns64 := b.Sel(l.neg, l.e64, b.C("twoP64"))
			num := b.FMA(b.Mul(xc, l.e64), vp, b.Mul(ns64, l.d))
			g := b.Mul(b.Div(num, b.Mul(l.d, l.d)), b.C("twoM64"))
			b.Store("dx", b.Mul(b.Load("dy"), g))
		},
	}
	return []*Kernel{gelu, geluBackward, geluTanh, geluTanhBackward}
}

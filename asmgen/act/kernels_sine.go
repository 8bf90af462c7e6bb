package main

// The sine (Sin, PVLU): k = round(t/pi) by the 1.5*2^23 trick (the sum's
// lowest mantissa bit is k's parity, the sign to apply), r = t - k*pi by
// two-part Cody-Waite with FMA (the first step is exact), r clamped to
// [-clampR, clampR] (the polynomials' interval: it keeps the result bounded
// for any finite t) and the minimax polynomials of consts.go. PVLU forms
// t = b*x exactly: t = fl(b*x) plus e = fma(b, x, -t), added to r.

// exactProduct returns t = fl(b*x) and e = b*x - t (exact, by FMA).
func exactProduct(b *B, p, x V) (t, e V) {
	t = b.Mul(p, x)
	return t, b.FMS(p, x, t)
}

// reduceByPi returns r in [-clampR, clampR] with t (+ e) = k*pi + r and q,
// whose lowest bit is k's parity.
func reduceByPi(b *B, t V, e *V) (r, q V) {
	q = b.FMA(t, b.C("invPi"), b.C("roundMagic"))
	k := b.Sub(q, b.C("roundMagic"))
	r = b.FNMA(k, b.C("pi1"), t) // exact
	if e != nil {
		r = b.Add(r, *e)
	}
	r = b.FNMA(k, b.C("pi2"), r)
	r = b.Min(r, b.C("clampR"))
	r = b.Max(r, b.C("negClampR"))
	return r, q
}

// parityToSign moves q's lowest bit to the sign position.
func parityToSign(b *B, q V) V { return b.Shl(q, 31) }

// sinPoly returns sin(r) and r*r.
func sinPoly(b *B, r V) (sin, r2 V) {
	r2 = b.Mul(r, r)
	p := b.FMA(b.C("sinS9"), r2, b.C("sinS7"))
	p = b.FMA(p, r2, b.C("sinS5"))
	p = b.FMA(p, r2, b.C("sinS3"))
	r3 := b.Mul(r2, r)
	return b.FMA(p, r3, r), r2
}

// cosPoly returns cos(r) from r2 = r*r.
func cosPoly(b *B, r2 V) V {
	p := b.FMA(b.C("cosC10"), r2, b.C("cosC8"))
	p = b.FMA(p, r2, b.C("cosC6"))
	p = b.FMA(p, r2, b.C("cosC4"))
	p = b.FMA(p, r2, b.C("cosC2"))
	return b.FMA(p, r2, b.C("one"))
}

func sineKernels() []*Kernel {
	return []*Kernel{
		{
			Name: "sin", Doc: "sets y = sin(x).",
			Slices: []string{"y", "x"},
			Body: func(b *B) {
				r, q := reduceByPi(b, b.Load("x"), nil)
				s, _ := sinPoly(b, r)
				b.Store("y", b.Xor(s, parityToSign(b, q)))
			},
		},
		{
			Name: "pvlu", Doc: "sets y = max(0, x) + a*sin(b*x).",
			Slices: []string{"y", "x"}, Params: []string{"a", "b"},
			Body: func(b *B) {
				x := b.Load("x")
				t, e := exactProduct(b, b.Param("b"), x)
				r, q := reduceByPi(b, t, &e)
				s, _ := sinPoly(b, r)
				as := b.Xor(b.Param("a"), parityToSign(b, q)) // a*(-1)^k
				b.Store("y", b.FMA(as, s, b.Max(x, b.C("zero"))))
			},
		},
		{
			Name:   "pvluBackward",
			Doc:    "sets dx = dy*([x > 0] + ab*cos(b*x)) and sums dy*sin(b*x) and dy*x*cos(b*x).",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"b", "ab"}, Sums: 2,
			Body: func(b *B) {
				x, dy := b.Load("x"), b.Load("dy")
				t, e := exactProduct(b, b.Param("b"), x)
				r, q := reduceByPi(b, t, &e)
				s, r2 := sinPoly(b, r)
				c := cosPoly(b, r2)
				dys := b.Xor(dy, parityToSign(b, q)) // dy*(-1)^k
				b.AccFMA(0, s, dys)
				w := b.Mul(c, dys) // dy*cos(b*x)
				b.AccFMA(1, x, w)
				d := b.ZeroUnless(b.Cmp(predGT, x, b.C("zero")), dy)
				b.Store("dx", b.FMA(b.Param("ab"), w, d))
			},
		},
		{
			Name: "pvluRow", Doc: "sets y = max(0, x) + a*sin(b*x) elementwise.",
			Slices: []string{"y", "x", "a", "b"},
			Body: func(b *B) {
				x := b.Load("x")
				t, e := exactProduct(b, b.Load("b"), x)
				r, q := reduceByPi(b, t, &e)
				s, _ := sinPoly(b, r)
				as := b.Xor(b.Load("a"), parityToSign(b, q))
				b.Store("y", b.FMA(as, s, b.Max(x, b.C("zero"))))
			},
		},
		{
			Name:   "pvluRowBackward",
			Doc:    "sets dx = dy*([x > 0] + a*b*cos(b*x)), ga += dy*sin(b*x), gb += dy*a*x*cos(b*x) elementwise.",
			Slices: []string{"dx", "dy", "x", "a", "b", "ga", "gb"},
			Body: func(b *B) {
				x, dy, pb := b.Load("x"), b.Load("dy"), b.Load("b")
				t, e := exactProduct(b, pb, x)
				r, q := reduceByPi(b, t, &e)
				s, r2 := sinPoly(b, r)
				c := cosPoly(b, r2)
				dys := b.Xor(dy, parityToSign(b, q))
				b.Store("ga", b.FMA(s, dys, b.Load("ga")))
				wa := b.Mul(b.Load("a"), b.Mul(c, dys)) // dy*a*cos(b*x)
				b.Store("gb", b.FMA(x, wa, b.Load("gb")))
				d := b.ZeroUnless(b.Cmp(predGT, x, b.C("zero")), dy)
				b.Store("dx", b.FMA(pb, wa, d))
			},
		},
	}
}

// Snake: y = x + sin(a*x)^2/a; dy/dx = 1 + sin(2ax) = 1 + 2*sin*cos (the
// parity signs cancel in sin^2 and sin*cos); dy/da = (x*sin(2ax) -
// sin^2/a)/a. The shared kernel sums dy*(x*sin(2ax) - sin^2/a); the caller
// divides by a.
func snakeKernels() []*Kernel {
	parts := func(b *B, row bool) (x, s, r2, invA V) {
		x = b.Load("x")
		a := param(b, row, "a")
		if row {
			invA = b.Div(b.C("one"), a)
		} else {
			invA = b.Param("invA")
		}
		t, e := exactProduct(b, a, x)
		r, _ := reduceByPi(b, t, &e)
		s, r2 = sinPoly(b, r)
		return x, s, r2, invA
	}
	fwd := func(row bool) func(b *B) {
		return func(b *B) {
			x, s, _, invA := parts(b, row)
			b.Store("y", b.FMA(b.Mul(s, s), invA, x))
		}
	}
	bwd := func(row bool) func(b *B) {
		return func(b *B) {
			x, s, r2, invA := parts(b, row)
			dy := b.Load("dy")
			s2 := b.Mul(b.Add(s, s), cosPoly(b, r2)) // sin(2ax)
			b.Store("dx", b.FMA(dy, s2, dy))
			term := b.FNMA(b.Mul(s, s), invA, b.Mul(x, s2))
			if row {
				grad(b, true, 0, "ga", dy, b.Mul(term, invA))
			} else {
				grad(b, false, 0, "", dy, term)
			}
		}
	}
	return []*Kernel{
		{Name: "snake", Doc: "sets y = x + sin(a*x)^2*invA (invA = 1/a).",
			Slices: []string{"y", "x"}, Params: []string{"a", "invA"}, Body: fwd(false)},
		{Name: "snakeBackward", Doc: "sets dx = dy*(1 + sin(2ax)) and sums dy*(x*sin(2ax) - sin(ax)^2*invA).",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"a", "invA"}, Sums: 1, Body: bwd(false)},
		{Name: "snakeRow", Doc: "sets y = x + sin(a*x)^2/a elementwise.",
			Slices: []string{"y", "x", "a"}, Body: fwd(true)},
		{Name: "snakeRowBackward", Doc: "sets dx = dy*(1 + sin(2ax)), ga += dy*(x*sin(2ax) - sin(ax)^2/a)/a elementwise.",
			Slices: []string{"dx", "dy", "x", "a", "ga"}, Body: bwd(true)},
	}
}

// SinLU: y = u*sigmoid(x), u = x + a*sin(bx);
//
//	dy/dx = (1 + a*b*cos(bx))*s + u*s*(1-s)
//	dy/da = sin(bx)*s,  dy/db = a*x*cos(bx)*s
//
// The shared kernel sums dy*sin(bx)*s and dy*x*cos(bx)*s; the caller
// multiplies the second by a. The forward scales like SiLU's where s is
// subnormal.
func sinluKernels() []*Kernel {
	parts := func(b *B, row bool) (x, sn, cs, pa, pb V, l logistic) {
		x = b.Load("x")
		pa, pb = param(b, row, "a"), param(b, row, "b")
		t, e := exactProduct(b, pb, x)
		r, q := reduceByPi(b, t, &e)
		s, r2 := sinPoly(b, r)
		sg := parityToSign(b, q)
		sn = b.Xor(s, sg)
		cs = b.Xor(cosPoly(b, r2), sg)
		return x, sn, cs, pa, pb, logisticOf(b, x, nil)
	}
	fwd := func(row bool) func(b *B) {
		return func(b *B) {
			x := b.Load("x")
			pa, pb := param(b, row, "a"), param(b, row, "b")
			t, e := exactProduct(b, pb, x)
			r, q := reduceByPi(b, t, &e)
			s, _ := sinPoly(b, r)
			u := b.FMA(b.Xor(pa, parityToSign(b, q)), s, x)
			l := logisticOf(b, x, nil)
			un := b.Sel(l.neg, clamp(b, u, "negBig", "maxFloat"), u)
			y := b.Div(b.Mul(un, b.Sel(l.neg, l.e64, b.C("one"))), l.d)
			b.Store("y", b.Sel(l.neg, b.Mul(y, b.C("twoM64")), y))
		}
	}
	bwd := func(row bool) func(b *B) {
		return func(b *B) {
			x, sn, cs, pa, pb, l := parts(b, row)
			dy := b.Load("dy")
			one := b.C("one")
			u := b.FMA(pa, sn, x)
			// s and s*(1-s) scaled by 2^64 (subnormal where x < -87).
			invd := b.Div(one, l.d)
			sig64 := b.Mul(b.Sel(l.neg, l.e64, b.C("twoP64")), invd)
			sp64 := b.Mul(b.Mul(sig64, b.Sel(l.neg, one, l.e)), invd)
			onePlus := b.FMA(b.Mul(pa, pb), cs, one) // 1 + a*b*cos(bx)
			g := b.FMA(clamp(b, u, "negBig", "big"), sp64, b.Mul(onePlus, sig64))
			b.Store("dx", b.Mul(dy, b.Mul(g, b.C("twoM64"))))
			sig := b.Mul(sig64, b.C("twoM64"))
			xcs := b.Mul(b.Mul(clamp(b, x, "negBig", "big"), cs), sig) // x*cos(bx)*s
			if row {
				grad(b, true, 0, "ga", dy, b.Mul(sn, sig))
				grad(b, true, 1, "gb", dy, b.Mul(pa, xcs))
			} else {
				grad(b, false, 0, "", dy, b.Mul(sn, sig))
				grad(b, false, 1, "", dy, xcs)
			}
		}
	}
	return []*Kernel{
		{Name: "sinlu", Doc: "sets y = (x + a*sin(b*x))*sigmoid(x).",
			Slices: []string{"y", "x"}, Params: []string{"a", "b"}, Body: fwd(false)},
		{Name: "sinluBackward", Doc: "sets dx = dy*dy/dx and sums dy*sin(bx)*s and dy*x*cos(bx)*s, s = sigmoid(x).",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"a", "b"}, Sums: 2, Body: bwd(false)},
		{Name: "sinluRow", Doc: "sets y = (x + a*sin(b*x))*sigmoid(x) elementwise.",
			Slices: []string{"y", "x", "a", "b"}, Body: fwd(true)},
		{Name: "sinluRowBackward", Doc: "sets dx = dy*dy/dx, ga += dy*sin(bx)*s, gb += dy*a*x*cos(bx)*s elementwise.",
			Slices: []string{"dx", "dy", "x", "a", "b", "ga", "gb"}, Body: bwd(true)},
	}
}

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

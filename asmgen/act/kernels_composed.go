package main

// GoLU, SRS and ACON-C, fused: each was composed in Go from the
// exp, erf and sigmoid kernels on blocks of values, with float32 arithmetic
// between the calls; these kernels do the same float32 operations in the
// same order in one pass (forward values and input gradients are bit for bit
// those of the compositions; the parameter gradients are now lane sums).
// The clamps are the compositions' (activations/golu.go, srs.go and
// aconc.go say why each is there). (ErfAct, exp then erf, needs more
// registers than avo's allocator finds on AVX-512 and stays composed.)

func init() {
	defF("negFifty", -50, "GoLU: below, the gate exp(-exp(-x)) is 0 and exp(-x) still finite")
	defF("oneE3", 1e3, "GoLU's derivative: above, exp(-x) is 0")
	defF("oneE30", 1e30, "x clamped to +-1e30 keeps products with it finite")
	defF("negOneE30", -1e30, "-1e30")
}

// goluGate returns e = exp(-max(x, -50)) and the gate G = exp(-e).
func goluGate(b *B, x V) (e, g V) {
	e = expAll(b, b.Xor(b.Max(x, b.C("negFifty")), b.C("signMask")))
	return e, expAll(b, b.Xor(e, b.C("signMask")))
}

// zeroSafe is x, clamped to +-maxFloat where the factor c is 0 (x*c is
// then 0, its limit, not Inf*0).
func zeroSafe(b *B, x, c V) V {
	return b.Sel(b.Cmp(predEQ, c, b.C("zero")), clamp(b, x, "negMaxFloat", "maxFloat"), x)
}

// srsParts returns, for x clamped to +-1e30, e = exp(-|x|/beta),
// num = x*(x >= 0 ? 1 : e), dn = num/alpha + (x >= 0 ? e : 1) and f =
// num/dn.
func srsParts(b *B, xc V) (e, dn, f V) {
	negAbs := b.Or(xc, b.C("signMask"))
	e = expAll(b, b.Div(negAbs, b.Param("beta")))
	pos := b.Cmp(predGE, xc, b.C("zero"))
	num := b.Mul(xc, b.Sel(pos, b.C("one"), e))
	dn = b.Add(b.Div(num, b.Param("alpha")), b.Sel(pos, e, b.C("one")))
	return e, dn, b.Div(num, dn)
}

func composedKernels() []*Kernel {
	return []*Kernel{
		{
			Name: "golu", Doc: "sets y = x*exp(-exp(-x)).",
			Slices: []string{"y", "x"},
			Body: func(b *B) {
				x := b.Load("x")
				_, g := goluGate(b, x)
				b.Store("y", b.Mul(b.Max(x, b.C("negMaxFloat")), g))
			},
		},
		{
			Name: "goluBackward", Doc: "sets dx = dy*G*(1 + x*exp(-x)), G = exp(-exp(-x)).",
			Slices: []string{"dx", "dy", "x"},
			Body: func(b *B) {
				x := b.Load("x")
				e, g := goluGate(b, x)
				tc := b.Min(b.Max(x, b.C("negFifty")), b.C("oneE3"))
				d := b.Add(g, b.Mul(b.Mul(tc, e), g))
				b.Store("dx", b.Mul(b.Load("dy"), d))
			},
		},
		{
			Name: "srs", Doc: "sets y = x/(x/alpha + exp(-x/beta)).",
			Slices: []string{"y", "x"}, Params: []string{"alpha", "beta"},
			Body: func(b *B) {
				_, _, f := srsParts(b, clamp(b, b.Load("x"), "negOneE30", "oneE30"))
				b.Store("y", f)
			},
		},
		{
			Name: "srsBackward",
			Doc: "sets dx = dy*e*(1 + x/beta)/dn^2 and sums dy*(f/alpha)^2 and dy*x*(x*e)/dn^2 " +
				"(e = exp(-|x|/beta), dn the denominator scaled as in srsParts).",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"alpha", "beta"}, Sums: 2,
			Body: func(b *B) {
				xc := clamp(b, b.Load("x"), "negOneE30", "oneE30")
				dy := b.Load("dy")
				e, dn, f := srsParts(b, xc)
				inv := b.Div(b.C("one"), b.Mul(dn, dn))
				slope := b.Add(b.C("one"), b.Div(xc, b.Param("beta")))
				b.Store("dx", b.Mul(b.Mul(b.Mul(dy, e), slope), inv))
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

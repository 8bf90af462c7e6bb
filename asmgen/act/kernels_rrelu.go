package main

// RReLU in training mode: x > 0 ? x : a*x with a per-element random slope
// a = lo + w*u, u uniform in [0, 1) with 23 bits, from a counter-based hash
// of the element's index and the 64-bit seed of the step (two rounds of
// Chris Wellons' lowbias32 integer hash: h = H(H(i + seedLo) ^ seedHi)). The
// backward kernel recomputes the same slopes from the same seed, so nothing
// is stored between the passes.

func init() {
	defBits("hashMul1", 0x7feb352d, "lowbias32's first multiplier")
	defBits("hashMul2", 0x846ca68b, "lowbias32's second multiplier")
}

// lowbias32 is Wellons' 32-bit integer hash (bias 0.17 of an ideal hash's).
func lowbias32(b *B, x V) V {
	x = b.Xor(x, b.Shr(x, 16))
	x = b.IMul(x, b.C("hashMul1"))
	x = b.Xor(x, b.Shr(x, 15))
	x = b.IMul(x, b.C("hashMul2"))
	return b.Xor(x, b.Shr(x, 16))
}

// rreluSlope is lo + w*u(i) (one rounding), u = the hash's top 23 bits as
// a float in [0, 1): the mantissa of a float in [1, 2), minus 1 (exact).
func rreluSlope(b *B) V {
	h := lowbias32(b, b.IAdd(b.Index(), b.Param("seedLo")))
	h = lowbias32(b, b.Xor(h, b.Param("seedHi")))
	u := b.Sub(b.Or(b.Shr(h, 9), b.C("one")), b.C("one"))
	return b.FMA(b.Param("w"), u, b.Param("lo"))
}

func rreluKernels() []*Kernel {
	return []*Kernel{
		{
			Name: "rrelu", Doc: "sets y = x > 0 ? x : a*x, a = lo + w*u(seed, i) (training-mode RReLU).",
			Slices: []string{"y", "x"}, Params: []string{"lo", "w", "seedLo", "seedHi"},
			Body: func(b *B) {
				// x times (x > 0 ? 1 : a), the same values as x > 0 ? x : a*x
				// (x*1 is x, NaN and -0 included), but measured 3x faster
				// than blending x itself, which stayed live across the hash.
				x := b.Load("x")
				d := b.Sel(b.Cmp(predGT, x, b.C("zero")), b.C("one"), rreluSlope(b))
				b.Store("y", b.Mul(b.Load("x"), d))
			},
		},
		{
			Name: "rreluBackward", Doc: "sets dx = dy*(x > 0 ? 1 : a), a as in rrelu.",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"lo", "w", "seedLo", "seedHi"},
			Body: func(b *B) {
				x := b.Load("x")
				d := b.Sel(b.Cmp(predGT, x, b.C("zero")), b.C("one"), rreluSlope(b))
				b.Store("dx", b.Mul(b.Load("dy"), d))
			},
		},
	}
}

package main

// SReLU (Jin et al. 2016): x inside [tl, tr), al*(x-tl)+tl below, ar*(x-tr)+tr
// above (at a threshold, the side to its right), selected per lane. The
// backward kernel returns four lane sums, dy*[x < tl], dy*min(x-tl, 0),
// dy*[x >= tr] and dy*max(x-tr, 0), from which the caller forms the
// parameter gradients; in those hinge terms x is clamped to +-maxFloat, so
// that an infinite input adds a large finite term, not Inf - Inf.

func sreluKernels() []*Kernel {
	fwd := &Kernel{
		Name: "srelu", Doc: "sets y = al*(x-tl)+tl for x < tl, ar*(x-tr)+tr for x >= tr, x between.",
		Slices: []string{"y", "x"}, Params: []string{"tl", "al", "tr", "ar"},
		Body: func(b *B) {
			x := b.Load("x")
			tl, tr := b.Param("tl"), b.Param("tr")
			below := b.FMA(b.Param("al"), b.Sub(x, tl), tl)
			above := b.FMA(b.Param("ar"), b.Sub(x, tr), tr)
			y := b.Sel(b.Cmp(predGE, x, tr), above, x)
			b.Store("y", b.Sel(b.Cmp(predLT, x, tl), below, y))
		},
	}
	bwd := &Kernel{
		Name:   "sreluBackward",
		Doc:    "sets dx = dy*(al if x < tl, ar if x >= tr, else 1) and sums dy*[x < tl], dy*min(x-tl, 0), dy*[x >= tr], dy*max(x-tr, 0).",
		Slices: []string{"dx", "dy", "x"}, Params: []string{"tl", "al", "tr", "ar"}, Sums: 4,
		Body: func(b *B) {
			x, dy := b.Load("x"), b.Load("dy")
			tl, tr := b.Param("tl"), b.Param("tr")
			xc := clamp(b, x, "negMaxFloat", "maxFloat")
			l := b.Cmp(predLT, x, tl)
			r := b.Cmp(predGE, x, tr)
			b.Acc(0, b.ZeroUnless(l, dy))
			b.AccFMA(1, dy, b.Min(b.Sub(xc, tl), b.C("zero")))
			b.Acc(2, b.ZeroUnless(r, dy))
			b.AccFMA(3, dy, b.Max(b.Sub(xc, tr), b.C("zero")))
			slope := b.Sel(l, b.Param("al"), b.Sel(r, b.Param("ar"), b.C("one")))
			b.Store("dx", b.Mul(dy, slope))
		},
	}
	return []*Kernel{fwd, bwd}
}

// APL with two hinges (Agostinelli et al. 2015): max(0, x) + a1*max(0, b1-x)
// + a2*max(0, b2-x). A hinge with a zero slope adds exactly 0 (not 0*Inf at
// x = -Inf); the backward kernel returns the lane sums dy*max(0, b1-x),
// dy*[x < b1], dy*max(0, b2-x) and dy*[x < b2] (hinge terms with x clamped
// to +-maxFloat, as SReLU's), from which the caller forms the gradients.
func aplKernels() []*Kernel {
	hinge := func(b *B, x V, a, h string) V {
		t := b.Mul(b.Param(a), b.Max(b.Sub(b.Param(h), x), b.C("zero")))
		return b.ZeroUnless(b.Cmp(predNEQ, b.Param(a), b.C("zero")), t)
	}
	fwd := &Kernel{
		Name: "apl", Doc: "sets y = max(0, x) + a1*max(0, b1-x) + a2*max(0, b2-x).",
		Slices: []string{"y", "x"}, Params: []string{"a1", "b1", "a2", "b2"},
		Body: func(b *B) {
			x := b.Load("x")
			y := b.Add(b.Max(x, b.C("zero")), hinge(b, x, "a1", "b1"))
			b.Store("y", b.Add(y, hinge(b, x, "a2", "b2")))
		},
	}
	bwd := &Kernel{
		Name:   "aplBackward",
		Doc:    "sets dx = dy*([x > 0] - a1*[x < b1] - a2*[x < b2]) and sums dy*max(0, b1-x), dy*[x < b1], dy*max(0, b2-x), dy*[x < b2].",
		Slices: []string{"dx", "dy", "x"}, Params: []string{"a1", "b1", "a2", "b2"}, Sums: 4,
		Body: func(b *B) {
			x, dy := b.Load("x"), b.Load("dy")
			xc := clamp(b, x, "negMaxFloat", "maxFloat")
			b1, b2 := b.Param("b1"), b.Param("b2")
			in1, in2 := b.Cmp(predLT, x, b1), b.Cmp(predLT, x, b2)
			b.AccFMA(0, dy, b.Max(b.Sub(b1, xc), b.C("zero")))
			b.Acc(1, b.ZeroUnless(in1, dy))
			b.AccFMA(2, dy, b.Max(b.Sub(b2, xc), b.C("zero")))
			b.Acc(3, b.ZeroUnless(in2, dy))
			d := b.Sel(b.Cmp(predGT, x, b.C("zero")), b.C("one"), b.C("zero"))
			d = b.Sub(d, b.ZeroUnless(in1, b.Param("a1")))
			d = b.Sub(d, b.ZeroUnless(in2, b.Param("a2")))
			b.Store("dx", b.Mul(dy, d))
		},
	}
	return []*Kernel{fwd, bwd}
}

// StarReLU (Yu et al. 2022): s*max(0, x)^2 + b; the backward kernel returns
// the lane sums dy*max(0, x)^2 and dy (d/ds and d/db).
func starReLUKernels() []*Kernel {
	fwd := &Kernel{
		Name: "starRelu", Doc: "sets y = s*max(0, x)^2 + b.",
		Slices: []string{"y", "x"}, Params: []string{"s", "b"},
		Body: func(b *B) {
			r := b.Max(b.Load("x"), b.C("zero")) // NaN stays NaN
			b.Store("y", b.FMA(b.Mul(b.Param("s"), r), r, b.Param("b")))
		},
	}
	bwd := &Kernel{
		Name:   "starReluBackward",
		Doc:    "sets dx = dy*2s*max(0, x) (s2 = 2s) and sums dy*max(0, x)^2 and dy.",
		Slices: []string{"dx", "dy", "x"}, Params: []string{"s2"}, Sums: 2,
		Body: func(b *B) {
			r := b.Max(b.Load("x"), b.C("zero"))
			dy := b.Load("dy")
			dyr := b.Mul(dy, r)
			b.AccFMA(0, dyr, r)
			b.Acc(1, dy)
			b.Store("dx", b.Mul(dyr, b.Param("s2")))
		},
	}
	return []*Kernel{fwd, bwd}
}

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

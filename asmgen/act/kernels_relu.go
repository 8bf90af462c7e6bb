package main

// The ReLU family: a few instructions per vector, unrolled 4x (Cheap).

func reluKernels() []*Kernel {
	return []*Kernel{
		{
			Name: "relu", Doc: "sets y = max(0, x) (NaN stays NaN, -0 stays -0).",
			Slices: []string{"y", "x"}, Cheap: true,
			Body: func(b *B) {
				x := b.Load("x")
				b.Store("y", b.Max(x, b.C("zero")))
			},
		},
		{
			Name: "reluBackward", Doc: "sets dx = dy*[x > 0], NaN where x is NaN.",
			Slices: []string{"dx", "dy", "x"}, Cheap: true,
			Body: func(b *B) {
				x, dy := b.Load("x"), b.Load("dy")
				d := b.ZeroUnless(b.Cmp(predGT, x, b.C("zero")), dy)
				b.Store("dx", b.Sel(b.IsNaN(x), x, d))
			},
		},
		{
			Name: "leakyReLU", Doc: "sets y = x > 0 ? x : slope*x.",
			Slices: []string{"y", "x"}, Params: []string{"slope"}, Cheap: true,
			Body: func(b *B) {
				x := b.Load("x")
				neg := b.Mul(b.Param("slope"), x)
				b.Store("y", b.Sel(b.Cmp(predGT, x, b.C("zero")), x, neg))
			},
		},
		{
			Name:   "leakyReLUBackward",
			Doc:    "sets dx = dy*(x > 0 ? 1 : slope) (NaN where x is NaN) and sums dy*x over x <= 0 or NaN.",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"slope"}, Sums: 1, Cheap: true,
			Body: func(b *B) {
				x, dy := b.Load("x"), b.Load("dy")
				zero := b.C("zero")
				pos := b.Cmp(predGT, x, zero)
				d := b.Sel(pos, dy, b.Mul(b.Param("slope"), dy))
				b.Store("dx", b.Sel(b.IsNaN(x), x, d))
				b.AccFMA(0, dy, b.Sel(pos, zero, x))
			},
		},
	}
}

package main

// Algebraic activations that were scalar Go: softsign, Elliott and
// hard-swish, with their derivatives.
//
// softsign x/(1+|x|) and Elliott (softsign(x)+1)/2, the latter as
// (1 + 2max(x, 0))/(2(1+|x|)), which has no cancellation for x << 0 (where
// it is 1/(2|x|)); x is clamped to +-2^125 (Elliott: above only) so that
// +-Inf reach the limits and 1 + 2x stays finite. Derivatives 1/(1+|x|)^2 and its half (the square
// as the square of 1/(1+|x|), which stays finite, subnormal at worst).
// hard-swish x*min(max(x+3, 0), 6)/6 (its first factor clamped at -3, so
// that -Inf gives -0, not NaN) with PyTorch's derivative: 0 below -3,
// x/3 + 1/2 up to 3, 1 above.

func init() {
	defF("twoP125", 0x1p125, "2^125: 1 + 2x stays finite")
	defF("negTwoP125", -0x1p125, "-2^125")
	defF("three", 3, "3")
	defF("negThree", -3, "-3")
	defF("six", 6, "6")
	defF("sixth", 1.0/6, "1/6 rounded to float32")
}

func simpleKernels() []*Kernel {
	onePlusAbs := func(b *B, x V) V { return b.Add(b.C("one"), b.And(x, b.C("absMask"))) }
	return []*Kernel{
		{
			Name: "softsign", Doc: "sets y = x/(1+|x|).",
			Slices: []string{"y", "x"},
			Body: func(b *B) {
				xc := clamp(b, b.Load("x"), "negTwoP125", "twoP125")
				b.Store("y", b.Div(xc, onePlusAbs(b, xc)))
			},
		},
		{
			Name: "softsignBackward", Doc: "sets dx = dy/(1+|x|)^2.",
			Slices: []string{"dx", "dy", "x"},
			Body: func(b *B) {
				inv := b.Div(b.C("one"), onePlusAbs(b, b.Load("x")))
				b.Store("dx", b.Mul(b.Load("dy"), b.Mul(inv, inv)))
			},
		},
		{
			Name: "elliott", Doc: "sets y = x/(2(1+|x|)) + 1/2, as (1 + 2max(x, 0))/(2(1+|x|)).",
			Slices: []string{"y", "x"},
			Body: func(b *B) {
				xc := b.Min(b.Load("x"), b.C("twoP125")) // -Inf gives 1/Inf = 0
				num := b.FMA(b.Max(xc, b.C("zero")), b.C("two"), b.C("one"))
				b.Store("y", b.Mul(b.Div(num, onePlusAbs(b, xc)), b.C("half")))
			},
		},
		{
			Name: "elliottBackward", Doc: "sets dx = dy/(2(1+|x|)^2).",
			Slices: []string{"dx", "dy", "x"},
			Body: func(b *B) {
				inv := b.Div(b.C("one"), onePlusAbs(b, b.Load("x")))
				b.Store("dx", b.Mul(b.Mul(b.Load("dy"), b.Mul(inv, inv)), b.C("half")))
			},
		},
		{
			Name: "hardswish", Doc: "sets y = max(x, -3)*min(max(x+3, 0), 6)/6.",
			Slices: []string{"y", "x"},
			Body: func(b *B) {
				x := b.Load("x")
				g := b.Min(b.Max(b.Add(x, b.C("three")), b.C("zero")), b.C("six"))
				y := b.Div(b.Mul(b.Max(x, b.C("negThree")), g), b.C("six"))
				b.Store("y", b.Sel(b.Cmp(predGE, x, b.C("three")), x, y)) // x*6/6 would overflow near the largest float
			},
		},
		{
			Name: "hardswishBackward", Doc: "sets dx = dy*(0 if x < -3, x/3 + 1/2 if x <= 3, else 1).",
			Slices: []string{"dx", "dy", "x"},
			Body: func(b *B) {
				x := b.Load("x")
				mid := b.Add(b.Div(x, b.C("three")), b.C("half")) // NaN for NaN x: it propagates
				d := b.Sel(b.Cmp(predGT, x, b.C("three")), b.C("one"), mid)
				d = b.Sel(b.Cmp(predLT, x, b.C("negThree")), b.C("zero"), d)
				b.Store("dx", b.Mul(b.Load("dy"), d))
			},
		},
	}
}

// shrinkKernels: hard and soft shrinkage (lambda >= 0) and squared ReLU, as
// the scalar code did (NaN kept; derivative 0 on [-lambda, lambda]
// including its ends, as PyTorch's).
func shrinkKernels() []*Kernel {
	outside := func(b *B, x V) V {
		a := b.And(x, b.C("absMask"))
		return b.Cmp(predGT, a, b.Param("l"))
	}
	step := func(b *B, m V) V { return b.Sel(m, b.C("one"), b.C("zero")) }
	return []*Kernel{
		{
			Name: "hardshrink", Doc: "sets y = x if |x| > l (or x is NaN), 0 otherwise.",
			Slices: []string{"y", "x"}, Params: []string{"l"},
			Body: func(b *B) {
				x := b.Load("x")
				keep := b.MOr(outside(b, x), b.Cmp(predUnord, x, x))
				b.Store("y", b.ZeroUnless(keep, x))
			},
		},
		{
			Name: "shrinkBackward", Doc: "sets dx = dy*[|x| > l] (hard and soft shrinkage).",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"l"},
			Body: func(b *B) {
				b.Store("dx", b.Mul(b.Load("dy"), step(b, outside(b, b.Load("x")))))
			},
		},
		{
			Name: "softshrink", Doc: "sets y = x - clamp(x, -l, l).",
			Slices: []string{"y", "x"}, Params: []string{"l"},
			Body: func(b *B) {
				x := b.Load("x")
				l := b.Param("l")
				c := b.Max(b.Min(x, l), b.Xor(l, b.C("signMask")))
				b.Store("y", b.Sub(x, c))
			},
		},
		{
			Name: "squaredRelu", Doc: "sets y = max(x, 0)^2.",
			Slices: []string{"y", "x"},
			Body: func(b *B) {
				r := b.Max(b.Load("x"), b.C("zero"))
				b.Store("y", b.Mul(r, r))
			},
		},
		{
			Name: "squaredReluBackward", Doc: "sets dx = dy*2*max(x, 0).",
			Slices: []string{"dx", "dy", "x"},
			Body: func(b *B) {
				r := b.Max(b.Load("x"), b.C("zero"))
				b.Store("dx", b.Mul(b.Mul(b.Load("dy"), b.C("two")), r))
			},
		},
	}
}

// thresholdKernels: PyTorch's Threshold, x above th (and NaN) and value at
// or below it; derivative 1 above, 0 at and below.
func thresholdKernels() []*Kernel {
	return []*Kernel{
		{
			Name: "threshold", Doc: "sets y = value if x <= th, else x.",
			Slices: []string{"y", "x"}, Params: []string{"th", "value"},
			Body: func(b *B) {
				x := b.Load("x")
				b.Store("y", b.Sel(b.Cmp(predLE, x, b.Param("th")), b.Param("value"), x))
			},
		},
		{
			Name: "thresholdBackward", Doc: "sets dx = 0 if x <= th, else dy.",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"th"},
			Body: func(b *B) {
				b.Store("dx", b.Sel(b.Cmp(predLE, b.Load("x"), b.Param("th")), b.C("zero"), b.Load("dy")))
			},
		},
	}
}

// gcuKernels: GCU, x*cos(x), with its derivative cos(x) - x*sin(x), from
// one reduction by pi (the sine's: cos(x) = (-1)^k cos(r), sin(x) =
// (-1)^k sin(r)), accurate for |x| <= 1e6 as the sine is.
func gcuKernels() []*Kernel {
	return []*Kernel{
		{
			Name: "gcu", Doc: "sets y = x*cos(x).",
			Slices: []string{"y", "x"},
			Body: func(b *B) {
				x := b.Load("x")
				r, q := reduceByPi(b, x, nil)
				_, r2 := sinPoly(b, r)
				b.Store("y", b.Mul(x, b.Xor(cosPoly(b, r2), parityToSign(b, q))))
			},
		},
		{
			Name: "gcuBackward", Doc: "sets dx = dy*(cos(x) - x*sin(x)).",
			Slices: []string{"dx", "dy", "x"},
			Body: func(b *B) {
				x := b.Load("x")
				r, q := reduceByPi(b, x, nil)
				s, r2 := sinPoly(b, r)
				sign := parityToSign(b, q)
				d := b.FNMA(x, b.Xor(s, sign), b.Xor(cosPoly(b, r2), sign))
				b.Store("dx", b.Mul(b.Load("dy"), d))
			},
		},
	}
}

// hardKernels: hard tanh (a clamp to [lo, hi]; ReLU6 is [0, 6]; -0 stays
// -0 where the scalar max(-0, 0) gave +0) and hard sigmoid
// clamp((x+3)/6, 0, 1), with PyTorch's derivatives: 1 (1/6)
// strictly inside, 0 at and beyond the bounds, as dy times 1 or 0 (so that
// an infinite dy gives NaN outside, as the scalar code did).
func hardKernels() []*Kernel {
	inside := func(b *B, x, lo, hi V) V {
		in := b.MAnd(b.Cmp(predGT, x, lo), b.Cmp(predLT, x, hi))
		return b.Sel(in, b.C("one"), b.C("zero"))
	}
	return []*Kernel{
		{
			Name: "hardtanh", Doc: "sets y = min(max(x, lo), hi).",
			Slices: []string{"y", "x"}, Params: []string{"lo", "hi"}, Cheap: true,
			Body: func(b *B) {
				b.Store("y", b.Min(b.Max(b.Load("x"), b.Param("lo")), b.Param("hi")))
			},
		},
		{
			Name: "hardtanhBackward", Doc: "sets dx = dy*[lo < x < hi].",
			Slices: []string{"dx", "dy", "x"}, Params: []string{"lo", "hi"}, Cheap: true,
			Body: func(b *B) {
				b.Store("dx", b.Mul(b.Load("dy"), inside(b, b.Load("x"), b.Param("lo"), b.Param("hi"))))
			},
		},
		{
			Name: "hardsigmoid", Doc: "sets y = min(max((x+3)/6, 0), 1).",
			Slices: []string{"y", "x"}, Cheap: true,
			Body: func(b *B) {
				// (x+3)/6, not x/6 + 1/2: near x = -3 the sum cancels
				// exactly (Sterbenz), and the result is within an ulp.
				t := b.Div(b.Add(b.Load("x"), b.C("three")), b.C("six"))
				b.Store("y", b.Min(b.Max(t, b.C("zero")), b.C("one")))
			},
		},
		{
			Name: "hardsigmoidBackward", Doc: "sets dx = dy*[-3 < x < 3]/6.",
			Slices: []string{"dx", "dy", "x"}, Cheap: true,
			Body: func(b *B) {
				in := inside(b, b.Load("x"), b.C("negThree"), b.C("three"))
				b.Store("dx", b.Mul(b.Mul(b.Load("dy"), in), b.C("sixth")))
			},
		},
	}
}

package main

// PAU, the safe Padé activation unit of degrees (5, 4) (Molina et al. 2020):
// P(x)/(1 + |B(x)|), P = a0 + a1*x + ... + a5*x^5, B = b1*x + ... + b4*x^4,
// both by Horner's rule in float32. The kernels serve |x| <= 2^14, where no
// term can overflow for coefficients up to 1e3 (1e3 * 2^70 ~ 1.2e24); the
// caller first counts the elements beyond (countAbsAbove) and evaluates a
// block that has any in float64 instead (the scaled evaluation of
// activations/pau.go), so the kernels need no second, scaled form that
// training never reaches.
//
// The backward kernel returns the ten parameter gradient sums dy*x^j/Q
// (j = 0..5) and -dy*P*sg*x^k/Q^2 (k = 1..4), sg the sign of B (+1 at B = 0,
// the one-sided derivative of |B|'s right side), and sets
// dx = dy*(P' - P*sg*B'/Q)/Q. The derivative coefficients j*a_j and k*b_k
// come in as parameters (rounded to float32 by the caller).

var (
	pauA  = []string{"a0", "a1", "a2", "a3", "a4", "a5"}
	pauB  = []string{"b1", "b2", "b3", "b4"}
	pauDA = []string{"a1", "a2x2", "a3x3", "a4x4", "a5x5"} // coefficients of P'
	pauDB = []string{"b1", "b2x2", "b3x3", "b4x4"}         // of B'
)

// paramHorner is the polynomial with parameter coefficients cs (lowest
// degree first) at x.
func paramHorner(b *B, x V, cs []string) V {
	n := len(cs)
	p := b.FMA(b.Param(cs[n-1]), x, b.Param(cs[n-2]))
	for j := n - 3; j >= 0; j-- {
		p = b.FMA(p, x, b.Param(cs[j]))
	}
	return p
}

// pauOf returns P(x), B(x) and 1 + |B(x)|.
func pauOf(b *B, x V) (p, bx, q V) {
	p = paramHorner(b, x, pauA)
	bx = b.Mul(x, paramHorner(b, x, pauB))
	q = b.Add(b.C("one"), b.And(bx, b.C("absMask")))
	return p, bx, q
}

func pauKernels() []*Kernel {
	derivParams := append(append(append([]string{}, pauA...), pauB...), "a2x2", "a3x3", "a4x4", "a5x5", "b2x2", "b3x3", "b4x4")
	return []*Kernel{
		{
			Name: "pau", Doc: "sets y = P(x)/(1+|B(x)|) (for |x| <= 2^14).",
			Slices: []string{"y", "x"}, Params: append(append([]string{}, pauA...), pauB...),
			Body: func(b *B) {
				x := b.Load("x")
				p, _, q := pauOf(b, x)
				b.Store("y", b.Div(p, q))
			},
		},
		{
			Name: "pauBackward",
			Doc: "sets dx = dy*(P' - P*sg*B'/Q)/Q (Q = 1+|B|, sg = sign of B, +1 at 0) " +
				"and sums dy*x^j/Q (j = 0..5) and -dy*P*sg*x^k/Q^2 (k = 1..4) (for |x| <= 2^14).",
			Slices: []string{"dx", "dy", "x"}, Params: derivParams, Sums: 10,
			Body: func(b *B) {
				x, dy := b.Load("x"), b.Load("dy")
				p, bx, q := pauOf(b, x)
				inv := b.Div(b.C("one"), q)
				// sg*v flips v's sign where B < 0.
				flip := b.ZeroUnless(b.Cmp(predLT, bx, b.C("zero")), b.C("signMask"))
				dp := paramHorner(b, x, pauDA)
				db := b.Xor(paramHorner(b, x, pauDB), flip)
				pinv := b.Mul(p, inv)
				b.Store("dx", b.Mul(dy, b.Mul(b.FNMA(pinv, db, dp), inv)))
				di := b.Mul(dy, inv)                                       // d/da_j = di*x^j
				dq := b.Xor(b.Mul(di, pinv), b.Xor(flip, b.C("signMask"))) // d/db_k = dq*x^k
				x2 := b.Mul(x, x)
				x3 := b.Mul(x2, x)
				x4 := b.Mul(x2, x2)
				b.Acc(0, di)
				b.AccFMA(1, di, x)
				b.AccFMA(2, di, x2)
				b.AccFMA(3, di, x3)
				b.AccFMA(4, di, x4)
				b.AccFMA(5, di, b.Mul(x4, x))
				b.AccFMA(6, dq, x)
				b.AccFMA(7, dq, x2)
				b.AccFMA(8, dq, x3)
				b.AccFMA(9, dq, x4)
			},
		},
		{
			Name: "countAbsAbove", Doc: "counts the x with |x| > t (NaN is not counted).",
			Slices: []string{"x"}, Params: []string{"t"}, Sums: 1, Cheap: true,
			Body: func(b *B) {
				above := b.Cmp(predGT, b.And(b.Load("x"), b.C("absMask")), b.Param("t"))
				b.Acc(0, b.ZeroUnless(above, b.C("one")))
			},
		},
	}
}

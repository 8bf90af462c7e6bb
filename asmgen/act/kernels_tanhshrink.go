package main

import (
	"fmt"
	"math/big"
)

// Tanhshrink, x - tanh(x), without the cancellation of the subtraction.
//
// Below |x| = 1 it is x^3*S(x^2), the Maclaurin series of x - tanh(x) to 20
// terms (the first omitted one is below 2^-26 of the value at |x| = 1; the
// series converges for |x| < pi/2). From |x| = 1 on it is
// sign(x)*((|x| - 1) + 2E/(1 + E)), E = e^-2|x|: 1 - tanh|x| = 2E/(1+E), and
// both terms are >= 0 (|x| - 1 is exact), so nothing cancels; at +-Inf it is
// +-Inf.
//
// The derivative tanh(x)^2 takes tanh from the same pieces: x*(1 - x^2*S(x^2))
// below 1 and 1 - 2E/(1+E) above, neither of which cancels (tanh(1) = 0.76).

const tanhshrinkTerms = 20

func init() {
	for n, c := range tanhshrinkSeries(tanhshrinkTerms) {
		defF(fmt.Sprintf("tshS%02d", n), c, fmt.Sprintf("x - tanh(x) = x^3*S(x^2): coefficient of x^%d", 2*n+3))
	}
}

// tanhshrinkSeries returns the first n coefficients of S, x - tanh(x) =
// sum c[k] x^(2k+3), from the exact Maclaurin coefficients of tanh, which
// tanh' = 1 - tanh^2 gives by the recurrence (k+1) t[k+1] = [k = 0] -
// sum_{i+j=k} t[i] t[j].
func tanhshrinkSeries(n int) []float64 {
	deg := 2*n + 3
	t := make([]*big.Rat, deg+1)
	for i := range t {
		t[i] = new(big.Rat)
	}
	for k := 0; k < deg; k++ {
		s := new(big.Rat)
		if k == 0 {
			s.SetInt64(1)
		}
		for i := 0; i <= k; i++ {
			s.Sub(s, new(big.Rat).Mul(t[i], t[k-i]))
		}
		t[k+1].Quo(s, big.NewRat(int64(k+1), 1))
	}
	c := make([]float64, n)
	for k := range c {
		c[k], _ = new(big.Rat).Neg(t[2*k+3]).Float64()
	}
	return c
}

// tanhshrinkParts returns, for x, the series branch's x^2*S(x^2) (small)
// and the exponential branch's |x| - 1 and 2E/(1+E), and the mask |x| < 1.
type tanhshrinkParts struct {
	t2s        V // x^2*S(x^2), |x| clamped to 1
	am1, tail  V // |x| - 1, 2E/(1+E)
	small, sgn V // mask |x| < 1; the sign bit of x
}

func tanhshrinkOf(b *B, x V) tanhshrinkParts {
	var p tanhshrinkParts
	xs := clamp(b, x, "negOne", "one")
	t := b.Mul(xs, xs)
	cs := make([]string, tanhshrinkTerms)
	for n := range cs {
		cs[tanhshrinkTerms-1-n] = fmt.Sprintf("tshS%02d", n)
	}
	p.t2s = b.Mul(t, horner(b, t, cs...))
	a := b.And(x, b.C("absMask"))
	l := logisticOf(b, b.Add(a, a), nil) // E = e^-2|x|
	p.am1 = b.Sub(a, b.C("one"))
	p.tail = b.Div(b.Add(l.e, l.e), l.d)
	p.small = b.Cmp(predLT, a, b.C("one"))
	p.sgn = b.And(x, b.C("signMask"))
	return p
}

func tanhshrinkKernels() []*Kernel {
	return []*Kernel{
		{
			Name: "tanhshrink", Doc: "sets y = x - tanh(x).",
			Slices: []string{"y", "x"},
			Body: func(b *B) {
				x := b.Load("x")
				p := tanhshrinkOf(b, x)
				big := b.Or(b.Add(p.am1, p.tail), p.sgn)
				b.Store("y", b.Sel(p.small, b.Mul(x, p.t2s), big))
			},
		},
		{
			Name: "tanhshrinkBackward", Doc: "sets dx = dy*tanh(x)^2.",
			Slices: []string{"dx", "dy", "x"},
			Body: func(b *B) {
				x := b.Load("x")
				p := tanhshrinkOf(b, x)
				small := b.Mul(x, b.Sub(b.C("one"), p.t2s))
				th := b.Sel(p.small, small, b.Sub(b.C("one"), p.tail)) // tanh|x| above: the sign squares away
				b.Store("dx", b.Mul(b.Load("dy"), b.Mul(th, th)))
			},
		},
	}
}

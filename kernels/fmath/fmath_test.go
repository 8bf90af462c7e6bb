package fmath

import (
	"math"
	"testing"
)

// sweep returns n points spread over [lo, hi] plus the special values.
func sweep(lo, hi float64, n int) []float64 {
	xs := []float64{0, math.Copysign(0, -1), 1e-300, -1e-300, 1e-10, -1e-10}
	for i := 0; i <= n; i++ {
		xs = append(xs, lo+(hi-lo)*float64(i)/float64(n))
	}
	return xs
}

func relErr(got, want float64) float64 {
	if got == want {
		return 0
	}
	return math.Abs(got-want) / math.Max(math.Abs(want), 1e-300)
}

func checkRel(t *testing.T, name string, f, ref func(float64) float64, xs []float64, bound float64) {
	t.Helper()
	worst, at := 0.0, 0.0
	for _, x := range xs {
		if e := relErr(f(x), ref(x)); e > worst {
			worst, at = e, x
		}
	}
	t.Logf("%s: max relative error %.3g at x=%g", name, worst, at)
	if worst > bound {
		t.Errorf("%s: max relative error %.3g at x=%g (f=%v, math=%v), bound %g", name, worst, at, f(at), ref(at), bound)
	}
}

func TestExp(t *testing.T) {
	checkRel(t, "Exp", Exp, math.Exp, sweep(-745, 709, 200001), 3e-11)
	checkRel(t, "Exp", Exp, math.Exp, sweep(-2, 2, 100001), 3e-11)
	if Exp(math.Inf(1)) != math.Inf(1) || Exp(math.Inf(-1)) != 0 || !math.IsNaN(Exp(math.NaN())) {
		t.Errorf("Exp specials: +Inf->%v -Inf->%v NaN->%v", Exp(math.Inf(1)), Exp(math.Inf(-1)), Exp(math.NaN()))
	}
	if float32(Exp(100)) != float32(math.Inf(1)) || float32(Exp(-110)) != 0 {
		t.Errorf("Exp float32 overflow/underflow: %v %v", float32(Exp(100)), float32(Exp(-110)))
	}
}

func TestExpm1(t *testing.T) {
	checkRel(t, "Expm1", Expm1, math.Expm1, sweep(-40, 40, 100001), 3e-11)
	checkRel(t, "Expm1", Expm1, math.Expm1, sweep(-1, 1, 100001), 3e-11)
}

func TestLog1p(t *testing.T) {
	checkRel(t, "Log1p", Log1p, math.Log1p, sweep(0, 1, 100001), 3e-11)
}

func TestTanhSigmoidSoftplus(t *testing.T) {
	checkRel(t, "Tanh", Tanh, math.Tanh, sweep(-30, 30, 100001), 3e-11)
	checkRel(t, "Sigmoid", Sigmoid, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, sweep(-700, 700, 100001), 3e-11)
	checkRel(t, "Softplus", Softplus, func(x float64) float64 {
		return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
	}, sweep(-700, 700, 100001), 3e-11)
	for _, x := range []float64{math.Inf(1), math.Inf(-1)} {
		if Tanh(x) != math.Tanh(x) || Sigmoid(x) != 1/(1+math.Exp(-x)) {
			t.Errorf("x=%v: Tanh %v Sigmoid %v", x, Tanh(x), Sigmoid(x))
		}
	}
}

func TestErfc(t *testing.T) {
	checkRel(t, "Erfc", Erfc, math.Erfc, sweep(-6, 9, 100001), 1.2e-7)
}

func TestSel(t *testing.T) {
	if Sel(true, 1, 2) != 1 || Sel(false, 1, 2) != 2 || Sel32(true, 1, 2) != 1 || Sel32(false, 1, 2) != 2 {
		t.Error("Sel broken")
	}
	if Step(true) != 1 || Step(false) != 0 {
		t.Error("Step broken")
	}
}

func TestExpm1Specials(t *testing.T) {
	if Expm1(math.Inf(-1)) != -1 || Expm1(-1000) != -1 || !math.IsNaN(Expm1(math.NaN())) || Expm1(0) != 0 {
		t.Errorf("Expm1: -Inf->%v -1000->%v NaN->%v 0->%v", Expm1(math.Inf(-1)), Expm1(-1000), Expm1(math.NaN()), Expm1(0))
	}
	if float32(Expm1(math.Inf(1))) != float32(math.Inf(1)) {
		t.Errorf("Expm1(+Inf) = %v, want +Inf in float32", Expm1(math.Inf(1)))
	}
}

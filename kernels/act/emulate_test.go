package act

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// exactFMA32 is a*b + c computed exactly with big.Float and rounded once to
// float32 (big.Float.Float32 rounds to nearest even, subnormals included).
func exactFMA32(a, b, c float32) float32 {
	if isNaN32(a) || isNaN32(b) || isNaN32(c) || math.IsInf(float64(a), 0) || math.IsInf(float64(b), 0) || math.IsInf(float64(c), 0) {
		return float32(float64(a)*float64(b) + float64(c)) // IEEE special cases, exact in float64
	}
	x := new(big.Float).SetPrec(400).SetFloat64(float64(a))
	x.Mul(x, new(big.Float).SetPrec(400).SetFloat64(float64(b)))
	x.Add(x, new(big.Float).SetPrec(400).SetFloat64(float64(c)))
	if x.Sign() == 0 {
		// The sign of an exact zero sum: -0 only for (-0) + (-0).
		return float32(float64(a)*float64(b) + float64(c))
	}
	f, _ := x.Float32()
	return f
}

// TestFMA32 checks the pure-Go fused multiply-add against exact arithmetic
// on random operands, on operands built to hit float32 ties after a float64
// rounding (the double-rounding case), on subnormal results and on overflow.
func TestFMA32(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	check := func(a, b, c float32) {
		t.Helper()
		got, want := fma32(a, b, c), exactFMA32(a, b, c)
		if math.Float32bits(got) != math.Float32bits(want) && !(isNaN32(got) && isNaN32(want)) {
			t.Fatalf("fma32(%g, %g, %g) = %g (%#08x), want %g (%#08x)", a, b, c, got, math.Float32bits(got), want, math.Float32bits(want))
		}
	}
	randf := func() float32 {
		switch rng.IntN(6) {
		case 0:
			return math.Float32frombits(rng.Uint32())
		case 1:
			return special[rng.IntN(len(special))]
		case 2:
			return float32(rng.NormFloat64() * 1e-38) // around the subnormal range
		default:
			return float32(rng.NormFloat64() * math.Pow(2, float64(rng.IntN(40)-20)))
		}
	}
	for i := 0; i < 300000; i++ {
		check(randf(), randf(), randf())
	}
	// Double-rounding cases: the exact sum is a float32 tie plus or minus a
	// tiny amount, so that float64 rounds it onto the tie. a*b has 48 bits;
	// c cancels its high part so that the sum sits just off a tie.
	hits := 0
	for i := 0; i < 200000; i++ {
		a := float32(1 + float64(rng.Uint32()>>9)/(1<<23))
		b := float32(1 + float64(rng.Uint32()>>9)/(1<<23))
		p := float64(a) * float64(b)
		tie := float64(float32(p)) + math.Copysign(math.Ldexp(1, math.Ilogb(p)-24), float64(rng.IntN(2)*2-1))
		c := float32(tie - p) // the sum lands within float32 rounding of the tie
		s := p + float64(c)
		if math.Float64bits(s)&(1<<29-1) == 1<<28 {
			hits++
		}
		check(a, b, c)
		check(a, b, -c)
		check(-a, b, c)
	}
	if hits < 100 {
		t.Errorf("only %d of the constructed cases hit a float32 tie in float64; the double-rounding path is not exercised", hits)
	}
	// Subnormal results and the overflow threshold.
	for i := 0; i < 100000; i++ {
		a := float32(rng.NormFloat64() * 1e-20)
		b := float32(rng.NormFloat64() * 1e-19)
		check(a, b, float32(rng.NormFloat64()*1e-39))
		check(math.MaxFloat32, float32(1+rng.Float64()*1e-7), float32(rng.NormFloat64()*1e31))
	}
}

func TestMinMaxSemantics(t *testing.T) {
	nan := float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	for _, c := range []struct {
		a, b, min, max float32
	}{
		{1, 2, 1, 2}, {2, 1, 1, 2}, {nan, 1, nan, nan}, {1, nan, 1, 1}, {negZero, 0, negZero, negZero}, {0, negZero, 0, 0},
	} {
		if got := minps(c.a, c.b); math.Float32bits(got) != math.Float32bits(c.min) && !(isNaN32(got) && isNaN32(c.min)) {
			t.Errorf("minps(%g, %g) = %g, want %g", c.a, c.b, got, c.min)
		}
		if got := maxps(c.a, c.b); math.Float32bits(got) != math.Float32bits(c.max) && !(isNaN32(got) && isNaN32(c.max)) {
			t.Errorf("maxps(%g, %g) = %g, want %g", c.a, c.b, got, c.max)
		}
	}
}

package act

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSReLU checks SReLU and its backward against float64 definitions on
// every path, the thresholds included (the right side's derivative there),
// and the parameter gradients against float64 sums.
func TestSReLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	const tl, al, tr, ar = float32(-0.5), float32(0.2), float32(1), float32(1.7)
	n := 1000
	x, dy := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 2)
		dy[i] = float32(rng.NormFloat64())
	}
	x[0], x[1], x[2], x[3] = tl, tr, float32(math.Inf(1)), float32(math.Inf(-1))
	forEachPath(t, func(t *testing.T) {
		y, dx := make([]float32, n), make([]float32, n)
		SReLU(y, x, tl, al, tr, ar)
		gtl, gal, gtr, gar := SReLUBackward(dx, dy, x, tl, al, tr, ar)
		var wtl, wal, wtr, war float64
		for i, v := range x {
			xv := float64(v)
			want, d := xv, 1.0
			switch {
			case v >= tr:
				want, d = float64(tr)+float64(ar)*(xv-float64(tr)), float64(ar)
				wtr += float64(dy[i]) * (1 - float64(ar))
				war += float64(dy[i]) * math.Min(xv-float64(tr), math.MaxFloat32)
			case v < tl:
				want, d = float64(tl)+float64(al)*(xv-float64(tl)), float64(al)
				wtl += float64(dy[i]) * (1 - float64(al))
				wal += float64(dy[i]) * math.Max(xv-float64(tl), -math.MaxFloat32)
			}
			if math.IsInf(xv, 0) {
				if float64(y[i]) != xv {
					t.Errorf("srelu(%g) = %g", xv, y[i])
				}
			} else if math.Abs(float64(y[i])-want) > 1e-6*(1+math.Abs(want)) {
				t.Errorf("srelu(%g) = %g, want %g", xv, y[i], want)
			}
			if g := float64(dy[i]) * d; math.Abs(float64(dx[i])-g) > 1e-6*(1+math.Abs(g)) {
				t.Errorf("srelu'(%g)*dy = %g, want %g", xv, dx[i], g)
			}
		}
		// Finite x only for the parameter sums: the infinities' hinge
		// terms are clamped (maxFloat), which the float64 sums mirror.
		for _, c := range []struct {
			name      string
			got, want float64
		}{{"tl", float64(gtl), wtl}, {"al", float64(gal), wal}, {"tr", float64(gtr), wtr}, {"ar", float64(gar), war}} {
			if math.Abs(c.got-c.want) > 1e-5*(1+math.Abs(c.want)) && !(math.IsInf(c.got, 0) && math.Abs(c.want) > 1e37) {
				t.Errorf("gradient of %s: %g, want %g", c.name, c.got, c.want)
			}
		}
	})
}

// TestAPL checks APL and its backward against float64 definitions on every
// path, the hinges included, and the parameter gradients against float64
// sums.
func TestAPL(t *testing.T) {
	rng := rand.New(rand.NewPCG(53, 54))
	const a1, b1, a2, b2 = float32(0.3), float32(0.5), float32(-0.7), float32(-1)
	n := 1000
	x, dy := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 2)
		dy[i] = float32(rng.NormFloat64())
	}
	x[0], x[1], x[2] = b1, b2, 0
	forEachPath(t, func(t *testing.T) {
		y, dx := make([]float32, n), make([]float32, n)
		APL(y, x, a1, b1, a2, b2)
		ga1, gb1, ga2, gb2 := APLBackward(dx, dy, x, a1, b1, a2, b2)
		var w [4]float64
		for i, v := range x {
			xv, d := float64(v), 0.0
			want := math.Max(xv, 0)
			if xv > 0 {
				d = 1
			}
			for s, h := range [2][2]float32{{a1, b1}, {a2, b2}} {
				a, bb := float64(h[0]), float64(h[1])
				want += a * math.Max(bb-xv, 0)
				w[2*s] += float64(dy[i]) * math.Max(bb-xv, 0)
				if xv < bb {
					d -= a
					w[2*s+1] += float64(dy[i]) * a
				}
			}
			if math.Abs(float64(y[i])-want) > 1e-6*(1+math.Abs(want)) {
				t.Errorf("apl(%g) = %g, want %g", xv, y[i], want)
			}
			if g := float64(dy[i]) * d; math.Abs(float64(dx[i])-g) > 1e-6*(1+math.Abs(g)) {
				t.Errorf("apl'(%g)*dy = %g, want %g", xv, dx[i], g)
			}
		}
		for j, got := range []float32{ga1, gb1, ga2, gb2} {
			if math.Abs(float64(got)-w[j]) > 1e-5*(1+math.Abs(w[j])) {
				t.Errorf("gradient %d: %g, want %g", j, got, w[j])
			}
		}
		// A zero slope adds exactly 0 at -Inf, not 0*Inf.
		APL(y[:1], []float32{float32(math.Inf(-1))}, 0, 0, 0, -1)
		if y[0] != 0 {
			t.Errorf("apl(-Inf) with zero slopes = %g, want 0", y[0])
		}
	})
}

// TestStarReLU checks StarReLU and its backward against float64
// definitions on every path, and the parameter gradients against float64
// sums.
func TestStarReLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(55, 56))
	const s, b = float32(0.9), float32(-0.45)
	n := 1000
	x, dy := make([]float32, n), make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 2)
		dy[i] = float32(rng.NormFloat64())
	}
	x[0] = 0
	forEachPath(t, func(t *testing.T) {
		y, dx := make([]float32, n), make([]float32, n)
		StarReLU(y, x, s, b)
		gs, gb := StarReLUBackward(dx, dy, x, s)
		var ws, wb float64
		for i, v := range x {
			r := math.Max(float64(v), 0)
			want := float64(s)*r*r + float64(b)
			if math.Abs(float64(y[i])-want) > 1e-6*(1+math.Abs(want)) {
				t.Errorf("starrelu(%g) = %g, want %g", v, y[i], want)
			}
			if g := float64(dy[i]) * 2 * float64(s) * r; math.Abs(float64(dx[i])-g) > 1e-6*(1+math.Abs(g)) {
				t.Errorf("starrelu'(%g)*dy = %g, want %g", v, dx[i], g)
			}
			ws += float64(dy[i]) * r * r
			wb += float64(dy[i])
		}
		if math.Abs(float64(gs)-ws) > 1e-5*(1+math.Abs(ws)) || math.Abs(float64(gb)-wb) > 1e-5*(1+math.Abs(wb)) {
			t.Errorf("gradients %g, %g, want %g, %g", gs, gb, ws, wb)
		}
	})
}

// TestShrinkAndSquaredReLU checks hard and soft shrinkage, squared ReLU and
// Threshold
// against the scalar definitions they replaced, bit for bit, on every path,
// the ends of the dead zone, infinities and NaN included.
func TestShrinkAndSquaredReLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(57, 58))
	const l = float32(0.5)
	nan := float32(math.NaN())
	x := []float32{l, -l, 0, float32(math.Inf(1)), float32(math.Inf(-1)), nan, 0.4999999, 0.5000001, -3, 3}
	for range 200 {
		x = append(x, float32(rng.NormFloat64()))
	}
	dy := make([]float32, len(x))
	for i := range dy {
		dy[i] = float32(rng.NormFloat64())
	}
	same := func(t *testing.T, what string, got []float32, want func(v, d float32) float32) {
		t.Helper()
		for i, v := range x {
			w := want(v, dy[i])
			if math.Float32bits(got[i]) != math.Float32bits(w) && !(got[i] != got[i] && w != w) {
				t.Errorf("%s(%g): %g, want %g", what, v, got[i], w)
			}
		}
	}
	forEachPath(t, func(t *testing.T) {
		y := make([]float32, len(x))
		Hardshrink(y, x, l)
		same(t, "hardshrink", y, func(v, _ float32) float32 {
			if v > l || v < -l || v != v {
				return v
			}
			return 0
		})
		Softshrink(y, x, l)
		same(t, "softshrink", y, func(v, _ float32) float32 { return v - min(max(v, -l), l) })
		ShrinkBackward(y, dy, x, l)
		same(t, "shrink'", y, func(v, d float32) float32 {
			if v > l || v < -l {
				return d
			}
			return d * 0
		})
		SquaredReLU(y, x)
		same(t, "squaredrelu", y, func(v, _ float32) float32 { r := max(v, 0); return r * r })
		SquaredReLUBackward(y, dy, x)
		same(t, "squaredrelu'", y, func(v, d float32) float32 { return d * 2 * max(v, 0) })
		Threshold(y, x, l, -2)
		same(t, "threshold", y, func(v, _ float32) float32 {
			if !(v <= l) {
				return v
			}
			return -2
		})
		ThresholdBackward(y, dy, x, l)
		same(t, "threshold'", y, func(v, d float32) float32 {
			if !(v <= l) {
				return d
			}
			return 0
		})
	})
}

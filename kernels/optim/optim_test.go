package optim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/actbench/actbench/kernels/internal/simdenv"
)

var specials = []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
	float32(math.NaN()), math.MaxFloat32, math.SmallestNonzeroFloat32, 1e-30, -1e30}

func vec(rng *rand.Rand, n int, scale float64, special bool) []float32 {
	r := make([]float32, n)
	for i := range r {
		r[i] = float32(scale * rng.NormFloat64())
		if special && rng.IntN(8) == 0 {
			r[i] = specials[rng.IntN(len(specials))]
		}
	}
	return r
}

// abs makes a second-moment buffer: v >= 0.
func abs(v []float32) []float32 {
	for i := range v {
		v[i] = float32(math.Abs(float64(v[i])))
	}
	return v
}

// same compares bit for bit, any NaN matching any NaN (payloads of NaN
// operands are the x86 rule's on every path, but an expression with two
// NaN operands is not the code's to order).
func same(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) && !(a[i] != a[i] && b[i] != b[i]) {
			return i
		}
	}
	return -1
}

// TestPathsAgree runs three steps of Adam and of SGD (plain and Nesterov
// momentum) on every path from the same state, at every length to 70 (the
// SIMD kernels take the whole vectors, Go the rest), and requires the
// weights and buffers to match the pure-Go path bit for bit; some states
// hold infinities, NaNs, zeros of both signs and extreme magnitudes.
func TestPathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	old := path.Level()
	defer path.Set(old)
	for n := 0; n <= 70; n++ {
		for _, special := range []bool{false, true} {
			w0, g := vec(rng, n, 1, special), vec(rng, n, 0.1, special)
			m0, v0 := vec(rng, n, 0.01, special), abs(vec(rng, n, 0.001, false))
			type state struct{ w, m, v []float32 }
			var got []state
			for _, l := range path.LevelsFromPureGo() {
				path.Set(l)
				s := state{slices.Clone(w0), slices.Clone(m0), slices.Clone(v0)}
				for step := 1; step <= 3; step++ {
					Adam(s.w, g, s.m, s.v, 5e-4, 0.9, 0.999, 1e-8, float32(1e-3/(1-math.Pow(0.9, float64(step)))),
						float32(math.Sqrt(1-math.Pow(0.999, float64(step)))))
				}
				got = append(got, s)
				for _, nesterov := range []bool{false, true} {
					s := state{w: slices.Clone(w0), m: slices.Clone(m0)}
					for range 3 {
						SGD(s.w, g, s.m, 5e-4, 0.9, 0.1, nesterov)
					}
					got = append(got, s)
				}
			}
			per := len(got) / len(path.LevelsFromPureGo())
			for p := 1; p < len(path.LevelsFromPureGo()); p++ {
				for k := range per {
					a, b := got[k], got[p*per+k]
					for name, pair := range map[string][2][]float32{"w": {a.w, b.w}, "m": {a.m, b.m}, "v": {a.v, b.v}} {
						if i := same(pair[0], pair[1]); i >= 0 {
							t.Fatalf("n=%d special=%v update %d (adam, sgd, nesterov) %s[%d]: purego %g (%#08x), %s %g (%#08x)",
								n, special, k, name, i, pair[0][i], math.Float32bits(pair[0][i]), path.LevelsFromPureGo()[p], pair[1][i], math.Float32bits(pair[1][i]))
						}
					}
				}
			}
		}
	}
}

// TestAdamAgainstFloat64 checks one Adam step against the formula in
// float64 (the float32 rounding of the steps stays within a few ulp).
func TestAdamAgainstFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 37
	w, g, m, v := vec(rng, n, 1, false), vec(rng, n, 0.1, false), vec(rng, n, 0.01, false), abs(vec(rng, n, 0.001, false))
	want := make([]float64, n)
	for i := range w {
		d := float64(g[i]) + 1e-2*float64(w[i])
		mm := float64(m[i]) + 0.1*(d-float64(m[i]))
		vv := 0.999*float64(v[i]) + 0.001*d*d
		want[i] = float64(w[i]) - 0.01*mm/(math.Sqrt(vv)/0.5+1e-8)
	}
	Adam(w, g, m, v, 1e-2, 0.9, 0.999, 1e-8, 0.01, 0.5)
	for i := range w {
		if d := math.Abs(float64(w[i]) - want[i]); d > 1e-6*(1+math.Abs(want[i])) {
			t.Errorf("w[%d] = %g, want %g", i, w[i], want[i])
		}
	}
}

func TestPath(t *testing.T) {
	t.Logf("path %s (available: %v)", Path(), path.Levels())
	if hasAVX2 != path.Has(simdenv.LevelAVX2) || hasAVX512 != path.Has(simdenv.LevelAVX512) {
		t.Errorf("levels %v, AVX2 %v, AVX-512 %v", path.Levels(), hasAVX2, hasAVX512)
	}
}

// BenchmarkUpdate times the updates over the simple CNN's parameter count
// (2.2M floats) on every path, in ns per element.
func BenchmarkUpdate(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 2_200_000
	w, g, m, v := vec(rng, n, 1, false), vec(rng, n, 0.1, false), vec(rng, n, 0.01, false), abs(vec(rng, n, 0.001, false))
	for _, l := range path.LevelsFromPureGo() {
		for _, c := range []struct {
			name string
			run  func()
		}{
			{"adam", func() { Adam(w, g, m, v, 0, 0.9, 0.999, 1e-8, 1e-3, 0.5) }},
			{"sgd", func() { SGD(w, g, m, 5e-4, 0.9, 0.1, false) }},
		} {
			b.Run(fmt.Sprintf("%s/%s", c.name, l), func(b *testing.B) {
				old := path.Set(l)
				defer path.Set(old)
				for b.Loop() {
					c.run()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
			})
		}
	}
}

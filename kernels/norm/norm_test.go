package norm

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randRow(rng *rand.Rand, n int, offset float64) []float32 {
	r := make([]float32, n)
	for i := range r {
		r[i] = float32(offset + rng.NormFloat64())
	}
	return r
}

// both runs f on the pure-Go path and, where the CPU has it, on AVX-512.
func both(f func()) {
	old := SetSIMD(false)
	defer SetSIMD(old)
	f()
	if SetSIMD(true); simd {
		f()
	}
}

func bits(v float32) uint32 { return math.Float32bits(v) }

// TestSums checks Sum, SumSqDev and DySums against float64 sums, and the
// two paths against each other bit for bit, for every length to 300.
func TestSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 300; n++ {
		x, dy := randRow(rng, n, 3), randRow(rng, n, 0)
		mu := float32(3 + 0.1*rng.NormFloat64())
		var want [4]float64
		for i := range x {
			d := float64(x[i]) - float64(mu)
			want[0] += float64(x[i])
			want[1] += d * d
			want[2] += float64(dy[i])
			want[3] += float64(dy[i]) * d
		}
		var got [][4]float32
		both(func() {
			s, tt := DySums(dy, x, mu)
			got = append(got, [4]float32{Sum(x), SumSqDev(x, mu), s, tt})
		})
		for k := range want {
			if math.Abs(float64(got[0][k])-want[k]) > 1e-5*float64(n+1)*(1+math.Abs(want[k])) {
				t.Fatalf("n=%d sum %d = %g, want %g", n, k, got[0][k], want[k])
			}
			if len(got) == 2 && bits(got[0][k]) != bits(got[1][k]) {
				t.Fatalf("n=%d sum %d: pure Go %g, AVX-512 %g", n, k, got[0][k], got[1][k])
			}
		}
	}
}

// TestAffine checks Affine (with and without the ReLU) and AffineGrad
// against their definitions, the paths bit for bit, and that nothing past
// the row is written.
func TestAffine(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n <= 300; n++ {
		x, dy := randRow(rng, n, 0), randRow(rng, n, 0)
		sc, sh := float32(rng.NormFloat64()), float32(rng.NormFloat64())
		var got [][3][]float32
		both(func() {
			var r [3][]float32
			for k := range r {
				r[k] = make([]float32, n+1)
				r[k][n] = 7
			}
			Affine(r[0][:n], x, sc, sh, false)
			Affine(r[1][:n], x, sc, sh, true)
			AffineGrad(r[2][:n], dy, x, sc, sh, 0.5)
			got = append(got, r)
		})
		for k := range 3 {
			if got[0][k][n] != 7 || got[len(got)-1][k][n] != 7 {
				t.Fatalf("n=%d: result %d written past the row", n, k)
			}
		}
		for i := range x {
			y := float64(x[i])*float64(sc) + float64(sh)
			want := [3]float64{y, math.Max(y, 0), float64(sc)*float64(dy[i]) + float64(sh)*float64(x[i]) + 0.5}
			for k := range 3 {
				if math.Abs(float64(got[0][k][i])-want[k]) > 1e-5*(1+math.Abs(want[k])) {
					t.Fatalf("n=%d result %d element %d = %g, want %g", n, k, i, got[0][k][i], want[k])
				}
				if len(got) == 2 && bits(got[0][k][i]) != bits(got[1][k][i]) {
					t.Fatalf("n=%d result %d element %d: pure Go %g, AVX-512 %g", n, k, i, got[0][k][i], got[1][k][i])
				}
			}
		}
	}
	// The ReLU keeps NaN and turns -0 into +0, as Go's max(z, 0).
	both(func() {
		x := make([]float32, 32)
		x[3] = float32(math.NaN())
		y := make([]float32, 32)
		for i := range y {
			y[i] = 5
		}
		Affine(y, x, -1, float32(math.Copysign(0, -1)), true) // 0*-1 + -0 = -0
		if !math.IsNaN(float64(y[3])) || bits(y[0]) != 0 {
			t.Errorf("Affine relu: y[3] = %g (want NaN), y[0] bits %#x (want +0)", y[3], bits(y[0]))
		}
	})
}

func TestPath(t *testing.T) {
	t.Logf("path %s", Path())
	for env, want := range map[string]bool{"off": false, "avx2": false, "": true} {
		t.Setenv("ACTBENCH_SIMD", env)
		if simdChoice().AllowsAVX512() != want {
			t.Errorf("ACTBENCH_SIMD=%q: AVX-512 allowed = %v, want %v", env, !want, want)
		}
	}
}

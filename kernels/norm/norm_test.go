package norm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/actbench/actbench/kernels/internal/simdenv"
)

func randRow(rng *rand.Rand, n int, offset float64) []float32 {
	r := make([]float32, n)
	for i := range r {
		r[i] = float32(offset + rng.NormFloat64())
	}
	return r
}

// levels lists the available paths, pure Go first.
func levels() []simdenv.Level {
	ls := path.Levels()
	slices.Reverse(ls)
	return ls
}

// both runs f on every available path, pure Go first, then AVX2 and AVX-512
// where the CPU has them.
func both(f func()) {
	old := path.Level()
	defer path.Set(old)
	for _, l := range levels() {
		path.Set(l)
		f()
	}
}

func bits(v float32) uint32 { return math.Float32bits(v) }

// TestSums checks Sum, SumSqDev and DySums against float64 sums, and the
// two paths against each other bit for bit, for every length to 300.
func TestSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 300; n++ {
		// Rows start at odd offsets into their buffers.
		x, dy := randRow(rng, n+3, 3)[3:], randRow(rng, n+1, 0)[1:]
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
			for p := 1; p < len(got); p++ {
				if bits(got[0][k]) != bits(got[p][k]) {
					t.Fatalf("n=%d sum %d: pure Go %g, %s %g", n, k, got[0][k], levels()[p], got[p][k])
				}
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
		x, dy := randRow(rng, n+1, 0)[1:], randRow(rng, n+5, 0)[5:]
		sc, sh := float32(rng.NormFloat64()), float32(rng.NormFloat64())
		var got [][3][]float32
		both(func() {
			var r [3][]float32
			for k := range r {
				r[k] = make([]float32, n+2)
				r[k][0], r[k][n+1] = 7, 7
			}
			Affine(r[0][1:n+1], x, sc, sh, false)
			Affine(r[1][1:n+1], x, sc, sh, true)
			AffineGrad(r[2][1:n+1], dy, x, sc, sh, 0.5)
			for k := range r {
				if r[k][0] != 7 || r[k][n+1] != 7 {
					t.Fatalf("n=%d %s: result %d written outside the row", n, Path(), k)
				}
				r[k] = r[k][1:]
			}
			got = append(got, r)
		})
		for i := range x {
			y := float64(x[i])*float64(sc) + float64(sh)
			want := [3]float64{y, math.Max(y, 0), float64(sc)*float64(dy[i]) + float64(sh)*float64(x[i]) + 0.5}
			for k := range 3 {
				if math.Abs(float64(got[0][k][i])-want[k]) > 1e-5*(1+math.Abs(want[k])) {
					t.Fatalf("n=%d result %d element %d = %g, want %g", n, k, i, got[0][k][i], want[k])
				}
				for p := 1; p < len(got); p++ {
					if bits(got[0][k][i]) != bits(got[p][k][i]) {
						t.Fatalf("n=%d result %d element %d: pure Go %g, %s %g", n, k, i, got[0][k][i], levels()[p], got[p][k][i])
					}
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
	t.Logf("path %s (available: %v)", Path(), path.Levels())
	if hasAVX2 != path.Has(simdenv.LevelAVX2) || hasAVX512 != path.Has(simdenv.LevelAVX512) {
		t.Errorf("levels %v, AVX2 %v, AVX-512 %v", path.Levels(), hasAVX2, hasAVX512)
	}
	old := path.Level()
	defer path.Set(old)
	if SetSIMD(false); Path() != "purego" {
		t.Errorf("SetSIMD(false): path %s", Path())
	}
	if on := SetSIMD(true); on || (hasAVX2 && Path() == "purego") {
		t.Errorf("SetSIMD(true): was on %v, path %s", on, Path())
	}
}

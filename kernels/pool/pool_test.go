package pool

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/actbench/actbench/kernels/internal/simdenv"
)

var specials = []float32{
	float32(math.Copysign(0, -1)), 0, float32(math.Inf(1)), float32(math.Inf(-1)),
	float32(math.NaN()), math.Float32frombits(0x7fc01234), math.Float32frombits(0xffc04321),
	math.Float32frombits(0x7f800abc), math.MaxFloat32, -math.MaxFloat32, 1, -1,
}

// row returns n floats: random values from a few levels (so that windows
// tie), mixed with specials when special is set.
func row(rng *rand.Rand, n int, special bool) []float32 {
	r := make([]float32, n)
	for i := range r {
		r[i] = float32(rng.IntN(5) - 2)
		if special && rng.IntN(4) == 0 {
			r[i] = specials[rng.IntN(len(specials))]
		}
	}
	return r
}

// reference is the definition: the first maximum of the window in the
// order r0[2ox], r0[2ox+1], r1[2ox], r1[2ox+1], unless the window holds a
// NaN, then the first NaN.
func reference(r0, r1 []float32, n, base, w int) ([]float32, []int32) {
	dst, arg := make([]float32, n), make([]int32, n)
	for ox := range n {
		v := []float32{r0[2*ox], r0[2*ox+1], r1[2*ox], r1[2*ox+1]}
		offs := []int{0, 1, w, w + 1}
		best := 0
		for i := 1; i < 4; i++ {
			if v[i] > v[best] {
				best = i
			}
		}
		for i := 3; i >= 0; i-- {
			if v[i] != v[i] {
				best = i
			}
		}
		dst[ox], arg[ox] = v[best], int32(base+2*ox+offs[best])
	}
	return dst, arg
}

// TestMax2x2Row checks every path against the definition bit for bit
// (the value chosen, so -0 against +0 and NaN payloads, and its index) on
// rows with ties and specials at every length to 70, and that nothing past
// the row is written.
func TestMax2x2Row(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	old := path.Level()
	defer path.Set(old)
	for n := 0; n <= 70; n++ {
		for _, special := range []bool{false, true} {
			w := 2*n + rng.IntN(3)
			base := rng.IntN(1000)
			plane := row(rng, 2*w+1, special)[1:] // at an odd offset
			r0, r1 := plane[:2*n], plane[w:w+2*n]
			want, wantArg := reference(r0, r1, n, base, w)
			for _, l := range path.LevelsFromPureGo() {
				path.Set(l)
				dst, arg := make([]float32, n+1), make([]int32, n+1)
				dst[n], arg[n] = 7, -7
				Max2x2Row(dst[:n], arg[:n], r0, r1, base, w)
				if dst[n] != 7 || arg[n] != -7 {
					t.Fatalf("%s n=%d: wrote past the row", l, n)
				}
				for i := range n {
					if math.Float32bits(dst[i]) != math.Float32bits(want[i]) || arg[i] != wantArg[i] {
						t.Fatalf("%s n=%d special=%v output %d: got %g (%#08x) at %d, want %g (%#08x) at %d; window %g %g %g %g",
							l, n, special, i, dst[i], math.Float32bits(dst[i]), arg[i], want[i], math.Float32bits(want[i]), wantArg[i],
							r0[2*i], r0[2*i+1], r1[2*i], r1[2*i+1])
					}
				}
			}
		}
	}
}

func TestMax2x2RowPanics(t *testing.T) {
	for name, fn := range map[string]func(){
		"short row": func() { Max2x2Row(make([]float32, 4), make([]int32, 4), make([]float32, 7), make([]float32, 8), 0, 8) },
		"short arg": func() { Max2x2Row(make([]float32, 4), make([]int32, 3), make([]float32, 8), make([]float32, 8), 0, 8) },
		"int32": func() {
			Max2x2Row(make([]float32, 4), make([]int32, 4), make([]float32, 8), make([]float32, 8), math.MaxInt32, 8)
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			fn()
		}()
	}
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
}

// BenchmarkMax2x2Row pools the rows of the simple CNN's and VGG's maps
// (32x32 down to 4x4 inputs) on every path, in ns per row.
func BenchmarkMax2x2Row(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, w := range []int{32, 16, 8, 4} {
		plane := row(rng, 2*w, false)
		dst, arg := make([]float32, w/2), make([]int32, w/2)
		for _, l := range path.LevelsFromPureGo() {
			b.Run(fmt.Sprintf("w=%d/%s", w, l), func(b *testing.B) {
				old := path.Set(l)
				defer path.Set(old)
				for b.Loop() {
					Max2x2Row(dst, arg, plane[:w], plane[w:], 0, w)
				}
			})
		}
	}
}

package wino

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/actbench/actbench/kernels/internal/simdenv"
)

func randRow(rng *rand.Rand, n int) []float32 {
	r := make([]float32, n)
	for i := range r {
		r[i] = float32(rng.NormFloat64())
	}
	return r
}

// sentinel fills s with a NaN pattern that no kernel writes.
func sentinel(s []float32) {
	for i := range s {
		s[i] = math.Float32frombits(0x7fc00bad)
	}
}

// paths runs f once per available path (pure Go first, then AVX2 and
// AVX-512 where the CPU has them) and returns the results.
func paths(t *testing.T, f func() []float32) [][]float32 {
	t.Helper()
	old := path.Level()
	defer path.Set(old)
	var out [][]float32
	for _, l := range path.LevelsFromPureGo() {
		path.Set(l)
		out = append(out, f())
	}
	return out
}

func sameBits(t *testing.T, what string, w int, got [][]float32) {
	t.Helper()
	ls := path.LevelsFromPureGo()
	for p := 1; p < len(got); p++ {
		for i := range got[0] {
			if math.Float32bits(got[0][i]) != math.Float32bits(got[p][i]) {
				t.Fatalf("%s w=%d: element %d: pure Go %g (%#x), %s %g (%#x)", what, w, i,
					got[0][i], math.Float32bits(got[0][i]), ls[p], got[p][i], math.Float32bits(got[p][i]))
			}
		}
	}
}

// image transforms of a whole h x w plane through the row functions, as
// layers.Conv2D uses them.
func transformImage(x []float32, h, w int) (v []float32, xs int) {
	th, tw := (h+1)/2, (w+1)/2
	xs = th*tw + 3 // streams not a multiple of the row
	v = make([]float32, 16*xs)
	zero := make([]float32, w)
	row := func(y int) []float32 {
		if y < 0 || y >= h {
			return zero
		}
		return x[y*w : (y+1)*w]
	}
	for ty := 0; ty < th; ty++ {
		InputRow(v[ty*tw:], xs, row(2*ty-1), row(2*ty), row(2*ty+1), row(2*ty+2), w, tw)
	}
	return v, xs
}

func gradImage(dv []float32, xs, h, w int) []float32 {
	th, tw := (h+1)/2, (w+1)/2
	rs := 2 * tw
	tmp := make([]float32, (th+2)*4*rs) // tile rows -1 .. th, zero at both ends
	R := func(s, i int) []float32 { return tmp[((s+1)*4+i)*rs:] }
	for ty := 0; ty < th; ty++ {
		GradRows(R(ty, 0), rs, tw, dv[ty*tw:], xs, tw)
	}
	dx := make([]float32, h*w)
	for y := 0; y < h; y++ {
		if y%2 == 1 {
			s := (y + 1) / 2
			GradCols(dx[y*w:], w, true, R(s, 0), R(s-1, 1), R(s-1, 0), R(s-1, 2), tw, tw)
		} else {
			s := y / 2
			GradCols(dx[y*w:], w, false, R(s, 1), R(s, 2), R(s, 3), R(s-1, 3), tw, tw)
		}
	}
	return dx
}

func outputImage(m []float32, xs, h, w int, bias float32) []float32 {
	th, tw := (h+1)/2, (w+1)/2
	y := make([]float32, h*w)
	scratch := make([]float32, w)
	for ty := 0; ty < th; ty++ {
		r1 := scratch
		if 2*ty+1 < h {
			r1 = y[(2*ty+1)*w:]
		}
		OutputRow(y[2*ty*w:], r1, w, m[ty*tw:], xs, bias, tw)
	}
	return y
}

func dyImage(dy []float32, h, w int) ([]float32, int) {
	th, tw := (h+1)/2, (w+1)/2
	xs := th*tw + 5
	dm := make([]float32, 16*xs)
	zero := make([]float32, w)
	for ty := 0; ty < th; ty++ {
		r1 := zero
		if 2*ty+1 < h {
			r1 = dy[(2*ty+1)*w:]
		}
		DyRow(dm[ty*tw:], xs, dy[2*ty*w:], r1, w, tw)
	}
	return dm, xs
}

var sizes = [][2]int{{1, 1}, {2, 2}, {3, 5}, {4, 4}, {7, 8}, {8, 8}, {16, 16}, {9, 31}, {32, 32}, {6, 33}, {5, 34}, {3, 64}, {2, 67}}

// TestInputTransform checks V against B^T d B computed in float64 from its
// definition, and the paths against each other bit for bit.
func TestInputTransform(t *testing.T) {
	bt := [4][4]float64{{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range sizes {
		h, w := s[0], s[1]
		x := randRow(rng, h*w)
		res := paths(t, func() []float32 { v, _ := transformImage(x, h, w); return v })
		sameBits(t, "InputRow", w, res)
		v, xs := transformImage(x, h, w)
		tw := (w + 1) / 2
		at := func(y, c int) float64 {
			if y < 0 || y >= h || c < 0 || c >= w {
				return 0
			}
			return float64(x[y*w+c])
		}
		for ty := 0; ty < (h+1)/2; ty++ {
			for tx := 0; tx < tw; tx++ {
				for i := range 4 {
					for k := range 4 {
						want := 0.0
						for a := range 4 {
							for b := range 4 {
								want += bt[i][a] * at(2*ty-1+a, 2*tx-1+b) * bt[k][b]
							}
						}
						if got := float64(v[(4*i+k)*xs+ty*tw+tx]); math.Abs(got-want) > 1e-5*(1+math.Abs(want)) {
							t.Fatalf("%dx%d tile (%d,%d) value %d: %g, want %g", h, w, ty, tx, 4*i+k, got, want)
						}
					}
				}
			}
		}
	}
}

// TestOutputTransform checks Y against A^T M A + bias in float64, and the
// paths bit for bit.
func TestOutputTransform(t *testing.T) {
	at := [2][4]float64{{1, 1, 1, 0}, {0, 1, -1, -1}}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range sizes {
		h, w := s[0], s[1]
		th, tw := (h+1)/2, (w+1)/2
		xs := th*tw + 7
		m := randRow(rng, 16*xs)
		res := paths(t, func() []float32 { return outputImage(m, xs, h, w, 0.25) })
		sameBits(t, "OutputRow", w, res)
		y := res[0]
		for oy := 0; oy < h; oy++ {
			for ox := 0; ox < w; ox++ {
				t0 := (oy/2)*tw + ox/2
				want := 0.25
				for i := range 4 {
					for k := range 4 {
						want += at[oy%2][i] * float64(m[(4*i+k)*xs+t0]) * at[ox%2][k]
					}
				}
				if got := float64(y[oy*w+ox]); math.Abs(got-want) > 1e-5*(1+math.Abs(want)) {
					t.Fatalf("%dx%d output (%d,%d): %g, want %g", h, w, oy, ox, got, want)
				}
			}
		}
	}
}

// TestAdjoints checks the backward transforms as adjoints of the forward
// ones (<B^T d B, dV> = <d, B dV B^T>, <A^T M A, dY> = <M, A dY A^T>, in
// float64), and the paths bit for bit, with rows ending in sentinels that
// must survive.
func TestAdjoints(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, s := range sizes {
		h, w := s[0], s[1]
		th, tw := (h+1)/2, (w+1)/2
		x := randRow(rng, h*w)
		v, xs := transformImage(x, h, w)
		dv := randRow(rng, len(v))
		res := paths(t, func() []float32 { return gradImage(dv, xs, h, w) })
		sameBits(t, "GradRows+GradCols", w, res)
		dx := res[0]
		var lhs, rhs float64
		for xi := range 16 {
			for j := 0; j < th*tw; j++ {
				lhs += float64(v[xi*xs+j]) * float64(dv[xi*xs+j])
			}
		}
		for i := range x {
			rhs += float64(x[i]) * float64(dx[i])
		}
		if math.Abs(lhs-rhs) > 1e-4*(1+math.Abs(lhs)) {
			t.Errorf("%dx%d: <V,dV> = %g but <x,dx> = %g", h, w, lhs, rhs)
		}

		dy := randRow(rng, h*w)
		res = paths(t, func() []float32 { dm, _ := dyImage(dy, h, w); return dm })
		sameBits(t, "DyRow", w, res)
		dm, dxs := dyImage(dy, h, w)
		m := make([]float32, 16*dxs)
		for xi := range 16 {
			for j := 0; j < th*tw; j++ {
				m[xi*dxs+j] = float32(rng.NormFloat64())
			}
		}
		y := outputImage(m, dxs, h, w, 0)
		lhs, rhs = 0, 0
		for i := range y {
			lhs += float64(y[i]) * float64(dy[i])
		}
		for xi := range 16 {
			for j := 0; j < th*tw; j++ {
				rhs += float64(m[xi*dxs+j]) * float64(dm[xi*dxs+j])
			}
		}
		if math.Abs(lhs-rhs) > 1e-4*(1+math.Abs(lhs)) {
			t.Errorf("%dx%d: <Y,dY> = %g but <M,dM> = %g", h, w, lhs, rhs)
		}
	}
}

// TestBounds checks that the kernels write nothing past a row's w floats
// or a stream's n tiles.
func TestBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for w := 1; w <= 40; w++ {
		n := (w + 1) / 2
		xs := n + 3
		for _, on := range path.LevelsFromPureGo() {
			old := path.Set(on)
			rows := [4][]float32{randRow(rng, w), randRow(rng, w), randRow(rng, w), randRow(rng, w)}
			v := make([]float32, 16*xs)
			sentinel(v)
			InputRow(v, xs, rows[0], rows[1], rows[2], rows[3], w, n)
			for xi := range 16 {
				for j := n; j < xs && xi*xs+j < len(v); j++ {
					if !math.IsNaN(float64(v[xi*xs+j])) {
						t.Fatalf("InputRow w=%d path %v wrote stream %d past n", w, on, xi)
					}
				}
			}
			out := make([]float32, 2*w+8)
			sentinel(out)
			OutputRow(out[:w], out[w+4:2*w+4], w, v, xs, 0, n)
			DyRow(v, xs, out[:w], out[w+4:], w, n)
			for _, j := range []int{w, w + 1, w + 2, w + 3, 2*w + 4, 2*w + 5} {
				if !math.IsNaN(float64(out[j])) {
					t.Fatalf("OutputRow w=%d path %v wrote past the row", w, on)
				}
			}
			g := make([]float32, 4*2*n+8)
			sentinel(g)
			GradRows(g, 2*n, n, v, xs, n)
			for _, j := range []int{8 * n, 8*n + 1} {
				if !math.IsNaN(float64(g[j])) {
					t.Fatalf("GradRows w=%d path %v wrote past its rows", w, on)
				}
			}
			sentinel(out)
			GradCols(out[:w], w, w%2 == 0, g, g[2*n:], g[4*n:], g[6*n:], n, n)
			if !math.IsNaN(float64(out[w])) {
				t.Fatalf("GradCols w=%d path %v wrote past the row", w, on)
			}
			path.Set(old)
		}
	}
}

// TestRows runs every row function on every path for every width 1..72
// (tile counts across the AVX-512 and AVX2 group sizes and their ragged
// tails) with odd stream strides, on buffers filled with a NaN sentinel,
// and compares the whole buffers bit for bit: the same values, and nothing
// written outside the rows and streams.
func TestRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for w := 1; w <= 72; w++ {
		n := (w + 1) / 2
		xs := n + 2*(w%3) + 1 // odd
		rows := [4][]float32{randRow(rng, w), randRow(rng, w), randRow(rng, w), randRow(rng, w)}
		m := randRow(rng, 16*xs)
		dy := [2][]float32{randRow(rng, w), randRow(rng, w)}
		g := randRow(rng, 4*2*n+5)
		bias := float32(rng.NormFloat64())
		for _, fn := range []struct {
			name string
			run  func() []float32
		}{
			{"InputRow", func() []float32 {
				v := make([]float32, 16*xs+5)
				sentinel(v)
				InputRow(v[1:], xs, rows[0], rows[1], rows[2], rows[3], w, n)
				return v
			}},
			{"OutputRow", func() []float32 {
				out := make([]float32, 2*w+9)
				sentinel(out)
				OutputRow(out[1:w+1], out[w+5:2*w+5], w, m, xs, bias, n)
				return out
			}},
			{"DyRow", func() []float32 {
				dm := make([]float32, 16*xs+5)
				sentinel(dm)
				DyRow(dm[1:], xs, dy[0], dy[1], w, n)
				return dm
			}},
			{"GradRows", func() []float32 {
				dst := make([]float32, 4*(2*n+1)+5)
				sentinel(dst)
				GradRows(dst[1:], 2*n+1, n, m, xs, n)
				return dst
			}},
			{"GradCols odd", func() []float32 {
				out := make([]float32, w+5)
				sentinel(out)
				GradCols(out[1:w+1], w, true, g, g[2*n:], g[4*n+1:], g[6*n:], n, n)
				return out
			}},
			{"GradCols even", func() []float32 {
				out := make([]float32, w+5)
				sentinel(out)
				GradCols(out[1:w+1], w, false, g[1:], g[2*n+3:], g[4*n:], g[6*n+2:], n, n)
				return out
			}},
		} {
			res := paths(t, fn.run)
			sameBits(t, fn.name, w, res)
			for i, v := range res[0] {
				if v != v && math.Float32bits(v) != 0x7fc00bad {
					t.Fatalf("%s w=%d: element %d is a NaN the inputs do not make", fn.name, w, i)
				}
			}
		}
	}
}

func TestPath(t *testing.T) {
	t.Logf("path %s (available: %v)", Path(), path.Levels())
	if got := Path(); got != path.Level().String() {
		t.Errorf("Path() = %q", got)
	}
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

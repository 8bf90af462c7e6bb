package norm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/kernels/internal/simdenv"
)

func randRow(rng *rand.Rand, n int, offset float64) []float32 {
	r := make([]float32, n)
	for i := range r {
		r[i] = float32(offset + rng.NormFloat64())
	}
	return r
}

// both runs f on every available path, pure Go first, then AVX2 and AVX-512
// where the CPU has them.
func both(f func()) {
	old := path.Level()
	defer path.Set(old)
	for _, l := range path.LevelsFromPureGo() {
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
					t.Fatalf("n=%d sum %d: pure Go %g, %s %g", n, k, got[0][k], path.LevelsFromPureGo()[p], got[p][k])
				}
			}
		}
	}
}

// TestAffine checks Affine and Add (each with and without the ReLU) and
// AffineGrad against their definitions, the paths bit for bit, and that
// nothing past the row is written.
func TestAffine(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n <= 300; n++ {
		x, dy := randRow(rng, n+1, 0)[1:], randRow(rng, n+5, 0)[5:]
		sc, sh := float32(rng.NormFloat64()), float32(rng.NormFloat64())
		var got [][5][]float32
		both(func() {
			var r [5][]float32
			for k := range r {
				r[k] = make([]float32, n+2)
				r[k][0], r[k][n+1] = 7, 7
			}
			Affine(r[0][1:n+1], x, sc, sh, false)
			Affine(r[1][1:n+1], x, sc, sh, true)
			AffineGrad(r[2][1:n+1], dy, x, sc, sh, 0.5)
			Add(r[3][1:n+1], x, dy, false)
			copy(r[4][1:n+1], x)
			Add(r[4][1:n+1], r[4][1:n+1], dy, true) // in place
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
			sum := float64(x[i]) + float64(dy[i])
			want := [5]float64{y, math.Max(y, 0), float64(sc)*float64(dy[i]) + float64(sh)*float64(x[i]) + 0.5, sum, math.Max(sum, 0)}
			for k := range want {
				if math.Abs(float64(got[0][k][i])-want[k]) > 1e-5*(1+math.Abs(want[k])) {
					t.Fatalf("n=%d result %d element %d = %g, want %g", n, k, i, got[0][k][i], want[k])
				}
				for p := 1; p < len(got); p++ {
					if bits(got[0][k][i]) != bits(got[p][k][i]) {
						t.Fatalf("n=%d result %d element %d: pure Go %g, %s %g", n, k, i, got[0][k][i], path.LevelsFromPureGo()[p], got[p][k][i])
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
		neg0 := make([]float32, 32)
		for i := range neg0 {
			neg0[i] = float32(math.Copysign(0, -1))
		}
		Add(y, x, neg0, true) // 0 + -0 = +0; NaN + -0 = NaN
		if !math.IsNaN(float64(y[3])) || bits(y[0]) != 0 {
			t.Errorf("Add relu: y[3] = %g (want NaN), y[0] bits %#x (want +0)", y[3], bits(y[0]))
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

// Non-finite values for the rows and the scalars: infinities, the NaN Go
// makes (positive, quiet), NaNs with payloads of either sign, a signalling
// NaN, and values whose sums and products overflow.
var (
	nanGo    = float32(math.NaN())
	nanPos   = math.Float32frombits(0x7fc01234)
	nanNeg   = math.Float32frombits(0xffc04321)
	nanSig   = math.Float32frombits(0x7f800abc)
	inf      = float32(math.Inf(1))
	specials = []float32{inf, -inf, nanGo, nanPos, nanNeg, nanSig, math.MaxFloat32, -math.MaxFloat32, float32(math.Copysign(0, -1))}
	scalars  = []float32{0.75, -1.5, 0, inf, -inf, nanGo, nanNeg, math.MaxFloat32}
)

// nonFiniteRows returns rows of length n (at an odd offset into their
// buffers) that mix finite values with specials: mixed signs, one sign
// only (a sum of one-signed infinities stays infinite, so a stray NaN from
// a masked-off lane would show), all of one special, and specials at a few
// random places, including the last element (the masked tail).
func nonFiniteRows(rng *rand.Rand, n int) [][]float32 {
	var rows [][]float32
	mixed := randRow(rng, n+1, 0)[1:]
	pos := randRow(rng, n+1, 0)[1:]
	for i := range pos {
		pos[i] = float32(math.Abs(float64(pos[i]))) + 0.5
	}
	rows = append(rows, mixed, pos)
	for _, s := range specials {
		all := make([]float32, n+1)[1:]
		for i := range all {
			all[i] = s
		}
		few := slices.Clone(pos)
		few[n-1] = s
		for range 3 {
			few[rng.IntN(n)] = specials[rng.IntN(len(specials))]
		}
		rows = append(rows, all, few)
	}
	return rows
}

// sumBits is the bits of a sum, any NaN as the default one: when both
// operands of an addition are NaN, x86 returns the first one's, and the Go
// compiler orders the operands of the pure-Go sums' commutative additions
// as its register allocation suits (in tree, acc[j] + acc[16+j] runs as
// acc[16+j] + acc[j]), so which payload a sum of NaNs ends with is not
// the code's to pin. Everything else (NaN against an infinity, signs of
// infinities and zeros) is compared bit for bit.
func sumBits(v float32) uint32 {
	if v != v {
		return 0xffc00000
	}
	return bits(v)
}

// TestNonFinite compares every path bit for bit (the element-wise results
// of Affine, AffineGrad and Add
// with their NaN payloads, the sums without, see sumBits) on
// rows holding infinities and NaNs, and with infinite or NaN scalars, at
// every length to 130: the masked tails must add nothing and store
// nothing for their masked-off lanes, whatever mu or scale are.
func TestNonFinite(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := 1; n <= 130; n++ {
		rows := nonFiniteRows(rng, n)
		for ix, x := range rows {
			for _, dy := range [][]float32{rows[1], rows[rng.IntN(len(rows))], x} {
				for _, mu := range scalars {
					var got [][4]float32
					both(func() {
						s, tt := DySums(dy, x, mu)
						got = append(got, [4]float32{Sum(x), SumSqDev(x, mu), s, tt})
					})
					for p := 1; p < len(got); p++ {
						for k := range got[0] {
							if sumBits(got[0][k]) != sumBits(got[p][k]) {
								t.Fatalf("n=%d row %d mu=%g sum %d: pure Go %g (%#08x), %s %g (%#08x)",
									n, ix, mu, k, got[0][k], bits(got[0][k]), path.LevelsFromPureGo()[p], got[p][k], bits(got[p][k]))
							}
						}
					}
				}
				sc := scalars[rng.IntN(len(scalars))]
				sh := scalars[rng.IntN(len(scalars))]
				for _, ab := range [][2]float32{{sc, sh}, {inf, 0}, {0, nanNeg}, {-inf, inf}} {
					var got [][5][]float32
					both(func() {
						var r [5][]float32
						for k := range r {
							r[k] = make([]float32, n+2)
							r[k][0], r[k][n+1] = 7, 7
						}
						Affine(r[0][1:n+1], x, ab[0], ab[1], false)
						Affine(r[1][1:n+1], x, ab[0], ab[1], true)
						AffineGrad(r[2][1:n+1], dy, x, ab[0], ab[1], sc)
						Add(r[3][1:n+1], x, dy, false)
						Add(r[4][1:n+1], dy, x, true)
						for k := range r {
							if r[k][0] != 7 || r[k][n+1] != 7 {
								t.Fatalf("n=%d %s: result %d written outside the row", n, Path(), k)
							}
						}
						got = append(got, r)
					})
					for p := 1; p < len(got); p++ {
						for k := range got[0] {
							for i := range got[0][k] {
								if bits(got[0][k][i]) != bits(got[p][k][i]) {
									t.Fatalf("n=%d row %d sc,sh=%g result %d element %d: pure Go %g (%#08x), %s %g (%#08x)",
										n, ix, ab, k, i, got[0][k][i], bits(got[0][k][i]), path.LevelsFromPureGo()[p], got[p][k][i], bits(got[p][k][i]))
								}
							}
						}
					}
				}
			}
		}
	}
}

// TestAffineAdd checks AffineAdd against Affine into a buffer followed by
// Add, bit for bit, on every path (Affine and Add are themselves the same
// on every path), for every length from 1 to 130, on rows with infinities, NaNs
// and signed zeros, with and without the ReLU, into a fresh row and in
// place over x and over s.
func TestAffineAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := 1; n <= 130; n++ {
		rows := append(nonFiniteRows(rng, n), randRow(rng, n, 0.5))
		for ix, x := range rows {
			s := rows[rng.IntN(len(rows))]
			sc := scalars[rng.IntN(len(scalars))]
			sh := scalars[rng.IntN(len(scalars))]
			for _, ab := range [][2]float32{{sc, sh}, {0.75, -0.25}, {inf, 0}, {0, nanNeg}} {
				for _, relu := range []bool{false, true} {
					both(func() {
						want := make([]float32, n)
						Affine(want, x, ab[0], ab[1], false)
						Add(want, want, s, relu)
						fresh := make([]float32, n+2)
						fresh[0], fresh[n+1] = 7, 7
						AffineAdd(fresh[1:n+1], x, s, ab[0], ab[1], relu)
						if fresh[0] != 7 || fresh[n+1] != 7 {
							t.Fatalf("n=%d %s: AffineAdd wrote outside the row", n, Path())
						}
						overX, overS := slices.Clone(x), slices.Clone(s)
						AffineAdd(overX, overX, s, ab[0], ab[1], relu)
						AffineAdd(overS, x, overS, ab[0], ab[1], relu)
						for k, got := range [][]float32{fresh[1 : n+1], overX, overS} {
							for i := range want {
								if bits(got[i]) != bits(want[i]) {
									t.Fatalf("n=%d row %d sc,sh=%g relu=%v %s (output %d): element %d = %g (%#08x), Affine then Add %g (%#08x)",
										n, ix, ab, relu, Path(), k, i, got[i], bits(got[i]), want[i], bits(want[i]))
								}
							}
						}
					})
				}
			}
		}
	}
}

// TestAddReLUBackward checks AddReLUBackward against Add followed by
// act.ReLUBackward, bit for bit, on every path, for every length from 1
// to 130, on rows with infinities, NaNs (in the sum and in x) and signed
// zeros, into a fresh row and in place over a, b and x.
func TestAddReLUBackward(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for n := 1; n <= 130; n++ {
		rows := append(nonFiniteRows(rng, n), randRow(rng, n, 0))
		for ix, x := range rows {
			a, b := rows[rng.IntN(len(rows))], rows[rng.IntN(len(rows))]
			both(func() {
				want := make([]float32, n)
				Add(want, a, b, false)
				act.ReLUBackward(want, want, x)
				fresh := make([]float32, n+2)
				fresh[0], fresh[n+1] = 7, 7
				AddReLUBackward(fresh[1:n+1], a, b, x)
				if fresh[0] != 7 || fresh[n+1] != 7 {
					t.Fatalf("n=%d %s: AddReLUBackward wrote outside the row", n, Path())
				}
				overA, overB, overX := slices.Clone(a), slices.Clone(b), slices.Clone(x)
				AddReLUBackward(overA, overA, b, x)
				AddReLUBackward(overB, a, overB, x)
				AddReLUBackward(overX, a, b, overX)
				for k, got := range [][]float32{fresh[1 : n+1], overA, overB, overX} {
					for i := range want {
						if bits(got[i]) != bits(want[i]) {
							t.Fatalf("n=%d row %d %s (output %d): element %d = %g (%#08x), Add then ReLUBackward %g (%#08x)",
								n, ix, Path(), k, i, got[i], bits(got[i]), want[i], bits(want[i]))
						}
					}
				}
			})
		}
	}
}

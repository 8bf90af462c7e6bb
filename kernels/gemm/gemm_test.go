package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"
)

// layouts are the four (transA, transB) combinations, named as in BLAS.
var layouts = []struct {
	name           string
	transA, transB bool
}{{"NN", false, false}, {"TN", true, false}, {"NT", false, true}, {"TT", true, true}}

// operands is one test problem: stored A, B and C with their leading
// dimensions and the offsets at which the views start.
type operands struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
}

// newOperands fills A, B and C with values in [-1,1); pad widens each
// leading dimension (odd strides) and off starts each matrix that many
// elements into its slice (a sub-matrix view of a larger buffer).
func newOperands(rng *rand.Rand, transA, transB bool, m, n, k, pad, off int, alpha, beta float32) *operands {
	o := &operands{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta}
	aRows, aCols := m, k
	if transA {
		aRows, aCols = k, m
	}
	bRows, bCols := k, n
	if transB {
		bRows, bCols = n, k
	}
	o.lda, o.ldb, o.ldc = max(1, aCols)+pad, max(1, bCols)+pad, n+pad
	fill := func(rows, ld int) []float32 {
		s := make([]float32, off+rows*ld)
		for i := range s {
			s[i] = rng.Float32()*2 - 1
		}
		return s[off:]
	}
	o.a, o.b, o.c = fill(aRows, o.lda), fill(bRows, o.ldb), fill(m, o.ldc)
	return o
}

func (o *operands) at(transA bool, s []float32, ld, i, j int) float64 {
	if transA {
		return float64(s[j*ld+i])
	}
	return float64(s[i*ld+j])
}

// reference computes the expected C in float64 with the naive triple loop,
// and for each element a bound on the float32 rounding error of any
// summation order: (k+2) ulps of the sum of absolute terms.
func (o *operands) reference() (want, tol []float64) {
	want = make([]float64, len(o.c))
	tol = make([]float64, len(o.c))
	const eps = 1.0 / (1 << 23)
	for i := 0; i < o.m; i++ {
		for j := 0; j < o.n; j++ {
			var sum, abs float64
			for l := 0; l < o.k && o.alpha != 0; l++ {
				t := o.at(o.transA, o.a, o.lda, i, l) * o.at(o.transB, o.b, o.ldb, l, j)
				sum += t
				abs += math.Abs(t)
			}
			v := float64(o.alpha) * sum
			abs *= math.Abs(float64(o.alpha))
			if o.beta != 0 {
				cb := float64(o.beta) * float64(o.c[i*o.ldc+j])
				v += cb
				abs += math.Abs(cb)
			}
			want[i*o.ldc+j] = v
			tol[i*o.ldc+j] = float64(o.k+2)*eps*abs + 1e-30
		}
	}
	return want, tol
}

// run calls Sgemm on a copy of C and returns it.
func (o *operands) run() []float32 {
	c := slices.Clone(o.c)
	Sgemm(o.transA, o.transB, o.m, o.n, o.k, o.alpha, o.a, o.lda, o.b, o.ldb, o.beta, c, o.ldc)
	return c
}

// verify checks got against the reference inside the view and checks that
// the padding between rows of C was not touched.
func (o *operands) verify(t *testing.T, label string, got []float32, want, tol []float64) {
	t.Helper()
	bad := 0
	for i := 0; i < o.m; i++ {
		for j := 0; j < o.ldc; j++ {
			x := i*o.ldc + j
			if j >= o.n {
				if math.Float32bits(got[x]) != math.Float32bits(o.c[x]) {
					t.Errorf("%s: padding C[%d,%d] changed from %v to %v", label, i, j, o.c[x], got[x])
					bad++
				}
			} else if d := math.Abs(float64(got[x]) - want[x]); !(d <= tol[x]) {
				t.Errorf("%s: C[%d,%d] = %v, want %v (error %.3g > bound %.3g)", label, i, j, got[x], want[x], d, tol[x])
				bad++
			}
			if bad >= 5 {
				t.Fatalf("%s: giving up after %d wrong elements", label, bad)
			}
		}
	}
}

// withBackend runs f with the named backend and thread count, restoring
// both afterwards.
func withBackend(t testing.TB, name string, threads int, f func()) {
	t.Helper()
	oldBackend, oldThreads := Backend(), Threads()
	if err := SetBackend(name); err != nil {
		t.Fatal(err)
	}
	SetThreads(threads)
	defer func() {
		SetThreads(oldThreads)
		if err := SetBackend(oldBackend); err != nil {
			t.Fatal(err)
		}
	}()
	f()
}

// splitAll makes Sgemm split even tiny products across threads until the
// test ends, so that 2-thread runs cover ragged splits and tails.
func splitAll(t testing.TB) {
	old := minParallelFlops
	minParallelFlops = 0
	t.Cleanup(func() { minParallelFlops = old })
}

// checkAll runs o on every backend with 1 and 2 threads against the
// float64 reference, splitting the 2-thread runs whatever their size.
func checkAll(t *testing.T, label string, o *operands) {
	t.Helper()
	old := minParallelFlops
	minParallelFlops = 0
	defer func() { minParallelFlops = old }()
	want, tol := o.reference()
	for _, name := range Backends() {
		for _, th := range []int{1, 2} {
			withBackend(t, name, th, func() {
				o.verify(t, fmt.Sprintf("%s/%s/threads=%d", label, name, th), o.run(), want, tol)
			})
		}
	}
}

func TestBackendsAvailable(t *testing.T) {
	names := Backends()
	if !slices.Contains(names, "gonum") {
		t.Fatalf("Backends() = %v, want gonum always present", names)
	}
	if !slices.Contains(names, Backend()) {
		t.Fatalf("Backend() = %q is not in Backends() = %v", Backend(), names)
	}
	if want := defaultBackend().name; Backend() != want {
		t.Fatalf("Backend() = %q at start, want %q for this environment", Backend(), want)
	}
	if simdDisabled() && os.Getenv("ACTBENCH_GEMM") == "" && Backend() != "gonum" {
		t.Fatalf("ACTBENCH_SIMD=off but the default backend is %q", Backend())
	}
	if err := SetBackend("no-such-backend"); err == nil {
		t.Fatal("SetBackend(no-such-backend) succeeded, want an error")
	}
	if !slices.Contains(names, Backend()) {
		t.Fatalf("a failed SetBackend changed the backend to %q", Backend())
	}
	t.Logf("backends %v, default %s, threads %d", names, Backend(), Threads())
}

// TestDefaultFromEnvironment checks how ACTBENCH_SIMD and ACTBENCH_GEMM
// choose the default backend.
func TestDefaultFromEnvironment(t *testing.T) {
	best := Backends()[0]
	has := func(name string) string {
		if slices.Contains(Backends(), name) {
			return name
		}
		return best
	}
	cases := []struct{ simd, gemm, want string }{
		{"", "", best},
		{"auto", "", best},
		{"off", "", "gonum"},
		{"purego", "", "gonum"},
		{"OFF", "", "gonum"},
		{"avx2", "", has("avx2")},
		{"avx512", "", has("avx512")},
		{"bogus", "", best},
		{"", "gonum", "gonum"},
		{"", "bogus", best},
		{"off", "avx512", "gonum"},
		{"avx2", "gonum", "gonum"},
		{"", "openblas", has("openblas")},
	}
	for _, c := range cases {
		t.Setenv("ACTBENCH_SIMD", c.simd)
		t.Setenv("ACTBENCH_GEMM", c.gemm)
		if got := defaultBackend().name; got != c.want {
			t.Errorf("ACTBENCH_SIMD=%q ACTBENCH_GEMM=%q: default %q, want %q", c.simd, c.gemm, got, c.want)
		}
	}
}

func TestSetThreads(t *testing.T) {
	old := Threads()
	defer SetThreads(old)
	for _, c := range []struct{ in, want int }{{0, 1}, {-3, 1}, {1, 1}, {2, 2}, {1 << 20, maxThreads}} {
		SetThreads(c.in)
		if got := Threads(); got != c.want {
			t.Errorf("SetThreads(%d): Threads() = %d, want %d", c.in, got, c.want)
		}
	}
}

// TestTails sweeps every small m, n and k so that each micro-kernel edge
// (row tails, masked column tails, short k) is hit in every layout.
func TestTails(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, l := range layouts {
		for m := 1; m <= 70; m++ {
			n := (m*37)%70 + 1
			k := (m*13)%70 + 1
			o := newOperands(rng, l.transA, l.transB, m, n, k, 0, 0, 1, 0)
			checkAll(t, fmt.Sprintf("%s m=%d n=%d k=%d", l.name, m, n, k), o)
			// The transposed sweep: n runs over 1..70 too.
			o = newOperands(rng, l.transA, l.transB, k, m, n, 1, 0, 1, 1)
			checkAll(t, fmt.Sprintf("%s m=%d n=%d k=%d", l.name, k, m, n), o)
		}
		for m := 1; m <= 17; m++ {
			for n := 1; n <= 40; n++ {
				o := newOperands(rng, l.transA, l.transB, m, n, 5, 0, 0, 1.5, 0.5)
				checkAll(t, fmt.Sprintf("%s m=%d n=%d k=5", l.name, m, n), o)
			}
		}
	}
}

// TestAlphaBeta covers alpha and beta in {0, 1, other}, including the BLAS
// rules that beta == 0 overwrites NaNs in C and alpha == 0 reads neither A
// nor B.
func TestAlphaBeta(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	values := []float32{0, 1, -0.75}
	for _, l := range layouts {
		for _, alpha := range values {
			for _, beta := range values {
				o := newOperands(rng, l.transA, l.transB, 37, 45, 29, 3, 5, alpha, beta)
				if beta == 0 {
					for i := range o.c {
						o.c[i] = float32(math.NaN())
					}
					// The padding must keep its NaNs: verify compares bits there.
				}
				if alpha == 0 {
					for i := range o.a {
						o.a[i] = float32(math.NaN())
					}
					for i := range o.b {
						o.b[i] = float32(math.Inf(1))
					}
				}
				checkAll(t, fmt.Sprintf("%s alpha=%v beta=%v", l.name, alpha, beta), o)
			}
		}
	}
}

// TestLarge crosses the cache blocking: k > Kc, n > Nc, m spanning several
// row blocks, odd leading dimensions and views into larger buffers.
func TestLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	shapes := []struct{ m, n, k, pad, off int }{
		{131, 300, 530, 3, 7}, // k > 2*Kc
		{300, 77, 300, 1, 1},
		{40, 1100, 41, 0, 3}, // wide: the threads split N, N > Nc
		{259, 33, 27, 5, 0},  // im2col-like: small k and n
		{64, 1024, 16, 0, 0},
	}
	for _, l := range layouts {
		for _, s := range shapes {
			o := newOperands(rng, l.transA, l.transB, s.m, s.n, s.k, s.pad, s.off, 0.5, 2)
			checkAll(t, fmt.Sprintf("%s m=%d n=%d k=%d lpad=%d off=%d", l.name, s.m, s.n, s.k, s.pad, s.off), o)
		}
	}
}

// TestAgainstGonum compares every backend with gonum directly on shapes
// like the simple CNN's convolutions.
func TestAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, l := range layouts {
		o := newOperands(rng, l.transA, l.transB, 512, 64, 288, 0, 0, 1, 0)
		var ref []float32
		withBackend(t, "gonum", 1, func() { ref = o.run() })
		_, tol := o.reference()
		for _, name := range Backends() {
			withBackend(t, name, 2, func() {
				got := o.run()
				for i := range got {
					if d := math.Abs(float64(got[i] - ref[i])); d > 2*tol[i] {
						t.Fatalf("%s %s: C[%d] = %v, gonum %v (difference %.3g > %.3g)", l.name, name, i, got[i], ref[i], d, 2*tol[i])
					}
				}
			})
		}
	}
}

// TestDeterministic checks that repeated calls with a thread count give
// bit-identical results, and that our own backends (whose split never
// changes an element's summation order) also agree between 1 and 2 threads.
func TestDeterministic(t *testing.T) {
	splitAll(t)
	rng := rand.New(rand.NewPCG(9, 10))
	same := func(x, y []float32) bool {
		return slices.EqualFunc(x, y, func(u, v float32) bool { return math.Float32bits(u) == math.Float32bits(v) })
	}
	for _, l := range layouts {
		o := newOperands(rng, l.transA, l.transB, 203, 150, 400, 1, 0, 1, 0.25)
		for _, name := range Backends() {
			first := map[int][]float32{}
			for _, th := range []int{1, 2, 2, 1} {
				withBackend(t, name, th, func() {
					got := o.run()
					if prev, ok := first[th]; ok && !same(got, prev) {
						t.Errorf("%s %s threads=%d: result differs from the first run", l.name, name, th)
					}
					first[th] = got
				})
			}
			if name != "openblas" && !same(first[1], first[2]) {
				t.Errorf("%s %s: 1 and 2 threads give different results", l.name, name)
			}
		}
	}
}

// TestConcurrentCalls runs Sgemm from several goroutines at once, as the
// layers do when they split a batch, and checks every result bit for bit
// against the same call made alone.
func TestConcurrentCalls(t *testing.T) {
	splitAll(t)
	rng := rand.New(rand.NewPCG(17, 18))
	for _, name := range Backends() {
		withBackend(t, name, 2, func() {
			var ops []*operands
			var want [][]float32
			for g := 0; g < 4; g++ {
				l := layouts[g%4]
				o := newOperands(rng, l.transA, l.transB, 150+g, 170, 130, 0, 0, 1, 0.5)
				ops, want = append(ops, o), append(want, o.run())
			}
			got := make([][]float32, len(ops))
			var wg sync.WaitGroup
			for g, o := range ops {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for rep := 0; rep < 5; rep++ {
						got[g] = o.run()
					}
				}()
			}
			wg.Wait()
			for g := range ops {
				if !slices.Equal(got[g], want[g]) {
					t.Errorf("%s: concurrent call %d differs from the same call alone", name, g)
				}
			}
		})
	}
}

func TestBadArguments(t *testing.T) {
	a, b, c := make([]float32, 12), make([]float32, 12), make([]float32, 12)
	cases := []struct {
		name string
		f    func()
	}{
		{"negative m", func() { Sgemm(false, false, -1, 3, 4, 1, a, 4, b, 3, 0, c, 3) }},
		{"small lda", func() { Sgemm(false, false, 3, 3, 4, 1, a, 3, b, 3, 0, c, 3) }},
		{"small ldb", func() { Sgemm(false, true, 3, 3, 4, 1, a, 4, b, 3, 0, c, 3) }},
		{"small ldc", func() { Sgemm(false, false, 3, 3, 4, 1, a, 4, b, 3, 0, c, 2) }},
		{"short a", func() { Sgemm(false, false, 4, 3, 4, 1, a, 4, b, 3, 0, c, 3) }},
		{"short c", func() { Sgemm(false, false, 3, 5, 4, 1, a, 4, make([]float32, 20), 5, 0, c, 5) }},
	}
	for _, tc := range cases {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s: Sgemm did not panic", tc.name)
				} else if s, ok := r.(string); !ok || len(s) < 10 {
					t.Errorf("%s: panic value %v does not explain the problem", tc.name, r)
				}
			}()
			tc.f()
		}()
	}
	// Empty products are valid and touch nothing.
	Sgemm(false, false, 0, 3, 4, 1, nil, 4, b, 3, 0, nil, 3)
	Sgemm(true, true, 3, 0, 4, 1, a, 3, nil, 4, 0, c, 1)
}

// TestZeroK checks that k == 0 only scales C.
func TestZeroK(t *testing.T) {
	for _, name := range Backends() {
		withBackend(t, name, 1, func() {
			c := []float32{1, 2, 3, 4}
			Sgemm(false, false, 2, 2, 0, 1, nil, 1, nil, 2, 3, c, 2)
			if !slices.Equal(c, []float32{3, 6, 9, 12}) {
				t.Errorf("%s: k=0 beta=3 gave %v", name, c)
			}
		})
	}
}

// TestNoAllocs checks that after a warm-up call our own backends allocate
// nothing per call, with one thread and with the work split over two.
func TestNoAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, name := range Backends() {
		for _, th := range []int{1, 2} {
			for _, l := range layouts {
				m, n, k := 300, 96, 300
				if name == "gonum" {
					m, n, k = 20, 50, 60 // gonum's serial path; its parallel path allocates
				}
				o := newOperands(rng, l.transA, l.transB, m, n, k, 0, 0, 1, 0)
				withBackend(t, name, th, func() {
					allocs := testing.AllocsPerRun(5, func() {
						Sgemm(o.transA, o.transB, o.m, o.n, o.k, 1, o.a, o.lda, o.b, o.ldb, 0, o.c, o.ldc)
					})
					if allocs != 0 {
						t.Errorf("%s %s threads=%d: %v allocations per call, want 0", name, l.name, th, allocs)
					}
				})
			}
		}
	}
}

// FuzzSgemm derives a random problem from the fuzzer's inputs and checks
// every backend, with 1 and 2 threads, against the float64 reference.
func FuzzSgemm(f *testing.F) {
	f.Add(uint8(0), uint8(9), uint8(33), uint8(17), uint8(2), int8(4), int8(0), uint64(1))
	f.Add(uint8(3), uint8(70), uint8(1), uint8(70), uint8(0), int8(-2), int8(3), uint64(2))
	f.Add(uint8(1), uint8(8), uint8(32), uint8(255), uint8(5), int8(1), int8(1), uint64(3))
	f.Add(uint8(2), uint8(1), uint8(65), uint8(3), uint8(1), int8(0), int8(-8), uint64(4))
	f.Fuzz(func(t *testing.T, layout, m, n, k, pad uint8, alpha8, beta8 int8, seed uint64) {
		splitAll(t)
		l := layouts[layout%4]
		rng := rand.New(rand.NewPCG(seed, 99))
		o := newOperands(rng, l.transA, l.transB, int(m)%97+1, int(n)%97+1, int(k)%300, int(pad%8), int(seed%5),
			float32(alpha8)/4, float32(beta8)/4)
		want, tol := o.reference()
		for _, name := range Backends() {
			for _, th := range []int{1, 2} {
				withBackend(t, name, th, func() {
					o.verify(t, fmt.Sprintf("%s %s m=%d n=%d k=%d threads=%d", name, l.name, o.m, o.n, o.k, th), o.run(), want, tol)
				})
			}
		}
	})
}

// TestColumnInvariant: on a backend that claims ColumnInvariant, a product
// over the columns of several blocks side by side gives every block bit for
// bit the product of its own, for every layout, ragged widths, a K spanning
// several cache blocks and beta 0 and 1; and the claim is made by the SIMD
// backends, which layers.Conv2D relies on to batch small images.
func TestColumnInvariant(t *testing.T) {
	splitAll(t)
	rng := rand.New(rand.NewPCG(7, 7))
	for _, name := range Backends() {
		withBackend(t, name, 1, func() {
			if isSIMD(name) != ColumnInvariant() {
				t.Errorf("%s: ColumnInvariant() = %v", name, ColumnInvariant())
			}
		})
	}
	for _, name := range Backends() {
		for _, th := range []int{1, 2} {
			withBackend(t, name, th, func() {
				if !ColumnInvariant() {
					return
				}
				for _, tc := range []struct {
					transA, transB bool
					m, widths, k   int
					beta           float32
				}{
					{false, false, 64, 4, 600, 0}, {false, false, 13, 16, 37, 1}, {true, false, 70, 9, 300, 0},
					{false, true, 33, 7, 520, 1}, {true, true, 9, 33, 64, 0},
				} {
					const blocks = 5
					n := blocks * tc.widths
					o := newOperands(rng, tc.transA, tc.transB, tc.m, n, tc.k, 0, 0, 1, tc.beta)
					whole := o.run()
					for blk := range blocks {
						// op(B) restricted to the block's columns, as its own matrix.
						j0 := blk * tc.widths
						bb := make([]float32, tc.k*tc.widths)
						ldb := tc.widths
						if tc.transB {
							ldb = tc.k
						}
						for l := 0; l < tc.k; l++ {
							for j := 0; j < tc.widths; j++ {
								v := float32(o.at(tc.transB, o.b, o.ldb, l, j0+j))
								if tc.transB {
									bb[j*ldb+l] = v
								} else {
									bb[l*ldb+j] = v
								}
							}
						}
						c := make([]float32, tc.m*tc.widths)
						for i := 0; i < tc.m; i++ {
							copy(c[i*tc.widths:(i+1)*tc.widths], o.c[i*o.ldc+j0:i*o.ldc+j0+tc.widths])
						}
						Sgemm(tc.transA, tc.transB, tc.m, tc.widths, tc.k, o.alpha, o.a, o.lda, bb, ldb, tc.beta, c, tc.widths)
						for i := 0; i < tc.m; i++ {
							for j := 0; j < tc.widths; j++ {
								if got, want := c[i*tc.widths+j], whole[i*o.ldc+j0+j]; got != want {
									t.Fatalf("%s/threads=%d %+v: block %d element (%d,%d) = %g alone, %g in the whole product",
										name, th, tc, blk, i, j, got, want)
								}
							}
						}
					}
				}
			})
		}
	}
}

package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestSgemmBatch checks that a strided batch gives every product exactly
// what Sgemm gives it, leaves the floats between the products' C blocks
// alone, and covers every backend, layout, 1 and 2 threads, products small
// enough for the batch path and large enough to be split.
func TestSgemmBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	fill := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = rng.Float32()*2 - 1
		}
		return s
	}
	shapes := []struct{ m, n, k int }{{16, 256, 16}, {5, 7, 3}, {32, 64, 48}, {9, 33, 17}, {300, 96, 300}}
	for _, name := range Backends() {
		for _, th := range []int{1, 2} {
			for _, l := range layouts {
				for _, sh := range shapes {
					for _, beta := range []float32{0, 1, 0.5} {
						m, n, k := sh.m, sh.n, sh.k
						lda, ldb, ldc := k+1, n+3, n+2
						aRows, bRows := m, k
						if l.transA {
							lda, aRows = m+1, k
						}
						if l.transB {
							ldb, bRows = k+3, n
						}
						const count = 4
						sa, sb, sc := aRows*lda+5, bRows*ldb+7, m*ldc+11
						a, b := fill(count*sa), fill(count*sb)
						c0 := fill(count * sc)
						for i := range c0 {
							if i%sc >= m*ldc { // between the C blocks
								c0[i] = float32(math.NaN())
							}
						}
						want, got := slices.Clone(c0), slices.Clone(c0)
						label := fmt.Sprintf("%s/threads=%d/%s/%dx%dx%d/beta=%g", name, th, l.name, m, n, k, beta)
						withBackend(t, name, th, func() {
							for i := range count {
								Sgemm(l.transA, l.transB, m, n, k, 0.75, a[i*sa:], lda, b[i*sb:], ldb, beta, want[i*sc:], ldc)
							}
							SgemmBatch(count, l.transA, l.transB, m, n, k, 0.75, a, lda, sa, b, ldb, sb, beta, got, ldc, sc)
						})
						for i := range got {
							if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
								t.Fatalf("%s: c[%d] = %v, Sgemm gives %v", label, i, got[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}

// TestSgemmBatchArguments checks the panics that name the bad argument and
// that empty batches and products touch nothing.
func TestSgemmBatchArguments(t *testing.T) {
	a, b, c := make([]float32, 24), make([]float32, 24), make([]float32, 24)
	cases := []struct {
		name, want string
		f          func()
	}{
		{"negative count", "negative count", func() { SgemmBatch(-1, false, false, 2, 2, 2, 1, a, 2, 4, b, 2, 4, 0, c, 2, 4) }},
		{"negative stride", "negative count or stride", func() { SgemmBatch(2, false, false, 2, 2, 2, 1, a, 2, -4, b, 2, 4, 0, c, 2, 4) }},
		{"short a", "product 6 of 7", func() { SgemmBatch(7, false, false, 2, 2, 2, 1, a, 2, 4, b, 2, 4, 0, c, 2, 4) }},
		{"short c", "product 2 of 3", func() { SgemmBatch(3, false, false, 2, 2, 2, 1, a, 2, 4, b, 2, 4, 0, c, 2, 11) }},
		{"small lda", "lda=1", func() { SgemmBatch(1, false, false, 2, 2, 2, 1, a, 1, 4, b, 2, 4, 0, c, 2, 4) }},
	}
	for _, tc := range cases {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.Contains(s, tc.want) {
					t.Errorf("%s: panic %v, want one naming %q", tc.name, r, tc.want)
				}
			}()
			tc.f()
		}()
	}
	SgemmBatch(0, false, false, 2, 2, 2, 1, nil, 2, 4, nil, 2, 4, 0, nil, 2, 4)
	SgemmBatch(3, false, false, 0, 2, 2, 1, nil, 2, 4, b, 2, 4, 0, nil, 2, 4)
	c2 := []float32{1, 2, 3, 4, 5, 6, 7, 8}
	SgemmBatch(2, false, false, 2, 2, 0, 1, nil, 1, 0, nil, 2, 0, 2, c2, 2, 4) // k = 0: C = beta*C
	if !slices.Equal(c2, []float32{2, 4, 6, 8, 10, 12, 14, 16}) {
		t.Errorf("k = 0, beta = 2: got %v", c2)
	}
}

// TestSgemmBatchNoAllocs: a warmed-up batch of small products allocates
// nothing.
func TestSgemmBatchNoAllocs(t *testing.T) {
	a, b, c := make([]float32, 16*16*16), make([]float32, 16*16*256), make([]float32, 16*16*256)
	for _, name := range Backends() {
		if name == "gonum" {
			continue
		}
		withBackend(t, name, 2, func() {
			allocs := testing.AllocsPerRun(5, func() {
				SgemmBatch(16, false, false, 16, 256, 16, 1, a, 16, 256, b, 256, 4096, 0, c, 256, 4096)
			})
			if allocs != 0 {
				t.Errorf("%s: %v allocations per batch, want 0", name, allocs)
			}
		})
	}
}

//go:build !purego

package gemm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestGather8 checks the AVX transpose used for packing against its
// definition, for block counts and ragged column tails.
func TestGather8(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, kc := range []int{1, 7, 8, 9, 16, 27, 64, 70} {
		for _, shape := range []struct{ stride, ld int }{{8, kc}, {32, kc + 3}, {11, 1024}} {
			src := make([]float32, 7*shape.ld+kc)
			for i := range src {
				src[i] = rng.Float32()
			}
			dst := make([]float32, (kc-1)*shape.stride+8+5)
			for i := range dst {
				dst[i] = -1
			}
			gather8(dst, shape.stride, src, shape.ld, kc)
			for l := 0; l < kc; l++ {
				for i := 0; i < 8; i++ {
					if got, want := dst[l*shape.stride+i], src[i*shape.ld+l]; got != want {
						t.Fatalf("%s: dst[%d*%d+%d] = %v, want %v", fmt.Sprint(kc, shape), l, shape.stride, i, got, want)
					}
				}
				for i := 8; i < shape.stride && l*shape.stride+i < len(dst); i++ {
					if dst[l*shape.stride+i] != -1 {
						t.Fatalf("kc=%d %v: wrote outside the groups at %d", kc, shape, l*shape.stride+i)
					}
				}
			}
		}
	}
}

// TestCopyBlock checks the strided AVX copies used for packing.
func TestCopyBlock(t *testing.T) {
	for _, w := range []int{8, 16, 32} {
		for _, rows := range []int{1, 2, 7} {
			src := make([]float32, (rows-1)*(w+5)+w)
			for i := range src {
				src[i] = float32(i + 1)
			}
			dst := make([]float32, (rows-1)*(w+3)+w+4)
			copyBlock(w, dst, w+3, src, w+5, rows)
			for i := range dst {
				r, j := i/(w+3), i%(w+3)
				want := float32(0)
				if r < rows && j < w {
					want = src[r*(w+5)+j]
				}
				if dst[i] != want {
					t.Fatalf("w=%d rows=%d: dst[%d] = %v, want %v", w, rows, i, dst[i], want)
				}
			}
		}
	}
}

// TestBlockingEdges shrinks the cache blocks so that small products cross
// every boundary of the SIMD driver: several jc, pc and ic blocks, packed
// and in-place A, packed and in-place B, ragged strips and tiles.
func TestBlockingEdges(t *testing.T) {
	saved512, saved2, savedStrips, savedRows := avx512Config, avx2Config, packAMinStrips, inPlaceBMaxRows
	defer func() {
		avx512Config, avx2Config, packAMinStrips, inPlaceBMaxRows = saved512, saved2, savedStrips, savedRows
	}()
	avx512Config.mc, avx512Config.kc, avx512Config.nc = 24, 20, 96
	avx2Config.mc, avx2Config.kc, avx2Config.nc = 18, 20, 48
	rng := rand.New(rand.NewPCG(15, 16))
	// Ragged last strips of 8, 1, 1, 12 and 20 columns.
	shapes := []struct{ m, n, k int }{{61, 200, 45}, {17, 97, 41}, {50, 33, 20}, {8, 300, 7}, {29, 116, 33}}
	for _, strips := range []int{1, 1000} { // always / never pack A
		for _, rows := range []int{0, 1000} { // never / always read B in place
			packAMinStrips, inPlaceBMaxRows = strips, rows
			for _, l := range layouts {
				for _, s := range shapes {
					o := newOperands(rng, l.transA, l.transB, s.m, s.n, s.k, 1, 2, 0.5, 0.5)
					checkAll(t, fmt.Sprintf("%s m=%d n=%d k=%d packAMinStrips=%d inPlaceBMaxRows=%d", l.name, s.m, s.n, s.k, strips, rows), o)
				}
			}
		}
	}
}

// TestSIMDBackendsAgree checks that the AVX-512 and AVX2 kernels give
// bit-identical results for alpha = 1 and beta in {0, 1}, the layers' calls:
// both sum each element over k in the same order with one FMA per term and
// the same Kc blocking, so a training run does not depend on which of the
// two a machine has.
func TestSIMDBackendsAgree(t *testing.T) {
	if !slices.Contains(Backends(), "avx512") || !slices.Contains(Backends(), "avx2") {
		t.Skipf("needs both SIMD backends; have %v", Backends())
	}
	rng := rand.New(rand.NewPCG(19, 20))
	for _, l := range layouts {
		for _, beta := range []float32{0, 1} {
			for _, s := range []struct{ m, n, k int }{{37, 45, 29}, {300, 77, 600}, {32, 1030, 27}} {
				o := newOperands(rng, l.transA, l.transB, s.m, s.n, s.k, 1, 0, 1, beta)
				var results [][]float32
				for _, name := range []string{"avx512", "avx2"} {
					withBackend(t, name, 2, func() { results = append(results, o.run()) })
				}
				if !slices.Equal(results[0], results[1]) {
					t.Errorf("%s beta=%v m=%d n=%d k=%d: avx512 and avx2 results differ", l.name, beta, s.m, s.n, s.k)
				}
			}
		}
	}
}

package gemm

import (
	"fmt"
	"math/rand/v2"
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

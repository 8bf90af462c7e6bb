//go:build purego || !amd64

package pool

const hasAVX512, hasAVX2 = false, false

func max2x2AVX512(dst *float32, arg *int32, r0, r1 *float32, n, base, w int) {
	panic("pool: no AVX-512 kernels in this build")
}

func max2x2AVX2(dst *float32, arg *int32, r0, r1 *float32, n, base, w int) {
	panic("pool: no AVX2 kernels in this build")
}

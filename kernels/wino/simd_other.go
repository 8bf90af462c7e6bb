//go:build purego || !amd64

package wino

const hasAVX512, hasAVX512VL, hasAVX2 = false, false, false

func inputRowAVX512(r0, r1, r2, r3 *float32, w int, v *float32, xs uintptr, n int) {
	panic("wino: no AVX-512 kernels in this build")
}
func outputRowAVX512(m *float32, xs uintptr, row0, row1 *float32, ow int, bias float32, n int) {
	panic("wino: no AVX-512 kernels in this build")
}
func dyRowAVX512(row0, row1 *float32, ow int, dm *float32, xs uintptr, n int) {
	panic("wino: no AVX-512 kernels in this build")
}
func gradRowsAVX512(dv *float32, xs uintptr, dst *float32, rs, half uintptr, n int) {
	panic("wino: no AVX-512 kernels in this build")
}
func gradColsAAVX512(dst *float32, w int, a, b, c, d *float32, half uintptr, n int) {
	panic("wino: no AVX-512 kernels in this build")
}
func gradColsBAVX512(dst *float32, w int, a, b, c, d *float32, half uintptr, n int) {
	panic("wino: no AVX-512 kernels in this build")
}
func inputRowAVX2(r0, r1, r2, r3 *float32, w int, v *float32, xs uintptr, n int) {
	panic("wino: no AVX2 kernels in this build")
}
func outputRowAVX2(m *float32, xs uintptr, row0, row1 *float32, ow int, bias float32, n int) {
	panic("wino: no AVX2 kernels in this build")
}
func dyRowAVX2(row0, row1 *float32, ow int, dm *float32, xs uintptr, n int) {
	panic("wino: no AVX2 kernels in this build")
}
func gradRowsAVX2(dv *float32, xs uintptr, dst *float32, rs, half uintptr, n int) {
	panic("wino: no AVX2 kernels in this build")
}
func gradColsAAVX2(dst *float32, w int, a, b, c, d *float32, half uintptr, n int) {
	panic("wino: no AVX2 kernels in this build")
}
func gradColsBAVX2(dst *float32, w int, a, b, c, d *float32, half uintptr, n int) {
	panic("wino: no AVX2 kernels in this build")
}
func inputPairAVX512(top, mid, bot *float32, v *float32, xs uintptr) {
	panic("wino: no AVX-512 kernels in this build")
}
func outputPairAVX512(m *float32, xs uintptr, y *float32, bias float32) {
	panic("wino: no AVX-512 kernels in this build")
}
func dyPairAVX512(dy, dm *float32, xs uintptr) { panic("wino: no AVX-512 kernels in this build") }
func gradColsAPairAVX512(dst, a, b, c, d *float32, half uintptr) {
	panic("wino: no AVX-512 kernels in this build")
}
func gradColsBPairAVX512(dst, a, b, c, d *float32, half uintptr) {
	panic("wino: no AVX-512 kernels in this build")
}
func inputQuadAVX512(top, mid, bot *float32, v *float32, xs uintptr) {
	panic("wino: no AVX-512 kernels in this build")
}
func outputQuadAVX512(m *float32, xs uintptr, y *float32, bias float32) {
	panic("wino: no AVX-512 kernels in this build")
}
func dyQuadAVX512(dy, dm *float32, xs uintptr) { panic("wino: no AVX-512 kernels in this build") }
func gradColsAQuadAVX512(dst, a, b, c, d *float32, half uintptr) {
	panic("wino: no AVX-512 kernels in this build")
}
func gradColsBQuadAVX512(dst, a, b, c, d *float32, half uintptr) {
	panic("wino: no AVX-512 kernels in this build")
}
func inputPairAVX2(top, mid, bot *float32, v *float32, xs uintptr) {
	panic("wino: no AVX2 kernels in this build")
}
func outputPairAVX2(m *float32, xs uintptr, y *float32, bias float32) {
	panic("wino: no AVX2 kernels in this build")
}
func dyPairAVX2(dy, dm *float32, xs uintptr) { panic("wino: no AVX2 kernels in this build") }
func gradColsAPairAVX2(dst, a, b, c, d *float32, half uintptr) {
	panic("wino: no AVX2 kernels in this build")
}
func gradColsBPairAVX2(dst, a, b, c, d *float32, half uintptr) {
	panic("wino: no AVX2 kernels in this build")
}
func gradRowsPlaneAVX512(dv *float32, xs uintptr, dst *float32, rs, half uintptr, n int, next, prev uint16) {
	panic("wino: no AVX-512 kernels in this build")
}
func gradRowsPlaneAVX2(dv *float32, xs uintptr, dst *float32, rs, half uintptr, n int, masks *uint32) {
	panic("wino: no AVX2 kernels in this build")
}

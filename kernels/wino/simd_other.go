//go:build purego || !amd64

package wino

const hasAVX512, hasAVX2 = false, false

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

//go:build purego || !amd64

package norm

const hasAVX512, hasAVX2 = false, false

func sumAVX512(x *float32, n int) float32 { panic("norm: no AVX-512 kernels in this build") }
func sumSqDevAVX512(x *float32, n int, mu float32) float32 {
	panic("norm: no AVX-512 kernels in this build")
}
func dySumsAVX512(dy, x *float32, n int, mu float32) (s, t float32) {
	panic("norm: no AVX-512 kernels in this build")
}
func affineAVX512(y, x *float32, n int, sc, sh float32, relu bool) {
	panic("norm: no AVX-512 kernels in this build")
}
func affineAddAVX512(y, x, s *float32, n int, sc, sh float32, relu bool) {
	panic("norm: no AVX-512 kernels in this build")
}
func affineGradAVX512(dx, dy, x *float32, n int, a, cx, b float32) {
	panic("norm: no AVX-512 kernels in this build")
}
func addReLUBackwardAVX512(dx, a, b, x *float32, n int) {
	panic("norm: no AVX-512 kernels in this build")
}
func addAVX512(dst, a, b *float32, n int, relu bool) {
	panic("norm: no AVX-512 kernels in this build")
}

func sumAVX2(x *float32, n int) float32 { panic("norm: no AVX2 kernels in this build") }
func sumSqDevAVX2(x *float32, n int, mu float32) float32 {
	panic("norm: no AVX2 kernels in this build")
}
func dySumsAVX2(dy, x *float32, n int, mu float32) (s, t float32) {
	panic("norm: no AVX2 kernels in this build")
}
func affineAVX2(y, x *float32, n int, sc, sh float32, relu bool) {
	panic("norm: no AVX2 kernels in this build")
}
func affineAddAVX2(y, x, s *float32, n int, sc, sh float32, relu bool) {
	panic("norm: no AVX2 kernels in this build")
}
func affineGradAVX2(dx, dy, x *float32, n int, a, cx, b float32) {
	panic("norm: no AVX2 kernels in this build")
}
func addReLUBackwardAVX2(dx, a, b, x *float32, n int) {
	panic("norm: no AVX2 kernels in this build")
}
func addAVX2(dst, a, b *float32, n int, relu bool) {
	panic("norm: no AVX2 kernels in this build")
}

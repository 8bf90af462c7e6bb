//go:build purego || !amd64

package optim

const hasAVX512, hasAVX2 = false, false

func adamAVX512(w, grad, m, v *float32, n int, wd, c1, b2, c2, eps, stepSize, bc2sqrt float32) {
	panic("optim: no AVX-512 kernels in this build")
}

func adamAVX2(w, grad, m, v *float32, n int, wd, c1, b2, c2, eps, stepSize, bc2sqrt float32) {
	panic("optim: no AVX2 kernels in this build")
}

func sgdAVX512(w, grad, buf *float32, n int, wd, mu, lr float32, nesterov bool) {
	panic("optim: no AVX-512 kernels in this build")
}

func sgdAVX2(w, grad, buf *float32, n int, wd, mu, lr float32, nesterov bool) {
	panic("optim: no AVX2 kernels in this build")
}

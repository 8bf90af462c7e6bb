package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchShapes are the products the training engine runs: the im2col shapes
// of the simple CNN with M = batch*H*W rows (NHWC-style), the per-image
// shapes of layers.Conv2D's im2col path (NCHW: M = output channels,
// N = H*W) for the forward pass (NN), the weight gradient (NT) and the input
// gradient (TN), the 16 per-chunk products of its Winograd path (a chunk
// of ~256 tiles: forward NN, dU NT accumulating, dV TN) at ResNet-20's
// channel counts, the per-tap products of its shifted convolution (a chunk
// of images as M rows; forward NT, weight gradient TN, input gradient NN,
// accumulating with beta = 1), the dense layers at batch 128, and 1024^3.
var benchShapes = []struct {
	name           string
	transA, transB bool
	m, n, k        int
	beta           float32
}{
	{"im2col/NN_M4096_N32_K27", false, false, 4096, 32, 27, 0},
	{"im2col/NN_M1024_N64_K288", false, false, 1024, 64, 288, 0},
	{"im2col/NN_M4096_N64_K576", false, false, 4096, 64, 576, 0},
	{"im2col/NN_M256_N128_K576", false, false, 256, 128, 576, 0},
	{"conv1/NN_M32_N1024_K27", false, false, 32, 1024, 27, 0},
	{"conv2/NN_M32_N1024_K288", false, false, 32, 1024, 288, 0},
	{"conv4/NN_M64_N256_K576", false, false, 64, 256, 576, 0},
	{"conv2dW/NT_M32_N288_K1024", false, true, 32, 288, 1024, 0},
	{"conv4dW/NT_M64_N576_K256", false, true, 64, 576, 256, 0},
	{"conv2dX/TN_M288_N1024_K32", true, false, 288, 1024, 32, 0},
	{"conv4dX/TN_M576_N256_K64", true, false, 576, 256, 64, 0},
	{"shift2/NT_M3404_N32_K32", false, true, 3404, 32, 32, 1},
	{"shift4/NT_M1918_N64_K64", false, true, 1918, 64, 64, 1},
	{"shift2dW/TN_M32_N32_K3404", true, false, 32, 32, 3404, 1},
	{"shift4dW/TN_M64_N64_K1918", true, false, 64, 64, 1918, 1},
	{"shift2dX/NN_M3404_N32_K32", false, false, 3404, 32, 32, 1},
	{"shift4dX/NN_M1918_N64_K64", false, false, 1918, 64, 64, 1},
	{"wino16/NN_M16_N256_K16", false, false, 16, 256, 16, 0},
	{"wino16dU/NT_M16_N16_K256", false, true, 16, 16, 256, 1},
	{"wino16dV/TN_M16_N256_K16", true, false, 16, 256, 16, 0},
	{"wino32/NN_M32_N256_K32", false, false, 32, 256, 32, 0},
	{"wino32dU/NT_M32_N32_K256", false, true, 32, 32, 256, 1},
	{"wino32dV/TN_M32_N256_K32", true, false, 32, 256, 32, 0},
	{"wino64/NN_M64_N256_K64", false, false, 64, 256, 64, 0},
	{"wino64dU/NT_M64_N64_K256", false, true, 64, 64, 256, 1},
	{"wino64dV/TN_M64_N256_K64", true, false, 64, 256, 64, 0},
	{"dense/NT_M128_N512_K4096", false, true, 128, 512, 4096, 0},
	{"densedW/TN_M512_N4096_K128", true, false, 512, 4096, 128, 0},
	{"square/NN_1024", false, false, 1024, 1024, 1024, 0},
	{"square/TT_1024", true, true, 1024, 1024, 1024, 0},
}

// BenchmarkSgemm reports GFLOP/s (2*m*n*k per call) for every shape,
// backend and 1 and 2 threads, named shape/backend/threads so that the
// backends of one shape run close together in time. Select with e.g.
//
//	go test -run '^$' -bench 'Sgemm/im2col/.*/avx512/threads=1' ./kernels/gemm
//
// Never publish numbers from the gonum backend as engine speed: its timing
// depends on the data (it slows on exact zeros).
func BenchmarkSgemm(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, s := range benchShapes {
		o := newOperands(rng, s.transA, s.transB, s.m, s.n, s.k, 0, 0, 1, 0)
		for _, name := range Backends() {
			for _, th := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%s/threads=%d", s.name, name, th), func(b *testing.B) {
					withBackend(b, name, th, func() {
						Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, o.a, o.lda, o.b, o.ldb, s.beta, o.c, o.ldc)
						b.SetBytes(int64(4 * (len(o.a) + len(o.b) + len(o.c))))
						b.ResetTimer()
						for b.Loop() {
							Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, o.a, o.lda, o.b, o.ldb, s.beta, o.c, o.ldc)
						}
						flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N)
						b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
					})
				})
			}
		}
	}
}

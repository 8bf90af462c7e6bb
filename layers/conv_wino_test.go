package layers

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/actbench/actbench/kernels/wino"
)

// directConv64 is an independent float64 reference of a 3x3, stride-1,
// pad-1 convolution: y, and for the output gradient dy, dx, dW and db.
func directConv64(x, w, b, dy []float32, n, c, oc, h, wd int) (y, dx, dw, db []float64) {
	y = make([]float64, n*oc*h*wd)
	dx = make([]float64, n*c*h*wd)
	dw = make([]float64, oc*c*9)
	db = make([]float64, oc)
	for i := 0; i < n; i++ {
		for o := 0; o < oc; o++ {
			for oy := 0; oy < h; oy++ {
				for ox := 0; ox < wd; ox++ {
					yi := ((i*oc+o)*h+oy)*wd + ox
					s := 0.0
					if b != nil {
						s = float64(b[o])
					}
					g := float64(dy[yi])
					db[o] += g
					for ch := 0; ch < c; ch++ {
						for ky := 0; ky < 3; ky++ {
							iy := oy + ky - 1
							if iy < 0 || iy >= h {
								continue
							}
							for kx := 0; kx < 3; kx++ {
								ix := ox + kx - 1
								if ix < 0 || ix >= wd {
									continue
								}
								xi := ((i*c+ch)*h+iy)*wd + ix
								wi := (o*c+ch)*9 + ky*3 + kx
								s += float64(w[wi]) * float64(x[xi])
								dx[xi] += float64(w[wi]) * g
								dw[wi] += float64(x[xi]) * g
							}
						}
					}
					y[yi] = s
				}
			}
		}
	}
	return y, dx, dw, db
}

// maxRelErr returns max |got-want| / max |want|.
func maxRelErr(got []float32, want []float64) float64 {
	scale, e := 0.0, 0.0
	for i, v := range want {
		scale = max(scale, math.Abs(v))
		e = max(e, math.Abs(float64(got[i])-v))
	}
	if scale == 0 {
		return e
	}
	return e / scale
}

// TestConvWinogradMatchesDirect compares the Winograd path and the im2col
// path with a float64 direct convolution on random shapes (odd and even
// maps, 1x1 to 16x16, chunks spanning several images and a short last
// chunk). F(2x2, 3x3)'s transforms have coefficients 0, +-1/2, +-1 and add
// at most 4+4 terms per axis, so its float32 error may exceed the direct
// sum's by a small factor: the test allows 4x the im2col path's error plus
// 2e-6 of the tensor's scale, and logs both.
func TestConvWinogradMatchesDirect(t *testing.T) {
	defer func() { convPath = "" }()
	for _, tc := range []struct {
		c, oc, h, w, n int
		bias           bool
	}{
		{3, 5, 5, 7, 3, true},
		{8, 4, 1, 1, 2, false},
		{16, 16, 8, 8, 5, true},
		{64, 32, 6, 5, 3, false},
		{32, 64, 2, 2, 9, true},
		{24, 40, 16, 16, 4, true},
		{8, 8, 3, 2, 40, false},
	} {
		name := fmt.Sprintf("%dx%dx%d-%d/n%d", tc.c, tc.h, tc.w, tc.oc, tc.n)
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tc.c*131+tc.h), uint64(tc.n)))
			x := randTensor(rng, tc.n, tc.c, tc.h, tc.w)
			dy := randTensor(rng, tc.n, tc.oc, tc.h, tc.w)
			var errs [2][4]float64
			var ref [4][]float64
			for mode, path := range []string{"wino", "im2col"} {
				convPath = path
				l := NewConv2D("c", tc.oc, 3, 1, 1, tc.bias)
				if _, err := l.Setup([]int{tc.c, tc.h, tc.w}); err != nil {
					t.Fatal(err)
				}
				if l.useWino() != (mode == 0) {
					t.Fatalf("path %s: useWino = %v", path, l.useWino())
				}
				l.Init(rand.New(rand.NewPCG(1, 1)))
				var b []float32
				if tc.bias {
					b = f32(l.bias.Value)
				}
				if mode == 0 {
					ref[0], ref[1], ref[2], ref[3] = directConv64(f32(x), f32(l.weight.Value), b, f32(dy), tc.n, tc.c, tc.oc, tc.h, tc.w)
				}
				y := f32(l.Forward(x, true))
				errs[mode][0] = maxRelErr(y, ref[0])
				if mode == 0 {
					// Batch independence: the last image alone gives the
					// bits it gave inside the batch.
					size := tc.c * tc.h * tc.w
					osize := tc.oc * tc.h * tc.w
					want := append([]float32(nil), y[(tc.n-1)*osize:]...)
					one := newTensor(append([]float32(nil), f32(x)[(tc.n-1)*size:]...), 1, tc.c, tc.h, tc.w)
					for i, v := range f32(l.Forward(one, true)) {
						if v != want[i] {
							t.Fatalf("image %d alone: y[%d] = %g, in the batch %g", tc.n-1, i, v, want[i])
						}
					}
					y = f32(l.Forward(x, true))
				}
				errs[mode][1] = maxRelErr(f32(l.Backward(dy)), ref[1])
				errs[mode][2] = maxRelErr(f32(l.weight.Grad), ref[2])
				if tc.bias {
					errs[mode][3] = maxRelErr(f32(l.bias.Grad), ref[3])
				}
			}
			for k, what := range []string{"y", "dx", "dW", "db"} {
				t.Logf("%s: max rel error winograd %.2e, im2col %.2e", what, errs[0][k], errs[1][k])
				if errs[0][k] > 4*errs[1][k]+2e-6 {
					t.Errorf("%s: winograd error %.2e > 4 x im2col's %.2e + 2e-6", what, errs[0][k], errs[1][k])
				}
			}
		})
	}
}

// TestWinogradTrainingMatches trains a small VGG-like network (64-channel
// 3x3 convolutions, which choose Winograd, batch norm, pooling) for a few SGD
// steps on the automatic paths and with Winograd switched off: the losses
// must agree to float32 rounding carried through the steps.
func TestWinogradTrainingMatches(t *testing.T) {
	defer func() { convPath = "" }()
	rng := rand.New(rand.NewPCG(11, 12))
	x := randTensor(rng, 6, 3, 8, 8)
	labels := []int32{0, 1, 2, 3, 4, 5}
	var losses [2][]float64
	for mode, path := range []string{"", "nowino"} {
		convPath = path
		net := NewSequential("net",
			NewConv2D("c1", 64, 3, 1, 1, false), NewBatchNorm("bn1", 0.1, 1e-5), mustAct(t, "a1", "layerstest_tanhlin(a=0.1)"),
			NewConv2D("c2", 64, 3, 1, 1, false), NewBatchNorm("bn2", 0.1, 1e-5), mustAct(t, "a2", "layerstest_tanhlin(a=0.1)"),
			NewMaxPool2D("p", 2, 2),
			NewConv2D("c3", 64, 3, 1, 1, true), mustAct(t, "a3", "layerstest_tanhlin(a=0.1)"),
			NewGlobalAvgPool("g"), NewDense("d", 6, true))
		if _, err := net.Setup([]int{3, 8, 8}); err != nil {
			t.Fatal(err)
		}
		initLayers(net, 5)
		wino := 0
		Walk(net, func(l Layer) {
			if c, ok := l.(*Conv2D); ok && c.useWino() {
				wino++
			}
		})
		if want := [2]int{2, 0}[mode]; wino != want {
			t.Fatalf("path %q: %d Winograd convolutions, want %d", path, wino, want)
		}
		ce := &SoftmaxCrossEntropy{}
		for step := 0; step < 5; step++ {
			losses[mode] = append(losses[mode], float64(ce.Forward(net.Forward(x, true), labels)))
			for _, p := range net.Params() {
				if p.Grad != nil {
					clear(f32(p.Grad))
				}
			}
			net.Backward(ce.Backward())
			for _, p := range net.Params() {
				if p.Grad == nil {
					continue
				}
				v, g := f32(p.Value), f32(p.Grad)
				for i := range v {
					v[i] -= 0.1 * g[i]
				}
			}
		}
	}
	t.Logf("losses winograd %v", losses[0])
	t.Logf("losses direct   %v", losses[1])
	if losses[0][4] > 0.9*losses[0][0] {
		t.Errorf("the loss did not fall: %v", losses[0])
	}
	for i := range losses[0] {
		if d := math.Abs(losses[0][i] - losses[1][i]); d > 1e-4*losses[1][i] {
			t.Errorf("step %d: loss %g with Winograd, %g without (difference %.2e)", i, losses[0][i], losses[1][i], d)
		}
	}
}

// TestWinogradTransformPaths checks that the AVX-512 tile transforms and
// their pure-Go code give the same convolution bit for bit (output, input,
// weight and bias gradients), on even and odd maps.
func TestWinogradTransformPaths(t *testing.T) {
	defer func() { convPath = "" }()
	if old := wino.SetSIMD(true); !wino.SetSIMD(old) {
		t.Skip("no AVX-512 transforms on this CPU or build")
	}
	convPath = "wino"
	for _, tc := range []struct{ c, oc, h, w, n int }{{16, 16, 32, 32, 3}, {8, 12, 7, 9, 2}, {5, 3, 1, 3, 4}, {32, 32, 16, 16, 2}} {
		rng := rand.New(rand.NewPCG(uint64(tc.c), uint64(tc.h)))
		x := randTensor(rng, tc.n, tc.c, tc.h, tc.w)
		dy := randTensor(rng, tc.n, tc.oc, tc.h, tc.w)
		var res [2][4][]float32
		for p, simd := range []bool{false, true} {
			old := wino.SetSIMD(simd)
			l := NewConv2D("c", tc.oc, 3, 1, 1, true)
			if _, err := l.Setup([]int{tc.c, tc.h, tc.w}); err != nil {
				t.Fatal(err)
			}
			l.Init(rand.New(rand.NewPCG(2, 3)))
			res[p][0] = append([]float32(nil), f32(l.Forward(x, true))...)
			res[p][1] = append([]float32(nil), f32(l.Backward(dy))...)
			res[p][2] = f32(l.weight.Grad)
			res[p][3] = f32(l.bias.Grad)
			wino.SetSIMD(old)
		}
		for k, what := range []string{"y", "dx", "dW", "db"} {
			for i, v := range res[0][k] {
				if math.Float32bits(v) != math.Float32bits(res[1][k][i]) {
					t.Fatalf("%v %s[%d]: pure Go %g, AVX-512 %g", tc, what, i, v, res[1][k][i])
				}
			}
		}
	}
}

// winoConvLayer is a 3x3 convolution with outC filters set up for input in,
// which must take the Winograd path, with its buffers for one part.
func winoConvLayer(tb testing.TB, outC int, in []int) *Conv2D {
	tb.Helper()
	l := NewConv2D("c", outC, 3, 1, 1, false)
	if _, err := l.Setup(in); err != nil {
		tb.Fatal(err)
	}
	if !l.useWino() {
		tb.Fatalf("a 3x3 convolution to %d channels on %v does not take the Winograd path", outC, in)
	}
	l.winoBuffers(1)
	return l
}

// BenchmarkWinogradWeightTransform times the weight transform (U = G g G^T
// for every kernel, run in every forward and backward pass) of one of
// VGG-16's 512x512 layers, in ns per 3x3 kernel.
func BenchmarkWinogradWeightTransform(b *testing.B) {
	l := winoConvLayer(b, 512, []int{512, 4, 4})
	w := f32(l.weight.Value)
	for i := range w {
		w[i] = float32(i%17) * 0.01
	}
	n := l.outC * l.inC
	for b.Loop() {
		l.transformWeightsPart(0, 0, n)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/kernel")
}

// TestWinogradWeightTransform checks U = G g G^T for every kernel of a layer
// against the transform written as two small matrix products, bit for bit
// (the same additions in the same order), on kernels with values of every
// magnitude, split into two ranges as the layer's parts are.
func TestWinogradWeightTransform(t *testing.T) {
	l := winoConvLayer(t, 24, []int{20, 8, 8})
	w := f32(l.weight.Value)
	rng := rand.New(rand.NewPCG(3, 9))
	for i := range w {
		w[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(12)-6)))
	}
	n := l.outC * l.inC
	l.transformWeightsPart(0, 0, n/2)
	l.transformWeightsPart(1, n/2, n)
	stride := blockStride(l.outC, l.inC)
	for o := range n {
		g := w[o*9 : o*9+9]
		var h [3][4]float32 // G g, row by row of the kernel
		for r := range 3 {
			g0, g1, g2 := g[3*r], g[3*r+1], g[3*r+2]
			h[r] = [4]float32{g0, 0.5 * (g0 + g1 + g2), 0.5 * (g0 - g1 + g2), g2}
		}
		for j := range 4 {
			a, b, d := h[0][j], h[1][j], h[2][j]
			want := [4]float32{a, 0.5 * (a + b + d), 0.5 * (a - b + d), d}
			for i, v := range want {
				if got := l.wino.u[(i*4+j)*stride+o]; math.Float32bits(got) != math.Float32bits(v) {
					t.Fatalf("kernel %d, U[%d][%d] = %g, want %g", o, i, j, got, v)
				}
			}
		}
	}
}

package layers

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/actbench/actbench/kernels/gemm"
	"gorgonia.org/tensor"
)

func randTensor(rng *rand.Rand, shape ...int) *tensor.Dense {
	d := make([]float32, prod(shape))
	for i := range d {
		d[i] = float32(rng.NormFloat64())
	}
	return newTensor(d, shape...)
}

func TestSetupErrors(t *testing.T) {
	for _, tc := range []struct {
		l    Layer
		in   []int
		want []string // substrings of the error
	}{
		{NewConv2D("conv9", 8, 5, 1, 0, true), []int{3, 4, 4}, []string{"conv9", "[3 4 4]", "5x5", "4x4"}},
		{NewConv2D("conv9", 8, 5, 1, 1, true), []int{3, 2, 8}, []string{"conv9", "[3 2 8]", "larger than the padded input 4x10"}},
		{NewConv2D("convf", 8, 3, 1, 1, true), []int{12}, []string{"convf", "[12]", "[C H W]"}},
		{NewConv2D("convz", 8, 3, 0, 1, true), []int{3, 8, 8}, []string{"convz", "stride=0"}},
		{NewDense("fc1", 10, true), []int{3, 4, 4}, []string{"fc1", "[3 4 4]", "Flatten"}},
		{NewDense("fc0", 0, true), []int{3}, []string{"fc0", "0 output features"}},
		{NewMaxPool2D("pool1", 3, 2), []int{4, 2, 9}, []string{"pool1", "[4 2 9]", "3x3", "2x9"}},
		{NewAvgPool2D("avg1", 2, 2), []int{5}, []string{"avg1", "[5]", "[C H W]"}},
		{NewGlobalAvgPool("gap"), []int{7}, []string{"gap", "[7]"}},
		{NewBatchNorm("bn1", 0.1, 1e-5), []int{3, 4}, []string{"bn1", "[3 4]", "[C H W]"}},
		{NewBatchNorm("bn2", 0, 1e-5), []int{3}, []string{"bn2", "momentum=0"}},
		{NewDropout("d1", 1.5), []int{3}, []string{"d1", "p=1.5"}},
		{NewSequential("seq", NewFlatten("f"), NewConv2D("convx", 4, 3, 1, 1, true)), []int{3, 4, 4},
			[]string{"seq", "convx", "[48]"}},
		{NewResidual("res", NewSequential("body", NewConv2D("c", 8, 3, 1, 1, true)), nil), []int{4, 6, 6},
			[]string{"res", "[8 6 6]", "[4 6 6]"}},
	} {
		_, err := tc.l.Setup(tc.in)
		if err == nil {
			t.Errorf("%s.Setup(%v): no error", tc.l.Name(), tc.in)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s.Setup(%v): error %q does not mention %q", tc.l.Name(), tc.in, err, w)
			}
		}
	}
	if _, err := NewActivation("act1", "nosuchactivation"); err == nil || !strings.Contains(err.Error(), "act1") {
		t.Errorf("NewActivation with an unknown spec: error %v, want one naming the layer", err)
	}
}

func TestShapesAndParams(t *testing.T) {
	conv := NewConv2D("conv1", 8, 3, 2, 1, true)
	out, err := conv.Setup([]int{3, 9, 8})
	if err != nil {
		t.Fatal(err)
	}
	if !equalShape(out, []int{8, 5, 4}) {
		t.Errorf("conv out %v, want [8 5 4] (PyTorch floor((9+2-3)/2)+1 = 5, floor((8+2-3)/2)+1 = 4)", out)
	}
	ps := conv.Params()
	if len(ps) != 2 || ps[0].Name != "conv1.weight" || ps[0].Kind != Weight || !equalShape(ps[0].Value.Shape(), []int{8, 3, 3, 3}) ||
		ps[1].Name != "conv1.bias" || ps[1].Kind != Bias || !equalShape(ps[1].Value.Shape(), []int{8}) {
		t.Errorf("conv params: %v %v", ps[0].Value.Shape(), ps)
	}
	bn := NewBatchNorm("bn1", 0.1, 1e-5)
	if _, err := bn.Setup([]int{4, 2, 2}); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		kind ParamKind
		val  float32
	}{{"bn1.weight", Norm, 1}, {"bn1.bias", Norm, 0}, {"bn1.running_mean", Buffer, 0}, {"bn1.running_var", Buffer, 1}}
	for i, p := range bn.Params() {
		if p.Name != want[i].name || p.Kind != want[i].kind || f32(p.Value)[3] != want[i].val || (p.Kind == Buffer) != (p.Grad == nil) {
			t.Errorf("bn param %d: %s %v, want %s %v initialised to %v", i, p.Name, p.Kind, want[i].name, want[i].kind, want[i].val)
		}
	}
}

// TestInitDistributions checks PyTorch's default initialisation: U(-b, b)
// with b = 1/sqrt(fan_in) for conv and dense weights and biases.
func TestInitDistributions(t *testing.T) {
	conv := NewConv2D("c", 64, 3, 1, 1, true)
	conv.Setup([]int{32, 8, 8})
	conv.Init(rand.New(rand.NewPCG(1, 2)))
	dense := NewDense("d", 300, true)
	dense.Setup([]int{500})
	dense.Init(rand.New(rand.NewPCG(3, 4)))
	for _, tc := range []struct {
		p     *Param
		fanIn int
	}{{conv.weight, 32 * 9}, {conv.bias, 32 * 9}, {dense.weight, 500}, {dense.bias, 500}} {
		b := 1 / math.Sqrt(float64(tc.fanIn))
		v := f32(tc.p.Value)
		lo, hi, sq := 0.0, 0.0, 0.0
		for _, x := range v {
			lo, hi = min(lo, float64(x)), max(hi, float64(x))
			sq += float64(x) * float64(x)
		}
		std := math.Sqrt(sq / float64(len(v)))
		if lo < -b || hi > b || (len(v) > 1000 && (lo > -0.98*b || hi < 0.98*b || math.Abs(std-b/math.Sqrt(3)) > 0.03*b)) {
			t.Errorf("%s: range [%g, %g] std %g, want U(-%g, %g) (std %g)", tc.p.Name, lo, hi, std, b, b, b/math.Sqrt(3))
		}
	}
}

func TestBatchNormRunningStats(t *testing.T) {
	bn := NewBatchNorm("bn", 0.1, 1e-5)
	bn.Setup([]int{2, 3, 3})
	rng := rand.New(rand.NewPCG(1, 1))
	x := randTensor(rng, 4, 2, 3, 3)
	xs := f32(x)
	for i := range xs {
		xs[i] = xs[i]*3 + 5
	}
	bn.Forward(x, true)
	// Channel 0 by hand: mean, unbiased variance over N*H*W = 36 values.
	var m, v float64
	var vals []float64
	for n := 0; n < 4; n++ {
		for j := 0; j < 9; j++ {
			vals = append(vals, float64(xs[n*18+j]))
		}
	}
	for _, a := range vals {
		m += a
	}
	m /= 36
	for _, a := range vals {
		v += (a - m) * (a - m)
	}
	v /= 35
	rm, rv := float64(f32(bn.runMean.Value)[0]), float64(f32(bn.runVar.Value)[0])
	if math.Abs(rm-0.1*m) > 1e-5 || math.Abs(rv-(0.9+0.1*v)) > 1e-4 {
		t.Errorf("running stats %g %g, want %g %g", rm, rv, 0.1*m, 0.9+0.1*v)
	}
	// Evaluation uses the running statistics and leaves them alone.
	y := f32(bn.Forward(x, false))
	want := float32((float64(xs[0]) - rm) / math.Sqrt(rv+1e-5))
	if math.Abs(float64(y[0]-want)) > 1e-5 || float64(f32(bn.runMean.Value)[0]) != rm {
		t.Errorf("eval y[0] = %g, want %g", y[0], want)
	}
}

func TestDropout(t *testing.T) {
	d := NewDropout("d", 0.25)
	d.Setup([]int{1000})
	d.Init(rand.New(rand.NewPCG(1, 2)))
	x := newTensor(make([]float32, 8000), 8, 1000)
	for i := range f32(x) {
		f32(x)[i] = 1
	}
	if d.Forward(x, false) != x {
		t.Error("dropout in eval is not the identity")
	}
	y := f32(d.Forward(x, true))
	zeros := 0
	for _, v := range y {
		switch v {
		case 0:
			zeros++
		case 1 / 0.75:
		default:
			t.Fatalf("kept value %g, want 1/(1-p) = %g", v, 1/0.75)
		}
	}
	if frac := float64(zeros) / 8000; math.Abs(frac-0.25) > 0.02 {
		t.Errorf("dropped %.3f, want 0.25", frac)
	}
	dy := newTensor(append([]float32(nil), y...), 8, 1000)
	dx := f32(d.Backward(dy))
	for i := range dx {
		if want := y[i] * y[i]; dx[i] != want {
			t.Fatalf("dx[%d] = %g, want %g", i, dx[i], want)
		}
	}
	// Same seed, same masks.
	d2 := NewDropout("d", 0.25)
	d2.Setup([]int{1000})
	d2.Init(rand.New(rand.NewPCG(1, 2)))
	y2 := f32(d2.Forward(x, true))
	for i := range y {
		if y[i] != y2[i] {
			t.Fatal("dropout masks differ for the same seed")
		}
	}
	all := NewDropout("all", 1)
	all.Setup([]int{1000})
	for _, v := range f32(all.Forward(x, true)) {
		if v != 0 {
			t.Fatal("p=1 kept a value")
		}
	}
}

func TestActivationLayer(t *testing.T) {
	a := mustAct(t, "act3", "layerstest_tanhlin(per=channel, a=0.5)")
	if got := a.Spec(); got != "layerstest_tanhlin(a=0.5, per=channel)" {
		t.Errorf("Spec() = %q before Setup, want the canonical spec", got)
	}
	if _, err := a.Setup([]int{3, 2, 2}); err != nil {
		t.Fatal(err)
	}
	ps := a.Params()
	if len(ps) != 1 || ps[0].Name != "act3.a" || ps[0].Kind != ActivationParam || ps[0].Value.Shape()[0] != 3 {
		t.Fatalf("params %+v, want one act3.a of 3 channels", ps)
	}
	// The Param shares the function's storage: an optimiser step changes f.
	f32(ps[0].Value)[1] = 2
	if a.Func().Params()[0].Value[1] != 2 {
		t.Error("Param.Value does not share the function's storage")
	}
	x := newTensor([]float32{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 3, 2, 2)
	y := f32(a.Forward(x, true))
	if want := float32(math.Tanh(1)) + 2; math.Abs(float64(y[4]-want)) > 1e-6 || math.Abs(float64(y[0]-(want-1.5))) > 1e-6 {
		t.Errorf("y = %v, want channel 1 at %g", y, want)
	}
	a.Backward(newTensor(make([]float32, 12), 1, 3, 2, 2))
	if err := a.Swap("layerstest_tanhlin(a=0.1)"); err != nil {
		t.Fatal(err)
	}
	if len(a.Params()) != 1 || a.Params()[0].Value.Shape()[0] != 1 || a.Spec() != "layerstest_tanhlin(a=0.1, per=shared)" {
		t.Errorf("after Swap: %v %q", a.Params(), a.Spec())
	}
	if err := a.Swap("layerstest_tanhlin(a=99)"); err == nil || !strings.Contains(err.Error(), "act3") {
		t.Errorf("Swap to an out-of-range spec: %v", err)
	}
	if a.Spec() != "layerstest_tanhlin(a=0.1, per=shared)" {
		t.Error("a failed Swap changed the function")
	}
}

func TestDeadFraction(t *testing.T) {
	a := mustAct(t, "act", "layerstest_step")
	a.Setup([]int{4, 3})
	// Channel 0 all negative (dead), 1 one positive, 2 all positive, 3 zero (dead).
	x := make([]float32, 2*12)
	for n := 0; n < 2; n++ {
		for j := 0; j < 3; j++ {
			x[n*12+j] = -1
			x[n*12+3+j] = -1
			x[n*12+6+j] = 1
		}
	}
	x[12+3+2] = 0.5
	a.Forward(newTensor(x, 2, 4, 3), true)
	if got := a.DeadFraction(); got != 0.5 {
		t.Errorf("DeadFraction = %g, want 0.5", got)
	}
	tl := mustAct(t, "tl", "layerstest_tanhlin")
	tl.Setup([]int{2})
	tl.Forward(newTensor([]float32{1, 2, 3, 4}, 2, 2), true)
	g := f32(tl.Params()[0].Grad)
	g[0] = 42
	if got := tl.DeadFraction(); got != 0 || g[0] != 42 {
		t.Errorf("DeadFraction = %g (want 0), grad %g (want 42 untouched)", got, g[0])
	}
}

// TestBatchSizes runs a network on a full batch, a short batch and the full
// batch again: outputs must not depend on the batch composition (in eval
// mode), and buffers must be reused.
func TestBatchSizes(t *testing.T) {
	net := NewSequential("net", NewConv2D("c", 4, 3, 1, 1, true), NewBatchNorm("bn", 0.1, 1e-5),
		NewMaxPool2D("p", 2, 2), NewFlatten("f"), NewDense("d", 3, true))
	if _, err := net.Setup([]int{2, 4, 4}); err != nil {
		t.Fatal(err)
	}
	initLayers(net, 1)
	rng := rand.New(rand.NewPCG(1, 2))
	x := randTensor(rng, 5, 2, 4, 4)
	full := append([]float32(nil), f32(net.Forward(x, false))...)
	short := newTensor(append([]float32(nil), f32(x)[:2*32]...), 2, 2, 4, 4)
	ys := f32(net.Forward(short, false))
	for i := range ys {
		if ys[i] != full[i] {
			t.Fatalf("short batch output %d = %g, full batch %g", i, ys[i], full[i])
		}
	}
	y := net.Forward(x, false)
	if !equalShape(y.Shape(), []int{5, 3}) {
		t.Fatalf("shape %v", y.Shape())
	}
	for i, v := range f32(y) {
		if v != full[i] {
			t.Fatal("full batch output changed after a short batch")
		}
	}
}

// TestDeterministic runs a training step twice from the same state, once
// with two threads and once with one, and compares bitwise (work is split at
// fixed boundaries and reduced in a fixed order).
func TestDeterministic(t *testing.T) {
	for _, path := range []string{"shift", "im2col", "wino"} {
		t.Run(path, func(t *testing.T) {
			convPath = path
			defer func() { convPath = "" }()
			testDeterministic(t)
		})
	}
}

func testDeterministic(t *testing.T) {
	build := func() (*Sequential, *SoftmaxCrossEntropy) {
		net := NewSequential("net", NewConv2D("c1", 8, 3, 1, 1, true), NewBatchNorm("bn", 0.1, 1e-5),
			mustAct(t, "a", "layerstest_tanhlin(per=channel)"), NewConv2D("c1b", 8, 3, 1, 1, true),
			NewMaxPool2D("p", 2, 2), NewDropout("dr", 0.2),
			NewConv2D("c2", 8, 3, 2, 1, true), NewAvgPool2D("ap", 2, 2), NewFlatten("f"), NewDense("d", 4, true))
		if _, err := net.Setup([]int{3, 8, 8}); err != nil {
			t.Fatal(err)
		}
		initLayers(net, 3)
		return net, &SoftmaxCrossEntropy{LabelSmoothing: 0.1}
	}
	rng := rand.New(rand.NewPCG(4, 5))
	x := randTensor(rng, 9, 3, 8, 8)
	labels := []int32{0, 1, 2, 3, 0, 1, 2, 3, 0}
	step := func() ([]float32, []float32) {
		net, ce := build()
		ce.Forward(net.Forward(x, true), labels)
		dx := append([]float32(nil), f32(net.Backward(ce.Backward()))...)
		var g []float32
		for _, p := range net.Params() {
			if p.Grad != nil {
				g = append(g, f32(p.Grad)...)
			}
			g = append(g, f32(p.Value)...)
		}
		return dx, g
	}
	dx1, g1 := step()
	// The second run executes every split inline on one thread: the parts
	// and their reduction order are the same, so the results must be too.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	dx2, g2 := step()
	for i := range dx1 {
		if dx1[i] != dx2[i] {
			t.Fatalf("dx[%d] differs between identical steps", i)
		}
	}
	for i := range g1 {
		if g1[i] != g2[i] {
			t.Fatalf("parameter value/gradient %d differs between identical steps", i)
		}
	}
}

// TestNoAllocs checks that a warm training step (forward, loss, backward)
// allocates nothing, including after switching between two batch sizes. The
// products are small enough that even gonum's GEMM (which allocates on large
// ones) allocates nothing, so the check holds on both backends.
func TestNoAllocs(t *testing.T) {
	for _, path := range []string{"shift", "im2col", "wino"} {
		t.Run(path, func(t *testing.T) {
			if path == "shift" && gemm.Backend() == "gonum" {
				t.Skip("gonum's GEMM allocates on the shifted path's tall products; checked on the SIMD backends")
			}
			convPath = path
			defer func() { convPath = "" }()
			testNoAllocs(t)
		})
	}
}

func testNoAllocs(t *testing.T) {
	net := NewSequential("net", NewConv2D("c1", 8, 3, 1, 1, true), NewBatchNorm("bn", 0.1, 1e-5),
		mustAct(t, "a", "layerstest_step"), NewMaxPool2D("p", 2, 2), NewDropout("dr", 0.2),
		NewConv2D("c2", 8, 1, 1, 0, false), NewAvgPool2D("ap", 2, 2),
		NewResidual("res", NewSequential("b", NewConv2D("c3", 8, 3, 1, 1, true)), nil),
		NewGlobalAvgPool("g"), NewBatchNorm("bn1d", 0.1, 1e-5), NewDense("d", 4, true))
	if _, err := net.Setup([]int{3, 8, 8}); err != nil {
		t.Fatal(err)
	}
	initLayers(net, 3)
	rng := rand.New(rand.NewPCG(4, 5))
	x := randTensor(rng, 6, 3, 8, 8)
	short := randTensor(rng, 3, 3, 8, 8)
	labels := []int32{0, 1, 2, 3, 0, 1}
	ce := &SoftmaxCrossEntropy{}
	step := func() {
		ce.Forward(net.Forward(x, true), labels)
		net.Backward(ce.Backward())
		ce.Forward(net.Forward(short, true), labels[:3])
		net.Backward(ce.Backward())
		net.Forward(x, false)
	}
	step()
	if n := testing.AllocsPerRun(5, step); n != 0 {
		t.Errorf("a warm step allocates %v times, want 0", n)
	}
}

// TestConvShiftedMatchesIm2col compares the two convolution paths on CIFAR
// shapes, with batches that span several chunks and a short last chunk.
func TestConvShiftedMatchesIm2col(t *testing.T) {
	defer func() { convPath = "" }()
	for _, tc := range []struct {
		in         []int
		outC, k, p int
		n          int
	}{
		{[]int{32, 32, 32}, 32, 3, 1, 5},
		{[]int{16, 16, 16}, 24, 3, 0, 70},
		{[]int{8, 9, 7}, 8, 5, 2, 3},
	} {
		var res [2][4][]float32
		for mode := range 2 {
			convPath = [2]string{"shift", "im2col"}[mode]
			l := NewConv2D("c", tc.outC, tc.k, 1, tc.p, true)
			out, err := l.Setup(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if l.useShift() != (mode == 0) {
				t.Fatal("path selection")
			}
			l.Init(rand.New(rand.NewPCG(1, 1)))
			rng := rand.New(rand.NewPCG(7, 8))
			x := randTensor(rng, append([]int{tc.n}, tc.in...)...)
			dy := randTensor(rng, append([]int{tc.n}, out...)...)
			res[mode][0] = append([]float32(nil), f32(l.Forward(x, true))...)
			res[mode][1] = append([]float32(nil), f32(l.Backward(dy))...)
			res[mode][2] = append([]float32(nil), f32(l.weight.Grad)...)
			res[mode][3] = append([]float32(nil), f32(l.bias.Grad)...)
		}
		// Sums of different lengths and orders: tolerance relative to the
		// tensor's largest value.
		for k, name := range []string{"y", "dx", "dweight", "dbias"} {
			scale := 0.0
			for _, v := range res[1][k] {
				scale = max(scale, math.Abs(float64(v)))
			}
			for i := range res[0][k] {
				a, b := float64(res[0][k][i]), float64(res[1][k][i])
				if math.Abs(a-b) > 1e-5*scale {
					t.Fatalf("%v k%d p%d n%d: %s[%d]: shifted %g, im2col %g (scale %g)", tc.in, tc.k, tc.p, tc.n, name, i, a, b, scale)
				}
			}
		}
	}
}

// TestMaxPoolTiesAndNaN: on ties the first maximum (row-major) gets the
// gradient (-0 and +0 tie), and a NaN propagates, as in PyTorch.
func TestMaxPoolTiesAndNaN(t *testing.T) {
	nan := float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	for _, k := range []int{2, 3} {
		for _, tc := range []struct {
			win   []float32 // the first k*k values of the input, row-major in the window
			want  float32
			first int // window position receiving the gradient
		}{
			{[]float32{1, 3, 3, 2}, 3, 1},
			{[]float32{5, 5, 5, 5}, 5, 0},
			{[]float32{negZero, 0, -1, -2}, 0, 0},
			{[]float32{-4, -2, -2, -3}, -2, 1},
			{[]float32{1, nan, 7, nan}, nan, 1},
			{[]float32{-1, 2, nan, 1}, nan, 2},
		} {
			x := make([]float32, k*k)
			for i := range x {
				x[i] = -100
			}
			// place the four values at window positions 0, 1, k, k+1
			pos := []int{0, 1, k, k + 1}
			for i, v := range tc.win {
				x[pos[i]] = v
			}
			l := NewMaxPool2D("p", k, k)
			if _, err := l.Setup([]int{1, k, k}); err != nil {
				t.Fatal(err)
			}
			y := f32(l.Forward(newTensor(x, 1, 1, k, k), true))[0]
			if !(y == tc.want || (y != y && tc.want != tc.want)) {
				t.Errorf("k=%d window %v: max %g, want %g", k, tc.win, y, tc.want)
			}
			dx := f32(l.Backward(newTensor([]float32{1}, 1, 1, 1, 1)))
			if dx[pos[tc.first]] != 1 {
				t.Errorf("k=%d window %v: gradient %v, want it at window position %d", k, tc.win, dx, pos[tc.first])
			}
		}
	}
}

// TestSkipInputGrad: with SetSkipInputGrad(true) Backward returns nil and the
// parameter gradients are unchanged.
func TestSkipInputGrad(t *testing.T) {
	build := func() *Sequential {
		net := NewSequential("net", NewConv2D("c1", 8, 3, 1, 1, true), NewConv2D("c2", 8, 3, 1, 1, true),
			NewConv2D("c3", 4, 3, 2, 1, false), NewConv2D("c4", 4, 1, 1, 0, true), NewFlatten("f"), NewDense("d", 3, true))
		if _, err := net.Setup([]int{3, 6, 6}); err != nil {
			t.Fatal(err)
		}
		initLayers(net, 1)
		return net
	}
	rng := rand.New(rand.NewPCG(5, 5))
	x := randTensor(rng, 3, 3, 6, 6)
	dy := randTensor(rng, 3, 3)
	var grads [2][]float32
	for mode := range 2 {
		net := build()
		if mode == 1 {
			net.SetSkipInputGrad(true)
		}
		net.Forward(x, true)
		dx := net.Backward(dy)
		if (dx == nil) != (mode == 1) {
			t.Fatalf("mode %d: dx nil = %v", mode, dx == nil)
		}
		for _, p := range net.Params() {
			grads[mode] = append(grads[mode], f32(p.Grad)...)
		}
	}
	for i := range grads[0] {
		if grads[0][i] != grads[1][i] {
			t.Fatalf("parameter gradient %d changed when skipping the input gradient", i)
		}
	}
	// Each layer kind on its own, including the shifted path and Dense.
	for _, l := range []interface {
		Layer
		InputGradSkipper
	}{NewConv2D("s", 4, 3, 1, 1, true), NewConv2D("i", 4, 3, 2, 1, true), NewConv2D("d", 4, 1, 1, 0, true), NewDense("fc", 4, true)} {
		in := []int{8, 5, 5}
		if _, ok := l.(*Dense); ok {
			in = []int{7}
		}
		out, err := l.Setup(in)
		if err != nil {
			t.Fatal(err)
		}
		l.SetSkipInputGrad(true)
		l.Forward(randTensor(rng, append([]int{2}, in...)...), true)
		if dx := l.Backward(randTensor(rng, append([]int{2}, out...)...)); dx != nil {
			t.Errorf("%s: Backward returned a gradient with SetSkipInputGrad(true)", l.Name())
		}
	}
}

// TestActivationSplit: an activation large enough to be split across
// threads gives the same output and input gradient, bit for bit, as the
// unsplit pass, and parameter gradients equal to a float64 sum of the
// per-image gradients (each image run alone) up to float32 rounding; a
// per-channel parametric function checks that every part's clone got the
// current parameter values and that their gradients were all added.
func TestActivationSplit(t *testing.T) {
	old := gemm.Threads()
	defer gemm.SetThreads(old)
	const n, c, hw = 6, 16, 32 * 32 // 98,304 elements: split
	rng := rand.New(rand.NewPCG(5, 6))
	x := randTensor(rng, n, c, 32, 32)
	dy := randTensor(rng, n, c, 32, 32)
	run := func(threads int, x, dy []float32, nb int) (y, dx []float32, grads [][]float32) {
		gemm.SetThreads(threads)
		a := mustAct(t, "a", "layerstest_tanhlin(a=0.1,per=channel)")
		if _, err := a.Setup([]int{c, 32, 32}); err != nil {
			t.Fatal(err)
		}
		for i, p := range a.Params() {
			for j := range f32(p.Value) {
				f32(p.Value)[j] = 0.05 * float32(i+j%7) // not the defaults
			}
		}
		y = append(y, f32(a.Forward(newTensor(x, nb, c, 32, 32), true))...)
		dx = append(dx, f32(a.Backward(newTensor(dy, nb, c, 32, 32)))...)
		for _, p := range a.Params() {
			grads = append(grads, append([]float32(nil), f32(p.Grad)...))
		}
		return y, dx, grads
	}
	y1, dx1, _ := run(1, f32(x), f32(dy), n)
	y2, dx2, g2 := run(3, f32(x), f32(dy), n)
	for i := range y1 {
		if y1[i] != y2[i] || dx1[i] != dx2[i] {
			t.Fatalf("element %d: y %g/%g, dx %g/%g unsplit/split", i, y1[i], y2[i], dx1[i], dx2[i])
		}
	}
	want := make([][]float64, len(g2))
	for i := range n {
		size := c * hw
		_, _, g := run(1, f32(x)[i*size:(i+1)*size], f32(dy)[i*size:(i+1)*size], 1)
		for p := range g {
			if want[p] == nil {
				want[p] = make([]float64, len(g[p]))
			}
			for j, v := range g[p] {
				want[p][j] += float64(v)
			}
		}
	}
	for p := range g2 {
		for j, v := range g2[p] {
			if d := math.Abs(float64(v) - want[p][j]); d > 1e-4*(1+math.Abs(want[p][j])) {
				t.Errorf("param %d channel %d: gradient %g split, %g summed per image", p, j, v, want[p][j])
			}
		}
	}
}

// TestSequentialSharesInputGrads checks the ping-pong assignment: two
// stores in all, and the layer that reads a gradient (through Flatten and
// Dropout, which pass it on) never writes the store it is in.
func TestSequentialSharesInputGrads(t *testing.T) {
	net := NewSequential("net", NewConv2D("c1", 4, 3, 1, 1, true), mustAct(t, "a1", "layerstest_step"),
		NewMaxPool2D("p", 2, 2), NewFlatten("f"), NewDropout("dr", 0.2), NewDense("d1", 6, true),
		NewBatchNorm("bn", 0.1, 1e-5), mustAct(t, "a2", "layerstest_step"), NewDropout("dr2", 0.1), NewDense("d2", 3, true))
	if _, err := net.Setup([]int{2, 4, 4}); err != nil {
		t.Fatal(err)
	}
	stores := map[*gradStore]bool{}
	var prev *gradStore // store of the gradient reaching the layer
	for i := len(net.layers) - 1; i >= 0; i-- {
		var b *buffer
		switch l := net.layers[i].(type) {
		case *Conv2D:
			b = &l.dx
		case *Dense:
			b = &l.dx
		case *BatchNorm:
			b = &l.dx
		case *Activation:
			b = &l.dx
		case *MaxPool2D:
			b = &l.dx
		default:
			continue
		}
		if b.store == nil {
			t.Fatalf("layer %s has no shared store", net.layers[i].Name())
		}
		if b.store == prev {
			t.Fatalf("layer %s writes the store its output gradient is in", net.layers[i].Name())
		}
		stores[b.store] = true
		prev = b.store
	}
	if len(stores) != 2 {
		t.Errorf("%d stores, want 2", len(stores))
	}
}

// TestResidualSplit checks the add of a Residual split across threads: with
// an empty body and the identity shortcut, y = 2x and dx = 2dy exactly,
// over a batch large enough to be split into uneven parts.
func TestResidualSplit(t *testing.T) {
	old := gemm.Threads()
	defer gemm.SetThreads(old)
	gemm.SetThreads(3)
	const n, c, h, w = 5, 16, 32, 32 // 81,920 floats: split
	rng := rand.New(rand.NewPCG(7, 8))
	x, dy := f32(randTensor(rng, n, c, h, w)), f32(randTensor(rng, n, c, h, w))
	r := NewResidual("res", NewSequential("empty"), nil)
	if _, err := r.Setup([]int{c, h, w}); err != nil {
		t.Fatal(err)
	}
	y := f32(r.Forward(newTensor(x, n, c, h, w), true))
	dx := f32(r.Backward(newTensor(dy, n, c, h, w)))
	for i := range x {
		if y[i] != 2*x[i] || dx[i] != 2*dy[i] {
			t.Fatalf("element %d: y %g dx %g, want %g and %g", i, y[i], dx[i], 2*x[i], 2*dy[i])
		}
	}
}

// TestBatchNormOffsetStatistics checks the batch statistics of channels
// whose mean is far larger than their spread (mean 300, standard deviation
// 0.05, and a channel whose first value is an outlier): a one-pass
// variance from sums of x and x^2 loses every digit here. The expected
// values are float64 sums over the same float32 inputs.
func TestBatchNormOffsetStatistics(t *testing.T) {
	const n, c, h, w = 8, 3, 16, 16
	bn := NewBatchNorm("bn", 1, 1e-5) // momentum 1: running = batch statistics
	if _, err := bn.Setup([]int{c, h, w}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 10))
	xs := make([]float32, n*c*h*w)
	for i := range xs {
		xs[i] = 300 + 0.05*float32(rng.NormFloat64())
	}
	xs[2*h*w] = 301 // channel 2's first value (the shift) is 20 deviations out
	bn.Forward(newTensor(xs, n, c, h, w), true)
	for ch := range c {
		var m, v float64
		for i := range n {
			for _, a := range xs[(i*c+ch)*h*w : (i*c+ch+1)*h*w] {
				m += float64(a)
			}
		}
		m /= n * h * w
		for i := range n {
			for _, a := range xs[(i*c+ch)*h*w : (i*c+ch+1)*h*w] {
				v += (float64(a) - m) * (float64(a) - m)
			}
		}
		v /= n*h*w - 1
		rm, rv := float64(f32(bn.runMean.Value)[ch]), float64(f32(bn.runVar.Value)[ch])
		if math.Abs(rm-m) > 1e-6*m || math.Abs(rv-v) > 1e-3*v {
			t.Errorf("channel %d: mean %.9g variance %.6g, want %.9g and %.6g", ch, rm, rv, m, v)
		}
	}
}

// appendParams appends copies of every parameter's value and gradient of s.
func appendParams(res [][]float32, s *Sequential) [][]float32 {
	for _, prm := range s.Params() {
		res = append(res, append([]float32(nil), f32(prm.Value)...))
		if prm.Grad != nil {
			res = append(res, append([]float32(nil), f32(prm.Grad)...))
		}
	}
	return res
}

// fusedSameBits fails unless the unfused and fused runs' results agree bit for
// bit.
func fusedSameBits(t *testing.T, threads int, unfused, fused [][]float32) {
	t.Helper()
	for k := range unfused {
		for i, v := range unfused[k] {
			if math.Float32bits(v) != math.Float32bits(fused[k][i]) {
				t.Fatalf("threads %d, result %d, element %d: unfused %g, fused %g", threads, k, i, v, fused[k][i])
			}
		}
	}
}

// TestBatchNormReLUFusion checks that a Sequential's fused BatchNorm +
// ReLU gives the bits of the two layers run one after the other: output,
// input gradient, every parameter gradient and the running statistics, in
// training and evaluation, 2-D and 1-D, on 1 and 3 threads; and that an
// activation swapped for one that is neither ReLU nor pointwise is no
// longer fused.
func TestBatchNormReLUFusion(t *testing.T) {
	old := gemm.Threads()
	defer gemm.SetThreads(old)
	defer func() { noFuse = false }()
	build := func() *Sequential {
		s := NewSequential("s",
			NewConv2D("c1", 16, 3, 1, 1, false), NewBatchNorm("bn1", 0.1, 1e-5), mustAct(t, "a1", "relu"),
			NewConv2D("c2", 8, 3, 2, 1, true), NewBatchNorm("bn2", 0.1, 1e-5), mustAct(t, "a2", "relu"),
			NewFlatten("f"), NewDense("d", 10, true), NewBatchNorm("bn3", 0.1, 1e-5), mustAct(t, "a3", "relu"))
		if _, err := s.Setup([]int{3, 16, 16}); err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(4, 4))
		for _, p := range s.Params() {
			for i := range f32(p.Value) {
				if p.Kind != Buffer {
					f32(p.Value)[i] = 0.3 * float32(rng.NormFloat64())
				}
			}
		}
		return s
	}
	rng := rand.New(rand.NewPCG(11, 12))
	x := randTensor(rng, 6, 3, 16, 16)
	dy := randTensor(rng, 6, 10)
	for _, threads := range []int{1, 3} {
		gemm.SetThreads(threads)
		var res [2][][]float32
		for p, fuse := range []bool{false, true} {
			noFuse = !fuse
			s := build()
			for _, train := range []bool{true, false} {
				res[p] = append(res[p], append([]float32(nil), f32(s.Forward(x, train))...))
				res[p] = append(res[p], append([]float32(nil), f32(s.Backward(dy))...))
			}
			fusedNow := 0
			for _, f := range s.fused {
				if f {
					fusedNow++
				}
			}
			if want := map[bool]int{false: 0, true: 3}[fuse]; fusedNow != want {
				t.Fatalf("fuse=%v: %d pairs fused, want %d", fuse, fusedNow, want)
			}
			res[p] = appendParams(res[p], s)
			if fuse {
				// PAU is neither ReLU nor pointwise: no fusion at all.
				if err := s.layers[2].(*Activation).Swap("pau"); err != nil {
					t.Fatal(err)
				}
				s.Forward(x, true)
				if s.fused[1] || !s.fused[4] {
					t.Errorf("after swapping a1 to pau: fused %v, want only bn2 and bn3", s.fused)
				}
			}
		}
		fusedSameBits(t, threads, res[0], res[1])
	}
}

// TestResidualReLUFusion checks that a Sequential's fused Residual + ReLU
// (and, backward, the ReLU below a Residual fused into its add) gives the
// bits of the layers run one after the other (output, input
// gradient, parameters and their gradients, the ReLU's dead fraction), with
// and without a shortcut, with bodies that end in a BatchNorm (which then
// adds the shortcut itself; one with a BatchNorm + ReLU inside) and one
// that does not, an empty one, the third followed by a ReLU or by GELU (not fused with
// the block; its batch norm still adds the shortcut), in training and
// evaluation, on 1 and 3 threads (the batch is large enough for the add to
// be split).
func TestResidualReLUFusion(t *testing.T) {
	for _, last := range []string{"relu", "gelu"} {
		t.Run(last, func(t *testing.T) { testResidualFusion(t, last) })
	}
}

func testResidualFusion(t *testing.T, last string) {
	old := gemm.Threads()
	defer gemm.SetThreads(old)
	defer func() { noFuse = false }()
	build := func() *Sequential {
		s := NewSequential("s",
			NewConv2D("c0", 16, 3, 1, 1, false), mustAct(t, "a0", "relu"),
			NewResidual("r1", NewSequential("r1.body", NewConv2D("r1.c", 16, 3, 1, 1, false), NewBatchNorm("r1.bn", 0.1, 1e-5)), nil),
			mustAct(t, "a1", "relu"),
			NewResidual("r2", NewSequential("r2.body", NewConv2D("r2.c", 16, 3, 1, 1, false)),
				NewSequential("r2.short", NewConv2D("r2.s", 16, 1, 1, 0, false))),
			mustAct(t, "a2", "relu"),
			NewResidual("r3", NewSequential("r3.body",
				NewConv2D("r3.c1", 16, 3, 1, 1, false), NewBatchNorm("r3.bn1", 0.1, 1e-5), mustAct(t, "r3.a", "relu"),
				NewConv2D("r3.c2", 16, 3, 1, 1, false), NewBatchNorm("r3.bn2", 0.1, 1e-5)),
				NewSequential("r3.short", NewConv2D("r3.s", 16, 1, 1, 0, false), NewBatchNorm("r3.sbn", 0.1, 1e-5))),
			mustAct(t, "a3", last),
			NewResidual("r4", NewSequential("r4.body"), nil), // empty body: x + x
			mustAct(t, "a4", "relu"),
			NewGlobalAvgPool("p"), NewDense("d", 10, true))
		if _, err := s.Setup([]int{3, 32, 32}); err != nil {
			t.Fatal(err)
		}
		initLayers(s, 5)
		return s
	}
	rng := rand.New(rand.NewPCG(13, 14))
	x := randTensor(rng, 6, 3, 32, 32) // 6 x 16 x 32 x 32 floats per add: split
	dy := randTensor(rng, 6, 10)
	for _, threads := range []int{1, 3} {
		gemm.SetThreads(threads)
		var res [2][][]float32
		for p, fuse := range []bool{false, true} {
			noFuse = !fuse
			s := build()
			for _, train := range []bool{true, false} {
				res[p] = append(res[p], append([]float32(nil), f32(s.Forward(x, train))...))
				res[p] = append(res[p], []float32{float32(s.layers[3].(*Activation).DeadFraction()),
					float32(s.layers[5].(*Activation).DeadFraction()), float32(s.layers[7].(*Activation).DeadFraction())})
				res[p] = append(res[p], append([]float32(nil), f32(s.Backward(dy))...))
			}
			if fuse != (s.fused[2] && s.fused[4] && s.fused[8]) || s.fused[6] != (fuse && last == "relu") {
				t.Fatalf("fuse=%v: fused %v", fuse, s.fused)
			}
			res[p] = appendParams(res[p], s)
		}
		fusedSameBits(t, threads, res[0], res[1])
	}
}

// TestBatchNormActFusion checks that a Sequential's batch norm followed by
// a pointwise activation (run plane by plane in the batch norm's output
// pass) gives the bits of the two layers run one after the other: output,
// input gradient, parameters and their gradients, the activations' dead
// fractions, in training and evaluation, on 1 and 3 threads; and that a
// per-channel activation, a blockwise one (PAU) and planes under
// actPlaneMin are left unfused.
func TestBatchNormActFusion(t *testing.T) {
	old := gemm.Threads()
	defer gemm.SetThreads(old)
	defer func() { noFuse = false }()
	build := func() *Sequential {
		s := NewSequential("s",
			NewConv2D("c1", 8, 3, 1, 1, false), NewBatchNorm("bn1", 0.1, 1e-5), mustAct(t, "a1", "gelu"),
			NewConv2D("c2", 8, 3, 1, 1, false), NewBatchNorm("bn2", 0.1, 1e-5), mustAct(t, "a2", "pvlu"),
			NewConv2D("c3", 8, 3, 1, 1, false), NewBatchNorm("bn3", 0.1, 1e-5), mustAct(t, "a3", "pvlu(per=channel)"),
			NewConv2D("c4", 8, 3, 1, 1, false), NewBatchNorm("bn4", 0.1, 1e-5), mustAct(t, "a4", "pau"),
			NewConv2D("c5", 8, 3, 2, 1, false), NewBatchNorm("bn5", 0.1, 1e-5), mustAct(t, "a5", "silu"), // 8x8 = 64: fused
			NewConv2D("c6", 8, 3, 2, 1, false), NewBatchNorm("bn6", 0.1, 1e-5), mustAct(t, "a6", "elu"), // 4x4: not
			NewFlatten("f"), NewDense("d", 10, true))
		if _, err := s.Setup([]int{3, 16, 16}); err != nil {
			t.Fatal(err)
		}
		initLayers(s, 6)
		return s
	}
	rng := rand.New(rand.NewPCG(15, 16))
	x := randTensor(rng, 6, 3, 16, 16)
	dy := randTensor(rng, 6, 10)
	for _, threads := range []int{1, 3} {
		gemm.SetThreads(threads)
		var res [2][][]float32
		for p, fuse := range []bool{false, true} {
			noFuse = !fuse
			s := build()
			for _, train := range []bool{true, false} {
				res[p] = append(res[p], append([]float32(nil), f32(s.Forward(x, train))...))
				var dead []float32
				for _, i := range []int{2, 5, 8, 11, 14, 17} {
					dead = append(dead, float32(s.layers[i].(*Activation).DeadFraction()))
				}
				res[p] = append(res[p], dead)
				res[p] = append(res[p], append([]float32(nil), f32(s.Backward(dy))...))
			}
			want := []bool{fuse, fuse, false, false, fuse, false}
			for k, i := range []int{1, 4, 7, 10, 13, 16} {
				if s.fused[i] != want[k] {
					t.Fatalf("fuse=%v: bn%d fused %v, want %v", fuse, k+1, s.fused[i], want[k])
				}
			}
			res[p] = appendParams(res[p], s)
		}
		fusedSameBits(t, threads, res[0], res[1])
	}
}

package layers

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Finite-difference gradient checks.
//
// The loss is L = sum(r * y) over the layer's float32 output y with a fixed
// random r, accumulated in float64, so dL/dy = r. Each checked coordinate v
// is moved by +-h (h = 3e-3, the float32 step actually taken is used) and the
// central difference (L(v+h) - L(v-h)) / 2h is compared with the analytic
// gradient:
//
//	|numeric - analytic| <= gradAtol*scale + gradRtol*|analytic|
//
// with gradAtol = 1e-3, gradRtol = 1e-2 and scale = max(1, max |analytic|
// over the tensor). Float32 rounding of y bounds the numeric error near
// 1e-4*scale here, so the tolerance is loose enough for float32 yet orders
// of magnitude below any indexing or formula error. A coordinate where the
// one-sided differences (at h or h/2) disagree by more than twice the
// tolerance, or where the central differences at h and h/2 differ by more
// than half of it, sits on a kink (ReLU at 0, a max-pool switch) and is
// skipped; at most a quarter of the coordinates may be skipped.
const (
	gradH    = 3e-3
	gradAtol = 1e-3
	gradRtol = 1e-2
	maxCoord = 48 // coordinates checked per tensor (all when fewer)
)

type gradCase struct {
	layer Layer
	in    []int
	n     int
	train bool
	// before runs before every Forward (e.g. re-seeding dropout so that every
	// evaluation draws the same mask).
	before func()
	// xgen fills the input (default U(-1, 1)).
	xgen func(rng *rand.Rand, x []float32)
}

func zeroGrads(ps []*Param) {
	for _, p := range ps {
		if p.Grad != nil {
			clear(f32(p.Grad))
		}
	}
}

func initLayers(l Layer, seed uint64) {
	Walk(l, func(sub Layer) {
		if in, ok := sub.(Initializer); ok {
			in.Init(rand.New(rand.NewPCG(seed, uint64(len(sub.Name())))))
		}
	})
}

func runGradCheck(t *testing.T, c gradCase) {
	t.Helper()
	out, err := c.layer.Setup(c.in)
	if err != nil {
		t.Fatal(err)
	}
	initLayers(c.layer, 7)
	rng := rand.New(rand.NewPCG(11, 13))
	xs := make([]float32, c.n*prod(c.in))
	if c.xgen != nil {
		c.xgen(rng, xs)
	} else {
		for i := range xs {
			xs[i] = float32(2*rng.Float64() - 1)
		}
	}
	x := newTensor(xs, append([]int{c.n}, c.in...)...)
	rs := make([]float32, c.n*prod(out))
	for i := range rs {
		rs[i] = float32(rng.NormFloat64())
	}
	r := newTensor(rs, append([]int{c.n}, out...)...)
	loss := func() float64 {
		if c.before != nil {
			c.before()
		}
		y := f32(c.layer.Forward(x, c.train))
		s := 0.0
		for i, v := range y {
			s += float64(v) * float64(rs[i])
		}
		return s
	}
	params := c.layer.Params()
	zeroGrads(params)
	loss()
	dx := append([]float32(nil), f32(c.layer.Backward(r))...)
	checkCoords(t, "input", xs, dx, loss)
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		g := append([]float32(nil), f32(p.Grad)...)
		checkCoords(t, p.Name, f32(p.Value), g, loss)
	}
}

// checkCoords compares analytic gradients of v with central differences of
// loss on up to maxCoord coordinates spread over v.
func checkCoords(t *testing.T, what string, v, analytic []float32, loss func() float64) {
	t.Helper()
	if len(v) != len(analytic) {
		t.Fatalf("%s: %d values but %d gradients", what, len(v), len(analytic))
	}
	scale := 1.0
	for _, g := range analytic {
		scale = max(scale, math.Abs(float64(g)))
	}
	step := max(1, len(v)/maxCoord)
	checked, skipped, bad := 0, 0, 0
	for i := 0; i < len(v); i += step {
		orig := v[i]
		f0 := loss()
		// central returns the central difference with step h and the two
		// one-sided differences.
		central := func(h float32) (c, fwd, bwd float64) {
			v[i] = orig + h
			hp := float64(v[i]) - float64(orig)
			lp := loss()
			v[i] = orig - h
			hm := float64(orig) - float64(v[i])
			lm := loss()
			v[i] = orig
			return (lp - lm) / (hp + hm), (lp - f0) / hp, (f0 - lm) / hm
		}
		num, fwd, bwd := central(gradH)
		half, fwd2, bwd2 := central(gradH / 2)
		a := float64(analytic[i])
		tol := gradAtol*scale + gradRtol*math.Abs(a)
		checked++
		// A kink (ReLU at 0, a max-pool switch) within +-h shows as one-sided
		// differences that disagree, or as estimates that change with h.
		if math.Abs(fwd-bwd) > 2*tol || math.Abs(fwd2-bwd2) > 2*tol || math.Abs(num-half) > tol/2 {
			skipped++
			continue
		}
		if !(math.Abs(num-a) <= tol) {
			if bad < 4 {
				t.Errorf("%s[%d]: analytic %.6g, numeric %.6g (tolerance %.2g)", what, i, a, num, tol)
			}
			bad++
		}
	}
	loss() // leave the layer's state as at v
	if bad > 4 {
		t.Errorf("%s: %d of %d coordinates wrong", what, bad, checked)
	}
	if skipped*4 > checked {
		t.Errorf("%s: %d of %d coordinates sit on kinks: the check is not meaningful", what, skipped, checked)
	}
}

// spaced fills x with a random permutation of distinct values 0.05 apart
// (centred on 0), so that no max-pool window has a near tie.
func spaced(rng *rand.Rand, x []float32) {
	perm := rng.Perm(len(x))
	for i, p := range perm {
		x[i] = float32(p-len(x)/2) * 0.05
	}
}

func TestGradConv2D(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		outC, k, stride, pad int
		bias                 bool
		in                   []int
	}{
		{"k3s1p1", 4, 3, 1, 1, true, []int{3, 6, 6}},
		{"k3s1p0", 3, 3, 1, 0, true, []int{2, 5, 6}},
		{"k3s2p1", 3, 3, 2, 1, true, []int{2, 7, 7}},
		{"k3s2p0", 2, 3, 2, 0, false, []int{3, 8, 7}},
		{"k1s1p0", 4, 1, 1, 0, true, []int{5, 4, 4}},
		{"k1s2p0", 4, 1, 2, 0, false, []int{3, 5, 5}},
		{"k2s3p2", 2, 2, 3, 2, true, []int{2, 5, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runGradCheck(t, gradCase{layer: NewConv2D("conv", tc.outC, tc.k, tc.stride, tc.pad, tc.bias), in: tc.in, n: 3, train: true})
		})
	}
}

func TestGradDense(t *testing.T) {
	runGradCheck(t, gradCase{layer: NewDense("fc", 7, true), in: []int{9}, n: 4, train: true})
	runGradCheck(t, gradCase{layer: NewDense("fc", 3, false), in: []int{5}, n: 2, train: true})
}

func TestGradPooling(t *testing.T) {
	for _, tc := range []struct {
		name string
		l    Layer
		in   []int
	}{
		{"max_k2s2", NewMaxPool2D("p", 2, 2), []int{3, 6, 6}},
		{"max_k3s2", NewMaxPool2D("p", 3, 2), []int{2, 7, 7}},
		{"max_k2s1", NewMaxPool2D("p", 2, 1), []int{2, 5, 4}},
		{"avg_k2s2", NewAvgPool2D("p", 2, 2), []int{3, 6, 6}},
		{"avg_k3s2", NewAvgPool2D("p", 3, 2), []int{2, 7, 7}},
		{"global", NewGlobalAvgPool("p"), []int{4, 3, 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runGradCheck(t, gradCase{layer: tc.l, in: tc.in, n: 3, train: true, xgen: spaced})
		})
	}
}

// randomiseBN gives the affine parameters and running statistics values
// away from their identity initialisation, so that the check sees them.
func randomiseBN(l *BatchNorm) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range f32(l.weight.Value) {
		f32(l.weight.Value)[i] = float32(0.5 + rng.Float64())
		f32(l.bias.Value)[i] = float32(rng.NormFloat64() * 0.5)
		f32(l.runMean.Value)[i] = float32(rng.NormFloat64() * 0.3)
		f32(l.runVar.Value)[i] = float32(0.5 + rng.Float64())
	}
}

func TestGradBatchNorm(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    []int
		train bool
	}{
		{"2d_train", []int{3, 4, 4}, true},
		{"2d_eval", []int{3, 4, 4}, false},
		{"1d_train", []int{5}, true},
		{"1d_eval", []int{5}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := NewBatchNorm("bn", 0.1, 1e-5)
			if _, err := l.Setup(tc.in); err != nil {
				t.Fatal(err)
			}
			randomiseBN(l)
			// Setup again inside runGradCheck would reset the parameters, so
			// run the check on a wrapper whose Setup is a no-op.
			runGradCheck(t, gradCase{layer: presetLayer{l}, in: tc.in, n: 6, train: tc.train})
		})
	}
}

// presetLayer hides Setup from runGradCheck for a layer already set up.
type presetLayer struct{ Layer }

func (p presetLayer) Setup(in []int) ([]int, error) { return in, nil }

func TestGradActivation(t *testing.T) {
	for _, spec := range []string{"layerstest_tanhlin(a=0.2)", "layerstest_tanhlin(a=-0.3, per=channel)"} {
		t.Run(spec, func(t *testing.T) {
			a, err := NewActivation("act", spec)
			if err != nil {
				t.Fatal(err)
			}
			runGradCheck(t, gradCase{layer: a, in: []int{3, 2, 2}, n: 2, train: true})
			runGradCheck(t, gradCase{layer: a, in: []int{4}, n: 3, train: true})
		})
	}
}

func TestGradDropout(t *testing.T) {
	l := NewDropout("drop", 0.4)
	before := func() { l.Init(rand.New(rand.NewPCG(5, 6))) }
	runGradCheck(t, gradCase{layer: l, in: []int{2, 3, 3}, n: 3, train: true, before: before})
}

func TestGradFlatten(t *testing.T) {
	runGradCheck(t, gradCase{layer: NewFlatten("flat"), in: []int{2, 3, 3}, n: 2, train: true})
}

func TestGradResidual(t *testing.T) {
	body := NewSequential("body",
		NewConv2D("c1", 4, 3, 2, 1, false), NewBatchNorm("bn1", 0.1, 1e-5),
		mustAct(t, "a1", "layerstest_tanhlin(a=0.1)"), NewConv2D("c2", 4, 3, 1, 1, true))
	short := NewSequential("short", NewConv2D("sc", 4, 1, 2, 0, false))
	runGradCheck(t, gradCase{layer: NewResidual("res", body, short), in: []int{3, 6, 6}, n: 3, train: true})
	ident := NewResidual("res2", NewSequential("b2", NewConv2D("c", 3, 3, 1, 1, true)), nil)
	runGradCheck(t, gradCase{layer: ident, in: []int{3, 4, 4}, n: 2, train: true})
}

func mustAct(t testing.TB, name, spec string) *Activation {
	t.Helper()
	a, err := NewActivation(name, spec)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestGradSoftmaxCrossEntropy(t *testing.T) {
	for _, eps := range []float64{0, 0.1} {
		rng := rand.New(rand.NewPCG(1, 1))
		n, k := 4, 5
		z := make([]float32, n*k)
		for i := range z {
			z[i] = float32(rng.NormFloat64() * 2)
		}
		labels := []int32{0, 3, 4, 3}
		ce := &SoftmaxCrossEntropy{LabelSmoothing: eps}
		logits := newTensor(z, n, k)
		ce.Forward(logits, labels)
		g := append([]float32(nil), f32(ce.Backward())...)
		checkCoords(t, "logits", z, g, func() float64 { return ce.Forward(logits, labels) })
	}
}

// TestGradNetwork checks a small network end to end through the loss:
// conv-bn-act-maxpool-flatten-dense-dropout-dense with softmax cross-entropy
// (label smoothing 0.1).
func TestGradNetwork(t *testing.T) {
	var drop *Dropout
	net := NewSequential("net",
		NewConv2D("conv1", 4, 3, 1, 1, true),
		NewBatchNorm("bn1", 0.1, 1e-5),
		mustAct(t, "act1", "layerstest_tanhlin(a=0.1, per=channel)"),
		NewMaxPool2D("pool1", 2, 2),
		NewFlatten("flat"),
		NewDense("fc1", 6, true),
		mustAct(t, "act2", "layerstest_tanhlin(a=0.05)"),
		func() Layer { drop = NewDropout("drop", 0.3); return drop }(),
		NewDense("fc2", 3, true),
	)
	in := []int{2, 6, 6}
	if _, err := net.Setup(in); err != nil {
		t.Fatal(err)
	}
	initLayers(net, 9)
	n := 4
	rng := rand.New(rand.NewPCG(2, 3))
	xs := make([]float32, n*prod(in))
	for i := range xs {
		xs[i] = float32(rng.NormFloat64())
	}
	x := newTensor(xs, append([]int{n}, in...)...)
	labels := []int32{2, 0, 1, 2}
	ce := &SoftmaxCrossEntropy{LabelSmoothing: 0.1}
	loss := func() float64 {
		drop.Init(rand.New(rand.NewPCG(8, 8)))
		return ce.Forward(net.Forward(x, true), labels)
	}
	params := net.Params()
	zeroGrads(params)
	loss()
	dx := append([]float32(nil), f32(net.Backward(ce.Backward()))...)
	checkCoords(t, "input", xs, dx, loss)
	kinds := map[ParamKind]bool{}
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		kinds[p.Kind] = true
		g := append([]float32(nil), f32(p.Grad)...)
		checkCoords(t, p.Name, f32(p.Value), g, loss)
	}
	for _, k := range []ParamKind{Weight, Bias, Norm, ActivationParam} {
		if !kinds[k] {
			t.Errorf("no %v parameter was checked", k)
		}
	}
}

// TestGradConv2DShifted checks the shifted-GEMM path (forced, since these
// small shapes would choose im2col).
func TestGradConv2DShifted(t *testing.T) {
	convPath = "shift"
	defer func() { convPath = "" }()
	for _, tc := range []struct {
		name    string
		outC, k int
		pad     int
		bias    bool
		in      []int
	}{
		{"k3p1", 4, 3, 1, true, []int{8, 5, 6}},
		{"k3p0", 3, 3, 0, false, []int{9, 5, 4}},
		{"k5p2", 3, 5, 2, true, []int{8, 5, 5}},
		{"k2p1", 2, 2, 1, true, []int{8, 3, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := NewConv2D("conv", tc.outC, tc.k, 1, tc.pad, tc.bias)
			runGradCheck(t, gradCase{layer: l, in: tc.in, n: 3, train: true})
			if !l.useShift() {
				t.Error("the shifted path was not used")
			}
		})
	}
}

// TestGradConv2DWinograd checks the Winograd path (forced, since these
// small shapes would not choose it), on even and odd maps.
func TestGradConv2DWinograd(t *testing.T) {
	convPath = "wino"
	defer func() { convPath = "" }()
	for _, tc := range []struct {
		name string
		outC int
		bias bool
		in   []int
	}{
		{"even", 4, true, []int{3, 4, 6}},
		{"odd", 3, false, []int{5, 5, 3}},
		{"1x1map", 2, true, []int{4, 1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := NewConv2D("conv", tc.outC, 3, 1, 1, tc.bias)
			runGradCheck(t, gradCase{layer: l, in: tc.in, n: 3, train: true})
			if !l.useWino() {
				t.Error("the Winograd path was not used")
			}
		})
	}
}

package models

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	_ "github.com/actbench/actbench/activations"
	"github.com/actbench/actbench/kernels/gemm"
	"github.com/actbench/actbench/layers"
	"gorgonia.org/tensor"
)

var cifar = []int{3, 32, 32}

func randomBatch(n int, shape []int, seed uint64) *tensor.Dense {
	r := rand.New(rand.NewPCG(seed, 7))
	size := n
	for _, d := range shape {
		size *= d
	}
	x := make([]float32, size)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return tensor.New(tensor.WithBacking(x), tensor.WithShape(append([]int{n}, shape...)...))
}

// TestZooShapesCountsAndOneStep builds every model, checks its output shape,
// parameter counts against the published (PyTorch) figures, and runs one
// training step at batch 2: the loss is finite, every trainable parameter
// that should get a gradient gets a finite one, and an SGD step lowers the
// loss on the same batch.
func TestZooShapesCountsAndOneStep(t *testing.T) {
	cases := []struct {
		spec   string
		in     []int
		params int // PyTorch's parameter count (weights, biases, norm scale/shift), 10 classes
		acts   int // activation sites
	}{
		{"simplecnn", cifar, 2168362, 5},
		// The common PyTorch CIFAR VGG-bn (conv bias + BN, linear 512->10) has
		// 9,231,114 (VGG-11) and 14,728,266 (VGG-16) parameters; ours drops the
		// conv biases that BN makes redundant (2,752 and 4,224) and adds the
		// dense(512) of the classifier (262,656).
		{"vgg11", cifar, 9231114 - 2752 + 262656, 9},
		{"vgg16", cifar, 14728266 - 4224 + 262656, 14},
		{"vgg19(bn=false)", cifar, 20035018 - 2*5504 + 262656, 17}, // no norm scale/shift (5,504 per BN set) but conv biases (same count)
		{"resnet20", cifar, 269722, 19},
		{"resnet32", cifar, 464154, 31},
		{"resnet56", cifar, 853018, 55},
		{"resnet18", cifar, 11173962, 17},
		{"mlp", cifar, 3072*512 + 512 + 512*512 + 512 + 5130, 2},
		{"mlp(depth=1,hidden=64)", []int{1, 28, 28}, 784*64 + 64 + 650, 1},
	}
	for _, c := range cases {
		t.Run(c.spec, func(t *testing.T) {
			m, err := New(c.spec, zooAct, c.in, 10)
			if err != nil {
				t.Fatal(err)
			}
			m.Init(1)
			counts := m.Counts()
			if c.spec == "vgg19(bn=false)" {
				// without BN: conv biases replace the norm shift, no scale.
				c.params = 20035018 - 2*5504 + 5504 + 262656
			}
			if counts.Params != c.params {
				t.Errorf("params = %d, want %d", counts.Params, c.params)
			}
			if len(m.Activations()) != c.acts {
				t.Errorf("%d activation sites, want %d", len(m.Activations()), c.acts)
			}
			if counts.ActParams != c.acts { // prelu: one shared slope per site
				t.Errorf("activation params = %d, want %d (one per site)", counts.ActParams, c.acts)
			}
			if m.FLOPs() <= 0 {
				t.Errorf("FLOPs = %d", m.FLOPs())
			}
			x := randomBatch(2, c.in, 1)
			labels := []int32{3, 8}
			var loss layers.SoftmaxCrossEntropy
			out := m.Forward(x, true)
			if s := out.Shape(); len(s) != 2 || s[0] != 2 || s[1] != 10 {
				t.Fatalf("output shape %v, want [2 10]", s)
			}
			m.ZeroGrad()
			l0 := loss.Forward(out, labels)
			if math.IsNaN(l0) || math.IsInf(l0, 0) {
				t.Fatalf("loss %v", l0)
			}
			m.Backward(loss.Backward())
			for _, p := range m.Params() {
				if p.Grad == nil {
					continue
				}
				nonzero := false
				for _, g := range p.Grad.Float32s() {
					if math.IsNaN(float64(g)) || math.IsInf(float64(g), 0) {
						t.Fatalf("%s: non-finite gradient", p.Name)
					}
					nonzero = nonzero || g != 0
				}
				if !nonzero && p.Kind == layers.Weight {
					t.Errorf("%s: zero gradient", p.Name)
				}
			}
			// One SGD step in eval mode (deterministic: no dropout, running stats
			// untouched by the check) must lower the loss on this batch.
			evalLoss := func() float64 { return loss.Forward(m.Forward(x, false), labels) }
			m.ZeroGrad()
			before := evalLoss()
			m.Backward(loss.Backward())
			for _, p := range m.Params() {
				if p.Grad == nil {
					continue
				}
				w, g := p.Value.Float32s(), p.Grad.Float32s()
				for i := range w {
					w[i] -= 1e-3 * g[i]
				}
			}
			if after := evalLoss(); !(after < before) {
				t.Errorf("an SGD step did not lower the loss: %g -> %g", before, after)
			}
		})
	}
}

func TestSameSeedSameWeightsAcrossActivations(t *testing.T) {
	a, err := New("simplecnn", "relu", cifar, 10)
	if err != nil {
		t.Fatal(err)
	}
	b, err := New("simplecnn", "pvlu(a=0.2,b=1.5)", cifar, 10)
	if err != nil {
		t.Fatal(err)
	}
	a.Init(42)
	b.Init(42)
	weights := func(m *Model) map[string][]float32 {
		w := map[string][]float32{}
		for _, p := range m.Params() {
			if p.Kind != layers.ActivationParam {
				w[p.Name] = append([]float32(nil), p.Value.Float32s()...)
			}
		}
		return w
	}
	if !reflect.DeepEqual(weights(a), weights(b)) {
		t.Fatal("same seed, different activation: weights differ")
	}
	c, err := New("simplecnn", "relu", cifar, 10)
	if err != nil {
		t.Fatal(err)
	}
	c.Init(43)
	if reflect.DeepEqual(weights(a), weights(c)) {
		t.Fatal("different seeds gave the same weights")
	}
	// Dropout masks: in every training forward of the two models (and
	// through a second one, as training goes on), every dropout layer drops
	// the same units; another seed drops others. A mask is read back as
	// the dropout layer's input gradient for an output gradient of ones.
	x := randomBatch(2, cifar, 3)
	for step := range 2 {
		ma, mb, mc := dropoutMasks(t, a, x), dropoutMasks(t, b, x), dropoutMasks(t, c, x)
		if len(ma) != 3 {
			t.Fatalf("step %d: %d dropout masks, want simplecnn's 3", step, len(ma))
		}
		for name, m := range ma {
			kept := 0
			for _, v := range m {
				if v != 0 {
					kept++
				}
			}
			if kept == 0 || kept == len(m) {
				t.Fatalf("step %d: %s keeps %d of %d units: not a mask that can tell seeds apart", step, name, kept, len(m))
			}
			if !reflect.DeepEqual(m, mb[name]) {
				t.Errorf("step %d: %s: same seed, different activation: different dropout masks", step, name)
			}
			if reflect.DeepEqual(m, mc[name]) {
				t.Errorf("step %d: %s: different seeds gave the same dropout mask", step, name)
			}
		}
	}
	sa, _ := a.RNGState()
	sb, _ := b.RNGState()
	if !reflect.DeepEqual(sa, sb) {
		t.Fatal("generator states differ after one training step")
	}
	for _, name := range []string{"drop1", "drop2", "drop3"} {
		if _, ok := sa[name]; !ok {
			t.Errorf("no generator state saved for %s", name)
		}
	}
}

// dropoutMasks runs one training forward of m on x and returns the mask
// every dropout layer drew, by layer name. The layers' shapes come from an
// inference pass through the leaves in order (simplecnn is a plain chain),
// which draws no random numbers.
func dropoutMasks(t *testing.T, m *Model, x *tensor.Dense) map[string][]float32 {
	t.Helper()
	shapes := map[string][]int{}
	h := x
	for _, l := range m.Layers() {
		h = l.Forward(h, false)
		if _, ok := l.(*layers.Dropout); ok {
			shapes[l.Name()] = append([]int(nil), h.Shape()...)
		}
	}
	m.Forward(x, true)
	masks := map[string][]float32{}
	for _, l := range m.Layers() {
		if shape, ok := shapes[l.Name()]; ok {
			ones := tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Float32))
			for i := range ones.Float32s() {
				ones.Float32s()[i] = 1
			}
			masks[l.Name()] = append([]float32(nil), l.Backward(ones).Float32s()...)
		}
	}
	return masks
}

func TestRNGStateRestoresDropoutMasks(t *testing.T) {
	m, err := New("simplecnn", "relu", cifar, 10)
	if err != nil {
		t.Fatal(err)
	}
	m.Init(5)
	x := randomBatch(2, cifar, 9)
	m.Forward(x, true)
	saved, err := m.RNGState()
	if err != nil {
		t.Fatal(err)
	}
	first := append([]float32(nil), m.Forward(x, true).Float32s()...)
	if err := m.SetRNGState(saved); err != nil {
		t.Fatal(err)
	}
	again := m.Forward(x, true).Float32s()
	if !reflect.DeepEqual(first, again) {
		t.Fatal("restoring the generator state did not reproduce the dropout masks")
	}
}

func TestSwapReluToPVLUZeroKeepsOutputs(t *testing.T) {
	for _, spec := range []string{"simplecnn", "resnet20", "mlp"} {
		m, err := New(spec, "relu", cifar, 10)
		if err != nil {
			t.Fatal(err)
		}
		m.Init(3)
		x := randomBatch(3, cifar, 4)
		before := append([]float32(nil), m.Forward(x, false).Float32s()...)
		nBefore := m.Counts().ActParams
		if err := m.SwapActivations("pvlu(a=0,b=1)"); err != nil {
			t.Fatal(err)
		}
		after := m.Forward(x, false).Float32s()
		if !reflect.DeepEqual(before, after) {
			t.Errorf("%s: relu -> pvlu(a=0) changed the outputs", spec)
		}
		if got := m.Counts().ActParams; got != nBefore+2*len(m.Activations()) {
			t.Errorf("%s: %d activation params after the swap, want %d", spec, got, nBefore+2*len(m.Activations()))
		}
		if m.Act() != "pvlu(a=0,b=1)" {
			t.Errorf("Act() = %q", m.Act())
		}
		if err := m.SwapActivations("nosuchact"); err == nil {
			t.Errorf("swap to an unknown activation accepted")
		}
	}
}

func TestShortcutA(t *testing.T) {
	l := NewShortcutA("sc", 4, 2)
	out, err := l.Setup([]int{2, 3, 3})
	if err != nil || !reflect.DeepEqual(out, []int{4, 2, 2}) {
		t.Fatalf("Setup: %v %v", out, err)
	}
	x := make([]float32, 18)
	for i := range x {
		x[i] = float32(i + 1)
	}
	y := l.Forward(tensor.New(tensor.WithBacking(x), tensor.WithShape(1, 2, 3, 3)), true).Float32s()
	want := []float32{0, 0, 0, 0, 1, 3, 7, 9, 10, 12, 16, 18, 0, 0, 0, 0}
	if !reflect.DeepEqual(y, want) {
		t.Fatalf("forward %v, want %v", y, want)
	}
	dy := make([]float32, 16)
	for i := range dy {
		dy[i] = float32(i)
	}
	dx := l.Backward(tensor.New(tensor.WithBacking(dy), tensor.WithShape(1, 4, 2, 2))).Float32s()
	wantDx := []float32{4, 0, 5, 0, 0, 0, 6, 0, 7, 8, 0, 9, 0, 0, 0, 10, 0, 11}
	if !reflect.DeepEqual(dx, wantDx) {
		t.Fatalf("backward %v, want %v", dx, wantDx)
	}
	if _, err := NewShortcutA("sc", 3, 2).Setup([]int{2, 4, 4}); err == nil {
		t.Error("odd channel increase accepted")
	}
}

func TestSpecsAndErrors(t *testing.T) {
	m, err := New(" VGG11( bn = FALSE ) ", "relu", cifar, 100)
	if err != nil {
		t.Fatal(err)
	}
	if m.Spec != "vgg11(bn=false)" {
		t.Errorf("canonical spec %q", m.Spec)
	}
	if m, _ := New("vgg11(bn=true)", "relu", cifar, 10); m.Spec != "vgg11" {
		t.Errorf("canonical spec %q, want vgg11", m.Spec)
	}
	for _, c := range []struct{ spec, act, want string }{
		{"vgg12", "relu", "unknown model"},
		{"vgg11(bn=maybe)", "relu", "true or false"},
		{"vgg11(depth=3)", "relu", "unknown option"},
		{"simplecnn(x=1)", "relu", "takes no options"},
		{"mlp(depth=0)", "relu", ">= 1"},
		{"simplecnn", "nosuch", "activation"},
		{"vgg11", "relu", "does not fit"}, // on MNIST shape below
	} {
		in := cifar
		if c.want == "does not fit" {
			in = []int{1, 28, 28}
		}
		_, err := New(c.spec, c.act, in, 10)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%q, %q): error %v, want one containing %q", c.spec, c.act, err, c.want)
		}
	}
	if _, err := New("simplecnn", "relu", cifar, 1); err == nil {
		t.Error("1 class accepted")
	}
	if c, err := Canonical("VGG16(bn=true)"); c != "vgg16" || err != nil {
		t.Errorf("Canonical: %q %v", c, err)
	}
	if _, err := Canonical("vgg16(bn=2)"); err == nil {
		t.Error("Canonical accepted bn=2")
	}
	if len(Names()) != 9 || Summary("vgg16") == "" || Summary("nope") != "" {
		t.Errorf("Names %v", Names())
	}
}

// zooAct is the activation of the zoo test: trainable, one value per site.
var zooAct = "prelu"

// TestHeadIsTheLastDenseAndOnlyItDependsOnClasses: the classifier head is
// the layer producing the logits, and two models that differ only in their
// class count (a transfer's source and target) get the same weights
// everywhere else from one seed, so only the head needs replacing.
func TestHeadIsTheLastDenseAndOnlyItDependsOnClasses(t *testing.T) {
	for _, tc := range []struct{ spec, head string }{
		{"simplecnn", "fc2"}, {"mlp(hidden=16,depth=2)", "fc3"}, {"resnet20", "fc"}, {"vgg11", "fc2"},
	} {
		a, err := New(tc.spec, "relu", cifar, 100)
		if err != nil {
			t.Fatal(err)
		}
		b, err := New(tc.spec, "pvlu", cifar, 10)
		if err != nil {
			t.Fatal(err)
		}
		a.Init(5)
		b.Init(5)
		if a.Head() == nil || a.Head().Name() != tc.head {
			t.Fatalf("%s: head %v, want %s", tc.spec, a.Head(), tc.head)
		}
		hp := b.HeadParams()
		if len(hp) != 2 || hp[0].Name != tc.head+".weight" || hp[0].Value.Shape()[0] != 10 || hp[1].Value.Shape()[0] != 10 {
			t.Fatalf("%s: head params %v", tc.spec, hp)
		}
		bw := map[string][]float32{}
		for _, p := range b.Params() {
			bw[p.Name] = p.Value.Float32s()
		}
		for _, p := range a.Params() {
			if p.Kind == layers.ActivationParam || strings.HasPrefix(p.Name, tc.head+".") {
				continue
			}
			if !reflect.DeepEqual(p.Value.Float32s(), bw[p.Name]) {
				t.Errorf("%s: %s differs between 100 and 10 classes", tc.spec, p.Name)
			}
		}
	}
}

// TestInitWithHeNormal: under he-normal two activations of one seed still
// share every weight; the convolutions (and only they) differ from the
// default scheme, their biases (VGG without batch norm has some) are 0,
// batch norm starts at 1/0 and the dense layers keep the default draws.
func TestInitWithHeNormal(t *testing.T) {
	build := func(act string, s layers.InitScheme) map[string][]float32 {
		m, err := New("vgg11(bn=false)", act, cifar, 10)
		if err != nil {
			t.Fatal(err)
		}
		m.InitWith(5, s)
		w := map[string][]float32{}
		for _, p := range m.Params() {
			if p.Kind != layers.ActivationParam {
				w[p.Name] = append([]float32(nil), p.Value.Float32s()...)
			}
		}
		return w
	}
	he, he2, def := build("relu", layers.InitHeNormal), build("pvlu(a=0.2,b=1.5)", layers.InitHeNormal), build("relu", layers.InitDefault)
	if !reflect.DeepEqual(he, he2) {
		t.Fatal("he-normal: same seed, different activation: weights differ")
	}
	for name, w := range he {
		switch {
		case strings.HasPrefix(name, "conv") && strings.HasSuffix(name, ".weight"):
			if reflect.DeepEqual(w, def[name]) {
				t.Errorf("%s: he-normal equals the default draws", name)
			}
		case strings.HasPrefix(name, "conv") && strings.HasSuffix(name, ".bias"):
			for _, v := range w {
				if v != 0 {
					t.Fatalf("%s: he-normal conv bias %g, want 0", name, v)
				}
			}
		case strings.HasPrefix(name, "fc"):
			if !reflect.DeepEqual(w, def[name]) {
				t.Errorf("%s: dense layers must keep the default draws under he-normal", name)
			}
		}
	}
	bn, err := New("resnet20", "relu", cifar, 10)
	if err != nil {
		t.Fatal(err)
	}
	bn.InitWith(5, layers.InitHeNormal)
	for _, p := range bn.Params() {
		if p.Name == "bn1.weight" || p.Name == "bn1.bias" {
			want := float32(1)
			if p.Name == "bn1.bias" {
				want = 0
			}
			for _, v := range p.Value.Float32s() {
				if v != want {
					t.Fatalf("%s = %g under he-normal, want %g", p.Name, v, want)
				}
			}
		}
	}
}

// TestShortcutASplit checks ShortcutA over a batch large enough to be split
// across threads (uneven parts) against the definition, element by element.
func TestShortcutASplit(t *testing.T) {
	old := gemm.Threads()
	defer gemm.SetThreads(old)
	gemm.SetThreads(3)
	const n, c, h, w, outC = 8, 16, 32, 32, 32 // output 65,536 floats: split
	l := NewShortcutA("sc", outC, 2)
	if _, err := l.Setup([]int{c, h, w}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, n*c*h*w)
	for i := range x {
		x[i] = rng.Float32() + 0.5 // never zero
	}
	dy := make([]float32, n*outC*16*16)
	for i := range dy {
		dy[i] = rng.Float32() + 0.5
	}
	y := l.Forward(tensor.New(tensor.WithBacking(x), tensor.WithShape(n, c, h, w)), true).Float32s()
	for i := range n {
		for o := range outC {
			for yy := range 16 {
				for xx := range 16 {
					want := float32(0)
					if ic := o - (outC-c)/2; ic >= 0 && ic < c {
						want = x[((i*c+ic)*h+2*yy)*w+2*xx]
					}
					if got := y[((i*outC+o)*16+yy)*16+xx]; got != want {
						t.Fatalf("y[%d,%d,%d,%d] = %g, want %g", i, o, yy, xx, got, want)
					}
				}
			}
		}
	}
	dx := l.Backward(tensor.New(tensor.WithBacking(dy), tensor.WithShape(n, outC, 16, 16))).Float32s()
	for i := range n {
		for ic := range c {
			for yy := range h {
				for xx := range w {
					want := float32(0)
					if yy%2 == 0 && xx%2 == 0 {
						want = dy[((i*outC+ic+(outC-c)/2)*16+yy/2)*16+xx/2]
					}
					if got := dx[((i*c+ic)*h+yy)*w+xx]; got != want {
						t.Fatalf("dx[%d,%d,%d,%d] = %g, want %g", i, ic, yy, xx, got, want)
					}
				}
			}
		}
	}
}

// TestActElements checks the activation values per image against the
// architectures written out: the MLP's hidden units, and ResNet-20's
// sites (stem, then per stage 3 blocks of two sites, at 16x32x32,
// 32x16x16 and 64x8x8).
func TestActElements(t *testing.T) {
	for _, c := range []struct {
		spec string
		in   []int
		want int64
	}{
		{"mlp(depth=1,hidden=64)", []int{1, 28, 28}, 64},
		{"mlp", []int{3, 32, 32}, 2 * 512},
		{"resnet20", []int{3, 32, 32}, 16*32*32 + 6*16*32*32 + 6*32*16*16 + 6*64*8*8},
	} {
		m, err := New(c.spec, zooAct, c.in, 10)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.ActElements(); got != c.want {
			t.Errorf("%s: %d activation values per image, want %d", c.spec, got, c.want)
		}
	}
}

package layers

import (
	"math/rand/v2"
	"testing"

	_ "github.com/actbench/actbench/activations"
)

// Tests with the project's own activations (relu, pvlu) from the registry.

func TestGradActivationRegistry(t *testing.T) {
	for _, spec := range []string{"relu", "pvlu(a=0.3, b=2)", "pvlu(a=0.2, b=1.5, per=channel)", "prelu"} {
		t.Run(spec, func(t *testing.T) {
			runGradCheck(t, gradCase{layer: mustAct(t, "act", spec), in: []int{3, 4, 4}, n: 2, train: true})
			runGradCheck(t, gradCase{layer: mustAct(t, "act", spec), in: []int{6}, n: 3, train: true})
		})
	}
}

// TestGradNetworkPVLU is the end-to-end check with a registry activation:
// conv-bn-silu-maxpool-conv-bn-pvlu-flatten-dense-bn-gelu-dense and
// cross-entropy. Kinks (PVLU's max(0,x), max-pool switches) are kept few so
// that most coordinates are checkable; the all-kinks ReLU is checked per
// layer above.
func TestGradNetworkPVLU(t *testing.T) {
	convPath = "shift"
	defer func() { convPath = "" }()
	net := NewSequential("net",
		NewConv2D("conv1", 8, 3, 1, 1, true),
		NewBatchNorm("bn1", 0.1, 1e-5),
		mustAct(t, "act1", "silu"),
		NewMaxPool2D("pool1", 2, 2),
		NewConv2D("conv2", 8, 3, 1, 1, false), // forced onto the shifted path below
		NewBatchNorm("bn2", 0.1, 1e-5),
		mustAct(t, "act2", "pvlu(a=0.2, b=1.5, per=channel)"),
		NewFlatten("flat"),
		NewDense("fc1", 5, true),
		NewBatchNorm("bn3", 0.1, 1e-5),
		mustAct(t, "act3", "gelu"),
		NewDense("fc2", 3, true),
	)
	in := []int{2, 6, 6}
	if _, err := net.Setup(in); err != nil {
		t.Fatal(err)
	}
	initLayers(net, 5)
	n := 4
	rng := rand.New(rand.NewPCG(2, 9))
	xs := make([]float32, n*prod(in))
	for i := range xs {
		xs[i] = float32(rng.NormFloat64())
	}
	x := newTensor(xs, append([]int{n}, in...)...)
	labels := []int32{2, 0, 1, 1}
	ce := &SoftmaxCrossEntropy{}
	loss := func() float64 { return ce.Forward(net.Forward(x, true), labels) }
	params := net.Params()
	zeroGrads(params)
	loss()
	dx := append([]float32(nil), f32(net.Backward(ce.Backward()))...)
	checkCoords(t, "input", xs, dx, loss)
	for _, p := range params {
		if p.Grad != nil {
			g := append([]float32(nil), f32(p.Grad)...)
			checkCoords(t, p.Name, f32(p.Value), g, loss)
		}
	}
}

func TestDeadFractionReLU(t *testing.T) {
	a := mustAct(t, "act", "relu")
	a.Setup([]int{3, 2, 2})
	x := []float32{
		-1, -2, -3, -4, 1, -1, -1, -1, 0, 0, 0, 0, // image 0: channel 0 dead, 1 alive, 2 zero
		-1, -2, -3, -4, -1, -1, -1, -1, 0, 0, 0, 0, // image 1
	}
	a.Forward(newTensor(x, 2, 3, 2, 2), true)
	if got := a.DeadFraction(); got != 2.0/3 {
		t.Errorf("DeadFraction = %g, want 2/3 (a zero input has derivative 0, as in PyTorch)", got)
	}
}

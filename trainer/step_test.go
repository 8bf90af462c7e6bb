package trainer

import (
	"math/rand/v2"
	"testing"

	"github.com/actbench/actbench/kernels/gemm"
	"github.com/actbench/actbench/layers"
	"github.com/actbench/actbench/models"
	"gorgonia.org/tensor"
)

// stepper is one training step of a model outside Run: what Run does per
// batch (zero grads, forward, loss, backward, optimiser step, top-k).
type stepper struct {
	m      *models.Model
	opt    *optimizer
	loss   layers.SoftmaxCrossEntropy
	x      *tensor.Dense
	labels []int32
}

func newStepper(tb testing.TB, model, act string, batch int, in []int, classes int) *stepper {
	return newStepperOpt(tb, model, act, batch, in, classes, Config{Optimizer: "adam"})
}

// newStepperOpt is newStepper with the optimiser settings of opt (Model and
// Data are filled in).
func newStepperOpt(tb testing.TB, model, act string, batch int, in []int, classes int, opt Config) *stepper {
	m, err := models.New(model, act, in, classes)
	if err != nil {
		tb.Fatal(err)
	}
	m.Init(1)
	opt.Model, opt.Data = model, "x"
	cfg, err := opt.Resolve()
	if err != nil {
		tb.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, batch*in[0]*in[1]*in[2])
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	labels := make([]int32, batch)
	for i := range labels {
		labels[i] = int32(r.IntN(classes))
	}
	return &stepper{m: m, opt: newOptimizer(cfg, m.Params()), labels: labels,
		x: tensor.New(tensor.WithBacking(x), tensor.WithShape(append([]int{batch}, in...)...))}
}

func (s *stepper) step() float64 {
	s.m.ZeroGrad()
	logits := s.m.Forward(s.x, true)
	l := s.loss.Forward(logits, s.labels)
	s.m.Backward(s.loss.Backward())
	s.opt.Step(1e-3)
	topK(logits, s.labels)
	return l
}

// TestTrainStepAllocatesNothing: once warm, a training step of the simple
// CNN (the per-batch work of Run) does not allocate. The gonum fallback is
// exempt: gonum's own Sgemm allocates per call (sgemmParallel).
func TestTrainStepAllocatesNothing(t *testing.T) {
	if gemm.Backend() == "gonum" {
		t.Skip("gonum's Sgemm allocates per call; checked on the SIMD backends")
	}
	for _, act := range []string{"relu", "pvlu(a=0.1,b=1)"} {
		s := newStepper(t, "simplecnn", act, 4, []int{3, 32, 32}, 10)
		s.step()
		if n := testing.AllocsPerRun(3, func() { s.step() }); n != 0 {
			t.Errorf("%s: %v allocations per training step", act, n)
		}
	}
}

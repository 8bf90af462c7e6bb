package trainer

import (
	"math"
	"testing"

	"github.com/actbench/actbench/layers"
	"gorgonia.org/tensor"
)

func testParam(name string, kind layers.ParamKind, w float32) *layers.Param {
	return &layers.Param{
		Name:  name,
		Kind:  kind,
		Value: tensor.New(tensor.WithBacking([]float32{w}), tensor.WithShape(1)),
		Grad:  tensor.New(tensor.WithBacking([]float32{0}), tensor.WithShape(1)),
	}
}

// runSteps applies the optimiser of cfg to a weight and a norm parameter
// (both starting at 1) with the given gradient sequence, returning their
// values after each step.
func runSteps(t *testing.T, cfg Config, grads []float32) (weight, norm []float64) {
	t.Helper()
	cfg.Model, cfg.Data = "x", "x"
	cfg, err := cfg.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	pw := testParam("w", layers.Weight, 1)
	pn := testParam("n", layers.Norm, 1)
	buf := &layers.Param{Name: "buf", Kind: layers.Buffer, Value: tensor.New(tensor.WithBacking([]float32{7}), tensor.WithShape(1))}
	o := newOptimizer(cfg, []*layers.Param{pw, pn, buf})
	for _, g := range grads {
		pw.Grad.Float32s()[0] = g
		pn.Grad.Float32s()[0] = g
		o.Step(cfg.LR)
		weight = append(weight, float64(pw.Value.Float32s()[0]))
		norm = append(norm, float64(pn.Value.Float32s()[0]))
	}
	if buf.Value.Float32s()[0] != 7 {
		t.Errorf("optimizer changed a buffer")
	}
	return weight, norm
}

func near(t *testing.T, what string, got []float64, want ...float64) {
	t.Helper()
	for i := range want {
		if math.Abs(got[i]-want[i]) > 2e-6 {
			t.Errorf("%s step %d: got %.9g, want %.9g (hand-computed)", what, i+1, got[i], want[i])
		}
	}
}

func TestOptimizersAgainstHandComputedValues(t *testing.T) {
	grads := []float32{0.5, -0.25}
	// SGD lr 0.1: w -= 0.1*g.
	w, _ := runSteps(t, Config{Optimizer: "sgd", LR: 0.1}, grads)
	near(t, "sgd", w, 0.95, 0.975)
	// SGD momentum 0.9, wd 0.01 (weight decayed, norm not):
	// step 1: d = 0.5 + 0.01*1 = 0.51, buf = 0.51, w = 1 - 0.051 = 0.949
	// step 2: d = -0.25 + 0.00949 = -0.24051, buf = 0.459 - 0.24051 = 0.21849, w = 0.949 - 0.021849 = 0.927151
	w, n := runSteps(t, Config{Optimizer: "sgd", LR: 0.1, Momentum: 0.9, WeightDecay: 0.01}, grads)
	near(t, "sgd momentum", w, 0.949, 0.927151)
	// norm: buf 0.5, w 0.95; buf 0.45-0.25 = 0.2, w 0.93
	near(t, "sgd momentum (norm, no decay)", n, 0.95, 0.93)
	// Nesterov: step 1: d = 0.51 + 0.9*0.51 = 0.969, w = 0.9031
	// step 2: d = -0.25 + 0.009031 = -0.240969, buf = 0.459 - 0.240969 = 0.218031,
	// d' = -0.240969 + 0.9*0.218031 = -0.0447411, w = 0.9031 + 0.00447411 = 0.90757411
	w, _ = runSteps(t, Config{Optimizer: "sgd", LR: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 0.01}, grads)
	near(t, "sgd nesterov", w, 0.9031, 0.90757411)
	// Adam lr 0.1: the first step moves by lr (m/sqrt(v) = sign g after bias correction).
	w, _ = runSteps(t, Config{Optimizer: "adam", LR: 0.1}, grads)
	near(t, "adam", w, 0.900000002, 0.8733662987078463)
	// Adam with L2 0.1 on the gradient; the norm parameter is not decayed.
	w, n = runSteps(t, Config{Optimizer: "adam", LR: 0.1, WeightDecay: 0.1}, grads)
	near(t, "adam l2", w, 0.9000000016666666, 0.8544413674617625)
	near(t, "adam l2 (norm)", n, 0.900000002, 0.8733662987078463)
	// AdamW: w *= 1 - lr*wd before the Adam step.
	w, n = runSteps(t, Config{Optimizer: "adamw", LR: 0.1, WeightDecay: 0.1}, grads)
	near(t, "adamw", w, 0.890000002, 0.8544662986878463)
	near(t, "adamw (norm)", n, 0.900000002, 0.8733662987078463)
	// An empty exclusion list decays norm parameters too.
	_, n = runSteps(t, Config{Optimizer: "adamw", LR: 0.1, WeightDecay: 0.1, DecayExclude: []string{}}, grads)
	near(t, "adamw (norm decayed)", n, 0.890000002, 0.8544662986878463)
}

func TestScheduleShapes(t *testing.T) {
	const ipe, epochs = 10, 4
	at := func(s Schedule, it int) float64 {
		s, err := s.resolve()
		if err != nil {
			t.Fatal(err)
		}
		return lrAt(s, 1, it, ipe, epochs)
	}
	if got := at(Schedule{}, 25); got != 1 {
		t.Errorf("constant: %g", got)
	}
	step := Schedule{Kind: "step", Milestones: []int{1, 3}}
	for it, want := range map[int]float64{0: 1, 9: 1, 10: 0.1, 29: 0.1, 30: 0.1 * 0.1} {
		if got := at(step, it); math.Abs(got-want) > 1e-12 {
			t.Errorf("step it %d: got %g want %g", it, got, want)
		}
	}
	cos := Schedule{Kind: "cosine", MinLR: 0.1}
	if got := at(cos, 0); got != 1 {
		t.Errorf("cosine start %g", got)
	}
	// PyTorch's CosineAnnealingLR with T_max = 40 iterations: the last
	// iteration (39) is at T_cur = 39, one step short of MinLR.
	cosAt := func(lo, tcur, tmax float64) float64 { return lo + (1-lo)*(1+math.Cos(math.Pi*tcur/tmax))/2 }
	for it, want := range map[int]float64{20: 0.55, 39: cosAt(0.1, 39, 40)} {
		if got := at(cos, it); math.Abs(got-want) > 1e-12 {
			t.Errorf("cosine it %d: got %.15g want %.15g", it, got, want)
		}
	}
	if got := at(cos, 39); got <= 0.1 {
		t.Errorf("cosine reaches MinLR within the run: it 39 = %g", got)
	}
	// warm-up over 1 epoch: it 0 -> 0.1, it 9 -> 1, then cosine from 1 over
	// the remaining 30 iterations (T_max = 30).
	warm := Schedule{Kind: "cosine", WarmupEpochs: 1}
	for it, want := range map[int]float64{0: 0.1, 4: 0.5, 9: 1, 10: 1, 25: 0.5, 39: cosAt(0, 29, 30)} {
		if got := at(warm, it); math.Abs(got-want) > 1e-12 {
			t.Errorf("warm-up cosine it %d: got %g want %g", it, got, want)
		}
	}
	for it := 11; it < 40; it++ {
		if at(warm, it) > at(warm, it-1) {
			t.Errorf("cosine not decreasing at %d", it)
		}
	}
}

func TestResolveRejectsBadConfigs(t *testing.T) {
	for _, c := range []Config{
		{Model: "simplecnn", Data: "cifar10", Optimizer: "rmsprop"},
		{Model: "simplecnn", Data: "cifar10", Selection: "best"},
		{Model: "simplecnn", Data: "cifar10", Selection: "test"},
		{Model: "simplecnn", Data: "cifar10", Optimizer: "adam", Nesterov: true},
		{Model: "simplecnn", Data: "cifar10", DecayExclude: []string{"weights"}},
		{Model: "simplecnn", Data: "cifar10", Schedule: Schedule{Kind: "step", Milestones: []int{3, 2}}},
		{Model: "", Data: "cifar10"},
		{Model: "simplecnn", Data: "cifar10", FineTune: &FineTune{From: "x", Freeze: "last-k"}},
	} {
		if _, err := c.Resolve(); err == nil {
			t.Errorf("Resolve(%+v) accepted a bad config", c)
		}
	}
	c, err := Config{Model: "simplecnn", Data: "cifar10", Validation: 100}.Resolve()
	if err != nil || c.Selection != SelectBest || c.Optimizer != OptAdam || c.LR != 1e-3 || c.Epochs != 10 || c.Batch != 128 {
		t.Errorf("defaults: %+v %v", c, err)
	}
}

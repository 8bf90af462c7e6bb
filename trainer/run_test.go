package trainer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	_ "github.com/actbench/actbench/activations"
	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/layers"
	"gorgonia.org/tensor"
)

// synthSet returns n learnable 3x8x8 images: each class has its own mean
// pattern, plus noise.
func synthSet(n, classes int, seed uint64, split string) *datasets.Set {
	r := rand.New(rand.NewPCG(seed, 99))
	pat := rand.New(rand.NewPCG(1234, 5))
	const c, h, w = 3, 8, 8
	patterns := make([][]float64, classes)
	for k := range patterns {
		patterns[k] = make([]float64, c*h*w)
		for i := range patterns[k] {
			patterns[k][i] = 64 + 128*pat.Float64()
		}
	}
	s := &datasets.Set{Name: "synth", Split: split, C: c, H: h, W: w, Classes: classes,
		Pixels: make([]uint8, n*c*h*w), Labels: make([]int32, n)}
	for i := range n {
		k := i % classes
		s.Labels[i] = int32(k)
		for j, m := range patterns[k] {
			s.Pixels[i*c*h*w+j] = uint8(max(0, min(255, m+40*r.NormFloat64())))
		}
	}
	for k := range classes {
		s.ClassNames = append(s.ClassNames, string(rune('a'+k)))
	}
	return s
}

func synthData(classes int) *Data {
	return &Data{Train: synthSet(160, classes, 1, "train"), Test: synthSet(48, classes, 2, "test")}
}

func baseConfig() Config {
	return Config{
		Model: "simplecnn", Act: "pvlu(a=0.1,b=1)", Data: "synth", Validation: 32,
		Optimizer: "adam", LR: 2e-3, Epochs: 3, Batch: 16, Seed: 7, ProbeSize: 16,
	}
}

// curve strips the timings from a result's epochs, keeping every number
// that must be reproducible.
func curve(r Result) []Epoch {
	var out []Epoch
	for _, e := range r.Epochs {
		e.Seconds, e.TrainSeconds, e.ImagesPerSec = 0, 0, 0
		out = append(out, e)
	}
	return out
}

func checkpointTensors(t *testing.T, path string) map[string][]float32 {
	t.Helper()
	c, err := readCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	return c.tensors
}

func equalBits(a, b map[string][]float32) string {
	if len(a) != len(b) {
		return "different tensor sets"
	}
	for name, va := range a {
		vb, ok := b[name]
		if !ok || len(va) != len(vb) {
			return name + ": missing or different length"
		}
		for i := range va {
			if math.Float32bits(va[i]) != math.Float32bits(vb[i]) {
				return name + ": values differ"
			}
		}
	}
	return ""
}

func TestRunLearnsAndIsBitReproducible(t *testing.T) {
	dir := t.TempDir()
	data := synthData(4)
	var out bytes.Buffer
	run := func(ckpt string, w *bytes.Buffer) Result {
		opts := Options{Data: data, Checkpoint: filepath.Join(dir, ckpt)}
		if w != nil {
			opts.Progress = w
		}
		r, err := Run(context.Background(), baseConfig(), opts)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a := run("a.ckpt", &out)
	b := run("b.ckpt", nil)
	if a.Status != StatusOK || len(a.Epochs) != 3 {
		t.Fatalf("status %s, %d epochs", a.Status, len(a.Epochs))
	}
	if !reflect.DeepEqual(curve(a), curve(b)) {
		t.Fatalf("same config, different curves:\n%+v\n%+v", curve(a), curve(b))
	}
	if d := equalBits(checkpointTensors(t, filepath.Join(dir, "a.ckpt")), checkpointTensors(t, filepath.Join(dir, "b.ckpt"))); d != "" {
		t.Fatalf("same config, different final state: %s", d)
	}
	if !reflect.DeepEqual(a.Test, b.Test) || a.Test == nil || a.SelectedEpoch < 1 {
		t.Fatalf("test metrics %+v vs %+v, selected epoch %d", a.Test, b.Test, a.SelectedEpoch)
	}
	// It learns: 4 separable classes, validation accuracy well above chance.
	if last := a.Epochs[2]; last.Val.Top1 < 0.6 || last.Train.Loss >= a.Epochs[0].Train.Loss {
		t.Errorf("not learning: epoch 1 train loss %.3f, epoch 3 train loss %.3f val top1 %.3f",
			a.Epochs[0].Train.Loss, last.Train.Loss, last.Val.Top1)
	}
	// Records: diagnostics for the 5 activation sites, pvlu parameters a and b.
	e := a.Epochs[0]
	if len(e.Dead) != 5 || len(e.ActParams) != 10 || e.ActParams[0].Param != "a" {
		t.Errorf("diagnostics: %d dead entries, act params %+v", len(e.Dead), e.ActParams)
	}
	if a.Model.ActSites != 5 || a.Model.ActParams != 10 || a.Data.Val != 32 || a.Data.Train != 128 || a.Env.GoVersion == "" {
		t.Errorf("record: %+v %+v %+v", a.Model, a.Data, a.Env)
	}
	if e.Train.Top5 != nil || e.Val.Top5 != nil {
		t.Errorf("top-5 reported for 4 classes")
	}
	// The record holds the canonical spec: every parameter, in declaration
	// order, defaults written out.
	if want := "pvlu(a=0.1, b=1, per=shared, train=true)"; a.Config.Act != want {
		t.Errorf("config act %q, want %q", a.Config.Act, want)
	}
	// Non-interactive progress: exactly one line per epoch.
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "epoch 1/3") || !strings.Contains(lines[2], "val loss") {
		t.Errorf("progress output:\n%s", out.String())
	}
	// A different seed gives a different trial.
	cfg := baseConfig()
	cfg.Seed = 8
	c, err := Run(context.Background(), cfg, Options{Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(curve(a), curve(c)) {
		t.Error("seeds 7 and 8 gave identical curves")
	}
}

func TestInterruptedAndResumedEqualsUninterrupted(t *testing.T) {
	cfg := baseConfig()
	cfg.Validation = 48
	cfg.Optimizer, cfg.LR, cfg.Momentum, cfg.Nesterov, cfg.WeightDecay = "sgd", 0.05, 0.9, true, 5e-4
	cfg.Schedule = Schedule{Kind: "cosine", WarmupEpochs: 0.5}
	cfg.Augment = true
	t.Run("sgd-nesterov-cosine-augment", func(t *testing.T) { testResume(t, cfg) })
	cfg = baseConfig()
	cfg.Validation = 48
	cfg.Optimizer, cfg.WeightDecay, cfg.Act = "adamw", 0.05, "prelu"
	cfg.Schedule = Schedule{Kind: "step", Milestones: []int{2}}
	t.Run("adamw-step-prelu", func(t *testing.T) { testResume(t, cfg) })
}

func testResume(t *testing.T, cfg Config) {
	dir := t.TempDir()
	data := synthData(12) // > 10 classes: top-5 is recorded
	full, err := Run(context.Background(), cfg, Options{Data: data, Checkpoint: filepath.Join(dir, "full.ckpt")})
	if err != nil {
		t.Fatal(err)
	}
	if full.Epochs[0].Val.Top5 == nil || full.Test.Top5 == nil {
		t.Fatal("top-5 missing with 12 classes")
	}
	// Interrupt twice: mid-epoch (epoch 2, after batch 3) and at an epoch end.
	path := filepath.Join(dir, "resumed.ckpt")
	for _, stop := range []Position{{Epochs: 1, Batches: 3}, {Epochs: 2, Batches: 7}} {
		ctx, cancel := context.WithCancel(context.Background())
		opts := Options{Data: data, Checkpoint: path, Resume: true, OnBatch: func(p Position) {
			if p == stop {
				cancel()
			}
		}}
		r, err := Run(ctx, cfg, opts)
		cancel()
		if !errors.Is(err, ErrInterrupted) || !errors.Is(err, context.Canceled) || r.Status != StatusInterrupted {
			t.Fatalf("stop at %+v: status %q, err %v", stop, r.Status, err)
		}
		// Where it stopped is carried, not only written.
		var ie *InterruptedError
		if !errors.As(err, &ie) || ie.At != stop ||
			err.Error() != fmt.Sprintf("trainer: interrupted at epoch %d batch %d: context canceled", stop.Epochs+1, stop.Batches) {
			t.Fatalf("stop at %+v: error %v (%+v)", stop, err, ie)
		}
	}
	resumed, err := Run(context.Background(), cfg, Options{Data: data, Checkpoint: path, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	if resumed.ResumedAt == nil || *resumed.ResumedAt != (Position{Epochs: 2, Batches: 7}) {
		t.Errorf("ResumedAt = %+v", resumed.ResumedAt)
	}
	if !reflect.DeepEqual(curve(full), curve(resumed)) {
		t.Fatalf("curves differ:\nfull    %+v\nresumed %+v", curve(full), curve(resumed))
	}
	if !reflect.DeepEqual(full.Test, resumed.Test) || full.SelectedEpoch != resumed.SelectedEpoch {
		t.Fatalf("test %+v vs %+v", full.Test, resumed.Test)
	}
	if d := equalBits(checkpointTensors(t, filepath.Join(dir, "full.ckpt")), checkpointTensors(t, path)); d != "" {
		t.Fatalf("final state differs: %s", d)
	}
	// Resuming a finished trial returns its result without training.
	again, err := Run(context.Background(), cfg, Options{Data: data, Checkpoint: path, Resume: true})
	if err != nil || !reflect.DeepEqual(curve(again), curve(full)) {
		t.Fatalf("resume of a finished trial: %v", err)
	}
	// A different config refuses the checkpoint.
	cfg.LR = 0.01
	if _, err := Run(context.Background(), cfg, Options{Data: data, Checkpoint: path, Resume: true}); err == nil ||
		!strings.Contains(err.Error(), "differs") {
		t.Fatalf("resume with another config: %v", err)
	}
}

func TestDivergedIsAResult(t *testing.T) {
	cfg := baseConfig()
	cfg.Optimizer, cfg.LR = "sgd", 0.01
	// A sane first epoch, then a learning rate of 1e10 from epoch 2.
	cfg.Schedule = Schedule{Kind: "step", Milestones: []int{1}, Gamma: 1e12}
	var out bytes.Buffer
	r, err := Run(context.Background(), cfg, Options{Data: synthData(4), Progress: &out})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != StatusDiverged || r.Diverged == nil || r.Diverged.Epoch != 2 {
		t.Fatalf("status %q diverged %+v", r.Status, r.Diverged)
	}
	if len(r.Epochs) != 1 || r.SelectedEpoch != 1 || r.Test == nil || math.IsNaN(r.Test.Loss) {
		t.Fatalf("last finite metrics: %d epochs, selected %d, test %+v", len(r.Epochs), r.SelectedEpoch, r.Test)
	}
	if !strings.Contains(out.String(), "diverged") {
		t.Errorf("progress does not say diverged:\n%s", out.String())
	}
}

func TestSwapOnLoadedCheckpointKeepsOutputs(t *testing.T) {
	dir := t.TempDir()
	cfg := baseConfig()
	cfg.Act, cfg.Epochs = "relu", 1
	path := filepath.Join(dir, "relu.ckpt")
	if _, err := Run(context.Background(), cfg, Options{Data: synthData(4), Checkpoint: path}); err != nil {
		t.Fatal(err)
	}
	m, saved, pos, err := LoadModel(path, ModelSelected)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Act != "relu" || pos.Epochs != 1 {
		t.Fatalf("loaded %q at %+v", saved.Act, pos)
	}
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, 5*3*8*8)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	xt := tensor.New(tensor.WithBacking(x), tensor.WithShape(5, 3, 8, 8))
	before := append([]float32(nil), m.Forward(xt, false).Float32s()...)
	if err := m.SwapActivations("pvlu(a=0)"); err != nil {
		t.Fatal(err)
	}
	if after := m.Forward(xt, false).Float32s(); !reflect.DeepEqual(before, after) {
		t.Fatal("relu -> pvlu(a=0) on a loaded checkpoint changed the outputs")
	}
}

func TestFineTuneSwapAndFreezing(t *testing.T) {
	dir := t.TempDir()
	data := synthData(4)
	pre := baseConfig()
	pre.Act, pre.Epochs = "relu", 1
	path := filepath.Join(dir, "pre.ckpt")
	preRes, err := Run(context.Background(), pre, Options{Data: data, Checkpoint: path})
	if err != nil {
		t.Fatal(err)
	}
	preModel, _, _, err := LoadModel(path, ModelSelected)
	if err != nil {
		t.Fatal(err)
	}
	weights := func(ps []*layers.Param) map[string][]float32 {
		w := map[string][]float32{}
		for _, p := range ps {
			if p.Kind != layers.ActivationParam {
				w[p.Name] = append([]float32(nil), p.Value.Float32s()...)
			}
		}
		return w
	}
	preW := weights(preModel.Params())

	ft := Config{Act: "pvlu(a=0,b=1)", Validation: pre.Validation, Optimizer: "adam", LR: 1e-2, Epochs: 1, Batch: 16, Seed: 7,
		ProbeSize: 16, FineTune: &FineTune{From: path, Freeze: FreezeAllButAct}}
	out := filepath.Join(dir, "ft.ckpt")
	r, err := Run(context.Background(), ft, Options{Data: data, Checkpoint: out})
	if err != nil {
		t.Fatal(err)
	}
	if r.Config.Model != "simplecnn" || r.Config.FineTune.FromAct != "relu" || r.Config.FineTune.FromEpochs != 1 {
		t.Errorf("fine-tune record: %+v %+v", r.Config, r.Config.FineTune)
	}
	m, _, _, err := LoadModel(out, ModelLast)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(weights(m.Params()), preW) {
		t.Error("freeze=act changed non-activation parameters")
	}
	moved := false
	for _, p := range r.Epochs[0].ActParams {
		moved = moved || p.Mean != 0 && p.Param == "a"
	}
	if !moved {
		t.Errorf("activation parameters did not train: %+v", r.Epochs[0].ActParams)
	}
	if r.Model.Trainable != r.Model.ActParams || r.Model.ActParams != 10 {
		t.Errorf("freeze=act: %d trainable values, want the %d activation parameters", r.Model.Trainable, r.Model.ActParams)
	}
	// freeze=act with a parameter-free activation trains nothing (the
	// equal-budget control of a protocol): the weights stay.
	ft.Act = "relu"
	r, err = Run(context.Background(), ft, Options{Data: data, Checkpoint: out})
	if err != nil || r.Model.Trainable != 0 {
		t.Fatalf("freeze=act with relu: %v, %d trainable", err, r.Model.Trainable)
	}
	if m, _, _, err = LoadModel(out, ModelLast); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(weights(m.Params()), preW) {
		t.Error("freeze=act with relu changed weights")
	}
	// last-k=1: only fc2 changes.
	ft.FineTune = &FineTune{From: path, Freeze: FreezeAllButK, LastK: 1}
	if _, err := Run(context.Background(), ft, Options{Data: data, Checkpoint: out}); err != nil {
		t.Fatal(err)
	}
	if m, _, _, err = LoadModel(out, ModelLast); err != nil {
		t.Fatal(err)
	}
	for name, w := range weights(m.Params()) {
		same := reflect.DeepEqual(w, preW[name])
		if strings.HasPrefix(name, "fc2.") == same {
			t.Errorf("last-k=1: %s changed = %v", name, !same)
		}
	}
	_ = preRes
}

func TestCheckpointCorruptionAndVersion(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.ckpt")
	h := checkpointHeader{Config: Config{Model: "m"}, Pos: Position{Epochs: 2}}
	if err := writeCheckpoint(path, h, map[string][]float32{"model/w": {1, 2, float32(math.Inf(1))}}, map[string][]int{"model/w": {3}}); err != nil {
		t.Fatal(err)
	}
	c, err := readCheckpoint(path)
	if err != nil || c.Pos.Epochs != 2 || !reflect.DeepEqual(c.tensors["model/w"], []float32{1, 2, float32(math.Inf(1))}) || !reflect.DeepEqual(c.shapes["model/w"], []int{3}) {
		t.Fatalf("round trip: %+v %v", c, err)
	}
	raw, _ := os.ReadFile(path)
	bad := append([]byte(nil), raw...)
	bad[len(bad)-6] ^= 1
	os.WriteFile(path, bad, 0o644)
	if _, err := readCheckpoint(path); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("corrupt file: %v", err)
	}
	bad = append([]byte(nil), raw...)
	bad[8] = 9
	os.WriteFile(path, bad, 0o644)
	if _, err := readCheckpoint(path); err == nil || !strings.Contains(err.Error(), "version 9") {
		t.Errorf("future version: %v", err)
	}
	os.WriteFile(path, []byte("hello world, not a checkpoint"), 0o644)
	if _, err := readCheckpoint(path); err == nil || !strings.Contains(err.Error(), "not an actbench checkpoint") {
		t.Errorf("foreign file: %v", err)
	}
	if _, err := readCheckpoint(filepath.Join(dir, "none")); !errors.Is(err, errNoCheckpoint) {
		t.Errorf("missing file: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.tmp*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

// TestDataRecordNamesTrainAndTestFiles: the result identifies the files of
// both splits it was trained and scored on.
func TestDataRecordNamesTrainAndTestFiles(t *testing.T) {
	data := synthData(4)
	data.Train.SHA256, data.Test.SHA256 = "train-files-sha", "test-files-sha"
	cfg := baseConfig()
	cfg.Epochs = 1
	r, err := Run(context.Background(), cfg, Options{Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if r.Data.SHA256 != "train-files-sha" || r.Data.TestSHA256 != "test-files-sha" {
		t.Errorf("data record sha256 %q, test_sha256 %q: want the train and the test files' checksums", r.Data.SHA256, r.Data.TestSHA256)
	}
}

func TestInteractiveProgressBar(t *testing.T) {
	cfg := baseConfig()
	cfg.Epochs = 1
	var out bytes.Buffer
	if _, err := Run(context.Background(), cfg, Options{Data: synthData(4), Progress: &out, Interactive: true}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "\repoch 1/1 [") || !strings.Contains(s, "ETA") || !strings.Contains(s, "img/s") ||
		!strings.Contains(s, "\r\x1b[Kepoch 1/1  train loss") {
		t.Errorf("progress bar output: %q", s)
	}
}

// TestRealCIFAR10Smoke trains briefly on the real CIFAR-10 when it is
// available (../shared/datasets or $ACTBENCH_DATA) and skips otherwise.
func TestRealCIFAR10Smoke(t *testing.T) {
	train, test, err := datasets.Load("cifar10", "")
	if err != nil {
		if datasets.IsNotFound(err) {
			t.Skipf("CIFAR-10 not available: %v", err)
		}
		t.Fatal(err)
	}
	cfg := Config{Model: "mlp(hidden=64,depth=1)", Act: "relu", Data: "cifar10", Validation: 200, Subset: 1000,
		Epochs: 2, Batch: 100, Seed: 1, Optimizer: "adam", LR: 1e-3}
	r, err := Run(context.Background(), cfg, Options{Data: &Data{Train: train, Test: test}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Data.Train != 1000 || r.Data.Val != 200 || r.Data.Test != test.Len() || r.Data.SHA256 == "" || r.Data.TestSHA256 != test.SHA256 || r.Data.Classes != 10 {
		t.Errorf("data record %+v", r.Data)
	}
	// Above chance (10 %) after two epochs on 1,000 images.
	if r.Test == nil || r.Test.Top1 < 0.15 {
		t.Errorf("test top-1 %+v after 2 epochs", r.Test)
	}
}

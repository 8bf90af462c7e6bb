package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/report"
	"github.com/actbench/actbench/trainer"
)

// TestEndToEndWithTheRealTrainer runs a tiny grid through the real trainer
// on an MNIST subset (always available through the GoMNIST module), then
// interrupts and resumes it, and reports on it.
func TestEndToEndWithTheRealTrainer(t *testing.T) {
	if testing.Short() {
		t.Skip("trains real models")
	}
	if _, _, err := datasets.Load("mnist", ""); err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	g := grid.Grid{
		Name:        "e2e",
		Models:      []string{"mlp(hidden=32,depth=1)"},
		Datasets:    []grid.Dataset{{Name: "mnist", Val: 200, Train: 600, Test: 1000}},
		Recipes:     []grid.Recipe{{Name: "adam", Epochs: 2, Optimizer: "adam", LR: 3e-3, Batch: 64, Select: "best"}},
		Seeds:       []uint64{1, 2},
		Activations: []string{"relu", "pvlu"},
	}
	out := filepath.Join(t.TempDir(), "r.jsonl")
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runner := Trainer()
	stopping := func(ctx context.Context, run *TrialRun) (trainer.Result, error) {
		inner := run.Epoch
		run.Epoch = func(e, n int) {
			inner(e, n)
			if run.Index == 2 && e == 1 {
				cancel()
			}
		}
		return runner(ctx, run)
	}
	var progress bytes.Buffer
	sum, err := Run(ctx, &g, Options{Out: out, Runner: stopping, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Interrupted || sum.Ran != 2 {
		t.Fatalf("interrupted run: %+v\n%s", sum, progress.String())
	}
	var term bytes.Buffer
	sum, err = Run(context.Background(), &g, Options{Out: out, Runner: runner, Progress: &term, Terminal: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Ran != 2 || sum.Skipped != 2 {
		t.Fatalf("resumed run: %+v", sum)
	}
	if !strings.Contains(term.String(), "\r\033[K[2/4] mlp") || !strings.Contains(term.String(), "[4/4]") {
		t.Errorf("terminal progress:\n%q", term.String())
	}
	recs := readAll(t, out)
	if len(recs) != 4 {
		t.Fatalf("%d records", len(recs))
	}
	r := recs[2]
	if r.Result.ResumedAt == nil || r.Result.ResumedAt.Epochs < 1 {
		t.Errorf("trial 3 did not resume from its checkpoint: %+v", r.Result.ResumedAt)
	}
	for _, r := range recs {
		e, ok := r.TestErr()
		if !ok || e > 0.5 || r.Result.Data.SHA256 == "" || len(r.Result.Epochs) != 2 || r.Result.Data.Train != 600 || r.Result.Data.Test != 1000 || r.Result.Test.N != 1000 {
			t.Errorf("trial %d: test err %v %v, data %+v, %d epochs", r.Index, e, ok, r.Result.Data, len(r.Result.Epochs))
		}
	}
	// The environment is written once per record: the machine and kernels
	// in result.env (the trainer's), the build and host in env.
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range bytes.Split(bytes.TrimSpace(data), []byte{'\n'}) {
		var raw struct {
			Env    map[string]any `json:"env"`
			Result struct {
				Env map[string]any `json:"env"`
			} `json:"result"`
		}
		if err := json.Unmarshal(line, &raw); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"go_version", "os", "arch", "gemm_backend", "simd_path", "cpu_model", "threads"} {
			if _, dup := raw.Env[k]; dup {
				t.Errorf("record %d: env repeats %s of result.env", i, k)
			}
		}
		gemm, _ := raw.Result.Env["gemm"].(string)
		goVersion, _ := raw.Result.Env["go_version"].(string)
		if raw.Env["actbench_version"] == nil || raw.Env["num_cpu"] == nil || gemm == "" || goVersion == "" {
			t.Errorf("record %d: env %v, result.env %v", i, raw.Env, raw.Result.Env)
		}
	}
	if recs[3].Result.Epochs[1].ActParams == nil {
		t.Error("pvlu trial has no learned parameters recorded")
	}
	rep, err := report.Build(recs, report.Options{Resamples: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.Render(&buf, rep, "table"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "pvlu") || !strings.Contains(buf.String(), "relu (base)") {
		t.Errorf("report:\n%s", buf.String())
	}
	if _, err := report.WritePlots(t.TempDir(), rep); err != nil {
		t.Fatal(err)
	}
	t.Logf("end to end in %v", time.Since(start))
}

// TestFineTuneWithTheRealTrainer runs a fine-tuning recipe end to end: one
// pretraining per seed with ReLU, then ReLU (the equal-budget control) and
// PVLU(a=0) continue from it.
func TestFineTuneWithTheRealTrainer(t *testing.T) {
	if testing.Short() {
		t.Skip("trains real models")
	}
	if _, _, err := datasets.Load("mnist", ""); err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	ds := grid.Dataset{Name: "mnist", Val: 200, Train: 500, Test: 500}
	g := grid.Grid{
		Name:     "ft",
		Models:   []string{"mlp(hidden=32,depth=1)"},
		Datasets: []grid.Dataset{ds},
		Recipes: []grid.Recipe{{Name: "ft", Epochs: 1, Optimizer: "adam", LR: 1e-3, Batch: 50, Select: "best",
			Pretrain: &grid.Pretrain{Dataset: ds, Activation: "relu", Epochs: 1, LR: 3e-3}}},
		Seeds:       []uint64{1},
		Activations: []string{"relu", "pvlu(a=0)"},
	}
	out := filepath.Join(t.TempDir(), "r.jsonl")
	sum, err := Run(context.Background(), &g, Options{Out: out, Runner: Trainer()})
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, out)
	if sum.Ran != 2 || len(recs) != 3 || recs[0].Role != "pretrain" {
		t.Fatalf("%+v, %d records", sum, len(recs))
	}
	for _, r := range recs[1:] {
		ft := r.Result.Config.FineTune
		if ft == nil || ft.FromAct == "" || ft.FromEpochs != 1 {
			t.Errorf("trial %d: fine-tune config %+v", r.Index, ft)
		}
	}
}

// TestTransferAcrossDatasetsWithTheRealTrainer runs the VGG presets' recipe
// shape at toy scale: pretrain on CIFAR-100, continue on CIFAR-10 with a new
// 10-class head, for two activations that must share that head.
func TestTransferAcrossDatasetsWithTheRealTrainer(t *testing.T) {
	if testing.Short() {
		t.Skip("trains real models")
	}
	for _, name := range []string{"cifar100", "cifar10"} {
		if _, _, err := datasets.Load(name, ""); err != nil {
			t.Skipf("%s not available: %v", name, err)
		}
	}
	g := grid.Grid{
		Name:     "xfer",
		Models:   []string{"mlp(hidden=16,depth=1)"},
		Datasets: []grid.Dataset{{Name: "cifar10", Val: 100, Train: 300, Test: 200}},
		Recipes: []grid.Recipe{{Name: "transfer", Epochs: 1, Optimizer: "adam", LR: 1e-3, Batch: 50, Select: "best",
			Pretrain: &grid.Pretrain{Dataset: grid.Dataset{Name: "cifar100", Val: 100, Train: 500}, Activation: "relu", Epochs: 1, LR: 1e-3}}},
		Seeds:       []uint64{1},
		Activations: []string{"relu", "pvlu(a=0)"},
	}
	out := filepath.Join(t.TempDir(), "r.jsonl")
	if _, err := Run(context.Background(), &g, Options{Out: out, Runner: Trainer()}); err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, out)
	if len(recs) != 3 || recs[0].Role != "pretrain" {
		t.Fatalf("%d records, first role %q", len(recs), recs[0].Role)
	}
	for _, r := range recs[1:] {
		x := r.Result.Transfer
		if x == nil {
			t.Fatalf("trial %d: no transfer record", r.Index)
		}
		if x.FromData != "cifar100" || x.FromClasses != 100 || len(x.Reinitialized) == 0 {
			t.Errorf("trial %d: transfer from %s (%d classes), reinitialised %v", r.Index, x.FromData, x.FromClasses, x.Reinitialized)
		}
		if r.Result.Config.Data != "cifar10" {
			t.Errorf("trial %d continued on %s", r.Index, r.Result.Config.Data)
		}
	}
}

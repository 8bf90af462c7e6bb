package runner

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/internal/filelock"
	"github.com/actbench/actbench/trainer"
)

// ftGrid is a fine-tuning grid of one seed: relu pretraining, then relu
// (the control) and pvlu.
func ftGrid(name string) grid.Grid {
	ds := grid.Dataset{Name: "cifar10", Val: 100, Train: 500}
	r := grid.Recipe{Name: name, Epochs: 2, Optimizer: "adam", LR: 1e-4, Batch: 32, Select: "best",
		Pretrain: &grid.Pretrain{Dataset: ds, Activation: "relu", Epochs: 3, LR: 1e-3}}
	return grid.Grid{Name: name, Models: []string{"resnet20"}, Datasets: []grid.Dataset{ds}, Recipes: []grid.Recipe{r},
		Seeds: []uint64{1}, Activations: []string{"relu", "pvlu"}}
}

// Two results files (two grids, or a run and a finetune) that keep their
// pretraining stages in one directory share a stage: the second finds it
// finished under its key, trains nothing for it, and still records it.
func TestPretrainDirIsSharedAcrossResultsFiles(t *testing.T) {
	dir := t.TempDir()
	shared := filepath.Join(dir, "pretrained")
	f := &fakeTrainer{}
	g := ftGrid("ft")
	sum, err := Run(context.Background(), &g, Options{Out: filepath.Join(dir, "a.jsonl"), Runner: f.run, PretrainDir: shared})
	if err != nil || sum.Pretrained != 1 || sum.Reused != 0 || f.calls != 3 {
		t.Fatalf("first grid: %+v %v, %d trainer calls", sum, err, f.calls)
	}
	trials, _ := g.Expand()
	path := PretrainCheckpoint(shared, grid.PretrainTrial(trials[0]))
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the pretraining is not in PretrainDir: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "a.jsonl.ckpt", "pretrain-*")); len(m) != 0 {
		t.Errorf("pretraining also kept beside the results file: %v", m)
	}
	before, _ := os.ReadFile(path)

	// Another grid (another recipe name, more activations) of the same stage.
	h := ftGrid("other")
	h.Activations = append(h.Activations, "prelu")
	var log bytes.Buffer
	f.calls = 0
	out := filepath.Join(dir, "b.jsonl")
	sum, err = Run(context.Background(), &h, Options{Out: out, Runner: f.run, PretrainDir: shared, Progress: &log})
	if err != nil || sum.Pretrained != 0 || sum.Reused != 1 || sum.Ran != 3 {
		t.Fatalf("second grid: %+v %v", sum, err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the reused pretraining was rewritten")
	}
	if !strings.Contains(log.String(), "reusing the finished "+path) {
		t.Errorf("progress does not say it reused the pretraining:\n%s", log.String())
	}
	recs := readAll(t, out)
	if len(recs) != 4 || recs[0].Role != "pretrain" || recs[0].Key != grid.PretrainTrial(trials[0]).Key {
		t.Fatalf("%d records, first %s %q", len(recs), recs[0].Key, recs[0].Role)
	}
	for _, r := range recs[1:] {
		if r.Result.Config.FineTune == nil || r.Result.Config.FineTune.From != path {
			t.Errorf("trial %d starts from %+v, want %s", r.Index, r.Result.Config.FineTune, path)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A pretraining stage another process holds is waited for, not trained
// twice; cancelling the wait stops the run like any interruption.
func TestPretrainingWaitsForItsLock(t *testing.T) {
	dir := t.TempDir()
	g := ftGrid("ft")
	trials, _ := g.Expand()
	path := PretrainCheckpoint(filepath.Join(dir, "r.jsonl.ckpt"), grid.PretrainTrial(trials[0]))
	os.MkdirAll(filepath.Dir(path), 0o755)
	held, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := filelock.TryLock(held); err != nil {
		t.Fatal(err)
	}
	f := &fakeTrainer{}
	var mu sync.Mutex
	calls := 0
	counted := func(ctx context.Context, run *TrialRun) (trainer.Result, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		return f.run(ctx, run)
	}
	trainerCalls := func() int {
		mu.Lock()
		defer mu.Unlock()
		return calls
	}
	run := func(ctx context.Context, log *syncBuffer) (chan *Summary, chan error) {
		sums, errs := make(chan *Summary, 1), make(chan error, 1)
		go func() {
			sum, err := Run(ctx, &g, Options{Out: filepath.Join(dir, "r.jsonl"), Runner: counted, Progress: log})
			sums <- sum
			errs <- err
		}()
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(log.String(), "another process holds "+path+".lock") {
			if time.Now().After(deadline) {
				t.Fatalf("no waiting message:\n%s", log.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
		return sums, errs
	}
	ctx, cancel := context.WithCancel(context.Background())
	sums, errs := run(ctx, &syncBuffer{})
	cancel()
	if sum, err := <-sums, <-errs; err != nil || !sum.Interrupted || trainerCalls() != 0 {
		t.Fatalf("cancelled while waiting: %+v %v, %d trainer calls", sum, err, trainerCalls())
	}
	sums, errs = run(context.Background(), &syncBuffer{})
	time.Sleep(300 * time.Millisecond)
	if trainerCalls() != 0 {
		t.Fatalf("trained while another process held the lock")
	}
	held.Close() // releases the lock
	if sum, err := <-sums, <-errs; err != nil || sum.Pretrained != 1 || sum.Ran != 2 {
		t.Fatalf("after the lock was released: %+v %v", sum, err)
	}
}

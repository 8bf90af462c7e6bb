package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/record"
	"github.com/actbench/actbench/trainer"
)

// The test binary doubles as a child process for the multi-process tests:
// with ACTBENCH_TEST_CHILD set it runs one helper and exits.
func TestMain(m *testing.M) {
	switch os.Getenv("ACTBENCH_TEST_CHILD") {
	case "":
		os.Exit(m.Run())
	case "run":
		os.Exit(childRun())
	default:
		fmt.Fprintln(os.Stderr, "unknown ACTBENCH_TEST_CHILD")
		os.Exit(3)
	}
}

// childRun runs testGrid (shard ACTBENCH_TEST_SHARD, "" for all) into
// ACTBENCH_TEST_OUT with the fake trainer, sleeping ACTBENCH_TEST_DELAY per
// epoch.
func childRun() int {
	g := testGrid()
	var sh Shard
	if s := os.Getenv("ACTBENCH_TEST_SHARD"); s != "" {
		var err error
		if sh, err = ParseShard(s); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	delay, _ := time.ParseDuration(os.Getenv("ACTBENCH_TEST_DELAY"))
	f := &fakeTrainer{epochDelay: delay}
	_, err := Run(context.Background(), &g, Options{Out: os.Getenv("ACTBENCH_TEST_OUT"), Shard: sh, Runner: f.run})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func child(t *testing.T, mode string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{"ACTBENCH_TEST_CHILD=" + mode}, env...)...)
	return cmd
}

// testGrid has 2 datasets x 2 recipes x 3 seeds x 4 activations = 48 trials
// (12 pairing units) of 2 epochs.
func testGrid() grid.Grid {
	r := grid.Recipe{Name: "adam", Epochs: 2, Optimizer: "adam", LR: 1e-3, Batch: 32, Select: "best"}
	r2 := r
	r2.Name = "adam+aug"
	r2.Augment = true
	return grid.Grid{
		Name:        "test",
		Models:      []string{"simplecnn"},
		Datasets:    []grid.Dataset{{Name: "mnist", Val: 100, Train: 500}, {Name: "cifar10", Val: 100, Train: 500}},
		Recipes:     []grid.Recipe{r, r2},
		Seeds:       []uint64{1, 2, 3},
		Activations: []string{"relu", "leakyrelu", "prelu", "pvlu"},
	}
}

// comparable strips what legitimately differs between runs of one trial:
// times, the environment, the shard, and resumption details.
func comparable(recs []record.Record) []record.Record {
	out := make([]record.Record, len(recs))
	for i, r := range recs {
		r.Started, r.Finished = time.Time{}, time.Time{}
		r.Env = record.Environment{}
		r.Shard = ""
		r.Result.ResumedAt = nil
		r.Result.Timing = trainer.Timing{}
		out[i] = r
	}
	return out
}

func readAll(t *testing.T, path string) []record.Record {
	t.Helper()
	rr, err := record.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if rr.Torn != "" {
		t.Fatalf("unexpected torn line: %s", rr.Torn)
	}
	return rr.Records
}

func runAll(t *testing.T, g grid.Grid, out string) []record.Record {
	t.Helper()
	f := &fakeTrainer{}
	sum, err := Run(context.Background(), &g, Options{Out: out, Runner: f.run})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Remaining != 0 || sum.Ran != sum.Total {
		t.Fatalf("summary %+v", sum)
	}
	return readAll(t, out)
}

func TestRunWritesOneRecordPerTrialInGridOrder(t *testing.T) {
	g := testGrid()
	out := filepath.Join(t.TempDir(), "r.jsonl")
	var progress bytes.Buffer
	f := &fakeTrainer{}
	sum, err := Run(context.Background(), &g, Options{Out: out, Runner: f.run, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, out)
	trials, _ := g.Expand()
	if len(recs) != 48 || sum.Ran != 48 || sum.Total != 48 {
		t.Fatalf("%d records, summary %+v", len(recs), sum)
	}
	for i, r := range recs {
		tr := trials[i]
		if r.Key != tr.Key || r.Index != i || !reflect.DeepEqual(r.Config, tr.TrialConfig) || r.Grid != grid.ID(trials) || r.GridTrials != 48 {
			t.Fatalf("record %d: key %s index %d config %+v, want trial %+v", i, r.Key, r.Index, r.Config, tr)
		}
		if r.Result.Config.Act != tr.Activation || r.Result.Config.Seed != tr.Seed || r.Result.Test == nil {
			t.Fatalf("record %d: trainer result %+v", i, r.Result.Config)
		}
		if r.Env.Version == "" || r.Env.NumCPU < 1 {
			t.Fatalf("record %d: environment %+v", i, r.Env)
		}
	}
	if _, err := os.Stat(CheckpointDir(out)); !os.IsNotExist(err) {
		t.Errorf("checkpoint directory left behind after a complete run: %v", err)
	}
	p := progress.String()
	for _, want := range []string{"48 trials", "[48/48]", "ETA", "epoch 2/2", "done: 48 trials"} {
		if !strings.Contains(p, want) {
			t.Errorf("progress output lacks %q:\n%s", want, p)
		}
	}
	if strings.Contains(p, "\r") {
		t.Error("plain progress output (not a terminal) contains carriage returns")
	}
}

func TestProgressOnTerminalRedrawsOneLine(t *testing.T) {
	g := testGrid()
	g.Datasets = g.Datasets[:1]
	out := filepath.Join(t.TempDir(), "r.jsonl")
	var progress bytes.Buffer
	f := &fakeTrainer{}
	if _, err := Run(context.Background(), &g, Options{Out: out, Runner: f.run, Progress: &progress, Terminal: true}); err != nil {
		t.Fatal(err)
	}
	p := progress.String()
	if !strings.Contains(p, "\r\033[K[0/24] simplecnn mnist[500] relu seed 1: epoch 1/2") {
		t.Errorf("terminal progress lacks the redrawn epoch line:\n%q", p[:min(len(p), 600)])
	}
}

func TestResumeSkipsFinishedTrials(t *testing.T) {
	g := testGrid()
	dir := t.TempDir()
	want := runAll(t, g, filepath.Join(dir, "whole.jsonl"))

	out := filepath.Join(dir, "parts.jsonl")
	f := &fakeTrainer{}
	sum, err := Run(context.Background(), &g, Options{Out: out, Runner: f.run, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Ran != 10 || sum.Remaining != 38 || f.calls != 10 {
		t.Fatalf("first part: %+v, %d trainer calls", sum, f.calls)
	}
	f = &fakeTrainer{}
	sum, err = Run(context.Background(), &g, Options{Out: out, Runner: f.run})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Skipped != 10 || sum.Ran != 38 || f.calls != 38 {
		t.Fatalf("resumed: %+v, %d trainer calls (want 38: finished trials must not run again)", sum, f.calls)
	}
	f = &fakeTrainer{}
	sum, err = Run(context.Background(), &g, Options{Out: out, Runner: f.run})
	if err != nil || sum.Skipped != 48 || sum.Ran != 0 || f.calls != 0 {
		t.Fatalf("third run of a finished grid: %+v %v, %d calls", sum, err, f.calls)
	}
	if got := readAll(t, out); !reflect.DeepEqual(comparable(got), comparable(want)) {
		t.Fatal("records of the resumed run differ from the uninterrupted run")
	}
}

func TestCancelStopsCleanlyAndResumesFromCheckpoint(t *testing.T) {
	g := testGrid()
	dir := t.TempDir()
	want := runAll(t, g, filepath.Join(dir, "whole.jsonl"))

	out := filepath.Join(dir, "r.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := &fakeTrainer{afterEpoch: func(run *TrialRun, epoch int) {
		if run.Index == 6 && epoch == 1 {
			cancel() // Ctrl-C in the middle of trial 7
		}
	}}
	sum, err := Run(ctx, &g, Options{Out: out, Runner: f.run})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Interrupted || sum.Ran != 6 || sum.Remaining != 42 {
		t.Fatalf("after cancel: %+v", sum)
	}
	trials, _ := g.Expand()
	ckpt := filepath.Join(CheckpointDir(out), trials[6].Key+".ckpt")
	if _, err := os.Stat(ckpt); err != nil {
		t.Fatalf("the interrupted trial's checkpoint is missing: %v", err)
	}
	if n := len(readAll(t, out)); n != 6 {
		t.Fatalf("%d records after the interruption, want 6", n)
	}
	f = &fakeTrainer{}
	sum, err = Run(context.Background(), &g, Options{Out: out, Runner: f.run})
	if err != nil || sum.Ran != 42 {
		t.Fatalf("resume: %+v %v", sum, err)
	}
	got := readAll(t, out)
	if got[6].Result.ResumedAt == nil || got[6].Result.ResumedAt.Epochs != 1 {
		t.Errorf("trial 7 did not resume from its epoch-1 checkpoint: %+v", got[6].Result.ResumedAt)
	}
	if !reflect.DeepEqual(comparable(got), comparable(want)) {
		t.Fatal("records of the interrupted and resumed run differ from the uninterrupted run")
	}
}

func TestKill9LosesOnlyTheTrialInProgress(t *testing.T) {
	g := testGrid()
	dir := t.TempDir()
	want := runAll(t, g, filepath.Join(dir, "whole.jsonl"))
	out := filepath.Join(dir, "r.jsonl")
	cmd := child(t, "run", "ACTBENCH_TEST_OUT="+out, "ACTBENCH_TEST_DELAY=15ms")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		rr, _ := record.ReadFile(out)
		if rr != nil && len(rr.Records) >= 5 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("child wrote no records in 20 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // into the next trial's epochs
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	rr, err := record.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	done := len(rr.Records)
	f := &fakeTrainer{}
	sum, err := Run(context.Background(), &g, Options{Out: out, Runner: f.run})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Skipped != done || sum.Ran != 48-done {
		t.Fatalf("after kill -9 with %d records: %+v", done, sum)
	}
	if !reflect.DeepEqual(comparable(readAll(t, out)), comparable(want)) {
		t.Fatal("records after kill -9 and resume differ from the uninterrupted run")
	}
}

func TestShardsInParallelProcessesMergeToTheUnshardedRun(t *testing.T) {
	g := testGrid()
	dir := t.TempDir()
	want := runAll(t, g, filepath.Join(dir, "whole.jsonl"))

	var cmds []*exec.Cmd
	var outs []string
	var stderr [3]bytes.Buffer
	for k := 1; k <= 3; k++ {
		out := filepath.Join(dir, "shard"+strconv.Itoa(k)+".jsonl")
		outs = append(outs, out)
		cmd := child(t, "run", "ACTBENCH_TEST_OUT="+out, fmt.Sprintf("ACTBENCH_TEST_SHARD=%d/3", k))
		cmd.Stderr = &stderr[k-1]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	total := 0
	for k, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("shard %d/3: %v\n%s", k+1, err, stderr[k].String())
		}
		recs := readAll(t, outs[k])
		for _, r := range recs {
			if r.Shard != fmt.Sprintf("%d/3", k+1) {
				t.Errorf("shard %d record has shard %q", k+1, r.Shard)
			}
		}
		total += len(recs)
	}
	if total != 48 {
		t.Fatalf("shards wrote %d records together, want 48 (no overlap, nothing missing)", total)
	}
	// Merge in a scrambled order, with one shard given twice: duplicates go.
	res, err := record.Merge([]string{outs[2], outs[0], outs[1], outs[0]}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Duplicates != 16 || len(res.Conflicts) != 0 || res.Trials != 48 || res.Expected != 48 {
		t.Fatalf("merge: %d duplicates, conflicts %v, %d trials of %d", res.Duplicates, res.Conflicts, res.Trials, res.Expected)
	}
	merged := filepath.Join(dir, "merged.jsonl")
	if err := record.WriteFile(merged, res.Records); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, merged)
	if !reflect.DeepEqual(comparable(got), comparable(want)) {
		for i := range got {
			if !reflect.DeepEqual(comparable(got[i:i+1]), comparable(want[i:i+1])) {
				t.Fatalf("merged record %d differs:\n got %+v\nwant %+v", i, got[i].Config, want[i].Config)
			}
		}
		t.Fatal("merged shards differ from the unsharded run")
	}
}

func TestMergeRefusesMismatchedGrids(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.jsonl")
	b := filepath.Join(dir, "b.jsonl")
	runAll(t, testGrid(), a)
	g := testGrid()
	g.Seeds = []uint64{1, 2, 3, 4} // a scaled-up grid
	g.Datasets = g.Datasets[:1]
	runAll(t, g, b)
	_, err := record.Merge([]string{a, b}, false)
	if err == nil || !strings.Contains(err.Error(), "not shards of one grid") {
		t.Fatalf("merge of two grids: %v", err)
	}
	res, err := record.Merge([]string{a, b}, true)
	if err != nil {
		t.Fatal(err)
	}
	// 48 + 32 records, of which the 24 with seeds 1-3 on mnist are the same trials.
	if len(res.Records) != 56 || res.Duplicates != 24 || res.Grid != "" {
		t.Fatalf("mixed merge: %d records, %d duplicates, grid %q", len(res.Records), res.Duplicates, res.Grid)
	}
}

func TestMergeReportsConflictingDuplicates(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.jsonl")
	recs := runAll(t, testGrid(), a)
	recs[3].Result.Test.Top1 += 0.01
	b := filepath.Join(dir, "b.jsonl")
	if err := record.WriteFile(b, recs[:5]); err != nil {
		t.Fatal(err)
	}
	res, err := record.Merge([]string{a, b}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Duplicates != 5 || len(res.Conflicts) != 1 || !strings.Contains(res.Conflicts[0], recs[3].Key+" (simplecnn mnist[500] adam pvlu seed 1)") {
		t.Fatalf("duplicates %d, conflicts %v", res.Duplicates, res.Conflicts)
	}
}

func TestPretrainedStageIsSharedBySeed(t *testing.T) {
	ds := grid.Dataset{Name: "cifar10", Val: 100, Train: 500}
	r := grid.Recipe{Name: "ft", Epochs: 2, Optimizer: "adam", LR: 1e-4, Batch: 32, Select: "best",
		Pretrain: &grid.Pretrain{Dataset: grid.Dataset{Name: "cifar100", Val: 100}, Activation: "relu", Epochs: 3, LR: 1e-3}, Freeze: "act"}
	g := grid.Grid{Name: "ft", Models: []string{"resnet20"}, Datasets: []grid.Dataset{ds}, Recipes: []grid.Recipe{r},
		Seeds: []uint64{1, 2}, Activations: []string{"relu", "pvlu"}}
	out := filepath.Join(t.TempDir(), "r.jsonl")
	var inits []string
	f := &fakeTrainer{}
	runner := func(ctx context.Context, run *TrialRun) (trainer.Result, error) {
		c := run.TrainerConfig()
		if run.Recipe.Name == "pretrain" {
			if run.Init != "" || c.FineTune != nil || c.Epochs != 3 || c.LR != 1e-3 || c.Data != "cifar100" || c.Selection != "best" {
				t.Errorf("pretrain config %+v", c)
			}
		} else {
			inits = append(inits, run.Init)
			if c.FineTune == nil || c.FineTune.From != run.Init || c.FineTune.Freeze != trainer.FreezeAllButAct || c.Epochs != 2 {
				t.Errorf("fine-tune config %+v", c)
			}
		}
		return f.run(ctx, run)
	}
	sum, err := Run(context.Background(), &g, Options{Out: out, Runner: runner})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Ran != 4 || f.calls != 6 || sum.Pretrained != 2 || sum.Reused != 0 {
		t.Fatalf("%+v with %d trainer calls (want 4 trials + 2 pretrainings)", sum, f.calls)
	}
	if inits[0] != inits[1] || inits[2] != inits[3] || inits[0] == inits[2] {
		t.Errorf("pretrained checkpoints per trial: %v (want one per seed)", inits)
	}
	if _, err := os.Stat(inits[0]); err != nil {
		t.Errorf("pretrained checkpoint not kept: %v", err)
	}
	recs := readAll(t, out)
	var roles []string
	for _, r := range recs {
		roles = append(roles, r.Role+":"+grid.ShortSpec(r.Config.Activation))
	}
	if got := strings.Join(roles, " "); got != "pretrain:relu :relu :pvlu pretrain:relu :relu :pvlu" {
		t.Errorf("record roles %s", got)
	}
	// A re-run does nothing, and more activations reuse the pretrained stage.
	g.Activations = append(g.Activations, "prelu")
	f.calls = 0
	sum, err = Run(context.Background(), &g, Options{Out: out, Runner: runner})
	if err != nil || sum.Ran != 2 || f.calls != 2 || sum.Pretrained != 0 || sum.Reused != 2 {
		t.Fatalf("added activation: %+v %v, %d calls (the pretrained stage must be reused)", sum, err, f.calls)
	}
}

// With a pretrain seed the grid pretrains once, with that seed, and every
// trial of every seed continues from the one checkpoint.
func TestPretrainSeedTrainsOneStage(t *testing.T) {
	ds := grid.Dataset{Name: "cifar10", Val: 100, Train: 500}
	r := grid.Recipe{Name: "ft", Epochs: 2, Optimizer: "adam", LR: 1e-4, Batch: 32, Select: "best",
		Pretrain: &grid.Pretrain{Dataset: grid.Dataset{Name: "cifar100", Val: 100}, Activation: "relu", Epochs: 3, Seed: 7}}
	g := grid.Grid{Name: "ft", Models: []string{"simplecnn"}, Datasets: []grid.Dataset{ds}, Recipes: []grid.Recipe{r},
		Seeds: []uint64{1, 2, 3}, Activations: []string{"relu", "pvlu"}}
	out := filepath.Join(t.TempDir(), "r.jsonl")
	inits := map[string]bool{}
	f := &fakeTrainer{}
	runner := func(ctx context.Context, run *TrialRun) (trainer.Result, error) {
		if c := run.TrainerConfig(); run.Recipe.Name == "pretrain" {
			if c.Seed != 7 {
				t.Errorf("pretraining with seed %d, want the pretrain seed 7", c.Seed)
			}
		} else {
			inits[run.Init] = true
			if c.Seed != run.Seed || c.Seed == 7 {
				t.Errorf("fine-tuning with seed %d, want the trial's %d", c.Seed, run.Seed)
			}
		}
		return f.run(ctx, run)
	}
	sum, err := Run(context.Background(), &g, Options{Out: out, Runner: runner})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Ran != 6 || f.calls != 7 || sum.Pretrained != 1 {
		t.Fatalf("%+v with %d trainer calls (want 6 trials + 1 pretraining)", sum, f.calls)
	}
	if len(inits) != 1 {
		t.Errorf("checkpoints the trials started from: %v (want one)", inits)
	}
}

func TestRunnerErrorStopsTheGridWithoutARecord(t *testing.T) {
	g := testGrid()
	out := filepath.Join(t.TempDir(), "r.jsonl")
	f := &fakeTrainer{}
	runner := func(ctx context.Context, run *TrialRun) (trainer.Result, error) {
		if run.Index == 2 {
			return trainer.Result{}, errors.New("dataset cifar10 not found")
		}
		return f.run(ctx, run)
	}
	_, err := Run(context.Background(), &g, Options{Out: out, Runner: runner})
	if err == nil || !strings.Contains(err.Error(), "trial 3 (simplecnn mnist[500] adam prelu seed 1): dataset cifar10 not found") {
		t.Fatalf("error %v", err)
	}
	if n := len(readAll(t, out)); n != 2 {
		t.Fatalf("%d records, want 2", n)
	}
}

func TestRunRefusesALockedResultsFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.jsonl")
	s, _, err := record.OpenStore(out)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	g := testGrid()
	f := &fakeTrainer{}
	if _, err := Run(t.Context(), &g, Options{Out: out, Runner: f.run}); !errors.Is(err, record.ErrLocked) || f.calls != 0 {
		t.Fatalf("Run on a locked file: %v after %d trials", err, f.calls)
	}
}

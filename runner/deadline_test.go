package runner

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that only the fake trainer's epochs advance.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestDeadlineStartsOnlyTrialsThatEndInTime: with trials of 20 (fake)
// minutes, a deadline 65 minutes away lets three trials run (the third ends
// at 60) and starts no fourth (it would end at 80); nothing is interrupted,
// no checkpoint is left, and the same command then finishes the grid with
// the records of an uninterrupted run. A slower trial raises the bar.
func TestDeadlineStartsOnlyTrialsThatEndInTime(t *testing.T) {
	g := testGrid()
	dir := t.TempDir()
	want := runAll(t, g, filepath.Join(dir, "whole.jsonl"))
	out := filepath.Join(dir, "r.jsonl")

	clock := &fakeClock{t: time.Now()}
	f := &fakeTrainer{afterEpoch: func(run *TrialRun, epoch int) { clock.advance(10 * time.Minute) }}
	var progress bytes.Buffer
	sum, err := Run(context.Background(), &g, Options{Out: out, Runner: f.run, Progress: &progress,
		Deadline: clock.now().Add(65 * time.Minute), now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Deadline || sum.Interrupted || sum.Ran != 3 || sum.Remaining != 45 || sum.Longest != 20*time.Minute {
		t.Fatalf("%+v, want 3 trials run, stopped for the deadline before the fourth, longest 20m", sum)
	}
	if !strings.Contains(progress.String(), "stopped after 1h0m0s for the deadline: the next trial would not end in time (the longest so far took 20m0s); 3 of 48 trials done, 45 left") {
		t.Errorf("progress does not say why it stopped:\n%s", progress.String())
	}
	if entries, _ := os.ReadDir(CheckpointDir(out)); len(entries) != 0 {
		t.Errorf("checkpoints left after a stop between trials: %v", entries)
	}

	// One trial of 50 minutes among 20-minute ones: with 60 minutes, the
	// first trial (50) runs and the second is not started (50 + 50 > 60).
	clock2 := &fakeClock{t: time.Now()}
	slow := &fakeTrainer{afterEpoch: func(run *TrialRun, epoch int) {
		d := 10 * time.Minute
		if run.Index == 3 {
			d = 25 * time.Minute
		}
		clock2.advance(d)
	}}
	sum, err = Run(context.Background(), &g, Options{Out: out, Runner: slow.run,
		Deadline: clock2.now().Add(60 * time.Minute), now: clock2.now})
	if err != nil || !sum.Deadline || sum.Ran != 1 || sum.Longest != 50*time.Minute {
		t.Fatalf("slow trial: %+v %v, want 1 trial run (50m) and a stop", sum, err)
	}

	f = &fakeTrainer{}
	if sum, err = Run(context.Background(), &g, Options{Out: out, Runner: f.run}); err != nil || sum.Ran != 44 {
		t.Fatalf("finishing without a deadline: %+v %v", sum, err)
	}
	if !reflect.DeepEqual(comparable(readAll(t, out)), comparable(want)) {
		t.Fatal("records of the run stopped by deadlines differ from the uninterrupted run")
	}
}

// TestDeadlineStopsATrialInProgress: a deadline that passes during the first
// trial (which always starts) stops it as a cancellation does, keeping its
// checkpoint, and reports it as the deadline's doing; the resumed trial
// continues from that checkpoint and counts at its full length.
func TestDeadlineStopsATrialInProgress(t *testing.T) {
	g := testGrid()
	out := filepath.Join(t.TempDir(), "r.jsonl")
	f := &fakeTrainer{epochDelay: 300 * time.Millisecond} // the deadline passes in epoch 1 of 2
	sum, err := Run(context.Background(), &g, Options{Out: out, Runner: f.run, Deadline: time.Now().Add(150 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Interrupted || !sum.Deadline || sum.Ran != 0 {
		t.Fatalf("%+v, want the first trial stopped by the deadline", sum)
	}
	trials, _ := g.Expand()
	if _, err := os.Stat(filepath.Join(CheckpointDir(out), trials[0].Key+".ckpt")); err != nil {
		t.Fatalf("the stopped trial's checkpoint is missing: %v", err)
	}
	// Resumed, the trial trains its second epoch only (10 fake minutes)
	// but counts as the 20 minutes of a whole trial: with 25 minutes, no
	// second trial starts.
	clock := &fakeClock{t: time.Now()}
	f = &fakeTrainer{afterEpoch: func(*TrialRun, int) { clock.advance(10 * time.Minute) }}
	sum, err = Run(context.Background(), &g, Options{Out: out, Runner: f.run, Deadline: clock.now().Add(25 * time.Minute), now: clock.now})
	if err != nil || sum.Ran != 1 || !sum.Deadline || sum.Longest != 20*time.Minute {
		t.Fatalf("resume: %+v %v, want the resumed trial only, counted as 20m", sum, err)
	}
	if got := readAll(t, out); got[0].Result.ResumedAt == nil || got[0].Result.ResumedAt.Epochs != 1 {
		t.Errorf("the trial did not resume from its epoch-1 checkpoint: %+v", got[0].Result.ResumedAt)
	}

	// A signal (the caller's context) during a run with a deadline is a
	// plain interruption, not the deadline's.
	ctx, cancel := context.WithCancel(context.Background())
	f = &fakeTrainer{afterEpoch: func(*TrialRun, int) { cancel() }}
	sum, err = Run(ctx, &g, Options{Out: out, Runner: f.run, Deadline: time.Now().Add(time.Hour)})
	if err != nil || !sum.Interrupted || sum.Deadline {
		t.Fatalf("cancelled: %+v %v, want interrupted, not by the deadline", sum, err)
	}
}

// TestDeadlineCountsThePretrainingStage: with one seed per stage, every
// trial's first activation needs its stage (3 fake epochs, 30 minutes) and
// the other reuses it; trials take 20 minutes. After seed 1's stage and
// trials (30 + 20 + 20), a deadline 110 minutes away leaves 40 minutes:
// enough for a trial alone, not for seed 2's stage and its first trial (50).
func TestDeadlineCountsThePretrainingStage(t *testing.T) {
	g := ftGrid("ft")
	g.Seeds = []uint64{1, 2}
	out := filepath.Join(t.TempDir(), "r.jsonl")
	clock := &fakeClock{t: time.Now()}
	f := &fakeTrainer{afterEpoch: func(*TrialRun, int) { clock.advance(10 * time.Minute) }}
	sum, err := Run(context.Background(), &g, Options{Out: out, Runner: f.run,
		Deadline: clock.now().Add(110 * time.Minute), now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Deadline || sum.Interrupted || sum.Ran != 2 || sum.Pretrained != 1 {
		t.Fatalf("%+v, want seed 1's stage and 2 trials, then a stop before seed 2's stage", sum)
	}
}

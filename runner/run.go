// Package runner runs a grid: Run expands it, skips the trials the results
// file already holds (resume), runs the shard's remaining trials through a
// TrialFunc (Trainer, the real trainer, or a fake in tests), appends one
// record per finished trial, shows progress, and stops cleanly when its
// context is cancelled. It also records the environment a run happens in.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/record"
	"github.com/actbench/actbench/trainer"
)

// TrialRun is what a Runner gets for one trial.
type TrialRun struct {
	grid.Trial
	// DataDir is where the datasets live ("" = package datasets' default).
	DataDir string
	// Checkpoint is the trial's checkpoint file: the runner writes it after
	// every epoch and, when it exists at the start, resumes from it.
	Checkpoint string
	// Init, when not "", is a checkpoint to start from (the pretrained
	// stage of a transfer / fine-tuning recipe); the runner swaps the
	// activation sites to the trial's activation and, when the checkpoint
	// was trained on another dataset, replaces the classifier head.
	Init string
	// Epoch is called after each epoch (1-based) with the epoch count.
	Epoch func(epoch, epochs int)
	// Batch, when the runner can, is called after each training batch with
	// the batches done in the current epoch and the batches per epoch.
	Batch func(done, perEpoch int)
}

// TrialFunc runs one trial to its end and returns its result; a divergence is
// a result (Status "diverged"), not an error. When ctx is cancelled it
// returns a result with Status "interrupted" or an error wrapping ctx.Err(),
// leaving the checkpoint of its last finished epoch behind. Trainer is
// the real one; tests use fakes.
type TrialFunc func(ctx context.Context, run *TrialRun) (trainer.Result, error)

// Options configure Run.
type Options struct {
	// Out is the results file (JSON Lines), created when absent.
	Out string
	// Shard selects this process's part of the grid (zero value = all).
	Shard   Shard
	DataDir string
	Runner  TrialFunc
	// Progress receives the progress display (stderr), nil for none.
	// Terminal makes it one line redrawn in place; otherwise it prints a
	// plain line per epoch and per trial.
	Progress io.Writer
	Terminal bool
	// Limit stops after this many newly finished trials (0 = no limit).
	Limit int
	// Deadline, when not zero, is when the run must have stopped (a batch
	// job's time limit, the end of a working session): a trial starts
	// only if the longest one this call has finished (plus the longest
	// pretraining stage, when the trial needs one not yet done) would end
	// by then, so no trial is begun that would be cut short; a trial still
	// running at the deadline stops as on cancellation, its checkpoint
	// kept. The first trial always starts (nothing to go by yet).
	Deadline time.Time
	// PretrainDir is where the checkpoints of pretraining stages are kept
	// ("" = CheckpointDir(Out)): a stage found finished there is reused, by
	// any grid and any results file, since its file is named by its trial
	// key (see PretrainCheckpoint).
	PretrainDir string
	// now is the clock (tests may replace it).
	now func() time.Time
}

// Summary says what Run did.
type Summary struct {
	Grid        string // grid.ID
	Total       int    // trials in the grid
	Selected    int    // trials in this shard
	Skipped     int    // already in the results file
	Ran         int    // finished by this call
	Remaining   int    // selected trials still missing
	Interrupted bool   // stopped by the context, or by the deadline during a trial
	// Deadline: stopped by Options.Deadline, before a trial that would not
	// have ended in time (Interrupted false) or during one (Interrupted).
	Deadline bool
	// Longest is the longest trial this call finished (its pretraining
	// stage not included; one resumed from its checkpoint counted at its
	// full length, scaled by the epochs it trained), what the deadline was
	// judged by.
	Longest time.Duration
	Torn    string // a torn last line found in the results file, "" if none
	Elapsed time.Duration
	// Pretrained counts the pretraining stages this call trained (or
	// resumed and finished); Reused those it needed and found finished
	// (in the results file or in PretrainDir), training nothing.
	Pretrained, Reused int
}

// CheckpointDir is where Run keeps the checkpoints of the results file
// out: out + ".ckpt". A trial's checkpoint is deleted once its record is
// written; pretrained stages are kept (there unless Options.PretrainDir
// says otherwise), since later grids (more activations, more seeds) can
// start from them again.
func CheckpointDir(out string) string { return out + ".ckpt" }

// Run runs the trials of g selected by opt.Shard that the results file
// does not hold yet, appending a record for each as it finishes. It returns
// when all are done, when opt.Limit is reached, before a trial that would
// not end by opt.Deadline, or when ctx is cancelled or the deadline passes
// (then with Interrupted set and a nil error: the finished trials are
// saved, and the trial in progress resumes from its checkpoint next time).
func Run(ctx context.Context, g *grid.Grid, opt Options) (*Summary, error) {
	if opt.Runner == nil {
		return nil, errors.New("Run: no Runner")
	}
	if opt.Out == "" {
		return nil, errors.New("Run: no results file (Out)")
	}
	now := opt.now
	if now == nil {
		now = time.Now
	}
	trials, err := g.Expand()
	if err != nil {
		return nil, err
	}
	gridID := grid.ID(trials)
	mine := opt.Shard.Select(trials)
	sum := &Summary{Grid: gridID, Total: len(trials), Selected: len(mine)}

	if dir := filepath.Dir(opt.Out); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("creating the results directory: %w", err)
		}
	}
	store, rr, err := record.OpenStore(opt.Out)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	sum.Torn = rr.Torn
	done := map[string]bool{}
	for _, r := range rr.Records {
		done[r.Key] = true
	}
	var todo []grid.Trial
	for _, t := range mine {
		if done[t.Key] {
			sum.Skipped++
		} else {
			todo = append(todo, t)
		}
	}
	ckptDir := CheckpointDir(opt.Out)
	pretrainDir := opt.PretrainDir
	if pretrainDir == "" {
		pretrainDir = ckptDir
	}
	if len(todo) > 0 {
		for _, dir := range []string{ckptDir, pretrainDir} {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("creating the checkpoint directory: %w", err)
			}
		}
	}

	prog := newProgress(opt.Progress, opt.Terminal, now)
	prog.start(g, sum, todo, done)
	start := now()
	parent := ctx
	if !opt.Deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, opt.Deadline)
		defer cancel()
	}
	// stopped records why ctx ended: the deadline, unless the caller's
	// context (a signal) ended first.
	stopped := func() {
		sum.Interrupted = true
		sum.Deadline = parent.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded)
	}
	var longestPretrain time.Duration
	env := CurrentEnvironment()
	finish := func() (*Summary, error) {
		sum.Remaining = sum.Selected - sum.Skipped - sum.Ran
		sum.Elapsed = now().Sub(start)
		prog.end(sum)
		if entries, err := os.ReadDir(ckptDir); err == nil && len(entries) == 0 {
			os.Remove(ckptDir)
		}
		return sum, nil
	}

	staged := map[string]bool{} // pretraining stages made sure of by this call
	for _, t := range todo {
		if ctx.Err() != nil {
			stopped()
			return finish()
		}
		if opt.Limit > 0 && sum.Ran >= opt.Limit {
			return finish()
		}
		if !opt.Deadline.IsZero() && sum.Ran > 0 {
			need := sum.Longest
			if t.Recipe.Pretrain != nil {
				pt := grid.PretrainTrial(t)
				if !staged[pt.Key] && !(done[pt.Key] && fileExists(PretrainCheckpoint(pretrainDir, pt))) {
					need += longestPretrain
				}
			}
			if now().Add(need).After(opt.Deadline) {
				sum.Deadline = true
				return finish()
			}
		}
		run := &TrialRun{
			Trial:      t,
			DataDir:    opt.DataDir,
			Checkpoint: filepath.Join(ckptDir, t.Key+".ckpt"),
		}
		if t.Recipe.Pretrain != nil {
			pt := grid.PretrainTrial(t)
			run.Init = PretrainCheckpoint(pretrainDir, pt)
			switch {
			case staged[pt.Key]:
			case done[pt.Key] && fileExists(run.Init):
				sum.Reused++
			default:
				began := now()
				rec, trained, err := pretrain(ctx, opt, pt, run.Init, prog, now)
				if err != nil {
					if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
						stopped()
						return finish()
					}
					return nil, fmt.Errorf("pretraining for trial %d (%s): %w", t.Index+1, t.Describe(), err)
				}
				if trained {
					sum.Pretrained++
					longestPretrain = max(longestPretrain, now().Sub(began))
				} else {
					sum.Reused++
				}
				if !done[pt.Key] {
					fill(rec, pt, gridID, g.Name, len(trials), opt.Shard, env)
					rec.Role = "pretrain"
					if err := store.Append(rec); err != nil {
						return nil, err
					}
					done[pt.Key] = true
				}
			}
			staged[pt.Key] = true
		}
		prog.trial(t, false)
		began := now()
		rec, trained, err := runOne(ctx, opt, run, prog, now)
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				stopped()
				return finish()
			}
			return nil, fmt.Errorf("trial %d (%s): %w", t.Index+1, t.Describe(), err)
		}
		fill(rec, t, gridID, g.Name, len(trials), opt.Shard, env)
		if err := store.Append(rec); err != nil {
			return nil, err
		}
		done[t.Key] = true
		sum.Ran++
		if took := now().Sub(began); trained > 0 {
			// A trial resumed from its checkpoint trained only its last
			// epochs: count it at its full length.
			sum.Longest = max(sum.Longest, took*time.Duration(t.Recipe.Epochs)/time.Duration(trained))
		}
		prog.finished(t, rec)
		if err := os.Remove(run.Checkpoint); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("removing the checkpoint of a finished trial: %w", err)
		}
	}
	return finish()
}

// runOne runs one trial (or pretraining stage) to its end and returns its
// record, without the grid's fields, and the number of epochs it trained
// now (0 for a trial that the runner found finished in its checkpoint).
func runOne(ctx context.Context, opt Options, run *TrialRun, prog *progress, now func() time.Time) (*record.Record, int, error) {
	trained := 0
	run.Epoch = func(epoch, epochs int) {
		trained++
		prog.epoch(epoch, epochs)
	}
	run.Batch = prog.batch
	started := now()
	res, err := opt.Runner(ctx, run)
	if err == nil && res.Status == trainer.StatusInterrupted {
		err = fmt.Errorf("trial interrupted: %w", context.Canceled)
		if ctx.Err() != nil {
			err = fmt.Errorf("trial interrupted: %w", ctx.Err())
		}
	}
	if err != nil {
		return nil, trained, err
	}
	switch res.Status {
	case trainer.StatusOK, trainer.StatusDiverged:
	default:
		return nil, trained, fmt.Errorf("the trainer returned status %q (want ok or diverged)", res.Status)
	}
	return &record.Record{Result: res, Started: started.UTC(), Finished: now().UTC()}, trained, nil
}

func fill(rec *record.Record, t grid.Trial, gridID, gridName string, total int, sh Shard, env record.Environment) {
	rec.Schema = record.SchemaVersion
	rec.Key = t.Key
	rec.Grid = gridID
	rec.GridName = gridName
	rec.GridTrials = total
	rec.Index = t.Index
	rec.Shard = sh.String()
	rec.Config = t.TrialConfig
	rec.Env = env
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

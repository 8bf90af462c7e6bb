package trainer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/actbench/actbench/datasets"
)

// Options are the operational settings of Run: they change where output
// goes and what is saved, never the trial's numbers.
type Options struct {
	// Progress receives progress output (nil = none): with Interactive, a
	// progress bar with ETA redrawn in place; otherwise one line per epoch.
	Progress    io.Writer
	Interactive bool
	// Checkpoint, when set, is the file written after every epoch, when
	// the context is cancelled (mid-epoch, resumable exactly) and at the end.
	Checkpoint string
	// Resume continues from Checkpoint when the file exists (and starts
	// afresh when it does not). The checkpoint's config must equal the
	// resolved cfg. A checkpoint of a finished trial returns its result.
	Resume bool
	// Data, when set, is used instead of loading cfg.Data from cfg.DataDir
	// (the official train and test splits; Run derives validation, subset
	// and blur from them as configured). Callers running many trials load
	// once and pass it here.
	Data *Data
	// OnEpoch, when set, is called after every epoch with its record.
	OnEpoch func(Epoch)
	// OnBatch, when set, is called after every training batch with the
	// position reached (epochs completed, batches of the current epoch).
	OnBatch func(Position)
}

// Data are a dataset's official training and test splits, in memory.
type Data struct {
	Train, Test *datasets.Set
}

// Run trains one trial. It returns the result and a nil error for a trial
// that ran to the end or diverged (see Result.Status); an error for a bad
// config (a *ConfigError), missing data or an unreadable checkpoint; and
// the partial result with status "interrupted" and an *InterruptedError
// (matching ErrInterrupted and ctx.Err()) when ctx is cancelled (checked
// at batch boundaries; the checkpoint, when set, is written first).
func Run(ctx context.Context, cfg Config, opts Options) (Result, error) {
	started := time.Now()
	p, err := resolve(cfg)
	if err != nil {
		return Result{}, err
	}
	resume, err := readResume(p.cfg, opts)
	if err != nil {
		return Result{}, err
	}
	if resume != nil && resume.Result.Status != "" && resume.Result.Status != StatusInterrupted {
		return resume.Result, nil // the trial had finished
	}
	t, err := setUp(p, opts)
	if err != nil {
		return Result{}, err
	}
	if resume != nil {
		if err := t.restore(resume); err != nil {
			return Result{}, fmt.Errorf("trainer: resuming from %s: %w", opts.Checkpoint, err)
		}
	}
	t.res.Timing.Started = started
	t.progress = newProgress(opts.Progress, opts.Interactive, t.cfg, t.trainB.Len(), t.pos)
	runErr := t.loop(ctx)
	if runErr != nil && !errors.Is(runErr, ErrInterrupted) {
		return Result{}, runErr
	}
	if t.res.Status != StatusInterrupted {
		if err := t.finish(); err != nil {
			return Result{}, err
		}
	}
	t.res.Timing.Finished = time.Now()
	t.res.Timing.Seconds += time.Since(started).Seconds()
	if opts.Checkpoint != "" {
		if err := t.save(opts.Checkpoint); err != nil {
			return t.res, err
		}
	}
	return t.res, runErr
}

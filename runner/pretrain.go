package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/internal/filelock"
	"github.com/actbench/actbench/record"
)

// PretrainCheckpoint is the file in dir that holds the checkpoint of the
// pretraining stage pt (grid.PretrainTrial): "pretrain-" + its trial key +
// ".ckpt". The key hashes everything that determines the stage (model,
// dataset and sizes, the recipe's settings as the stage uses them, seed,
// activation) and nothing else (not the recipe's name, the trials'
// activations or their fine-tuning settings), so every grid, results file
// and command (run, finetune) that needs the same pretraining finds it
// under the same name.
func PretrainCheckpoint(dir string, pt grid.Trial) string {
	return filepath.Join(dir, "pretrain-"+pt.Key+".ckpt")
}

// pretrain makes sure path holds the finished checkpoint of the
// pretraining stage pt: the trainer reuses a finished one (returning its
// result without training), resumes an unfinished one and trains a missing
// one. An exclusive lock on path + ".lock" makes another process that
// needs the same stage (another grid or finetune sharing the directory)
// wait and then reuse it, instead of training it too and overwriting the
// finished file with unfinished ones. It returns the stage's record
// (without the grid's fields) and whether any epoch was trained now.
func pretrain(ctx context.Context, opt Options, pt grid.Trial, path string, prog *progress, now func() time.Time) (*record.Record, bool, error) {
	unlock, err := lockFile(ctx, path+".lock", prog)
	if err != nil {
		return nil, false, err
	}
	defer unlock()
	prog.trial(pt, true)
	rec, trained, err := runOne(ctx, opt, &TrialRun{Trial: pt, DataDir: opt.DataDir, Checkpoint: path}, prog, now)
	if err != nil {
		return nil, false, err
	}
	if trained == 0 {
		prog.reused(pt, path)
	}
	return rec, trained > 0, nil
}

// lockFile takes an exclusive lock on path (created if absent), waiting for
// another holder while ctx allows, and returns its release. The file stays:
// removing it could let a third process lock a new file while the second
// holds the old one.
func lockFile(ctx context.Context, path string, prog *progress) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("pretraining lock: %w", err)
	}
	for waited := false; ; waited = true {
		err := filelock.TryLock(f)
		if err == nil {
			return func() { f.Close() }, nil // closing releases the lock
		}
		if !errors.Is(err, filelock.ErrLocked) {
			f.Close()
			return nil, fmt.Errorf("pretraining lock %s: %w", path, err)
		}
		if !waited {
			prog.note("another process holds %s: waiting for its pretraining to finish", path)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for %s: %w", path, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

package trainer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/actbench/actbench/internal/filelock"
)

// PretrainPath returns the file in dir that holds the checkpoint of the
// pretraining cfg: the same config (seed included) always maps to the same
// file, whatever the trials that start from it, and any difference in the
// config to another file. The name starts with a readable summary
// (model, data, activation, seed) and ends with a hash of the whole
// resolved config.
func PretrainPath(cfg Config, dir string) (string, error) {
	p, err := resolve(cfg)
	if err != nil {
		return "", err
	}
	return pretrainPath(p.cfg, dir), nil
}

func pretrainPath(rc Config, dir string) string {
	js, _ := json.Marshal(flatConfig(rc)) // a Config always marshals
	sum := sha256.Sum256(js)
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.':
				return r
			case r == '(' || r == ',' || r == '=':
				return '_'
			}
			return -1
		}, s)
	}
	name := fmt.Sprintf("pretrain-%s-%s-%s-seed%d-%s.ckpt", clean(rc.Model), clean(rc.Data), clean(rc.Act), rc.Seed, hex.EncodeToString(sum[:6]))
	return filepath.Join(dir, name)
}

// Pretrained says where a pretraining came from.
type Pretrained struct {
	// Path is the checkpoint file (PretrainPath).
	Path string `json:"path"`
	// Reused is true when a finished checkpoint was already there and
	// nothing was trained.
	Reused bool `json:"reused"`
	// Result is the pretraining trial's record.
	Result Result `json:"result"`
}

// Pretrain makes sure dir holds a finished checkpoint of the pretraining
// cfg, so that every trial starting from it (every activation and every
// fine-tuning recipe of a grid, every later run) shares one: a valid
// finished checkpoint at PretrainPath(cfg, dir) is reused without
// training; an unfinished one (an interrupted run) is resumed; an
// unreadable one (torn or corrupt) is discarded and trained again. The
// checkpoint is written atomically (each epoch and at the end), and an
// exclusive lock on PretrainPath + ".lock" makes a second process that
// needs the same pretraining wait for the first and then reuse it.
// opts.Checkpoint and opts.Resume are ignored. A pretraining that diverges
// is an error: there is nothing to fine-tune.
func Pretrain(ctx context.Context, cfg Config, opts Options, dir string) (Pretrained, error) {
	p, err := resolve(cfg)
	if err != nil {
		return Pretrained{}, err
	}
	rc := p.cfg
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Pretrained{}, fmt.Errorf("trainer: pretrain: %w", err)
	}
	path := pretrainPath(rc, dir)
	unlock, err := lockFile(ctx, path+".lock", opts)
	if err != nil {
		return Pretrained{}, err
	}
	defer unlock()
	out := Pretrained{Path: path}
	c, err := readCheckpoint(path)
	switch {
	case errors.Is(err, errNoCheckpoint):
	case err != nil:
		say(opts, "== pretrain: discarding the unreadable checkpoint %s (%v); training it again", path, err)
		if err := os.Remove(path); err != nil {
			return out, fmt.Errorf("trainer: pretrain: %w", err)
		}
	case sameConfig(c.Config, rc) != nil:
		return out, fmt.Errorf("trainer: pretrain: %s holds another pretraining: %w (remove the file)", path, sameConfig(c.Config, rc))
	case c.Result.Status == StatusOK:
		say(opts, "== pretrain %s with %s on %s, seed %d: reusing %s", rc.Model, rc.Act, rc.Data, rc.Seed, path)
		out.Reused, out.Result = true, c.Result
		return out, nil
	case c.Result.Status == StatusDiverged:
		return out, fmt.Errorf("trainer: pretrain: %s: the pretraining diverged at epoch %d: nothing to fine-tune (another seed or a lower learning rate)",
			path, c.Result.Diverged.Epoch)
	}
	say(opts, "== pretrain %s with %s on %s for %d epochs, seed %d -> %s", rc.Model, rc.Act, rc.Data, rc.Epochs, rc.Seed, path)
	o := opts
	o.Checkpoint, o.Resume = path, true
	r, err := Run(ctx, cfg, o)
	out.Result = r
	if err != nil {
		return out, fmt.Errorf("trainer: pretrain: %w", err)
	}
	if r.Status != StatusOK {
		return out, fmt.Errorf("trainer: pretrain: %s ended %s at epoch %d: nothing to fine-tune (another seed or a lower learning rate)",
			path, r.Status, r.Diverged.Epoch)
	}
	return out, nil
}

// lockFile takes an exclusive file lock on path (created if absent),
// waiting for another holder while ctx allows, and returns its release.
func lockFile(ctx context.Context, path string, opts Options) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("trainer: pretrain lock: %w", err)
	}
	for waited := false; ; waited = true {
		err := filelock.TryLock(f)
		if err == nil {
			return func() { f.Close() }, nil // closing releases the lock
		}
		if !errors.Is(err, filelock.ErrLocked) {
			f.Close()
			return nil, fmt.Errorf("trainer: pretrain lock %s: %w", path, err)
		}
		if !waited {
			say(opts, "== pretrain: another process holds %s; waiting for it", path)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("%w while waiting for %s: %w", ErrInterrupted, path, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

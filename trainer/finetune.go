package trainer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// Protocol is the fine-tuning experiment of the PVLU paper, made fair:
// a model is pretrained with activation A (or loaded), then training
// continues for the same number of epochs under each of several
// activations, one of which is A itself. The A arm is the control with the
// same budget, so a comparison never credits an activation for the extra
// epochs.
type Protocol struct {
	// Pretrain is the trial that trains A (unused when From is set).
	Pretrain Config `json:"pretrain"`
	// From is an existing checkpoint of A to start from instead.
	From string `json:"from,omitempty"`
	// Acts are the activations to continue under. A itself is added first
	// as the control when it is not among them.
	Acts []string `json:"acts"`
	// Continue holds the settings of every continuation arm: optimiser,
	// learning rate, schedule, Epochs (the budget M), batch, seed,
	// validation, selection. Its Model, Data and Act are filled in, and its
	// FineTune set from From and Freeze/LastK.
	Continue Config `json:"continue"`
	// Freeze and LastK are the freezing mode of every arm (see FineTune).
	Freeze string `json:"freeze"`
	LastK  int    `json:"last_k,omitempty"`
}

// ProtocolResult records a Protocol run.
type ProtocolResult struct {
	Protocol Protocol `json:"protocol"`
	// Pretrain is the pretraining trial (nil when started From a checkpoint).
	Pretrain *Result `json:"pretrain,omitempty"`
	// Control is the canonical spec of A.
	Control string `json:"control"`
	// Arms are the continuation trials, the control first.
	Arms []Result `json:"arms"`
}

// RunProtocol runs p. Checkpoints go to dir (a temporary directory, removed
// afterwards, when dir is ""): pretrain.ckpt and arm-N.ckpt; with
// opts.Resume every stage resumes from its own. opts.Checkpoint is ignored.
func RunProtocol(ctx context.Context, p Protocol, opts Options, dir string) (ProtocolResult, error) {
	res := ProtocolResult{Protocol: p}
	if dir == "" {
		d, err := os.MkdirTemp("", "actbench-finetune-")
		if err != nil {
			return res, fmt.Errorf("trainer: finetune: %w", err)
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, fmt.Errorf("trainer: finetune: %w", err)
	}
	from := p.From
	if from == "" {
		from = filepath.Join(dir, "pretrain.ckpt")
		o := opts
		o.Checkpoint = from
		say(opts, "== pretrain %s with %s for %d epochs", p.Pretrain.Model, p.Pretrain.Act, p.Pretrain.Epochs)
		r, err := Run(ctx, p.Pretrain, o)
		if err != nil {
			return res, fmt.Errorf("trainer: finetune: pretraining: %w", err)
		}
		res.Pretrain = &r
		if r.Status != StatusOK {
			return res, fmt.Errorf("trainer: finetune: pretraining ended %s (epoch %d): nothing to fine-tune", r.Status, r.Diverged.Epoch)
		}
	}
	ck, err := readCheckpoint(from)
	if err != nil {
		return res, fmt.Errorf("trainer: finetune: %w", err)
	}
	control := ck.Config.Act
	res.Control = control
	acts := []string{control}
	for _, a := range p.Acts {
		c, err := canonicalAct(a)
		if err != nil {
			return res, err
		}
		if c != control {
			acts = append(acts, c)
		}
	}
	for i, a := range acts {
		cfg := p.Continue
		cfg.Act = a
		cfg.Model, cfg.Data, cfg.DataDir = ck.Config.Model, ck.Config.Data, ck.Config.DataDir
		cfg.FineTune = &FineTune{From: from, Freeze: p.Freeze, LastK: p.LastK}
		o := opts
		o.Checkpoint = filepath.Join(dir, fmt.Sprintf("arm-%d.ckpt", i))
		role := "arm"
		if i == 0 {
			role = "control"
		}
		say(opts, "== %s %d/%d: %s -> %s, %d epochs, freeze %s", role, i+1, len(acts), control, a, cfg.Epochs, p.Freeze)
		r, err := Run(ctx, cfg, o)
		if err != nil {
			return res, fmt.Errorf("trainer: finetune: %s: %w", a, err)
		}
		res.Arms = append(res.Arms, r)
	}
	return res, nil
}

func say(opts Options, format string, a ...any) {
	if opts.Progress != nil {
		fmt.Fprintf(opts.Progress, format+"\n", a...)
	}
}

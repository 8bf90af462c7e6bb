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
	// Pretrain is the trial that trains A (unused when From is set). Its
	// Data may differ from Continue.Data: a transfer (see FineTune), e.g.
	// pretraining on CIFAR-100 and continuing on CIFAR-10 with a new head.
	Pretrain Config `json:"pretrain"`
	// From is an existing checkpoint of A to start from instead.
	From string `json:"from,omitempty"`
	// Acts are the activations to continue under. A itself is added first
	// as the control when it is not among them.
	Acts []string `json:"acts"`
	// Continue holds the settings of every continuation arm: optimiser,
	// learning rate, schedule, Epochs (the budget M), batch, seed,
	// validation, selection, and the target's Data, subset and Blur (the
	// checkpoint's data when Data is ""; blur applies to the arms only).
	// Its Model and Act are filled in, and its FineTune set from From,
	// Freeze/LastK, NewHead and Norm.
	Continue Config `json:"continue"`
	// Freeze and LastK are the freezing mode of every arm (see FineTune).
	Freeze string `json:"freeze"`
	LastK  int    `json:"last_k,omitempty"`
	// NewHead and Norm are passed to every arm's FineTune.
	NewHead bool   `json:"new_head,omitempty"`
	Norm    string `json:"norm,omitempty"`
	// Cache is the directory of reusable pretrained checkpoints (see
	// Pretrain); "" = the protocol's directory.
	Cache string `json:"cache,omitempty"`
}

// ProtocolResult records a Protocol run.
type ProtocolResult struct {
	Protocol Protocol `json:"protocol"`
	// Pretrain is the pretraining trial (nil when started From a checkpoint).
	Pretrain *Result `json:"pretrain,omitempty"`
	// From is the checkpoint the arms started from; Reused says that a
	// cached pretraining was found finished and nothing was pretrained.
	From   string `json:"from"`
	Reused bool   `json:"reused,omitempty"`
	// Control is the canonical spec of A.
	Control string `json:"control"`
	// Arms are the continuation trials, the control first.
	Arms []Result `json:"arms"`
}

// RunProtocol runs p. Checkpoints go to dir (a temporary directory, removed
// afterwards, when dir is ""): arm-N.ckpt, with opts.Resume every arm
// resuming from its own; the pretraining goes to p.Cache (default dir)
// under its PretrainPath, reused when finished there and resumed when
// not. opts.Data is the arms' data; the pretraining uses opts.PretrainData,
// else opts.Data when it is of the same dataset, else loads its own.
// opts.Checkpoint is ignored.
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
		cache := p.Cache
		if cache == "" {
			cache = dir
		}
		o := opts
		o.Data = opts.PretrainData
		if o.Data == nil && (p.Continue.Data == "" || p.Continue.Data == p.Pretrain.Data) {
			o.Data = opts.Data
		}
		pt, err := Pretrain(ctx, p.Pretrain, o, cache)
		if pt.Result.Config.Model != "" {
			res.Pretrain = &pt.Result
		}
		if err != nil {
			return res, fmt.Errorf("trainer: finetune: %w", err)
		}
		from, res.Reused = pt.Path, pt.Reused
	}
	res.From = from
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
		cfg.Model = ck.Config.Model
		if cfg.Data == "" {
			cfg.Data, cfg.DataDir = ck.Config.Data, ck.Config.DataDir
		}
		cfg.FineTune = &FineTune{From: from, Freeze: p.Freeze, LastK: p.LastK, NewHead: p.NewHead, Norm: p.Norm}
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

package trainer

import (
	"fmt"

	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/layers"
	"github.com/actbench/actbench/models"
	"github.com/actbench/actbench/registry"
)

// plan is a trial resolved once, before any data is loaded or any model
// built: the config as it runs and is recorded, and everything setting up
// the trial takes from it, in the form it is used. Setup, the loop and
// save/restore read the plan, never the caller's Config.
type plan struct {
	// cfg is the resolved config: defaults filled in, model and activation
	// canonical, a fine-tuning config completed from its source.
	cfg Config
	// source is the checkpoint a fine-tuning trial starts from (nil for a
	// trial trained from scratch), read and checked to be finished.
	source *checkpoint
	// buildAct is the activation the model is built with: the source's for
	// a fine-tuning trial (its weights are loaded, then the sites are
	// swapped to cfg.Act when that differs), else cfg.Act.
	buildAct string
	// init is the weight-initialisation scheme.
	init layers.InitScheme
	// augment is the training batches' augmentation (Pad only with Augment).
	augment bool
	pad     datasets.PadMode
	// blur is the Gaussian blur of the data (nil: none).
	blur *datasets.BlurConfig
	// freeze and lastK are the freezing mode (FreezeNone unless fine-tuning).
	freeze string
	lastK  int
	// sourceNorm normalises the inputs with the source's statistics
	// (FineTune.Norm "source") instead of the target's.
	sourceNorm bool
}

// ResolveRun returns cfg resolved as Run will run it: defaults filled in,
// model and activation canonical, and a fine-tuning config completed from
// its checkpoint (read and checked). It lets a caller validate a trial, or
// learn what it resolves to, before loading any data. A config the trainer
// refuses is a *ConfigError; an unreadable or unfinished source checkpoint
// is another error.
func ResolveRun(cfg Config) (Config, error) {
	p, err := resolve(cfg)
	if err != nil {
		return cfg, err
	}
	return p.cfg, nil
}

// resolve resolves a trial in one pass: the fine-tuning source first (its
// model, data and activation are the defaults of the trial's), then the
// fields and their defaults (Config.Resolve), then the canonical model and
// activation specs, then the settings setup needs.
func resolve(cfg Config) (*plan, error) {
	p := &plan{}
	if cfg.FineTune != nil && cfg.FineTune.From != "" {
		src, err := readCheckpoint(cfg.FineTune.From)
		if err != nil {
			return nil, fmt.Errorf("trainer: finetune: %w", err)
		}
		if cfg, err = fillFromSource(cfg, src); err != nil {
			return nil, err
		}
		p.source = src
	}
	cfg, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	if cfg.Act, err = canonicalAct(cfg.Act); err != nil {
		return nil, err
	}
	if cfg.Model, err = models.Canonical(cfg.Model); err != nil {
		return nil, configErrorf("model", "%w", err)
	}
	p.cfg = cfg
	p.buildAct = cfg.Act
	p.init = initScheme(cfg.Init)
	p.augment, p.pad = cfg.Augment, datasets.PadMode(cfg.CropPad)
	if cfg.Blur > 0 {
		p.blur = &datasets.BlurConfig{Sigma: cfg.Blur, Size: cfg.BlurSize, Apply: cfg.BlurApply}
	}
	p.freeze = FreezeNone
	if ft := cfg.FineTune; ft != nil {
		p.freeze, p.lastK = ft.Freeze, ft.LastK
		p.sourceNorm = ft.Norm == NormSource
	}
	if p.source != nil {
		p.buildAct = p.source.Config.Act
	}
	return p, nil
}

// canonicalAct validates an activation spec and returns its canonical form.
func canonicalAct(spec string) (string, error) {
	f, err := registry.New(spec, 1)
	if err != nil {
		return "", configErrorf("act", "act: %w", err)
	}
	return f.Spec().String(), nil
}

// fillFromSource completes a fine-tuning config from its source
// checkpoint: the model, the data and the activation default to the
// checkpoint's; another dataset makes a transfer (see FineTune). Only a
// finished, finite trial is a source: a diverged one holds no usable
// weights, and an unfinished one would make the source depend on when it
// was read.
func fillFromSource(cfg Config, src *checkpoint) (Config, error) {
	p := src.Config
	ft := *cfg.FineTune
	switch src.Result.Status {
	case StatusOK:
	case StatusDiverged:
		return cfg, fmt.Errorf("trainer: finetune: checkpoint %s is of a trial that diverged (epoch %d): its weights are not finite; pretrain again (another seed or a lower learning rate)",
			ft.From, src.Pos.Epochs+1)
	default:
		return cfg, fmt.Errorf("trainer: finetune: checkpoint %s is of an unfinished trial (%d of %d epochs): finish it first (train with --resume and the same --checkpoint)",
			ft.From, src.Pos.Epochs, p.Epochs)
	}
	ft.FromAct, ft.FromEpochs = p.Act, src.Pos.Epochs
	ft.FromData, ft.FromClasses = p.Data, sourceClasses(src)
	cfg.FineTune = &ft
	if cfg.Model == "" {
		cfg.Model = p.Model
	}
	if cfg.Data == "" {
		cfg.Data = p.Data
		if cfg.DataDir == "" {
			cfg.DataDir = p.DataDir
		}
	}
	if cfg.Act == "" {
		cfg.Act = p.Act // continue under the checkpoint's activation
	}
	return cfg, nil
}

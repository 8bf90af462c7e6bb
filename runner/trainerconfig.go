package runner

import (
	"strconv"
	"strings"

	"github.com/actbench/actbench/trainer"
)

// TrainerConfig is the trainer configuration of the trial: the grid cell's
// model, dataset, activation, seed and recipe, the data directory, and for a
// transfer / fine-tuning recipe the pretrained checkpoint to start from.
func (r *TrialRun) TrainerConfig() trainer.Config {
	rc := r.Recipe
	c := trainer.Config{
		Model:          r.Model,
		Act:            r.Activation,
		Data:           r.Dataset.Name,
		DataDir:        r.DataDir,
		Validation:     r.Dataset.Val,
		Subset:         r.Dataset.Train,
		Augment:        rc.Augment,
		CropPad:        rc.CropPad,
		Init:           rc.Init,
		Blur:           rc.Blur,
		Optimizer:      rc.Optimizer,
		LR:             rc.LR,
		Momentum:       rc.Momentum,
		Nesterov:       rc.Nesterov,
		WeightDecay:    rc.WeightDecay,
		LabelSmoothing: rc.LabelSmoothing,
		Schedule: trainer.Schedule{
			Kind:         rc.Schedule,
			Milestones:   rc.Milestones,
			Gamma:        rc.Gamma,
			WarmupEpochs: rc.Warmup,
			Stepping:     rc.LRStep,
		},
		Epochs:         rc.Epochs,
		Batch:          rc.Batch,
		Seed:           r.Seed,
		Selection:      rc.Select,
		TestEveryEpoch: rc.TestCurve,
	}
	if r.Init != "" {
		ft := &trainer.FineTune{From: r.Init, Freeze: trainer.FreezeNone}
		switch {
		case rc.Freeze == "act":
			ft.Freeze = trainer.FreezeAllButAct
		case strings.HasPrefix(rc.Freeze, "last:"):
			ft.Freeze = trainer.FreezeAllButK
			ft.LastK, _ = strconv.Atoi(rc.Freeze[len("last:"):])
		}
		c.FineTune = ft
	}
	return c
}

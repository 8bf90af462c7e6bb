package runner

import (
	"errors"
	"fmt"

	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/models"
	"github.com/actbench/actbench/trainer"
)

// Checks made before the first trial of a grid runs, of what would
// otherwise fail only when the trial concerned starts (after hours of
// others, perhaps): Grid.Validate checks the grid's own fields; CheckTrials
// what the model zoo and the trainer would reject; CheckData that the data
// is there and large enough for the grid's subset sizes.

// CheckTrials checks every trial's model spec and that the trainer accepts
// its configuration (and its pretraining stage's), without loading data or
// building a model.
func CheckTrials(trials []grid.Trial) error {
	seenModel := map[string]bool{}
	seenCfg := map[string]bool{}
	for _, t := range trials {
		if !seenModel[t.Model] {
			seenModel[t.Model] = true
			if _, err := models.Canonical(t.Model); err != nil {
				return fmt.Errorf("model %q: %w", t.Model, err)
			}
		}
		stages := []grid.Trial{t}
		if t.Recipe.Pretrain != nil {
			stages = append(stages, grid.PretrainTrial(t))
		}
		for _, s := range stages {
			if seenCfg[s.Key] {
				continue
			}
			seenCfg[s.Key] = true
			run := TrialRun{Trial: s}
			if _, err := run.TrainerConfig().Resolve(); err != nil {
				msg := err.Error()
				var ce *trainer.ConfigError
				if errors.As(err, &ce) {
					msg = ce.Msg
				}
				return fmt.Errorf("trial %d (%s): %s", t.Index+1, s.Describe(), msg)
			}
		}
	}
	return nil
}

// CheckData checks that every dataset of g (and of its pretraining stages)
// can be found in dataDir ("" = package datasets' search path) and, where
// its size can be read cheaply (datasets.Counts: headers and file sizes),
// that the validation, training and test sizes fit in it.
func CheckData(g *grid.Grid, dataDir string) error {
	all := append([]grid.Dataset(nil), g.Datasets...)
	for _, r := range g.Recipes {
		if r.Pretrain != nil {
			all = append(all, r.Pretrain.Dataset)
		}
	}
	type counts struct {
		train, test int
		ok          bool
	}
	known := map[string]counts{}
	for _, d := range all {
		c, seen := known[d.Name]
		if !seen {
			train, test, ok, err := datasets.Counts(d.Name, dataDir)
			if err != nil {
				return err
			}
			c = counts{train, test, ok}
			known[d.Name] = c
		}
		if !c.ok {
			continue
		}
		switch {
		case d.Val >= c.train:
			return fmt.Errorf("dataset %s: val %d leaves no training images: the training split has %d", d.Label(), d.Val, c.train)
		case d.Train > c.train-d.Val:
			return fmt.Errorf("dataset %s: train %d exceeds the %d training images left after holding out val %d", d.Label(), d.Train, c.train-d.Val, d.Val)
		case d.Test > c.test:
			return fmt.Errorf("dataset %s: test %d exceeds the %d test images", d.Label(), d.Test, c.test)
		}
	}
	return nil
}

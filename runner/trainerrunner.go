package runner

import (
	"context"
	"fmt"
	"sync"

	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/trainer"
)

// Trainer returns the TrialFunc that trains each trial with package
// trainer, resuming from the trial's checkpoint when one exists. Datasets
// are loaded once per (name, directory) and shared by every trial; the
// trainer derives each trial's validation split, subset and blur from them.
// A test subset (Dataset.Test) is drawn here, class-stratified with the
// fixed grid.TestSubsetSeed, and handed to the trainer as its test split.
func Trainer() TrialFunc {
	var mu sync.Mutex
	type key struct {
		name, dir string
		test      int
	}
	cache := map[key]*trainer.Data{}
	load := func(name, dir string, test int) (*trainer.Data, error) {
		mu.Lock()
		defer mu.Unlock()
		k := key{name, dir, test}
		if d := cache[k]; d != nil {
			return d, nil
		}
		var d *trainer.Data
		if whole := cache[key{name, dir, 0}]; whole != nil {
			d = &trainer.Data{Train: whole.Train, Test: whole.Test}
		} else {
			train, testSet, err := datasets.Load(name, dir)
			if err != nil {
				return nil, err
			}
			d = &trainer.Data{Train: train, Test: testSet}
			cache[key{name, dir, 0}] = d
		}
		if test > 0 {
			if test > d.Test.Len() {
				return nil, fmt.Errorf("dataset %s: test subset %d exceeds the %d test images", name, test, d.Test.Len())
			}
			d = &trainer.Data{Train: d.Train, Test: d.Test.Subset(test, grid.TestSubsetSeed)}
			cache[k] = d
		}
		return d, nil
	}
	return func(ctx context.Context, run *TrialRun) (trainer.Result, error) {
		cfg := run.TrainerConfig()
		data, err := load(cfg.Data, cfg.DataDir, run.Dataset.Test)
		if err != nil {
			return trainer.Result{}, err
		}
		epochs := cfg.Epochs
		n := cfg.Subset
		if n == 0 {
			n = data.Train.Len() - cfg.Validation
		}
		perEpoch := 1
		if b := max(cfg.Batch, 1); n > 0 {
			perEpoch = (n + b - 1) / b
		}
		if run.Seed == 0 {
			// The trainer takes seed 0 as 1: never record one as the other.
			return trainer.Result{}, fmt.Errorf("trial seed %d: seeds start at 1", run.Seed)
		}
		return trainer.Run(ctx, cfg, trainer.Options{
			Checkpoint: run.Checkpoint,
			Resume:     true,
			Data:       data,
			OnEpoch: func(e trainer.Epoch) {
				if run.Epoch != nil {
					run.Epoch(e.Epoch, epochs)
				}
			},
			OnBatch: func(p trainer.Position) {
				if run.Batch != nil {
					run.Batch(p.Batches, perEpoch)
				}
			},
		})
	}
}

package benchmarks

import (
	"context"
	"fmt"
	"sync"

	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/kernels/gemm"
	"github.com/actbench/actbench/trainer"
)

func init() {
	BackendInfo = func() (string, string) {
		return fmt.Sprintf("%s (%d threads)", gemm.Backend(), gemm.Threads()), act.Path()
	}
}

// TrainerRunner returns the Runner that trains each trial with package
// trainer, resuming from the trial's checkpoint when one exists. Datasets
// are loaded once per (name, directory) and shared by every trial; the
// trainer derives each trial's validation split, subset and blur from them.
func TrainerRunner() Runner {
	var mu sync.Mutex
	cache := map[[2]string]*trainer.Data{}
	load := func(name, dir string) (*trainer.Data, error) {
		mu.Lock()
		defer mu.Unlock()
		k := [2]string{name, dir}
		if d := cache[k]; d != nil {
			return d, nil
		}
		train, test, err := datasets.Load(name, dir)
		if err != nil {
			return nil, err
		}
		d := &trainer.Data{Train: train, Test: test}
		cache[k] = d
		return d, nil
	}
	return func(ctx context.Context, run *TrialRun) (trainer.Result, error) {
		cfg := run.TrainerConfig()
		data, err := load(cfg.Data, cfg.DataDir)
		if err != nil {
			return trainer.Result{}, err
		}
		epochs := cfg.Epochs
		return trainer.Run(ctx, cfg, trainer.Options{
			Checkpoint: run.Checkpoint,
			Resume:     true,
			Data:       data,
			OnEpoch: func(e trainer.Epoch) {
				if run.Epoch != nil {
					run.Epoch(e.Epoch, epochs)
				}
			},
		})
	}
}

package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"strings"
	"time"

	"github.com/actbench/actbench/trainer"
)

// fakeTrainer is a fast, deterministic stand-in for the trainer: its results
// depend only on the trial config (the same for every resume pattern), it
// writes a checkpoint after every epoch and resumes from one, and it stops
// between epochs when its context is cancelled, like the real trainer.
type fakeTrainer struct {
	epochDelay time.Duration
	// afterEpoch, when set, is called after each epoch's checkpoint.
	afterEpoch func(run *TrialRun, epoch int)
	calls      int
}

type fakeCheckpoint struct {
	Key    string          `json:"key"`
	Epochs []trainer.Epoch `json:"epochs"`
}

// noise is a deterministic value in [0, 1) from its arguments.
func noise(parts ...any) float64 {
	h := fnv.New64a()
	fmt.Fprint(h, parts...)
	return float64(h.Sum64()>>11) / (1 << 53)
}

// actEffect gives each activation a fixed effect on the error, so reports
// have something to find: PVLU better than ReLU, Leaky ReLU the same.
func actEffect(act string) float64 {
	switch {
	case strings.HasPrefix(act, "pvlu"):
		return -0.012
	case strings.HasPrefix(act, "prelu"):
		return -0.004
	case strings.HasPrefix(act, "leakyrelu"):
		return 0.0005
	}
	return 0
}

func (f *fakeTrainer) run(ctx context.Context, run *TrialRun) (trainer.Result, error) {
	f.calls++
	cfg, err := run.TrainerConfig().Resolve()
	if err != nil {
		return trainer.Result{}, err
	}
	if run.Init != "" {
		if _, err := os.Stat(run.Init); err != nil {
			return trainer.Result{}, fmt.Errorf("fake trainer: pretrained checkpoint: %w", err)
		}
	}
	var ck fakeCheckpoint
	res := trainer.Result{Config: cfg}
	if b, err := os.ReadFile(run.Checkpoint); err == nil {
		if err := json.Unmarshal(b, &ck); err != nil {
			return res, fmt.Errorf("fake trainer: checkpoint %s: %w", run.Checkpoint, err)
		}
		if ck.Key != run.Key {
			return res, fmt.Errorf("fake trainer: checkpoint %s is of trial %s, not %s", run.Checkpoint, ck.Key, run.Key)
		}
		res.ResumedAt = &trainer.Position{Epochs: len(ck.Epochs)}
	}
	ck.Key = run.Key
	// The seed effect is shared by every activation (paired trials).
	seedEffect := 0.02 * noise(cfg.Data, cfg.Seed)
	final := 0.10 + seedEffect + actEffect(cfg.Act) + 0.004*noise(run.Key)
	for e := len(ck.Epochs) + 1; e <= cfg.Epochs; e++ {
		if ctx.Err() != nil {
			res.Status = trainer.StatusInterrupted
			return res, ctx.Err()
		}
		time.Sleep(f.epochDelay)
		valErr := final + 0.3/float64(e) + 0.003*noise(run.Key, e)
		ep := trainer.Epoch{
			Epoch:        e,
			LR:           cfg.LR,
			Train:        trainer.Metrics{N: 1000, Loss: 2.0 / float64(e), Top1: 1 - valErr + 0.01},
			Val:          &trainer.Metrics{N: 100, Loss: 2.1 / float64(e), Top1: 1 - valErr},
			Seconds:      1.5 + 0.1*noise(run.Key, e, "t"),
			TrainSeconds: 1.2,
			ImagesPerSec: 800,
			Dead:         []trainer.DeadUnits{{Layer: "act1", Fraction: 0.1 / float64(e)}, {Layer: "act2", Fraction: 0.2 / float64(e)}},
		}
		if strings.HasPrefix(cfg.Act, "pvlu") || strings.HasPrefix(cfg.Act, "prelu") {
			for _, l := range []string{"act1", "act2"} {
				if strings.HasPrefix(cfg.Act, "pvlu") {
					a := 0.1 + 0.05*noise(run.Key, l, e)
					b := 1 + 0.2*noise(run.Key, l, e, "b")
					ep.ActParams = append(ep.ActParams,
						trainer.ActParam{Layer: l, Param: "a", N: 1, Mean: a, Min: a, Max: a},
						trainer.ActParam{Layer: l, Param: "b", N: 1, Mean: b, Min: b, Max: b})
				} else {
					s := 0.25 - 0.05*noise(run.Key, l, e)
					ep.ActParams = append(ep.ActParams, trainer.ActParam{Layer: l, Param: "init", N: 1, Mean: s, Min: s, Max: s})
				}
			}
		}
		ck.Epochs = append(ck.Epochs, ep)
		b, _ := json.Marshal(ck)
		tmp := run.Checkpoint + ".tmp"
		if err := os.WriteFile(tmp, b, 0o644); err != nil {
			return res, err
		}
		if err := os.Rename(tmp, run.Checkpoint); err != nil {
			return res, err
		}
		if run.Epoch != nil {
			run.Epoch(e, cfg.Epochs)
		}
		if f.afterEpoch != nil {
			f.afterEpoch(run, e)
		}
	}
	res.Status = trainer.StatusOK
	res.Epochs = ck.Epochs
	res.SelectedEpoch = len(ck.Epochs)
	res.Val = ck.Epochs[len(ck.Epochs)-1].Val
	res.Test = &trainer.Metrics{N: 10000, Loss: 0.4 + final, Top1: 1 - final}
	res.Model = trainer.ModelInfo{Name: cfg.Model, Params: 1000, FLOPs: 1e6, InShape: []int{1, 28, 28}, Classes: 10, ActSites: 2}
	if strings.HasPrefix(cfg.Act, "pvlu") {
		res.Model.ActParams = 4
	} else if strings.HasPrefix(cfg.Act, "prelu") {
		res.Model.ActParams = 2
	}
	res.Data = trainer.DataInfo{Name: cfg.Data, SHA256: "fakesha", Classes: 10, Train: 1000, Val: cfg.Validation, Test: 10000}
	sec := 0.0
	for _, e := range res.Epochs {
		sec += e.Seconds
	}
	res.Timing = trainer.Timing{Seconds: sec, EpochSeconds: sec / float64(len(res.Epochs))}
	if math.IsNaN(final) {
		res.Status = trainer.StatusDiverged
	}
	return res, nil
}

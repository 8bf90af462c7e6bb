package report

import (
	"fmt"
	"hash/fnv"
	"strings"
	"testing"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/record"
	"github.com/actbench/actbench/trainer"
)

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

// fakeResult makes up a trial's result from its config alone: a seed effect
// shared by every activation (so trials pair), a fixed effect per
// activation, per-epoch curves, dead units and learned parameters.
func fakeResult(t grid.Trial) trainer.Result {
	data, seed, act, epochs := t.Dataset.Name, t.Seed, t.Activation, t.Recipe.Epochs
	seedEffect := 0.02 * noise(data, seed)
	final := 0.10 + seedEffect + actEffect(act) + 0.004*noise(t.Key)
	res := trainer.Result{Status: trainer.StatusOK}
	for e := 1; e <= epochs; e++ {
		valErr := final + 0.3/float64(e) + 0.003*noise(t.Key, e)
		ep := trainer.Epoch{
			Epoch:        e,
			LR:           t.Recipe.LR,
			Train:        trainer.Metrics{N: 1000, Loss: 2.0 / float64(e), Top1: 1 - valErr + 0.01},
			Val:          &trainer.Metrics{N: 100, Loss: 2.1 / float64(e), Top1: 1 - valErr},
			Seconds:      1.5 + 0.1*noise(t.Key, e, "t"),
			TrainSeconds: 1.2,
			ImagesPerSec: 800,
			Dead:         []trainer.DeadUnits{{Layer: "act1", Fraction: 0.1 / float64(e)}, {Layer: "act2", Fraction: 0.2 / float64(e)}},
		}
		for _, l := range []string{"act1", "act2"} {
			switch {
			case strings.HasPrefix(act, "pvlu"):
				a := 0.1 + 0.05*noise(t.Key, l, e)
				b := 1 + 0.2*noise(t.Key, l, e, "b")
				ep.ActParams = append(ep.ActParams,
					trainer.ActParam{Layer: l, Param: "a", N: 1, Mean: a, Min: a, Max: a},
					trainer.ActParam{Layer: l, Param: "b", N: 1, Mean: b, Min: b, Max: b})
			case strings.HasPrefix(act, "prelu"):
				s := 0.25 - 0.05*noise(t.Key, l, e)
				ep.ActParams = append(ep.ActParams, trainer.ActParam{Layer: l, Param: "init", N: 1, Mean: s, Min: s, Max: s})
			}
		}
		res.Epochs = append(res.Epochs, ep)
	}
	res.SelectedEpoch = len(res.Epochs)
	res.Val = res.Epochs[len(res.Epochs)-1].Val
	res.Test = &trainer.Metrics{N: 10000, Loss: 0.4 + final, Top1: 1 - final}
	res.Data = trainer.DataInfo{Name: data, SHA256: "fakesha", Classes: 10, Train: 1000, Val: t.Dataset.Val, Test: 10000}
	sec := 0.0
	for _, e := range res.Epochs {
		sec += e.Seconds
	}
	res.Timing = trainer.Timing{Seconds: sec, EpochSeconds: sec / float64(len(res.Epochs))}
	return res
}

// reportRecords are the records of 5 seeds of relu, leakyrelu, prelu and
// pvlu on one dataset under two recipes, with results from fakeResult.
func reportRecords(t *testing.T) []record.Record {
	t.Helper()
	r := grid.Recipe{Name: "adam", Epochs: 2, Optimizer: "adam", LR: 1e-3, Batch: 32, Select: "best"}
	r2 := r
	r2.Name = "adam+aug"
	r2.Augment = true
	g := grid.Grid{
		Name:        "test",
		Models:      []string{"simplecnn"},
		Datasets:    []grid.Dataset{{Name: "mnist", Val: 100, Train: 500}},
		Recipes:     []grid.Recipe{r, r2},
		Seeds:       []uint64{1, 2, 3, 4, 5},
		Activations: []string{"relu", "leakyrelu", "prelu", "pvlu"},
	}
	trials, err := g.Expand()
	if err != nil {
		t.Fatal(err)
	}
	id := grid.ID(trials)
	recs := make([]record.Record, len(trials))
	for i, tr := range trials {
		recs[i] = record.Record{Schema: record.SchemaVersion, Key: tr.Key, Grid: id, GridName: g.Name, GridTrials: len(trials),
			Index: tr.Index, Config: tr.TrialConfig, Result: fakeResult(tr)}
	}
	return recs
}

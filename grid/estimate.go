package grid

import (
	"fmt"
	"sync"
	"time"

	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/models"
)

// Cost model of a grid. A training image costs three forward passes'
// FLOPs (forward, input gradients, weight gradients), an evaluated image
// (validation every epoch, the test split once, the dead-unit probe) one;
// the engine sustains flopsRate; each trial adds trialOverhead (model
// build, data split and normalisation).
//
// Calibration (2026-11-27): the default preset (20 trials, 12.35 TFLOP in
// all) took 223 CPU-seconds on the reference machine (2 cores of an AVX-512
// Xeon, "Intel(R) Xeon(R) Processor"), i.e. 55 GFLOP/s per core. It was measured under contention (load average 7-9 from
// other work: 4m12s wall at 0.9 cores), so the rate for an otherwise idle
// 2-core machine assumes 80 % parallel efficiency: 2 x 55 x 0.8 = 88
// GFLOP/s. On a loaded machine expect proportionally longer; on more
// cores, shorter.
const (
	flopsRate     = 88e9
	trialOverhead = 0.3 // seconds
)

var (
	flopsMu    sync.Mutex
	flopsCache = map[[2]string]float64{}
)

// modelFLOPs is the model's forward FLOPs per image on the dataset (the
// activation does not change them: element-wise layers are not counted).
func modelFLOPs(model, data string) (float64, error) {
	flopsMu.Lock()
	defer flopsMu.Unlock()
	k := [2]string{model, data}
	if f, ok := flopsCache[k]; ok {
		return f, nil
	}
	df, ok := datasets.ShapeOf(data)
	if !ok {
		return 0, fmt.Errorf("no cost model for dataset %q", data)
	}
	m, err := models.New(model, "relu", df.Input(), df.Classes)
	if err != nil {
		return 0, err
	}
	f := float64(m.FLOPs())
	flopsCache[k] = f
	return f, nil
}

// Estimate is the predicted cost of a grid.
type Estimate struct {
	Trials int
	Epochs int // training epochs over all trials, pretraining included
	// Images is the number of training images processed (all epochs).
	Images  int64
	Seconds float64
}

// Duration is Seconds as a time.Duration.
func (e Estimate) Duration() time.Duration { return time.Duration(e.Seconds * float64(time.Second)) }

// EstimateCost predicts how long the grid takes on the reference machine
// (see the cost model above). Subset sizes of 0 ("all") count the official
// split sizes; the shared CIFAR copies are smaller, so such estimates are
// upper bounds there.
func EstimateCost(g *Grid) (Estimate, error) {
	trials, err := g.Expand()
	if err != nil {
		return Estimate{}, err
	}
	var est Estimate
	est.Trials = len(trials)
	cost := func(t Trial) error {
		df, ok := datasets.ShapeOf(t.Dataset.Name)
		if !ok {
			return fmt.Errorf("no cost model for dataset %q", t.Dataset.Name)
		}
		f, err := modelFLOPs(t.Model, t.Dataset.Name)
		if err != nil {
			return err
		}
		train := t.Dataset.Train
		if train == 0 {
			train = df.Train - t.Dataset.Val
		}
		e := t.Recipe.Epochs
		test := df.Test
		if t.Dataset.Test > 0 {
			test = t.Dataset.Test
		}
		evalImgs := float64(t.Dataset.Val*e+test) + 256*float64(e) // validation each epoch, test once, dead-unit probe
		if t.Recipe.TestCurve {
			evalImgs += float64(test * e)
		}
		est.Epochs += e
		est.Images += int64(train * e)
		est.Seconds += (3*f*float64(train*e)+f*evalImgs)/flopsRate + trialOverhead
		return nil
	}
	pre := map[string]bool{}
	for _, t := range trials {
		if t.Recipe.Pretrain != nil {
			pt := PretrainTrial(t)
			if !pre[pt.Key] {
				pre[pt.Key] = true
				if err := cost(pt); err != nil {
					return est, err
				}
			}
		}
		if err := cost(t); err != nil {
			return est, err
		}
	}
	return est, nil
}

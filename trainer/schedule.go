package trainer

import (
	"math"

	"github.com/actbench/actbench/layers"
)

// lrAt returns the learning rate of iteration it (0-based, counted over the
// whole trial) for a trial of epochs epochs of itersPerEpoch iterations each,
// with peak rate lr and schedule s (resolved).
//
// Warm-up ramps linearly over the first round(WarmupEpochs*itersPerEpoch)
// iterations, reaching lr at the last one (so iteration 0 uses lr/W, like
// PyTorch's LinearLR with start factor 1/W stepped per iteration). Then
// "step" multiplies by Gamma once for every milestone <= the current epoch,
// and "cosine" anneals from lr towards MinLR over the remaining iterations,
// evaluated per iteration (MinLR would be the rate of the iteration after
// the last).
//
// With Stepping "per-epoch" the same formulas run on epochs instead of
// iterations: iteration it uses the rate of step it/itersPerEpoch of a
// schedule with one step per epoch, so warm-up epoch e (0-based) uses
// lr*(e+1)/W and cosine epoch e uses MinLR + (lr-MinLR)*(1+cos(pi*(e-W)/(epochs-W)))/2,
// PyTorch's LinearLR and CosineAnnealingLR(T_max = epochs-W) with
// scheduler.step() once per epoch.
func lrAt(s Schedule, lr float64, it, itersPerEpoch, epochs int) float64 {
	if s.Stepping == StepPerEpoch {
		it, itersPerEpoch = it/max(itersPerEpoch, 1), 1
	}
	warm := int(math.Round(s.WarmupEpochs * float64(itersPerEpoch)))
	if it < warm {
		return lr * float64(it+1) / float64(warm)
	}
	switch s.Kind {
	case SchedStep:
		epoch := it / max(itersPerEpoch, 1)
		for _, m := range s.Milestones {
			if epoch >= m {
				lr *= s.Gamma
			}
		}
		return lr
	case SchedCosine:
		span := epochs*itersPerEpoch - warm
		if span <= 0 {
			return lr
		}
		// T_max = span, as PyTorch's CosineAnnealingLR stepped per
		// iteration: the last iteration uses t = (span-1)/span, so the rate
		// approaches MinLR but never reaches it within the run.
		t := float64(it-warm) / float64(span)
		t = min(t, 1)
		return s.MinLR + (lr-s.MinLR)*(1+math.Cos(math.Pi*t))/2
	}
	return lr
}

// initScheme is the layers scheme of a resolved Config.Init ("" = default).
func initScheme(s string) layers.InitScheme {
	if s == "" {
		return layers.InitDefault
	}
	return layers.InitScheme(s)
}

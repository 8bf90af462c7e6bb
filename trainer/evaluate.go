package trainer

import (
	"github.com/actbench/actbench/datasets"
	"gorgonia.org/tensor"
)

// metrics turns running sums over n examples into Metrics (top-5 only for
// datasets of more than 10 classes).
func (t *trial) metrics(lossSum float64, c1, c5, n int) Metrics {
	m := Metrics{N: n}
	if n > 0 {
		m.Loss = lossSum / float64(n)
		m.Top1 = float64(c1) / float64(n)
		if t.trainSet.Classes > 10 {
			v := float64(c5) / float64(n)
			m.Top5 = &v
		}
	}
	return m
}

// evaluate runs the model in evaluation mode over s.
func (t *trial) evaluate(s *datasets.Set) Metrics {
	b := datasets.NewBatcher(s, datasets.BatchConfig{BatchSize: t.cfg.Batch, Norm: t.norm})
	var lossSum float64
	var c1, c5, total int
	for {
		n := b.Next(t.x, t.labels)
		if n == 0 {
			break
		}
		logits := t.model.Forward(t.batchTensor(n), false)
		lossSum += t.loss.Forward(logits, t.labels[:n]) * float64(n)
		a, b5 := topK(logits, t.labels[:n])
		c1, c5, total = c1+a, c5+b5, total+n
	}
	return t.metrics(lossSum, c1, c5, total)
}

// topK counts the examples whose label is the arg-max (ties to the lowest
// class, as the loss) and those whose label ranks in the top 5. A NaN logit
// of the label counts as wrong.
func topK(logits *tensor.Dense, labels []int32) (top1, top5 int) {
	z := logits.Float32s()
	k := logits.Shape()[1]
	for i, y := range labels {
		row := z[i*k : (i+1)*k]
		v := row[y]
		if v != v {
			continue
		}
		rank := 0
		for j, u := range row {
			if u > v || (u == v && j < int(y)) || u != u {
				rank++
			}
		}
		if rank == 0 {
			top1++
		}
		if rank < 5 {
			top5++
		}
	}
	return top1, top5
}

// finish measures the selected model on the test set.
func (t *trial) finish() error {
	t.res.SelectedEpoch = t.bestEpoch
	n := len(t.res.Epochs)
	if n > 0 {
		t.res.Timing.EpochSeconds = 0
		var imgs int
		for _, e := range t.res.Epochs {
			t.res.Timing.EpochSeconds += e.Seconds
			imgs += e.Train.N
		}
		t.res.Timing.EpochSeconds /= float64(n)
		if t.res.Timing.TrainSeconds > 0 {
			t.res.Timing.ImagesPerSec = float64(imgs) / t.res.Timing.TrainSeconds
		}
	}
	if t.bestEpoch == 0 {
		return nil
	}
	sel := t.res.Epochs[t.bestEpoch-1]
	t.res.Val = sel.Val
	if sel.Test != nil {
		t.res.Test = sel.Test
		return nil
	}
	// Evaluate the selected model without disturbing the trained state (the
	// final checkpoint keeps the last model as well as the selected one).
	current := map[string][]float32{}
	for _, p := range t.model.Params() {
		current[p.Name] = append([]float32(nil), p.Value.Float32s()...)
	}
	if err := loadParams(t.model, t.best, ""); err != nil {
		return err
	}
	m := t.evaluate(t.testSet)
	t.res.Test = &m
	return loadParams(t.model, current, "")
}

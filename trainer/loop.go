package trainer

import (
	"context"
	"fmt"
	"math"
	"time"
)

// loop runs the remaining epochs.
func (t *trial) loop(ctx context.Context) error {
	cfg := t.cfg
	for t.pos.Epochs < cfg.Epochs {
		epochStart := time.Now()
		e := t.pos.Epochs
		t.trainB.Epoch(e)
		for range t.pos.Batches { // resuming mid-epoch: replay the order
			t.trainB.Next(t.x, t.labels)
		}
		if t.pos.Batches == 0 {
			t.partial = partialEpoch{}
		}
		trainStart := time.Now()
		for {
			if err := ctx.Err(); err != nil {
				t.partial.TrainSeconds += time.Since(trainStart).Seconds()
				t.res.Status = StatusInterrupted
				t.progress.interrupted()
				return &InterruptedError{At: t.pos, Err: err}
			}
			n := t.trainB.Next(t.x, t.labels)
			if n == 0 {
				break
			}
			lr := lrAt(cfg.Schedule, cfg.LR, e*t.itersPerEpoch+t.pos.Batches, t.itersPerEpoch, cfg.Epochs)
			x := t.batchTensor(n)
			labels := t.labels[:n]
			t.model.ZeroGrad()
			logits := t.model.Forward(x, true)
			loss := t.loss.Forward(logits, labels)
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				t.res.Status = StatusDiverged
				t.res.Diverged = &Divergence{Epoch: e + 1, Batch: t.pos.Batches + 1, Loss: fmt.Sprint(loss)}
				t.progress.diverged(*t.res.Diverged)
				return nil
			}
			t.model.Backward(t.loss.Backward())
			t.opt.Step(lr)
			c1, c5 := topK(logits, labels)
			p := &t.partial
			p.LossSum += loss * float64(n)
			p.Correct1 += c1
			p.Correct5 += c5
			p.N += n
			p.LR = lr
			t.pos.Batches++
			t.progress.batch(t.pos, p, time.Since(trainStart).Seconds()+p.TrainSeconds)
			if t.opts.OnBatch != nil {
				t.opts.OnBatch(t.pos)
			}
		}
		t.partial.TrainSeconds += time.Since(trainStart).Seconds()
		rec := t.endEpoch(epochStart)
		t.pos = Position{Epochs: e + 1}
		t.progress.epoch(rec)
		if t.opts.OnEpoch != nil {
			t.opts.OnEpoch(rec)
		}
		if t.opts.Checkpoint != "" && t.pos.Epochs < cfg.Epochs {
			if err := t.save(t.opts.Checkpoint); err != nil {
				return err
			}
		}
	}
	t.res.Status = StatusOK
	return nil
}

// endEpoch evaluates, records diagnostics and updates model selection.
func (t *trial) endEpoch(epochStart time.Time) Epoch {
	p := t.partial
	rec := Epoch{
		Epoch: t.pos.Epochs + 1,
		LR:    p.LR,
		Train: t.metrics(p.LossSum, p.Correct1, p.Correct5, p.N),
	}
	rec.TrainSeconds = p.TrainSeconds
	if p.TrainSeconds > 0 {
		rec.ImagesPerSec = float64(p.N) / p.TrainSeconds
	}
	if t.valSet != nil {
		m := t.evaluate(t.valSet)
		rec.Val = &m
	}
	if t.cfg.TestEveryEpoch {
		m := t.evaluate(t.testSet)
		rec.Test = &m
	}
	rec.Dead, rec.ActParams = t.diagnostics()
	rec.Seconds = time.Since(epochStart).Seconds()
	t.res.Epochs = append(t.res.Epochs, rec)
	t.res.Timing.TrainSeconds += rec.TrainSeconds
	// Model selection: validation top-1, the earliest epoch on ties; or the last.
	if t.cfg.Selection == SelectLast || (rec.Val != nil && (t.bestEpoch == 0 || rec.Val.Top1 > t.bestTop1)) {
		t.bestEpoch = rec.Epoch
		if rec.Val != nil {
			t.bestTop1 = rec.Val.Top1
		}
		t.snapshot()
	}
	return rec
}

// snapshot copies the model's parameters and buffers as the selected model.
func (t *trial) snapshot() {
	if t.best == nil {
		t.best = map[string][]float32{}
	}
	for _, p := range t.model.Params() {
		t.best[p.Name] = append(t.best[p.Name][:0], p.Value.Float32s()...)
	}
}

package trainer

import (
	"fmt"

	"github.com/actbench/actbench/layers"
	"github.com/actbench/actbench/models"
)

// trainableParams applies a freezing mode: the parameters the optimiser
// updates, plus alwaysTrain (a replaced classifier head) in model order.
// Frozen parameters still receive gradients (they are cheap next to the
// input gradients every layer needs) but never change; batch-norm running
// statistics keep updating in training mode, as in PyTorch with
// requires_grad=False.
func trainableParams(m *models.Model, freeze string, lastK int, alwaysTrain []*layers.Param) (out []*layers.Param, err error) {
	defer func() {
		if err != nil || len(alwaysTrain) == 0 {
			return
		}
		in := map[*layers.Param]bool{}
		for _, p := range out {
			in[p] = true
		}
		for _, p := range alwaysTrain {
			in[p] = true
		}
		out = out[:0]
		for _, p := range m.Params() {
			if in[p] {
				out = append(out, p)
			}
		}
	}()
	switch freeze {
	case FreezeNone, "":
		for _, p := range m.Params() {
			if p.Kind != layers.Buffer {
				out = append(out, p)
			}
		}
	case FreezeAllButAct:
		for _, p := range m.Params() {
			if p.Kind == layers.ActivationParam {
				out = append(out, p)
			}
		}
		// A parameter-free activation leaves nothing to train: the trial
		// then runs its epochs unchanged but for batch-norm statistics (the
		// honest equal-budget control of a fine-tuning protocol).
	case FreezeAllButK:
		ls := m.Layers()
		var weighted []int
		for i, l := range ls {
			for _, p := range l.Params() {
				if p.Kind == layers.Weight {
					weighted = append(weighted, i)
					break
				}
			}
		}
		if lastK > len(weighted) {
			return nil, fmt.Errorf("trainer: freeze last-k with k=%d: %s has only %d weight layers", lastK, m.Spec, len(weighted))
		}
		for _, l := range ls[weighted[len(weighted)-lastK]:] {
			for _, p := range l.Params() {
				if p.Kind != layers.Buffer {
					out = append(out, p)
				}
			}
		}
	default:
		return nil, fmt.Errorf("trainer: freeze %q unknown (want none, act or last-k)", freeze)
	}
	return out, nil
}

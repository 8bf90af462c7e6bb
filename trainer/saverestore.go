package trainer

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/actbench/actbench/models"
)

// readResume returns the checkpoint Run resumes from: opts.Checkpoint when
// opts.Resume asks for it and the file exists (nil when it does not), after
// checking that it is of the same resolved config.
func readResume(cfg Config, opts Options) (*checkpoint, error) {
	if !opts.Resume || opts.Checkpoint == "" {
		return nil, nil
	}
	c, err := readCheckpoint(opts.Checkpoint)
	switch {
	case errors.Is(err, errNoCheckpoint):
		return nil, nil
	case err != nil:
		return nil, err
	}
	if err := sameConfig(c.Config, cfg); err != nil {
		return nil, fmt.Errorf("trainer: cannot resume from %s: %w", opts.Checkpoint, err)
	}
	return c, nil
}

// sameConfig reports how two resolved configs differ (nil when equal).
func sameConfig(saved, now Config) error {
	a, b := fmt.Sprintf("%+v", flatConfig(saved)), fmt.Sprintf("%+v", flatConfig(now))
	if a != b {
		return fmt.Errorf("its config differs from this one\n  checkpoint: %s\n  now:        %s", a, b)
	}
	return nil
}

func flatConfig(c Config) any {
	type flat struct {
		Config
		FT FineTune
	}
	f := flat{Config: c}
	if c.FineTune != nil {
		f.FT = *c.FineTune
	}
	f.Config.FineTune = nil
	return f
}

// save writes the trial's complete state to path.
func (t *trial) save(path string) error {
	rng, err := t.model.RNGState()
	if err != nil {
		return err
	}
	tensors := map[string][]float32{}
	shapes := map[string][]int{}
	for _, p := range t.model.Params() {
		tensors["model/"+p.Name] = p.Value.Float32s()
		shapes["model/"+p.Name] = p.Value.Shape().Clone()
	}
	for name, v := range t.best {
		tensors["best/"+name] = v
		if s, ok := shapes["model/"+name]; ok {
			shapes["best/"+name] = s
		}
	}
	for name, v := range t.opt.state() {
		tensors["opt/"+name] = v
	}
	h := checkpointHeader{
		Config: t.cfg, Pos: t.pos, OptStep: t.opt.step, RNG: rng, Result: t.res,
		BestEpoch: t.bestEpoch,
	}
	if t.pos.Batches > 0 {
		p := t.partial
		h.Partial = &p
	}
	h.Result.SelectedEpoch = t.bestEpoch
	return writeCheckpoint(path, h, tensors, shapes)
}

// restore loads a checkpoint written by save into a freshly set-up trial.
func (t *trial) restore(c *checkpoint) error {
	if err := loadParams(t.model, c.tensors, "model/"); err != nil {
		return err
	}
	if err := t.model.SetRNGState(c.RNG); err != nil {
		return err
	}
	opt := map[string][]float32{}
	for name, v := range c.tensors {
		if rest, ok := strings.CutPrefix(name, "opt/"); ok {
			opt[rest] = v
		}
	}
	if err := t.opt.setState(c.OptStep, opt); err != nil {
		return err
	}
	t.bestEpoch = c.BestEpoch
	if c.BestEpoch > 0 {
		t.best = map[string][]float32{}
		for _, p := range t.model.Params() {
			v, ok := c.tensors["best/"+p.Name]
			if !ok {
				return fmt.Errorf("no tensor best/%s", p.Name)
			}
			t.best[p.Name] = v
		}
		if c.BestEpoch <= len(c.Result.Epochs) {
			if v := c.Result.Epochs[c.BestEpoch-1].Val; v != nil {
				t.bestTop1 = v.Top1
			}
		}
	}
	t.pos = c.Pos
	if c.Partial != nil {
		t.partial = *c.Partial
	}
	prev := c.Result
	t.res.Epochs = prev.Epochs
	t.res.Timing = prev.Timing
	t.res.Timing.Started = time.Time{}
	pos := c.Pos
	t.res.ResumedAt = &pos
	return nil
}

// loadParams copies tensors[prefix+name] into every parameter and buffer of m.
func loadParams(m *models.Model, tensors map[string][]float32, prefix string) error {
	for _, p := range m.Params() {
		src, ok := tensors[prefix+p.Name]
		dst := p.Value.Float32s()
		if !ok {
			return fmt.Errorf("no tensor %s%s for model %s with activation %s", prefix, p.Name, m.Spec, m.Act())
		}
		if len(src) != len(dst) {
			return fmt.Errorf("tensor %s%s has %d values, model %s wants %d", prefix, p.Name, len(src), m.Spec, len(dst))
		}
		copy(dst, src)
	}
	return nil
}

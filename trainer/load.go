package trainer

import (
	"fmt"

	"github.com/actbench/actbench/models"
)

// Which model of a checkpoint LoadModel returns.
const (
	ModelSelected = "selected" // the epoch model selection picked (the last model when none was picked yet)
	ModelLast     = "last"     // the model as training left it
)

// LoadModel rebuilds the model stored in a checkpoint file and loads its
// weights and buffers (which = "selected" or "last"). It also returns the
// trial's config and the checkpoint's training position. The model's
// activation is the one it was trained with; SwapActivations changes it.
func LoadModel(path, which string) (*models.Model, Config, Position, error) {
	c, err := readCheckpoint(path)
	if err != nil {
		return nil, Config{}, Position{}, err
	}
	info := c.Result.Model
	m, err := models.New(c.Config.Model, c.Config.Act, info.InShape, info.Classes)
	if err != nil {
		return nil, Config{}, Position{}, fmt.Errorf("trainer: checkpoint %s: %w", path, err)
	}
	m.InitWith(deriveSeed(c.Config.Seed, "init"), initScheme(c.Config.Init))
	prefix := "model/"
	switch which {
	case ModelSelected:
		if c.BestEpoch > 0 {
			prefix = "best/"
		}
	case ModelLast:
	default:
		return nil, Config{}, Position{}, fmt.Errorf("trainer: LoadModel: which = %q, want %q or %q", which, ModelSelected, ModelLast)
	}
	if err := loadParams(m, c.tensors, prefix); err != nil {
		return nil, Config{}, Position{}, fmt.Errorf("trainer: checkpoint %s: %w", path, err)
	}
	if err := m.SetRNGState(c.RNG); err != nil {
		return nil, Config{}, Position{}, fmt.Errorf("trainer: checkpoint %s: %w", path, err)
	}
	return m, c.Config, c.Pos, nil
}

package runner

import (
	"strings"
	"testing"

	"github.com/actbench/actbench/grid"
)

// TestGridFileRecipeControlsReachTrainer: a grid file names the recipe
// controls as the README says, and they reach the trainer's config.
func TestGridFileRecipeControlsReachTrainer(t *testing.T) {
	g, err := grid.Decode(strings.NewReader(`{"models": ["simplecnn"], "datasets": [{"name": "mnist", "val": 10}],
		"recipes": [{"name": "r", "epochs": 1, "optimizer": "sgd", "lr": 0.1, "batch": 8, "augment": true,
		"init": "he-normal", "crop_pad": "mean", "lr_step": "per-epoch"}], "seeds": [1], "activations": ["relu"]}`))
	if err != nil {
		t.Fatal(err)
	}
	tr := TrialRun{Trial: grid.Trial{TrialConfig: grid.TrialConfig{Model: "simplecnn", Dataset: g.Datasets[0], Recipe: g.Recipes[0], Seed: 1, Activation: "relu"}}}
	if c := tr.TrainerConfig(); c.Init != "he-normal" || c.CropPad != "mean" || c.Schedule.Stepping != "per-epoch" {
		t.Errorf("trainer config: init %q crop_pad %q stepping %q", c.Init, c.CropPad, c.Schedule.Stepping)
	}
}

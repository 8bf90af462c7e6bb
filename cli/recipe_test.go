package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/trainer"
)

// TestRecipeControlFlags: train records --init, --crop-pad and --lr-step in
// its config, rejects bad values naming the valid ones, and run applies
// them to every recipe (a new grid) while a run without them keeps the
// preset's grid id.
func TestRecipeControlFlags(t *testing.T) {
	data := fakeCIFAR10(t)
	js := filepath.Join(t.TempDir(), "r.json")
	code, out, errOut := runTrialCLI("train", "--model", "simplecnn", "--act", "relu", "--data", "cifar10", "--data-dir", data,
		"--val", "20", "--subset", "40", "--epochs", "1", "--batch", "20", "--probe", "-1", "--quiet", "--augment",
		"--init", "he-normal", "--crop-pad", "reflect", "--schedule", "cosine", "--lr-step", "per-epoch", "--json", js)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	raw, _ := os.ReadFile(js)
	var res trainer.Result
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	if c := res.Config; c.Init != "he-normal" || c.CropPad != "reflect" || c.Schedule.Stepping != "per-epoch" {
		t.Errorf("recorded init %q crop_pad %q stepping %q", c.Init, c.CropPad, c.Schedule.Stepping)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--init", "he_normal"}, `did you mean "he-normal"`},
		{[]string{"--crop-pad", "zero", "--augment"}, "want black, mean, reflect"},
		{[]string{"--crop-pad", "mean"}, "needs augment"},
		{[]string{"--lr-step", "batch"}, `did you mean "per-batch"`},
	} {
		args := append([]string{"train", "--data-dir", data}, tc.args...)
		if code, _, errOut := runTrialCLI(args...); code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want usage error containing %q", tc.args, code, errOut, tc.want)
		}
	}

	code, plain, _ := benchCLI("run", "--dry-run")
	p, _ := grid.LookupPreset(grid.DefaultPreset)
	g := p.Grid()
	trials, _ := g.Expand()
	if code != 0 || !strings.Contains(plain, grid.ID(trials)) {
		t.Errorf("run --dry-run without the flags should keep the preset's grid id %s:\n%s", grid.ID(trials), plain)
	}
	code, out, errOut = benchCLI("run", "--print-grid", "--augment", "--init", "he-normal", "--crop-pad", "mean", "--lr-step", "per-epoch")
	if code != 0 {
		t.Fatalf("print-grid: exit %d %s", code, errOut)
	}
	pg, err := grid.Decode(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range pg.Recipes {
		if r.Init != "he-normal" || r.CropPad != "mean" || r.LRStep != "per-epoch" {
			t.Errorf("recipe %s: init %q crop_pad %q lr_step %q", r.Name, r.Init, r.CropPad, r.LRStep)
		}
	}
	// --no-augment drops a grid's crop padding with its crop.
	file := filepath.Join(t.TempDir(), "g.json")
	os.WriteFile(file, []byte(out), 0o644)
	code, out, errOut = benchCLI("run", "--grid", file, "--print-grid", "--no-augment")
	if pg, err := grid.Decode(strings.NewReader(out)); code != 0 || err != nil || pg.Recipes[0].CropPad != "" || pg.Recipes[0].Init != "he-normal" {
		t.Errorf("--no-augment on a grid with crop_pad: exit %d %v %s", code, err, errOut)
	}
	if code, _, errOut := benchCLI("run", "--dry-run", "--lr-step", "sometimes"); code != 2 || !strings.Contains(errOut, "want per-batch, per-epoch") {
		t.Errorf("run --lr-step sometimes: exit %d %s", code, errOut)
	}
}

// TestPresetsShowRecipeControls: a grid whose recipes set controls lists
// them per recipe; defaults (named or omitted) list nothing.
func TestPresetsShowRecipeControls(t *testing.T) {
	g := &grid.Grid{Recipes: []grid.Recipe{
		{Name: "plain", Init: "default", CropPad: "black"},
		{Name: "torch", Init: "he-normal", CropPad: "Mean", LRStep: "per-epoch"},
		{Name: "reflect", CropPad: "reflect", LRStep: "per-batch"},
	}}
	got := strings.Join(recipeControls(g), " | ")
	want := "torch: init he-normal, crop-pad mean, lr-step per-epoch | reflect: crop-pad reflect"
	if got != want {
		t.Errorf("recipeControls = %q, want %q", got, want)
	}
	var sb strings.Builder
	if err := writePresetsTable(&sb, []presetRow{{Name: "x", Recipe: recipeControls(g)}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sb.String(), "  recipe torch: init he-normal, crop-pad mean, lr-step per-epoch\n") {
		t.Errorf("presets table lacks the recipe line:\n%s", sb.String())
	}
}

package benchmarks

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actbench/actbench/trainer"
)

// TestCommittedResultsStillResume: every committed results file still
// belongs to the grid that produced it: the grid (its grid.json, or the
// default preset) expands to the same grid id and trial keys, and each
// record's trial and trainer configs encode to exactly the bytes stored
// (new config fields are omitted at their defaults), so re-running the
// command skips every finished trial.
func TestCommittedResultsStillResume(t *testing.T) {
	files, _ := filepath.Glob("../results/*/results.jsonl")
	if len(files) == 0 {
		t.Skip("no committed results")
	}
	for _, path := range files {
		dir := filepath.Dir(path)
		var g Grid
		if gp, err := ReadGridFile(filepath.Join(dir, "grid.json")); err == nil {
			g = *gp
		} else {
			p, err := LookupPreset(DefaultPreset)
			if err != nil {
				t.Fatal(err)
			}
			g = p.Grid()
		}
		trials, err := g.Expand()
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		keys := map[string]bool{}
		for _, tr := range trials {
			keys[tr.Key] = true
		}
		id := GridID(trials)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		n := 0
		for sc.Scan() {
			var raw struct {
				Key    string          `json:"key"`
				Grid   string          `json:"grid"`
				Config json.RawMessage `json:"config"`
				Result struct {
					Config json.RawMessage `json:"config"`
				} `json:"result"`
			}
			if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			n++
			if raw.Grid != id || !keys[raw.Key] {
				t.Fatalf("%s: record %s of grid %s: the grid now expands to %s and does not hold the key", path, raw.Key, raw.Grid, id)
			}
			var tc TrialConfig
			var rc trainer.Config
			if json.Unmarshal(raw.Config, &tc) != nil || json.Unmarshal(raw.Result.Config, &rc) != nil {
				t.Fatalf("%s: record %s: configs do not decode", path, raw.Key)
			}
			if TrialKey(tc) != raw.Key {
				t.Errorf("%s: record %s: its config now hashes to %s", path, raw.Key, TrialKey(tc))
			}
			for _, c := range []struct {
				v   any
				raw []byte
			}{{tc, raw.Config}, {rc, raw.Result.Config}} {
				b, _ := json.Marshal(c.v)
				if !bytes.Equal(b, c.raw) {
					t.Errorf("%s: record %s: config re-encodes differently:\n got %s\nwant %s", path, raw.Key, b, c.raw)
				}
			}
		}
		f.Close()
		if n == 0 {
			t.Errorf("%s: no records", path)
		}
	}
}

// TestRecipeControlsValidateAndKey: the recipe controls are validated
// (with the valid values and the nearest named), written as "" at their
// defaults so that naming a default keeps the keys of a recipe that omits
// it, and any other value is a different trial.
func TestRecipeControlsValidateAndKey(t *testing.T) {
	keysOf := func(mut func(*Recipe)) []string {
		t.Helper()
		g := testGrid()
		for i := range g.Recipes {
			g.Recipes[i].Augment = true
			mut(&g.Recipes[i])
		}
		trials, err := g.Expand()
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, tr := range trials {
			keys = append(keys, tr.Key)
		}
		return keys
	}
	base := keysOf(func(*Recipe) {})
	same := keysOf(func(r *Recipe) { r.Init, r.CropPad, r.LRStep = "default", "Black", "per-batch" })
	if strings.Join(base, ",") != strings.Join(same, ",") {
		t.Errorf("naming the defaults changed the trial keys")
	}
	for _, mut := range []func(*Recipe){
		func(r *Recipe) { r.Init = "he-normal" },
		func(r *Recipe) { r.CropPad = "mean" },
		func(r *Recipe) { r.CropPad = "reflect" },
		func(r *Recipe) { r.LRStep = "per-epoch" },
	} {
		if k := keysOf(mut); k[0] == base[0] {
			t.Errorf("a non-default control kept the trial key")
		}
	}
	for _, tc := range []struct {
		mut  func(*Recipe)
		want string
	}{
		{func(r *Recipe) { r.Init = "kaiming" }, `recipe "adam": init "kaiming" unknown (want default, he-normal)`},
		{func(r *Recipe) { r.CropPad = "reflekt" }, `crop_pad "reflekt" unknown (did you mean "reflect"?) (want black, mean, reflect)`},
		{func(r *Recipe) { r.LRStep = "epoch" }, `lr_step "epoch" unknown (did you mean "per-epoch"?)`},
		{func(r *Recipe) { r.CropPad, r.Augment = "mean", false }, `crop_pad "mean" needs augment`},
	} {
		g := testGrid()
		tc.mut(&g.Recipes[0])
		if err := g.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want it to contain %q", err, tc.want)
		}
	}
	// A grid file names them as the README says.
	g, err := DecodeGrid(strings.NewReader(`{"models": ["simplecnn"], "datasets": [{"name": "mnist", "val": 10}],
		"recipes": [{"name": "r", "epochs": 1, "optimizer": "sgd", "lr": 0.1, "batch": 8, "augment": true,
		"init": "he-normal", "crop_pad": "mean", "lr_step": "per-epoch"}], "seeds": [1], "activations": ["relu"]}`))
	if err != nil {
		t.Fatal(err)
	}
	tr := TrialRun{Trial: Trial{TrialConfig: TrialConfig{Model: "simplecnn", Dataset: g.Datasets[0], Recipe: g.Recipes[0], Seed: 1, Activation: "relu"}}}
	if c := tr.TrainerConfig(); c.Init != "he-normal" || c.CropPad != "mean" || c.Schedule.Stepping != "per-epoch" {
		t.Errorf("trainer config: init %q crop_pad %q stepping %q", c.Init, c.CropPad, c.Schedule.Stepping)
	}
}

// TestReportNeverPoolsDifferentRecipeControls: records that differ only in a
// recipe control (same recipe name) land in separate groups.
func TestReportNeverPoolsDifferentRecipeControls(t *testing.T) {
	recs := reportRecords(t)
	base, err := BuildReport(recs, ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, mut := range []func(*Recipe){
		func(r *Recipe) { r.Init = "he-normal" },
		func(r *Recipe) { r.CropPad = "reflect" },
		func(r *Recipe) { r.LRStep = "per-epoch" },
	} {
		all := append([]Record(nil), recs...)
		for _, r := range recs {
			mut(&r.Config.Recipe)
			r.Key = TrialKey(r.Config)
			all = append(all, r)
		}
		rep, err := BuildReport(all, ReportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Groups) != 2*len(base.Groups) {
			t.Fatalf("%d groups, want %d: records of different recipe controls pooled", len(rep.Groups), 2*len(base.Groups))
		}
		for _, g := range rep.Groups {
			if n := len(g.Rows[0].TestErr); n != len(base.Groups[0].Rows[0].TestErr) {
				t.Errorf("group %s: %d trials in its baseline row, want %d", g.Title(), n, len(base.Groups[0].Rows[0].TestErr))
			}
		}
	}
}

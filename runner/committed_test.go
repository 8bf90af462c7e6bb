package runner

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/trainer"
)

// TestCommittedResultsStillResume: every committed results file still
// belongs to the grid that produced it: the grid (its grid.json, or the
// default preset) expands to the same grid id and trial keys (a
// fine-tuning grid's pretraining records, role "pretrain", to the keys of
// its trials' pretraining stages), and each record's trial and trainer
// configs encode to exactly the bytes stored (new config fields are
// omitted at their defaults), so re-running the command skips every
// finished trial and stage.
func TestCommittedResultsStillResume(t *testing.T) {
	files, _ := filepath.Glob("../results/*/results.jsonl")
	if len(files) == 0 {
		t.Skip("no committed results")
	}
	for _, path := range files {
		dir := filepath.Dir(path)
		var g grid.Grid
		if gp, err := grid.ReadFile(filepath.Join(dir, "grid.json")); err == nil {
			g = *gp
		} else {
			p, err := grid.LookupPreset(grid.DefaultPreset)
			if err != nil {
				t.Fatal(err)
			}
			g = p.Grid()
		}
		trials, err := g.Expand()
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		keys, stages := map[string]bool{}, map[string]bool{}
		for _, tr := range trials {
			keys[tr.Key] = true
			if tr.Recipe.Pretrain != nil {
				stages[grid.PretrainTrial(tr).Key] = true
			}
		}
		id := grid.ID(trials)
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
				Role   string          `json:"role"`
				Config json.RawMessage `json:"config"`
				Result struct {
					Config json.RawMessage `json:"config"`
				} `json:"result"`
			}
			if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			n++
			known := keys[raw.Key]
			if raw.Role == "pretrain" {
				known = stages[raw.Key]
			}
			if raw.Grid != id || !known {
				t.Fatalf("%s: record %s of grid %s: the grid now expands to %s and does not hold the key", path, raw.Key, raw.Grid, id)
			}
			var tc grid.TrialConfig
			var rc trainer.Config
			if json.Unmarshal(raw.Config, &tc) != nil || json.Unmarshal(raw.Result.Config, &rc) != nil {
				t.Fatalf("%s: record %s: configs do not decode", path, raw.Key)
			}
			if grid.TrialKey(tc) != raw.Key {
				t.Errorf("%s: record %s: its config now hashes to %s", path, raw.Key, grid.TrialKey(tc))
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

// TestCommittedGridsAreValid: every committed grid file, run or not yet,
// reads, validates and expands, so a grid that a later session starts from
// its command.sh fails here first, not after hours of others' compute.
func TestCommittedGridsAreValid(t *testing.T) {
	files, _ := filepath.Glob("../results/*/grid.json")
	if len(files) == 0 {
		t.Skip("no committed grids")
	}
	for _, f := range files {
		g, err := grid.ReadFile(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		trials, err := g.Expand()
		if err == nil {
			err = CheckTrials(trials)
		}
		if err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

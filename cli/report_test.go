package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/record"
	"github.com/actbench/actbench/trainer"
)

// writeLeaderboardRecords writes a results file of two cells (cifar10 and
// cifar100 subsets) with relu, pvlu and tanh over the given seeds; pvlu is
// 10 % better than relu in every seed, and tanh diverges in seed 2 of
// cifar10.
func writeLeaderboardRecords(t *testing.T, seeds []uint64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "results.jsonl")
	var lines []string
	for _, ds := range []string{"cifar10", "cifar100"} {
		for _, seed := range seeds {
			for i, act := range []string{"relu", "pvlu", "tanh"} {
				spec, err := grid.CanonicalActivation(act)
				if err != nil {
					t.Fatal(err)
				}
				cfg := grid.TrialConfig{Model: "simplecnn", Dataset: grid.Dataset{Name: ds, Val: 100, Train: 500},
					Recipe: grid.Recipe{Name: "adam-cosine", Epochs: 3, Optimizer: "adam", LR: 1e-3, Batch: 64, Schedule: "cosine", Select: "best"},
					Seed:   seed, Activation: spec}
				base := 0.3 + 0.01*float64(seed%3)
				if ds == "cifar100" {
					base += 0.4
				}
				e := []float64{base, 0.9 * base, 1.2*base + 0.001*float64(seed)}[i]
				res := trainer.Result{Status: trainer.StatusOK, SelectedEpoch: 1,
					Epochs: []trainer.Epoch{{Epoch: 1, Val: &trainer.Metrics{N: 100, Top1: 1 - e}}},
					Test:   &trainer.Metrics{N: 1000, Top1: 1 - e},
					Model:  trainer.ModelInfo{Params: 2000 + i}, Data: trainer.DataInfo{Name: ds, SHA256: "sha"},
					Timing: trainer.Timing{EpochSeconds: 2}}
				if act == "tanh" && seed == 2 && ds == "cifar10" {
					res.Status = trainer.StatusDiverged
				}
				b, err := json.Marshal(record.Record{Schema: record.SchemaVersion, Key: grid.TrialKey(cfg), Grid: "leaderboard-test", Index: len(lines), Config: cfg, Result: res})
				if err != nil {
					t.Fatal(err)
				}
				lines = append(lines, string(b))
			}
		}
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReportLeaderboard runs 'actbench report --leaderboard' in every
// format, with --out and --plot, and on a file too small to rank.
func TestReportLeaderboard(t *testing.T) {
	file := writeLeaderboardRecords(t, []uint64{1, 2, 3, 4})
	code, out, errs := benchCLI("report", "--leaderboard", file, "--format", "md", "--resamples", "500")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"### Cell 1: simplecnn · cifar10[500] · adam-cosine",
		"| 1 | pvlu (best) | 27.90 [",
		"| 3 | tanh | 1/4 diverged | - | - | - | - |",
		"### Overall, 2 cells",
		"| 1 | pvlu | 1.00 | 27.90 | 63.90 |",
		"| 3 | tanh | 3.00 | diverged | ",
		"--act 'pvlu;relu;tanh'",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("md lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"table", "csv", "json", "latex"} {
		code, out, errs := benchCLI("report", "--leaderboard", file, "--format", f, "--resamples", "500")
		if code != 0 || !strings.Contains(out, "pvlu") {
			t.Errorf("--format %s: exit %d\n%s%s", f, code, out, errs)
		}
		if f == "csv" {
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(recs) != 1+6+3 || recs[0][0] != "section" {
				t.Errorf("csv: %d lines, %v", len(recs), err)
			}
		}
	}

	dir := t.TempDir()
	outFile, plots := filepath.Join(dir, "board.md"), filepath.Join(dir, "plots")
	code, out, errs = benchCLI("report", "--leaderboard", file, "--format", "md", "--out", outFile, "--plot", plots, "--resamples", "500")
	if code != 0 || out != "" || !strings.Contains(errs, "wrote 2 plot files") {
		t.Fatalf("--out --plot: exit %d, stdout %q, stderr %s", code, out, errs)
	}
	if b, err := os.ReadFile(outFile); err != nil || !strings.Contains(string(b), "### Overall") {
		t.Errorf("--out file: %v\n%s", err, b)
	}
	for _, ext := range []string{".png", ".svg"} {
		if st, err := os.Stat(filepath.Join(plots, "leaderboard-rer"+ext)); err != nil || st.Size() == 0 {
			t.Errorf("plot %s: %v", ext, err)
		}
	}

	// One seed: nothing to rank, a clear error, no --out file.
	one := writeLeaderboardRecords(t, []uint64{1})
	outFile = filepath.Join(dir, "none.md")
	code, _, errs = benchCLI("report", "--leaderboard", one, "--out", outFile)
	if code != 1 || !strings.Contains(errs, "no cell has 2 seeds that every activation finished") {
		t.Errorf("one seed: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(outFile); err == nil {
		t.Error("a failed report left its --out file")
	}
}

// TestReportLearned runs 'actbench report --learned': PVLU's a and b per
// layer of the records, nothing for ReLU, and a usage error (exit 2, before
// any work) beside --leaderboard.
func TestReportLearned(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.jsonl")
	var lines []string
	for _, seed := range []uint64{1, 2, 3} {
		for _, act := range []string{"relu", "pvlu"} {
			spec, err := grid.CanonicalActivation(act)
			if err != nil {
				t.Fatal(err)
			}
			cfg := grid.TrialConfig{Model: "simplecnn", Dataset: grid.Dataset{Name: "cifar10", Val: 100, Train: 500},
				Recipe: grid.Recipe{Name: "adam", Epochs: 1, Optimizer: "adam", LR: 1e-3, Batch: 64, Select: "best"},
				Seed:   seed, Activation: spec}
			ep := trainer.Epoch{Epoch: 1, Val: &trainer.Metrics{N: 100, Top1: 0.7}}
			if act == "pvlu" {
				for _, l := range []string{"conv1.act", "fc1.act"} {
					a := 0.1 + 0.01*float64(seed)
					ep.ActParams = append(ep.ActParams, trainer.ActParam{Layer: l, Param: "a", N: 1, Mean: a, Min: a, Max: a},
						trainer.ActParam{Layer: l, Param: "b", N: 1, Mean: 1, Min: 1, Max: 1})
				}
			}
			res := trainer.Result{Status: trainer.StatusOK, SelectedEpoch: 1, Epochs: []trainer.Epoch{ep},
				Test: &trainer.Metrics{N: 1000, Top1: 0.7 + 0.01*float64(seed)}, Data: trainer.DataInfo{Name: "cifar10", SHA256: "sha"}}
			b, err := json.Marshal(record.Record{Schema: record.SchemaVersion, Key: grid.TrialKey(cfg), Grid: "learned-test", Index: len(lines), Config: cfg, Result: res})
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, string(b))
		}
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := benchCLI("report", "--learned", path, "--format", "md")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"| pvlu | conv1.act | a | 0.1 | +0.1200 | [+0.1100, +0.1300] | - | 3 |", "| pvlu | fc1.act | b | 1 | +1.0000 |"} {
		if !strings.Contains(out, want) {
			t.Errorf("md lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "| relu |") {
		t.Errorf("relu has no parameters but has rows:\n%s", out)
	}
	code, _, errs = benchCLI("report", "--learned", "--leaderboard", path)
	if code != 2 || !strings.Contains(errs, "--leaderboard and --learned") {
		t.Errorf("--learned --leaderboard: exit %d: %s", code, errs)
	}
}

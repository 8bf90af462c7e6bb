package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/record"
	"github.com/actbench/actbench/report"
)

// benchCLI runs actbench with args and returns its exit status and output.
func benchCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(args, &Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader("")})
	return code, out.String(), errb.String()
}

func TestPresetsListsEveryPresetWithCost(t *testing.T) {
	code, out, errs := benchCLI("presets")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, name := range grid.PresetNames() {
		if !strings.Contains(out, name) {
			t.Errorf("presets output lacks %s", name)
		}
	}
	if !strings.Contains(out, "default (default)") || !strings.Contains(out, "est. time") {
		t.Errorf("presets output:\n%s", out)
	}
	code, out, _ = benchCLI("presets", "--format", "json")
	var rows []presetRow
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != len(grid.PresetNames()) || rows[0].Seconds <= 0 {
		t.Errorf("presets --format json: exit %d\n%s", code, out)
	}
}

func TestRunDryRunAndPrintGrid(t *testing.T) {
	code, out, errs := benchCLI("run", "--dry-run")
	if code != 0 || !strings.Contains(out, "20 trials") || !strings.Contains(out, "pvlu seed 5") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = benchCLI("run", "--print-grid", "--preset", "cifar100-cnn", "--seeds", "1-10", "--epochs", "30")
	if code != 0 {
		t.Fatalf("print-grid exit %d", code)
	}
	g, err := grid.Decode(strings.NewReader(out))
	if err != nil || len(g.Seeds) != 10 || g.Recipes[0].Epochs != 30 || g.Name != "cifar100-cnn" {
		t.Fatalf("printed grid does not read back: %v\n%s", err, out)
	}
	// The printed grid, run through --grid, is the same grid.
	file := filepath.Join(t.TempDir(), "g.json")
	os.WriteFile(file, []byte(out), 0o644)
	code, out2, errs := benchCLI("run", "--grid", file, "--dry-run", "--shard", "2/3")
	if code != 0 || !strings.Contains(out2, "shard 2/3") {
		t.Fatalf("--grid --dry-run: exit %d\n%s%s", code, out2, errs)
	}
	for _, bad := range [][]string{
		{"run", "--seeds", "x"},
		{"run", "--shard", "4/3"},
		{"run", "--preset", "nope"},
		{"run", "--preset", "default", "--grid", file},
		{"run", "--act", "nosuch"},
		{"run", "--format", "pdf"},
		{"run", "extra"},
		{"report"},
		{"merge", "a.jsonl"},
	} {
		if code, _, errs := benchCLI(bad...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage)\n%s", bad, code, errs)
		}
	}
}

// TestRunReportMergeEndToEnd trains a tiny grid with the real trainer on an
// MNIST subset, whole and as two shards, merges the shards, and renders the
// report in every format with plots.
func TestRunReportMergeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("trains real models")
	}
	if _, _, err := datasets.Load("mnist", ""); err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	dir := t.TempDir()
	grid := []string{"--model", "mlp(hidden=16,depth=1)", "--train", "300", "--val", "100", "--epochs", "1",
		"--seeds", "1-3", "--act", "relu;pvlu", "--batch", "50"}
	whole := filepath.Join(dir, "whole.jsonl")
	code, out, errs := benchCLI(append([]string{"run", "--out", whole}, grid...)...)
	if code != 0 {
		t.Fatalf("run: exit %d\n%s", code, errs)
	}
	if !strings.Contains(out, "relu (base)") || !strings.Contains(out, "pvlu") || !strings.Contains(errs, "done: 6 trials") {
		t.Errorf("run output:\n%s\n%s", out, errs)
	}
	// Again: everything is skipped.
	if code, _, errs = benchCLI(append([]string{"run", "--out", whole, "--no-report"}, grid...)...); code != 0 || !strings.Contains(errs, "6 already done, 0 to run") {
		t.Errorf("re-run: exit %d\n%s", code, errs)
	}
	var shards []string
	for _, k := range []string{"1/2", "2/2"} {
		s := filepath.Join(dir, "shard"+k[:1]+".jsonl")
		shards = append(shards, s)
		if code, _, errs := benchCLI(append([]string{"run", "--out", s, "--shard", k}, grid...)...); code != 0 {
			t.Fatalf("shard %s: exit %d\n%s", k, code, errs)
		}
	}
	merged := filepath.Join(dir, "merged.jsonl")
	code, out, errs = benchCLI("merge", "-o", merged, shards[1], shards[0])
	if code != 0 || !strings.Contains(out, "6 records (6 trials of the grid's 6)") {
		t.Fatalf("merge: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := benchCLI("merge", "-o", merged, shards[0]); code != 1 || !strings.Contains(errs, "--force") {
		t.Errorf("merge over an existing file: exit %d %s", code, errs)
	}
	a, _ := record.ReadFile(whole)
	b, _ := record.ReadFile(merged)
	for i := range a.Records {
		ra, rb := a.Records[i], b.Records[i]
		if ra.Key != rb.Key || *ra.Result.Test != *rb.Result.Test {
			t.Errorf("record %d: whole %s %+v, merged shards %s %+v", i, ra.Key, ra.Result.Test, rb.Key, rb.Result.Test)
		}
	}
	for _, f := range report.Formats {
		code, out, errs := benchCLI("report", merged, "--format", f)
		if code != 0 || !strings.Contains(out, "pvlu") {
			t.Errorf("report --format %s: exit %d\n%s%s", f, code, out, errs)
		}
	}
	plots := filepath.Join(dir, "plots")
	if code, _, errs := benchCLI("report", merged, "--plot", plots, "--baseline", "pvlu", "--adjust", "bh"); code != 0 {
		t.Fatalf("report --plot: exit %d\n%s", code, errs)
	}
	if files, _ := filepath.Glob(filepath.Join(plots, "*.svg")); len(files) < 2 {
		t.Errorf("plots: %v", files)
	}
}

// TestScaleOutExamplesUseRealFlags keeps benchmarks/examples in step with
// the CLI: every flag they pass to actbench run must exist.
func TestScaleOutExamplesUseRealFlags(t *testing.T) {
	for _, f := range []string{"slurm.sh", "k8s-job.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", "benchmarks", "examples", f))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		_, cmd, ok := strings.Cut(text, "run \\\n")
		if !ok {
			_, cmd, ok = strings.Cut(text, "actbench run\n")
		}
		if !ok {
			t.Fatalf("%s: no actbench run command found", f)
		}
		args := []string{"run", "--dry-run"}
		for _, field := range strings.Fields(cmd) {
			if !strings.HasPrefix(field, "--") {
				continue
			}
			switch name := strings.TrimPrefix(field, "--"); name {
			case "preset":
				args = append(args, field, "default")
			case "shard":
				args = append(args, field, "1/8")
			case "threads":
				args = append(args, field, "2")
			case "out", "data-dir":
				args = append(args, field, filepath.Join(t.TempDir(), "x"))
			default:
				args = append(args, field)
			}
		}
		if len(args) < 6 {
			t.Fatalf("%s: found only %v", f, args)
		}
		if code, _, errs := benchCLI(args...); code != 0 {
			t.Errorf("%s: actbench %v: exit %d\n%s", f, args, code, errs)
		}
	}
}

// TestRunDeadline: a deadline that passes at once stops the first trial (which
// always starts) with its checkpoint kept and exits 3 with a message saying
// how to go on; the same command without it finishes the grid; a negative
// deadline is a usage error.
func TestRunDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("trains real models")
	}
	if _, _, err := datasets.Load("mnist", ""); err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	out := filepath.Join(t.TempDir(), "r.jsonl")
	grid := []string{"run", "--out", out, "--no-report", "--model", "mlp(hidden=16,depth=1)", "--train", "300", "--val", "100",
		"--epochs", "1", "--seeds", "1-2", "--act", "relu", "--batch", "50"}
	code, _, errs := benchCLI(append(grid, "--deadline", "1ns")...)
	if code != 3 || !strings.Contains(errs, "stopped for --deadline with 2 trials left") || !strings.Contains(errs, "re-run the same command") {
		t.Fatalf("--deadline 1ns: exit %d (want 3)\n%s", code, errs)
	}
	if code, _, errs = benchCLI(grid...); code != 0 || !strings.Contains(errs, "done: 2 trials") {
		t.Fatalf("without a deadline: exit %d\n%s", code, errs)
	}
	if code, _, errs = benchCLI(append(grid, "--deadline", "-5m")...); code != 2 || !strings.Contains(errs, "--deadline -5m0s") {
		t.Errorf("--deadline -5m: exit %d (want 2)\n%s", code, errs)
	}
}

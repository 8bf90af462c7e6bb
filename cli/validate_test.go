package cli

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actbench/actbench/record"
)

// Nonsense numbers are refused before anything runs (exit 2), instead of
// being read as "keep the default" or training into NaN.
func TestNonsenseNumbersAreUsageErrors(t *testing.T) {
	nodata := filepath.Join(t.TempDir(), "nodata") // reaching the data would fail otherwise
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--lr", "NaN", "--dry-run"}, "--lr"},
		{[]string{"run", "--lr", "inf", "--dry-run"}, "--lr"},
		{[]string{"run", "--blur", "nan", "--dry-run"}, "--blur"},
		{[]string{"run", "--lr", "0", "--dry-run"}, "--lr 0"},
		{[]string{"run", "--epochs", "0", "--dry-run"}, "--epochs 0"},
		{[]string{"run", "--batch", "0", "--dry-run"}, "--batch 0"},
		{[]string{"run", "--train", "0", "--dry-run"}, "--train 0"},
		{[]string{"run", "--limit", "-1", "--dry-run"}, "--limit -1"},
		{[]string{"train", "--lr", "NaN", "--data-dir", nodata}, "--lr"},
		{[]string{"train", "--lr", "0", "--data-dir", nodata}, "--lr 0"},
		{[]string{"train", "--lr", "-1", "--data-dir", nodata}, "lr"},
		{[]string{"train", "--epochs", "0", "--data-dir", nodata}, "--epochs 0"},
		{[]string{"train", "--batch", "0", "--data-dir", nodata}, "--batch 0"},
		{[]string{"train", "--momentum", "NaN", "--opt", "sgd", "--data-dir", nodata}, "--momentum"},
		{[]string{"train", "--warmup", "+Inf", "--data-dir", nodata}, "--warmup"},
		{[]string{"finetune", "--to", "prelu", "--ft-lr", "NaN", "--data-dir", nodata}, "--ft-lr"},
		{[]string{"stats", "--a", "1,2,3", "--b", "1,2,3", "--alpha", "NaN"}, "--alpha"},
	} {
		code, _, errOut := runTrialCLI(c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q:\n%s", c.args, code, c.want, errOut)
		}
	}
}

// report warns, like merge, when two records of one trial disagree, naming
// the trial and both files and lines.
func TestReportWarnsOnConflictingDuplicates(t *testing.T) {
	results := filepath.Join("..", "results", "default", "results.jsonl")
	f, err := os.Open(results)
	if err != nil {
		t.Skipf("no committed results: %v", err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	os.WriteFile(a, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	var r record.Record
	if err := json.Unmarshal([]byte(lines[2]), &r); err != nil {
		t.Fatal(err)
	}
	r.Result.Test.Top1 -= 0.25
	changed, _ := json.Marshal(r)
	os.WriteFile(b, []byte(lines[0]+"\n"+string(changed)+"\n"), 0o644)
	code, _, errOut := runTrialCLI("report", a, b)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"warning: conflicting duplicate", r.Key, a + ":3 (host", b + ":2 (host"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Count(errOut, "conflicting duplicate") != 1 {
		t.Errorf("one conflict expected (the identical copy of line 1 is no conflict):\n%s", errOut)
	}
}

// Grid flags are checked before the first trial: a misspelt dataset (with
// a suggestion, also under --dry-run), a model the zoo lacks, sizes larger
// than the data; "MNIST" is the grid of "mnist".
func TestRunChecksTheGridBeforeTheFirstTrial(t *testing.T) {
	code, _, errOut := runTrialCLI("run", "--data", "mnist,mnsit", "--dry-run")
	if code != 2 || !strings.Contains(errOut, `unknown dataset "mnsit" (did you mean "mnist"?)`) {
		t.Errorf("--data mnist,mnsit --dry-run: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := runTrialCLI("run", "--model", "vgg12", "--dry-run"); code != 2 || !strings.Contains(errOut, "vgg12") {
		t.Errorf("--model vgg12: exit %d\n%s", code, errOut)
	}
	gridLine := func(data string) string {
		code, out, errOut := runTrialCLI("run", "--data", data, "--dry-run")
		if code != 0 {
			t.Fatalf("--data %s: exit %d\n%s", data, code, errOut)
		}
		return strings.SplitN(out, ";", 2)[0]
	}
	if a, b := gridLine("MNIST"), gridLine("mnist"); a != b {
		t.Errorf("--data MNIST: %q, --data mnist: %q (want one grid)", a, b)
	}

	data := fakeCIFAR10(t) // 240 training images, 60 test images
	out := filepath.Join(t.TempDir(), "r.jsonl")
	base := []string{"run", "--out", out, "--data", "cifar10", "--data-dir", data, "--model", "mlp(hidden=8,depth=1)",
		"--act", "relu;pvlu", "--seeds", "1-2", "--epochs", "1", "--batch", "40"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--val", "240", "--train", "10", "--test", "60"}, "val 240 leaves no training images: the training split has 240"},
		{[]string{"--val", "40", "--train", "201", "--test", "60"}, "train 201 exceeds the 200 training images"},
		{[]string{"--val", "40", "--train", "200", "--test", "61"}, "test 61 exceeds the 60 test images"},
	} {
		code, _, errOut := runTrialCLI(append(base, c.args...)...)
		if code != 1 || !strings.Contains(errOut, c.want) || strings.Contains(errOut, "epoch") {
			t.Errorf("%v: exit %d, want 1 and %q before any trial:\n%s", c.args, code, c.want, errOut)
		}
		if st, err := os.Stat(out); err == nil && st.Size() > 0 {
			t.Errorf("%v: trials ran", c.args)
		}
	}
}

// A --plot (or finetune --dir) directory that cannot be made is refused
// before any work, and
// train names the dataset it does not know with a suggestion.
func TestPlotDirAndTrainDataCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	results := filepath.Join("..", "results", "default", "results.jsonl")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", results, "--plot", filepath.Join(file, "plots")}, file + " is not a directory"},
		{[]string{"report", results, "--plot", file}, "is not a directory"},
		{[]string{"run", "--data", "cifar10", "--data-dir", filepath.Join(dir, "nodata"), "--plot", file}, "is not a directory"},
		{[]string{"finetune", "--to", "prelu", "--data-dir", filepath.Join(dir, "nodata"), "--dir", file}, "is not a directory"},
	} {
		code, out, errOut := runTrialCLI(c.args...)
		flag := c.args[len(c.args)-2]
		if code != 1 || out != "" || !strings.Contains(errOut, flag) || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, want 1 and %q:\n%s%s", c.args, code, c.want, out, errOut)
		}
	}
	code, _, errOut := runTrialCLI("report", results, "--plot", filepath.Join(dir, "new", "plots"))
	if code != 0 {
		t.Errorf("--plot in a directory to create: exit %d\n%s", code, errOut)
	}
	code, _, errOut = runTrialCLI("train", "--data", "cifar01", "--data-dir", dir)
	if code != 2 || !strings.Contains(errOut, `did you mean "cifar10"`) {
		t.Errorf("train --data cifar01: exit %d\n%s", code, errOut)
	}
}

package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/record"
)

func TestFinetuneCommand(t *testing.T) {
	data := fakeCIFAR10(t)
	dir := filepath.Join(t.TempDir(), "ft")
	js := filepath.Join(t.TempDir(), "ft.json")
	args := []string{"finetune", "--model", "mlp(hidden=16,depth=1)", "--act", "relu", "--data-dir", data,
		"--val", "40", "--batch", "40", "--pretrain-epochs", "1", "--epochs", "1", "--to", "pvlu(a=0,b=1)", "--to", "relu",
		"--dir", dir}
	code, out, errOut := runTrialCLI(append(args, "--json", js)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var arms []string
	for _, l := range lines {
		if strings.HasPrefix(l, "relu ") || strings.HasPrefix(l, "pvlu(") {
			arms = append(arms, l)
		}
	}
	if len(arms) != 2 || !strings.Contains(arms[0], "(control)") || !strings.HasPrefix(arms[1], "pvlu(") ||
		!strings.HasPrefix(out, "pretrained mlp(depth=1,hidden=16) with relu on cifar10 for 1 epochs") {
		t.Errorf("arms table:\n%s", out)
	}
	// The progress is the grid runner's: the pretraining stage, then the arms.
	if !strings.Contains(errOut, "] pretrain mlp(depth=1,hidden=16) cifar10 relu seed 1: epoch 1/1") || !strings.Contains(errOut, "[2/2] mlp(depth=1,hidden=16)") {
		t.Errorf("progress:\n%s", errOut)
	}

	// The control has the arms' budget and settings: only the activation
	// differs, and it continues from the same pretrained checkpoint.
	var res finetuneResult
	if raw, err := os.ReadFile(js); err != nil || json.Unmarshal(raw, &res) != nil {
		t.Fatalf("--json: %v", err)
	}
	if res.Control != "relu" || len(res.Arms) != 2 || res.Reused || res.Pretrain == nil {
		t.Fatalf("result: control %q, %d arms, reused %v", res.Control, len(res.Arms), res.Reused)
	}
	ctl, arm := res.Arms[0], res.Arms[1]
	for _, r := range res.Arms {
		ft := r.Config.FineTune
		if r.Status != "ok" || len(r.Epochs) != 1 || r.Epochs[0].Train.N == 0 || ft == nil || ft.From != res.From ||
			ft.FromEpochs != 1 || ft.FromAct != "relu" || !strings.HasPrefix(res.From, dir) {
			t.Errorf("%s arm: status %s, %d epochs, finetune %+v (want 1 trained epoch from %s)", r.Config.Act, r.Status, len(r.Epochs), ft, res.From)
		}
	}
	same := arm.Config
	same.Act = ctl.Config.Act
	if !reflect.DeepEqual(same, ctl.Config) || !reflect.DeepEqual(ctl.Data, arm.Data) {
		t.Errorf("control and arm differ beyond the activation:\ncontrol %+v\narm     %+v", ctl.Config, arm.Config)
	}

	// finetune is a grid run: the grid it prints, run by 'run' on the same
	// results file, finds every trial done.
	code, printed, errOut := runTrialCLI(append(args, "--print-grid")...)
	if code != 0 {
		t.Fatalf("--print-grid: exit %d\n%s", code, errOut)
	}
	g, err := grid.Decode(strings.NewReader(printed))
	if err != nil {
		t.Fatalf("--print-grid: %v\n%s", err, printed)
	}
	if !reflect.DeepEqual(g, res.Grid) {
		t.Errorf("printed grid %+v, ran %+v", g, res.Grid)
	}
	trials, _ := g.Expand()
	rr, err := record.ReadFile(filepath.Join(dir, "finetune.jsonl"))
	if err != nil || len(rr.Records) != 3 {
		t.Fatalf("records: %v", err)
	}
	want := []string{grid.PretrainTrial(trials[0]).Key, trials[0].Key, trials[1].Key}
	for i, r := range rr.Records {
		if r.Key != want[i] || r.Grid != grid.ID(trials) {
			t.Errorf("record %d: key %s grid %s, want %s of %s", i, r.Key, r.Grid, want[i], grid.ID(trials))
		}
	}
	gridFile := filepath.Join(t.TempDir(), "grid.json")
	os.WriteFile(gridFile, []byte(printed), 0o644)
	code, _, errOut = runTrialCLI("run", "--grid", gridFile, "--out", filepath.Join(dir, "finetune.jsonl"), "--data-dir", data, "--no-report")
	if code != 0 || !strings.Contains(errOut, "2 trials, 2 already done, 0 to run") {
		t.Errorf("run of the printed grid: exit %d\n%s", code, errOut)
	}

	// A run of another grid with the same pretraining stage, given the
	// same cache, reuses the finetune's pretraining.
	g.Recipes[0].Name = "other"
	g.Activations = []string{"relu", "prelu"}
	var b strings.Builder
	grid.Encode(&b, g)
	os.WriteFile(gridFile, []byte(b.String()), 0o644)
	code, _, errOut = runTrialCLI("run", "--grid", gridFile, "--out", filepath.Join(t.TempDir(), "other.jsonl"), "--data-dir", data,
		"--cache", filepath.Dir(res.From), "--no-report")
	if code != 0 || !strings.Contains(errOut, "reusing the finished "+res.From) {
		t.Errorf("run sharing the pretraining: exit %d\n%s", code, errOut)
	}
}

// The protocol's settings a grid cannot hold are refused before anything
// runs, naming the flag and what to use instead.
func TestFinetuneRefusesWhatAGridCannotHold(t *testing.T) {
	nodata := filepath.Join(t.TempDir(), "nodata")
	for _, tc := range []struct {
		extra []string
		want  string
	}{
		{[]string{"--from", "x.ckpt"}, "train --finetune-from"},
		{[]string{"--pretrain-blur", "1"}, "--pretrain-blur is no longer supported"},
		{[]string{"--new-head"}, "--new-head"},
		{[]string{"--norm", "source"}, "--norm source"},
		{[]string{"--beta1", "0.8"}, "--beta1: a grid recipe has no place for it"},
		{[]string{"--probe", "16", "--min-lr", "1e-5", "--schedule", "cosine"}, "--min-lr, --probe"},
		{[]string{"--blur", "1", "--blur-apply", "test"}, "--blur-apply"},
		{[]string{"--freeze", "most"}, `--freeze "most" unknown`},
		{[]string{"--resume"}, "--resume needs --dir"},
	} {
		args := append([]string{"finetune", "--to", "prelu", "--data-dir", nodata}, tc.extra...)
		code, _, errOut := runTrialCLI(args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, want 2 with %q\n%s", tc.extra, code, tc.want, errOut)
		}
	}
}

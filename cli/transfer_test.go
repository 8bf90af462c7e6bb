package cli

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actbench/actbench/trainer"
)

// fakeCIFAR100 writes a small CIFAR-100 directory (official binary layout:
// coarse label, fine label, 3072 pixels; 300 training and 100 test records)
// beside the fake CIFAR-10 in parent, so one --data-dir serves both.
func fakeCIFAR100(t *testing.T, parent string) {
	t.Helper()
	dir := filepath.Join(parent, "cifar-100-binary")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(2, 2))
	write := func(name string, n int) {
		var b bytes.Buffer
		for i := range n {
			label := i % 100
			b.WriteByte(byte(label / 5))
			b.WriteByte(byte(label))
			for c := range 3 {
				base := 20 + 2*((label*7+c*31)%100)
				for range 1024 {
					b.WriteByte(byte(base + r.IntN(20)))
				}
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("train.bin", 300)
	write("test.bin", 100)
}

// transferData returns a --data-dir holding fake CIFAR-10 and CIFAR-100.
func transferData(t *testing.T) string {
	parent := filepath.Dir(fakeCIFAR10(t))
	fakeCIFAR100(t, parent)
	return parent
}

func TestTrainFinetuneFromTransfersAcrossDatasets(t *testing.T) {
	data := transferData(t)
	dir := t.TempDir()
	c100 := filepath.Join(dir, "c100.ckpt")
	code, out, errOut := runTrialCLI("train", "--model", "mlp(hidden=16,depth=1)", "--act", "relu", "--data", "cifar100",
		"--data-dir", data, "--val", "0", "--epochs", "1", "--batch", "50", "--seed", "4", "--checkpoint", c100, "--quiet")
	if code != 0 {
		t.Fatalf("pretraining: exit %d\n%s\n%s", code, out, errOut)
	}
	run := func(extra ...string) trainer.Result {
		t.Helper()
		args := append([]string{"train", "--finetune-from", c100, "--data", "cifar10", "--data-dir", data, "--val", "40",
			"--epochs", "1", "--batch", "40", "--seed", "4", "--json", "-", "--quiet"}, extra...)
		code, out, errOut := runTrialCLI(args...)
		var r trainer.Result
		if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
			t.Fatalf("%v: exit %d\n%s\n%s", extra, code, out, errOut)
		}
		return r
	}
	a := run("--act", "pvlu(a=0.1,b=1)", "--blur", "1", "--freeze", "act")
	x := a.Transfer
	if x == nil || !x.Head.Replaced || x.Head.FromClasses != 100 || x.Head.Classes != 10 || x.FromData != "cifar100" ||
		x.FromBlur != 0 || x.Swapped == nil || x.Swapped.From != "relu" || len(x.Reinitialized) != 2 {
		t.Fatalf("transfer record %+v", x)
	}
	if a.Config.Model != "mlp(depth=1,hidden=16)" || a.Config.Blur != 1 || a.Model.Classes != 10 || a.Config.FineTune.Freeze != "act" {
		t.Errorf("config %+v", a.Config)
	}
	if want := 10*16 + 10 + a.Model.ActParams; a.Model.Trainable != want || !x.Head.Trainable {
		t.Errorf("freeze act: %d trainable values, want %d (new head + activation parameters)", a.Model.Trainable, want)
	}
	// Without --act the checkpoint's activation continues.
	b := run("--freeze", "last-k", "--last-k", "1")
	if b.Config.Act != "relu" || b.Transfer.Swapped != nil || b.Config.FineTune.LastK != 1 {
		t.Errorf("no --act: act %s, swap %+v", b.Config.Act, b.Transfer.Swapped)
	}
	// The human summary says what happened.
	code, out, _ = runTrialCLI("train", "--finetune-from", c100, "--data", "cifar10", "--data-dir", data, "--val", "40",
		"--epochs", "1", "--batch", "40", "--quiet")
	if code != 0 || !strings.Contains(out, "new head fc2 (class count 100 -> 10)") || !strings.Contains(out, "normalised with target statistics") {
		t.Errorf("summary:\n%s", out)
	}
	// Incompatible: another model names the tensor and both shapes.
	code, _, errOut = runTrialCLI("train", "--finetune-from", c100, "--model", "mlp(hidden=8,depth=1)", "--data", "cifar10",
		"--data-dir", data, "--val", "40", "--epochs", "1", "--quiet")
	if code != 1 || !strings.Contains(errOut, "fc1.weight") || !strings.Contains(errOut, "[16 3072]") || !strings.Contains(errOut, "[8 3072]") {
		t.Errorf("other model: exit %d\n%s", code, errOut)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"train", "--freeze", "act"}, 2, "--freeze needs --finetune-from"},
		{[]string{"train", "--new-head"}, 2, "--new-head needs --finetune-from"},
		{[]string{"train", "--finetune-from", c100, "--norm", "mean"}, 2, "norm \"mean\" unknown"},
		{[]string{"train", "--finetune-from", c100, "--freeze", "some"}, 2, "freeze \"some\" unknown"},
		{[]string{"train", "--finetune-from", filepath.Join(dir, "none.ckpt")}, 1, "no checkpoint"},
	} {
		code, _, errOut := runTrialCLI(tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s", tc.args, code, tc.code, tc.want, errOut)
		}
	}
}

func TestFinetuneCommandTransfersAndReusesThePretraining(t *testing.T) {
	data := transferData(t)
	cache := t.TempDir()
	args := []string{"finetune", "--model", "mlp(hidden=16,depth=1)", "--act", "relu", "--data-dir", data,
		"--pretrain-data", "cifar100", "--pretrain-val", "0", "--pretrain-epochs", "1", "--data", "cifar10", "--val", "40",
		"--batch", "40", "--epochs", "1", "--blur", "1", "--to", "pvlu(a=0,b=1)", "--cache", cache, "--json", "-", "--quiet"}
	var first finetuneResult
	code, out, errOut := runTrialCLI(args...)
	if code != 0 || json.Unmarshal([]byte(out), &first) != nil {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if first.Reused || first.Pretrain == nil || first.Pretrain.Data.Name != "cifar100" || first.Pretrain.Config.Blur != 0 ||
		!strings.HasPrefix(first.From, cache) || len(first.Arms) != 2 {
		t.Fatalf("protocol: %+v", first)
	}
	for _, a := range first.Arms {
		if a.Data.Name != "cifar10" || a.Config.Blur != 1 || a.Transfer == nil || !a.Transfer.Head.Replaced {
			t.Errorf("arm %s: data %s blur %g transfer %+v", a.Config.Act, a.Data.Name, a.Config.Blur, a.Transfer)
		}
	}
	code, out, errOut = runTrialCLI(args[:len(args)-3]...) // the table, same cache
	if code != 0 || !strings.Contains(out, "reused the pretraining of mlp(depth=1,hidden=16) with relu on cifar100") ||
		!strings.Contains(out, "transfer cifar100 -> cifar10") || !strings.Contains(out, "new head fc2 (class count 100 -> 10, from seed 1)") {
		t.Errorf("second run:\n%s\n%s", out, errOut)
	}
}

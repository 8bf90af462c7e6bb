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

// fakeCIFAR10 writes a small CIFAR-10 directory in the official binary
// layout (one training file of 240 records, a test file of 60): the colour
// of each image depends on its class, so a model can learn it.
func fakeCIFAR10(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "cifar-10-batches-bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	write := func(name string, n int) {
		var b bytes.Buffer
		for i := range n {
			label := i % 10
			b.WriteByte(byte(label))
			for c := range 3 {
				base := 40 + 20*((label+c*3)%10)
				for range 1024 {
					b.WriteByte(byte(base + r.IntN(30)))
				}
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("data_batch_1.bin", 240)
	write("test_batch.bin", 60)
	names := "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n"
	if err := os.WriteFile(filepath.Join(dir, "batches.meta.txt"), []byte(names), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runTrialCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = Run(args, &Env{Stdout: &o, Stderr: &e, Stdin: strings.NewReader("")})
	return code, o.String(), e.String()
}

func TestTrainCommand(t *testing.T) {
	data := fakeCIFAR10(t)
	dir := t.TempDir()
	js := filepath.Join(dir, "run.json")
	ckpt := filepath.Join(dir, "run.ckpt")
	args := []string{"train", "--model", "mlp(hidden=32,depth=1)", "--act", "pvlu(a=0.1,b=1)", "--data", "cifar10",
		"--data-dir", data, "--val", "40", "--epochs", "2", "--batch", "32", "--seed", "3", "--opt", "adam", "--lr", "3e-3",
		"--checkpoint", ckpt, "--json", js}
	code, out, errOut := runTrialCLI(args...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if n := strings.Count(errOut, "epoch "); n != 2 || !strings.Contains(errOut, "epoch 2/2") {
		t.Errorf("stderr should have one line per epoch:\n%s", errOut)
	}
	if !strings.Contains(out, "selected epoch") || !strings.Contains(out, "test top1") {
		t.Errorf("summary:\n%s", out)
	}
	raw, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var res trainer.Result
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	if res.Status != trainer.StatusOK || len(res.Epochs) != 2 || res.Data.Train != 200 || res.Data.Val != 40 ||
		res.Data.Test != 60 || res.Config.Seed != 3 || res.Config.Model != "mlp(depth=1,hidden=32)" || res.Test == nil {
		t.Errorf("record: status %s, %d epochs, data %+v, config %+v", res.Status, len(res.Epochs), res.Data, res.Config)
	}
	if res.Env.GEMM == "" || res.Env.CPU == "" || res.Model.ActParams != 2 {
		t.Errorf("env %+v model %+v", res.Env, res.Model)
	}
	// --resume on the finished checkpoint returns the same record.
	code, out2, _ := runTrialCLI(append(args, "--resume", "--json", "-", "--quiet")...)
	var again trainer.Result
	if code != 0 || json.Unmarshal([]byte(out2), &again) != nil || again.Test.Top1 != res.Test.Top1 {
		t.Errorf("resume of a finished trial: exit %d\n%s", code, out2)
	}
	// --config reproduces the trial from its record, flags override.
	cfgFile := filepath.Join(dir, "cfg.json")
	b, _ := json.Marshal(res.Config)
	os.WriteFile(cfgFile, b, 0o644)
	code, out3, errOut := runTrialCLI("train", "--config", cfgFile, "--json", "-", "--quiet", "--epochs", "1")
	var third trainer.Result
	if code != 0 || json.Unmarshal([]byte(out3), &third) != nil {
		t.Fatalf("--config: exit %d %s", code, errOut)
	}
	if third.Config.Epochs != 1 || third.Epochs[0].Val.Top1 != res.Epochs[0].Val.Top1 || third.Config.LR != 3e-3 {
		t.Errorf("--config run differs from the original's first epoch: %+v vs %+v", third.Epochs[0].Val, res.Epochs[0].Val)
	}
}

func TestTrainCommandUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"train", "--opt", "rmsprop"},
		{"train", "--resume"},
		{"train", "--seed", "0", "--data-dir", "/nonexistent"},
		{"train", "--selection", "best", "--val", "0"},
		{"train", "--act", "nosuch(x=1)", "--data-dir", "/nonexistent"},
		{"train", "--model", "vgg12", "--data-dir", "/nonexistent"},
		{"train", "extra"},
		{"finetune"},
		{"models", "--data", "imagenet"},
		{"models", "--act", "nosuch"},
	} {
		code, _, errOut := runTrialCLI(args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage)\n%s", args, code, errOut)
		}
	}
	code, _, errOut := runTrialCLI("train", "--data-dir", filepath.Join(t.TempDir(), "missing"), "--epochs", "1")
	if code != 1 || !strings.Contains(errOut, "missing") {
		t.Errorf("missing data: exit %d\n%s", code, errOut)
	}
}

func TestModelsCommand(t *testing.T) {
	code, out, _ := runTrialCLI("models")
	if code != 0 || !strings.Contains(out, "269,722") || !strings.Contains(out, "11,173,962") || !strings.Contains(out, "simplecnn") {
		t.Errorf("models table:\n%s", out)
	}
	code, out, _ = runTrialCLI("models", "--format", "json", "--act", "prelu", "--data", "cifar100", "resnet20", "vgg11(bn=false)")
	var rows []modelRow
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 2 {
		t.Fatalf("json: exit %d\n%s", code, out)
	}
	if rows[0].ActParams != 19 || rows[0].Classes != 100 || rows[1].Model != "vgg11(bn=false)" || rows[1].Buffers != 0 {
		t.Errorf("rows %+v", rows)
	}
	code, out, _ = runTrialCLI("models", "--data", "mnist")
	if code != 0 || !strings.Contains(out, "too small") {
		t.Errorf("mnist table:\n%s", out)
	}
}

package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/actbench/actbench/trainer"
)

// tinyTrainArgs is a one-epoch training run on the fake CIFAR-10 directory
// data, a second or so.
func tinyTrainArgs(data string) []string {
	return []string{"train", "--model", "mlp(hidden=8,depth=1)", "--act", "relu", "--data", "cifar10",
		"--data-dir", data, "--val", "40", "--epochs", "1", "--batch", "40"}
}

// decodeResult reads a trainer.Result from JSON and checks it is a finished
// trial.
func decodeResult(t *testing.T, what string, raw []byte) {
	t.Helper()
	var res trainer.Result
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatalf("%s does not hold the trial record: %v\n%.300s", what, err, raw)
	}
	if res.Status != trainer.StatusOK || len(res.Epochs) != 1 {
		t.Errorf("%s: status %q, %d epochs", what, res.Status, len(res.Epochs))
	}
}

// --json through a symbolic link writes the link's target and keeps the
// link; a FIFO is written in place (a reader gets the record) and stays a
// FIFO. Before, both were replaced by a regular file.
func TestTrainJSONKeepsLinksAndFIFOs(t *testing.T) {
	data := fakeCIFAR10(t)
	dir := t.TempDir()

	target := filepath.Join(dir, "records", "trial.json")
	os.Mkdir(filepath.Dir(target), 0o755)
	link := filepath.Join(dir, "latest.json")
	if err := os.Symlink(filepath.Join("records", "trial.json"), link); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runTrialCLI(append(tinyTrainArgs(data), "--quiet", "--json", link)...); code != 0 {
		t.Fatalf("--json LINK: exit %d\n%s", code, errOut)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", st.Mode(), err)
	}
	raw, err := os.ReadFile(target)
	if err != nil {
		t.Fatalf("the link's target was not written: %v", err)
	}
	decodeResult(t, "the link's target", raw)

	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	// O_RDWR never blocks on a FIFO; the read has a deadline.
	r, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := make(chan []byte, 1)
	go func() {
		var buf []byte
		b := make([]byte, 1<<16)
		r.SetReadDeadline(time.Now().Add(60 * time.Second))
		for !strings.HasSuffix(string(buf), "}\n") {
			n, err := r.Read(b)
			buf = append(buf, b[:n]...)
			if err != nil {
				break
			}
		}
		got <- buf
	}()
	if code, _, errOut := runTrialCLI(append(tinyTrainArgs(data), "--quiet", "--json", fifo)...); code != 0 {
		t.Fatalf("--json FIFO: exit %d\n%s", code, errOut)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the FIFO was replaced: %v %v", st.Mode(), err)
	}
	r.SetReadDeadline(time.Now().Add(5 * time.Second))
	decodeResult(t, "the FIFO's reader", <-got)
}

// An output path that cannot be written fails before any training (exit 1,
// no epoch printed), with a message naming the problem.
func TestTrainJSONUnwritableFailsBeforeTraining(t *testing.T) {
	data := fakeCIFAR10(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	for _, c := range []struct{ path, want string }{
		{filepath.Join(dir, "missing", "run.json"), "does not exist"},
		{dir, "is a directory"},
		{filepath.Join(file, "run.json"), "not a directory"},
		{"/proc/actbench-test.json", "cannot create files in /proc"},
	} {
		code, _, errOut := runTrialCLI(append(tinyTrainArgs(data), "--json", c.path)...)
		if code != 1 || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "--json") || strings.Contains(errOut, "epoch") {
			t.Errorf("--json %s: exit %d, want 1 and %q before any training:\n%s", c.path, code, c.want, errOut)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("--json %s left files behind: %v", c.path, entries)
		}
	}
	// --checkpoint is checked the same way.
	code, _, errOut := runTrialCLI(append(tinyTrainArgs(data), "--checkpoint", dir)...)
	if code != 1 || strings.Contains(errOut, "epoch") || !strings.Contains(errOut, "--checkpoint") || !strings.Contains(errOut, "is a directory") {
		t.Errorf("--checkpoint DIR: exit %d\n%s", code, errOut)
	}
}

// When writing the record fails after training (a device that answers
// ENOSPC, like /dev/full), the record is not lost: it is saved in the
// temporary directory, or printed on stderr when that fails too, the
// message says where, and the exit status is 1. The device stays a device.
func TestTrainJSONWriteFailureKeepsTheResult(t *testing.T) {
	data := fakeCIFAR10(t)
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	// Character device 1:7 is /dev/full.
	if err := syscall.Mknod(full, syscall.S_IFCHR|0o666, 1<<8|7); err != nil {
		t.Skipf("cannot create a /dev/full node here (needs root and a file system allowing devices): %v", err)
	}
	if f, err := os.OpenFile(full, os.O_WRONLY, 0); err != nil {
		t.Skipf("cannot open the device node (nodev mount?): %v", err)
	} else {
		f.Close()
	}
	tmp := filepath.Join(dir, "tmp")
	os.Mkdir(tmp, 0o755)
	t.Setenv("TMPDIR", tmp)
	code, _, errOut := runTrialCLI(append(tinyTrainArgs(data), "--quiet", "--json", full)...)
	if code != 1 || !strings.Contains(errOut, "no space left on device") {
		t.Fatalf("--json /dev/full: exit %d, want 1 and the write error:\n%s", code, errOut)
	}
	if st, err := os.Lstat(full); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("the device was replaced: %v %v", st.Mode(), err)
	}
	saved, _ := filepath.Glob(filepath.Join(tmp, "actbench-train-*.json"))
	if len(saved) != 1 || !strings.Contains(errOut, saved[0]) {
		t.Fatalf("saved copies %v, message:\n%s", saved, errOut)
	}
	raw, _ := os.ReadFile(saved[0])
	decodeResult(t, "the saved copy", raw)

	// No usable temporary directory either: the record goes to stderr.
	t.Setenv("TMPDIR", filepath.Join(dir, "no-such-dir"))
	code, _, errOut = runTrialCLI(append(tinyTrainArgs(data), "--quiet", "--json", full)...)
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	i := strings.Index(errOut, "\n{")
	if i < 0 {
		t.Fatalf("the record is not on stderr:\n%s", errOut)
	}
	j := strings.LastIndex(errOut, "\n}")
	decodeResult(t, "stderr", []byte(errOut[i+1:j+2]))
}

// report --out, merge -o and show --plot write through a link to its
// target, keep the link, and check the path before doing any work.
func TestOutputsFollowLinks(t *testing.T) {
	results := filepath.Join("..", "results", "default", "results.jsonl")
	if _, err := os.Stat(results); err != nil {
		t.Skipf("no committed results to report on: %v", err)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want string // in the target
	}{
		{"report.md", []string{"report", results, "--format", "md", "--out"}, "| relu"},
		{"merged.jsonl", []string{"merge", results, "--force", "-o"}, `"schema":`},
		{"relu.svg", []string{"show", "relu", "--plot"}, "<svg"},
	} {
		target := filepath.Join(dir, "real-"+c.name)
		os.WriteFile(target, []byte("old"), 0o600)
		link := filepath.Join(dir, c.name)
		os.Symlink(filepath.Base(target), link)
		if code, _, errOut := runTrialCLI(append(c.args, link)...); code != 0 {
			t.Fatalf("%v %s: exit %d\n%s", c.args, link, code, errOut)
		}
		if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s: the link was replaced", c.name)
		}
		raw, _ := os.ReadFile(target)
		if st, _ := os.Stat(target); !strings.Contains(string(raw), c.want) || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: target (mode %v) holds %.100q, want %q", c.name, st.Mode(), raw, c.want)
		}
		missing := filepath.Join(dir, "missing", c.name)
		code, out, errOut := runTrialCLI(append(c.args, missing)...)
		if code != 1 || out != "" || !strings.Contains(errOut, "does not exist") {
			t.Errorf("%v %s: exit %d, stdout %q, stderr %q", c.args, missing, code, out, errOut)
		}
	}
}

//go:build unix

package cli

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startActbench starts actbench args as a child process and returns it
// with a reader of its stderr.
func startActbench(t *testing.T, args ...string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "ACTBENCH_CLI_CHILD=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, bufio.NewReader(stderr)
}

// waitFor reads lines from r until one contains want (training is under
// way) and returns what it read.
func waitFor(t *testing.T, r *bufio.Reader, want string) string {
	t.Helper()
	var seen strings.Builder
	for {
		line, err := r.ReadString('\n')
		seen.WriteString(line)
		if strings.Contains(line, want) {
			return seen.String()
		}
		if err != nil {
			t.Fatalf("no %q in the child's stderr (%v):\n%s", want, err, seen.String())
		}
	}
}

// signalAndWait sends sig to cmd and returns its exit status and the rest
// of its stderr.
func signalAndWait(t *testing.T, cmd *exec.Cmd, r *bufio.Reader, sig syscall.Signal) (int, string) {
	t.Helper()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	// Read stderr to its end before Wait: Wait closes the pipe once the
	// child has exited, which could cut off what the child wrote last.
	rest := make(chan string, 1)
	go func() {
		var b strings.Builder
		r.WriteTo(&b)
		rest <- b.String()
	}()
	var out string
	select {
	case out = <-rest:
	case <-time.After(60 * time.Second):
		t.Fatalf("the child did not stop within 60 s of %v", sig)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode() // -1 when killed by the signal itself
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out
}

// A run, train or finetune stopped by SIGINT exits 130, by SIGTERM 143 (128
// + the signal number), after saving its state, and says how to resume.
// Before, an interrupted run exited 0 and train 1 (and SIGTERM killed train
// without a checkpoint).
func TestInterruptExitStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("starts training processes")
	}
	data := fakeCIFAR10(t)
	dir := t.TempDir()
	long := []string{"--model", "mlp(hidden=8,depth=1)", "--act", "relu", "--data", "cifar10", "--data-dir", data,
		"--val", "40", "--epochs", "100000", "--batch", "20"}

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		out := filepath.Join(dir, "run-"+signalName(sig)+".jsonl")
		cmd, r := startActbench(t, append([]string{"run", "--out", out, "--seeds", "1", "--train", "100", "--test", "60"}, long...)...)
		waitFor(t, r, "epoch 1/")
		code, rest := signalAndWait(t, cmd, r, sig)
		if code != 128+int(sig) || !strings.Contains(rest, "interrupted by "+signalName(sig)) ||
			!strings.Contains(rest, "run the same command again to resume") || !strings.Contains(rest, "resumes from its checkpoint in "+out+".ckpt") || !strings.Contains(rest, signalName(sig)+": stopping at the next batch") {
			t.Errorf("run, %s: exit %d, want %d; stderr:\n%s", signalName(sig), code, 128+int(sig), rest)
		}
		if ckpts, _ := filepath.Glob(filepath.Join(out+".ckpt", "*.ckpt")); len(ckpts) != 1 {
			t.Errorf("run, %s: checkpoints %v, want the interrupted trial's", signalName(sig), ckpts)
		}
	}

	ckpt := filepath.Join(dir, "train.ckpt")
	cmd, r := startActbench(t, append([]string{"train", "--checkpoint", ckpt}, long...)...)
	waitFor(t, r, "epoch 1/")
	code, rest := signalAndWait(t, cmd, r, syscall.SIGTERM)
	if code != 143 || !strings.Contains(rest, "interrupted by SIGTERM: stopped at epoch") || !strings.Contains(rest, "--resume") {
		t.Errorf("train, SIGTERM: exit %d, want 143; stderr:\n%s", code, rest)
	}
	if _, err := os.Stat(ckpt); err != nil {
		t.Errorf("train, SIGTERM: no checkpoint: %v", err)
	}

	cmd, r = startActbench(t, append([]string{"finetune", "--to", "prelu", "--pretrain-epochs", "100000", "--dir", filepath.Join(dir, "ft")}, long...)...)
	waitFor(t, r, "epoch 1/")
	code, rest = signalAndWait(t, cmd, r, syscall.SIGINT)
	if code != 130 || !strings.Contains(rest, "interrupted by SIGINT") || !strings.Contains(rest, "re-run the same command to resume") {
		t.Errorf("finetune, SIGINT: exit %d, want 130; stderr:\n%s", code, rest)
	}
}

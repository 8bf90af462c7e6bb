//go:build linux

package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/actbench/actbench/record"
)

// runChild runs actbench args as a child process and returns its exit
// status and stderr.
func runChild(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "ACTBENCH_CLI_CHILD=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stderr.String()
}

// fill writes a file into dir until only leave bytes are free (leave 0:
// until the file system refuses more).
func fill(t *testing.T, dir string, leave int64) {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "filler"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := int64(st.Bavail)*int64(st.Bsize) - leave
	chunk := make([]byte, 512)
	for n > 0 || leave == 0 {
		if _, err := f.Write(chunk[:min(int64(len(chunk)), max(n, 1))]); err != nil {
			if leave == 0 && errors.Is(err, syscall.ENOSPC) {
				return
			}
			t.Fatal(err)
		}
		n -= int64(len(chunk))
	}
}

// A run on a disk that fills up while a record is appended, on a real (tmpfs)
// file system: the partial record is cut back, the error says "disk full"
// and how to go on, no interrupt is announced; a re-run on the still-full
// disk with a torn line to set aside creates no empty .torn file; once space
// is freed, the same command finishes the grid with every trial once.
func TestRunOnAFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("trains models")
	}
	mnt := filepath.Join(t.TempDir(), "small")
	os.Mkdir(mnt, 0o755)
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("cannot mount a small tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(mnt, 0) })
	out := filepath.Join(mnt, "r.jsonl")
	// The checkpoints live on the big disk: the append is what must fail.
	os.Symlink(t.TempDir(), out+".ckpt")
	data := fakeCIFAR10(t)
	args := []string{"run", "--out", out, "--data", "cifar10", "--data-dir", data, "--model", "mlp(hidden=8,depth=1)",
		"--act", "relu;pvlu", "--seeds", "1", "--train", "100", "--val", "40", "--test", "60", "--epochs", "3", "--batch", "50",
		"--no-report"}

	// One page (4 KiB) free: the first record (about 3 KB) fits, the
	// second does not.
	fill(t, mnt, 4096)
	code, errOut := runChild(t, args...)
	if code != 1 || !strings.Contains(errOut, "disk full") || !strings.Contains(errOut, "free space and re-run the same command to resume") {
		t.Fatalf("exit %d, want 1 and a disk-full message:\n%s", code, errOut)
	}
	if strings.Contains(errOut, "stopping at the next batch") {
		t.Errorf("an interrupt was announced without a signal:\n%s", errOut)
	}
	if rr, err := record.ReadFile(out); os.IsNotExist(errors.Unwrap(err)) {
		t.Logf("no record fitted: no results file") // records grew past 4 KiB
	} else if err != nil || rr.Torn != "" || len(rr.Records) > 1 {
		t.Fatalf("results after the failed append: %v, torn %q, %d records (want at most 1, whole)", err, rr.Torn, len(rr.Records))
	}

	// A torn line (as a crash leaves) on a disk with no room at all to set
	// it aside.
	os.Remove(filepath.Join(mnt, "filler"))
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"schema":1,"key":"torn`)
	f.Close()
	before, _ := os.ReadFile(out)
	fill(t, mnt, 0)
	code, errOut = runChild(t, args...)
	if code != 1 || !strings.Contains(errOut, "disk full") {
		t.Errorf("torn line, full disk: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(out + ".torn"); !os.IsNotExist(err) {
		t.Errorf("%s.torn was created on the full disk (%v)", out, err)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, before) {
		t.Errorf("the results file changed")
	}

	os.Remove(filepath.Join(mnt, "filler"))
	if code, errOut := runChild(t, args...); code != 0 {
		t.Fatalf("after freeing space: exit %d\n%s", code, errOut)
	}
	rr, err := record.ReadFile(out)
	if err != nil || rr.Torn != "" || len(rr.Records) != 2 || rr.Records[0].Key == rr.Records[1].Key {
		t.Fatalf("final results: %v, torn %q, %d records", err, rr.Torn, len(rr.Records))
	}
	if torn, _ := os.ReadFile(out + ".torn"); !strings.Contains(string(torn), `"key":"torn`) {
		t.Errorf(".torn holds %q", torn)
	}
}

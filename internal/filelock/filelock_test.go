package filelock

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The test binary doubles as the other process: with FILELOCK_TEST_PATH set
// it tries to lock that file and exits 0 when it is locked, 1 when it got
// the lock, 2 on any other error.
func TestMain(m *testing.M) {
	path := os.Getenv("FILELOCK_TEST_PATH")
	if path == "" {
		os.Exit(m.Run())
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err == nil {
		err = TryLock(f)
	}
	switch {
	case errors.Is(err, ErrLocked):
		os.Exit(0)
	case err == nil:
		fmt.Fprintln(os.Stderr, "got the lock")
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, err)
	os.Exit(2)
}

func open(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestTryLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	a := open(t, path)
	if err := TryLock(a); err != nil {
		t.Fatalf("first lock: %v", err)
	}
	if _, err := a.WriteString("data\n"); err != nil {
		t.Fatal(err)
	}
	// Another open file in this process cannot take it...
	b := open(t, path)
	defer b.Close()
	if err := TryLock(b); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open file of this process: %v, want ErrLocked", err)
	}
	// ...nor can another process, and the data stays readable.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "FILELOCK_TEST_PATH="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("another process: %v %s", err, out)
	}
	if data, err := os.ReadFile(path); err != nil || string(data) != "data\n" {
		t.Fatalf("reading the locked file: %q %v", data, err)
	}
	// Closing the holder releases the lock.
	a.Close()
	if err := TryLock(b); err != nil {
		t.Fatalf("after the holder closed: %v", err)
	}
}

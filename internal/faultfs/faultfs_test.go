package faultfs

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestFaultsAndCrashLoss(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	fs := &FS{Rule: func(c Call) Fault {
		switch {
		case c.N == 3: // the second write
			return Fault{Err: syscall.ENOSPC, Short: 2}
		case c.N == 5: // the fourth call: the third write
			return Fault{Crash: true}
		}
		return Fault{}
	}}
	f, err := fs.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644) // #1
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("synced\n")); err != nil { // #2
		t.Fatal(err)
	}
	if n, err := f.Write([]byte("abcdef")); n != 2 || !errors.Is(err, syscall.ENOSPC) { // #3
		t.Fatalf("short write: %d, %v", n, err)
	}
	if err := f.Sync(); err != nil { // #4: "synced\nab" is durable
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("lost")); !errors.Is(err, ErrCrashed) { // #5 crashes
		t.Fatalf("crash: %v", err)
	}
	if _, err := f.Write([]byte("x")); !errors.Is(err, ErrCrashed) || !fs.Crashed() {
		t.Fatalf("after the crash: %v", err)
	}
	if err := f.Close(); !errors.Is(err, ErrCrashed) {
		t.Fatalf("close after the crash: %v", err)
	}
	calls := fs.Calls()
	if len(calls) != 5 || calls[1].Op != Write || calls[1].Len != 7 || calls[3].Op != Sync {
		t.Errorf("calls %v", calls)
	}
	// Nothing unsynced was written after #4: LoseUnsynced keeps the file.
	fs.LoseUnsynced(func(string, int64) int64 { return 0 })
	if b, _ := os.ReadFile(p); string(b) != "synced\nab" {
		t.Errorf("file %q", b)
	}

	// Unsynced bytes: all lost, half kept (torn), or all kept.
	for _, c := range []struct {
		keep int64
		want string
	}{{0, "base"}, {3, "base123"}, {-1, "base123456"}} {
		fs := &FS{}
		q := filepath.Join(dir, "g")
		os.WriteFile(q, []byte("base"), 0o644) // there before: durable
		f, _ := fs.OpenFile(q, os.O_WRONLY|os.O_APPEND, 0)
		f.Write([]byte("123456"))
		fs.LoseUnsynced(func(path string, unsynced int64) int64 {
			if path != q || unsynced != 6 {
				t.Errorf("unsynced %s: %d", path, unsynced)
			}
			return c.keep
		})
		f.Close()
		if b, _ := os.ReadFile(q); string(b) != c.want {
			t.Errorf("keep %d: %q, want %q", c.keep, b, c.want)
		}
	}
}

// A renamed file carries its synced size along (a temporary file renamed
// over a checkpoint, say).
func TestRenameCarriesSyncState(t *testing.T) {
	dir := t.TempDir()
	fs := &FS{}
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	f, _ := fs.OpenFile(a, os.O_WRONLY|os.O_CREATE, 0o644)
	f.Write([]byte("durable"))
	f.Sync()
	f.Write([]byte("+volatile"))
	f.Close()
	if err := fs.Rename(a, b); err != nil {
		t.Fatal(err)
	}
	fs.LoseUnsynced(func(string, int64) int64 { return 0 })
	if got, _ := os.ReadFile(b); string(got) != "durable" {
		t.Errorf("%q", got)
	}
	fs.Rule = func(c Call) Fault { return Fault{Err: syscall.EIO} }
	if err := fs.Rename(b, a); !errors.Is(err, syscall.EIO) {
		t.Errorf("rename fault: %v", err)
	}
}

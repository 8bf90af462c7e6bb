package benchmarks

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/actbench/actbench/internal/faultfs"
)

// useFS makes the results store go through fs for the test.
func useFS(t *testing.T, fs *faultfs.FS) {
	t.Helper()
	old := storeFS
	storeFS = fs
	t.Cleanup(func() { storeFS = old })
}

// someRecords returns the records of a small grid run with the fake
// trainer (on the real file system).
func someRecords(t *testing.T) []Record {
	t.Helper()
	return runAll(t, testGrid(), filepath.Join(t.TempDir(), "ref.jsonl"))
}

// An append that fails (a full disk mid-write, an I/O error at fsync) is
// cut back to the last whole record and reported for what it is; the next
// append starts on a line of its own. Before, the partial line stayed.
func TestFailedAppendIsCutBack(t *testing.T) {
	recs := someRecords(t)
	for _, c := range []struct {
		name  string
		fault faultfs.Fault
		op    faultfs.Op
		want  []string
	}{
		{"ENOSPC mid-write", faultfs.Fault{Err: syscall.ENOSPC, Short: 100}, faultfs.Write,
			[]string{"disk full", "no space left on device", "free space and re-run the same command to resume"}},
		{"EIO at fsync", faultfs.Fault{Err: syscall.EIO}, faultfs.Sync, []string{"input/output error", "re-run the same command"}},
		{"short write", faultfs.Fault{Short: 10}, faultfs.Write, []string{"short write"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "r.jsonl")
			armed := false
			fs := &faultfs.FS{Rule: func(call faultfs.Call) faultfs.Fault {
				if armed && call.Op == c.op && call.Name == out {
					armed = false
					return c.fault
				}
				return faultfs.Fault{}
			}}
			useFS(t, fs)
			s, _, err := OpenStore(out)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for i := range 2 {
				if err := s.Append(&recs[i]); err != nil {
					t.Fatal(err)
				}
			}
			whole, _ := os.ReadFile(out)
			armed = true
			err = s.Append(&recs[2])
			if err == nil {
				t.Fatal("the failing append returned no error")
			}
			for _, w := range append(c.want, recs[2].Key, out) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if got, _ := os.ReadFile(out); !bytes.Equal(got, whole) {
				t.Fatalf("the file was not cut back: %d bytes, want %d", len(got), len(whole))
			}
			// The trial runs again and is appended whole.
			if err := s.Append(&recs[2]); err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, out); len(got) != 3 || got[2].Key != recs[2].Key {
				t.Fatalf("after the retry: %d records", len(got))
			}
		})
	}
}

// Setting a torn line aside on a full disk fails cleanly: no empty or
// partial .torn file, the results file untouched, the error says "disk
// full". Before, an empty .torn file was left.
func TestTornLineOnFullDiskLeavesNoEmptyFile(t *testing.T) {
	recs := someRecords(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "r.jsonl")
	if err := WriteRecordsFile(out, recs[:2]); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(out, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"schema":1,"key":"torn`)
	f.Close()
	before, _ := os.ReadFile(out)

	for _, short := range []int{0, 5} {
		useFS(t, &faultfs.FS{Rule: func(c faultfs.Call) faultfs.Fault {
			if c.Op == faultfs.Write && strings.HasSuffix(c.Name, ".torn") {
				return faultfs.Fault{Err: syscall.ENOSPC, Short: short}
			}
			return faultfs.Fault{}
		}})
		_, _, err := OpenStore(out)
		if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "free space") {
			t.Errorf("short %d: error %v", short, err)
		}
		if _, err := os.Stat(out + ".torn"); !os.IsNotExist(err) {
			t.Errorf("short %d: %s.torn left behind (%v)", short, out, err)
		}
		if got, _ := os.ReadFile(out); !bytes.Equal(got, before) {
			t.Errorf("short %d: the results file changed", short)
		}
	}
	// An earlier .torn file keeps what it held.
	os.WriteFile(out+".torn", []byte("# earlier\n"), 0o644)
	OpenStore(out)
	if got, _ := os.ReadFile(out + ".torn"); string(got) != "# earlier\n" {
		t.Errorf("the earlier .torn file became %q", got)
	}
}

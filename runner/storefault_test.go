package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/actbench/actbench/internal/faultfs"
	"github.com/actbench/actbench/record"
)

// useFS makes the results store go through fs for the test.
func useFS(t *testing.T, fs *faultfs.FS) {
	t.Helper()
	old := record.FS
	record.FS = fs
	t.Cleanup(func() { record.FS = old })
}

// someRecords returns the records of a small grid run with the fake
// trainer (on the real file system).
func someRecords(t *testing.T) []record.Record {
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
			s, _, err := record.OpenStore(out)
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
	if err := record.WriteFile(out, recs[:2]); err != nil {
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
		_, _, err := record.OpenStore(out)
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
	record.OpenStore(out)
	if got, _ := os.ReadFile(out + ".torn"); string(got) != "# earlier\n" {
		t.Errorf("the earlier .torn file became %q", got)
	}
}

// faultKind is one way a file-system call can go wrong.
type faultKind struct {
	name string
	// fault is what the call gets; persistent keeps failing every later
	// call too (a dying disk: the cut-back truncate fails as well).
	fault      faultfs.Fault
	persistent bool
	// keep, for a crash, is how much of the unsynced data survives (see
	// faultfs.FS.LoseUnsynced): 0 none, -1 all, -2 half (a torn write).
	keep int64
}

var faultKinds = []faultKind{
	{name: "ENOSPC", fault: faultfs.Fault{Err: syscall.ENOSPC}},
	{name: "EIO", fault: faultfs.Fault{Err: syscall.EIO}},
	{name: "ENOSPC after a short write", fault: faultfs.Fault{Err: syscall.ENOSPC, Short: 7}},
	{name: "short write without error", fault: faultfs.Fault{Short: 7}},
	{name: "EIO from here on", fault: faultfs.Fault{Err: syscall.EIO}, persistent: true},
	{name: "crash, unsynced data lost", fault: faultfs.Fault{Crash: true}, keep: 0},
	{name: "crash, unsynced data torn", fault: faultfs.Fault{Crash: true}, keep: -2},
	{name: "crash, unsynced data kept", fault: faultfs.Fault{Crash: true}, keep: -1},
}

// ruleAt returns a rule applying k's fault to call n (and, when
// persistent, to every later call).
func ruleAt(k faultKind, n int) func(faultfs.Call) faultfs.Fault {
	return func(c faultfs.Call) faultfs.Fault {
		if c.N == n || (k.persistent && c.N > n) {
			return k.fault
		}
		return faultfs.Fault{}
	}
}

func loseUnsynced(t *testing.T, fs *faultfs.FS, k faultKind) {
	t.Helper()
	err := fs.LoseUnsynced(func(_ string, unsynced int64) int64 {
		if k.keep == -2 {
			return unsynced / 2
		}
		return k.keep
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestStoreUnderFaults runs a grid through the results store with every
// fault of faultKinds at every file-system call in turn, starting from an
// empty file and from one with a torn last line to set aside, and checks
// after each: the file parses (a torn line only after a crash, never a
// damaged complete line), no trial is recorded twice, every record whose
// append was synced is still there, and re-running the same grid on a
// healthy file system finishes it with every trial once, identical to a
// run that met no fault.
func TestStoreUnderFaults(t *testing.T) {
	g := testGrid()
	g.Datasets, g.Recipes, g.Seeds, g.Activations = g.Datasets[:1], g.Recipes[:1], []uint64{1, 2}, g.Activations[:2]
	trials, err := g.Expand()
	if err != nil {
		t.Fatal(err)
	}
	ref := comparable(runAll(t, g, filepath.Join(t.TempDir(), "ref.jsonl")))
	var refBytes bytes.Buffer
	for i := range ref[:3] {
		b, _ := json.Marshal(&ref[i])
		refBytes.Write(append(b, '\n'))
	}
	starts := map[string][]byte{
		"empty":     nil,
		"torn line": append(refBytes.Bytes(), `{"schema":1,"key":"cut sh`...),
	}
	scenarios := 0
	for startName, start := range starts {
		// Count the calls of a run that meets no fault.
		dir := t.TempDir()
		out := filepath.Join(dir, "r.jsonl")
		if start != nil {
			os.WriteFile(out, start, 0o644)
		}
		counter := &faultfs.FS{}
		useFS(t, counter)
		f := &fakeTrainer{}
		if _, err := Run(context.Background(), &g, Options{Out: out, Runner: f.run}); err != nil {
			t.Fatal(err)
		}
		calls := len(counter.Calls())

		for n := 1; n <= calls; n++ {
			for _, k := range faultKinds {
				scenarios++
				name := fmt.Sprintf("%s start, %s at call %d", startName, k.name, n)
				dir := t.TempDir()
				out := filepath.Join(dir, "r.jsonl")
				if start != nil {
					os.WriteFile(out, start, 0o644)
				}
				fs := &faultfs.FS{Rule: ruleAt(k, n)}
				useFS(t, fs)
				f := &fakeTrainer{}
				_, runErr := Run(context.Background(), &g, Options{Out: out, Runner: f.run})
				if fs.Crashed() {
					loseUnsynced(t, fs, k)
				}
				useFS(t, &faultfs.FS{}) // healthy from here on
				if c := fs.Calls()[n-1]; runErr == nil && k.fault.Err != nil && !fs.Crashed() && c.Op != faultfs.Close {
					// Only closing the results file, after every record
					// was synced, may fail unnoticed.
					t.Errorf("%s: the run reported no error (call %v)", name, c)
				}

				rr, err := record.ReadFile(out)
				if _, serr := os.Stat(out); os.IsNotExist(serr) && start == nil {
					rr, err = &record.ReadResult{}, nil // the open failed: no file, nothing lost
				}
				if err != nil {
					t.Errorf("%s: the results file does not parse: %v", name, err)
					continue
				}
				// A torn line: only after a crash, or the start's own when
				// setting it aside failed (and then the file is unchanged).
				if got, _ := os.ReadFile(out); rr.Torn != "" && !fs.Crashed() && !bytes.Equal(got, start) {
					t.Errorf("%s: torn line without a crash: %s", name, rr.Torn)
				}
				seen := map[string]bool{}
				for _, r := range rr.Records {
					if seen[r.Key] {
						t.Errorf("%s: trial %s recorded twice", name, r.Key)
					}
					seen[r.Key] = true
				}
				synced := 0
				for _, c := range fs.Calls() {
					if c.Op == faultfs.Sync && c.Name == out && c.N < n {
						synced++
					}
				}
				// The syncs before the fault: one per record appended,
				// plus one for cutting a torn line, which adds no record.
				wantAtLeast := synced
				if start != nil {
					wantAtLeast = 3 + max(0, synced-1)
				}
				if len(rr.Records) < wantAtLeast {
					t.Errorf("%s: %d records, but %d were synced before the fault", name, len(rr.Records), wantAtLeast)
				}

				// Recovery: the same command on a healthy file system.
				f = &fakeTrainer{}
				sum, err := Run(context.Background(), &g, Options{Out: out, Runner: f.run})
				if err != nil {
					t.Errorf("%s: the re-run failed: %v", name, err)
					continue
				}
				if sum.Ran+sum.Skipped != len(trials) {
					t.Errorf("%s: re-run %+v", name, sum)
				}
				if got := comparable(readAll(t, out)); !reflect.DeepEqual(got, ref) {
					t.Errorf("%s: after the re-run the records differ from a run without faults (%d vs %d)", name, len(got), len(ref))
				}
			}
		}
	}
	t.Logf("%d fault scenarios", scenarios)
}

// A run that records nothing (stopped before its first trial finished, or
// a shard with no trials) leaves no empty results file behind; a file that
// was there before stays, even empty.
func TestNoEmptyResultsFile(t *testing.T) {
	g := testGrid()
	dir := t.TempDir()
	out := filepath.Join(dir, "r.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := &fakeTrainer{}
	sum, err := Run(ctx, &g, Options{Out: out, Runner: f.run})
	if err != nil || !sum.Interrupted {
		t.Fatalf("%+v %v", sum, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("an interrupted run that recorded nothing left %v", entries)
	}
	// 12 pairing units: shard 13 of 13 has none.
	if _, err := Run(context.Background(), &g, Options{Out: out, Runner: f.run, Shard: Shard{K: 13, N: 13}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("an empty shard left a results file (%v)", err)
	}
	os.WriteFile(out, nil, 0o644)
	if _, err := Run(ctx, &g, Options{Out: out, Runner: f.run}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("a file that was there before was removed: %v", err)
	}
}

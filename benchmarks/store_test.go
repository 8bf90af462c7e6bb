package benchmarks

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTornLastLineIsReportedIgnoredAndSetAside(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "r.jsonl")
	recs := runAll(t, testGrid(), out)
	data, _ := os.ReadFile(out)
	lines := bytes.SplitAfter(data, []byte{'\n'})
	// A crash in the middle of writing record 5: records 1-4 whole, then half a line.
	torn := lines[4][:len(lines[4])/2]
	os.WriteFile(out, append(bytes.Join(lines[:4], nil), torn...), 0o644)

	rr, err := ReadRecords(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rr.Records) != 4 || !strings.Contains(rr.Torn, "r.jsonl:5: torn last line") || !bytes.Equal(rr.TornBytes, torn) {
		t.Fatalf("%d records, torn %q", len(rr.Records), rr.Torn)
	}

	s, rr, err := OpenStore(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rr.Records) != 4 || !strings.Contains(rr.Torn, "moved to") {
		t.Fatalf("OpenStore: %d records, torn %q", len(rr.Records), rr.Torn)
	}
	if err := s.Append(&recs[4]); err != nil {
		t.Fatal(err)
	}
	s.Close()
	got := readAll(t, out)
	if len(got) != 5 || got[4].Key != recs[4].Key {
		t.Fatalf("after the append: %d records", len(got))
	}
	saved, err := os.ReadFile(out + ".torn")
	if err != nil || !bytes.Contains(saved, torn) {
		t.Fatalf("torn bytes not kept in %s.torn: %v", out, err)
	}
}

func TestDamagedCompleteLineIsAnError(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.jsonl")
	runAll(t, testGrid(), out)
	data, _ := os.ReadFile(out)
	lines := bytes.SplitAfter(data, []byte{'\n'})
	lines[2] = []byte("{\"schema\":1,\"key\":garbage}\n")
	os.WriteFile(out, bytes.Join(lines, nil), 0o644)
	_, err := ReadRecords(out)
	if err == nil || !strings.Contains(err.Error(), "r.jsonl:3: not a valid record") {
		t.Fatalf("error %v", err)
	}
	if _, _, err := OpenStore(out); err == nil {
		t.Fatal("OpenStore accepted a damaged file")
	}
	os.WriteFile(out, []byte("{\"schema\":99,\"key\":\"k\",\"grid\":\"g\"}\n"), 0o644)
	if _, err := ReadRecords(out); err == nil || !strings.Contains(err.Error(), "schema 99") {
		t.Fatalf("newer schema: %v", err)
	}
}

func TestLockKeepsASecondWriterOut(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.jsonl")
	s, _, err := OpenStore(out)
	if err != nil {
		t.Fatal(err)
	}
	// Another open file description in this process...
	if _, _, err := OpenStore(out); !errors.Is(err, ErrLocked) {
		t.Fatalf("second OpenStore in-process: %v, want ErrLocked", err)
	}
	// ...and another process.
	cmd := child(t, "lock", "ACTBENCH_TEST_OUT="+out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("another process could open the locked file: %v %s", err, msg)
	}
	g := testGrid()
	f := &fakeTrainer{}
	if _, err := RunGrid(t.Context(), &g, RunOptions{Out: out, Runner: f.run}); !errors.Is(err, ErrLocked) || f.calls != 0 {
		t.Fatalf("RunGrid on a locked file: %v after %d trials", err, f.calls)
	}
	s.Close()
	s2, _, err := OpenStore(out)
	if err != nil {
		t.Fatalf("after Close the lock must be free: %v", err)
	}
	s2.Close()
}

package record

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/trainer"
)

// The test binary doubles as a child process for the multi-process test:
// with ACTBENCH_TEST_CHILD=lock it tries to open ACTBENCH_TEST_OUT for
// writing and exits 0 when it is locked, 1 otherwise.
func TestMain(m *testing.M) {
	switch os.Getenv("ACTBENCH_TEST_CHILD") {
	case "":
		os.Exit(m.Run())
	case "lock":
		s, _, err := OpenStore(os.Getenv("ACTBENCH_TEST_OUT"))
		if errors.Is(err, ErrLocked) {
			os.Exit(0)
		}
		if s != nil {
			s.Close()
		}
		fmt.Fprintln(os.Stderr, "not locked:", err)
		os.Exit(1)
	default:
		fmt.Fprintln(os.Stderr, "unknown ACTBENCH_TEST_CHILD")
		os.Exit(3)
	}
}

// testRecords are the records of a 2-seed x 3-activation grid with made-up
// results, each test error distinct.
func testRecords(t *testing.T) []Record {
	t.Helper()
	g := grid.Grid{
		Name:        "store",
		Models:      []string{"mlp"},
		Datasets:    []grid.Dataset{{Name: "mnist", Val: 100, Train: 500}},
		Recipes:     []grid.Recipe{{Name: "adam", Epochs: 1, Optimizer: "adam", LR: 1e-3, Batch: 32, Select: "best"}},
		Seeds:       []uint64{1, 2},
		Activations: []string{"relu", "elu", "tanh"},
	}
	trials, err := g.Expand()
	if err != nil {
		t.Fatal(err)
	}
	id := grid.ID(trials)
	recs := make([]Record, len(trials))
	for i, tr := range trials {
		recs[i] = Record{Schema: SchemaVersion, Key: tr.Key, Grid: id, GridName: g.Name, GridTrials: len(trials), Index: i,
			Config: tr.TrialConfig, Result: trainer.Result{Status: trainer.StatusOK, Test: &trainer.Metrics{N: 100, Top1: 0.9 - 0.01*float64(i)}}}
	}
	return recs
}

// writeAll writes recs to a new results file at path.
func writeAll(t *testing.T, path string, recs []Record) {
	t.Helper()
	s, _, err := OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range recs {
		if err := s.Append(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
}

func readAll(t *testing.T, path string) []Record {
	t.Helper()
	rr, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if rr.Torn != "" {
		t.Fatalf("unexpected torn line: %s", rr.Torn)
	}
	return rr.Records
}

func TestTornLastLineIsReportedIgnoredAndSetAside(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "r.jsonl")
	recs := testRecords(t)
	writeAll(t, out, recs)
	data, _ := os.ReadFile(out)
	lines := bytes.SplitAfter(data, []byte{'\n'})
	// A crash in the middle of writing record 5: records 1-4 whole, then half a line.
	torn := lines[4][:len(lines[4])/2]
	os.WriteFile(out, append(bytes.Join(lines[:4], nil), torn...), 0o644)

	rr, err := ReadFile(out)
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
	writeAll(t, out, testRecords(t))
	data, _ := os.ReadFile(out)
	lines := bytes.SplitAfter(data, []byte{'\n'})
	lines[2] = []byte("{\"schema\":1,\"key\":garbage}\n")
	os.WriteFile(out, bytes.Join(lines, nil), 0o644)
	_, err := ReadFile(out)
	if err == nil || !strings.Contains(err.Error(), "r.jsonl:3: not a valid record") {
		t.Fatalf("error %v", err)
	}
	if _, _, err := OpenStore(out); err == nil {
		t.Fatal("OpenStore accepted a damaged file")
	}
	os.WriteFile(out, []byte("{\"schema\":99,\"key\":\"k\",\"grid\":\"g\"}\n"), 0o644)
	if _, err := ReadFile(out); err == nil || !strings.Contains(err.Error(), "schema 99") {
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
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ACTBENCH_TEST_CHILD=lock", "ACTBENCH_TEST_OUT="+out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("another process could open the locked file: %v %s", err, msg)
	}
	s.Close()
	s2, _, err := OpenStore(out)
	if err != nil {
		t.Fatalf("after Close the lock must be free: %v", err)
	}
	s2.Close()
}

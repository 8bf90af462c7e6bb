package benchmarks

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two copies of one trial that disagree are named by file and line and by
// their own hosts: shards of one machine have the same host, so the host
// alone told nothing.
func TestMergeConflictNamesBothSidesByFileAndLine(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.jsonl")
	recs := runAll(t, testGrid(), a)
	recs[3].Result.Test.Top1 += 0.01
	recs[3].Env.Host = "node7"
	b := filepath.Join(dir, "b.jsonl")
	if err := WriteRecordsFile(b, recs[2:5]); err != nil {
		t.Fatal(err)
	}
	res, err := Merge([]string{a, b}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Conflicts) != 1 {
		t.Fatalf("conflicts %v", res.Conflicts)
	}
	c := res.Conflicts[0]
	for _, want := range []string{recs[3].Key, a + ":4 (host " + recs[0].Env.Host + ")", b + ":2 (host node7)"} {
		if !strings.Contains(c, want) {
			t.Errorf("conflict %q lacks %q", c, want)
		}
	}
}

func TestEmptyGridFileSaysSo(t *testing.T) {
	for _, in := range []string{"", "  \n\t\n"} {
		_, err := DecodeGrid(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), "empty") || !strings.Contains(err.Error(), "--print-grid") {
			t.Errorf("DecodeGrid(%q) = %v, want an error saying the file is empty", in, err)
		}
	}
	p := filepath.Join(t.TempDir(), "g.json")
	os.WriteFile(p, nil, 0o644)
	if _, err := ReadGridFile(p); err == nil || !strings.Contains(err.Error(), p+": empty") {
		t.Errorf("ReadGridFile(empty) = %v", err)
	}
}

// A JSON line that is not an actbench record is called that, not a record
// of a newer schema.
func TestLineWithoutSchemaIsNotARecord(t *testing.T) {
	for _, line := range []string{"{}", `{"key":"abc","grid":"def"}`, "null"} {
		p := filepath.Join(t.TempDir(), "r.jsonl")
		os.WriteFile(p, []byte(line+"\n"), 0o644)
		_, err := ReadRecords(p)
		if err == nil || !strings.Contains(err.Error(), p+":1: not an actbench record (no \"schema\" field)") || strings.Contains(err.Error(), "newer") {
			t.Errorf("%s: %v", line, err)
		}
	}
	p := filepath.Join(t.TempDir(), "r.jsonl")
	os.WriteFile(p, []byte(`{"schema":99,"key":"k","grid":"g"}`+"\n"), 0o644)
	if _, err := ReadRecords(p); err == nil || !strings.Contains(err.Error(), "schema 99") || !strings.Contains(err.Error(), "newer") {
		t.Errorf("schema 99: %v", err)
	}
}

// Every number of a recipe must be finite: NaN passes every "< 0" test.
func TestGridRefusesNonFiniteNumbers(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for name, set := range map[string]func(r *Recipe){
		"lr":              func(r *Recipe) { r.LR = nan },
		"lr inf":          func(r *Recipe) { r.LR = inf },
		"blur":            func(r *Recipe) { r.Blur = nan },
		"momentum":        func(r *Recipe) { r.Momentum = nan },
		"weight_decay":    func(r *Recipe) { r.WeightDecay = inf },
		"gamma":           func(r *Recipe) { r.Gamma = nan },
		"warmup":          func(r *Recipe) { r.Warmup = nan },
		"label_smoothing": func(r *Recipe) { r.LabelSmoothing = nan },
		"pretrain lr": func(r *Recipe) {
			r.Pretrain = &Pretrain{Dataset: Dataset{Name: "mnist", Val: 100}, Activation: "relu", Epochs: 1, LR: nan}
		},
	} {
		g := testGrid()
		set(&g.Recipes[0])
		field := strings.Fields(name)[0]
		if err := g.Validate(); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: Validate() = %v, want an error naming %s", name, err, field)
		}
	}
}

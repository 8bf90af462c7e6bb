package runner

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/record"
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
	if err := record.WriteFile(b, recs[2:5]); err != nil {
		t.Fatal(err)
	}
	res, err := record.Merge([]string{a, b}, false)
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
		_, err := grid.Decode(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), "empty") || !strings.Contains(err.Error(), "--print-grid") {
			t.Errorf("grid.Decode(%q) = %v, want an error saying the file is empty", in, err)
		}
	}
	p := filepath.Join(t.TempDir(), "g.json")
	os.WriteFile(p, nil, 0o644)
	if _, err := grid.ReadFile(p); err == nil || !strings.Contains(err.Error(), p+": empty") {
		t.Errorf("grid.ReadFile(empty) = %v", err)
	}
}

// A JSON line that is not an actbench record is called that, not a record
// of a newer schema.
func TestLineWithoutSchemaIsNotARecord(t *testing.T) {
	for _, line := range []string{"{}", `{"key":"abc","grid":"def"}`, "null"} {
		p := filepath.Join(t.TempDir(), "r.jsonl")
		os.WriteFile(p, []byte(line+"\n"), 0o644)
		_, err := record.ReadFile(p)
		if err == nil || !strings.Contains(err.Error(), p+":1: not an actbench record (no \"schema\" field)") || strings.Contains(err.Error(), "newer") {
			t.Errorf("%s: %v", line, err)
		}
	}
	p := filepath.Join(t.TempDir(), "r.jsonl")
	os.WriteFile(p, []byte(`{"schema":99,"key":"k","grid":"g"}`+"\n"), 0o644)
	if _, err := record.ReadFile(p); err == nil || !strings.Contains(err.Error(), "schema 99") || !strings.Contains(err.Error(), "newer") {
		t.Errorf("schema 99: %v", err)
	}
}

// Every number of a recipe must be finite: NaN passes every "< 0" test.
func TestGridRefusesNonFiniteNumbers(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for name, set := range map[string]func(r *grid.Recipe){
		"lr":              func(r *grid.Recipe) { r.LR = nan },
		"lr inf":          func(r *grid.Recipe) { r.LR = inf },
		"blur":            func(r *grid.Recipe) { r.Blur = nan },
		"momentum":        func(r *grid.Recipe) { r.Momentum = nan },
		"weight_decay":    func(r *grid.Recipe) { r.WeightDecay = inf },
		"gamma":           func(r *grid.Recipe) { r.Gamma = nan },
		"warmup":          func(r *grid.Recipe) { r.Warmup = nan },
		"label_smoothing": func(r *grid.Recipe) { r.LabelSmoothing = nan },
		"pretrain lr": func(r *grid.Recipe) {
			r.Pretrain = &grid.Pretrain{Dataset: grid.Dataset{Name: "mnist", Val: 100}, Activation: "relu", Epochs: 1, LR: nan}
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

// Dataset names are checked and canonicalised before the grid id is
// computed: "MNIST" is the grid of "mnist" (they pair and resume together),
// "mnsit" is an error with a suggestion, found before any trial runs.
func TestDatasetNamesCanonicalBeforeTheGridID(t *testing.T) {
	id := func(names ...string) (string, error) {
		g := testGrid()
		g.Datasets = nil
		for _, n := range names {
			g.Datasets = append(g.Datasets, grid.Dataset{Name: n, Val: 100, Train: 500})
		}
		trials, err := g.Expand()
		if err != nil {
			return "", err
		}
		if g.Datasets[0].Name != strings.ToLower(strings.ReplaceAll(g.Datasets[0].Name, "-", "")) {
			t.Errorf("dataset name %q left as given", g.Datasets[0].Name)
		}
		return grid.ID(trials), nil
	}
	want, err := id("mnist", "cifar10")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := id("MNIST", "CIFAR-10"); err != nil || got != want {
		t.Errorf("MNIST, CIFAR-10: grid %s (%v), want mnist, cifar10's %s", got, err, want)
	}
	if _, err := id("mnist", "mnsit"); err == nil || !strings.Contains(err.Error(), `unknown dataset "mnsit"`) || !strings.Contains(err.Error(), `did you mean "mnist"`) {
		t.Errorf("mnsit: %v", err)
	}
	if _, err := id("mnist", "Mnist"); err == nil || !strings.Contains(err.Error(), "listed twice") {
		t.Errorf("mnist and Mnist are one dataset listed twice: %v", err)
	}
	g := testGrid()
	g.Recipes[0].Pretrain = &grid.Pretrain{Dataset: grid.Dataset{Name: "imagenet"}, Activation: "relu", Epochs: 1}
	if err := g.Validate(); err == nil || !strings.Contains(err.Error(), `pretrain: unknown dataset "imagenet"`) {
		t.Errorf("pretrain on imagenet: %v", err)
	}
}

// What the trainer would refuse when a trial starts is found before the
// first one (an unknown model even earlier: grid validation canonicalises
// model specs, see grid's TestValidateRejectsBadGrids).
func TestCheckTrialsFindsWhatTheTrainerWouldRefuse(t *testing.T) {
	g := testGrid()
	trials, err := g.Expand()
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckTrials(trials); err != nil {
		t.Fatalf("the test grid: %v", err)
	}
	for name, c := range map[string]struct {
		set  func(g *grid.Grid)
		want string
	}{
		"momentum":  {func(g *grid.Grid) { g.Recipes[1].Optimizer, g.Recipes[1].Momentum = "sgd", 1.5 }, "momentum"},
		"nesterov":  {func(g *grid.Grid) { g.Recipes[1].Nesterov = true }, "nesterov"},
		"smoothing": {func(g *grid.Grid) { g.Recipes[1].LabelSmoothing = 1 }, "label_smoothing"},
	} {
		g := testGrid()
		c.set(&g)
		trials, err := g.Expand()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := CheckTrials(trials); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: CheckTrials = %v, want an error naming %s", name, err, c.want)
		}
	}
}

// CheckData compares the grid's sizes with the data's (read from file sizes
// here: a fake CIFAR-10 directory of 50 training and 20 test records).
func TestCheckDataComparesSizesWithTheData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cifar-10-batches-bin")
	os.Mkdir(dir, 0o755)
	rec := make([]byte, 3073)
	os.WriteFile(filepath.Join(dir, "data_batch_1.bin"), bytesRepeat(rec, 50), 0o644)
	os.WriteFile(filepath.Join(dir, "test_batch.bin"), bytesRepeat(rec, 20), 0o644)
	for _, c := range []struct {
		d    grid.Dataset
		want string // "" = fits
	}{
		{grid.Dataset{Name: "cifar10", Val: 10, Train: 40, Test: 20}, ""},
		{grid.Dataset{Name: "cifar10", Val: 50}, "val 50 leaves no training images: the training split has 50"},
		{grid.Dataset{Name: "cifar10", Val: 10, Train: 41}, "train 41 exceeds the 40 training images left after holding out val 10"},
		{grid.Dataset{Name: "cifar10", Val: 10, Test: 21}, "test 21 exceeds the 20 test images"},
	} {
		g := testGrid()
		g.Datasets = []grid.Dataset{c.d}
		err := CheckData(&g, dir)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%+v: CheckData = %v, want %q", c.d, err, c.want)
		}
	}
	g := testGrid()
	g.Datasets = []grid.Dataset{{Name: "cifar100"}}
	if err := CheckData(&g, dir); err == nil || !strings.Contains(err.Error(), "CIFAR-100") {
		t.Errorf("absent dataset: %v", err)
	}
}

func bytesRepeat(b []byte, n int) []byte {
	out := make([]byte, 0, len(b)*n)
	for range n {
		out = append(out, b...)
	}
	return out
}

package grid

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// testGrid has 2 datasets x 2 recipes x 3 seeds x 4 activations = 48 trials
// (12 pairing units) of 2 epochs.
func testGrid() Grid {
	r := Recipe{Name: "adam", Epochs: 2, Optimizer: "adam", LR: 1e-3, Batch: 32, Select: "best"}
	r2 := r
	r2.Name = "adam+aug"
	r2.Augment = true
	return Grid{
		Name:        "test",
		Models:      []string{"simplecnn"},
		Datasets:    []Dataset{{Name: "mnist", Val: 100, Train: 500}, {Name: "cifar10", Val: 100, Train: 500}},
		Recipes:     []Recipe{r, r2},
		Seeds:       []uint64{1, 2, 3},
		Activations: []string{"relu", "leakyrelu", "prelu", "pvlu"},
	}
}

func TestExpandOrderAndCount(t *testing.T) {
	g := testGrid()
	trials, err := g.Expand()
	if err != nil {
		t.Fatal(err)
	}
	if len(trials) != 48 {
		t.Fatalf("%d trials, want 2 datasets x 2 recipes x 3 seeds x 4 activations = 48", len(trials))
	}
	// Activation innermost, then seed, recipe, dataset.
	want := []string{"mnist adam 1 relu", "mnist adam 1 leakyrelu", "mnist adam 1 prelu", "mnist adam 1 pvlu", "mnist adam 2 relu"}
	for i, w := range want {
		tr := trials[i]
		got := strings.Join([]string{tr.Dataset.Name, tr.Recipe.Name, string(rune('0' + tr.Seed)), ShortSpec(tr.Activation)}, " ")
		if got != w || tr.Index != i || tr.Unit != i/4 {
			t.Errorf("trial %d = %q unit %d, want %q unit %d", i, got, tr.Unit, w, i/4)
		}
	}
	if last := trials[47]; last.Dataset.Name != "cifar10" || last.Recipe.Name != "adam+aug" || last.Seed != 3 || last.Unit != 11 {
		t.Errorf("last trial %+v", last)
	}
	keys := map[string]bool{}
	for _, tr := range trials {
		if keys[tr.Key] || len(tr.Key) != 32 {
			t.Fatalf("key %q duplicated or malformed", tr.Key)
		}
		keys[tr.Key] = true
	}
}

func TestKeysAreDeterministicAndCoverTheConfig(t *testing.T) {
	c := TrialConfig{Model: "simplecnn", Dataset: Dataset{Name: "mnist", Val: 500, Train: 2000},
		Recipe: Recipe{Name: "adam", Epochs: 2, Optimizer: "adam", LR: 1e-3, Batch: 64, Select: "best"}, Seed: 3, Activation: "pvlu"}
	// The key is part of the results-file format: it must not change
	// between versions for the same config, or resume would rerun trials.
	const golden = "834d12f2972c2c84b201d3180e2e5062"
	if k := TrialKey(c); k != golden {
		t.Errorf("TrialKey = %s, want %s (the key encoding changed: old results files would not resume)", k, golden)
	}
	base := TrialKey(c)
	mutations := []func(*TrialConfig){
		func(c *TrialConfig) { c.Model = "mlp" },
		func(c *TrialConfig) { c.Dataset.Val = 501 },
		func(c *TrialConfig) { c.Dataset.Train = 0 },
		func(c *TrialConfig) { c.Recipe.LR = 2e-3 },
		func(c *TrialConfig) { c.Recipe.Augment = true },
		func(c *TrialConfig) { c.Recipe.Name = "other" },
		func(c *TrialConfig) {
			c.Recipe.Pretrain = &Pretrain{Dataset: Dataset{Name: "cifar100"}, Activation: "relu", Epochs: 1}
		},
		func(c *TrialConfig) { c.Seed = 4 },
		func(c *TrialConfig) { c.Activation = "relu" },
	}
	for i, m := range mutations {
		c2 := c
		m(&c2)
		if TrialKey(c2) == base {
			t.Errorf("mutation %d does not change the key", i)
		}
	}
}

func TestCanonicalActivationSpecsShareAKey(t *testing.T) {
	a := testGrid()
	a.Activations = []string{"pvlu(a=0.1,b=1)"}
	b := testGrid()
	b.Activations = []string{"PVLU( a=0.1, b=1 )"}
	ta, err := a.Expand()
	if err != nil {
		t.Fatal(err)
	}
	tb, err := b.Expand()
	if err != nil {
		t.Fatal(err)
	}
	if ta[0].Key != tb[0].Key || ta[0].Activation != tb[0].Activation {
		t.Errorf("equal specs written differently give keys %s (%s) and %s (%s)", ta[0].Key, ta[0].Activation, tb[0].Key, tb[0].Activation)
	}
}

func TestCanonicalModelSpecsShareAKey(t *testing.T) {
	var keys, ids []string
	for _, m := range []string{"vgg11", "VGG11", " vgg11(bn=true) "} {
		g := testGrid()
		g.Models = []string{m}
		ts, err := g.Expand()
		if err != nil {
			t.Fatal(err)
		}
		if ts[0].Model != "vgg11" {
			t.Errorf("model %q expands as %q, want vgg11", m, ts[0].Model)
		}
		keys, ids = append(keys, ts[0].Key), append(ids, ID(ts))
	}
	if keys[0] != keys[1] || keys[0] != keys[2] || ids[0] != ids[1] || ids[0] != ids[2] {
		t.Errorf("spellings of one model give keys %v and grid ids %v", keys, ids)
	}
}

func TestValidateRejectsBadGrids(t *testing.T) {
	cases := map[string]func(*Grid){
		"no models":                       func(g *Grid) { g.Models = nil },
		"seed 2 listed twice":             func(g *Grid) { g.Seeds = []uint64{1, 2, 2} },
		"seeds start at 1":                func(g *Grid) { g.Seeds = []uint64{2, 0, 1} },
		"activation \"relu\" listed":      func(g *Grid) { g.Activations = []string{"relu", "relu"} },
		"epochs is missing":               func(g *Grid) { g.Recipes[0].Epochs = 0 },
		"epochs must be >= 1":             func(g *Grid) { g.Recipes[0].Epochs = -2 },
		"batch is missing":                func(g *Grid) { g.Recipes[0].Batch = 0 },
		"lr is missing":                   func(g *Grid) { g.Recipes[0].LR = 0 },
		"lr must be > 0":                  func(g *Grid) { g.Recipes[0].LR = -1 },
		"optimizer is missing":            func(g *Grid) { g.Recipes[0].Optimizer = "" },
		"unknown model \"resnet21\"":      func(g *Grid) { g.Models = []string{"resnet21"} },
		"model \"vgg11\" listed twice":    func(g *Grid) { g.Models = []string{"vgg11", "VGG11(bn=true)"} },
		"optimizer must be":               func(g *Grid) { g.Recipes[0].Optimizer = "rmsprop" },
		"recipe name \"adam\" used twice": func(g *Grid) { g.Recipes[1].Name = "adam" },
		"holds out no validation":         func(g *Grid) { g.Datasets[0].Val = 0 },
		"needs a pretrain stage":          func(g *Grid) { g.Recipes[0].Freeze = "act" },
		"freeze last:K":                   func(g *Grid) { g.Recipes[0].Freeze = "last:x" },
		"pretraining would train on the trials' validation images": func(g *Grid) {
			g.Recipes[0].Pretrain = &Pretrain{Dataset: Dataset{Name: "mnist", Val: 50, Train: 500}, Activation: "relu", Epochs: 1}
		},
	}
	for want, mutate := range cases {
		g := testGrid()
		mutate(&g)
		if _, err := g.Expand(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v", want, err)
		}
	}
}

func TestParseSeeds(t *testing.T) {
	s, err := ParseSeeds("1-3, 7,10-11")
	if err != nil || !reflect.DeepEqual(s, []uint64{1, 2, 3, 7, 10, 11}) {
		t.Errorf("ParseSeeds = %v %v", s, err)
	}
	for _, bad := range []string{"", "x", "3-1", "-2", "1-", "0", "0-4", "3,0"} {
		if _, err := ParseSeeds(bad); err == nil {
			t.Errorf("ParseSeeds(%q) accepted", bad)
		}
	}
}

func TestGridFileRoundTripAndStrictness(t *testing.T) {
	g := testGrid()
	g.Recipes[0].Pretrain = &Pretrain{Dataset: Dataset{Name: "cifar100", Val: 10}, Activation: "relu", Epochs: 2}
	var buf bytes.Buffer
	if err := Encode(&buf, &g); err != nil {
		t.Fatal(err)
	}
	back, err := Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	g.Validate()
	if !reflect.DeepEqual(*back, g) {
		t.Errorf("round trip:\n%+v\n%+v", *back, g)
	}
	bad := strings.Replace(buf.String(), `"epochs"`, `"epohcs"`, 1)
	if _, err := Decode(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "epohcs") {
		t.Errorf("typo in a field name: %v", err)
	}
	if _, err := Decode(strings.NewReader("{\n\"models\": [,]}")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("syntax error: %v", err)
	}
}

func TestPresetsExpandAndOverrides(t *testing.T) {
	names := PresetNames()
	if names[0] != DefaultPreset || len(names) < 6 {
		t.Fatalf("presets %v", names)
	}
	for _, p := range Presets() {
		g := p.Grid()
		trials, err := g.Expand()
		if err != nil {
			t.Errorf("preset %s: %v", p.Name, err)
			continue
		}
		if len(g.Seeds) < 5 || p.Claim == "" || p.Scale == "" {
			t.Errorf("preset %s: %d seeds, claim %q, scale %q", p.Name, len(g.Seeds), p.Claim, p.Scale)
		}
		if len(trials) == 0 {
			t.Errorf("preset %s is empty", p.Name)
		}
	}
	p, _ := LookupPreset(DefaultPreset)
	g := p.Grid()
	if g.Activations[0] != "relu" || len(g.Activations) != 4 || g.Datasets[0].Name != "mnist" {
		t.Errorf("default preset %+v", g)
	}
	aug := true
	Overrides{Epochs: 7, Seeds: []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, Train: -1, Val: -1, Augment: &aug}.Apply(&g)
	if g.Recipes[0].Epochs != 7 || len(g.Seeds) != 10 || g.Datasets[0].Train != 0 || g.Recipes[0].Select != "last" || !g.Recipes[0].Augment {
		t.Errorf("overrides: %+v", g)
	}
	if _, err := g.Expand(); err != nil {
		t.Error(err)
	}
	if _, err := LookupPreset("nope"); err == nil || !strings.Contains(err.Error(), "default") {
		t.Errorf("unknown preset: %v", err)
	}
	ft, _ := LookupPreset("resnet-finetune")
	fg := ft.Grid()
	Overrides{PretrainEpochs: 20}.Apply(&fg)
	if fg.Recipes[0].Pretrain.Epochs != 20 {
		t.Error("--pretrain-epochs not applied")
	}
	if ft.Grid().Recipes[0].Pretrain.Epochs != 10 {
		t.Error("overrides changed the preset itself")
	}
	// Same-dataset fine-tuning: --train/--val/--test rescale the pretraining
	// too, so it holds out exactly the trials' validation images.
	fg = ft.Grid()
	Overrides{Train: 4000, Val: 500, Test: 2000}.Apply(&fg)
	if p := fg.Recipes[0].Pretrain.Dataset; p != fg.Datasets[0] || p.Val != 500 {
		t.Errorf("same-dataset pretrain %+v after overrides, trials on %+v", p, fg.Datasets[0])
	}
	if _, err := fg.Expand(); err != nil {
		t.Error(err)
	}
	fg = ft.Grid()
	Overrides{Val: -1}.Apply(&fg)
	if fg.Recipes[0].Pretrain.Dataset.Val != 0 || fg.Recipes[0].Select != "last" {
		t.Errorf("--val -1: pretrain %+v, select %q", fg.Recipes[0].Pretrain.Dataset, fg.Recipes[0].Select)
	}
	if _, err := fg.Expand(); err != nil {
		t.Error(err)
	}
	// A cross-dataset pretraining keeps its own sizes.
	cross := ft.Grid()
	Overrides{Datasets: []string{"cifar100"}, Val: 300}.Apply(&cross)
	if p := cross.Recipes[0].Pretrain.Dataset; p.Name != "cifar10" || p.Val != 1000 {
		t.Errorf("cross-dataset pretrain changed: %+v", p)
	}
	// Model selection is not silently changed for a grid mixing datasets
	// with and without a validation split: Validate rejects it instead.
	mixed := testGrid()
	mixed.Datasets[1].Val = 0
	Overrides{Epochs: 3}.Apply(&mixed)
	if mixed.Recipes[0].Select != "best" {
		t.Errorf("select changed to %q by an override that does not touch val", mixed.Recipes[0].Select)
	}
	if _, err := mixed.Expand(); err == nil {
		t.Error("a recipe selecting best on a dataset without validation accepted")
	}
}

func TestShortSpec(t *testing.T) {
	for in, want := range map[string]string{
		"pvlu(a=0.1, b=1, per=shared, train=true)":  "pvlu",
		"pvlu(a=0.2, b=1, per=channel, train=true)": "pvlu(a=0.2, per=channel)",
		"relu":                  "relu",
		"nonsense((":            "nonsense((",
		"leakyrelu(slope=0.01)": "leakyrelu",
	} {
		if got := ShortSpec(in); got != want {
			t.Errorf("ShortSpec(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDescribe(t *testing.T) {
	c := TrialConfig{Model: "simplecnn", Dataset: Dataset{Name: "mnist", Val: 500, Train: 2000, Test: 1000},
		Recipe: Recipe{Name: "adam"}, Seed: 3, Activation: "pvlu(a=0.2, b=1, per=shared, train=true)"}
	if got, want := c.Describe(), "simplecnn mnist[2000,test 1000] adam pvlu(a=0.2) seed 3"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
}

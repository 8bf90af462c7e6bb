// Package grid describes experiments: a Grid is models x datasets x recipes x
// seeds x activations, read from a grid file or a named Preset, rescaled by
// Overrides, and costed by EstimateCost before anything runs.
//
// Expand turns a grid into Trials in a fixed order (activation innermost, so
// the paired trials of one seed run back to back); every Trial has a
// deterministic Key, a hash of everything that determines its result, and
// the grid an ID, a hash of its trial keys. Those keys are the identity of
// results files: package record stores them, package runner resumes by them.
package grid

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/internal/textdist"
	"github.com/actbench/actbench/models"
	"github.com/actbench/actbench/trainer"
)

// Dataset names a dataset and the part of it a grid uses. Subset sizes are
// part of the trial's identity; where the files live (the data directory) is
// not, but the data's checksum is recorded with every result.
type Dataset struct {
	// Name is a dataset known to package datasets: "mnist", "cifar10",
	// "cifar100".
	Name string `json:"name"`
	// Val is the number of training images held out for validation (model
	// selection picks the best validation epoch); 0 = none, and then the
	// last epoch is the selected one.
	Val int `json:"val,omitempty"`
	// Train is the number of training images kept after the validation
	// hold-out (a class-stratified, seeded subset; 0 = all the rest).
	Train int `json:"train,omitempty"`
	// Test is the number of test images evaluated (a class-stratified subset
	// drawn with the fixed seed TestSubsetSeed, so every trial of every seed
	// sees the same images; 0 = the whole test split).
	Test int `json:"test,omitempty"`
}

// TestSubsetSeed seeds the test subset of Dataset.Test. It is fixed, not
// the trial's seed: paired trials must be scored on the same images.
const TestSubsetSeed = 20250101

// Label is the short name used in report headings, e.g. "cifar10[5000]"
// (5,000 training images) or "mnist[2000,test 2000]".
func (d Dataset) Label() string {
	switch {
	case d.Train == 0 && d.Test == 0:
		return d.Name
	case d.Test == 0:
		return fmt.Sprintf("%s[%d]", d.Name, d.Train)
	}
	return fmt.Sprintf("%s[%s,test %d]", d.Name, sizeLabel(d.Train), d.Test)
}

func sizeLabel(n int) string {
	if n == 0 {
		return "all"
	}
	return strconv.Itoa(n)
}

// Pretrain describes the stage a transfer or fine-tuning recipe starts from:
// a model trained on Dataset with Activation for Epochs epochs (with the
// recipe's optimiser settings and the trial's seed), whose weights every
// activation of the grid then continues from. It is trained once per seed
// and shared by the trials of that seed, so they pair up exactly.
type Pretrain struct {
	Dataset    Dataset `json:"dataset"`
	Activation string  `json:"activation"`
	Epochs     int     `json:"epochs"`
	// LR is the pretraining learning rate (0 = the recipe's).
	LR float64 `json:"lr,omitempty"`
	// Seed, when set, pretrains once with this seed for every trial seed,
	// as a published transfer experiment starts every run from one set of
	// released weights: the seeds then vary only the fine-tuning (its
	// initialisation of a new head, data order, augmentation, dropout),
	// and the pretraining costs one stage instead of one per seed. 0 (the
	// default) pretrains with each trial's own seed.
	Seed uint64 `json:"seed,omitempty"`
}

// Recipe is how a trial is trained: everything except the model, the
// dataset, the activation and the seed.
type Recipe struct {
	// Name labels the recipe in reports ("adam", "adam+aug", ...). It is part
	// of the identity: two recipes with equal settings and different names
	// are different groups.
	Name        string  `json:"name"`
	Epochs      int     `json:"epochs"`
	Optimizer   string  `json:"optimizer"` // sgd | adam | adamw
	LR          float64 `json:"lr"`
	Momentum    float64 `json:"momentum,omitempty"`
	Nesterov    bool    `json:"nesterov,omitempty"`
	WeightDecay float64 `json:"weight_decay,omitempty"`
	Schedule    string  `json:"schedule,omitempty"` // constant (default) | step | cosine
	Milestones  []int   `json:"milestones,omitempty"`
	Gamma       float64 `json:"gamma,omitempty"`
	Warmup      float64 `json:"warmup,omitempty"` // epochs of linear warm-up
	Batch       int     `json:"batch"`
	Augment     bool    `json:"augment,omitempty"` // random crop (pad 4) + horizontal flip
	Blur        float64 `json:"blur,omitempty"`    // Gaussian blur sigma applied to train and test images
	// Init, CropPad and LRStep are trainer.Config's Init, CropPad and
	// Schedule.Stepping: "" is the default ("default", "black",
	// "per-batch"), which Validate writes as "" so that a recipe naming the
	// default has the keys of one omitting it, as every grid before these
	// options had.
	Init    string `json:"init,omitempty"`     // default | he-normal
	CropPad string `json:"crop_pad,omitempty"` // black | mean | reflect (needs augment)
	LRStep  string `json:"lr_step,omitempty"`  // per-batch | per-epoch
	// LabelSmoothing of the cross-entropy loss (0 = none).
	LabelSmoothing float64 `json:"label_smoothing,omitempty"`
	// TestCurve evaluates the test set after every epoch too, for learning
	// curves of test error (it never influences model selection).
	TestCurve bool `json:"test_curve,omitempty"`
	// Select is the model-selection rule for the reported test error: "best"
	// validation epoch (default) or "last".
	Select string `json:"select,omitempty"`
	// Pretrain, when set, makes this a transfer / fine-tuning recipe.
	Pretrain *Pretrain `json:"pretrain,omitempty"`
	// Freeze chooses what fine-tuning trains: "none" (default), "act" (only
	// the activation parameters) or "last:K" (only the last K layers).
	Freeze string `json:"freeze,omitempty"`
}

// Grid is a set of trials: every combination of its models, datasets,
// recipes, seeds and activations.
type Grid struct {
	Name        string    `json:"name,omitempty"`
	Description string    `json:"description,omitempty"`
	Models      []string  `json:"models"`
	Datasets    []Dataset `json:"datasets"`
	Recipes     []Recipe  `json:"recipes"`
	Seeds       []uint64  `json:"seeds"`
	// Activations are activation specs, e.g. "relu", "pvlu(a=0.1,b=1)". The
	// report compares each with the baseline, relu unless
	// report.Options.Baseline (actbench report --baseline) names another;
	// the order here is only the run and table order.
	Activations []string `json:"activations"`
}

// TrialConfig is everything that determines one trial's result.
type TrialConfig struct {
	Model      string  `json:"model"`
	Dataset    Dataset `json:"dataset"`
	Recipe     Recipe  `json:"recipe"`
	Seed       uint64  `json:"seed"`
	Activation string  `json:"activation"`
}

// Describe names the trial in messages, e.g. "simplecnn mnist[2000] adam pvlu
// seed 3" (activation parameters at their defaults left out).
func (c TrialConfig) Describe() string {
	return fmt.Sprintf("%s %s %s %s seed %d", c.Model, c.Dataset.Label(), c.Recipe.Name, ShortSpec(c.Activation), c.Seed)
}

// Trial is one cell of an expanded grid.
type Trial struct {
	TrialConfig
	// Index is the trial's position in the grid's order.
	Index int
	// Unit numbers the pairing unit (model, dataset, recipe, seed) the trial
	// belongs to; the trials of a unit differ only in their activation.
	Unit int
	// Key identifies the trial: see TrialKey.
	Key string
}

// CanonicalDataset returns the name package datasets knows a dataset by
// ("CIFAR-10" -> "cifar10"), or an error naming the closest known one.
func CanonicalDataset(n string) (string, error) {
	if c, ok := datasets.CanonicalName(n); ok {
		return c, nil
	}
	hint := ""
	if s := textdist.Closest(strings.ToLower(n), datasets.Names, 3); s != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", s)
	}
	return "", fmt.Errorf("unknown dataset %q%s: actbench knows %s", n, hint, strings.Join(datasets.Names, ", "))
}

// TrialKey is the hex SHA-256 (first 16 bytes) of the trial config's JSON
// encoding. Struct fields encode in a fixed order, so equal configs give
// equal keys on every machine.
func TrialKey(c TrialConfig) string {
	b, err := json.Marshal(c)
	if err != nil { // only plain data: cannot happen
		panic("grid: encoding a trial config: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// Validate checks a grid for emptiness, duplicates and values the trainer
// would reject, and rewrites dataset names, model specs and activation
// specs into canonical form.
func (g *Grid) Validate() error {
	name := g.Name
	if name == "" {
		name = "grid"
	}
	switch {
	case len(g.Models) == 0:
		return fmt.Errorf("%s: no models (give at least one, e.g. \"simplecnn\")", name)
	case len(g.Datasets) == 0:
		return fmt.Errorf("%s: no datasets (give at least one, e.g. {\"name\": \"mnist\"})", name)
	case len(g.Recipes) == 0:
		return fmt.Errorf("%s: no recipes", name)
	case len(g.Seeds) == 0:
		return fmt.Errorf("%s: no seeds", name)
	case len(g.Activations) == 0:
		return fmt.Errorf("%s: no activations", name)
	}
	for i := range g.Datasets {
		d := &g.Datasets[i]
		if d.Name == "" {
			return fmt.Errorf("%s: dataset %d has no name", name, i+1)
		}
		// Canonical before the grid id: "MNIST" and "mnist" are one grid.
		c, err := CanonicalDataset(d.Name)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		d.Name = c
		if d.Train < 0 || d.Val < 0 || d.Test < 0 {
			return fmt.Errorf("%s: dataset %s: subset sizes must be >= 0 (0 = all), found train=%d val=%d test=%d",
				name, d.Name, d.Train, d.Val, d.Test)
		}
	}
	seenRecipe := map[string]bool{}
	for i := range g.Recipes {
		r := &g.Recipes[i]
		if r.Name == "" {
			return fmt.Errorf("%s: recipe %d has no name (recipes are told apart by name in reports)", name, i+1)
		}
		if seenRecipe[r.Name] {
			return fmt.Errorf("%s: recipe name %q used twice", name, r.Name)
		}
		seenRecipe[r.Name] = true
		if p := r.Pretrain; p != nil && p.Dataset.Name != "" {
			c, err := CanonicalDataset(p.Dataset.Name)
			if err != nil {
				return fmt.Errorf("%s: recipe %q: pretrain: %w", name, r.Name, err)
			}
			p.Dataset.Name = c
		}
		if err := r.validate(); err != nil {
			return fmt.Errorf("%s: recipe %q: %w", name, r.Name, err)
		}
	}
	for _, r := range g.Recipes {
		for _, d := range g.Datasets {
			if r.Select == "best" && d.Val == 0 {
				return fmt.Errorf("%s: recipe %q selects the best validation epoch but dataset %s holds out no validation images: set its val or select \"last\"",
					name, r.Name, d.Label())
			}
			// The validation split is drawn from (seed, size): a same-dataset
			// pretraining with another val trained on some of the images the
			// trial validates on.
			if p := r.Pretrain; p != nil && p.Dataset.Name == d.Name && p.Dataset.Val != d.Val {
				return fmt.Errorf("%s: recipe %q pretrains on %s with val %d but its trials on %s hold out val %d: the pretraining would train on the trials' validation images; give both the same val",
					name, r.Name, p.Dataset.Name, p.Dataset.Val, d.Label(), d.Val)
			}
		}
	}
	for i, a := range g.Activations {
		c, err := CanonicalActivation(a)
		if err != nil {
			return fmt.Errorf("%s: activation %q: %w", name, a, err)
		}
		g.Activations[i] = c
	}
	for i := range g.Recipes {
		if p := g.Recipes[i].Pretrain; p != nil {
			c, err := CanonicalActivation(p.Activation)
			if err != nil {
				return fmt.Errorf("%s: recipe %q: pretrain activation %q: %w", name, g.Recipes[i].Name, p.Activation, err)
			}
			p.Activation = c
		}
	}
	for i, m := range g.Models {
		// Canonical before the grid id too: "ResNet20" and "resnet20", or
		// "vgg16(bn=true)" and "vgg16", are one model and one grid.
		c, err := models.Canonical(m)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		g.Models[i] = c
	}
	if d := firstDuplicate(g.Models); d != "" {
		return fmt.Errorf("%s: model %q listed twice", name, d)
	}
	if d := firstDuplicate(g.Activations); d != "" {
		return fmt.Errorf("%s: activation %q listed twice", name, d)
	}
	seeds := slices.Clone(g.Seeds)
	slices.Sort(seeds)
	if seeds[0] == 0 {
		return fmt.Errorf("%s: seed 0 is not a seed (the trainer reads 0 as unset and trains seed 1): seeds start at 1", name)
	}
	for i := 1; i < len(seeds); i++ {
		if seeds[i] == seeds[i-1] {
			return fmt.Errorf("%s: seed %d listed twice", name, seeds[i])
		}
	}
	ds := map[Dataset]bool{}
	for _, d := range g.Datasets {
		if ds[d] {
			return fmt.Errorf("%s: dataset %s listed twice", name, d.Label())
		}
		ds[d] = true
	}
	return nil
}

func (r *Recipe) validate() error {
	// NaN passes every comparison below: refuse it (and infinities) first.
	for _, f := range []struct {
		name string
		v    float64
	}{{"lr", r.LR}, {"momentum", r.Momentum}, {"weight_decay", r.WeightDecay}, {"gamma", r.Gamma},
		{"warmup", r.Warmup}, {"blur", r.Blur}, {"label_smoothing", r.LabelSmoothing}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("%s must be a finite number, found %g", f.name, f.v)
		}
	}
	if p := r.Pretrain; p != nil && (math.IsNaN(p.LR) || math.IsInf(p.LR, 0)) {
		return fmt.Errorf("pretrain lr must be a finite number, found %g", p.LR)
	}
	switch {
	case r.Epochs == 0:
		return errors.New(`epochs is missing (a recipe states its length, e.g. "epochs": 10)`)
	case r.Epochs < 1:
		return fmt.Errorf("epochs must be >= 1, found %d", r.Epochs)
	case r.Batch == 0:
		return errors.New(`batch is missing (a recipe states its batch size, e.g. "batch": 128)`)
	case r.Batch < 1:
		return fmt.Errorf("batch must be >= 1, found %d", r.Batch)
	case r.LR == 0:
		return errors.New(`lr is missing (a recipe states its learning rate, e.g. "lr": 0.001)`)
	case !(r.LR > 0):
		return fmt.Errorf("lr must be > 0, found %g", r.LR)
	case r.Blur < 0:
		return fmt.Errorf("blur sigma must be >= 0, found %g", r.Blur)
	}
	switch r.Optimizer {
	case "sgd", "adam", "adamw":
	default:
		if r.Optimizer == "" {
			return errors.New(`optimizer is missing (sgd, adam or adamw, e.g. "optimizer": "adam")`)
		}
		return fmt.Errorf("optimizer must be sgd, adam or adamw, found %q", r.Optimizer)
	}
	switch r.Schedule {
	case "", "constant", "step", "cosine":
	default:
		return fmt.Errorf("schedule must be constant, step or cosine, found %q", r.Schedule)
	}
	// The trainer validates (and writes defaults as "") the controls it
	// owns; its "stepping" is the recipe's lr_step.
	rc, err := trainer.Config{Model: "-", Data: "-", Augment: r.Augment, Init: r.Init, CropPad: r.CropPad,
		Schedule: trainer.Schedule{Stepping: r.LRStep, WarmupEpochs: r.Warmup}}.Resolve()
	var ce *trainer.ConfigError
	if errors.As(err, &ce) {
		msg := ce.Msg
		if ce.Field == "schedule.stepping" { // the recipe's name for it
			msg = strings.Replace(msg, "schedule stepping", "lr_step", 1)
		}
		return errors.New(msg)
	}
	if err != nil {
		return err
	}
	r.Init, r.CropPad, r.LRStep = rc.Init, rc.CropPad, rc.Schedule.Stepping
	switch r.Select {
	case "", "best", "last":
	default:
		return fmt.Errorf("select must be best or last, found %q", r.Select)
	}
	switch {
	case r.Freeze == "" || r.Freeze == "none" || r.Freeze == "act":
	case strings.HasPrefix(r.Freeze, "last:"):
		if k, err := strconv.Atoi(r.Freeze[5:]); err != nil || k < 1 {
			return fmt.Errorf("freeze last:K needs a whole K >= 1, found %q", r.Freeze)
		}
	default:
		return fmt.Errorf("freeze must be none, act or last:K, found %q", r.Freeze)
	}
	if r.Freeze != "" && r.Freeze != "none" && r.Pretrain == nil {
		return fmt.Errorf("freeze %q needs a pretrain stage", r.Freeze)
	}
	if p := r.Pretrain; p != nil {
		if p.Dataset.Name == "" || p.Activation == "" || p.Epochs < 1 || p.LR < 0 {
			return fmt.Errorf("pretrain needs a dataset, an activation and epochs >= 1, found %+v", *p)
		}
	}
	return nil
}

func firstDuplicate(xs []string) string {
	seen := map[string]bool{}
	for _, x := range xs {
		if seen[x] {
			return x
		}
		seen[x] = true
	}
	return ""
}

// Expand validates the grid and lists its trials in run order: models, then
// datasets, recipes, seeds, and activations innermost.
func (g *Grid) Expand() ([]Trial, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	var trials []Trial
	unit := 0
	for _, m := range g.Models {
		for _, d := range g.Datasets {
			for _, r := range g.Recipes {
				for _, s := range g.Seeds {
					for _, a := range g.Activations {
						c := TrialConfig{Model: m, Dataset: d, Recipe: r, Seed: s, Activation: a}
						trials = append(trials, Trial{TrialConfig: c, Index: len(trials), Unit: unit, Key: TrialKey(c)})
					}
					unit++
				}
			}
		}
	}
	return trials, nil
}

// PretrainTrial is the pretraining stage of a transfer / fine-tuning trial:
// the same model, seed (the pretrain seed when it is set) and optimiser
// settings, on the pretrain dataset with the pretrain activation for the
// pretrain epochs, without blur. Its key does not depend on the recipe's
// name, the trial's activation or the fine-tuning settings (nor, with a
// pretrain seed, the trial's seed), so every trial that can share it does.
func PretrainTrial(t Trial) Trial {
	p := t.Recipe.Pretrain
	r := t.Recipe
	r.Name = "pretrain"
	r.Epochs = p.Epochs
	if p.LR > 0 {
		r.LR = p.LR
	}
	if r.Select == "best" && p.Dataset.Val == 0 {
		r.Select = "last"
	}
	r.Blur = 0
	r.Pretrain = nil
	r.Freeze = ""
	seed := t.Seed
	if p.Seed != 0 {
		seed = p.Seed
	}
	c := TrialConfig{Model: t.Model, Dataset: p.Dataset, Recipe: r, Seed: seed, Activation: p.Activation}
	return Trial{TrialConfig: c, Index: t.Index, Unit: t.Unit, Key: TrialKey(c)}
}

// ID identifies a grid by its trials: the hex SHA-256 (first 12 bytes)
// of its trial keys in order. Shards of one grid share it; a grid scaled up
// (more seeds, epochs, ...) gets a new one.
func ID(trials []Trial) string {
	h := sha256.New()
	for _, t := range trials {
		h.Write([]byte(t.Key))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// ParseSeeds reads a seed list such as "1-5", "1,2,7" or "1-3,10". Seeds
// start at 1: the trainer takes seed 0 as unset.
func ParseSeeds(s string) ([]uint64, error) {
	var seeds []uint64
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.ParseUint(strings.TrimSpace(lo), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("seeds %q: %q is not a whole number >= 1", s, lo)
		}
		if a == 0 {
			return nil, fmt.Errorf("seeds %q: seed 0 is not a seed (the trainer reads 0 as unset and trains seed 1): seeds start at 1, e.g. 1-5", s)
		}
		b := a
		if isRange {
			if b, err = strconv.ParseUint(strings.TrimSpace(hi), 10, 64); err != nil || b < a {
				return nil, fmt.Errorf("seeds %q: range %q must be lo-hi with lo <= hi", s, part)
			}
		}
		if b-a > 100000 {
			return nil, fmt.Errorf("seeds %q: range %q is too long", s, part)
		}
		for v := a; v <= b; v++ {
			seeds = append(seeds, v)
		}
	}
	if len(seeds) == 0 {
		return nil, fmt.Errorf("seeds %q: no seeds (e.g. 1-5)", s)
	}
	return seeds, nil
}

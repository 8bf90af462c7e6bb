package grid

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/actbench/actbench/registry"
)

// The four activations every preset compares, in report order: the baseline
// first. Parameters are the registry defaults (Leaky ReLU slope 0.01, PReLU
// init 0.25 shared, PVLU a=0.1 b=1 trainable, shared).
var paperActivations = []string{"relu", "leakyrelu", "prelu", "pvlu"}

// Preset is a named, documented grid.
type Preset struct {
	Name string
	// Claim is what the preset re-tests (the PVLU paper's claim or the
	// purpose of the grid).
	Claim string
	// Scale says how it was cut down to CPU size and which flags scale it up.
	Scale string
	grid  func() Grid
}

// Grid returns a fresh copy of the preset's grid.
func (p Preset) Grid() Grid {
	g := p.grid()
	g.Name = p.Name
	g.Description = p.Claim
	return g
}

// DefaultPreset is what `actbench run` runs without arguments.
const DefaultPreset = "default"

var presets = map[string]Preset{}

func addPreset(p Preset) { presets[p.Name] = p }

// LookupPreset returns the named preset, or an error listing the presets.
func LookupPreset(name string) (Preset, error) {
	p, ok := presets[name]
	if !ok {
		return Preset{}, fmt.Errorf("no preset %q (presets: %s; see 'actbench presets')", name, strings.Join(PresetNames(), ", "))
	}
	return p, nil
}

// Presets returns every preset, the default first and then by name.
func Presets() []Preset {
	var ps []Preset
	for _, n := range PresetNames() {
		ps = append(ps, presets[n])
	}
	return ps
}

// PresetNames lists the preset names, the default first and then sorted.
func PresetNames() []string {
	var names []string
	for n := range presets {
		if n != DefaultPreset {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return append([]string{DefaultPreset}, names...)
}

func seeds(lo, hi uint64) []uint64 {
	var s []uint64
	for v := lo; v <= hi; v++ {
		s = append(s, v)
	}
	return s
}

func adam(name string, epochs int) Recipe {
	return Recipe{Name: name, Epochs: epochs, Optimizer: "adam", LR: 1e-3, Batch: 128, Select: "best"}
}

func init() {
	addPreset(Preset{
		Name: DefaultPreset,
		Claim: "Smoke-size comparison of ReLU, Leaky ReLU, PReLU and PVLU: the simple CNN on an MNIST subset, " +
			"5 paired seeds. Shows the whole pipeline in about three minutes on 2 cores (est. under a minute idle; measured " +
			"4m12s while other work loaded the machine); too small to settle any claim.",
		Scale: "MNIST (always available through the GoMNIST module): 2,000 training, 500 validation and 2,000 test images " +
			"(the same for every trial), 2 epochs; --train, --val, --test, --epochs and --seeds scale it up.",
		grid: func() Grid {
			r := adam("adam", 2)
			r.Batch = 64
			return Grid{
				Models:      []string{"simplecnn"},
				Datasets:    []Dataset{{Name: "mnist", Val: 500, Train: 2000, Test: 2000}},
				Recipes:     []Recipe{r},
				Seeds:       seeds(1, 5),
				Activations: slices.Clone(paperActivations),
			}
		},
	})
	addPreset(Preset{
		Name: "cifar10-cnn",
		Claim: "Simple CNN on CIFAR-10 without augmentation: does PVLU lower test error against ReLU, " +
			"Leaky ReLU and PReLU?",
		Scale: "the 10,000-image training batch in ../shared/datasets (1,000 held out for validation), full test set, " +
			"10 epochs, 5 seeds; --epochs and --seeds scale it up.",
		grid: func() Grid {
			return Grid{
				Models:      []string{"simplecnn"},
				Datasets:    []Dataset{{Name: "cifar10", Val: 1000, Train: 9000}},
				Recipes:     []Recipe{adam("adam", 10)},
				Seeds:       seeds(1, 5),
				Activations: slices.Clone(paperActivations),
			}
		},
	})
	addPreset(Preset{
		Name: "cifar100-cnn",
		Claim: "PVLU paper: the simple CNN on CIFAR-100 has lower test error with PVLU than with ReLU, " +
			"without and with data augmentation.",
		Scale: "10,000 of the training images (100 per class, after 2,000 held out for validation), full test set, " +
			"10 epochs, 5 seeds, both without and with augmentation; --train, --epochs and --seeds scale it up.",
		grid: func() Grid {
			aug := adam("adam+aug", 10)
			aug.Augment = true
			return Grid{
				Models:      []string{"simplecnn"},
				Datasets:    []Dataset{{Name: "cifar100", Val: 2000, Train: 10000}},
				Recipes:     []Recipe{adam("adam", 10), aug},
				Seeds:       seeds(1, 5),
				Activations: slices.Clone(paperActivations),
			}
		},
	})
	transfer := func(blur float64) Grid {
		r := adam("transfer", 5)
		r.LR = 1e-4
		r.Blur = blur
		r.Pretrain = &Pretrain{Dataset: Dataset{Name: "cifar100", Val: 2000, Train: 10000}, Activation: "relu", Epochs: 5, LR: 1e-3}
		if blur > 0 {
			r.Name = fmt.Sprintf("transfer+blur%g", blur)
		}
		return Grid{
			Models:      []string{"vgg16", "vgg19"},
			Datasets:    []Dataset{{Name: "cifar10", Val: 1000, Train: 5000}},
			Recipes:     []Recipe{r},
			Seeds:       seeds(1, 5),
			Activations: slices.Clone(paperActivations),
		}
	}
	addPreset(Preset{
		Name: "cifar10-vgg-transfer",
		Claim: "PVLU paper: VGG-16 and VGG-19 transferred to CIFAR-10 have lower test error with PVLU. " +
			"ImageNet weights cannot be assumed, so each seed pretrains on CIFAR-100 with ReLU, then every " +
			"activation continues from those weights on CIFAR-10 (new classifier).",
		Scale: "pretraining on 10,000 CIFAR-100 images for 5 epochs, then 5 epochs on 5,000 CIFAR-10 images at lr 1e-4, " +
			"5 seeds; --pretrain-epochs, --epochs, --train and --seeds scale it up.",
		grid: func() Grid { return transfer(0) },
	})
	addPreset(Preset{
		Name: "cifar10-blur-vgg-transfer",
		Claim: "PVLU paper: the VGG transfer above on Gaussian-blurred CIFAR-10 (sigma 1), where PVLU's " +
			"advantage was reported larger.",
		Scale: "as cifar10-vgg-transfer, with every CIFAR-10 split blurred (sigma 1; pretraining unblurred).",
		grid:  func() Grid { return transfer(1) },
	})
	addPreset(Preset{
		Name: "resnet-finetune",
		Claim: "PVLU paper's fine-tuning mechanism: a ResNet trained with ReLU and then continued under PVLU " +
			"(started at a=0, where it equals ReLU, so the swap changes nothing until a trains) ends with lower error. The control continues under ReLU for the " +
			"same number of epochs, so extra training is never credited to the activation.",
		Scale: "ResNet-20 on 9,000 CIFAR-10 images (1,000 validation): pretraining 10 epochs with ReLU, then 5 more " +
			"epochs at lr 1e-4 under ReLU (control), PVLU(a=0) and PReLU, 5 seeds; --pretrain-epochs, --epochs and --seeds scale it up.",
		grid: func() Grid {
			ds := Dataset{Name: "cifar10", Val: 1000, Train: 9000}
			r := adam("finetune", 5)
			r.LR = 1e-4
			r.Pretrain = &Pretrain{Dataset: ds, Activation: "relu", Epochs: 10, LR: 1e-3}
			return Grid{
				Models:      []string{"resnet20"},
				Datasets:    []Dataset{ds},
				Recipes:     []Recipe{r},
				Seeds:       seeds(1, 5),
				Activations: []string{"relu", "pvlu(a=0)", "prelu"},
			}
		},
	})
}

// allActivations lists every registered activation at its default
// parameters, ReLU (the report's baseline) first and the others by name.
// It reads the registry when the grid is built, so an activation added
// later joins the leaderboard without editing the preset.
func allActivations() []string {
	acts := []string{"relu"}
	for _, n := range registry.Names() {
		if n != "relu" {
			acts = append(acts, n)
		}
	}
	return acts
}

// leaderboardResNetList is the committed activation list of the
// leaderboard-resnet preset (see the file's header).
//
//go:embed leaderboard-resnet.txt
var leaderboardResNetList string

// listActivations reads an activation list: one spec per line, blank lines
// and lines starting with '#' ignored.
func listActivations(text string) []string {
	var acts []string
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			acts = append(acts, line)
		}
	}
	return acts
}

func init() {
	addPreset(Preset{
		Name: "leaderboard",
		Claim: "The reference leaderboard: every registered activation at its default parameters (all 46 of this build, " +
			"read from the registry when the grid is built; none excluded: identity, the linear floor, and the " +
			"saturating and shrinking functions stay in as references, and celu (alpha=1, the same function as elu) and " +
			"swish and aconc (which start as silu) as built-in checks that equal functions land in one significance group), " +
			"on the simple CNN on the CIFAR-10 and CIFAR-100 subsets, 5 paired seeds. Read it with 'actbench report --leaderboard'.",
		Scale: "Per dataset 3,000 training images (class-stratified: 300 per class on CIFAR-10, 30 on CIFAR-100) and " +
			"1,000 validation images carved from the training files (the best validation epoch is reported), the full " +
			"10,000 test images; Adam lr 1e-3, batch 128, cosine decay to 0 over 10 epochs, no augmentation. " +
			"Budget: 460 trials, est. 3.1 h on the reference machine's 2 cores, i.e. about 6 CPU-hours, of which " +
			"0.2 h are activations that still cost more than ReLU per value (the composite serf, pserf, erfact, " +
			"tanhexp, smish, gcu, pau, tanhshrink, golu, srs and aconc run on fused SIMD kernels, pdelu at its " +
			"default t = 1.5 on one without a logarithm, rrelu draws its slopes by a SIMD integer hash). With " +
			"leaderboard-resnet's " +
			"8 that is about 14.3 CPU-hours, within the 15 asked for; the images stay at the 3,000 chosen when the " +
			"engine was half as fast. " +
			"Why 10 epochs with a cosine decay: at a constant lr 1e-3 ReLU does not settle at this scale (mean validation " +
			"error over 5 seeds, results/cifar10-simplecnn, 9,000 images: 39.8, 38.1, 37.4 % at epochs 8-10; " +
			"results/cifar100-simplecnn, 10,000 images: 83.1, 80.6, 79.2 % at epochs 4-6). With the decay the last 3 of " +
			"10 epochs run below 21 % of the peak rate, about 5 full-rate steps' worth of updates out of some 240; around " +
			"step 240 those runs gained 0.03-0.045 pp of validation error per full-rate step (2.0-3.2 pp per epoch of " +
			"70-78 steps), so ReLU's validation error should move about 0.15-0.25 pp over the last 3 epochs, under the " +
			"0.5 pp asked for. That is an estimate, not a measurement: the first run must check it ('actbench report " +
			"--leaderboard' prints the move of each cell, and a note at >= 0.5 pp: then raise --epochs). " +
			"--train, --epochs and --seeds scale it.",
		grid: func() Grid {
			r := adam("adam-cosine", 10)
			r.Schedule = "cosine"
			return Grid{
				Models:      []string{"simplecnn"},
				Datasets:    []Dataset{{Name: "cifar10", Val: 1000, Train: 3000}, {Name: "cifar100", Val: 1000, Train: 3000}},
				Recipes:     []Recipe{r},
				Seeds:       seeds(1, 5),
				Activations: allActivations(),
			}
		},
	})
	addPreset(Preset{
		Name: "leaderboard-resnet",
		Claim: "The leaderboard's follow-up: its top 12 activations (and ReLU, the baseline) on ResNet-20 on CIFAR-10 " +
			"under the recipe public activation-design benchmarks use (SGD lr 0.1, momentum 0.9, weight decay 5e-4, " +
			"cosine decay, random crop + flip), 5 paired seeds: does the simple CNN's ranking hold on a residual network " +
			"with batch norm? The top 12 is not known before the leaderboard has run, so the activations come from " +
			"grid/leaderboard-resnet.txt (committed, provisional until then: ReLU, Leaky ReLU, PReLU, PVLU, GELU, SiLU, " +
			"Mish, Hard-Swish, ReLU6, ELU, SELU, Softplus) or from --act, which replaces them: 'actbench report " +
			"--leaderboard' prints the --act flag with the measured top 12 under its overall table.",
		Scale: "All 9,000 training images of the shared CIFAR-10 batch (after 1,000 held out for validation), the full " +
			"test set, batch 128, 20 epochs instead of the usual 200 on 50,000 images: est. 4.1 h on 2 cores (about " +
			"8 CPU-hours) for the 12 listed, 4.4 h for 13, a budget of its own beside the leaderboard's. Not checked " +
			"for convergence: the first run must look at ReLU's validation curve ('actbench report --leaderboard' " +
			"prints its move over the last 3 epochs). --epochs and --seeds scale it.",
		grid: func() Grid {
			r := Recipe{Name: "sgd-cosine+aug", Epochs: 20, Optimizer: "sgd", LR: 0.1, Momentum: 0.9, WeightDecay: 5e-4,
				Schedule: "cosine", Batch: 128, Augment: true, Select: "best"}
			return Grid{
				Models:      []string{"resnet20"},
				Datasets:    []Dataset{{Name: "cifar10", Val: 1000, Train: 9000}},
				Recipes:     []Recipe{r},
				Seeds:       seeds(1, 5),
				Activations: listActivations(leaderboardResNetList),
			}
		},
	})
}

// Overrides rescale or restrict a grid from the command line. Zero fields
// leave the grid alone.
type Overrides struct {
	Models         []string
	Datasets       []string // dataset names; the subset sizes of the first grid dataset carry over
	Activations    []string
	Seeds          []uint64
	Epochs         int
	PretrainEpochs int
	Train          int // training subset size; -1 = all
	Val            int // validation hold-out; -1 = none
	Test           int // test subset size; -1 = the whole test split
	Batch          int
	LR             float64
	Optimizer      string
	Augment        *bool
	Blur           *float64
	// Init, CropPad and LRStep set every recipe's (see Recipe); "" leaves
	// them alone.
	Init, CropPad, LRStep string
}

// Apply changes g as o says.
func (o Overrides) Apply(g *Grid) {
	if len(o.Models) > 0 {
		g.Models = slices.Clone(o.Models)
	}
	if len(o.Datasets) > 0 {
		var tmpl Dataset
		if len(g.Datasets) > 0 {
			tmpl = g.Datasets[0]
		}
		g.Datasets = nil
		for _, n := range o.Datasets {
			d := tmpl
			d.Name = n
			g.Datasets = append(g.Datasets, d)
		}
	}
	if len(o.Activations) > 0 {
		g.Activations = slices.Clone(o.Activations)
	}
	if len(o.Seeds) > 0 {
		g.Seeds = slices.Clone(o.Seeds)
	}
	for i := range g.Datasets {
		o.applySizes(&g.Datasets[i])
	}
	for i := range g.Recipes {
		r := &g.Recipes[i]
		if o.Epochs > 0 {
			r.Epochs = o.Epochs
		}
		if o.Batch > 0 {
			r.Batch = o.Batch
		}
		if o.LR > 0 {
			r.LR = o.LR
		}
		if o.Optimizer != "" {
			r.Optimizer = o.Optimizer
		}
		if o.Augment != nil {
			r.Augment = *o.Augment
			if !r.Augment {
				r.CropPad = "" // no crop, no crop padding
			}
		}
		if o.Blur != nil {
			r.Blur = *o.Blur
		}
		for _, f := range [][2]*string{{&r.Init, &o.Init}, {&r.CropPad, &o.CropPad}, {&r.LRStep, &o.LRStep}} {
			if *f[1] != "" {
				*f[0] = *f[1]
			}
		}
		// --val -1 leaves no dataset a validation split, so "best" has
		// nothing to select on. A grid that mixes datasets with and without
		// one is left for Validate to reject, not silently changed.
		if r.Select == "best" && o.Val < 0 {
			r.Select = "last"
		}
		if r.Pretrain != nil {
			p := *r.Pretrain
			if o.PretrainEpochs > 0 {
				p.Epochs = o.PretrainEpochs
			}
			// A same-dataset pretraining must hold out the very images the
			// fine-tuning validates on (same size, same seed), or validation
			// would score images the pretrained model trained on.
			if slices.ContainsFunc(g.Datasets, func(d Dataset) bool { return d.Name == p.Dataset.Name }) {
				o.applySizes(&p.Dataset)
			}
			r.Pretrain = &p
		}
	}
}

// applySizes applies the Train, Val and Test overrides to d.
func (o Overrides) applySizes(d *Dataset) {
	switch {
	case o.Train > 0:
		d.Train = o.Train
	case o.Train < 0:
		d.Train = 0
	}
	switch {
	case o.Val > 0:
		d.Val = o.Val
	case o.Val < 0:
		d.Val = 0
	}
	switch {
	case o.Test > 0:
		d.Test = o.Test
	case o.Test < 0:
		d.Test = 0
	}
}

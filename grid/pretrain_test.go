package grid

import (
	"reflect"
	"testing"
)

// The pretraining stage of a fine-tuning trial is the one trial every
// command (run, finetune) and every grid that can share it keys alike: its
// config is the recipe's training settings with the pretraining's dataset,
// activation, epochs and learning rate, and nothing of the continuation.
func TestPretrainTrialIsTheSharedStage(t *testing.T) {
	ds := Dataset{Name: "cifar10", Val: 1000, Train: 5000}
	base := func() Grid {
		r := Recipe{Name: "transfer", Epochs: 5, Optimizer: "sgd", LR: 1e-4, Momentum: 0.9, Batch: 64, Select: "best",
			Blur: 1, Augment: true, Freeze: "act",
			Pretrain: &Pretrain{Dataset: Dataset{Name: "cifar100", Val: 0, Train: 10000}, Activation: "relu", Epochs: 3, LR: 1e-2}}
		return Grid{Name: "g", Models: []string{"vgg16"}, Datasets: []Dataset{ds}, Recipes: []Recipe{r},
			Seeds: []uint64{4}, Activations: []string{"relu", "pvlu"}}
	}
	stage := func(g Grid) Trial {
		t.Helper()
		trials, err := g.Expand()
		if err != nil {
			t.Fatal(err)
		}
		return PretrainTrial(trials[len(trials)-1])
	}
	pt := stage(base())
	want := TrialConfig{Model: "vgg16", Dataset: Dataset{Name: "cifar100", Train: 10000}, Seed: 4, Activation: "relu",
		Recipe: Recipe{Name: "pretrain", Epochs: 3, Optimizer: "sgd", LR: 1e-2, Momentum: 0.9, Batch: 64, Select: "last", Augment: true}}
	if !reflect.DeepEqual(pt.TrialConfig, want) || pt.Key != TrialKey(want) {
		t.Fatalf("stage %+v\nwant  %+v", pt.TrialConfig, want)
	}
	// Nothing of the continuation, and no spelling, changes the stage.
	for name, edit := range map[string]func(*Grid){
		"recipe name":       func(g *Grid) { g.Recipes[0].Name = "other" },
		"continuation":      func(g *Grid) { g.Recipes[0].Epochs, g.Recipes[0].LR, g.Recipes[0].Blur = 9, 1e-5, 0 },
		"freeze":            func(g *Grid) { g.Recipes[0].Freeze = "last:2" },
		"trial activations": func(g *Grid) { g.Activations = []string{"prelu", "relu"} },
		"trial dataset":     func(g *Grid) { g.Datasets = []Dataset{{Name: "cifar10", Val: 200, Train: 500}} },
		"spellings": func(g *Grid) {
			g.Recipes[0].Pretrain.Activation, g.Recipes[0].Pretrain.Dataset.Name = "relu()", "CIFAR-100"
		},
	} {
		g := base()
		edit(&g)
		if got := stage(g); got.Key != pt.Key {
			t.Errorf("%s changed the stage: %+v", name, got.TrialConfig)
		}
	}
	// What determines the pretrained weights does.
	for name, edit := range map[string]func(*Grid){
		"seed":            func(g *Grid) { g.Seeds = []uint64{5} },
		"pretrain lr":     func(g *Grid) { g.Recipes[0].Pretrain.LR = 1e-3 },
		"pretrain epochs": func(g *Grid) { g.Recipes[0].Pretrain.Epochs = 4 },
		"pretrain subset": func(g *Grid) { g.Recipes[0].Pretrain.Dataset.Train = 9000 },
		"pretrain act":    func(g *Grid) { g.Recipes[0].Pretrain.Activation = "prelu" },
		"batch":           func(g *Grid) { g.Recipes[0].Batch = 32 },
		"augmentation":    func(g *Grid) { g.Recipes[0].Augment = false },
		"model":           func(g *Grid) { g.Models = []string{"vgg19"} },
		"pretrain seed":   func(g *Grid) { g.Recipes[0].Pretrain.Seed = 9 },
	} {
		g := base()
		edit(&g)
		if got := stage(g); got.Key == pt.Key {
			t.Errorf("%s: the same stage key for another pretraining", name)
		}
	}
}

// A pretrain seed makes one stage for every trial seed (the seeds then vary
// only the continuation), the stage that seed alone would have had; it
// changes the trials' identity but leaves a grid without it as it was.
func TestPretrainSeedSharesOneStage(t *testing.T) {
	g := Grid{Name: "g", Models: []string{"simplecnn"}, Datasets: []Dataset{{Name: "cifar10", Val: 1000, Train: 5000}},
		Recipes: []Recipe{{Name: "ft", Epochs: 2, Optimizer: "sgd", LR: 1e-2, Batch: 128, Select: "best",
			Pretrain: &Pretrain{Dataset: Dataset{Name: "cifar100", Val: 1000, Train: 10000}, Activation: "relu", Epochs: 3}}},
		Seeds: []uint64{1, 2, 3}, Activations: []string{"relu", "pvlu"}}
	perSeed, err := g.Expand()
	if err != nil {
		t.Fatal(err)
	}
	perSeedCost, err := EstimateCost(&g)
	if err != nil {
		t.Fatal(err)
	}
	shared := g
	shared.Recipes = []Recipe{g.Recipes[0]}
	p := *g.Recipes[0].Pretrain
	p.Seed = 2
	shared.Recipes[0].Pretrain = &p
	trials, err := shared.Expand()
	if err != nil {
		t.Fatal(err)
	}
	stage := PretrainTrial(trials[0])
	if stage.Seed != 2 {
		t.Fatalf("stage seed %d, want the pretrain seed 2", stage.Seed)
	}
	for i, tr := range trials {
		if got := PretrainTrial(tr); got.Key != stage.Key {
			t.Errorf("trial %d (seed %d): stage %s, want the one shared stage %s", i, tr.Seed, got.Key, stage.Key)
		}
		if tr.Key == perSeed[i].Key {
			t.Errorf("trial %d: the same key with and without a pretrain seed", i)
		}
		if perSeed[i].Seed == 2 && PretrainTrial(perSeed[i]).Key != stage.Key {
			t.Errorf("trial %d: seed 2's own stage differs from the shared stage of pretrain seed 2", i)
		}
	}
	if ID(trials) == ID(perSeed) {
		t.Error("the same grid id with and without a pretrain seed")
	}
	cost, err := EstimateCost(&shared)
	if err != nil {
		t.Fatal(err)
	}
	if cost.Epochs != perSeedCost.Epochs-2*3 {
		t.Errorf("estimate %d epochs with one shared stage, %d with one per seed: want 2 stages of 3 epochs fewer",
			cost.Epochs, perSeedCost.Epochs)
	}
}

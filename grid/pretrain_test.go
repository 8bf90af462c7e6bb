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
	} {
		g := base()
		edit(&g)
		if got := stage(g); got.Key == pt.Key {
			t.Errorf("%s: the same stage key for another pretraining", name)
		}
	}
}

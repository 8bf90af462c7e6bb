package grid

import (
	"math"
	"slices"
	"testing"

	"github.com/actbench/actbench/models"
	"github.com/actbench/actbench/registry"
)

func TestEstimateScalesWithTheGrid(t *testing.T) {
	p, _ := LookupPreset(DefaultPreset)
	g := p.Grid()
	est, err := EstimateCost(&g)
	if err != nil {
		t.Fatal(err)
	}
	// The default preset must stay a few-minute job on 2 cores.
	if est.Trials != 20 || est.Seconds < 30 || est.Seconds > 240 || est.Images != 20*2*2000 {
		t.Fatalf("default preset estimate %+v", est)
	}
	Overrides{Epochs: 4}.Apply(&g)
	est2, _ := EstimateCost(&g)
	if r := est2.Seconds / est.Seconds; r < 1.6 || r > 2 {
		t.Errorf("doubling the epochs scales the estimate by %.2f", r)
	}
	ft, _ := LookupPreset("resnet-finetune")
	fg := ft.Grid()
	fe, err := EstimateCost(&fg)
	if err != nil || fe.Epochs != 5*10+15*5 {
		t.Errorf("fine-tuning estimate counts %d epochs (want 5 pretrainings of 10 + 15 trials of 5): %v", fe.Epochs, err)
	}
}

// Every model of the zoo, with or without options, has a cost: its own
// measured rates or those of the nearest measured model of its family.
func TestEveryZooModelHasARate(t *testing.T) {
	for m, r := range referenceRates {
		if !(r.train > 0 && r.eval > r.train) {
			t.Errorf("%s: rates %+v (want measured, evaluation faster than training)", m, r)
		}
	}
	for _, m := range append(models.Names(), "vgg16(bn=false)", "mlp(depth=3,hidden=64)") {
		train, eval, err := modelRates(m)
		if err != nil || !(train > 0 && eval > 0) {
			t.Errorf("%s: rates %g, %g, %v", m, train, eval, err)
		}
	}
	// resnet32 sits between the measured resnet20 and resnet56 and takes the
	// rate of the one nearer in FLOPs.
	r32, _, _ := modelRates("resnet32")
	r20, _, _ := modelRates("resnet20")
	if r32 != r20 {
		t.Errorf("resnet32 train rate %g, want resnet20's %g (nearest in FLOPs)", r32, r20)
	}
	if _, _, err := modelRates("transformer"); err == nil {
		t.Error("an unknown model got a rate")
	}
}

// TestActivationCostsCoverTheRegistry: every registered activation has a
// measured cost and every row of the table names a registered activation,
// so a new activation cannot be priced as ReLU by omission.
func TestActivationCostsCoverTheRegistry(t *testing.T) {
	names := registry.Names()
	for _, n := range names {
		if _, ok := activationCosts[n]; !ok {
			t.Errorf("activation %q has no row in activationCosts (measure it: see actcost.go)", n)
		}
	}
	for n, c := range activationCosts {
		if !slices.Contains(names, n) {
			t.Errorf("activationCosts has a row for %q, which is not registered", n)
		}
		if !(c.fwd > 0 && c.bwd > 0) {
			t.Errorf("%s: cost %+v", n, c)
		}
	}
	if c, ok := costOfActivation("no-such-activation"); ok || c.fwd+c.bwd < activationCosts["serf"].fwd+activationCosts["serf"].bwd {
		t.Errorf("an unknown activation is priced %+v (found %v), want the table's most expensive", c, ok)
	}
}

// TestActivationCostInEstimate: the same grid with a slow activation costs
// its per-value difference from ReLU on every activation value of every
// image, forward and backward in training, forward in evaluation, over 2
// threads; a cheaper one than ReLU adds nothing.
func TestActivationCostInEstimate(t *testing.T) {
	g := Grid{Models: []string{"simplecnn"}, Datasets: []Dataset{{Name: "cifar10", Val: 500, Train: 2000, Test: 1000}},
		Recipes: []Recipe{{Name: "adam", Optimizer: "adam", LR: 1e-3, Epochs: 3, Batch: 128, Select: "best"}}, Seeds: []uint64{1}}
	cost := func(act string) Estimate {
		g.Activations = []string{act}
		e, err := EstimateCost(&g)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	relu, serf := cost("relu"), cost("serf")
	if relu.ActivationSeconds != 0 {
		t.Errorf("relu adds %g s (want 0: the rates are ReLU's)", relu.ActivationSeconds)
	}
	if s := activationSeconds(actCost{0.01, 0.01}, 1e5, 1e4, 1e4); s != 0 {
		t.Errorf("an activation cheaper than ReLU adds %g s, want 0", s)
	}
	size, err := modelSizeOn("simplecnn", "cifar10")
	if err != nil {
		t.Fatal(err)
	}
	c, r := activationCosts["serf"], activationCosts["relu"]
	evalImgs := float64(500*3+1000) + 256*3
	want := size.actElems * ((c.fwd+c.bwd-r.fwd-r.bwd)*2000*3 + (c.fwd-r.fwd)*evalImgs) * 1e-9 / 2
	if math.Abs(serf.ActivationSeconds-want) > 1e-9*want || math.Abs(serf.Seconds-relu.Seconds-want) > 1e-6*want {
		t.Errorf("serf adds %g s (total %g against ReLU's %g), want %g", serf.ActivationSeconds, serf.Seconds, relu.Seconds, want)
	}
}

package grid

import (
	"testing"

	"github.com/actbench/actbench/models"
)

func TestEstimateScalesWithTheGrid(t *testing.T) {
	p, _ := LookupPreset(DefaultPreset)
	g := p.Grid()
	est, err := EstimateCost(&g)
	if err != nil {
		t.Fatal(err)
	}
	// The default preset must stay a few-minute job on 2 cores.
	if est.Trials != 20 || est.Seconds < 60 || est.Seconds > 240 || est.Images != 20*2*2000 {
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

package grid

import "testing"

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

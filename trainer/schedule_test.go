package trainer

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

// TestSchedulePerEpoch: with stepping per-epoch every iteration of an
// epoch uses the rate PyTorch's scheduler gives that epoch when stepped
// once per epoch. The expected rates were printed by torch 1.13:
//
//	CosineAnnealingLR(T_max=4, eta_min=0.1): 1, 0.8681980515339464, 0.55, 0.23180194846605368
//	SequentialLR([LinearLR(start_factor=1/3, total_iters=2), CosineAnnealingLR(T_max=3)],
//	             milestones=[3]) over 6 epochs: 1/3, 2/3, 1, 1, 0.75, 0.25
func TestSchedulePerEpoch(t *testing.T) {
	const ipe = 7
	check := func(name string, s Schedule, epochs int, want []float64) {
		t.Helper()
		s, err := s.resolve()
		if err != nil {
			t.Fatal(err)
		}
		for e, w := range want {
			for b := range ipe {
				if got := lrAt(s, 1, e*ipe+b, ipe, epochs); math.Abs(got-w) > 1e-12 {
					t.Errorf("%s: epoch %d batch %d: rate %.17g, want %.17g", name, e, b, got, w)
				}
			}
		}
	}
	check("cosine", Schedule{Kind: SchedCosine, MinLR: 0.1, Stepping: StepPerEpoch}, 4,
		[]float64{1, 0.8681980515339464, 0.55, 0.23180194846605368})
	check("warm-up + cosine", Schedule{Kind: SchedCosine, WarmupEpochs: 3, Stepping: StepPerEpoch}, 6,
		[]float64{1.0 / 3, 2.0 / 3, 1, 1, 0.75, 0.25})
	// MultiStepLR is per epoch either way: both steppings agree.
	check("step", Schedule{Kind: SchedStep, Milestones: []int{1, 3}, Stepping: StepPerEpoch}, 4,
		[]float64{1, 0.1, 0.1, 0.1 * 0.1})
	check("constant", Schedule{Stepping: StepPerEpoch}, 3, []float64{1, 1, 1})

	// Per batch (the default) the cosine moves within the epoch: batch 3
	// of epoch 1 is at t = (7+3)/28, not at the epoch's start.
	s, _ := Schedule{Kind: SchedCosine, MinLR: 0.1}.resolve()
	if got, want := lrAt(s, 1, ipe+3, ipe, 4), 0.1+0.9*(1+math.Cos(math.Pi*10/28))/2; math.Abs(got-want) > 1e-12 {
		t.Errorf("per-batch cosine at iteration 10: %.17g, want %.17g", got, want)
	}
}

// TestRecipeControlsResolve: the defaults of init, crop_pad and stepping
// resolve to "" (so records of the default recipe do not change), other
// values are kept lower-cased, and bad values name the valid ones and the
// nearest.
func TestRecipeControlsResolve(t *testing.T) {
	base := Config{Model: "simplecnn", Data: "cifar10", Augment: true}
	c := base
	c.Init, c.CropPad, c.Schedule.Stepping = "Default", "black", "per-batch"
	r, err := c.Resolve()
	if err != nil || r.Init != "" || r.CropPad != "" || r.Schedule.Stepping != "" {
		t.Fatalf("defaults: init %q crop_pad %q stepping %q, %v; want all empty", r.Init, r.CropPad, r.Schedule.Stepping, err)
	}
	c.Init, c.CropPad, c.Schedule.Stepping = "HE-NORMAL", "reflect", "per-epoch"
	if r, err = c.Resolve(); err != nil || r.Init != "he-normal" || r.CropPad != "reflect" || r.Schedule.Stepping != "per-epoch" {
		t.Fatalf("explicit: %+v %v", r, err)
	}
	for _, tc := range []struct {
		mutate func(*Config)
		want   []string
	}{
		{func(c *Config) { c.Init = "he_normal" }, []string{`init "he_normal" unknown`, `did you mean "he-normal"`, "default, he-normal"}},
		{func(c *Config) { c.CropPad = "mirror" }, []string{`crop_pad "mirror" unknown`, "black, mean, reflect"}},
		{func(c *Config) { c.CropPad = "refelct" }, []string{`did you mean "reflect"`}},
		{func(c *Config) { c.Schedule.Stepping = "epoch" }, []string{`stepping "epoch" unknown`, `did you mean "per-epoch"`, "per-batch, per-epoch"}},
		{func(c *Config) { c.CropPad, c.Augment = "mean", false }, []string{`crop_pad "mean" needs augment`}},
		{func(c *Config) { c.Schedule.Stepping, c.Schedule.WarmupEpochs = "per-epoch", 0.5 }, []string{"needs whole warmup_epochs"}},
	} {
		c := base
		tc.mutate(&c)
		_, err := c.Resolve()
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %v, want it to contain %q", c, err, w)
			}
		}
	}
	if s := nearest("xavier", []string{"default", "he-normal"}); s != "" {
		t.Errorf("nearest(xavier) = %q, want no suggestion", s)
	}
}

// TestRecipeControlsRecordedAndUsed: a trial with the default controls
// records none of them (old and new records of that recipe are identical),
// a trial that sets them records each, and each changes what trains: the
// per-epoch cosine's last-iteration rate of epoch 1 is the epoch's (1 at
// T_cur = 0), He-normal and reflect padding change the curve.
func TestRecipeControlsRecordedAndUsed(t *testing.T) {
	data := synthData(4)
	run := func(mut func(*Config)) (Result, string) {
		c := baseConfig()
		c.Epochs, c.Augment, c.Schedule.Kind = 2, true, SchedCosine
		mut(&c)
		r, err := Run(context.Background(), c, Options{Data: data})
		if err != nil {
			t.Fatal(err)
		}
		js, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return r, string(js)
	}
	def, defJS := run(func(*Config) {})
	explicit, _ := run(func(c *Config) { c.Init, c.CropPad, c.Schedule.Stepping = "default", "black", "per-batch" })
	for _, key := range []string{`"init"`, `"crop_pad"`, `"stepping"`} {
		if strings.Contains(defJS, key) {
			t.Errorf("default recipe records %s", key)
		}
	}
	if !reflect.DeepEqual(def.Config, explicit.Config) || !reflect.DeepEqual(curve(def), curve(explicit)) {
		t.Errorf("explicit defaults differ from omitted ones")
	}
	perEpoch, js := run(func(c *Config) { c.Schedule.Stepping = StepPerEpoch })
	if !strings.Contains(js, `"stepping":"per-epoch"`) {
		t.Errorf("per-epoch stepping not recorded")
	}
	// Epoch 1 of 2: per batch the last iteration is near the middle of the
	// cosine; per epoch it is the epoch's rate, the peak.
	if perEpoch.Epochs[0].LR != baseConfig().LR || def.Epochs[0].LR >= baseConfig().LR {
		t.Errorf("epoch 1 rates: per-epoch %g (want %g), per-batch %g (want less)", perEpoch.Epochs[0].LR, baseConfig().LR, def.Epochs[0].LR)
	}
	for _, tc := range []struct {
		mut  func(*Config)
		want string
	}{
		{func(c *Config) { c.Init = "he-normal" }, `"init":"he-normal"`},
		{func(c *Config) { c.CropPad = "reflect" }, `"crop_pad":"reflect"`},
		{func(c *Config) { c.CropPad = "mean" }, `"crop_pad":"mean"`},
	} {
		r, js := run(tc.mut)
		if !strings.Contains(js, tc.want) {
			t.Errorf("record lacks %s", tc.want)
		}
		if reflect.DeepEqual(curve(r), curve(def)) {
			t.Errorf("%s trains exactly as the default", tc.want)
		}
	}
}

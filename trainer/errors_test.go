package trainer

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// NaN passes every "< 0" check: Resolve must refuse it (and infinities) in
// every float field itself, naming the field, whatever its callers check.
func TestResolveRefusesNonFiniteNumbers(t *testing.T) {
	for _, field := range []string{"lr", "momentum", "weight_decay", "beta1", "beta2", "eps", "label_smoothing", "blur",
		"schedule.gamma", "schedule.min_lr", "schedule.warmup_epochs"} {
		for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			c := Config{Model: "simplecnn", Data: "cifar10", Optimizer: "sgd", Momentum: 0.5}
			switch field {
			case "lr":
				c.LR = v
			case "momentum":
				c.Momentum = v
			case "weight_decay":
				c.WeightDecay = v
			case "beta1":
				c.Optimizer, c.Momentum, c.Beta1 = "adam", 0, v
			case "beta2":
				c.Optimizer, c.Momentum, c.Beta2 = "adam", 0, v
			case "eps":
				c.Optimizer, c.Momentum, c.Eps = "adam", 0, v
			case "label_smoothing":
				c.LabelSmoothing = v
			case "blur":
				c.Blur = v
			case "schedule.gamma":
				c.Schedule = Schedule{Kind: SchedStep, Gamma: v}
			case "schedule.min_lr":
				c.Schedule = Schedule{Kind: SchedCosine, MinLR: v}
			case "schedule.warmup_epochs":
				c.Schedule = Schedule{Kind: SchedCosine, WarmupEpochs: v}
			}
			_, err := c.Resolve()
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Field != field || !strings.Contains(ce.Msg, "must be a finite number") {
				t.Errorf("%s = %g: error %v, want a ConfigError on %s", field, v, err, field)
			}
		}
	}
}

// Callers tell a bad config from other failures by type, and read which
// field it is; the message keeps its "trainer: config: " prefix.
func TestConfigErrorNamesTheField(t *testing.T) {
	base := func() Config { return Config{Model: "simplecnn", Data: "cifar10"} }
	for _, tc := range []struct {
		edit  func(*Config)
		field string
		msg   string
	}{
		{func(c *Config) { c.Model = "" }, "model", `model is empty (e.g. "simplecnn")`},
		{func(c *Config) { c.Optimizer = "rmsprop" }, "optimizer", `optimizer "rmsprop" unknown (want sgd, adam or adamw)`},
		{func(c *Config) { c.LR = -1 }, "lr", "need lr > 0"},
		{func(c *Config) { c.WeightDecay = -1 }, "weight_decay", "need lr > 0"},
		{func(c *Config) { c.Beta2 = 1 }, "beta2", "need 0 <= beta1, beta2 < 1"},
		{func(c *Config) { c.Batch = -1 }, "batch", "need epochs >= 0, batch >= 1"},
		{func(c *Config) { c.Schedule.Milestones, c.Schedule.Kind = []int{2, 1}, SchedStep }, "schedule.milestones", "schedule milestones [2 1]"},
		{func(c *Config) { c.Schedule.Stepping = "epoch" }, "schedule.stepping", `schedule stepping "epoch" unknown (did you mean "per-epoch"?)`},
		{func(c *Config) { c.Blur, c.BlurApply = 1, "val" }, "blur", "val"},
		{func(c *Config) { c.FineTune = &FineTune{From: "x", Norm: "mean"} }, "finetune.norm", `finetune norm "mean" unknown`},
	} {
		c := base()
		tc.edit(&c)
		_, err := c.Resolve()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != tc.field || !strings.Contains(ce.Msg, tc.msg) ||
			err.Error() != "trainer: config: "+ce.Msg {
			t.Errorf("%s: error %v (%+v), want a ConfigError on %s saying %q", tc.field, err, ce, tc.field, tc.msg)
		}
	}
	// Found by another package: the ConfigError wraps its error.
	_, err := ResolveRun(Config{Model: "vgg12", Data: "cifar10"})
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Field != "model" || ce.Err == nil {
		t.Errorf("unknown model: %v (%+v)", err, ce)
	}
	_, err = ResolveRun(Config{Model: "simplecnn", Data: "cifar10", Act: "nosuch"})
	if !errors.As(err, &ce) || ce.Field != "act" || ce.Err == nil {
		t.Errorf("unknown activation: %v (%+v)", err, ce)
	}
}

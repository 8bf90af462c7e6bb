package cli

import (
	"strconv"
)

// flagRule is a constraint on a numeric flag given explicitly: a flag whose
// zero means "the default" must not take 0 from the user silently.
type flagRule struct {
	name string
	ok   func(v float64) bool
	want string
}

func atLeast(lo float64) func(float64) bool { return func(v float64) bool { return v >= lo } }
func above(lo float64) func(float64) bool   { return func(v float64) bool { return v > lo } }

// trialFlagRules are the rules of the trial flags of train and finetune:
// the trainer reads 0 as "default" for these, so an explicit 0 would train
// something else than asked.
var trialFlagRules = []flagRule{
	{"epochs", atLeast(1), ">= 1"},
	{"batch", atLeast(1), ">= 1"},
	{"lr", above(0), "> 0 (omit --lr for the optimiser's default)"},
	{"val", atLeast(0), ">= 0"},
	{"subset", atLeast(0), ">= 0 (0 = all)"},
	{"beta1", above(0), "> 0 (0 would be read as the default 0.9; use e.g. 1e-12 for no momentum)"},
	{"beta2", above(0), "> 0 (0 would be read as the default 0.999)"},
	{"eps", above(0), "> 0 (0 would be read as the default 1e-8)"},
	{"blur", atLeast(0), ">= 0"},
	{"label-smoothing", atLeast(0), "in [0, 1)"},
	{"warmup", atLeast(0), ">= 0"},
	{"weight-decay", atLeast(0), ">= 0"},
	{"threads", atLeast(0), ">= 0 (0 = all cores)"},
	// finetune's own
	{"ft-lr", above(0), "> 0 (omit --ft-lr to use --lr)"},
	{"pretrain-epochs", atLeast(1), ">= 1"},
}

// checkFlagRules applies rules to the flags of fs that were given
// explicitly (flags fs does not have are skipped).
func checkFlagRules(fs *flagSet, rules []flagRule) error {
	for _, r := range rules {
		fl := fs.Lookup(r.name)
		if fl == nil || !fl.Changed {
			continue
		}
		v, err := strconv.ParseFloat(fl.Value.String(), 64)
		if err != nil {
			continue // not numeric: pflag has parsed it already
		}
		if !r.ok(v) {
			return usageErrorf("--%s %s: want %s", r.name, fl.Value.String(), r.want)
		}
	}
	return nil
}

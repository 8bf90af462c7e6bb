package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/record"
	"github.com/actbench/actbench/runner"
	"github.com/actbench/actbench/trainer"
)

func init() {
	register(command{
		name:    "finetune",
		summary: "pretrain with activation A, then continue under several activations with an equal-budget A control",
		run:     runFinetune,
	})
}

const finetuneUsage = `finetune --act A --to SPEC [--to SPEC...] [flags]

The fine-tuning protocol, run as a one-off grid exactly as 'actbench run'
runs a fine-tuning recipe: a pretraining stage trains --model with
activation A (--act) for --pretrain-epochs; then, for every --to spec and
for A itself (the control, so that no activation is credited for the extra
training), the pretrained model is loaded, every activation site swapped to
the spec, frozen as asked, and trained --epochs more epochs with the same
optimiser settings and seed. Prints one row per arm: validation and test
accuracy of the selected epoch and the difference to the control.

The trial flags (optimiser, data, seed...) apply to the pretraining and to
every arm, except --blur, which applies to the arms only; --ft-lr overrides
the learning rate of the arms. A grid recipe has no place for --beta1,
--beta2, --eps, --min-lr, --decay-exclude, --probe, --blur-size or
--blur-apply: they must stay at their defaults here (train --finetune-from
takes them all).

Transfer: --pretrain-data pretrains on another dataset (with
--pretrain-val and --pretrain-subset, default --val and --subset) and the
arms continue on --data: when the class counts differ the classifier head
is replaced by a fresh one from --seed, the same in every arm; the rest is
loaded; the target is normalised with its own statistics.

With --dir, the records of the pretraining and of every arm go to
DIR/finetune.jsonl, as 'run' writes them ('actbench report' reads it), and
the checkpoints to DIR/finetune.jsonl.ckpt; re-running the same command
resumes (finished arms are kept, the one in progress continues from its
checkpoint). Without --dir they live in a temporary directory, removed at
the end. The pretrained checkpoint is kept in --cache (default the
checkpoint directory) under the key of its pretraining stage: any later
finetune or run given the same --cache that needs the same pretraining
(other --to specs, another freezing or learning rate of the arms, a grid
whose recipe trains the same stage) reuses it. --print-grid prints the grid
('actbench run --grid FILE' runs the same trials).

Examples:
  actbench finetune --model simplecnn --data cifar10 --val 1000 --subset 9000 --act relu \
      --pretrain-epochs 10 --epochs 5 --to 'pvlu(a=0,b=1)' --to prelu --freeze none --dir runs/ft
  actbench finetune --model vgg16 --act relu --pretrain-data cifar100 --pretrain-val 2000 --pretrain-subset 10000 \
      --pretrain-epochs 5 --data cifar10 --val 1000 --subset 5000 --epochs 5 --ft-lr 1e-4 \
      --to pvlu --to prelu --to leakyrelu --cache pretrained/ --blur 1`

// finetuneResult is what finetune prints, and writes with --json.
type finetuneResult struct {
	// Grid is the one-off grid that ran ('actbench run --grid' takes it).
	Grid *grid.Grid `json:"grid"`
	// Records is the results file ("" when it was temporary).
	Records string `json:"records,omitempty"`
	// Pretrain is the pretraining stage's result.
	Pretrain *trainer.Result `json:"pretrain,omitempty"`
	// From is the checkpoint the arms started from; Reused says that it
	// was found finished and nothing was pretrained now.
	From   string `json:"from"`
	Reused bool   `json:"reused,omitempty"`
	// Control is the canonical spec of A.
	Control string `json:"control"`
	// Freeze is the freezing mode of the arms (--freeze).
	Freeze string `json:"freeze"`
	// Arms are the continuation trials, the control first.
	Arms []trainer.Result `json:"arms"`
}

// pretrainFlags are finetune's settings of the pretraining stage.
type pretrainFlags struct {
	epochs      int
	data        string
	val, subset int // -1 = the arms' (--val, --subset)
}

func runFinetune(env *Env, args []string) error {
	fs := newFlagSet(env, "finetune", finetuneUsage)
	tf := addTrialFlags(fs)
	to := fs.StringArray("to", nil, "activation to continue under (repeatable); A itself is always added as the control")
	from := fs.String("from", "", "no longer supported: see 'actbench train --finetune-from'")
	preEpochs := fs.Int("pretrain-epochs", 10, "pretraining epochs with --act")
	ftLR := fs.Float64("ft-lr", 0, "learning rate of the continuation arms (default: --lr)")
	freeze := fs.String("freeze", "none", "freezing in the arms: none, act (only activation parameters train) or last-k")
	lastK := fs.Int("last-k", 1, "k for --freeze last-k: only the last k weight layers (and what follows) train")
	dir := fs.String("dir", "", "directory of the records (finetune.jsonl) and checkpoints; re-running the same command resumes (default a temporary one)")
	cache := fs.String("cache", "", "directory of reusable pretrained checkpoints (default the checkpoint directory)")
	preData := fs.String("pretrain-data", "", "pretrain on this dataset (default --data); the arms continue on --data")
	preVal := fs.Int("pretrain-val", -1, "validation hold-out of the pretraining (default --val)")
	preSubset := fs.Int("pretrain-subset", -1, "training subset of the pretraining (default --subset)")
	preBlur := fs.Float64("pretrain-blur", 0, "no longer supported: the pretraining stage is never blurred")
	newHead := fs.Bool("new-head", false, "no longer supported: see 'actbench train --finetune-from --new-head'")
	norm := fs.String("norm", "target", "the arms normalise inputs with the target's own statistics (source: see 'actbench train --finetune-from --norm')")
	fs.Bool("resume", false, "kept for compatibility: with --dir, re-running the same command always resumes")
	printGrid := fs.Bool("print-grid", false, "print the grid in the grid-file format and exit")
	jsonOut := fs.String("json", "", "write the pretraining, the arms and the grid as JSON ('-' = stdout)")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("finetune takes no arguments, got %q", fs.Args())
	}
	if err := checkFlagRules(fs, trialFlagRules); err != nil {
		return err
	}
	// Settings of the former protocol that a grid's pretraining stage
	// cannot hold: train --finetune-from does each of them.
	switch {
	case *from != "":
		return usageErrorf("--from is no longer supported: finetune pretrains through a grid's pretraining stage; " +
			"to continue a checkpoint of your own, run 'actbench train --finetune-from CKPT --act SPEC' for each activation and for the checkpoint's own (the control)")
	case *preBlur != 0:
		return usageErrorf("--pretrain-blur is no longer supported: a pretraining stage is never blurred; " +
			"train a blurred model with 'actbench train --blur S --checkpoint CKPT', then 'actbench train --finetune-from CKPT --act SPEC'")
	case *newHead:
		return usageErrorf("--new-head is no longer supported by finetune (the head is replaced when the class counts differ); use 'actbench train --finetune-from CKPT --new-head'")
	case *norm != trainer.NormTarget:
		return usageErrorf("--norm %s is not supported by finetune (the arms use the target's statistics); use 'actbench train --finetune-from CKPT --norm %s'", *norm, *norm)
	}
	if len(*to) == 0 {
		return usageErrorf("give at least one --to SPEC to continue under")
	}
	if fs.Changed("resume") && *dir == "" {
		return usageErrorf("--resume needs --dir")
	}
	base, err := tf.configFromFlags()
	if err != nil {
		return err
	}
	pre := pretrainFlags{epochs: *preEpochs, data: *preData, val: *preVal, subset: *preSubset}
	lr := 0.0
	if fs.Changed("ft-lr") {
		lr = *ftLR
	}
	g, err := finetuneGrid(base, pre, *to, lr, *freeze, *lastK)
	if err != nil {
		return err
	}
	if *printGrid {
		return grid.Encode(env.Stdout, g)
	}
	trials, err := g.Expand()
	if err != nil {
		return usageErrorf("%v", err)
	}
	if err := runner.CheckTrials(trials); err != nil {
		return usageErrorf("%v", err)
	}
	for _, c := range []struct{ flag, path string }{{"--dir", *dir}, {"--cache", *cache}} {
		if err := checkOutputDir(c.flag, c.path); err != nil {
			return err
		}
	}
	if err := checkOutput("--json", *jsonOut); err != nil {
		return err
	}
	if err := runner.CheckData(g, base.DataDir); err != nil {
		return err
	}
	if err := tf.applyThreads(); err != nil {
		return err
	}

	workDir, kept := *dir, *dir != ""
	if !kept {
		if workDir, err = os.MkdirTemp("", "actbench-finetune-"); err != nil {
			return err
		}
		defer os.RemoveAll(workDir)
	}
	out := filepath.Join(workDir, "finetune.jsonl")
	opts := runner.Options{Out: out, DataDir: base.DataDir, Runner: runner.Trainer(), PretrainDir: *cache}
	if !*quiet {
		opts.Progress, opts.Terminal = env.Stderr, trialIsTerminal(env.Stderr)
		if kept {
			fmt.Fprintf(env.Stderr, "results: %s\n", out)
		}
	}
	ctx, stop := trialContext()
	defer stop()
	go func() {
		<-ctx.Done()
		if sig, ok := signalOf(ctx); ok { // only a signal: stop() cancels ctx too
			fmt.Fprintf(env.Stderr, "\n%s: stopping at the next batch and saving a checkpoint (Ctrl-C again to abort at once)\n", signalName(sig))
		}
	}()
	sum, err := runner.Run(ctx, g, opts)
	if err != nil {
		if kept {
			return diskFull(err, "re-run the same command to resume")
		}
		return diskFull(err, "re-run the command (with --dir to keep what finishes)")
	}
	if sum.Interrupted {
		saved := fmt.Sprintf("%d of %d arms finished", sum.Skipped+sum.Ran, sum.Selected)
		var err error
		if kept {
			err = interrupted(ctx, "%s (records in %s); re-run the same command to resume: the stage in progress continues from its checkpoint in %s",
				saved, out, runner.CheckpointDir(out))
		} else {
			err = interrupted(ctx, "%s; without --dir they are lost and the next run starts again (a pretraining kept by --cache resumes)", saved)
		}
		if err != nil {
			return err
		}
		return fmt.Errorf("interrupted: %s", saved)
	}
	res, err := finetuneOutcome(g, trials, out, sum)
	if err != nil {
		return err
	}
	res.Freeze = *freeze
	if kept {
		res.Records = out
	}
	if *jsonOut != "" {
		if err := writeResultJSON(env, "--json", *jsonOut, "finetune", res); err != nil {
			return err
		}
	}
	if *jsonOut != "-" {
		printFinetune(env.Stdout, res)
	}
	if kept && !*quiet {
		fmt.Fprintf(env.Stderr, "\nrecords: %s (actbench report %s --baseline %s)\n", out, out, res.Control)
	}
	return nil
}

// finetuneGrid builds the one-off grid of a finetune command: the model,
// the arms' dataset, one recipe with the pretraining stage, the seed, and
// the activations, the control first. base is the trial config the flags
// describe (checked); a setting a recipe cannot hold is a usage error.
func finetuneGrid(base trainer.Config, pre pretrainFlags, to []string, ftLR float64, freeze string, lastK int) (*grid.Grid, error) {
	rc, err := base.Resolve()
	if err != nil {
		return nil, configUsageError(err)
	}
	if err := recipeHolds(rc); err != nil {
		return nil, err
	}
	r := grid.Recipe{
		Name: "finetune", Epochs: rc.Epochs, Optimizer: rc.Optimizer, LR: rc.LR, Momentum: rc.Momentum, Nesterov: rc.Nesterov,
		WeightDecay: rc.WeightDecay, Milestones: rc.Schedule.Milestones, Warmup: rc.Schedule.WarmupEpochs, Batch: rc.Batch,
		Augment: rc.Augment, Blur: rc.Blur, Init: rc.Init, CropPad: rc.CropPad, LRStep: rc.Schedule.Stepping,
		LabelSmoothing: rc.LabelSmoothing, TestCurve: rc.TestEveryEpoch, Select: base.Selection,
	}
	if rc.Schedule.Kind != trainer.SchedConstant { // a recipe's default, left out as grids do
		r.Schedule = rc.Schedule.Kind
	}
	if rc.Schedule.Kind == trainer.SchedStep {
		r.Gamma = rc.Schedule.Gamma
	}
	if r.Select == "" && rc.Validation > 0 {
		r.Select = trainer.SelectBest
	}
	if ftLR > 0 {
		r.LR = ftLR
	}
	switch freeze {
	case trainer.FreezeNone:
	case trainer.FreezeAllButAct:
		r.Freeze = "act"
	case trainer.FreezeAllButK:
		r.Freeze = fmt.Sprintf("last:%d", lastK)
	default:
		return nil, usageErrorf("--freeze %q unknown (want none, act or last-k)", freeze)
	}
	arms := grid.Dataset{Name: rc.Data, Val: rc.Validation, Train: rc.Subset}
	ps := arms
	if pre.data != "" {
		ps.Name = pre.data
	}
	if pre.val >= 0 {
		ps.Val = pre.val
	}
	if pre.subset >= 0 {
		ps.Train = pre.subset
	}
	control, err := grid.CanonicalActivation(rc.Act)
	if err != nil {
		return nil, usageErrorf("--act: %v", err)
	}
	// The pretraining's learning rate is --lr whatever --ft-lr says.
	r.Pretrain = &grid.Pretrain{Dataset: ps, Activation: control, Epochs: pre.epochs, LR: rc.LR}
	acts := []string{control}
	for _, a := range to {
		c, err := grid.CanonicalActivation(a)
		if err != nil {
			return nil, usageErrorf("--to %q: %v", a, err)
		}
		if !slices.Contains(acts, c) {
			acts = append(acts, c)
		}
	}
	g := &grid.Grid{Name: "finetune", Models: []string{rc.Model}, Datasets: []grid.Dataset{arms}, Recipes: []grid.Recipe{r},
		Seeds: []uint64{rc.Seed}, Activations: acts}
	if err := g.Validate(); err != nil {
		return nil, usageErrorf("%v", err)
	}
	return g, nil
}

// recipeHolds refuses the settings of a resolved trial config that a grid
// recipe has no field for (the runner trains them at their defaults),
// naming the flag.
func recipeHolds(rc trainer.Config) error {
	def, err := trainer.Config{Model: rc.Model, Data: rc.Data, Optimizer: rc.Optimizer, Blur: rc.Blur}.Resolve()
	if err != nil {
		return configUsageError(err)
	}
	var bad []string
	for _, c := range []struct {
		flag    string
		differs bool
	}{
		{"--beta1", rc.Beta1 != def.Beta1},
		{"--beta2", rc.Beta2 != def.Beta2},
		{"--eps", rc.Eps != def.Eps},
		{"--min-lr", rc.Schedule.MinLR != def.Schedule.MinLR},
		{"--decay-exclude", !slices.Equal(rc.DecayExclude, def.DecayExclude)},
		{"--probe", rc.ProbeSize != def.ProbeSize},
		{"--blur-size", rc.BlurSize != def.BlurSize},
		{"--blur-apply", rc.BlurApply != def.BlurApply},
	} {
		if c.differs {
			bad = append(bad, c.flag)
		}
	}
	if rc.FineTune != nil {
		bad = append(bad, "--config with a \"finetune\" section")
	}
	if len(bad) > 0 {
		return usageErrorf("%s: a grid recipe has no place for it, so finetune trains at the default; "+
			"use 'actbench train' and 'actbench train --finetune-from' for such a protocol", strings.Join(bad, ", "))
	}
	return nil
}

// finetuneOutcome reads the records of g's pretraining and arms from out.
func finetuneOutcome(g *grid.Grid, trials []grid.Trial, out string, sum *runner.Summary) (finetuneResult, error) {
	res := finetuneResult{Grid: g, Control: g.Recipes[0].Pretrain.Activation, Reused: sum.Pretrained == 0}
	rr, err := record.ReadFile(out)
	if err != nil {
		return res, err
	}
	byKey := map[string]*trainer.Result{}
	for i := range rr.Records {
		byKey[rr.Records[i].Key] = &rr.Records[i].Result
	}
	res.Pretrain = byKey[grid.PretrainTrial(trials[0]).Key]
	for _, t := range trials {
		r := byKey[t.Key]
		if r == nil {
			return res, fmt.Errorf("%s holds no record of %s", out, t.Describe())
		}
		res.Arms = append(res.Arms, *r)
	}
	if ft := res.Arms[0].Config.FineTune; ft != nil {
		res.From = ft.From
	}
	return res, nil
}

func printFinetune(w io.Writer, r finetuneResult) {
	if r.Pretrain != nil {
		verb := "pretrained"
		if r.Reused {
			verb = "reused the pretraining of"
		}
		fmt.Fprintf(w, "%s %s with %s on %s for %d epochs", verb, r.Pretrain.Model.Name, r.Control, r.Pretrain.Data.Name, len(r.Pretrain.Epochs))
		if r.Pretrain.Test != nil {
			fmt.Fprintf(w, ": test top1 %.4f", r.Pretrain.Test.Top1)
		}
		fmt.Fprintf(w, " (%s)\n", r.From)
	}
	if len(r.Arms) > 0 && r.Arms[0].Transfer != nil {
		x := r.Arms[0].Transfer
		fmt.Fprintf(w, "transfer %s -> %s: %d tensors loaded", x.FromData, r.Arms[0].Data.Name, len(x.Loaded))
		if x.Head.Replaced {
			fmt.Fprintf(w, ", new head %s (%s, from seed %d)", x.Head.Layer, x.Head.Reason, r.Arms[0].Config.Seed)
		}
		fmt.Fprintf(w, "; inputs normalised with %s statistics\n", x.Norm.Stats)
	}
	fmt.Fprintf(w, "continued %d epochs per arm, freeze %s; control = %s\n\n", r.Grid.Recipes[0].Epochs, r.Freeze, r.Control)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "arm\tstatus\tselected\tval top1\ttest top1\tvs control\t")
	var ctl float64
	for i, a := range r.Arms {
		test, val := "-", "-"
		var top1 float64
		if a.Test != nil {
			top1 = a.Test.Top1
			test = fmt.Sprintf("%.4f", top1)
		}
		if a.Val != nil {
			val = fmt.Sprintf("%.4f", a.Val.Top1)
		}
		diff := "(control)"
		if i == 0 {
			ctl = top1
		} else if a.Test != nil {
			diff = fmt.Sprintf("%+.4f", top1-ctl)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t\n", a.Config.Act, a.Status, a.SelectedEpoch, val, test, diff)
	}
	tw.Flush()
}

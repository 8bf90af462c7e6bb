package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/kernels/gemm"
	"github.com/actbench/actbench/models"
	"github.com/actbench/actbench/registry"
	"github.com/actbench/actbench/trainer"
)

func init() {
	register(command{
		name:    "train",
		summary: "train one model with one activation on one dataset (seeded, resumable)",
		run:     runTrain,
	})
}

const trainUsage = `train --model M --act SPEC --data NAME [flags]

Trains one model with one activation and prints one line per epoch (a
progress bar with ETA on a terminal), then the metrics of the epoch that
model selection picked (best validation top-1 by default; test accuracy is
measured for that epoch only). Same seed, flags, GEMM backend and thread
count give bit-identical results. Ctrl-C stops at the next batch, writing
the checkpoint when --checkpoint is set; --resume continues exactly.

--finetune-from CHECKPOINT starts from a trained model instead of a fresh
one (its selected epoch), with a fresh optimiser: another --act swaps every
activation site; another --data is a transfer: the classifier head is
replaced by a fresh one (from --seed and the layer name, so activations
pair up) when the class counts differ or --new-head asks, every other
tensor is loaded and must have the checkpoint's shape, the target is
normalised with its own training statistics (--norm), and --blur applies
to the target only. The JSON record's "transfer" says what was loaded,
re-initialised and swapped.

Examples:
  actbench train --model simplecnn --act 'pvlu(a=0.1,b=1)' --data cifar10 \
      --val 1000 --subset 9000 --epochs 10 --seed 1 --opt adam --lr 1e-3 --batch 128 --json run.json
  actbench train --model vgg16 --act relu --data cifar100 --val 2000 --subset 10000 --epochs 5 --checkpoint c100.ckpt
  actbench train --finetune-from c100.ckpt --data cifar10 --act pvlu --val 1000 --subset 5000 \
      --epochs 5 --lr 1e-4 --blur 1`

// trialFlags are the flags that describe a trial, shared by train and
// finetune.
type trialFlags struct {
	fs                                     *flagSet
	model, act, data, dataDir              *string
	epochs, batch, val, subset, probe      *int
	seed                                   *uint64
	opt, sched, selection, blurApply       *string
	lr, momentum, wd, gamma, minLR, warmup *float64
	beta1, beta2, eps, blur, smoothing     *float64
	blurSize                               *int
	nesterov, augment, testEvery           *bool
	milestones                             *[]int
	decayExclude                           *[]string
	threads                                *int
	config                                 *string
	init, cropPad, lrStep                  string
}

func addTrialFlags(fs *flagSet) *trialFlags {
	f := &trialFlags{
		fs:           fs,
		model:        fs.String("model", "simplecnn", "model spec (see 'actbench models'), e.g. vgg16(bn=false)"),
		act:          fs.String("act", "relu", "activation spec at every site (see 'actbench list')"),
		data:         fs.String("data", "cifar10", "dataset: cifar10, cifar100 or mnist"),
		dataDir:      fs.String("data-dir", "", "dataset location (default: $ACTBENCH_DATA, ../shared/datasets, the user cache)"),
		epochs:       fs.Int("epochs", trainer.DefaultEpochs, "training epochs"),
		batch:        fs.Int("batch", trainer.DefaultBatch, "mini-batch size"),
		val:          fs.Int("val", 5000, "training images held out for validation (0 = none, selection last)"),
		subset:       fs.Int("subset", 0, "keep this many training images after the hold-out (0 = all)"),
		probe:        fs.Int("probe", trainer.DefaultProbeSize, "probe images for the dead-unit diagnostic (-1 = off)"),
		seed:         fs.Uint64("seed", 1, "seed of initialisation, split, data order, augmentation and dropout"),
		opt:          fs.String("opt", "adam", "optimiser: sgd, adam or adamw"),
		lr:           fs.Float64("lr", 0, fmt.Sprintf("peak learning rate (default %g for adam/adamw, %g for sgd)", trainer.DefaultLRAdam, trainer.DefaultLRSGD)),
		momentum:     fs.Float64("momentum", 0.9, "SGD momentum"),
		nesterov:     fs.Bool("nesterov", false, "Nesterov momentum (SGD)"),
		beta1:        fs.Float64("beta1", trainer.DefaultBeta1, "Adam beta1"),
		beta2:        fs.Float64("beta2", trainer.DefaultBeta2, "Adam beta2"),
		eps:          fs.Float64("eps", trainer.DefaultEps, "Adam epsilon"),
		wd:           fs.Float64("weight-decay", 0, "weight decay (L2 for sgd/adam, decoupled for adamw)"),
		decayExclude: fs.StringSlice("decay-exclude", []string{"norm", "activation"}, "parameter kinds without weight decay (weight,bias,norm,activation; '' = none)"),
		sched:        fs.String("schedule", "constant", "learning-rate schedule: constant, step or cosine"),
		milestones:   fs.IntSlice("milestones", nil, "step schedule: epochs (0-based) at which the rate is multiplied by --gamma"),
		gamma:        fs.Float64("gamma", trainer.DefaultGamma, "step schedule factor"),
		minLR:        fs.Float64("min-lr", 0, "cosine schedule final rate"),
		warmup:       fs.Float64("warmup", 0, "linear warm-up epochs (fractional allowed)"),
		smoothing:    fs.Float64("label-smoothing", 0, "label smoothing of the cross-entropy"),
		augment:      fs.Bool("augment", false, "random crop (pad 4) and horizontal flip"),
		blur:         fs.Float64("blur", 0, "Gaussian blur sigma in pixels (0 = none)"),
		blurSize:     fs.Int("blur-size", 0, "Gaussian kernel size (odd; default 2*ceil(3 sigma)+1)"),
		blurApply:    fs.String("blur-apply", "both", "blur the train (and validation) split, the test split, or both"),
		selection:    fs.String("selection", "", "model selection: best (validation top-1) or last (default best when --val > 0)"),
		testEvery:    fs.Bool("test-every-epoch", false, "also measure the test set every epoch (curves only; never used for selection)"),
		threads:      fs.Int("threads", 0, "threads for the layers, GEMM and Go (0 = all cores); results are bit-identical for a given count; recorded"),
		config:       fs.String("config", "", "JSON file of a trainer.Config (a result's \"config\"); flags given explicitly override it"),
	}
	addRecipeControlFlags(fs, &f.init, &f.cropPad, &f.lrStep, false)
	return f
}

// configFromFlags builds the trial's Config (see buildConfig) and checks it.
func (f *trialFlags) configFromFlags() (trainer.Config, error) {
	c, err := f.buildConfig()
	if err != nil {
		return c, err
	}
	return c, checkTrialConfig(c)
}

// buildConfig builds the trial's Config: the --config file when given, then
// every flag given explicitly (or every flag, without --config).
func (f *trialFlags) buildConfig() (trainer.Config, error) {
	var c trainer.Config
	fromFile := *f.config != ""
	if fromFile {
		raw, err := os.ReadFile(*f.config)
		if err != nil {
			return c, usageErrorf("--config: %v", err)
		}
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return c, usageErrorf("--config %s: %v (expected a trainer.Config as JSON)", *f.config, err)
		}
	}
	set := func(name string) bool { return !fromFile || f.fs.Changed(name) }
	if set("model") {
		c.Model = *f.model
	}
	if set("act") {
		c.Act = *f.act
	}
	if set("data") {
		c.Data = *f.data
	}
	if set("data-dir") {
		c.DataDir = *f.dataDir
	}
	if set("epochs") {
		c.Epochs = *f.epochs
	}
	if set("batch") {
		c.Batch = *f.batch
	}
	if set("val") {
		c.Validation = *f.val
	}
	if set("subset") {
		c.Subset = *f.subset
	}
	if set("probe") {
		c.ProbeSize = *f.probe
	}
	if set("seed") {
		if *f.seed == 0 {
			// The trainer reads seed 0 as unset and trains seed 1.
			return c, usageErrorf("--seed 0: seeds start at 1")
		}
		c.Seed = *f.seed
	}
	if set("opt") {
		c.Optimizer = *f.opt
	}
	if set("lr") {
		c.LR = *f.lr
	}
	if set("momentum") || set("opt") {
		c.Momentum = 0
		if strings.ToLower(c.Optimizer) == trainer.OptSGD {
			c.Momentum = *f.momentum
		}
	}
	if set("nesterov") {
		c.Nesterov = *f.nesterov
	}
	if set("beta1") {
		c.Beta1 = *f.beta1
	}
	if set("beta2") {
		c.Beta2 = *f.beta2
	}
	if set("eps") {
		c.Eps = *f.eps
	}
	if c.Optimizer == trainer.OptSGD && !fromFile {
		c.Beta1, c.Beta2, c.Eps = 0, 0, 0
	}
	if set("weight-decay") {
		c.WeightDecay = *f.wd
	}
	if set("decay-exclude") {
		c.DecayExclude = []string{}
		for _, k := range *f.decayExclude {
			if k = strings.TrimSpace(k); k != "" {
				c.DecayExclude = append(c.DecayExclude, k)
			}
		}
	}
	if set("schedule") {
		c.Schedule.Kind = *f.sched
	}
	if set("milestones") {
		c.Schedule.Milestones = *f.milestones
	}
	if set("gamma") && c.Schedule.Kind == trainer.SchedStep {
		c.Schedule.Gamma = *f.gamma
	}
	if set("min-lr") {
		c.Schedule.MinLR = *f.minLR
	}
	if set("warmup") {
		c.Schedule.WarmupEpochs = *f.warmup
	}
	if set("label-smoothing") {
		c.LabelSmoothing = *f.smoothing
	}
	if set("augment") {
		c.Augment = *f.augment
	}
	if set("crop-pad") {
		c.CropPad = f.cropPad
	}
	if set("init") {
		c.Init = f.init
	}
	if set("lr-step") {
		c.Schedule.Stepping = f.lrStep
	}
	if set("blur") {
		c.Blur = *f.blur
	}
	if set("blur-size") {
		c.BlurSize = *f.blurSize
	}
	if set("blur-apply") && c.Blur > 0 {
		c.BlurApply = *f.blurApply
	}
	if set("selection") {
		c.Selection = *f.selection
	}
	if set("test-every-epoch") {
		c.TestEveryEpoch = *f.testEvery
	}
	return c, nil
}

// checkTrialConfig validates a trial's config before any data is loaded:
// a bad field is a usage error. A fine-tuning config is resolved against
// its checkpoint (which must be readable and finished).
func checkTrialConfig(c trainer.Config) error {
	if c.FineTune != nil {
		if _, err := trainer.ResolveRun(c); err != nil {
			return configUsageError(err)
		}
		return nil
	}
	if _, err := c.Resolve(); err != nil {
		return configUsageError(err)
	}
	if _, err := models.Canonical(c.Model); err != nil {
		return usageErrorf("--model: %v", err)
	}
	if _, err := grid.CanonicalDataset(c.Data); err != nil {
		return usageErrorf("--data: %v", err)
	}
	if _, err := registry.New(c.Act, 1); err != nil {
		return usageErrorf("--act: %v", err)
	}
	return nil
}

// configUsageError makes a config the trainer refuses a usage error, with
// the trainer's message; other errors (an unreadable checkpoint) stay what
// they are.
func configUsageError(err error) error {
	var ce *trainer.ConfigError
	if errors.As(err, &ce) {
		return usageErrorf("%s", ce.Msg)
	}
	return err
}

// fineTuneFlags are train's flags for starting from a trained checkpoint.
type fineTuneFlags struct {
	from, freeze, norm *string
	lastK              *int
	newHead            *bool
}

func addFineTuneFlags(fs *flagSet) *fineTuneFlags {
	return &fineTuneFlags{
		from: fs.String("finetune-from", "", "start from this trained checkpoint's selected model; --model, --data and --act default to "+
			"the checkpoint's, another --act swaps every activation site, another --data makes a transfer"),
		freeze:  fs.String("freeze", "none", "with --finetune-from: none, act (only activation parameters train) or last-k; a replaced head always trains"),
		lastK:   fs.Int("last-k", 1, "k for --freeze last-k: only the last k weight layers (and what follows) train"),
		newHead: fs.Bool("new-head", false, "with --finetune-from: replace the classifier head even when the class counts agree (a differing count always does)"),
		norm:    fs.String("norm", "target", "with --finetune-from: normalise inputs with the target's own training statistics (target) or the checkpoint's (source)"),
	}
}

// apply makes c a fine-tuning config when --finetune-from is given (or c,
// read from --config, already is one): flags given explicitly override,
// and --model, --data and --act that were not given are left to the
// checkpoint.
func (ff *fineTuneFlags) apply(fs *flagSet, tf *trialFlags, c *trainer.Config) error {
	fromFile := *tf.config != ""
	if *ff.from == "" {
		for _, name := range []string{"freeze", "last-k", "new-head", "norm"} {
			if fs.Changed(name) && (c.FineTune == nil || !fromFile) {
				return usageErrorf("--%s needs --finetune-from CHECKPOINT", name)
			}
		}
		if c.FineTune == nil {
			return nil
		}
	}
	ft := trainer.FineTune{}
	if c.FineTune != nil {
		ft = *c.FineTune
	} else if !fromFile {
		// Left to the checkpoint unless given.
		for name, field := range map[string]*string{"model": &c.Model, "data": &c.Data, "act": &c.Act} {
			if !fs.Changed(name) {
				*field = ""
			}
		}
	}
	set := func(name string) bool { return !fromFile || fs.Changed(name) }
	if *ff.from != "" {
		ft.From = *ff.from
	}
	if set("freeze") {
		ft.Freeze = *ff.freeze
	}
	if set("last-k") {
		ft.LastK = *ff.lastK
	}
	switch {
	case ft.Freeze != trainer.FreezeAllButK:
		ft.LastK = 0
	case ft.LastK == 0:
		ft.LastK = *ff.lastK
	}
	if set("new-head") {
		ft.NewHead = *ff.newHead
	}
	if set("norm") {
		ft.Norm = *ff.norm
	}
	c.FineTune = &ft
	return nil
}

// applyThreads sets GOMAXPROCS and the GEMM threads, which the layers follow
// (layers.Threads), when --threads is given.
func (f *trialFlags) applyThreads() error {
	n := *f.threads
	if n < 0 {
		return usageErrorf("--threads %d: want >= 0", n)
	}
	if n > 0 {
		runtime.GOMAXPROCS(n)
		gemm.SetThreads(n)
	}
	return nil
}

// trialIsTerminal reports whether w is a terminal (for the progress bar).
func trialIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// trialContext is cancelled by Ctrl-C (SIGINT) or SIGTERM, so that a trial
// stops at a batch boundary and checkpoints.
func trialContext() (context.Context, context.CancelFunc) { return signalContext() }

// trialStopped says where an interrupted trial stopped and how to go on,
// as an interruptedError when a signal stopped it.
func trialStopped(ctx context.Context, err error, resume string) error {
	where := err.Error()
	var te *trainer.InterruptedError
	if errors.As(err, &te) {
		where = te.Where()
	}
	if ie := interrupted(ctx, "stopped %s; %s", where, resume); ie != nil {
		return ie
	}
	return fmt.Errorf("%v; %s", err, resume)
}

func runTrain(env *Env, args []string) error {
	fs := newFlagSet(env, "train", trainUsage)
	tf := addTrialFlags(fs)
	ff := addFineTuneFlags(fs)
	ckpt := fs.String("checkpoint", "", "checkpoint file, written every epoch, on Ctrl-C and at the end")
	resume := fs.Bool("resume", false, "continue from --checkpoint when it exists")
	jsonOut := fs.String("json", "", "write the trial record (trainer.Result) as JSON to this file ('-' = stdout)")
	quiet := fs.Bool("quiet", false, "no per-epoch progress on stderr")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("train takes no arguments, got %q", fs.Args())
	}
	if err := checkFlagRules(fs, trialFlagRules); err != nil {
		return err
	}
	if *resume && *ckpt == "" {
		return usageErrorf("--resume needs --checkpoint FILE")
	}
	cfg, err := tf.buildConfig()
	if err != nil {
		return err
	}
	if err := ff.apply(fs, tf, &cfg); err != nil {
		return err
	}
	if err := checkTrialConfig(cfg); err != nil {
		return err
	}
	if err := checkOutput("--json", *jsonOut); err != nil {
		return err
	}
	if err := checkOutput("--checkpoint", *ckpt); err != nil {
		return err
	}
	if err := tf.applyThreads(); err != nil {
		return err
	}
	opts := trainer.Options{Checkpoint: *ckpt, Resume: *resume}
	if !*quiet {
		opts.Progress, opts.Interactive = env.Stderr, trialIsTerminal(env.Stderr)
	}
	ctx, stop := trialContext()
	defer stop()
	res, err := trainer.Run(ctx, cfg, opts)
	if err != nil && !errors.Is(err, trainer.ErrInterrupted) {
		return diskFull(err, "re-run the same command (with --resume when --checkpoint was given)")
	}
	if *jsonOut != "" {
		if werr := writeResultJSON(env, "--json", *jsonOut, "train", res); werr != nil {
			if err == nil {
				return werr
			}
			// Interrupted: the exit status says so; the record's fate too.
			fmt.Fprintf(env.Stderr, "actbench train: %v\n", werr)
		}
	}
	if err != nil {
		if *ckpt != "" {
			return trialStopped(ctx, err, fmt.Sprintf("resume with the same flags and --resume (checkpoint %s)", *ckpt))
		}
		return trialStopped(ctx, err, "without --checkpoint the trial starts again from the beginning")
	}
	if *jsonOut != "-" {
		printTrialSummary(env.Stdout, res)
	}
	return nil
}

// printTrialSummary prints the outcome of a trial in a few lines.
func printTrialSummary(w io.Writer, r trainer.Result) {
	c := r.Config
	fmt.Fprintf(w, "%s + %s on %s (train %d, val %d, test %d), seed %d: %s\n",
		r.Model.Name, c.Act, r.Data.Name, r.Data.Train, r.Data.Val, r.Data.Test, c.Seed, r.Status)
	if x := r.Transfer; x != nil {
		line := fmt.Sprintf("  from %s (%s + %s on %s, %d epochs): %d tensors loaded", x.From, x.FromModel, x.FromAct, x.FromData, x.FromEpochs, len(x.Loaded))
		if x.Head.Replaced {
			line += fmt.Sprintf(", new head %s (%s)", x.Head.Layer, x.Head.Reason)
		}
		if x.Swapped != nil {
			line += fmt.Sprintf(", %d activation sites %s -> %s", x.Swapped.Sites, x.Swapped.From, x.Swapped.To)
		}
		fmt.Fprintf(w, "%s; inputs normalised with %s statistics; %d values trainable\n", line, x.Norm.Stats, r.Model.Trainable)
	}
	if r.Diverged != nil {
		fmt.Fprintf(w, "  diverged: loss %s at epoch %d batch %d\n", r.Diverged.Loss, r.Diverged.Epoch, r.Diverged.Batch)
	}
	if r.SelectedEpoch > 0 {
		line := fmt.Sprintf("  selected epoch %d (%s)", r.SelectedEpoch, c.Selection)
		for _, s := range []struct {
			name string
			m    *trainer.Metrics
		}{{"val", r.Val}, {"test", r.Test}} {
			if s.m == nil {
				continue
			}
			line += fmt.Sprintf("; %s top1 %.4f", s.name, s.m.Top1)
			if s.m.Top5 != nil {
				line += fmt.Sprintf(" top5 %.4f", *s.m.Top5)
			}
			line += " loss " + strconv.FormatFloat(s.m.Loss, 'f', 4, 64)
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "  %.1f s/epoch, %.0f images/s (%s, gemm %s, %d threads)\n",
		r.Timing.EpochSeconds, r.Timing.ImagesPerSec, r.Env.GoVersion, r.Env.GEMM, r.Env.Threads)
}

package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/actbench/actbench/grid"
	"github.com/actbench/actbench/kernels/gemm"
	"github.com/actbench/actbench/record"
	"github.com/actbench/actbench/report"
	"github.com/actbench/actbench/runner"
)

func init() {
	register(command{
		name:    "run",
		summary: "run a grid of paired, seeded trials (default: the default preset) and print the comparison",
		run:     runRun,
	})
}

// runGridFlags are the flags that choose and rescale a grid (shared by run
// and presets --print-grid).
type runGridFlags struct {
	preset, gridFile        string
	models, datasets, acts  []string
	seeds                   string
	epochs, pretrainEpochs  int
	train, val, test, batch int
	lr                      float64
	opt                     string
	augment, noAugment      bool
	blur                    float64
	init, cropPad, lrStep   string
	fs                      *flagSet
}

func addGridFlags(fs *flagSet) *runGridFlags {
	f := &runGridFlags{fs: fs}
	fs.StringVar(&f.preset, "preset", "", "built-in grid to run (see 'actbench presets'; default \""+grid.DefaultPreset+"\" when no --grid)")
	fs.StringVar(&f.gridFile, "grid", "", "grid file (JSON, see the README) instead of a preset")
	fs.StringArrayVar(&f.models, "model", nil, "replace the grid's models (repeat the flag, or separate specs with ';'): --model simplecnn --model 'mlp(hidden=256,depth=2)'")
	fs.StringSliceVar(&f.datasets, "data", nil, "replace the grid's datasets (mnist, cifar10, cifar100), keeping its subset sizes")
	fs.StringArrayVar(&f.acts, "act", nil, "replace the grid's activations (repeat the flag, or separate specs with ';'): --act relu --act 'pvlu(a=0.2,b=1)'")
	fs.StringVar(&f.seeds, "seeds", "", "replace the seeds: 1-10, or 1,2,7")
	fs.IntVar(&f.epochs, "epochs", 0, "training epochs of every recipe (of the continuation, for fine-tuning)")
	fs.IntVar(&f.pretrainEpochs, "pretrain-epochs", 0, "pretraining epochs of transfer / fine-tuning recipes")
	fs.IntVar(&f.train, "train", 0, "training images per trial (class-stratified subset); -1 = all")
	fs.IntVar(&f.val, "val", 0, "training images held out for validation (model selection); -1 = none (last epoch)")
	fs.IntVar(&f.test, "test", 0, "test images evaluated (a fixed class-stratified subset, the same for every trial); -1 = all")
	fs.IntVar(&f.batch, "batch", 0, "mini-batch size")
	fs.Float64Var(&f.lr, "lr", 0, "learning rate")
	fs.StringVar(&f.opt, "opt", "", "optimiser: sgd, adam or adamw")
	fs.BoolVar(&f.augment, "augment", false, "turn data augmentation on (crop + flip)")
	fs.BoolVar(&f.noAugment, "no-augment", false, "turn data augmentation off")
	fs.Float64Var(&f.blur, "blur", -1, "Gaussian blur sigma of the data (0 = none)")
	addRecipeControlFlags(fs, &f.init, &f.cropPad, &f.lrStep, true)
	return f
}

// grid builds the grid the flags describe.
func (f *runGridFlags) grid() (*grid.Grid, error) {
	var g grid.Grid
	switch {
	case f.preset != "" && f.gridFile != "":
		return nil, usageErrorf("--preset and --grid exclude each other")
	case f.gridFile != "":
		gp, err := grid.ReadFile(f.gridFile)
		if err != nil {
			return nil, err
		}
		g = *gp
	default:
		name := f.preset
		if name == "" {
			name = grid.DefaultPreset
		}
		p, err := grid.LookupPreset(name)
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		g = p.Grid()
	}
	var o grid.Overrides
	o.Models, o.Activations, o.Datasets = splitSpecs(f.models), splitSpecs(f.acts), f.datasets
	if f.seeds != "" {
		s, err := grid.ParseSeeds(f.seeds)
		if err != nil {
			return nil, usageErrorf("--seeds: %v", err)
		}
		o.Seeds = s
	}
	// Each of these keeps the grid's value at 0, so an explicit 0 is refused.
	if err := checkFlagRules(f.fs, gridFlagRules); err != nil {
		return nil, err
	}
	o.Test = f.test
	o.Epochs, o.PretrainEpochs, o.Train, o.Val, o.Batch, o.LR, o.Optimizer = f.epochs, f.pretrainEpochs, f.train, f.val, f.batch, f.lr, f.opt
	switch {
	case f.augment && f.noAugment:
		return nil, usageErrorf("--augment and --no-augment exclude each other")
	case f.augment:
		o.Augment = &f.augment
	case f.noAugment:
		off := false
		o.Augment = &off
	}
	if f.fs.Changed("blur") {
		if f.blur < 0 {
			return nil, usageErrorf("--blur %g: want a sigma >= 0", f.blur)
		}
		o.Blur = &f.blur
	}
	o.Init, o.CropPad, o.LRStep = f.init, f.cropPad, f.lrStep
	o.Apply(&g)
	if err := g.Validate(); err != nil {
		return nil, usageErrorf("%v", err)
	}
	return &g, nil
}

// gridFlagRules are the rules of the flags that rescale a grid.
var gridFlagRules = []flagRule{
	{"epochs", atLeast(1), ">= 1 (omit it to keep the grid's)"},
	{"pretrain-epochs", atLeast(1), ">= 1 (omit it to keep the grid's)"},
	{"batch", atLeast(1), ">= 1 (omit it to keep the grid's)"},
	{"lr", above(0), "> 0 (omit it to keep the grid's)"},
	{"train", func(v float64) bool { return v >= 1 || v == -1 }, "a count >= 1, or -1 for all the training images"},
	{"val", func(v float64) bool { return v >= 1 || v == -1 }, "a count >= 1, or -1 for no validation split"},
	{"test", func(v float64) bool { return v >= 1 || v == -1 }, "a count >= 1, or -1 for the whole test split"},
	{"limit", atLeast(0), ">= 0 (0 = no limit)"},
	{"threads", atLeast(0), ">= 0 (0 = all cores)"},
}

// splitSpecs splits flag values on ';' (specs themselves contain commas).
func splitSpecs(values []string) []string {
	var out []string
	for _, v := range values {
		for s := range strings.SplitSeq(v, ";") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func runRun(env *Env, args []string) error {
	fs := newFlagSet(env, "run", "run [--preset NAME | --grid FILE] [scale flags] [--out FILE] [--shard k/n]")
	gf := addGridFlags(fs)
	out := fs.String("out", "", "results file (JSON Lines); default runs/<grid name>.jsonl. Re-running the same command resumes it.")
	shard := fs.String("shard", "", "run only shard k of n of the grid (k/n, e.g. 2/8); merge the shard files with 'actbench merge'")
	dataDir := fs.String("data-dir", "", "dataset directory (default: $ACTBENCH_DATA, ../shared/datasets, the user cache; MNIST from the GoMNIST module)")
	threads := fs.Int("threads", 0, "threads for the layers, GEMM and Go (default: all cores); results are bit-identical for a given count")
	format := fs.String("format", "table", "format of the final comparison: "+strings.Join(report.Formats, ", "))
	baseline := fs.String("baseline", "relu", "activation the final comparison is against")
	plotDir := fs.String("plot", "", "also write the report's plots to this directory")
	noReport := fs.Bool("no-report", false, "do not print the comparison at the end")
	dry := fs.Bool("dry-run", false, "list the trials and the estimated cost, run nothing")
	printGrid := fs.Bool("print-grid", false, "print the grid in the grid-file format and exit")
	limit := fs.Int("limit", 0, "stop after this many newly finished trials (0 = all)")
	deadline := fs.Duration("deadline", 0, "stop within this time of the start (a batch job's time limit, e.g. 1h50m): no trial starts that the longest one so far says would not end in time, and one still running then is stopped with its checkpoint kept; exit status 3 while trials are left (0 = no deadline)")
	cache := fs.String("cache", "", "directory of the pretrained checkpoints of fine-tuning recipes, shared with every run and finetune given it (default OUT.ckpt)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q (flags only; a grid file goes after --grid)", fs.Arg(0))
	}
	if !validFormat(*format) {
		return usageErrorf("--format %q: want one of %s", *format, strings.Join(report.Formats, ", "))
	}
	g, err := gf.grid()
	if err != nil {
		return err
	}
	if *printGrid {
		return grid.Encode(env.Stdout, g)
	}
	var sh runner.Shard
	if *shard != "" {
		if sh, err = runner.ParseShard(*shard); err != nil {
			return usageErrorf("--shard: %v", err)
		}
	}
	if *threads < 0 {
		return usageErrorf("--threads %d: want >= 0", *threads)
	}
	if *deadline < 0 {
		return usageErrorf("--deadline %s: want a duration >= 0 (e.g. 1h50m; 0 = none)", *deadline)
	}
	if *threads > 0 {
		runtime.GOMAXPROCS(*threads)
		gemm.SetThreads(*threads)
	}
	if *out == "" {
		name := g.Name
		if name == "" {
			name = "grid"
		}
		if sh.N > 1 {
			name += fmt.Sprintf(".shard%dof%d", sh.K, sh.N)
		}
		*out = filepath.Join("runs", name+".jsonl")
	}
	trials, err := g.Expand()
	if err != nil {
		return err
	}
	// Everything a trial would refuse at its start is refused now, before
	// the first one runs.
	if err := runner.CheckTrials(trials); err != nil {
		return usageErrorf("%v", err)
	}
	if *dry {
		return printDryRun(env.Stdout, g, trials, sh, *out)
	}
	if err := checkOutputDir("--plot", *plotDir); err != nil {
		return err
	}
	if err := checkOutputDir("--cache", *cache); err != nil {
		return err
	}
	if err := runner.CheckData(g, *dataDir); err != nil {
		return err
	}

	ctx, stop := signalContext() // after the first signal, a second one kills the usual way
	defer stop()
	go func() {
		<-ctx.Done()
		// Only a signal: stop() also cancels ctx when RunGrid returns.
		if sig, ok := signalOf(ctx); ok {
			fmt.Fprintf(env.Stderr, "\n%s: stopping at the next batch and saving a checkpoint (Ctrl-C again to abort at once)\n", signalName(sig))
		}
	}()
	fmt.Fprintf(env.Stderr, "results: %s\n", *out)
	var until time.Time
	if *deadline > 0 {
		until = time.Now().Add(*deadline)
	}
	sum, err := runner.Run(ctx, g, runner.Options{
		Out:      *out,
		Shard:    sh,
		DataDir:  *dataDir,
		Runner:   runner.Trainer(),
		Progress: env.Stderr,
		Terminal: isTerminalWriter(env.Stderr),
		Limit:    *limit,
		Deadline: until,
		// A pretraining stage's checkpoint is named by its key: any grid
		// or finetune that needs the same stage finds it here.
		PretrainDir: *cache,
	})
	if err != nil {
		return diskFull(err, "re-run the same command to resume")
	}
	if sum.Torn != "" {
		fmt.Fprintf(env.Stderr, "warning: %s\n", sum.Torn)
	}
	if sum.Interrupted {
		// The progress display has said how far it got and how to resume.
		saved := "no trial had finished yet"
		if n := sum.Skipped + sum.Ran; n > 0 {
			saved = fmt.Sprintf("%d finished trials are saved in %s", n, *out)
		}
		if err := interrupted(ctx, "%s; the trial in progress resumes from its checkpoint in %s", saved, runner.CheckpointDir(*out)); err != nil {
			return err
		}
	}
	if sum.Deadline && sum.Remaining > 0 {
		return &deadlineError{left: sum.Remaining, out: *out}
	}
	if sum.Interrupted || *noReport {
		return nil
	}
	if sh.N > 1 {
		fmt.Fprintf(env.Stderr, "shard %s done; when every shard is, combine them: actbench merge -o merged.jsonl <shard files>\n", sh)
		return nil
	}
	// The comparison of this grid's trials (the file may hold others).
	rr, err := record.ReadFile(*out)
	if err != nil {
		return err
	}
	keys := map[string]bool{}
	for _, t := range trials {
		keys[t.Key] = true
	}
	var mine []record.Record
	for _, r := range rr.Records {
		if keys[r.Key] {
			mine = append(mine, r)
		}
	}
	rep, err := report.Build(mine, report.Options{Baseline: *baseline})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout)
	if err := report.Render(env.Stdout, rep, *format); err != nil {
		return err
	}
	if *plotDir != "" {
		files, err := report.WritePlots(*plotDir, rep)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "%d plot files in %s\n", len(files), *plotDir)
	}
	fmt.Fprintf(env.Stderr, "\nrecords: %s (actbench report %s --format md|csv|json|latex --plot DIR)\n", *out, *out)
	return nil
}

func validFormat(f string) bool {
	for _, v := range report.Formats {
		if f == v {
			return true
		}
	}
	return f == "markdown" || f == "tex"
}

func printDryRun(w io.Writer, g *grid.Grid, trials []grid.Trial, sh runner.Shard, out string) error {
	mine := sh.Select(trials)
	est, err := grid.EstimateCost(g)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "grid %s (%s): %d trials", g.Name, grid.ID(trials), len(trials))
	if sh.N > 1 {
		fmt.Fprintf(w, ", shard %s: %d", sh, len(mine))
	}
	fmt.Fprintf(w, "; estimated %s on the reference machine (2 cores) for the whole grid", est.Duration().Round(time.Second))
	if est.ActivationSeconds >= 0.05*est.Seconds {
		fmt.Fprintf(w, ", %s of it the activations' cost above ReLU's", time.Duration(est.ActivationSeconds*float64(time.Second)).Round(time.Second))
	}
	if len(est.Unpriced) > 0 {
		fmt.Fprintf(w, " (no measured cost for %s: priced as the slowest measured activation)", strings.Join(est.Unpriced, ", "))
	}
	fmt.Fprintf(w, "\nresults file: %s\n\n", out)
	for _, t := range mine {
		pre := ""
		if t.Recipe.Pretrain != nil {
			pre = fmt.Sprintf(" (after %d epochs of %s on %s)", t.Recipe.Pretrain.Epochs, grid.ShortSpec(t.Recipe.Pretrain.Activation), t.Recipe.Pretrain.Dataset.Label())
		}
		fmt.Fprintf(w, "%4d  %s  %s %s %s %s seed %d, %d epochs%s\n", t.Index+1, t.Key[:12], t.Model, t.Dataset.Label(),
			t.Recipe.Name, grid.ShortSpec(t.Activation), t.Seed, t.Recipe.Epochs, pre)
	}
	return nil
}

// isTerminalWriter reports whether w is a terminal (for the one-line
// progress display).
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

package cli

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

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

The fine-tuning protocol: pretrain --model with activation A (--act) for
--pretrain-epochs (or load --from CHECKPOINT), then, for every --to spec and
for A itself (the control, so that no activation is credited for the extra
training), load the pretrained model, swap every activation site to the
spec, freeze as asked and train --epochs more epochs with the same optimiser
settings and seed. Prints one row per arm: validation and test accuracy of
the selected epoch and the difference to the control.

The trial flags (optimiser, data, seed...) apply to the pretraining and to
every arm, except --blur, which applies to the arms only (--pretrain-blur
blurs the pretraining); --ft-lr overrides the learning rate of the arms.

Transfer: --pretrain-data pretrains on another dataset (with
--pretrain-val and --pretrain-subset, default --val and --subset) and the
arms continue on --data: when the class counts differ (or --new-head) the
classifier head is replaced by a fresh one from --seed, the same in every
arm; the rest is loaded; the target is normalised with its own statistics.

The pretrained checkpoint is kept in --cache (default --dir) under a name
derived from the whole pretraining config and seed, and reused by any later
run that needs the same pretraining (other --to specs, another freezing).

Examples:
  actbench finetune --model simplecnn --data cifar10 --val 1000 --subset 9000 --act relu \
      --pretrain-epochs 10 --epochs 5 --to 'pvlu(a=0,b=1)' --to prelu --freeze none
  actbench finetune --model vgg16 --act relu --pretrain-data cifar100 --pretrain-val 2000 --pretrain-subset 10000 \
      --pretrain-epochs 5 --data cifar10 --val 1000 --subset 5000 --epochs 5 --ft-lr 1e-4 \
      --to pvlu --to prelu --to leakyrelu --cache pretrained/ --blur 1`

func runFinetune(env *Env, args []string) error {
	fs := newFlagSet(env, "finetune", finetuneUsage)
	tf := addTrialFlags(fs)
	to := fs.StringArray("to", nil, "activation to continue under (repeatable); A itself is always added as the control")
	from := fs.String("from", "", "pretrained checkpoint (instead of pretraining)")
	preEpochs := fs.Int("pretrain-epochs", 10, "pretraining epochs with --act")
	ftLR := fs.Float64("ft-lr", 0, "learning rate of the continuation arms (default: --lr)")
	freeze := fs.String("freeze", "none", "freezing in the arms: none, act (only activation parameters train) or last-k")
	lastK := fs.Int("last-k", 1, "k for --freeze last-k: only the last k weight layers (and what follows) train")
	dir := fs.String("dir", "", "directory for the arms' checkpoints (arm-N.ckpt; default a temporary one)")
	cache := fs.String("cache", "", "directory of reusable pretrained checkpoints (default --dir)")
	preData := fs.String("pretrain-data", "", "pretrain on this dataset (default --data); the arms continue on --data")
	preVal := fs.Int("pretrain-val", -1, "validation hold-out of the pretraining (default --val)")
	preSubset := fs.Int("pretrain-subset", -1, "training subset of the pretraining (default --subset)")
	preBlur := fs.Float64("pretrain-blur", 0, "Gaussian blur sigma of the pretraining (--blur applies to the arms only)")
	newHead := fs.Bool("new-head", false, "replace the classifier head even when the class counts agree")
	norm := fs.String("norm", "target", "normalise the arms' inputs with the target's own training statistics (target) or the pretraining's (source)")
	resume := fs.Bool("resume", false, "resume every stage from its checkpoint in --dir")
	jsonOut := fs.String("json", "", "write the protocol record (trainer.ProtocolResult) as JSON ('-' = stdout)")
	quiet := fs.Bool("quiet", false, "no per-epoch progress on stderr")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("finetune takes no arguments, got %q", fs.Args())
	}
	if err := checkFlagRules(fs, trialFlagRules); err != nil {
		return err
	}
	if len(*to) == 0 {
		return usageErrorf("give at least one --to SPEC to continue under")
	}
	if *resume && *dir == "" {
		return usageErrorf("--resume needs --dir")
	}
	base, err := tf.configFromFlags()
	if err != nil {
		return err
	}
	if err := checkOutput("--json", *jsonOut); err != nil {
		return err
	}
	if err := checkOutputDir("--dir", *dir); err != nil {
		return err
	}
	if err := checkOutputDir("--cache", *cache); err != nil {
		return err
	}
	if err := tf.applyThreads(); err != nil {
		return err
	}
	pre := base
	pre.Epochs = *preEpochs
	pre.Blur, pre.BlurSize, pre.BlurApply = *preBlur, 0, ""
	if *preBlur > 0 && fs.Changed("blur-size") {
		pre.BlurSize = base.BlurSize
	}
	if *preData != "" {
		pre.Data = *preData
	}
	if *preVal >= 0 {
		pre.Validation = *preVal
	}
	if *preSubset >= 0 {
		pre.Subset = *preSubset
	}
	if pre.Validation == 0 && pre.Selection == trainer.SelectBest {
		pre.Selection = ""
	}
	if err := checkTrialConfig(pre); err != nil {
		return err
	}
	cont := base
	cont.Act = ""
	if *ftLR > 0 {
		cont.LR = *ftLR
	}
	if *from != "" && !fs.Changed("data") {
		cont.Data, cont.DataDir = "", "" // the checkpoint's
		if fs.Changed("data-dir") {
			cont.DataDir = base.DataDir
		}
	}
	p := trainer.Protocol{Pretrain: pre, From: *from, Acts: *to, Continue: cont, Freeze: *freeze, LastK: *lastK,
		NewHead: *newHead, Norm: *norm, Cache: *cache}
	if *freeze != trainer.FreezeAllButK {
		p.LastK = 0
	}
	opts := trainer.Options{Resume: *resume}
	if !*quiet {
		opts.Progress, opts.Interactive = env.Stderr, trialIsTerminal(env.Stderr)
	}
	ctx, stop := trialContext()
	defer stop()
	res, err := trainer.RunProtocol(ctx, p, opts, *dir)
	if err != nil {
		if errors.Is(err, trainer.ErrInterrupted) {
			if *dir != "" {
				return trialStopped(ctx, err, "rerun with the same flags and --resume to continue")
			}
			return trialStopped(ctx, err, "without --dir the arms start again from the beginning")
		}
		return err
	}
	if *jsonOut != "" {
		if err := writeResultJSON(env, "--json", *jsonOut, "finetune", res); err != nil {
			return err
		}
	}
	if *jsonOut != "-" {
		printProtocol(env.Stdout, res)
	}
	return nil
}

func printProtocol(w io.Writer, r trainer.ProtocolResult) {
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
	fmt.Fprintf(w, "continued %d epochs per arm, freeze %s; control = %s\n\n", r.Protocol.Continue.Epochs, r.Protocol.Freeze, r.Control)
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

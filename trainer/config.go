// Package trainer trains one model of package models with one activation on
// one dataset, reproducibly, and records the trial: per-epoch curves, the
// metrics of the epoch that model selection picks, diagnostics (dead units,
// learned activation parameters), timings and the environment.
//
// A trial is described completely by a Config (JSON-tagged, so it can be
// stored beside its Result) and run by Run. The same Config, backend and
// thread count give bit-identical results; a trial interrupted and resumed
// from its checkpoint ends exactly where an uninterrupted one would.
//
// Random numbers are common across activations: initialisation, data order,
// augmentation and dropout masks are derived from (Seed, purpose), never from
// the activation, so two trials that differ only in Act see the same data in
// the same order, start from the same weights wherever the shapes agree, and
// draw the same dropout masks. Trials therefore pair up for the statistics.
package trainer

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/internal/textdist"
	"github.com/actbench/actbench/layers"
)

// Model selection modes (Config.Selection).
const (
	SelectBest = "best" // the epoch with the highest validation top-1 (the earliest on ties)
	SelectLast = "last" // the last epoch
)

// Optimiser names (Config.Optimizer).
const (
	OptSGD   = "sgd"
	OptAdam  = "adam"
	OptAdamW = "adamw"
)

// Schedule kinds (Schedule.Kind).
const (
	SchedConstant = "constant"
	SchedStep     = "step"
	SchedCosine   = "cosine"
)

// Freezing modes (FineTune.Freeze).
const (
	FreezeNone      = "none"   // every parameter trains
	FreezeAllButAct = "act"    // only activation parameters train
	FreezeAllButK   = "last-k" // only the last FineTune.LastK weight layers (and everything after the first of them) train
)

// Config is the complete description of one trial. Zero fields take the
// defaults listed on each field (see Resolve); the Result records the
// resolved Config, so a stored result says exactly what ran.
type Config struct {
	// Model is a model spec of package models: "simplecnn", "vgg16",
	// "vgg16(bn=false)", "resnet20", "mlp(hidden=512,depth=2)"...
	Model string `json:"model"`
	// Act is the activation spec used at every activation site, e.g.
	// "relu" or "pvlu(a=0.1,b=1)" (default relu; for a fine-tuning trial
	// the checkpoint's activation).
	Act string `json:"act"`

	// Data names the dataset ("cifar10", "cifar100", "mnist").
	Data string `json:"data"`
	// DataDir is where the dataset lives; "" = the datasets package default.
	DataDir string `json:"data_dir,omitempty"`
	// Validation is the number of training images held out (class-stratified,
	// seeded) for validation. 0 = no validation split, which implies
	// Selection "last".
	Validation int `json:"validation"`
	// Subset, when > 0, keeps only this many of the remaining training images
	// (class-stratified, seeded), after the validation hold-out.
	Subset int `json:"subset,omitempty"`
	// Augment turns on random crop (pad 4) and horizontal flip for training.
	Augment bool `json:"augment"`
	// CropPad is what the random crop shows beyond the image's edge:
	// "black" (pixel value 0 before normalisation), "mean" (the per-channel
	// mean colour, 0 after standardisation) or "reflect" (reflect-101, as
	// torchvision's padding_mode="reflect"); see datasets.PadMode. It needs
	// Augment. Resolve keeps the default "black" as "" (omitted), so records
	// of the default recipe are byte for byte those written before the
	// option existed.
	CropPad string `json:"crop_pad,omitempty"`
	// Init is the weight-initialisation scheme: "default" (PyTorch's
	// default, kaiming_uniform_ with a=sqrt(5)) or "he-normal"
	// (torchvision's ResNet scheme: conv weights kaiming_normal_ with
	// mode fan_out and gain sqrt(2), conv biases 0, dense layers at the
	// default); see layers.InitScheme. Draws stay per (seed, layer name).
	// Resolve keeps the default as "" (omitted).
	Init string `json:"init,omitempty"`
	// Blur, when > 0, is the sigma (pixels) of a Gaussian filter applied to
	// the images before training, with a BlurSize x BlurSize kernel (default
	// 2*ceil(3*sigma)+1), on the splits BlurApply names: "both" (default:
	// training, validation and test), "train" (training and validation) or
	// "test".
	Blur      float64 `json:"blur,omitempty"`
	BlurSize  int     `json:"blur_size,omitempty"`
	BlurApply string  `json:"blur_apply,omitempty"`

	// Optimizer is "sgd", "adam" (default) or "adamw".
	Optimizer string `json:"optimizer"`
	// LR is the peak learning rate (default 1e-3 for Adam/AdamW, 0.1 for SGD).
	LR float64 `json:"lr"`
	// Momentum for SGD (PyTorch semantics, no dampening); 0 = plain SGD.
	Momentum float64 `json:"momentum,omitempty"`
	// Nesterov selects Nesterov momentum for SGD.
	Nesterov bool `json:"nesterov,omitempty"`
	// Beta1, Beta2 and Eps are Adam's (defaults 0.9, 0.999, 1e-8).
	Beta1 float64 `json:"beta1,omitempty"`
	Beta2 float64 `json:"beta2,omitempty"`
	Eps   float64 `json:"eps,omitempty"`
	// WeightDecay is L2 (added to the gradient) for SGD and Adam, decoupled
	// for AdamW. 0 = none.
	WeightDecay float64 `json:"weight_decay"`
	// DecayExclude lists the parameter kinds (layers.ParamKind names:
	// "weight", "bias", "norm", "activation") that get no weight decay.
	// nil = the default ["norm", "activation"]; an empty list decays all.
	DecayExclude []string `json:"decay_exclude"`
	// Schedule shapes the learning rate over the epochs.
	Schedule Schedule `json:"schedule"`
	// LabelSmoothing for the cross-entropy loss (0 = none).
	LabelSmoothing float64 `json:"label_smoothing,omitempty"`

	// Epochs is the number of training epochs (default 10).
	Epochs int `json:"epochs"`
	// Batch is the mini-batch size (default 128).
	Batch int `json:"batch"`
	// Seed drives initialisation, validation split, subset, data order,
	// augmentation and dropout (default 1). 0 means unset and resolves to 1,
	// so the recorded (resolved) config always names the seed that trained;
	// callers that take a seed from the user reject an explicit 0.
	Seed uint64 `json:"seed"`
	// Selection is "best" (best validation top-1, default when Validation >
	// 0) or "last". Test metrics are measured for the selected epoch only,
	// never used to choose it.
	Selection string `json:"selection"`
	// TestEveryEpoch also evaluates the test set after every epoch, for
	// learning curves. It costs time and never influences selection.
	TestEveryEpoch bool `json:"test_every_epoch,omitempty"`
	// ProbeSize is the number of validation images (training images when
	// there is no validation split) in the fixed probe batch on which dead
	// units are measured after every epoch (default 256; -1 = off).
	ProbeSize int `json:"probe_size"`

	// FineTune, when set, starts the trial from a trained checkpoint instead
	// of a fresh initialisation (see FineTune).
	FineTune *FineTune `json:"finetune,omitempty"`
}

// Defaults of Config: Resolve fills a zero field with these, and the command
// line shows them as its flags' defaults, so each is stated once.
const (
	DefaultEpochs    = 10
	DefaultBatch     = 128
	DefaultLRAdam    = 1e-3 // Adam and AdamW
	DefaultLRSGD     = 0.1
	DefaultBeta1     = 0.9
	DefaultBeta2     = 0.999
	DefaultEps       = 1e-8
	DefaultGamma     = 0.1 // per milestone of the step schedule
	DefaultProbeSize = 256
)

// Schedule is a learning-rate schedule, evaluated every iteration
// (Stepping "per-batch", the default) or once per epoch ("per-epoch").
type Schedule struct {
	// Kind is "constant" (default), "step" or "cosine".
	Kind string `json:"kind"`
	// Milestones (epochs, 0-based: the rate drops at the start of each) and
	// Gamma (multiplier per milestone, default 0.1) for "step".
	Milestones []int   `json:"milestones,omitempty"`
	Gamma      float64 `json:"gamma,omitempty"`
	// MinLR is the final rate of "cosine" (default 0).
	MinLR float64 `json:"min_lr,omitempty"`
	// WarmupEpochs ramps the rate linearly from LR/iterations to LR over
	// this many epochs (fractional allowed) before the schedule proper; the
	// cosine then spans the remaining iterations.
	WarmupEpochs float64 `json:"warmup_epochs,omitempty"`
	// Stepping is when the rate changes: "per-batch" (default: the schedule
	// is evaluated at every iteration) or "per-epoch" (the rate is constant
	// within an epoch and steps at epoch boundaries, like a PyTorch
	// scheduler stepped once per epoch: cosine uses T_max = epochs minus
	// warm-up epochs, and WarmupEpochs must be whole). Resolve keeps the
	// default as "" (omitted).
	Stepping string `json:"stepping,omitempty"`
}

// Schedule stepping modes (Schedule.Stepping).
const (
	StepPerBatch = "per-batch"
	StepPerEpoch = "per-epoch"
)

// FineTune describes a trial that continues a trained model, possibly under
// another activation and on another dataset: the checkpoint's selected model
// (best or last, as it was trained) is loaded, every activation site is
// swapped to Config.Act when that differs from the checkpoint's activation,
// parameters are frozen as asked, and training runs Config.Epochs more
// epochs with a fresh optimiser and schedule.
//
// Transfer: Config.Data may name another dataset than the checkpoint's
// (same image shape). When its class count differs, or NewHead asks for
// it, the classifier head (the model's last Dense layer) is replaced by a
// fresh one initialised from (Config.Seed, layer name) like every layer, so
// two activations with one seed get the same new head; every other
// parameter and buffer is loaded bit for bit, and must exist in the
// checkpoint with the same shape. Result.Transfer records what was loaded,
// re-initialised and swapped. The target is normalised with the statistics
// of its own training split (Norm), and Config.Blur applies to the target
// only: the checkpoint was trained as its own config says.
type FineTune struct {
	// From is the checkpoint file of the pretrained model.
	From string `json:"from"`
	// FromAct is the activation the checkpoint was trained with (filled in
	// from the checkpoint; recorded for the report).
	FromAct string `json:"from_act,omitempty"`
	// FromEpochs is the number of epochs the checkpoint was trained
	// (filled in from the checkpoint).
	FromEpochs int `json:"from_epochs,omitempty"`
	// FromData and FromClasses are the checkpoint's dataset and class count
	// (filled in from the checkpoint).
	FromData    string `json:"from_data,omitempty"`
	FromClasses int    `json:"from_classes,omitempty"`
	// NewHead replaces the classifier head even when the class counts agree
	// (e.g. another 10-class dataset). A differing class count always does.
	NewHead bool `json:"new_head,omitempty"`
	// Norm says whose statistics normalise the target's inputs: "target"
	// (default: the target's own training split, as any trial) or "source"
	// (the per-channel mean and std the checkpoint was trained with).
	Norm string `json:"norm,omitempty"`
	// Freeze is "none" (default), "act" (only activation parameters train)
	// or "last-k" (only the last LastK weight layers and what follows them).
	// A replaced head always trains: with "act" it trains beside the
	// activation parameters, and "last-k" counts it as the last weight layer.
	Freeze string `json:"freeze"`
	// LastK is k for Freeze "last-k".
	LastK int `json:"last_k,omitempty"`
}

// Normalisation sources (FineTune.Norm).
const (
	NormTarget = "target"
	NormSource = "source"
)

// Resolve returns c with every default filled in, or an error naming the
// first invalid field and what it accepts.
func (c Config) Resolve() (Config, error) {
	// NaN passes every comparison below: refuse it, and infinities, first.
	for _, f := range []struct {
		field string
		v     float64
	}{
		{"lr", c.LR}, {"momentum", c.Momentum}, {"weight_decay", c.WeightDecay}, {"beta1", c.Beta1}, {"beta2", c.Beta2},
		{"eps", c.Eps}, {"label_smoothing", c.LabelSmoothing}, {"blur", c.Blur}, {"schedule.gamma", c.Schedule.Gamma},
		{"schedule.min_lr", c.Schedule.MinLR}, {"schedule.warmup_epochs", c.Schedule.WarmupEpochs},
	} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return c, configErrorf(f.field, "%s must be a finite number, found %g", f.field, f.v)
		}
	}
	if c.Model == "" {
		return c, configErrorf("model", "model is empty (e.g. \"simplecnn\")")
	}
	if c.Act == "" {
		c.Act = "relu"
	}
	if c.Data == "" && c.FineTune == nil {
		return c, configErrorf("data", "data is empty (e.g. \"cifar10\")")
	}
	c.Optimizer = strings.ToLower(c.Optimizer)
	switch c.Optimizer {
	case "":
		c.Optimizer = OptAdam
	case OptSGD, OptAdam, OptAdamW:
	default:
		return c, configErrorf("optimizer", "optimizer %q unknown (want sgd, adam or adamw)", c.Optimizer)
	}
	if c.LR == 0 {
		c.LR = DefaultLRAdam
		if c.Optimizer == OptSGD {
			c.LR = DefaultLRSGD
		}
	}
	if bad := firstTrue([]string{"lr", "momentum", "weight_decay"}, c.LR < 0, c.Momentum < 0 || c.Momentum >= 1, c.WeightDecay < 0); bad != "" {
		return c, configErrorf(bad, "need lr > 0, 0 <= momentum < 1, weight_decay >= 0 (found lr=%g momentum=%g weight_decay=%g)",
			c.LR, c.Momentum, c.WeightDecay)
	}
	if c.Nesterov && (c.Optimizer != OptSGD || c.Momentum == 0) {
		return c, configErrorf("nesterov", "nesterov needs optimizer sgd with momentum > 0")
	}
	if c.Optimizer != OptSGD {
		if c.Beta1 == 0 {
			c.Beta1 = DefaultBeta1
		}
		if c.Beta2 == 0 {
			c.Beta2 = DefaultBeta2
		}
		if c.Eps == 0 {
			c.Eps = DefaultEps
		}
		if bad := firstTrue([]string{"beta1", "beta2", "eps"}, c.Beta1 < 0 || c.Beta1 >= 1, c.Beta2 < 0 || c.Beta2 >= 1, c.Eps <= 0); bad != "" {
			return c, configErrorf(bad, "need 0 <= beta1, beta2 < 1 and eps > 0 (found %g, %g, %g)", c.Beta1, c.Beta2, c.Eps)
		}
	}
	if c.DecayExclude == nil {
		c.DecayExclude = []string{"norm", "activation"}
	}
	for _, k := range c.DecayExclude {
		switch k {
		case "weight", "bias", "norm", "activation":
		default:
			return c, configErrorf("decay_exclude", "decay_exclude %q unknown (want weight, bias, norm or activation)", k)
		}
	}
	var err error
	if c.Schedule, err = c.Schedule.resolve(); err != nil {
		return c, err
	}
	if c.Epochs == 0 {
		c.Epochs = DefaultEpochs
	}
	if c.Batch == 0 {
		c.Batch = DefaultBatch
	}
	if bad := firstTrue([]string{"epochs", "batch", "validation", "subset", "blur", "label_smoothing"},
		c.Epochs < 0, c.Batch < 1, c.Validation < 0, c.Subset < 0, c.Blur < 0, c.LabelSmoothing < 0 || c.LabelSmoothing >= 1); bad != "" {
		return c, configErrorf(bad, "need epochs >= 0, batch >= 1, validation, subset, blur >= 0, 0 <= label_smoothing < 1")
	}
	if c.Blur > 0 {
		if c.BlurSize == 0 {
			c.BlurSize = min(2*int(math.Ceil(3*c.Blur))+1, datasets.MaxBlurSize)
		}
		if c.BlurApply == "" {
			c.BlurApply = "both"
		}
		bc := datasets.BlurConfig{Sigma: c.Blur, Size: c.BlurSize, Apply: c.BlurApply}
		if err := bc.Check(); err != nil {
			return c, configErrorf("blur", "%w", err)
		}
	}
	var schemes, pads []string
	for _, v := range layers.InitSchemes() {
		schemes = append(schemes, string(v))
	}
	for _, v := range datasets.PadModes() {
		pads = append(pads, string(v))
	}
	if c.Init, err = recipeChoice("init", "init", c.Init, schemes...); err != nil {
		return c, err
	}
	if c.CropPad, err = recipeChoice("crop_pad", "crop_pad", c.CropPad, pads...); err != nil {
		return c, err
	}
	if c.CropPad != "" && !c.Augment {
		return c, configErrorf("crop_pad", "crop_pad %q needs augment (the padding is the random crop's)", c.CropPad)
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	switch c.Selection {
	case "":
		c.Selection = SelectBest
		if c.Validation == 0 {
			c.Selection = SelectLast
		}
	case SelectBest:
		if c.Validation == 0 {
			return c, configErrorf("selection", "selection \"best\" needs a validation split (validation > 0)")
		}
	case SelectLast:
	default:
		return c, configErrorf("selection", "selection %q unknown (want best or last)", c.Selection)
	}
	if c.ProbeSize == 0 {
		c.ProbeSize = DefaultProbeSize
	}
	if f := c.FineTune; f != nil {
		ft := *f
		if ft.From == "" {
			return c, configErrorf("finetune.from", "finetune.from is empty (the pretrained checkpoint file)")
		}
		switch ft.Freeze {
		case "":
			ft.Freeze = FreezeNone
		case FreezeNone, FreezeAllButAct:
		case FreezeAllButK:
			if ft.LastK < 1 {
				return c, configErrorf("finetune.last_k", "finetune freeze \"last-k\" needs last_k >= 1")
			}
		default:
			return c, configErrorf("finetune.freeze", "finetune freeze %q unknown (want none, act or last-k)", ft.Freeze)
		}
		switch ft.Norm {
		case "":
			ft.Norm = NormTarget
		case NormTarget, NormSource:
		default:
			return c, configErrorf("finetune.norm", "finetune norm %q unknown (want target or source)", ft.Norm)
		}
		c.FineTune = &ft
	}
	return c, nil
}

func (s Schedule) resolve() (Schedule, error) {
	switch s.Kind {
	case "":
		s.Kind = SchedConstant
	case SchedConstant, SchedCosine:
	case SchedStep:
		if s.Gamma == 0 {
			s.Gamma = DefaultGamma
		}
		for i, m := range s.Milestones {
			if m < 0 || (i > 0 && m <= s.Milestones[i-1]) {
				return s, configErrorf("schedule.milestones", "schedule milestones %v must be increasing epochs >= 0", s.Milestones)
			}
		}
	default:
		return s, configErrorf("schedule.kind", "schedule kind %q unknown (want constant, step or cosine)", s.Kind)
	}
	if bad := firstTrue([]string{"schedule.warmup_epochs", "schedule.gamma", "schedule.min_lr"}, s.WarmupEpochs < 0, s.Gamma < 0, s.MinLR < 0); bad != "" {
		return s, configErrorf(bad, "schedule needs warmup_epochs, gamma, min_lr >= 0")
	}
	var err error
	if s.Stepping, err = recipeChoice("schedule.stepping", "schedule stepping", s.Stepping, StepPerBatch, StepPerEpoch); err != nil {
		return s, err
	}
	if s.Stepping == StepPerEpoch && s.WarmupEpochs != math.Trunc(s.WarmupEpochs) {
		return s, configErrorf("schedule.warmup_epochs", "schedule stepping %q needs whole warmup_epochs, found %g (use per-batch for a fractional warm-up)",
			StepPerEpoch, s.WarmupEpochs)
	}
	return s, nil
}

// recipeChoice validates value (case-insensitive) against the valid values,
// the first of which is the default, and returns it lower-cased with the
// default as "": the recipe controls added after records existed are
// recorded only when they differ from what every earlier record did. field
// is the JSON path of the value, label its name in the message.
func recipeChoice(field, label, value string, valid ...string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(value))
	if v == "" || v == valid[0] {
		return "", nil
	}
	if slices.Contains(valid, v) {
		return v, nil
	}
	return "", configErrorf(field, "%s %q unknown%s (want %s)", label, value, nearest(v, valid), strings.Join(valid, ", "))
}

// firstTrue returns the field of the first true condition ("" when none).
func firstTrue(fields []string, bad ...bool) string {
	for i, b := range bad {
		if b {
			return fields[i]
		}
	}
	return ""
}

// nearest returns ` (did you mean "x"?)` for the candidate closest to s in
// edit distance (a candidate containing s counts as 1 away), or "" when none
// is within about a third of the longer string.
func nearest(s string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := textdist.Distance(s, c)
		if len(s) >= 3 && strings.Contains(c, s) { // "epoch" -> "per-epoch"
			d = min(d, 1)
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || bestD > (max(len(s), len(best))+2)/3 {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

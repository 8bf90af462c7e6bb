package trainer

import (
	"fmt"
	"hash/fnv"
	"slices"

	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/layers"
	"github.com/actbench/actbench/models"
	"gorgonia.org/tensor"
)

// trial is the state of one Run.
type trial struct {
	plan *plan
	cfg  Config // plan.cfg
	opts Options

	model     *models.Model
	trainable []*layers.Param
	opt       *optimizer

	trainSet, valSet, testSet *datasets.Set
	trainB                    *datasets.Batcher
	norm                      datasets.Normalization
	itersPerEpoch             int

	x       []float32
	labels  []int32
	xTensor map[int]*tensor.Dense // batch tensors by batch size (full and short last batch)
	loss    layers.SoftmaxCrossEntropy
	probe   *tensor.Dense

	transfer *Transfer

	res       Result
	pos       Position
	partial   partialEpoch
	best      map[string][]float32 // parameters and buffers of the selected epoch
	bestEpoch int
	bestTop1  float64

	progress *progress
}

// Seed streams: every random choice of a trial draws from its own stream,
// derived from the trial seed and a purpose, so that changing one (say the
// subset size) does not shift another (the initial weights).
func deriveSeed(seed uint64, purpose string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(purpose))
	z := seed ^ h.Sum64()
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// setUp builds a trial from its plan: the data, the model (with a
// fine-tuning source's weights), the optimiser and the result's header.
func setUp(p *plan, opts Options) (*trial, error) {
	t := &trial{plan: p, cfg: p.cfg, opts: opts, xTensor: map[int]*tensor.Dense{}}
	if err := t.setupData(); err != nil {
		return nil, err
	}
	if err := t.setupModel(); err != nil {
		return nil, err
	}
	t.res = Result{
		Config:   t.cfg,
		Model:    t.modelInfo(),
		Data:     t.dataInfo(),
		Env:      environment(),
		Transfer: t.transfer,
	}
	return t, nil
}

// setupData loads (or takes) the data and derives the splits and batchers.
func (t *trial) setupData() error {
	cfg := t.cfg
	var train, test *datasets.Set
	if t.opts.Data != nil {
		train, test = t.opts.Data.Train, t.opts.Data.Test
		if train == nil || test == nil {
			return fmt.Errorf("trainer: Options.Data needs both the train and the test split")
		}
	} else {
		var err error
		if train, test, err = datasets.Load(cfg.Data, cfg.DataDir); err != nil {
			return fmt.Errorf("trainer: %w", err)
		}
	}
	if cfg.Validation >= train.Len() {
		return configErrorf("validation", "validation %d leaves no training images (the training split has %d)", cfg.Validation, train.Len())
	}
	var val *datasets.Set
	if cfg.Validation > 0 {
		train, val = datasets.SplitValidation(train, cfg.Validation, deriveSeed(cfg.Seed, "validation"))
	}
	if cfg.Subset > 0 {
		if cfg.Subset > train.Len() {
			return configErrorf("subset", "subset %d exceeds the %d training images left after the validation hold-out", cfg.Subset, train.Len())
		}
		train = train.Subset(cfg.Subset, deriveSeed(cfg.Seed, "subset"))
	}
	if bc := t.plan.blur; bc != nil {
		train, test = bc.ApplyTo(train, test)
		if val != nil && bc.Apply != "test" {
			val = val.Blur(bc.Sigma, bc.Size)
		}
	}
	t.trainSet, t.valSet, t.testSet = train, val, test
	t.norm = datasets.ComputeNormalization(train)
	if t.plan.sourceNorm {
		src := t.plan.source.Result.Data
		if len(src.Mean) != train.C || len(src.Std) != train.C {
			return fmt.Errorf("trainer: finetune norm \"source\": checkpoint %s records %d channel statistics, the target %s has %d channels (use norm \"target\")",
				cfg.FineTune.From, len(src.Mean), train.Name, train.C)
		}
		t.norm = datasets.Normalization{Mean: slices.Clone(src.Mean), Std: slices.Clone(src.Std)}
	}
	t.trainB = datasets.NewBatcher(train, datasets.BatchConfig{
		BatchSize: cfg.Batch, Shuffle: true, Augment: t.plan.augment, Pad: t.plan.pad, Norm: t.norm, Seed: deriveSeed(cfg.Seed, "data"),
	})
	t.itersPerEpoch = t.trainB.Batches()
	t.x = make([]float32, cfg.Batch*train.ImageSize())
	t.labels = make([]int32, cfg.Batch)
	t.loss.LabelSmoothing = cfg.LabelSmoothing
	if cfg.ProbeSize > 0 {
		src := val
		if src == nil {
			src = train
		}
		n := min(cfg.ProbeSize, src.Len())
		b := datasets.NewBatcher(src, datasets.BatchConfig{BatchSize: n, Norm: t.norm})
		x := make([]float32, n*src.ImageSize())
		b.Next(x, make([]int32, n))
		t.probe = tensor.New(tensor.WithBacking(x), tensor.WithShape(n, src.C, src.H, src.W))
	}
	return nil
}

// setupModel builds and initialises the model, loads the pretrained
// weights of a fine-tuning trial (swapping the activation when it differs),
// applies freezing and creates the optimiser.
func (t *trial) setupModel() error {
	cfg, s, from, buildAct := t.cfg, t.trainSet, t.plan.source, t.plan.buildAct
	m, err := models.New(cfg.Model, buildAct, []int{s.C, s.H, s.W}, s.Classes)
	if err != nil {
		return fmt.Errorf("trainer: %w", err)
	}
	// Every layer, a replaced head included, starts from (seed, layer
	// name): the new head of two activations with one seed is the same.
	m.InitWith(deriveSeed(cfg.Seed, "init"), t.plan.init)
	t.model = m
	var alwaysTrain []*layers.Param
	if from != nil {
		tr, err := transferWeights(m, from, cfg.FineTune)
		if err != nil {
			return err
		}
		if buildAct != cfg.Act {
			if err := m.SwapActivations(cfg.Act); err != nil {
				return fmt.Errorf("trainer: finetune: %w", err)
			}
			tr.Swapped = &ActSwap{From: buildAct, To: cfg.Act, Sites: len(m.Activations())}
		}
		if tr.Head.Replaced {
			alwaysTrain = m.HeadParams()
		}
		fs := from.Result.Data
		tr.Norm = NormInfo{Stats: cfg.FineTune.Norm, Mean: t.norm.Mean, Std: t.norm.Std, FromMean: fs.Mean, FromStd: fs.Std}
		t.transfer = tr
	}
	if t.trainable, err = trainableParams(m, t.plan.freeze, t.plan.lastK, alwaysTrain); err != nil {
		return err
	}
	if t.transfer != nil {
		hp := m.HeadParams()
		t.transfer.Head.Trainable = len(hp) > 0 && slices.Contains(t.trainable, hp[0])
	}
	t.opt = newOptimizer(cfg, t.trainable)
	return nil
}

// batchTensor returns the input tensor for a batch of n (cached per size).
func (t *trial) batchTensor(n int) *tensor.Dense {
	if x, ok := t.xTensor[n]; ok {
		return x
	}
	s := t.trainSet
	x := tensor.New(tensor.WithBacking(t.x[:n*s.ImageSize()]), tensor.WithShape(n, s.C, s.H, s.W))
	t.xTensor[n] = x
	return x
}

func (t *trial) modelInfo() ModelInfo {
	c := t.model.Counts()
	trainable := 0
	for _, p := range t.trainable {
		trainable += len(p.Value.Float32s())
	}
	return ModelInfo{
		Trainable: trainable,
		Name:      t.model.Spec, Params: c.Params, ActParams: c.ActParams, Buffers: c.Buffers,
		FLOPs: t.model.FLOPs(), InShape: t.model.InShape, Classes: t.model.Classes,
		ActSites: len(t.model.Activations()),
	}
}

func (t *trial) dataInfo() DataInfo {
	d := DataInfo{
		Name: t.trainSet.Name, SHA256: t.trainSet.SHA256, TestSHA256: t.testSet.SHA256, Classes: t.trainSet.Classes,
		Train: t.trainSet.Len(), Test: t.testSet.Len(), Mean: t.norm.Mean, Std: t.norm.Std,
	}
	if t.valSet != nil {
		d.Val = t.valSet.Len()
	}
	return d
}

package trainer

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/kernels/gemm"
	"github.com/actbench/actbench/layers"
	"github.com/actbench/actbench/models"
	"gorgonia.org/tensor"
)

// Options are the operational settings of Run: they change where output
// goes and what is saved, never the trial's numbers.
type Options struct {
	// Progress receives progress output (nil = none): with Interactive, a
	// progress bar with ETA redrawn in place; otherwise one line per epoch.
	Progress    io.Writer
	Interactive bool
	// Checkpoint, when set, is the file written after every epoch, when
	// the context is cancelled (mid-epoch, resumable exactly) and at the end.
	Checkpoint string
	// Resume continues from Checkpoint when the file exists (and starts
	// afresh when it does not). The checkpoint's config must equal the
	// resolved cfg. A checkpoint of a finished trial returns its result.
	Resume bool
	// Data, when set, is used instead of loading cfg.Data from cfg.DataDir
	// (the official train and test splits; Run derives validation, subset
	// and blur from them as configured). Callers running many trials load
	// once and pass it here.
	Data *Data
	// PretrainData, when set, is the data of a protocol's pretraining when
	// it differs from Data (RunProtocol only).
	PretrainData *Data
	// OnEpoch, when set, is called after every epoch with its record.
	OnEpoch func(Epoch)
	// OnBatch, when set, is called after every training batch with the
	// position reached (epochs completed, batches of the current epoch).
	OnBatch func(Position)
}

// Data are a dataset's official training and test splits, in memory.
type Data struct {
	Train, Test *datasets.Set
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

// Run trains one trial. It returns the result and a nil error for a trial
// that ran to the end or diverged (see Result.Status); an error for a bad
// config (a *ConfigError), missing data or an unreadable checkpoint; and
// the partial result with status "interrupted" and an *InterruptedError
// (matching ErrInterrupted and ctx.Err()) when ctx is cancelled (checked
// at batch boundaries; the checkpoint, when set, is written first).
func Run(ctx context.Context, cfg Config, opts Options) (Result, error) {
	started := time.Now()
	p, err := resolve(cfg)
	if err != nil {
		return Result{}, err
	}
	cfg = p.cfg
	t := &trial{plan: p, cfg: cfg, opts: opts, xTensor: map[int]*tensor.Dense{}}

	var resume *checkpoint
	if opts.Resume && opts.Checkpoint != "" {
		resume, err = readCheckpoint(opts.Checkpoint)
		switch {
		case errors.Is(err, errNoCheckpoint):
			resume = nil
		case err != nil:
			return Result{}, err
		default:
			if err := sameConfig(resume.Config, cfg); err != nil {
				return Result{}, fmt.Errorf("trainer: cannot resume from %s: %w", opts.Checkpoint, err)
			}
			if resume.Result.Status != "" && resume.Result.Status != StatusInterrupted {
				return resume.Result, nil // the trial had finished
			}
		}
	}

	if err := t.setupData(); err != nil {
		return Result{}, err
	}
	if err := t.setupModel(); err != nil {
		return Result{}, err
	}
	t.res = Result{
		Config:   t.cfg,
		Model:    t.modelInfo(),
		Data:     t.dataInfo(),
		Env:      environment(),
		Transfer: t.transfer,
	}
	if resume != nil {
		if err := t.restore(resume); err != nil {
			return Result{}, fmt.Errorf("trainer: resuming from %s: %w", opts.Checkpoint, err)
		}
	}
	t.res.Timing.Started = started
	t.progress = newProgress(opts.Progress, opts.Interactive, t.cfg, t.trainB.Len(), t.pos)
	runErr := t.loop(ctx)
	if runErr != nil && !errors.Is(runErr, ErrInterrupted) {
		return Result{}, runErr
	}
	if t.res.Status != StatusInterrupted {
		if err := t.finish(); err != nil {
			return Result{}, err
		}
	}
	t.res.Timing.Finished = time.Now()
	t.res.Timing.Seconds += time.Since(started).Seconds()
	if opts.Checkpoint != "" {
		if err := t.save(opts.Checkpoint); err != nil {
			return t.res, err
		}
	}
	return t.res, runErr
}

// sameConfig reports how two resolved configs differ (nil when equal).
func sameConfig(saved, now Config) error {
	a, b := fmt.Sprintf("%+v", flatConfig(saved)), fmt.Sprintf("%+v", flatConfig(now))
	if a != b {
		return fmt.Errorf("its config differs from this one\n  checkpoint: %s\n  now:        %s", a, b)
	}
	return nil
}

func flatConfig(c Config) any {
	type flat struct {
		Config
		FT FineTune
	}
	f := flat{Config: c}
	if c.FineTune != nil {
		f.FT = *c.FineTune
	}
	f.Config.FineTune = nil
	return f
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

// trainableParams applies a freezing mode: the parameters the optimiser
// updates, plus alwaysTrain (a replaced classifier head) in model order.
// Frozen parameters still receive gradients (they are cheap next to the
// input gradients every layer needs) but never change; batch-norm running
// statistics keep updating in training mode, as in PyTorch with
// requires_grad=False.
func trainableParams(m *models.Model, freeze string, lastK int, alwaysTrain []*layers.Param) (out []*layers.Param, err error) {
	defer func() {
		if err != nil || len(alwaysTrain) == 0 {
			return
		}
		in := map[*layers.Param]bool{}
		for _, p := range out {
			in[p] = true
		}
		for _, p := range alwaysTrain {
			in[p] = true
		}
		out = out[:0]
		for _, p := range m.Params() {
			if in[p] {
				out = append(out, p)
			}
		}
	}()
	switch freeze {
	case FreezeNone, "":
		for _, p := range m.Params() {
			if p.Kind != layers.Buffer {
				out = append(out, p)
			}
		}
	case FreezeAllButAct:
		for _, p := range m.Params() {
			if p.Kind == layers.ActivationParam {
				out = append(out, p)
			}
		}
		// A parameter-free activation leaves nothing to train: the trial
		// then runs its epochs unchanged but for batch-norm statistics (the
		// honest equal-budget control of a fine-tuning protocol).
	case FreezeAllButK:
		ls := m.Layers()
		var weighted []int
		for i, l := range ls {
			for _, p := range l.Params() {
				if p.Kind == layers.Weight {
					weighted = append(weighted, i)
					break
				}
			}
		}
		if lastK > len(weighted) {
			return nil, fmt.Errorf("trainer: freeze last-k with k=%d: %s has only %d weight layers", lastK, m.Spec, len(weighted))
		}
		for _, l := range ls[weighted[len(weighted)-lastK]:] {
			for _, p := range l.Params() {
				if p.Kind != layers.Buffer {
					out = append(out, p)
				}
			}
		}
	default:
		return nil, fmt.Errorf("trainer: freeze %q unknown (want none, act or last-k)", freeze)
	}
	return out, nil
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

// environment describes the machine and the kernels in use.
func environment() Env {
	e := Env{
		GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		CPU: cpuName(), Threads: runtime.GOMAXPROCS(0),
		GEMM: fmt.Sprintf("%s (%d threads)", gemm.Backend(), gemm.Threads()), ActKernels: act.Path(),
	}
	return e
}

func cpuName() string {
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	return runtime.GOARCH
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

// loop runs the remaining epochs.
func (t *trial) loop(ctx context.Context) error {
	cfg := t.cfg
	for t.pos.Epochs < cfg.Epochs {
		epochStart := time.Now()
		e := t.pos.Epochs
		t.trainB.Epoch(e)
		for range t.pos.Batches { // resuming mid-epoch: replay the order
			t.trainB.Next(t.x, t.labels)
		}
		if t.pos.Batches == 0 {
			t.partial = partialEpoch{}
		}
		trainStart := time.Now()
		for {
			if err := ctx.Err(); err != nil {
				t.partial.TrainSeconds += time.Since(trainStart).Seconds()
				t.res.Status = StatusInterrupted
				t.progress.interrupted()
				return &InterruptedError{At: t.pos, Err: err}
			}
			n := t.trainB.Next(t.x, t.labels)
			if n == 0 {
				break
			}
			lr := lrAt(cfg.Schedule, cfg.LR, e*t.itersPerEpoch+t.pos.Batches, t.itersPerEpoch, cfg.Epochs)
			x := t.batchTensor(n)
			labels := t.labels[:n]
			t.model.ZeroGrad()
			logits := t.model.Forward(x, true)
			loss := t.loss.Forward(logits, labels)
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				t.res.Status = StatusDiverged
				t.res.Diverged = &Divergence{Epoch: e + 1, Batch: t.pos.Batches + 1, Loss: fmt.Sprint(loss)}
				t.progress.diverged(*t.res.Diverged)
				return nil
			}
			t.model.Backward(t.loss.Backward())
			t.opt.Step(lr)
			c1, c5 := topK(logits, labels)
			p := &t.partial
			p.LossSum += loss * float64(n)
			p.Correct1 += c1
			p.Correct5 += c5
			p.N += n
			p.LR = lr
			t.pos.Batches++
			t.progress.batch(t.pos, p, time.Since(trainStart).Seconds()+p.TrainSeconds)
			if t.opts.OnBatch != nil {
				t.opts.OnBatch(t.pos)
			}
		}
		t.partial.TrainSeconds += time.Since(trainStart).Seconds()
		rec := t.endEpoch(epochStart)
		t.pos = Position{Epochs: e + 1}
		t.progress.epoch(rec)
		if t.opts.OnEpoch != nil {
			t.opts.OnEpoch(rec)
		}
		if t.opts.Checkpoint != "" && t.pos.Epochs < cfg.Epochs {
			if err := t.save(t.opts.Checkpoint); err != nil {
				return err
			}
		}
	}
	t.res.Status = StatusOK
	return nil
}

// endEpoch evaluates, records diagnostics and updates model selection.
func (t *trial) endEpoch(epochStart time.Time) Epoch {
	p := t.partial
	rec := Epoch{
		Epoch: t.pos.Epochs + 1,
		LR:    p.LR,
		Train: t.metrics(p.LossSum, p.Correct1, p.Correct5, p.N),
	}
	rec.TrainSeconds = p.TrainSeconds
	if p.TrainSeconds > 0 {
		rec.ImagesPerSec = float64(p.N) / p.TrainSeconds
	}
	if t.valSet != nil {
		m := t.evaluate(t.valSet)
		rec.Val = &m
	}
	if t.cfg.TestEveryEpoch {
		m := t.evaluate(t.testSet)
		rec.Test = &m
	}
	rec.Dead, rec.ActParams = t.diagnostics()
	rec.Seconds = time.Since(epochStart).Seconds()
	t.res.Epochs = append(t.res.Epochs, rec)
	t.res.Timing.TrainSeconds += rec.TrainSeconds
	// Model selection: validation top-1, the earliest epoch on ties; or the last.
	if t.cfg.Selection == SelectLast || (rec.Val != nil && (t.bestEpoch == 0 || rec.Val.Top1 > t.bestTop1)) {
		t.bestEpoch = rec.Epoch
		if rec.Val != nil {
			t.bestTop1 = rec.Val.Top1
		}
		t.snapshot()
	}
	return rec
}

func (t *trial) metrics(lossSum float64, c1, c5, n int) Metrics {
	m := Metrics{N: n}
	if n > 0 {
		m.Loss = lossSum / float64(n)
		m.Top1 = float64(c1) / float64(n)
		if t.trainSet.Classes > 10 {
			v := float64(c5) / float64(n)
			m.Top5 = &v
		}
	}
	return m
}

// evaluate runs the model in evaluation mode over s.
func (t *trial) evaluate(s *datasets.Set) Metrics {
	b := datasets.NewBatcher(s, datasets.BatchConfig{BatchSize: t.cfg.Batch, Norm: t.norm})
	var lossSum float64
	var c1, c5, total int
	for {
		n := b.Next(t.x, t.labels)
		if n == 0 {
			break
		}
		logits := t.model.Forward(t.batchTensor(n), false)
		lossSum += t.loss.Forward(logits, t.labels[:n]) * float64(n)
		a, b5 := topK(logits, t.labels[:n])
		c1, c5, total = c1+a, c5+b5, total+n
	}
	return t.metrics(lossSum, c1, c5, total)
}

// topK counts the examples whose label is the arg-max (ties to the lowest
// class, as the loss) and those whose label ranks in the top 5. A NaN logit
// of the label counts as wrong.
func topK(logits *tensor.Dense, labels []int32) (top1, top5 int) {
	z := logits.Float32s()
	k := logits.Shape()[1]
	for i, y := range labels {
		row := z[i*k : (i+1)*k]
		v := row[y]
		if v != v {
			continue
		}
		rank := 0
		for j, u := range row {
			if u > v || (u == v && j < int(y)) || u != u {
				rank++
			}
		}
		if rank == 0 {
			top1++
		}
		if rank < 5 {
			top5++
		}
	}
	return top1, top5
}

// diagnostics measures dead units on the probe batch and summarises the
// learned activation parameters.
func (t *trial) diagnostics() ([]DeadUnits, []ActParam) {
	var dead []DeadUnits
	acts := t.model.Activations()
	if t.probe != nil {
		t.model.Forward(t.probe, false)
		for _, a := range acts {
			dead = append(dead, DeadUnits{Layer: a.Name(), Fraction: a.DeadFraction()})
		}
	}
	var ps []ActParam
	for _, a := range acts {
		f := a.Func()
		if f == nil {
			continue
		}
		for _, p := range f.Params() {
			s := ActParam{Layer: a.Name(), Param: p.Name, N: len(p.Value), Min: math.Inf(1), Max: math.Inf(-1)}
			for _, v := range p.Value {
				s.Mean += float64(v)
				s.Min = min(s.Min, float64(v))
				s.Max = max(s.Max, float64(v))
			}
			if s.N > 0 {
				s.Mean /= float64(s.N)
			}
			ps = append(ps, s)
		}
	}
	return dead, ps
}

// snapshot copies the model's parameters and buffers as the selected model.
func (t *trial) snapshot() {
	if t.best == nil {
		t.best = map[string][]float32{}
	}
	for _, p := range t.model.Params() {
		t.best[p.Name] = append(t.best[p.Name][:0], p.Value.Float32s()...)
	}
}

// finish measures the selected model on the test set.
func (t *trial) finish() error {
	t.res.SelectedEpoch = t.bestEpoch
	n := len(t.res.Epochs)
	if n > 0 {
		t.res.Timing.EpochSeconds = 0
		var imgs int
		for _, e := range t.res.Epochs {
			t.res.Timing.EpochSeconds += e.Seconds
			imgs += e.Train.N
		}
		t.res.Timing.EpochSeconds /= float64(n)
		if t.res.Timing.TrainSeconds > 0 {
			t.res.Timing.ImagesPerSec = float64(imgs) / t.res.Timing.TrainSeconds
		}
	}
	if t.bestEpoch == 0 {
		return nil
	}
	sel := t.res.Epochs[t.bestEpoch-1]
	t.res.Val = sel.Val
	if sel.Test != nil {
		t.res.Test = sel.Test
		return nil
	}
	// Evaluate the selected model without disturbing the trained state (the
	// final checkpoint keeps the last model as well as the selected one).
	current := map[string][]float32{}
	for _, p := range t.model.Params() {
		current[p.Name] = append([]float32(nil), p.Value.Float32s()...)
	}
	if err := loadParams(t.model, t.best, ""); err != nil {
		return err
	}
	m := t.evaluate(t.testSet)
	t.res.Test = &m
	return loadParams(t.model, current, "")
}

// loadParams copies tensors[prefix+name] into every parameter and buffer of m.
func loadParams(m *models.Model, tensors map[string][]float32, prefix string) error {
	for _, p := range m.Params() {
		src, ok := tensors[prefix+p.Name]
		dst := p.Value.Float32s()
		if !ok {
			return fmt.Errorf("no tensor %s%s for model %s with activation %s", prefix, p.Name, m.Spec, m.Act())
		}
		if len(src) != len(dst) {
			return fmt.Errorf("tensor %s%s has %d values, model %s wants %d", prefix, p.Name, len(src), m.Spec, len(dst))
		}
		copy(dst, src)
	}
	return nil
}

// save writes the trial's complete state to path.
func (t *trial) save(path string) error {
	rng, err := t.model.RNGState()
	if err != nil {
		return err
	}
	tensors := map[string][]float32{}
	shapes := map[string][]int{}
	for _, p := range t.model.Params() {
		tensors["model/"+p.Name] = p.Value.Float32s()
		shapes["model/"+p.Name] = p.Value.Shape().Clone()
	}
	for name, v := range t.best {
		tensors["best/"+name] = v
		if s, ok := shapes["model/"+name]; ok {
			shapes["best/"+name] = s
		}
	}
	for name, v := range t.opt.state() {
		tensors["opt/"+name] = v
	}
	h := checkpointHeader{
		Config: t.cfg, Pos: t.pos, OptStep: t.opt.step, RNG: rng, Result: t.res,
		BestEpoch: t.bestEpoch,
	}
	if t.pos.Batches > 0 {
		p := t.partial
		h.Partial = &p
	}
	h.Result.SelectedEpoch = t.bestEpoch
	return writeCheckpoint(path, h, tensors, shapes)
}

// restore loads a checkpoint written by save into a freshly set-up trial.
func (t *trial) restore(c *checkpoint) error {
	if err := loadParams(t.model, c.tensors, "model/"); err != nil {
		return err
	}
	if err := t.model.SetRNGState(c.RNG); err != nil {
		return err
	}
	opt := map[string][]float32{}
	for name, v := range c.tensors {
		if rest, ok := strings.CutPrefix(name, "opt/"); ok {
			opt[rest] = v
		}
	}
	if err := t.opt.setState(c.OptStep, opt); err != nil {
		return err
	}
	t.bestEpoch = c.BestEpoch
	if c.BestEpoch > 0 {
		t.best = map[string][]float32{}
		for _, p := range t.model.Params() {
			v, ok := c.tensors["best/"+p.Name]
			if !ok {
				return fmt.Errorf("no tensor best/%s", p.Name)
			}
			t.best[p.Name] = v
		}
		if c.BestEpoch <= len(c.Result.Epochs) {
			if v := c.Result.Epochs[c.BestEpoch-1].Val; v != nil {
				t.bestTop1 = v.Top1
			}
		}
	}
	t.pos = c.Pos
	if c.Partial != nil {
		t.partial = *c.Partial
	}
	prev := c.Result
	t.res.Epochs = prev.Epochs
	t.res.Timing = prev.Timing
	t.res.Timing.Started = time.Time{}
	pos := c.Pos
	t.res.ResumedAt = &pos
	return nil
}

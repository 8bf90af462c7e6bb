package grid

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/models"
)

// Cost model of a grid. A trial costs its training images times the
// model's seconds per training image (forward, loss, backward, optimiser),
// its evaluated images (validation every epoch, the test split once or
// every epoch, the dead-unit probe) times its seconds per evaluated image,
// and trialOverhead (model build, data split and normalisation).
//
// The per-image costs are measured, per model, with the zoo benchmarks
// (BenchmarkTrainStep and BenchmarkEvalStep: ReLU, batch 128, 2 threads) on
// the reference machine: one number per model says more than FLOPs,
// because the engine's efficiency differs by model (Winograd, GEMM shapes,
// batch norm, memory traffic), by 3x between the simple CNN and VGG-16.
// They are kept as rates in forward FLOPs per second, so that other input
// shapes (MNIST) scale with their FLOPs, and a model not measured takes
// the rate of the measured model of its family (the name without its
// digits) nearest in FLOPs. The rates are ReLU's; the trial's activation
// adds its own measured cost above ReLU's per activation value (see
// actcost.go).
type measuredRate struct {
	train, eval float64 // images per second, CIFAR-shaped input
}

// referenceRates: images/s of `go test -run '^$' -bench
// '^Benchmark(Train|Eval)Step$/^MODEL$/^relu$' -benchtime 5x -cpu 2
// ./trainer/` at commit 1a6d27c on the reference machine (ReferenceMachine),
// otherwise idle (the campaign grid stopped with SIGSTOP). One round: the
// host varies by +-15 % between minutes, more than an estimate needs.
// (At commit 2251831, the first measurement: simplecnn 1242/4045, resnet20
// 523/1867, vgg16 150/495.) resnet20 and resnet56 were measured again at
// commit b9a9fa8 (the residual blocks' batch-norm fusions; 708.5/2286 and
// 245.9/797.8 before), the same way; the others measured within the host's
// noise of their 1a6d27c rates then (simplecnn 1774/5199, vgg16
// 179.2/621.0) and were left.
var referenceRates = map[string]measuredRate{
	"simplecnn": {train: 1689, eval: 5045},
	"mlp":       {train: 14099, eval: 57087},
	"resnet20":  {train: 814.4, eval: 2773},
	"resnet56":  {train: 296.1, eval: 954.5},
	"vgg11":     {train: 302.9, eval: 1096},
	"vgg16":     {train: 166.4, eval: 595.3},
	"vgg19":     {train: 131.3, eval: 449.8},
}

// ReferenceMachine is where referenceRates were measured (estimates are for
// it; "actbench presets" names it).
const ReferenceMachine = `2 cores of an "AMD EPYC" VM (Turin-like: full-width AVX-512, ~200 GFLOP/s per core in the SGEMM kernel), 2026-12-07`

const trialOverhead = 0.3 // seconds

// measuredOn is the dataset whose input shape the rates were measured on.
const measuredOn = "cifar10"

// modelSize is what the cost model needs of a model on a dataset: its
// forward FLOPs per image (the activation does not change them:
// element-wise layers are not counted) and its activation values per
// image.
type modelSize struct{ flops, actElems float64 }

var (
	sizeMu    sync.Mutex
	sizeCache = map[[2]string]modelSize{}
)

func modelSizeOn(model, data string) (modelSize, error) {
	sizeMu.Lock()
	defer sizeMu.Unlock()
	k := [2]string{model, data}
	if s, ok := sizeCache[k]; ok {
		return s, nil
	}
	df, ok := datasets.ShapeOf(data)
	if !ok {
		return modelSize{}, fmt.Errorf("no cost model for dataset %q", data)
	}
	m, err := models.New(model, "relu", df.Input(), df.Classes)
	if err != nil {
		return modelSize{}, err
	}
	s := modelSize{flops: float64(m.FLOPs()), actElems: float64(m.ActElements())}
	sizeCache[k] = s
	return s, nil
}

// modelFLOPs is the model's forward FLOPs per image on the dataset.
func modelFLOPs(model, data string) (float64, error) {
	s, err := modelSizeOn(model, data)
	return s.flops, err
}

// family is a model spec's name without options and digits ("vgg16(bn=false)"
// -> "vgg").
func family(model string) string {
	name, _, _ := strings.Cut(model, "(")
	return strings.TrimRight(name, "0123456789")
}

// modelRates returns the model's forward FLOPs per second when training and
// when evaluating on the reference machine.
func modelRates(model string) (train, eval float64, err error) {
	base, _, _ := strings.Cut(model, "(")
	if r, ok := referenceRates[base]; ok {
		f, err := modelFLOPs(base, measuredOn)
		if err != nil {
			return 0, 0, err
		}
		return f * r.train, f * r.eval, nil
	}
	f, err := modelFLOPs(model, measuredOn)
	if err != nil {
		return 0, 0, err
	}
	best, bestDist := "", math.Inf(1)
	for m := range referenceRates {
		if family(m) != family(model) {
			continue
		}
		fm, err := modelFLOPs(m, measuredOn)
		if err != nil {
			return 0, 0, err
		}
		if d := math.Abs(math.Log(fm / f)); d < bestDist || d == bestDist && m < best {
			best, bestDist = m, d
		}
	}
	if best == "" {
		return 0, 0, fmt.Errorf("no cost model for model %q (no measured model of its family)", model)
	}
	return modelRates(best)
}

// Estimate is the predicted cost of a grid.
type Estimate struct {
	Trials int
	Epochs int // training epochs over all trials, pretraining included
	// Images is the number of training images processed (all epochs).
	Images  int64
	Seconds float64
	// ActivationSeconds is the part of Seconds the activations add to
	// ReLU's cost.
	ActivationSeconds float64
	// Unpriced names the activations the cost table lacks (plug-ins),
	// priced as its most expensive one.
	Unpriced []string
}

// Duration is Seconds as a time.Duration.
func (e Estimate) Duration() time.Duration { return time.Duration(e.Seconds * float64(time.Second)) }

// EstimateCost predicts how long the grid takes on 2 cores of the reference
// machine (see the cost model above). Subset sizes of 0 ("all") count the official
// split sizes; the shared CIFAR copies are smaller, so such estimates are
// upper bounds there.
func EstimateCost(g *Grid) (Estimate, error) {
	trials, err := g.Expand()
	if err != nil {
		return Estimate{}, err
	}
	var est Estimate
	est.Trials = len(trials)
	cost := func(t Trial) error {
		df, ok := datasets.ShapeOf(t.Dataset.Name)
		if !ok {
			return fmt.Errorf("no cost model for dataset %q", t.Dataset.Name)
		}
		size, err := modelSizeOn(t.Model, t.Dataset.Name)
		if err != nil {
			return err
		}
		f := size.flops
		trainRate, evalRate, err := modelRates(t.Model)
		if err != nil {
			return err
		}
		train := t.Dataset.Train
		if train == 0 {
			train = df.Train - t.Dataset.Val
		}
		e := t.Recipe.Epochs
		test := df.Test
		if t.Dataset.Test > 0 {
			test = t.Dataset.Test
		}
		evalImgs := float64(t.Dataset.Val*e+test) + 256*float64(e) // validation each epoch, test once, dead-unit probe
		if t.Recipe.TestCurve {
			evalImgs += float64(test * e)
		}
		ac, priced := costOfActivation(t.Activation)
		if !priced {
			est.Unpriced = unpricedAdd(est.Unpriced, t.Activation)
		}
		act := activationSeconds(ac, size.actElems, float64(train*e), evalImgs)
		est.Epochs += e
		est.Images += int64(train * e)
		est.ActivationSeconds += act
		est.Seconds += f*float64(train*e)/trainRate + f*evalImgs/evalRate + trialOverhead + act
		return nil
	}
	pre := map[string]bool{}
	for _, t := range trials {
		if t.Recipe.Pretrain != nil {
			pt := PretrainTrial(t)
			if !pre[pt.Key] {
				pre[pt.Key] = true
				if err := cost(pt); err != nil {
					return est, err
				}
			}
		}
		if err := cost(t); err != nil {
			return est, err
		}
	}
	return est, nil
}

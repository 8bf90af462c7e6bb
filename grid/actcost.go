package grid

import (
	"slices"

	"github.com/actbench/actbench/registry"
)

// actCost is an activation's CPU time per element on the reference
// machine, in ns, for Forward and for Backward (one thread).
type actCost struct{ fwd, bwd float64 }

// activationCosts: cpu-ns/elem of `go test -run '^$' -bench
// 'Activations/[a-z0-9_]+$' -benchtime 10x ./activations` (1M float32,
// defaults, one thread) on the reference machine, idle
// (the campaign grid stopped with SIGSTOP). The measured model rates are
// ReLU's; a trial pays its activation's difference from ReLU on every
// activation value (models.Model.ActElements): forward and backward per
// training image, forward per evaluated one. It matters: the slowest
// activations here cost 100x ReLU per element, which makes a simple-CNN
// trial several times longer (TestActivationCostsCoverTheRegistry keeps
// the table complete; re-measure a row when its kernel changes).
var activationCosts = map[string]actCost{
	"aconc":       {0.31, 0.53},
	"apl":         {1.24, 1.42},
	"celu":        {0.46, 0.60},
	"elliott":     {0.62, 0.79},
	"elu":         {0.46, 0.50},
	"erfact":      {1.32, 2.97},
	"gcu":         {0.30, 0.56},
	"gelu":        {0.83, 1.12},
	"golu":        {1.00, 1.03},
	"hardshrink":  {0.10, 0.14},
	"hardsigmoid": {0.11, 0.21},
	"hardswish":   {0.11, 0.18},
	"hardtanh":    {0.10, 0.17},
	"identity":    {0.13, 0.13},
	"leakyrelu":   {0.11, 0.21},
	"lisht":       {0.33, 0.52},
	"logsigmoid":  {0.76, 0.67},
	"mish":        {0.54, 0.62},
	"pau":         {0.18, 0.55},
	"pdelu":       {0.11, 0.17},
	"pelu":        {0.43, 0.81},
	"prelu":       {0.13, 0.20},
	"pserf":       {1.94, 2.63},
	"pvlu":        {0.32, 0.64},
	"relu":        {0.13, 0.20},
	"relu6":       {0.12, 0.18},
	"rrelu":       {0.32, 0.31}, // training mode, as the Activations benchmark runs it
	"selu":        {0.42, 0.55},
	"serf":        {1.47, 1.62},
	"sigmoid":     {0.50, 0.75},
	"silu":        {0.53, 0.75},
	"sinlu":       {0.92, 1.10},
	"smish":       {0.44, 0.59},
	"snake":       {0.35, 0.57},
	"softplus":    {0.96, 0.74},
	"softshrink":  {0.12, 0.24},
	"softsign":    {0.12, 0.20},
	"squaredrelu": {0.12, 0.22},
	"srelu":       {0.31, 0.38},
	"srs":         {0.46, 0.78},
	"starrelu":    {0.12, 0.16},
	"swish":       {0.51, 0.73},
	"tanh":        {0.44, 0.66},
	"tanhexp":     {0.60, 2.24},
	"tanhshrink":  {0.53, 0.59},
	"threshold":   {0.11, 0.15},
}

// refThreads is the thread count the estimates are for: the activation
// layers split their work across them.
const refThreads = 2

// costOfActivation returns the activation's cost per element (by the
// spec's name) and whether the table has it; an activation it lacks (a
// plug-in) is priced as the table's most expensive one, an upper bound,
// and named in the estimate.
func costOfActivation(spec string) (actCost, bool) {
	s, err := registry.Parse(spec)
	if err == nil {
		if c, ok := activationCosts[s.Name]; ok {
			return c, true
		}
	}
	var worst actCost
	for _, c := range activationCosts {
		if c.fwd+c.bwd > worst.fwd+worst.bwd {
			worst = c
		}
	}
	return worst, false
}

// activationSeconds is what a trial's activation adds to the ReLU-based
// rates: its cost above ReLU's (never below: ReLU is often fused into the
// layer before it) on elems values per image, forward and backward for
// trainImgs, forward for evalImgs, spread over refThreads.
func activationSeconds(c actCost, elems, trainImgs, evalImgs float64) float64 {
	relu := activationCosts["relu"]
	train := max(0, c.fwd+c.bwd-relu.fwd-relu.bwd)
	eval := max(0, c.fwd-relu.fwd)
	return elems * (train*trainImgs + eval*evalImgs) * 1e-9 / refThreads
}

// unpricedAdd adds name to the sorted list if it is not there.
func unpricedAdd(list []string, name string) []string {
	if i, found := slices.BinarySearch(list, name); !found {
		list = slices.Insert(list, i, name)
	}
	return list
}

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
// defaults, one thread) at commit 1a6d27c on the reference machine, idle
// (the campaign grid stopped with SIGSTOP). The measured model rates are
// ReLU's; a trial pays its activation's difference from ReLU on every
// activation value (models.Model.ActElements): forward and backward per
// training image, forward per evaluated one. It matters: the slowest
// activations here cost 100x ReLU per element, which makes a simple-CNN
// trial several times longer (TestActivationCostsCoverTheRegistry keeps
// the table complete; re-measure a row when its kernel changes).
var activationCosts = map[string]actCost{
	"aconc":       {11.53, 15.75},
	"apl":         {4.57, 7.06},
	"celu":        {0.45, 0.60},
	"elliott":     {2.65, 2.79},
	"elu":         {0.40, 0.56},
	"erfact":      {41.82, 56.28},
	"gcu":         {24.39, 27.02},
	"gelu":        {0.85, 1.27},
	"golu":        {19.36, 21.68},
	"hardshrink":  {3.04, 1.42},
	"hardsigmoid": {1.99, 1.72},
	"hardswish":   {2.79, 3.19},
	"hardtanh":    {0.99, 0.99},
	"identity":    {0.16, 0.14},
	"leakyrelu":   {0.15, 0.40},
	"lisht":       {13.32, 15.89},
	"logsigmoid":  {0.73, 0.57},
	"mish":        {0.56, 2.00},
	"pau":         {33.05, 44.42},
	"pdelu":       {27.07, 44.35},
	"pelu":        {0.50, 2.22},
	"prelu":       {0.13, 1.51},
	"pserf":       {58.51, 71.41},
	"pvlu":        {0.35, 0.62},
	"relu":        {0.12, 0.19},
	"relu6":       {0.98, 0.97},
	"rrelu":       {1.44, 1.68},
	"selu":        {0.46, 0.52},
	"serf":        {52.12, 71.61},
	"sigmoid":     {0.50, 0.67},
	"silu":        {0.53, 0.78},
	"sinlu":       {0.66, 1.01},
	"smish":       {13.27, 13.99},
	"snake":       {0.39, 0.55},
	"softplus":    {0.83, 0.79},
	"softshrink":  {1.53, 1.39},
	"softsign":    {2.69, 2.53},
	"squaredrelu": {0.86, 0.91},
	"srelu":       {4.56, 9.72},
	"srs":         {16.05, 21.74},
	"starrelu":    {2.41, 3.69},
	"swish":       {0.76, 2.07},
	"tanh":        {0.45, 0.81},
	"tanhexp":     {22.71, 24.38},
	"tanhshrink":  {10.77, 11.94},
	"threshold":   {2.06, 1.31},
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

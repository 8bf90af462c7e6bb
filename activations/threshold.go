package activations

import (
	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:    "threshold",
		Formula: "x if x > threshold, value otherwise (PyTorch Threshold; the defaults are the thresholded ReLU)",
		Reference: "PyTorch nn.Threshold; with value=0 the thresholded linear unit of Konda, Memisevic, Krueger: " +
			"Zero-bias autoencoders and the benefits of co-adapting features, ICLR 2015, arXiv:1402.3337",
		Params: []registry.ParamInfo{
			elementwise.Number("threshold", 1, -1e6, 1e6, "inputs at or below it are replaced"),
			elementwise.Number("value", 0, -1e6, 1e6, "what replaces them"),
		},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, threshold{th: float32(args.Float("threshold")), value: float32(args.Float("value"))})
		},
	})
}

// threshold compares in float32 as PyTorch does on float32 tensors. Writing
// the test as !(x <= th), PyTorch's own form, keeps NaN (and passes the
// gradient through it).
type threshold struct{ th, value float32 }

func (k threshold) Forward(y, x, _ []float32) { act.Threshold(y, x, k.th, k.value) }

// Backward: d/dx = 1 above the threshold, 0 at and below it (PyTorch).
func (k threshold) Backward(dx, dy, x, _ []float32, _ []float64) {
	act.ThresholdBackward(dx, dy, x, k.th)
}

func (k threshold) Reference(x float64, _ []float64) float64 {
	if x > float64(k.th) {
		return x
	}
	return float64(k.value)
}

func (k threshold) Kinks() []float64 { return []float64{float64(k.th)} }

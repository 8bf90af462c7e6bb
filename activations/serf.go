package activations

import (
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "serf",
		Formula:   "x*erf(softplus(x)) = x*erf(log(1+exp(x)))",
		Reference: "Nag, Bhattacharyya: SERF: Towards better training of deep neural networks using log-Softplus ERror activation Function, WACV 2023, arXiv:2108.09598",
		Monotonic: false, Smooth: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, serf{})
		},
	})
}

// serf runs on the fused SIMD kernels of package kernels/act (softplus,
// erf and their derivatives in one pass).
type serf struct{}

func (serf) Forward(y, x, _ []float32) { act.Serf(y, x) }

// Backward: d/dx = erf(sp) + x*erf'(sp)*sigmoid(x), sp = softplus(x).
func (serf) Backward(dx, dy, x, _ []float32, _ []float64) { act.SerfBackward(dx, dy, x) }

func (serf) Reference(x float64, _ []float64) float64 {
	sp := math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
	return x * math.Erf(sp)
}

package activations

import (
	"fmt"
	"math"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "hardtanh",
		Formula:   "min(max(x, min), max)",
		Reference: "Collobert: Large Scale Machine Learning, PhD thesis, 2004",
		Params: []registry.ParamInfo{
			elementwise.Number("min", -1, -1e6, 1e6, "lower bound (below max)"),
			elementwise.Number("max", 1, -1e6, 1e6, "upper bound (above min)"),
		},
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			lo, hi := args.Float("min"), args.Float("max")
			if !(lo < hi) {
				return nil, fmt.Errorf("min=%g must be below max=%g", lo, hi)
			}
			return elementwise.New(args, channels, hardtanh{lo: lo, hi: hi})
		},
	})
}

// hardtanh clamps to [lo, hi] on the kernels of package kernels/act; relu6
// is hardtanh(0, 6).
type hardtanh struct{ lo, hi float64 }

func (k hardtanh) Forward(y, x, _ []float32) { act.Hardtanh(y, x, float32(k.lo), float32(k.hi)) }

// Backward: 1 strictly inside (lo, hi), 0 at and beyond the bounds (PyTorch).
func (k hardtanh) Backward(dx, dy, x, _ []float32, _ []float64) {
	act.HardtanhBackward(dx, dy, x, float32(k.lo), float32(k.hi))
}

func (k hardtanh) Reference(x float64, _ []float64) float64 {
	return math.Min(math.Max(x, float64(float32(k.lo))), float64(float32(k.hi)))
}

func (k hardtanh) Kinks() []float64 { return []float64{float64(float32(k.lo)), float64(float32(k.hi))} }

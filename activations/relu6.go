package activations

import (
	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/registry"
)

func init() {
	registry.Register(registry.Info{
		Name:      "relu6",
		Formula:   "min(max(x, 0), 6)",
		Reference: "Krizhevsky: Convolutional Deep Belief Networks on CIFAR-10, 2010",
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, hardtanh{lo: 0, hi: 6})
		},
	})
}

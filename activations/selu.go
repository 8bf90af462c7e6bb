package activations

import (
	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/registry"
)

// The SELU constants (Klambauer et al., eq. 14), as in PyTorch.
const (
	seluAlpha = 1.6732632423543772848170429916717
	seluScale = 1.0507009873554804934193349852946
)

func init() {
	registry.Register(registry.Info{
		Name:      "selu",
		Formula:   "scale*(x if x > 0, alpha*(exp(x)-1) otherwise), alpha=1.6733, scale=1.0507",
		Reference: "Klambauer, Unterthiner, Mayr, Hochreiter: Self-Normalizing Neural Networks, NeurIPS 2017",
		Monotonic: true, Smooth: false,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, elu{alpha: seluAlpha, scale: seluScale})
		},
	})
}

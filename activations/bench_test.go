package activations_test

import (
	"testing"

	"github.com/actbench/actbench/activations/activationtest"
	"github.com/actbench/actbench/registry"
)

// BenchmarkActivations times Forward and Backward of every registered
// activation at its defaults on 1M float32 (see activationtest.Benchmark),
// plus the per-channel variant of those that have one, on conv feature maps
// and on dense rows:
//
//	go test ./activations -run '^$' -bench Activations -benchtime 20x
func BenchmarkActivations(b *testing.B) {
	for _, info := range registry.List() {
		b.Run(info.Name, func(b *testing.B) { activationtest.Benchmark(b, info.Name, false) })
		if _, ok := info.Param("per"); ok {
			spec := info.Name + "(per=channel)"
			b.Run(spec+"/conv", func(b *testing.B) { activationtest.Benchmark(b, spec, false) })
			b.Run(spec+"/dense", func(b *testing.B) { activationtest.Benchmark(b, spec, true) })
		}
	}
}

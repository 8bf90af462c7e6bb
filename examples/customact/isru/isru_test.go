package isru_test

import (
	"testing"

	"github.com/actbench/actbench/activations/activationtest"
	_ "github.com/actbench/actbench/examples/customact/isru"
)

func TestConformance(t *testing.T) {
	activationtest.Run(t, "isru")
	activationtest.Run(t, "isru(a=0.25)")
}

func BenchmarkISRU(b *testing.B) { activationtest.Benchmark(b, "isru", false) }

package activationtest

import (
	"math/rand/v2"
	"testing"

	"github.com/actbench/actbench/registry"
)

// BenchLen is the number of float32 elements Benchmark works on: 1M, a 4 MiB
// tensor, past the L2 cache.
const BenchLen = 1 << 20

// Benchmark times Forward and Backward of spec as two sub-benchmarks,
// "forward" and "backward", on BenchLen float32 of N(0, 3^2) data (random
// signs, so a branchy kernel pays for mispredictions) laid out as 64 channels
// of 128x128 maps (or N x 64 dense rows for dense=true). SetBytes counts the
// memory traffic: 8 bytes per element forward (read x, write y), 12 backward
// (read dy and x, write dx). It also reports ns/elem (wall time) and, on
// Linux, cpu-ns/elem (process CPU time), which stays meaningful when other
// processes compete for the cores. A registry.Stochastic function runs in
// training mode (its evaluation mode is the cheaper, deterministic one).
//
//	func BenchmarkMyAct(b *testing.B) { activationtest.Benchmark(b, "myact", false) }
func Benchmark(b *testing.B, spec string, dense bool) {
	const channels = 64
	f, err := registry.New(spec, channels)
	if err != nil {
		b.Fatal(err)
	}
	shape := registry.Shape{N: BenchLen / channels / 16384, C: channels, HW: 16384}
	if dense {
		shape = registry.Shape{N: BenchLen / channels, C: channels, HW: 1}
	}
	if st, ok := f.(registry.Stochastic); ok {
		st.SetMode(true, 1) // training mode, what a training step pays
	}
	x, dy := benchData()
	y, dx := make([]float32, BenchLen), make([]float32, BenchLen)
	b.Run("forward", func(b *testing.B) {
		b.SetBytes(8 * BenchLen)
		cpu0 := processCPU()
		for b.Loop() {
			f.Forward(y, x, shape)
		}
		reportPerElement(b, cpu0)
	})
	b.Run("backward", func(b *testing.B) {
		b.SetBytes(12 * BenchLen)
		cpu0 := processCPU()
		for b.Loop() {
			f.Backward(dx, dy, x, shape)
		}
		reportPerElement(b, cpu0)
	})
}

func reportPerElement(b *testing.B, cpu0 int64) {
	cpu1 := processCPU()
	n := float64(b.N) * BenchLen
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/elem")
	if cpu0 >= 0 && cpu1 >= 0 {
		b.ReportMetric(float64(cpu1-cpu0)/n, "cpu-ns/elem")
	}
}

var benchX, benchDY []float32

func benchData() (x, dy []float32) {
	if benchX == nil {
		rng := rand.New(rand.NewPCG(1, 1))
		benchX, benchDY = make([]float32, BenchLen), make([]float32, BenchLen)
		for i := range benchX {
			benchX[i] = float32(rng.NormFloat64() * 3)
			benchDY[i] = float32(rng.NormFloat64())
		}
	}
	return benchX, benchDY
}

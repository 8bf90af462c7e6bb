package activations_test

import (
	"math/rand/v2"
	"testing"

	"github.com/actbench/actbench/registry"
)

// benchLen is the benchmark size: 1M float32, a 4 MiB tensor (past L2).
const benchLen = 1 << 20

// BenchmarkActivations times Forward and Backward of every registered
// activation (default spec; add ",per=channel" variants by hand if needed) on
// 1M float32 of N(0, 3^2) data, so signs are random and a branchy kernel would
// pay for mispredictions. SetBytes counts the memory traffic: 8 bytes per
// element forward (read x, write y) and 12 backward (read dy and x, write dx).
// ns/elem is reported alongside.
//
//	go test ./activations -run '^$' -bench Activations -benchtime 20x
func BenchmarkActivations(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x, dy := make([]float32, benchLen), make([]float32, benchLen)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 3)
		dy[i] = float32(rng.NormFloat64())
	}
	y, dx := make([]float32, benchLen), make([]float32, benchLen)
	shape := registry.Shape{N: benchLen / 64, C: 64, HW: 1}
	convShape := registry.Shape{N: 64, C: 64, HW: benchLen / 64 / 64}
	for _, info := range registry.List() {
		specs := []string{info.Name}
		if _, ok := info.Param("per"); ok {
			specs = append(specs, info.Name+"(per=channel)")
		}
		for _, spec := range specs {
			f, err := registry.New(spec, 64)
			if err != nil {
				b.Fatal(err)
			}
			s := shape
			if spec != info.Name {
				s = convShape // per-channel parameters on conv feature maps
			}
			b.Run(spec+"/forward", func(b *testing.B) {
				b.SetBytes(8 * benchLen)
				for b.Loop() {
					f.Forward(y, x, s)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchLen, "ns/elem")
			})
			b.Run(spec+"/backward", func(b *testing.B) {
				b.SetBytes(12 * benchLen)
				for b.Loop() {
					f.Backward(dx, dy, x, s)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchLen, "ns/elem")
			})
		}
	}
}

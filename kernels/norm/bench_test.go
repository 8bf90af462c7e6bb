package norm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkRows times each kernel on every available path for the planes
// of ResNet-20's and VGG-16's CIFAR maps (32x32 down to 4x4), in ns per
// plane.
func BenchmarkRows(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1024, 256, 64, 16} {
		x, dy := randRow(rng, n, 1), randRow(rng, n, 0)
		y := make([]float32, n)
		var sink float32
		for _, fn := range []struct {
			name string
			run  func()
		}{
			{"Sum", func() { sink += Sum(x) }},
			{"SumSqDev", func() { sink += SumSqDev(x, 1) }},
			{"DySums", func() { s, t := DySums(dy, x, 1); sink += s + t }},
			{"Affine", func() { Affine(y, x, 0.5, 0.25, true) }},
			{"AffineGrad", func() { AffineGrad(y, dy, x, 0.5, 0.25, 0.125) }},
			{"Add", func() { Add(y, x, dy, true) }},
		} {
			for _, l := range path.LevelsFromPureGo() {
				b.Run(fmt.Sprintf("%s/n=%d/%s", fn.name, n, l), func(b *testing.B) {
					old := path.Set(l)
					defer path.Set(old)
					for b.Loop() {
						fn.run()
					}
				})
			}
		}
		_ = sink
	}
}

package wino

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkRows times each row function on every available path for the
// tile rows of ResNet-20's and VGG-16's CIFAR maps (w = 32, 16, 8, 4), in
// ns per tile row. The input rows are consecutive rows of one written
// plane, as in a convolution: rows allocated apart would put the masked
// loads past a row's end on pages never written, where an all-zero-mask
// load costs ~150 ns on some AMD CPUs (see asmgen/norm's skipEmpty), which
// training never meets.
func BenchmarkRows(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, w := range []int{32, 16, 8, 4} {
		n := (w + 1) / 2
		xs := n * n
		plane := randRow(rng, 8*w)
		rows := [4][]float32{plane[2*w:], plane[3*w:], plane[4*w:], plane[5*w:]}
		v := randRow(rng, 16*xs)
		out := make([]float32, 2*w)
		g := make([]float32, 8*n)
		for _, fn := range []struct {
			name string
			run  func()
		}{
			{"InputRow", func() { InputRow(v, xs, rows[0], rows[1], rows[2], rows[3], w, n) }},
			{"OutputRow", func() { OutputRow(out[:w], out[w:], w, v, xs, 0.5, n) }},
			{"DyRow", func() { DyRow(v, xs, rows[0], rows[1], w, n) }},
			{"GradRows", func() { GradRows(g, 2*n, n, v, xs, n) }},
			{"GradCols", func() { GradCols(out, w, true, g, g[2*n:], g[4*n:], g[6*n:], n, n) }},
		} {
			for _, l := range path.LevelsFromPureGo() {
				b.Run(fmt.Sprintf("%s/w=%d/%s", fn.name, w, l), func(b *testing.B) {
					old := path.Set(l)
					defer path.Set(old)
					for b.Loop() {
						fn.run()
					}
				})
			}
		}
	}
}

// BenchmarkPlanes times each plane function on every available path for
// the square maps of ResNet-20 and VGG-16 on CIFAR (32, 16, 8, 4), in ns
// per plane: the grouped kernels' gain on narrow maps shows against the
// same benchmark on a build without them, and against the row count
// times BenchmarkRows.
func BenchmarkPlanes(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, w := range []int{32, 16, 8, 4} {
		h, tw := w, (w+1)/2
		xs := tw*tw + 16
		x := randRow(rng, h*w)
		zero := make([]float32, w)
		v := randRow(rng, 16*xs)
		out := randRow(rng, h*w)
		scratch := make([]float32, GradScratchLen(h, w))
		for _, fn := range []struct {
			name string
			run  func()
		}{
			{"Input", func() { InputPlane(v, xs, x, h, w, zero) }},
			{"Output", func() { OutputPlane(out, h, w, v, xs, 0.5, zero) }},
			{"Dy", func() { DyPlane(v, xs, x, h, w, zero) }},
			{"Grad", func() { GradPlane(out, h, w, v, xs, scratch) }},
		} {
			for _, l := range path.LevelsFromPureGo() {
				b.Run(fmt.Sprintf("%s/w=%d/%s", fn.name, w, l), func(b *testing.B) {
					old := path.Set(l)
					defer path.Set(old)
					for b.Loop() {
						fn.run()
					}
				})
			}
		}
	}
}

package datasets

import (
	"testing"
)

// BenchmarkBatcher measures decode (bytes to normalised float32) plus
// augmentation throughput of Batcher.Next on CIFAR-shaped images, in images/s.
func BenchmarkBatcher(b *testing.B) {
	s := syntheticSet(2048, 3, 32, 32, 10)
	for _, bc := range []struct {
		name             string
		shuffle, augment bool
	}{{"plain", false, false}, {"shuffle+augment", true, true}} {
		b.Run(bc.name, func(b *testing.B) {
			const batch = 128
			bt := NewBatcher(s, BatchConfig{BatchSize: batch, Shuffle: bc.shuffle, Augment: bc.augment,
				Norm: ComputeNormalization(s), Seed: 1})
			x := make([]float32, batch*s.ImageSize())
			labels := make([]int32, batch)
			b.SetBytes(int64(batch * s.ImageSize()))
			b.ReportAllocs()
			epoch := 0
			images := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				n := bt.Next(x, labels)
				if n == 0 {
					epoch++
					bt.Epoch(epoch)
					n = bt.Next(x, labels)
				}
				images += n
			}
			b.ReportMetric(float64(images)/b.Elapsed().Seconds(), "images/s")
		})
	}
}

// BenchmarkDecodeCIFAR10 measures parsing and validating records from memory.
func BenchmarkDecodeCIFAR10(b *testing.B) {
	raw := cifarRecords(cifar10Format, 1000, 1)
	b.SetBytes(int64(len(raw)))
	for i := 0; i < b.N; i++ {
		s := &Set{}
		d := newCIFARDecoder(cifar10Format, s, 1000)
		if err := d.decode("bench", raw, 10000); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkBlur measures the Gaussian filter transform (sigma 1, size 5).
func BenchmarkBlur(b *testing.B) {
	s := syntheticSet(256, 3, 32, 32, 10)
	b.SetBytes(int64(len(s.Pixels)))
	for i := 0; i < b.N; i++ {
		s.Blur(1, 5)
	}
	b.ReportMetric(float64(256*b.N)/b.Elapsed().Seconds(), "images/s")
}

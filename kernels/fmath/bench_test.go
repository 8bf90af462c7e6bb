package fmath

import (
	"math/rand/v2"
	"testing"
)

var sink float64

// benchF times f over N(0, 3^2) inputs; the sum keeps the calls alive.
func benchF(b *testing.B, f func(float64) float64) {
	rng := rand.New(rand.NewPCG(1, 1))
	xs := make([]float64, 4096)
	for i := range xs {
		xs[i] = rng.NormFloat64() * 3
	}
	var s float64
	for b.Loop() {
		for _, x := range xs {
			s += f(x)
		}
	}
	sink = s
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(xs)), "ns/elem")
}

func BenchmarkExp(b *testing.B)     { benchF(b, Exp) }
func BenchmarkExpm1(b *testing.B)   { benchF(b, Expm1) }
func BenchmarkErfc(b *testing.B)    { benchF(b, Erfc) }
func BenchmarkSigmoid(b *testing.B) { benchF(b, Sigmoid) }
func BenchmarkTanh(b *testing.B)    { benchF(b, Tanh) }
func BenchmarkLog1p(b *testing.B)   { benchF(b, func(x float64) float64 { return Log1p(x * x / 100) }) }

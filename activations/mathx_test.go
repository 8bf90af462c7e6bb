package activations

import (
	"math"
	"math/rand/v2"
	"testing"
)

// relErr is |got-want|/|want| (|got-want| where want = 0).
func relErr(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

func TestLogPos(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	xs := []float64{1, 2, 0.5, math.Sqrt2, math.Sqrt2 / 2, math.Nextafter(math.Sqrt2, 0), 1e-300, 1e300,
		math.MaxFloat64, 0x1p-1022, 1 + 1e-15, 1 - 1e-15, math.E, 10}
	for i := 0; i < 100000; i++ {
		xs = append(xs, math.Exp(rng.Float64()*1400-700), 1+rng.NormFloat64()*1e-3)
	}
	worst := 0.0
	for _, x := range xs {
		got, want := logPos(x), math.Log(x)
		// Absolute error near log = 0, relative elsewhere.
		e := math.Abs(got-want) / math.Max(math.Abs(want), 1)
		if e > worst {
			worst = e
		}
		if e > 4e-16 {
			t.Errorf("logPos(%g) = %.17g, math.Log %.17g", x, got, want)
		}
	}
	t.Logf("worst error %.2g", worst)
}

func TestLog1pAcc(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 100000; i++ {
		u := math.Copysign(math.Exp(-rng.Float64()*60), rng.NormFloat64())
		if u <= -1 {
			continue
		}
		if got, want := log1pAcc(u), math.Log1p(u); relErr(got, want) > 1e-15 {
			t.Errorf("log1pAcc(%g) = %.17g, math.Log1p %.17g", u, got, want)
		}
	}
	for _, u := range []float64{1e-30, -1e-30, 1e-300, -0.999999, 3, 1e10} {
		if got, want := log1pAcc(u), math.Log1p(u); relErr(got, want) > 1e-15 {
			t.Errorf("log1pAcc(%g) = %.17g, math.Log1p %.17g", u, got, want)
		}
	}
}

var sinkF float64

// BenchmarkMathx times the helpers on a block of values in [-4, 4].
func BenchmarkMathx(b *testing.B) {
	xs := make([]float64, 256)
	for i := range xs {
		xs[i] = float64(i)/32 - 4
	}
	for _, c := range []struct {
		name string
		f    func(float64) float64
	}{{"logPos", func(x float64) float64 { return logPos(x*x + 1) }}} {
		b.Run(c.name, func(b *testing.B) {
			s := 0.0
			for b.Loop() {
				for _, x := range xs {
					s += c.f(x)
				}
			}
			sinkF = s
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(xs)), "ns/op1")
		})
	}
}

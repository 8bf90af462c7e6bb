package activations_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/actbench/actbench/registry"
)

// rreluTrain builds an RReLU in training mode with the given seed.
func rreluTrain(t *testing.T, spec string, seed uint64) registry.Func {
	t.Helper()
	f, err := registry.New(spec, 4)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := f.(registry.Stochastic)
	if !ok {
		t.Fatalf("%s does not implement registry.Stochastic", spec)
	}
	st.SetMode(true, seed)
	return f
}

func negatives(n int) []float32 {
	rng := rand.New(rand.NewPCG(8, 9))
	x := make([]float32, n)
	for i := range x {
		x[i] = -float32(0.1 + rng.Float64()*5)
	}
	return x
}

// TestRReLUTraining checks the training-mode slopes: within [lower, upper],
// uniformly distributed (mean and variance), reproducible from the seed,
// different across seeds, and the ones Backward uses.
func TestRReLUTraining(t *testing.T) {
	const lower, upper = 0.125, 1.0 / 3
	shape := registry.Shape{N: 1000, C: 4, HW: 25} // 100000 elements
	x := negatives(shape.Len())
	f := rreluTrain(t, "rrelu", 42)
	y := make([]float32, len(x))
	f.Forward(y, x, shape)
	var sum, sum2 float64
	for i := range x {
		a := float64(y[i] / x[i])
		if a < lower*(1-1e-6) || a > upper*(1+1e-6) {
			t.Fatalf("element %d: slope %g outside [%g, %g]", i, a, lower, upper)
		}
		sum += a
		sum2 += a * a
	}
	n := float64(len(x))
	mean, variance := sum/n, sum2/n-(sum/n)*(sum/n)
	wantVar := (upper - lower) * (upper - lower) / 12
	// Standard errors: sqrt(var/n) ~ 1.9e-4 for the mean, ~1.2e-5 (0.4 %) for the variance.
	if math.Abs(mean-(lower+upper)/2) > 1e-3 {
		t.Errorf("mean slope %g, want %g (uniform on [lower, upper])", mean, (lower+upper)/2)
	}
	if math.Abs(variance-wantVar) > 0.03*wantVar {
		t.Errorf("slope variance %g, want %g (uniform on [lower, upper])", variance, wantVar)
	}

	dy := make([]float32, len(x))
	for i := range dy {
		dy[i] = 1
	}
	dx := make([]float32, len(x))
	f.Backward(dx, dy, x, shape)
	for i := range x {
		if dx[i] != y[i]/x[i] && math.Abs(float64(dx[i]-y[i]/x[i])) > 1e-6 {
			t.Fatalf("element %d: Backward slope %g, Forward slope %g", i, dx[i], y[i]/x[i])
		}
	}

	again := make([]float32, len(x))
	rreluTrain(t, "rrelu", 42).Forward(again, x, shape)
	for i := range y {
		if math.Float32bits(y[i]) != math.Float32bits(again[i]) {
			t.Fatalf("same seed, element %d: %g vs %g", i, y[i], again[i])
		}
	}
	other := make([]float32, len(x))
	rreluTrain(t, "rrelu", 43).Forward(other, x, shape)
	same := 0
	for i := range y {
		if y[i] == other[i] {
			same++
		}
	}
	if same > len(y)/100 {
		t.Errorf("seeds 42 and 43 agree on %d of %d slopes", same, len(y))
	}
}

// TestRReLUModes checks that positive inputs pass unchanged in training,
// that evaluation mode uses the mean slope whatever the seed, and that
// training mode allocates nothing.
func TestRReLUModes(t *testing.T) {
	shape := registry.Shape{N: 3, C: 4, HW: 100}
	x := make([]float32, shape.Len())
	for i := range x {
		x[i] = float32(i%7) - 3
	}
	f := rreluTrain(t, "rrelu(lower=0.1, upper=0.3)", 7)
	y := make([]float32, len(x))
	f.Forward(y, x, shape)
	for i, v := range x {
		if v > 0 && y[i] != v {
			t.Fatalf("training: f(%g) = %g, want x", v, y[i])
		}
	}
	if a := testing.AllocsPerRun(10, func() { f.Forward(y, x, shape) }); a != 0 {
		t.Errorf("training Forward allocates %v times", a)
	}
	dx := make([]float32, len(x))
	if a := testing.AllocsPerRun(10, func() { f.Backward(dx, y, x, shape) }); a != 0 {
		t.Errorf("training Backward allocates %v times", a)
	}
	f.(registry.Stochastic).SetMode(false, 99)
	f.Forward(y, x, shape)
	for i, v := range x {
		want := v
		if v <= 0 {
			want = float32(0.2) * v
		}
		if y[i] != want {
			t.Fatalf("evaluation: f(%g) = %g, want %g (mean slope 0.2)", v, y[i], want)
		}
	}
	if _, err := registry.New("rrelu(lower=0.5, upper=0.25)", 1); err == nil {
		t.Error("lower > upper accepted")
	}
	g, err := registry.New("relu", 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := g.(registry.Stochastic); ok {
		t.Error("relu claims to be stochastic")
	}
}

// BenchmarkRReLUTraining times RReLU in training mode (BenchmarkActivations
// times a new instance, which is in evaluation mode), where every element's
// slope is hashed from the seed and its index, forward and backward.
func BenchmarkRReLUTraining(b *testing.B) {
	f, err := registry.New("rrelu", 64)
	if err != nil {
		b.Fatal(err)
	}
	f.(registry.Stochastic).SetMode(true, 1)
	const n = 1 << 20
	shape := registry.Shape{N: n / 64 / 16384, C: 64, HW: 16384}
	x, y := negatives(n), make([]float32, n)
	b.Run("forward", func(b *testing.B) {
		b.SetBytes(8 * n)
		for b.Loop() {
			f.Forward(y, x, shape)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/elem")
	})
	b.Run("backward", func(b *testing.B) {
		b.SetBytes(12 * n)
		for b.Loop() {
			f.Backward(y, x, x, shape)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/elem")
	})
}

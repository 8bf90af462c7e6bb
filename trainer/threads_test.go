package trainer

import (
	"math"
	"testing"

	"github.com/actbench/actbench/kernels/gemm"
)

// trainedWeights runs steps training steps of model at the given thread
// count (layers and GEMM, what --threads sets) from seed 1 and returns a
// copy of every parameter and buffer.
func trainedWeights(t *testing.T, model string, in []int, threads, steps int) [][]float32 {
	t.Helper()
	old := gemm.Threads()
	gemm.SetThreads(threads)
	defer gemm.SetThreads(old)
	s := newStepper(t, model, "pvlu(a=0.1,b=1)", 12, in, 10)
	for range steps {
		if l := s.step(); math.IsNaN(l) {
			t.Fatalf("%s: NaN loss", model)
		}
	}
	var out [][]float32
	for _, p := range s.m.Params() {
		out = append(out, append([]float32(nil), p.Value.Float32s()...))
	}
	return out
}

// TestSameThreadsSameWeights: the same seed and thread count give the same
// weights, bit for bit, after a few steps, for every thread count (the
// layers cut their work into that many parts at fixed boundaries, whatever
// the scheduling). The models cover the shifted-GEMM and chunked im2col
// convolutions, batch norm, residual blocks and dense layers; the batch of
// 12 is split unevenly by 5 threads.
//
// Different thread counts may differ in the last bits (partial weight
// gradients are summed per part): the test reports whether they did, and
// checks they stay close. Adam (the stepper's optimiser, lr 1e-3) moves a
// weight by about lr whatever the size of its gradient, so a gradient near
// zero that changes sign between thread counts moves that weight by up to
// 2*lr per step in the other direction: a few such weights are expected;
// the bulk must agree to 1e-5.
func TestSameThreadsSameWeights(t *testing.T) {
	for _, tc := range []struct {
		model string
		in    []int
		steps int
	}{{"resnet20", []int{3, 16, 16}, 3}, {"vgg11", []int{3, 32, 32}, 2}, {"simplecnn", []int{3, 16, 16}, 3}} {
		model := tc.model
		var ref [][]float32
		for _, th := range []int{1, 2, 5} {
			a := trainedWeights(t, model, tc.in, th, tc.steps)
			b := trainedWeights(t, model, tc.in, th, tc.steps)
			for i := range a {
				for j := range a[i] {
					if math.Float32bits(a[i][j]) != math.Float32bits(b[i][j]) {
						t.Fatalf("%s, %d threads: parameter %d element %d is %g in one run and %g in another",
							model, th, i, j, a[i][j], b[i][j])
					}
				}
			}
			if ref == nil {
				ref = a
				continue
			}
			const lr = DefaultLRAdam
			differ, flipped, total, maxDiff := 0, 0, 0, 0.0
			for i := range a {
				for j := range a[i] {
					total++
					d := math.Abs(float64(a[i][j] - ref[i][j]))
					if d > 0 {
						differ++
						maxDiff = max(maxDiff, d)
					}
					if d > 1e-5 {
						flipped++
					}
				}
			}
			if maxDiff > 2*lr*float64(tc.steps)*1.01 || flipped > total/1000 {
				t.Errorf("%s: %d threads against 1: %d of %d values differ, %d by more than 1e-5 (at most %d allowed), by up to %g (at most %g)",
					model, th, differ, total, flipped, total/1000, maxDiff, 2*lr*float64(tc.steps))
			}
			t.Logf("%s: %d threads against 1: %d of %d values differ, %d by more than 1e-5, by up to %g", model, th, differ, total, flipped, maxDiff)
		}
	}
}

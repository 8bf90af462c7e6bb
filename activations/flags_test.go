package activations_test

import (
	"math"
	"testing"

	"github.com/actbench/actbench/registry"
)

// TestPropertyFlags checks every registration's Monotonic and Smooth flags
// against its Reference at the default parameters: Monotonic holds exactly
// when f never decreases on a fine grid over [-20, 20] (plus points far
// out), and Smooth exactly when the function declares no kinks (an
// activation that is not smooth must tell the conformance suite where).
func TestPropertyFlags(t *testing.T) {
	for _, info := range registry.List() {
		f, err := registry.New(info.Name, 1)
		if err != nil {
			t.Fatal(err)
		}
		p := make([]float64, len(f.Params()))
		for j, prm := range f.Params() {
			p[j] = float64(prm.Value[0])
		}
		var xs []float64
		for i := -20000; i <= 20000; i++ {
			xs = append(xs, float64(i)/1000)
		}
		xs = append(xs, 50, 100, 1e3, 1e4)
		xs = append([]float64{-1e4, -1e3, -100, -50}, xs...)
		decreasing, where := false, 0.0
		prev := f.Reference(xs[0], p)
		for _, x := range xs[1:] {
			y := f.Reference(x, p)
			if y < prev-1e-12*(1+math.Abs(prev)) {
				decreasing, where = true, x
				break
			}
			prev = y
		}
		if decreasing == info.Monotonic {
			if info.Monotonic {
				t.Errorf("%s: Monotonic, but f decreases at x = %g", info.Name, where)
			} else {
				t.Errorf("%s: not Monotonic, but f never decreases on [-1e4, 1e4]", info.Name)
			}
		}
		var kinks []float64
		if k, ok := f.(registry.Kinked); ok {
			kinks = k.Kinks()
		}
		if info.Smooth == (len(kinks) > 0) {
			t.Errorf("%s: Smooth = %v, but it declares kinks %v", info.Name, info.Smooth, kinks)
		}
	}
}

package activations_test

import (
	"math"
	"testing"

	"github.com/actbench/actbench/registry"
)

// nanAtInfinity lists activations that predate this test and still give NaN
// at an infinite input where the limit exists (x*sigmoid(x) at -Inf is
// -Inf*0 in their kernels): defects to fix in their own files, after which
// they leave this list. No new activation may join it.
var nanAtInfinity = map[string]bool{
	"gelu": true, "mish": true, "silu": true, "swish": true, "pvlu": true, "sinlu": true, "snake": true,
}

// TestNoNaNAtInfinity is stricter than the conformance suite, which accepts
// NaN at +-Inf: where f (or f') has a limit at +-Inf, Forward (or Backward)
// must give it, not NaN. A limit is taken to exist when Reference agrees at
// eight points far out (k*1e299 for f; for f', its finite differences at
// k*1e6 and k*1e9), agreeing meaning close, or all past 1e6 with one sign;
// oscillating functions (x*cos(x), sin(b*x)) do not.
func TestNoNaNAtInfinity(t *testing.T) {
	for _, info := range registry.List() {
		if nanAtInfinity[info.Name] {
			continue
		}
		f, err := registry.New(info.Name, 1)
		if err != nil {
			t.Fatal(err)
		}
		p := make([]float64, len(f.Params()))
		for j, prm := range f.Params() {
			p[j] = float64(prm.Value[0])
		}
		ref := func(x float64) float64 { return f.Reference(x, p) }
		deriv := func(x float64) float64 {
			h := 1e-6 * math.Abs(x)
			return (ref(x+h) - ref(x-h)) / (2 * h)
		}
		agree := func(a, b float64) bool {
			if math.IsNaN(a) || math.IsNaN(b) {
				return false
			}
			if math.Abs(a) > 1e6 && math.Abs(b) > 1e6 {
				return math.Signbit(a) == math.Signbit(b)
			}
			return math.Abs(a-b) <= 1e-3*(1+math.Abs(a))
		}
		limit := func(g func(float64) float64, scale float64) bool {
			first := g(scale)
			for k := 2.0; k <= 8; k++ {
				if !agree(first, g(k*scale)) {
					return false
				}
			}
			return true
		}
		for _, sign := range []float64{1, -1} {
			x := []float32{float32(math.Inf(int(sign)))}
			y, dx := make([]float32, 1), make([]float32, 1)
			one := registry.Shape{N: 1, C: 1, HW: 1}
			f.Forward(y, x, one)
			f.Backward(dx, []float32{1}, x, one)
			if limit(ref, sign*1e299) && math.IsNaN(float64(y[0])) {
				t.Errorf("%s(%g) = NaN, but f has a limit there (f(%g) = %g)", info.Name, x[0], sign*1e300, ref(sign*1e300))
			}
			if limit(deriv, sign*1e6) && limit(deriv, sign*1e9) && math.IsNaN(float64(dx[0])) {
				t.Errorf("%s'(%g) = NaN, but f' has a limit there (f'(%g) = %g)", info.Name, x[0], sign*1e9, deriv(sign*1e9))
			}
		}
	}
}

package act

import (
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestPathsBitIdentical runs every kernel of every SIMD path this CPU
// supports and of the pure-Go path on the same inputs and requires the same
// float32 bits in every output slice and every lane sum (NaN matches any
// NaN: payloads are not specified). The inputs mix random values of several
// scales with the special values (+-0, +-Inf, NaN, subnormals, huge), the
// lengths cover the unrolled loops, the single-vector loops and every ragged
// tail, and the scalar parameters include 0, negative and non-representable
// products with x. The kernels come from the kernels table by reflection,
// so a new kernel is covered as soon as it is generated.
func TestPathsBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	lengths := []int{0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 47, 63, 64, 65, 100, 129, 1000, 4099}
	params := []float32{1, 0.1, -0.3, 0, 2.5, -3.7, 1e-3, 1.3, 0.7, 17}
	ref := pureGo.all()
	simdPaths := 0
	for _, p := range Paths() {
		if p == PathPureGo {
			continue
		}
		simdPaths++
		for f, k := range find(p).all() {
			fn, want := reflect.ValueOf(k.fn), reflect.ValueOf(ref[f].fn)
			for trial, n := range lengths {
				args := kernelArgs(rng, fn.Type(), n, params[trial%len(params)], params[(trial+3)%len(params)])
				w, wsums := callKernel(want, args)
				g, gsums := callKernel(fn, args)
				for j := range wsums {
					gv, wv := math.Float64frombits(gsums[j]), math.Float64frombits(wsums[j])
					if gsums[j] != wsums[j] && !(math.IsNaN(gv) && math.IsNaN(wv)) {
						t.Errorf("%s %s (n=%d): sum %d differs from purego: %g (%#016x) vs %g (%#016x)", p, k.name, n, j,
							gv, gsums[j], wv, wsums[j])
					}
				}
				for j := range w {
					if i := firstDiff(g[j], w[j]); i >= 0 {
						t.Errorf("%s %s (n=%d): output %d differs from purego at [%d]: %g (%#08x) vs %g (%#08x); inputs %v",
							p, k.name, n, j, i, g[j][i], math.Float32bits(g[j][i]), w[j][i], math.Float32bits(w[j][i]),
							inputsAt(args, i))
						break
					}
				}
			}
		}
	}
	if simdPaths == 0 {
		t.Skip("no SIMD path on this CPU: nothing to compare")
	}
}

// kernelArgs builds arguments for a kernel of type ft: slices of n values
// (offset by one element, so that they start unaligned) and scalar
// parameters p0, p1, ... cycling through the two given.
func kernelArgs(rng *rand.Rand, ft reflect.Type, n int, p0, p1 float32) []reflect.Value {
	var args []reflect.Value
	scalars := 0
	for i := 0; i < ft.NumIn(); i++ {
		switch ft.In(i).Kind() {
		case reflect.Slice:
			s := make([]float32, n+1)[1:]
			scale := []float64{1, 3, 30, 1e-3}[i%4]
			for j := range s {
				switch rng.IntN(10) {
				case 0:
					s[j] = special[rng.IntN(len(special))]
				case 1:
					s[j] = float32((rng.Float64()*2 - 1) * 120) // the exp range and past it
				case 2:
					s[j] = math.Float32frombits(rng.Uint32())
				default:
					s[j] = float32(rng.NormFloat64() * scale)
				}
			}
			args = append(args, reflect.ValueOf(s))
		case reflect.Float32:
			v := p0
			if scalars%2 == 1 {
				v = p1
			}
			scalars++
			args = append(args, reflect.ValueOf(v))
		default:
			panic("unexpected kernel argument type " + ft.In(i).String())
		}
	}
	return args
}

// callKernel calls fn on copies of the slices and returns every slice
// after the call, and the sums it returns (if any) as float64 bits.
func callKernel(fn reflect.Value, args []reflect.Value) (slices [][]float32, sums []uint64) {
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		if a.Kind() == reflect.Slice {
			c := append([]float32(nil), a.Interface().([]float32)...)
			slices = append(slices, c)
			in[i] = reflect.ValueOf(c)
		} else {
			in[i] = a
		}
	}
	out := fn.Call(in)
	for _, o := range out {
		for i := range o.Len() {
			sums = append(sums, math.Float64bits(o.Index(i).Float()))
		}
	}
	return slices, sums
}

func firstDiff(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) && !(isNaN32(a[i]) && isNaN32(b[i])) {
			return i
		}
	}
	return -1
}

func inputsAt(args []reflect.Value, i int) []any {
	var out []any
	for _, a := range args {
		if a.Kind() == reflect.Slice {
			s := a.Interface().([]float32)
			if i < len(s) {
				out = append(out, s[i])
			}
		} else {
			out = append(out, a.Interface())
		}
	}
	return out
}

var highVecReg = regexp.MustCompile(`\b[XYZ](1[6-9]|2[0-9]|3[01])\b|\bZ[0-9]+\b`)

// TestAVX2RegistersVEX checks that no AVX2 kernel uses a vector register
// above 15 or a ZMM register: those need EVEX encodings, which an AVX2-only
// CPU does not decode (the generator refuses such code too; this guards the
// committed file).
func TestAVX2RegistersVEX(t *testing.T) {
	src, err := os.ReadFile("act_amd64.s")
	if err != nil {
		t.Skip("no act_amd64.s:", err)
	}
	fn, n := "", 0
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, "TEXT ") {
			fn = strings.Fields(line)[1]
			if strings.Contains(fn, "AVX2(") {
				n++
			}
			continue
		}
		if strings.Contains(fn, "AVX2(") && highVecReg.MatchString(line) {
			t.Errorf("%s: %s uses an EVEX-only register", fn, strings.TrimSpace(line))
		}
	}
	if n == 0 {
		t.Error("no AVX2 function found in act_amd64.s")
	}
}

package act

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// smoothAPI lists every smooth kernel's public functions with their
// parameters, for the generic tests below.
type smoothAPI struct {
	name string
	fwd  func(y, x []float32)
	// bwd returns the parameter gradients (none for most).
	bwd func(dx, dy, x []float32) []float32
}

func smoothAPIs(pa, pb, ga, gb []float32) []smoothAPI {
	none := func(f func(dx, dy, x []float32)) func(dx, dy, x []float32) []float32 {
		return func(dx, dy, x []float32) []float32 { f(dx, dy, x); return nil }
	}
	var apis []smoothAPI
	for _, c := range smoothCases() {
		apis = append(apis, smoothAPI{c.name, c.fwd, none(c.bwd)})
	}
	return append(apis,
		smoothAPI{"swish(beta=0.8) grads", func(y, x []float32) { Swish(y, x, 0.8) },
			func(dx, dy, x []float32) []float32 { return []float32{SwishBackward(dx, dy, x, 0.8)} }},
		smoothAPI{"pelu(a=1.5,b=2) grads", func(y, x []float32) { PELU(y, x, 1.5, 2) },
			func(dx, dy, x []float32) []float32 { a, b := PELUBackward(dx, dy, x, 1.5, 2); return []float32{a, b} }},
		smoothAPI{"swishRow", func(y, x []float32) { SwishRow(y, x, pa[:len(x)]) },
			func(dx, dy, x []float32) []float32 { SwishRowBackward(dx, dy, x, pa[:len(x)], ga[:len(x)]); return nil }},
		smoothAPI{"peluRow", func(y, x []float32) { PELURow(y, x, pa[:len(x)], pb[:len(x)]) },
			func(dx, dy, x []float32) []float32 {
				PELURowBackward(dx, dy, x, pa[:len(x)], pb[:len(x)], ga[:len(x)], gb[:len(x)])
				return nil
			}},
	)
}

func rowParams(n int) (pa, pb, ga, gb []float32) {
	pa, pb, ga, gb = make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range pa {
		pa[i], pb[i] = 0.5+0.1*float32(i%5), 0.7+0.2*float32(i%3)
	}
	return
}

// TestSmoothAliasing runs every smooth kernel in place (y == x, dx == dy)
// and compares with the out-of-place results.
func TestSmoothAliasing(t *testing.T) {
	pa, pb, ga, gb := rowParams(1000)
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(41, 42))
		for _, n := range []int{0, 1, 15, 16, 17, 33, 1000} {
			x := inputs(rng, n, 1, 3)
			dy := finiteInputs(rng, n, 2, 1)
			for _, api := range smoothAPIs(pa, pb, ga, gb) {
				want := make([]float32, n)
				api.fwd(want, x)
				got := append([]float32(nil), x...)
				api.fwd(got, got)
				if !sameBits(got, want) {
					t.Fatalf("%s forward in place differs (n=%d)", api.name, n)
				}
				want = make([]float32, n)
				api.bwd(want, dy, x)
				got = append([]float32(nil), dy...)
				api.bwd(got, got, x)
				if !sameBits(got, want) {
					t.Fatalf("%s backward with dx == dy differs (n=%d)", api.name, n)
				}
			}
		}
	})
}

func TestSmoothZeroAllocations(t *testing.T) {
	n := 5000
	x, dy, dx, y := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range x {
		x[i], dy[i] = float32(i)/100-25, 1
	}
	pa, pb, ga, gb := rowParams(n)
	apis := smoothAPIs(pa, pb, ga, gb)
	forEachPath(t, func(t *testing.T) {
		for _, api := range apis {
			if a := testing.AllocsPerRun(10, func() { api.fwd(y, x) }); a != 0 {
				t.Errorf("%s forward: %v allocations per call, want 0", api.name, a)
			}
			if a := testing.AllocsPerRun(10, func() { api.bwd(dx, dy, x) }); a != 0 && !strings.HasSuffix(api.name, "grads") {
				t.Errorf("%s backward: %v allocations per call, want 0", api.name, a)
			}
		}
		if a := testing.AllocsPerRun(10, func() {
			SwishBackward(dx, dy, x, 0.8)
			PELUBackward(dx, dy, x, 1.5, 2)
		}); a != 0 {
			t.Errorf("SwishBackward, PELUBackward: %v allocations per call, want 0", a)
		}
	})
}

// TestSmoothNaN: a NaN input gives a NaN output and input gradient, and
// poisons the parameter gradients.
func TestSmoothNaN(t *testing.T) {
	pa, pb, ga, gb := rowParams(64)
	forEachPath(t, func(t *testing.T) {
		for _, n := range []int{1, 16, 37, 5000} {
			x, dy, y, dx := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range x {
				x[i], dy[i] = float32(i%5)-2, 1
			}
			x[n/2] = float32(math.NaN())
			for _, api := range smoothAPIs(pa, pb, ga, gb) {
				if strings.HasSuffix(api.name, "Row") && n > len(pa) {
					continue
				}
				api.fwd(y, x)
				g := api.bwd(dx, dy, x)
				if !isNaN32(y[n/2]) || !isNaN32(dx[n/2]) {
					t.Errorf("%s (n=%d): NaN input gives y = %g, dx = %g; want NaN", api.name, n, y[n/2], dx[n/2])
				}
				for j, v := range g {
					if !isNaN32(v) {
						t.Errorf("%s (n=%d): NaN input gives parameter gradient %d = %g; want NaN", api.name, n, j, v)
					}
				}
			}
		}
	})
}

func TestSmoothLengthMismatchPanics(t *testing.T) {
	a, b := make([]float32, 3), make([]float32, 4)
	cases := map[string]func(){
		"Sigmoid": func() { Sigmoid(a, b) }, "SigmoidBackward": func() { SigmoidBackward(a, a, b) },
		"SiLU": func() { SiLU(a, b) }, "SiLUBackward": func() { SiLUBackward(a, b, a) },
		"Swish": func() { Swish(a, b, 1) }, "SwishBackward": func() { SwishBackward(b, a, a, 1) },
		"SwishRow": func() { SwishRow(a, a, b) }, "SwishRowBackward": func() { SwishRowBackward(a, a, a, a, b) },
		"Softplus": func() { Softplus(a, b, 1, 20) }, "SoftplusBackward": func() { SoftplusBackward(a, a, b, 1, 20) },
		"LogSigmoid": func() { LogSigmoid(a, b) }, "LogSigmoidBackward": func() { LogSigmoidBackward(a, a, b) },
		"Tanh": func() { Tanh(a, b) }, "TanhBackward": func() { TanhBackward(a, a, b) },
		"ELU": func() { ELU(a, b, 1, 1) }, "ELUBackward": func() { ELUBackward(a, a, b, 1, 1) },
		"CELU": func() { CELU(a, b, 1) }, "CELUBackward": func() { CELUBackward(a, a, b, 1) },
		"PELU": func() { PELU(a, b, 1, 1) }, "PELUBackward": func() { PELUBackward(a, a, b, 1, 1) },
		"PELURow": func() { PELURow(a, a, a, b) }, "PELURowBackward": func() { PELURowBackward(a, a, a, a, a, a, b) },
		"Mish": func() { Mish(a, b) }, "MishBackward": func() { MishBackward(a, a, b) },
		"Exp": func() { Exp(a, b) }, "ExpBackward": func() { ExpBackward(a, b, a) },
		"Serf": func() { Serf(a, b) }, "SerfBackward": func() { SerfBackward(a, b, a) },
		"Smish": func() { Smish(a, b, 1, 1) }, "SmishBackward": func() { SmishBackward(a, b, a, 1, 1) },
		"GCU": func() { GCU(a, b) }, "GCUBackward": func() { GCUBackward(a, b, a) },
		"TanhExp": func() { TanhExp(a, b) }, "TanhExpBackward": func() { TanhExpBackward(a, b, a) },
		"Softsign": func() { Softsign(a, b) }, "SoftsignBackward": func() { SoftsignBackward(a, a, b) },
		"Elliott": func() { Elliott(b, a) }, "ElliottBackward": func() { ElliottBackward(b, a, a) },
		"Hardswish": func() { Hardswish(a, b) }, "HardswishBackward": func() { HardswishBackward(a, b, a) },
		"Erf": func() { Erf(b, a) }, "ErfBackward": func() { ErfBackward(a, a, b) },
		"GELU": func() { GELU(a, b) }, "GELUBackward": func() { GELUBackward(a, a, b) },
		"GELUTanh": func() { GELUTanh(a, b) }, "GELUTanhBackward": func() { GELUTanhBackward(a, a, b) },
	}
	for name, f := range cases {
		msg := func() (msg string) {
			defer func() { msg, _ = recover().(string) }()
			f()
			return ""
		}()
		if !strings.Contains(msg, "act."+name+":") || !strings.Contains(msg, "len(") {
			t.Errorf("%s with unequal lengths: panic %q, want a message naming act.%s and the lengths", name, msg, name)
		}
	}
}

// TestGradientSumsIdentical runs the public backward functions that return
// parameter gradients on every path, on lengths that are not multiples of
// the vector width and span several 4096-element blocks, and requires the
// same float32 gradients and input gradients, bit for bit: the reductions
// use one lane layout and one combination order everywhere.
func TestGradientSumsIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	saved := Path()
	defer SetPath(saved)
	for _, n := range []int{1, 17, 4095, 4097, 12345} {
		x := inputs(rng, n, 1, 3)
		dy := finiteInputs(rng, n, 0, 1)
		run := func() (out []float32) {
			dx := make([]float32, n)
			out = append(out, LeakyReLUBackward(dx, dy, x, 0.07))
			out = append(out, dx...)
			ga, gb := PVLUBackward(dx, dy, x, 0.3, 1.7)
			out = append(out, ga, gb)
			out = append(out, dx...)
			out = append(out, SwishBackward(dx, dy, x, 1.3))
			out = append(out, dx...)
			ga, gb = PELUBackward(dx, dy, x, 1.2, 0.9)
			out = append(out, ga, gb)
			return append(out, dx...)
		}
		if err := SetPath(PathPureGo); err != nil {
			t.Fatal(err)
		}
		want := run()
		for _, p := range Paths() {
			if err := SetPath(p); err != nil {
				t.Fatal(err)
			}
			if got := run(); !sameBits(got, want) {
				i := firstDiff(got, want)
				t.Errorf("%s (n=%d): result %d = %g differs from purego's %g", p, n, i, got[i], want[i])
			}
		}
	}
}

package act

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// forEachPath runs f once per path this CPU supports, with that path active.
func forEachPath(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	saved := Path()
	defer func() {
		if err := SetPath(saved); err != nil {
			t.Fatal(err)
		}
	}()
	for _, p := range Paths() {
		if err := SetPath(p); err != nil {
			t.Fatal(err)
		}
		t.Run(p, f)
	}
}

// special holds the inputs every kernel must survive.
var special = []float32{
	0, float32(math.Copysign(0, -1)), 1, -1, 0.5, -0.5,
	float32(math.NaN()), float32(-math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
	math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, 1e-40, -1e-40, // denormals
	math.MaxFloat32, -math.MaxFloat32, 1e4, -1e4, 1e30, -1e30, 3.1415927, -3.1415927, 1.5707964, -1.5707964,
}

// inputs returns n test values starting at a sub-slice offset off (to misalign
// them): random normals, a sweep, and the special values.
func inputs(rng *rand.Rand, n, off int, scale float64) []float32 {
	buf := make([]float32, n+off)
	x := buf[off:]
	for i := range x {
		switch rng.IntN(8) {
		case 0:
			x[i] = special[rng.IntN(len(special))]
		case 1:
			x[i] = float32((rng.Float64()*2 - 1) * 1e4)
		default:
			x[i] = float32(rng.NormFloat64() * scale)
		}
	}
	return x
}

func finiteInputs(rng *rand.Rand, n, off int, scale float64) []float32 {
	buf := make([]float32, n+off)
	x := buf[off:]
	for i := range x {
		if rng.IntN(6) == 0 {
			x[i] = float32((rng.Float64()*2 - 1) * 1e4)
		} else {
			x[i] = float32(rng.NormFloat64() * scale)
		}
	}
	return x
}

func isNaN32(v float32) bool { return v != v }

// accurate reports whether the sine promises its error bound at t (NaN and
// Inf count: their result, NaN, is exact).
func accurate(t float64) bool { return !(math.Abs(t) > 1e6) || math.IsInf(t, 0) }

// overflows reports whether the float32 product b*x overflows, where the
// SIMD paths (which form b*x in float32) give NaN.
func overflows(b, x float32) bool {
	p := float64(b) * float64(x)
	return !math.IsInf(float64(x), 0) && math.IsInf(float64(float32(p)), 0)
}

// close32 reports whether got equals want within tol; NaN matches only NaN,
// an infinity only the same infinity.
func close32(got float32, want, tol float64) bool {
	if math.IsNaN(want) {
		return isNaN32(got)
	}
	if math.IsInf(want, 0) {
		return float64(got) == want
	}
	if w32 := float64(float32(want)); math.IsInf(w32, 0) && float64(got) == w32 {
		return true // the exact result overflows float32
	}
	return math.Abs(float64(got)-want) <= tol
}

func relu64(x float64) float64 {
	if math.IsNaN(x) {
		return x
	}
	return math.Max(x, 0)
}

func step64(x float64) float64 {
	if math.IsNaN(x) {
		return x
	}
	if x > 0 {
		return 1
	}
	return 0
}

const (
	sinTol = 2e-7   // the stated bound on the sine's absolute error
	ulpRel = 1.2e-7 // one float32 ulp, relative
)

// checkAll compares every kernel on x (and dy) against float64 references.
func checkAll(t *testing.T, x, dy []float32, a, b, slope float32) {
	t.Helper()
	n := len(x)
	y := make([]float32, n)
	dx := make([]float32, n)
	fa, fb, fs := float64(a), float64(b), float64(slope)

	ReLU(y, x)
	ReLUBackward(dx, dy, x)
	for i := range x {
		xi, g := float64(x[i]), float64(dy[i])
		if !close32(y[i], relu64(xi), 0) {
			t.Fatalf("ReLU(%g) = %g, want %g", x[i], y[i], relu64(xi))
		}
		want := g * step64(xi)
		if !close32(dx[i], want, 0) {
			t.Fatalf("ReLUBackward(dy=%g, x=%g) = %g, want %g", dy[i], x[i], dx[i], want)
		}
	}

	LeakyReLU(y, x, slope)
	gs := LeakyReLUBackward(dx, dy, x, slope)
	var wantGS, absGS float64
	for i := range x {
		xi, g := float64(x[i]), float64(dy[i])
		want := xi
		d := g
		if !(xi > 0) {
			want = float64(float32(xi * fs))
			d = float64(float32(g * fs))
			wantGS += g * xi
			absGS += math.Abs(g * xi)
		}
		if math.IsNaN(xi) {
			d = math.NaN()
		}
		if !close32(y[i], want, 0) {
			t.Fatalf("LeakyReLU(%g, slope %g) = %g, want %g", x[i], slope, y[i], want)
		}
		if !close32(dx[i], d, 0) {
			t.Fatalf("LeakyReLUBackward(dy=%g, x=%g, slope %g) = %g, want %g", dy[i], x[i], slope, dx[i], d)
		}
	}
	if absGS < math.MaxFloat32/8 && !close32(gs, wantGS, 1e-5*absGS+1e-30) { // else float32 terms may overflow
		t.Fatalf("LeakyReLUBackward gslope = %g, want %g (n=%d)", gs, wantGS, n)
	}

	PVLU(y, x, a, b)
	ga, gb := PVLUBackward(dx, dy, x, a, b)
	var wantGA, wantGB, tolGA, tolGB float64
	for i := range x {
		xi, g := float64(x[i]), float64(dy[i])
		if overflows(b, x[i]) {
			// Documented: NaN on the SIMD paths; the gradient sums are then
			// NaN or meaningless.
			tolGA, tolGB = math.Inf(1), math.Inf(1)
			continue
		}
		s, c := math.Sin(fb*xi), math.Cos(fb*xi)
		want := relu64(xi) + fa*s
		d := g * (step64(xi) + fa*fb*c)
		wantGA += g * s
		wantGB += g * fa * xi * c
		if !accurate(fb * xi) {
			// Beyond the sine's accurate range only boundedness is promised.
			if !close32(y[i], want, 2*math.Abs(fa)+ulpRel*math.Abs(want)) ||
				!close32(dx[i], d, 2*math.Abs(g*fa*fb)+ulpRel*math.Abs(d)) {
				t.Fatalf("PVLU/PVLUBackward(x=%g, dy=%g, a=%g, b=%g) = %g, %g: beyond the bound sin, cos in [-1, 1]",
					x[i], dy[i], a, b, y[i], dx[i])
			}
			tolGA += 2 * math.Abs(g)
			tolGB += 2 * math.Abs(g*fa*xi)
			continue
		}
		if !close32(y[i], want, sinTol*math.Abs(fa)+ulpRel*math.Abs(want)) {
			t.Fatalf("PVLU(%g, a=%g, b=%g) = %g, want %g (error %g)", x[i], a, b, y[i], want, float64(y[i])-want)
		}
		if !close32(dx[i], d, math.Abs(g*fa*fb)*3e-7+ulpRel*math.Abs(d)) {
			t.Fatalf("PVLUBackward(dy=%g, x=%g, a=%g, b=%g) dx = %g, want %g", dy[i], x[i], a, b, dx[i], d)
		}
		tolGA += 1e-5 * math.Abs(g)
		tolGB += 1e-5 * math.Abs(g*fa*xi)
	}
	if tolGB > math.MaxFloat32/8 {
		tolGA, tolGB = math.Inf(1), math.Inf(1) // the float32 terms may overflow
	}
	if !math.IsInf(tolGA, 1) && (!close32(ga, wantGA, tolGA+1e-30) || !close32(gb, wantGB, tolGB+1e-30)) {
		t.Fatalf("PVLUBackward(a=%g, b=%g) ga, gb = %g, %g, want %g, %g (n=%d)", a, b, ga, gb, wantGA, wantGB, n)
	}

	Sin(y, x)
	for i := range x {
		want := math.Sin(float64(x[i]))
		if !accurate(float64(x[i])) {
			if !(math.Abs(float64(y[i])) <= 1) {
				t.Fatalf("Sin(%g) = %g, want a value in [-1, 1]", x[i], y[i])
			}
			continue
		}
		if !close32(y[i], want, sinTol) {
			t.Fatalf("Sin(%g) = %g, want %g (error %g)", x[i], y[i], want, float64(y[i])-want)
		}
	}

	// PVLURow with varying parameters.
	pa, pb := make([]float32, n), make([]float32, n)
	for i := range pa {
		pa[i] = a * float32(1+i%3)
		pb[i] = b * float32(1+i%2) / 2
	}
	ga0, gb0 := make([]float32, n), make([]float32, n)
	for i := range ga0 {
		ga0[i], gb0[i] = 0.25, -0.5
	}
	rga, rgb := append([]float32(nil), ga0...), append([]float32(nil), gb0...)
	PVLURow(y, x, pa, pb)
	PVLURowBackward(dx, dy, x, pa, pb, rga, rgb)
	for i := range x {
		xi, g, ai, bi := float64(x[i]), float64(dy[i]), float64(pa[i]), float64(pb[i])
		if overflows(pb[i], x[i]) {
			continue
		}
		s, c := math.Sin(bi*xi), math.Cos(bi*xi)
		want := relu64(xi) + ai*s
		d := g * (step64(xi) + ai*bi*c)
		wa := float64(ga0[i]) + g*s
		wb := float64(gb0[i]) + g*ai*xi*c
		if !accurate(bi * xi) {
			if !close32(y[i], want, 2*math.Abs(ai)+ulpRel*math.Abs(want)) ||
				!close32(dx[i], d, 2*math.Abs(g*ai*bi)+ulpRel*math.Abs(d)) ||
				!close32(rga[i], wa, 2*math.Abs(g)+ulpRel*math.Abs(wa)) {
				t.Fatalf("PVLURow/PVLURowBackward(x=%g, dy=%g, a=%g, b=%g) = %g, %g, ga %g: beyond the bound sin, cos in [-1, 1]",
					x[i], dy[i], ai, bi, y[i], dx[i], rga[i])
			}
			continue
		}
		if !close32(y[i], want, sinTol*math.Abs(ai)+ulpRel*math.Abs(want)) {
			t.Fatalf("PVLURow(%g, a=%g, b=%g) = %g, want %g", x[i], ai, bi, y[i], want)
		}
		if !close32(dx[i], d, math.Abs(g*ai*bi)*3e-7+ulpRel*math.Abs(d)) {
			t.Fatalf("PVLURowBackward(dy=%g, x=%g, a=%g, b=%g) dx = %g, want %g", dy[i], x[i], ai, bi, dx[i], d)
		}
		if !close32(rga[i], wa, 3e-7*math.Abs(g)+ulpRel*math.Abs(wa)) ||
			!close32(rgb[i], wb, 3e-7*math.Abs(g*ai*xi)+ulpRel*math.Abs(wb)) {
			t.Fatalf("PVLURowBackward(dy=%g, x=%g, a=%g, b=%g) ga, gb = %g, %g, want %g, %g",
				dy[i], x[i], ai, bi, rga[i], rgb[i], wa, wb)
		}
	}
}

// TestKernelsEveryLength covers every length 0..70 at offsets 0..3 (so the
// vector loops, their masked or scalar tails and unaligned starts all run),
// on random data mixed with NaN, Inf, denormals and large values.
func TestKernelsEveryLength(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		for n := 0; n <= 70; n++ {
			for off := 0; off < 4; off++ {
				x := inputs(rng, n, off, 3)
				dy := finiteInputs(rng, n, (off+1)%4, 1)
				checkAll(t, x, dy, 0.1, 1, 0.01)
			}
		}
	})
}

// TestKernelsParameters sweeps parameter values, including negative and zero
// ones and b whose product with x is not exact in float32.
func TestKernelsParameters(t *testing.T) {
	params := []struct{ a, b, slope float32 }{
		{0.1, 1, 0.01}, {0.5, 2, 0.25}, {-0.3, 1.3, -0.2}, {0, 0.7, 0}, {1, 0, 1}, {2.5, -3.7, 0.5}, {0.1, 1e-3, 1e-3},
	}
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for _, p := range params {
			for _, n := range []int{1, 17, 100, 1000, 5000, 9000} {
				checkAll(t, inputs(rng, n, 1, 4), finiteInputs(rng, n, 3, 1), p.a, p.b, p.slope)
			}
		}
	})
}

// TestKernelsSweep runs a dense sweep of [-20, 20] plus the special values.
func TestKernelsSweep(t *testing.T) {
	x := make([]float32, 0, 40001+len(special))
	for i := -20000; i <= 20000; i++ {
		x = append(x, float32(i)/1000)
	}
	x = append(x, special...)
	dy := make([]float32, len(x))
	for i := range dy {
		dy[i] = float32(math.Cos(float64(i)))
	}
	forEachPath(t, func(t *testing.T) { checkAll(t, x, dy, 0.1, 1, 0.01) })
}

// TestSinError measures the sine's maximum absolute error against math.Sin
// over a dense sweep of [-1e4, 1e4] (4M points, plus every float32 within
// 2^12 ulps of the multiples of pi/2 up to 100, where reduction is hardest)
// and asserts the documented bound.
func TestSinError(t *testing.T) {
	const n = 1 << 22
	x := make([]float32, 0, n+200000)
	for i := 0; i < n; i++ {
		x = append(x, float32(-1e4+2e4*float64(i)/(n-1)))
	}
	for k := -64; k <= 64; k++ {
		c := float32(float64(k) * math.Pi / 2)
		u := math.Float32bits(c)
		for d := -700; d <= 700; d++ {
			x = append(x, math.Float32frombits(uint32(int64(u)+int64(d))))
		}
	}
	y := make([]float32, len(x))
	forEachPath(t, func(t *testing.T) {
		Sin(y, x)
		worst, at := 0.0, float32(0)
		for i, v := range x {
			e := math.Abs(float64(y[i]) - math.Sin(float64(v)))
			if !(e <= worst) {
				worst, at = e, v
			}
		}
		t.Logf("%s: max |Sin - math.Sin| over [-1e4, 1e4] = %.3g at x = %g", Path(), worst, at)
		if !(worst <= sinTol) {
			t.Errorf("%s: sine error %.3g at x = %g exceeds the stated %.1g", Path(), worst, at, sinTol)
		}
	})
}

// TestSinLarge checks that the sine's error is still small up to |x| = 1e6
// and that beyond it the result stays in [-1, 1].
func TestSinLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float32, 20000)
	for i := range x {
		x[i] = float32(math.Pow(10, 4+2*rng.Float64())) * float32(1-2*rng.IntN(2))
	}
	huge := []float32{3e6, -1e7, 1e8, -1e8, 3e9, 1e15, 1e20, -1e25, 1e38, math.MaxFloat32, -math.MaxFloat32, 1 << 31, 1 << 40}
	y := make([]float32, len(x))
	yh := make([]float32, len(huge))
	forEachPath(t, func(t *testing.T) {
		Sin(y, x)
		worst := 0.0
		for i, v := range x {
			worst = math.Max(worst, math.Abs(float64(y[i])-math.Sin(float64(v))))
		}
		t.Logf("%s: max sine error on 1e4 < |x| < 1e6: %.3g", Path(), worst)
		if !(worst <= sinTol) {
			t.Errorf("%s: sine error %.3g on 1e4 < |x| < 1e6, want <= %.1g", Path(), worst, sinTol)
		}
		Sin(yh, huge)
		for i, v := range yh {
			if !(math.Abs(float64(v)) <= 1) {
				t.Errorf("%s: Sin(%g) = %g, want a value in [-1, 1]", Path(), huge[i], v)
			}
		}
	})
}

// TestAliasing runs every kernel in place (y == x, dx == dy) and compares
// with the out-of-place results.
func TestAliasing(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		for _, n := range []int{0, 1, 15, 16, 17, 33, 1000} {
			x := inputs(rng, n, 1, 3)
			dy := finiteInputs(rng, n, 2, 1)
			pa, pb := finiteInputs(rng, n, 0, 1), finiteInputs(rng, n, 0, 1)
			fwd := map[string]func(y, x []float32){
				"ReLU":      ReLU,
				"LeakyReLU": func(y, x []float32) { LeakyReLU(y, x, 0.1) },
				"PVLU":      func(y, x []float32) { PVLU(y, x, 0.2, 1.5) },
				"PVLURow":   func(y, x []float32) { PVLURow(y, x, pa, pb) },
				"Sin":       Sin,
			}
			for name, f := range fwd {
				want := make([]float32, n)
				f(want, x)
				got := append([]float32(nil), x...)
				f(got, got)
				if !sameBits(got, want) {
					t.Fatalf("%s in place differs from out of place (n=%d)", name, n)
				}
			}
			bwd := map[string]func(dx, dy, x []float32){
				"ReLUBackward":      ReLUBackward,
				"LeakyReLUBackward": func(dx, dy, x []float32) { LeakyReLUBackward(dx, dy, x, 0.1) },
				"PVLUBackward":      func(dx, dy, x []float32) { PVLUBackward(dx, dy, x, 0.2, 1.5) },
				"PVLURowBackward": func(dx, dy, x []float32) {
					PVLURowBackward(dx, dy, x, pa, pb, make([]float32, n), make([]float32, n))
				},
			}
			for name, f := range bwd {
				want := make([]float32, n)
				f(want, dy, x)
				got := append([]float32(nil), dy...)
				f(got, got, x)
				if !sameBits(got, want) {
					t.Fatalf("%s with dx == dy differs (n=%d)", name, n)
				}
			}
		}
	})
}

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) && !(isNaN32(a[i]) && isNaN32(b[i])) {
			return false
		}
	}
	return true
}

// TestPathsAgree checks that every SIMD path agrees with pure Go to within
// the sine's error, element by element, on random data.
func TestPathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	n := 10007
	x := inputs(rng, n, 3, 5)
	for i, v := range x {
		if math.Abs(float64(v)) > 1e5 && !math.IsInf(float64(v), 0) {
			x[i] = float32(math.Mod(float64(v), 1e4)) // stay where the sine is accurate
		}
	}
	dy := finiteInputs(rng, n, 1, 1)
	ref := runAll(t, PathPureGo, x, dy)
	for _, p := range Paths() {
		got := runAll(t, p, x, dy)
		compareRuns(t, p, ref, got, x, dy)
	}
}

// run holds every kernel's outputs on one input.
type run struct {
	name   string
	out    map[string][]float32
	sums   map[string]float64
	weight map[string]float64 // scale of each output, for tolerances
}

func runAll(t testing.TB, path string, x, dy []float32) run {
	saved := Path()
	defer SetPath(saved)
	if err := SetPath(path); err != nil {
		t.Fatal(err)
	}
	n := len(x)
	r := run{name: path, out: map[string][]float32{}, sums: map[string]float64{}}
	o := func(name string) []float32 { s := make([]float32, n); r.out[name] = s; return s }
	ReLU(o("relu"), x)
	ReLUBackward(o("relu'"), dy, x)
	LeakyReLU(o("leaky"), x, 0.03)
	r.sums["gslope"] = float64(LeakyReLUBackward(o("leaky'"), dy, x, 0.03))
	PVLU(o("pvlu"), x, 0.3, 1.7)
	ga, gb := PVLUBackward(o("pvlu'"), dy, x, 0.3, 1.7)
	r.sums["ga"], r.sums["gb"] = float64(ga), float64(gb)
	Sin(o("sin"), x)
	pa, pb := make([]float32, n), make([]float32, n)
	for i := range pa {
		pa[i], pb[i] = 0.1+0.01*float32(i%7), 1+0.1*float32(i%5)
	}
	PVLURow(o("pvlurow"), x, pa, pb)
	PVLURowBackward(o("pvlurow'"), dy, x, pa, pb, o("ga"), o("gb"))
	return r
}

func compareRuns(t *testing.T, path string, ref, got run, x, dy []float32) {
	t.Helper()
	// Elementwise tolerance: twice the sine's error times the largest
	// coefficient in front of it (a*b*|dy| <= 0.3*1.7*|dy|, a*|x|*|dy|),
	// plus two ulps.
	for name, want := range ref.out {
		g := got.out[name]
		for i := range want {
			w := float64(want[i])
			tol := 4e-7*(1+math.Abs(float64(dy[i]))*(1+math.Abs(float64(x[i])))) + 2*ulpRel*math.Abs(w)
			if isNaN32(want[i]) != isNaN32(g[i]) || (!isNaN32(want[i]) && !math.IsInf(w, 0) && math.Abs(float64(g[i])-w) > tol) ||
				(math.IsInf(w, 0) && float64(g[i]) != w) {
				t.Fatalf("%s vs purego: %s[%d] = %g, want %g", path, name, i, g[i], want[i])
			}
		}
	}
	for name, want := range ref.sums {
		g := got.sums[name]
		if math.IsNaN(want) != math.IsNaN(g) || (!math.IsNaN(want) && math.Abs(g-want) > 1e-5*(1+math.Abs(want))) {
			t.Fatalf("%s vs purego: %s = %g, want %g", path, name, g, want)
		}
	}
}

// TestNaNPropagates: one NaN input poisons the parameter gradients.
func TestNaNPropagates(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		for _, n := range []int{1, 16, 37, 5000} {
			x := make([]float32, n)
			dy := make([]float32, n)
			dx := make([]float32, n)
			for i := range x {
				x[i], dy[i] = float32(i%5)-2, 1
			}
			x[n/2] = float32(math.NaN())
			if g := LeakyReLUBackward(dx, dy, x, 0.1); !isNaN32(g) || !isNaN32(dx[n/2]) {
				t.Errorf("n=%d: LeakyReLUBackward with a NaN x: gslope %g, dx %g; want NaN, NaN", n, g, dx[n/2])
			}
			if ga, gb := PVLUBackward(dx, dy, x, 0.1, 1); !isNaN32(ga) || !isNaN32(gb) || !isNaN32(dx[n/2]) {
				t.Errorf("n=%d: PVLUBackward with a NaN x: ga %g, gb %g, dx %g; want NaN", n, ga, gb, dx[n/2])
			}
		}
	})
}

func TestZeroAllocations(t *testing.T) {
	n := 1000
	x, dy, dx, y := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	pa, pb, ga, gb := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range x {
		x[i], dy[i], pa[i], pb[i] = float32(i)-500, 1, 0.1, 1
	}
	forEachPath(t, func(t *testing.T) {
		allocs := testing.AllocsPerRun(20, func() {
			ReLU(y, x)
			ReLUBackward(dx, dy, x)
			LeakyReLU(y, x, 0.1)
			LeakyReLUBackward(dx, dy, x, 0.1)
			PVLU(y, x, 0.1, 1)
			PVLUBackward(dx, dy, x, 0.1, 1)
			PVLURow(y, x, pa, pb)
			PVLURowBackward(dx, dy, x, pa, pb, ga, gb)
			Sin(y, x)
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per call of every kernel, want 0", Path(), allocs)
		}
	})
}

func TestLengthMismatchPanics(t *testing.T) {
	a, b := make([]float32, 3), make([]float32, 4)
	cases := map[string]func(){
		"ReLU":              func() { ReLU(a, b) },
		"ReLUBackward":      func() { ReLUBackward(a, a, b) },
		"LeakyReLU":         func() { LeakyReLU(a, b, 0.1) },
		"LeakyReLUBackward": func() { LeakyReLUBackward(a, b, a, 0.1) },
		"PVLU":              func() { PVLU(a, b, 0.1, 1) },
		"PVLUBackward":      func() { PVLUBackward(b, a, a, 0.1, 1) },
		"PVLURow":           func() { PVLURow(a, a, a, b) },
		"PVLURowBackward":   func() { PVLURowBackward(a, a, a, a, a, a, b) },
		"Sin":               func() { Sin(a, b) },
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

func TestChoosePath(t *testing.T) {
	best := Paths()[0]
	for _, c := range []struct {
		env, want string
		warn      bool
	}{
		{"", best, false}, {"auto", best, false}, {"off", PathPureGo, false}, {"OFF", PathPureGo, false},
		{"purego", PathPureGo, false}, {"sse9", best, true},
	} {
		k, warning := choose(c.env)
		if k.name != c.want || (warning != "") != c.warn {
			t.Errorf("choose(%q) = %s, warning %q; want %s, warning %v", c.env, k.name, warning, c.want, c.warn)
		}
	}
	for _, isa := range []string{PathAVX2, PathAVX512} {
		k, warning := choose(isa)
		supported := find(isa) != nil
		if supported && (k.name != isa || warning != "") {
			t.Errorf("choose(%q) = %s, %q; want %s without warning", isa, k.name, warning, isa)
		}
		if !supported && (k.name != best || !strings.Contains(warning, "does not support")) {
			t.Errorf("choose(%q) on a CPU without it = %s, %q; want %s with a warning", isa, k.name, warning, best)
		}
	}
	if err := SetPath("sse9"); err == nil || Path() == "sse9" {
		t.Errorf("SetPath(sse9) = %v, want an error", err)
	}
	if Paths()[len(Paths())-1] != PathPureGo {
		t.Errorf("Paths() = %v, want purego last", Paths())
	}
}

// FuzzPaths compares every path with pure Go on fuzzed data and parameters.
func FuzzPaths(f *testing.F) {
	f.Add([]byte{0, 0, 128, 63, 0, 0, 128, 191, 0, 0, 192, 127}, float32(0.1), float32(1), float32(0.01))
	f.Add(make([]byte, 4*37), float32(-0.5), float32(2.5), float32(0.2))
	f.Fuzz(func(t *testing.T, data []byte, a, b, slope float32) {
		if len(data) > 4*4096 {
			data = data[:4*4096]
		}
		for _, p := range []float32{a, b, slope} {
			if isNaN32(p) || math.Abs(float64(p)) > 100 {
				return // parameters are validated by the registry
			}
		}
		n := len(data) / 4
		x := make([]float32, n)
		dy := make([]float32, n)
		for i := range x {
			u := uint32(data[4*i]) | uint32(data[4*i+1])<<8 | uint32(data[4*i+2])<<16 | uint32(data[4*i+3])<<24
			x[i] = math.Float32frombits(u)
			if !(math.Abs(float64(x[i])) < 1e6) && !isNaN32(x[i]) && !math.IsInf(float64(x[i]), 0) {
				x[i] = float32(math.Mod(float64(x[i]), 1e6))
			}
			dy[i] = float32(i%7) - 3
		}
		checkAllPaths(t, x, dy, a, b, slope)
	})
}

func checkAllPaths(t *testing.T, x, dy []float32, a, b, slope float32) {
	saved := Path()
	defer SetPath(saved)
	for _, p := range Paths() {
		if err := SetPath(p); err != nil {
			t.Fatal(err)
		}
		checkAll(t, x, dy, a, b, slope)
	}
}

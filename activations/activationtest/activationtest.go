// Package activationtest is the conformance suite every activation passes,
// like testing/fstest.TestFS for file systems. A new activation's test is one
// line:
//
//	func TestMyAct(t *testing.T) { activationtest.Run(t, "myact(k=2)") }
//
// For the activation built from the spec (and its per=shared / per=channel
// and train=false variants when it declares those parameters) it checks:
//
//   - Forward against the float64 Reference on a sweep of inputs in [-8, 8]
//     that includes 0, the kinks and points next to them, on both a dense
//     (N x C) and a convolutional (N x C x HW) shape, with distinct
//     per-channel parameter values so that channel indexing is checked;
//   - the input gradient against central finite differences of Reference,
//     and at kinks against one of the two one-sided differences;
//   - every parameter gradient against finite differences of Reference in
//     the parameter, and that Backward accumulates into Param.Grad;
//   - extreme inputs: +-1e4, +-1e30, +-Inf, NaN, +-0 and denormals give the
//     right value (an infinity where it overflows float32; NaN accepted for
//     infinite inputs; NaN for NaN), and nothing panics;
//   - that y may alias x and dx may alias dy;
//   - shared and per-channel modes agree when the per-channel values are
//     equal, and train=false agrees with train=true and exposes no Params;
//   - when train also takes parameter subsets (elementwise.TrainSubsetParam,
//     e.g. train=a), every subset passes the checks above, exposes exactly
//     the parameters it names (frozen ones get no gradient exposure), and
//     agrees with train=true in value, input gradient and the gradients of
//     the parameters it trains;
//   - zero allocations per Forward and Backward call.
//
// Tolerances (DefaultTolerance) are relative to the conditioning of the
// function: an error of tol*(1 + |f(x)| + |x*f'(x)|) is allowed, which is what
// a float32 evaluation with a few ulps of error in its input and output incurs.
package activationtest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/actbench/actbench/registry"
)

// DefaultTolerance is the relative tolerance of every comparison: 16 float32
// ulps (2^-19 ~ 1.9e-6) times the conditioning of the value compared.
const DefaultTolerance = 0x1p-19

// Options tune the suite for an activation that needs it.
type Options struct {
	// Tolerance replaces DefaultTolerance when positive (state why in the
	// activation's documentation).
	Tolerance float64
	// Channels is the channel count of the instances tested (default 3).
	Channels int
}

// Run runs the whole suite on spec, one subtest per variant and check.
func Run(t *testing.T, spec string) { RunWith(t, spec, Options{}) }

// RunWith is Run with options.
func RunWith(t *testing.T, spec string, opt Options) {
	t.Helper()
	s, err := newSuite(spec, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range s.cases() {
		t.Run(c.name, func(t *testing.T) { c.run(t) })
	}
}

// Check runs the same checks as Run without subtests, reporting through tb
// with Errorf and Logf only (never Fatal), so that a fake testing.TB can
// record the result. It returns false if anything failed.
func Check(tb testing.TB, spec string, opt Options) bool {
	tb.Helper()
	s, err := newSuite(spec, opt)
	if err != nil {
		tb.Errorf("%v", err)
		return false
	}
	ok := true
	for _, c := range s.cases() {
		r := &recorder{TB: tb, prefix: c.name + ": "}
		c.run(r)
		ok = ok && !r.failed
	}
	return ok
}

// recorder prefixes messages and remembers failures.
type recorder struct {
	testing.TB
	prefix string
	failed bool
}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.TB.Errorf(r.prefix+format, args...)
}

func (r *recorder) Helper() {}

type suite struct {
	info     registry.Info
	base     registry.Spec
	tol      float64
	channels int
}

type testCase struct {
	name string
	run  func(tb testing.TB)
}

func newSuite(spec string, opt Options) (*suite, error) {
	canon, err := registry.Canonical(spec)
	if err != nil {
		return nil, fmt.Errorf("activationtest: %v", err)
	}
	base, err := registry.Parse(canon)
	if err != nil {
		return nil, fmt.Errorf("activationtest: canonical spec %q does not parse: %v", canon, err)
	}
	info, _ := registry.Lookup(base.Name)
	s := &suite{info: info, base: base, tol: DefaultTolerance, channels: 3}
	if opt.Tolerance > 0 {
		s.tol = opt.Tolerance
	}
	if opt.Channels > 0 {
		s.channels = opt.Channels
	}
	return s, nil
}

// with returns the base spec with key set to value (when the activation
// declares key).
func (s *suite) with(spec registry.Spec, key, value string) registry.Spec {
	if _, ok := s.info.Param(key); !ok {
		return spec
	}
	out := registry.Spec{Name: spec.Name}
	for _, a := range spec.Args {
		if a.Key == key {
			a.Value = value
		}
		out.Args = append(out.Args, a)
	}
	return out
}

func (s *suite) cases() []testCase {
	_, hasPer := s.info.Param("per")
	_, hasTrain := s.info.Param("train")
	trained := s.with(s.base, "train", "true")
	variants := []registry.Spec{s.base}
	if hasPer {
		variants = []registry.Spec{s.with(trained, "per", "shared"), s.with(trained, "per", "channel")}
	}
	subsets := s.trainSubsets()
	if hasTrain {
		variants = append(variants, s.with(s.base, "train", "false"))
		for _, sub := range subsets {
			variants = append(variants, s.with(s.base, "train", sub))
			if hasPer {
				variants = append(variants, s.with(s.with(s.base, "per", "channel"), "train", sub))
			}
		}
	} else if !hasPer {
		variants = []registry.Spec{s.base}
	}
	var cases []testCase
	seen := map[string]bool{}
	for _, v := range variants {
		if seen[v.String()] {
			continue
		}
		seen[v.String()] = true
		v := v
		name := v.String()
		cases = append(cases,
			testCase{name + "/spec", func(tb testing.TB) { s.guard(tb, func() { s.checkSpec(tb, v) }) }},
			testCase{name + "/forward", func(tb testing.TB) { s.guard(tb, func() { s.checkForward(tb, v) }) }},
			testCase{name + "/gradient", func(tb testing.TB) { s.guard(tb, func() { s.checkGradients(tb, v) }) }},
			testCase{name + "/extremes", func(tb testing.TB) { s.guard(tb, func() { s.checkExtremes(tb, v) }) }},
			testCase{name + "/aliasing", func(tb testing.TB) { s.guard(tb, func() { s.checkAliasing(tb, v) }) }},
			testCase{name + "/allocs", func(tb testing.TB) { s.guard(tb, func() { s.checkAllocs(tb, v) }) }},
			testCase{name + "/pointwise", func(tb testing.TB) { s.guard(tb, func() { s.checkPointwise(tb, v) }) }},
		)
	}
	if hasPer {
		cases = append(cases, testCase{"shared-vs-channel", func(tb testing.TB) {
			s.guard(tb, func() {
				s.checkAgreement(tb, s.with(trained, "per", "shared"), s.with(trained, "per", "channel"), true)
			})
		}})
	}
	if hasTrain {
		cases = append(cases, testCase{"train-vs-fixed", func(tb testing.TB) {
			s.guard(tb, func() {
				s.checkAgreement(tb, trained, s.with(s.base, "train", "false"), false)
			})
		}})
	}
	for _, sub := range subsets {
		cases = append(cases, testCase{"train-vs-" + sub, func(tb testing.TB) {
			s.guard(tb, func() { s.checkAgreement(tb, trained, s.with(s.base, "train", sub), false) })
		}})
	}
	return cases
}

// trainSubsets lists the subset values of a train parameter that takes
// them (a choice beyond true and false), e.g. "a" and "b" for PVLU.
func (s *suite) trainSubsets() []string {
	p, ok := s.info.Param("train")
	if !ok || p.Kind != registry.Choice {
		return nil
	}
	var out []string
	for _, c := range p.Choices {
		if c != "true" && c != "false" {
			out = append(out, c)
		}
	}
	return out
}

// trainedNames returns the names of the parameters spec trains: every
// Trainable parameter for train=true (or no train parameter), none for
// false, the '+'-separated names of a subset.
func (s *suite) trainedNames(spec registry.Spec) []string {
	v, ok := spec.Get("train")
	switch {
	case v == "false":
		return nil
	case ok && v != "true":
		return strings.Split(v, "+")
	}
	var out []string
	for _, p := range s.info.Params {
		if p.Trainable {
			out = append(out, p.Name)
		}
	}
	return out
}

// guard turns a panic into a test error: activations must not panic on any
// input.
func (s *suite) guard(tb testing.TB, f func()) {
	defer func() {
		if r := recover(); r != nil {
			tb.Errorf("%s panicked: %v", s.base.Name, r)
		}
	}()
	f()
}

// instance builds spec for the suite's channel count and gives distinct
// values to per-channel parameters.
func (s *suite) instance(tb testing.TB, spec registry.Spec, distinct bool) registry.Func {
	f, err := registry.NewFromSpec(spec, s.channels)
	if err != nil {
		tb.Errorf("registry.New(%q, %d): %v", spec, s.channels, err)
		return nil
	}
	if distinct {
		for _, p := range f.Params() {
			for c := range p.Value {
				v0 := p.Value[0]
				if v0 == 0 {
					p.Value[c] = 0.1 * float32(c)
				} else {
					p.Value[c] = v0 * (1 + 0.1*float32(c))
				}
			}
		}
	}
	return f
}

// channelParams returns the Reference parameter vector of channel c.
func channelParams(f registry.Func, c int) []float64 {
	ps := f.Params()
	out := make([]float64, len(ps))
	for j, p := range ps {
		if len(p.Value) == 1 {
			out[j] = float64(p.Value[0])
		} else {
			out[j] = float64(p.Value[c])
		}
	}
	return out
}

func kinks(f registry.Func) []float64 {
	if k, ok := f.(registry.Kinked); ok {
		return k.Kinks()
	}
	return nil
}

// sweep is the forward/gradient input set: a grid over [-8, 8], the kinks and
// their neighbours, and random points, as float32 values.
func sweep(f registry.Func) []float32 {
	var xs []float32
	for i := -128; i <= 128; i++ {
		xs = append(xs, float32(i)/16)
	}
	xs = append(xs, 1e-3, -1e-3, 0.1, -0.1, 1e-6, -1e-6)
	for _, k := range kinks(f) {
		for _, d := range []float64{0, 1e-3, -1e-3, 0.01, -0.01} {
			xs = append(xs, float32(k+d))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 64; i++ {
		xs = append(xs, float32(rng.NormFloat64()*3))
	}
	return xs
}

// kinksNear returns the kinks within d of x.
func kinksNear(x float64, ks []float64, d float64) []float64 {
	var near []float64
	for _, k := range ks {
		if math.Abs(x-k) <= d {
			near = append(near, k)
		}
	}
	return near
}

// nearKink reports whether x is within d of a kink.
func nearKink(x float64, ks []float64, d float64) bool {
	for _, k := range ks {
		if math.Abs(x-k) <= d {
			return true
		}
	}
	return false
}

// deriv is the central finite difference of Reference in x.
func deriv(f registry.Func, x float64, p []float64) float64 {
	h := 1e-6 * math.Max(1, math.Abs(x))
	return (f.Reference(x+h, p) - f.Reference(x-h, p)) / (2 * h)
}

// curvature is the second finite difference of Reference in x (used only to
// size tolerances, so its accuracy matters little).
func curvature(f registry.Func, x float64, p []float64) float64 {
	h := 1e-3
	return (f.Reference(x+h, p) - 2*f.Reference(x, p) + f.Reference(x-h, p)) / (h * h)
}

// layout is one way of laying the sweep out in NCHW.
type layout struct {
	name  string
	shape registry.Shape
	// at returns the sweep index and channel of element i.
	at func(i int) (k, c int)
}

func (s *suite) layouts(m int) []layout {
	C := s.channels
	return []layout{
		{"dense", registry.Shape{N: m, C: C, HW: 1}, func(i int) (int, int) { return i / C, i % C }},
		{"conv", registry.Shape{N: 2, C: C, HW: m}, func(i int) (int, int) {
			k := i % m
			if (i/m)/C == 1 {
				k = m - 1 - k // second example: reversed
			}
			return k, (i / m) % C
		}},
	}
}

// reporter limits the number of errors one check prints.
type reporter struct {
	tb    testing.TB
	what  string
	count int
}

func (r *reporter) errorf(format string, args ...any) {
	r.count++
	if r.count <= 5 {
		r.tb.Errorf(r.what+": "+format, args...)
	}
}

func (r *reporter) done() {
	if r.count > 5 {
		r.tb.Errorf("%s: %d mismatches in all", r.what, r.count)
	}
}

func (s *suite) checkSpec(tb testing.TB, spec registry.Spec) {
	f := s.instance(tb, spec, false)
	if f == nil {
		return
	}
	want, _ := registry.Canonical(spec.String())
	if got := f.Spec().String(); got != want {
		tb.Errorf("Spec() = %q, want the canonical %q", got, want)
	}
	if _, err := registry.New(f.Spec().String(), s.channels); err != nil {
		tb.Errorf("Spec() %q does not rebuild: %v", f.Spec(), err)
	}
	if _, err := registry.New(spec.String(), 0); err == nil {
		tb.Errorf("New(%q, 0 channels) succeeded, want an error", spec)
	}
	want2 := s.trainedNames(spec)
	var got2 []string
	per := 1
	if v, _ := spec.Get("per"); v == "channel" {
		per = s.channels
	}
	for _, p := range f.Params() {
		got2 = append(got2, p.Name)
		if len(p.Value) != per || len(p.Grad) != per {
			tb.Errorf("parameter %s has %d values and %d gradients, want %d", p.Name, len(p.Value), len(p.Grad), per)
		}
	}
	if strings.Join(got2, ",") != strings.Join(want2, ",") {
		tb.Errorf("Params() = [%s], want the trainable parameters [%s]", strings.Join(got2, ","), strings.Join(want2, ","))
	}
}

// within reports whether got matches want to tolerance tol*scale.
func within(got, want, tol, scale float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	if math.IsInf(want, 0) || math.IsInf(float64(float32(want)), 0) {
		// The float32 result of a value beyond float32's range (x^2 at
		// x = 1e30) is rightly an infinity of the same sign.
		return got == want || math.Abs(got) > math.MaxFloat32 && math.Signbit(got) == math.Signbit(want)
	}
	return math.Abs(got-want) <= tol*scale
}

func (s *suite) checkForward(tb testing.TB, spec registry.Spec) {
	f := s.instance(tb, spec, true)
	if f == nil {
		return
	}
	xs := sweep(f)
	for _, l := range s.layouts(len(xs)) {
		x := make([]float32, l.shape.Len())
		for i := range x {
			k, _ := l.at(i)
			x[i] = xs[k]
		}
		y := make([]float32, len(x))
		f.Forward(y, x, l.shape)
		r := &reporter{tb: tb, what: "Forward (" + l.name + ")"}
		for i := range x {
			_, c := l.at(i)
			p := channelParams(f, c)
			xv := float64(x[i])
			want := f.Reference(xv, p)
			scale := 1 + math.Abs(want) + math.Abs(xv*deriv(f, xv, p))
			if !within(float64(y[i]), want, s.tol, scale) {
				r.errorf("channel %d, x=%g: got %g, want %g (reference), tolerance %.2g", c, xv, y[i], want, s.tol*scale)
			}
		}
		r.done()
	}
}

func (s *suite) checkGradients(tb testing.TB, spec registry.Spec) {
	f := s.instance(tb, spec, true)
	if f == nil {
		return
	}
	xs := sweep(f)
	ks := kinks(f)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, l := range s.layouts(len(xs)) {
		n := l.shape.Len()
		x, dy, dx := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range x {
			k, _ := l.at(i)
			x[i] = xs[k]
			dy[i] = float32(0.5 + rng.Float64())
			if rng.IntN(4) == 0 {
				dy[i] = -dy[i]
			}
		}
		// Input gradient.
		for _, p := range f.Params() {
			clear(p.Grad)
		}
		f.Backward(dx, dy, x, l.shape)
		r := &reporter{tb: tb, what: "input gradient (" + l.name + ")"}
		for i := range x {
			_, c := l.at(i)
			p := channelParams(f, c)
			xv, d := float64(x[i]), float64(dy[i])
			if near := kinksNear(xv, ks, 2e-6*math.Max(1, math.Abs(xv))); len(near) > 0 {
				// One-sided differences from a kink itself: x, a float32,
				// may lie within h of it, and differences from x would
				// then straddle it. ks holds every channel's kinks, so any
				// kink near x may be this channel's.
				h := 1e-7
				got := float64(dx[i]) / d
				ok := false
				var left, right float64
				for _, k := range near {
					left = (f.Reference(k, p) - f.Reference(k-h, p)) / h
					right = (f.Reference(k+h, p) - f.Reference(k, p)) / h
					ok = ok || within(got, left, 1e-4, 1+math.Abs(left)) || within(got, right, 1e-4, 1+math.Abs(right))
				}
				if !ok {
					r.errorf("channel %d, kink x=%g: got f'=%g, want the left (%g) or right (%g) derivative", c, xv, got, left, right)
				}
				continue
			}
			if nearKink(xv, ks, 1e-4) {
				continue // central differences straddle the kink
			}
			g := deriv(f, xv, p)
			scale := math.Abs(d) * (1 + math.Abs(g) + math.Abs(xv*curvature(f, xv, p)))
			if !within(float64(dx[i]), d*g, s.tol, scale) {
				r.errorf("channel %d, x=%g, dy=%g: got dx=%g, want %g (finite differences), tolerance %.2g", c, xv, d, dx[i], d*g, s.tol*scale)
			}
		}
		r.done()
		s.checkParamGradients(tb, f, l, x, dy, dx)
	}
}

// checkParamGradients compares Param.Grad after Backward with the finite
// differences of Reference in each parameter, and checks accumulation.
func (s *suite) checkParamGradients(tb testing.TB, f registry.Func, l layout, x, dy, dx []float32) {
	ps := f.Params()
	if len(ps) == 0 {
		return
	}
	ks := kinks(f)
	dyMasked := make([]float32, len(dy))
	for i := range dy {
		if !nearKink(float64(x[i]), ks, 1e-4) {
			dyMasked[i] = dy[i]
		}
	}
	for _, p := range ps {
		clear(p.Grad)
	}
	f.Backward(dx, dyMasked, x, l.shape)
	first := make([][]float64, len(ps))
	for j, p := range ps {
		first[j] = make([]float64, len(p.Grad))
		for c, g := range p.Grad {
			first[j][c] = float64(g)
		}
	}
	f.Backward(dx, dyMasked, x, l.shape) // accumulates a second time
	for j, p := range ps {
		want := make([]float64, len(p.Grad))
		scale := make([]float64, len(p.Grad))
		for i := range x {
			_, c := l.at(i)
			slot := 0
			if len(p.Grad) > 1 {
				slot = c
			}
			pv := channelParams(f, c)
			h := 1e-6 * math.Max(1, math.Abs(pv[j]))
			pv[j] += h
			up := f.Reference(float64(x[i]), pv)
			pv[j] -= 2 * h
			down := f.Reference(float64(x[i]), pv)
			term := float64(dyMasked[i]) * (up - down) / (2 * h)
			want[slot] += term
			scale[slot] += math.Abs(term)
		}
		for c := range want {
			sc := 1 + scale[c]
			if !within(first[j][c], want[c], s.tol, sc) {
				tb.Errorf("gradient of %s[%d] (%s): got %g, want %g (finite differences), tolerance %.2g",
					p.Name, c, l.name, first[j][c], want[c], s.tol*sc)
			}
			if got2 := float64(p.Grad[c]); !within(got2, 2*first[j][c], s.tol, 2*sc) {
				tb.Errorf("gradient of %s[%d] (%s): after two Backward calls %g, want twice %g (Backward must accumulate)",
					p.Name, c, l.name, got2, first[j][c])
			}
		}
		clear(p.Grad)
	}
}

func (s *suite) checkExtremes(tb testing.TB, spec registry.Spec) {
	denorm := math.Float32frombits(1) // smallest float32 denormal
	xs := []float32{1e4, -1e4, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
		0, float32(math.Copysign(0, -1)), denorm, -denorm, 1e-40, -1e-40, 1e-30, -1e-30, 1e30, -1e30}
	shape := registry.Shape{N: len(xs), C: 1, HW: 1}
	f, err := registry.NewFromSpec(spec, 1)
	if err != nil {
		tb.Errorf("registry.New(%q, 1): %v", spec, err)
		return
	}
	y := make([]float32, len(xs))
	dy := make([]float32, len(xs))
	dx := make([]float32, len(xs))
	for i := range dy {
		dy[i] = 1
	}
	f.Forward(y, xs, shape)
	f.Backward(dx, dy, xs, shape)
	p := channelParams(f, 0)
	ks := kinks(f)
	r := &reporter{tb: tb, what: "extreme inputs"}
	for i, xf := range xs {
		x := float64(xf)
		got, gotD := float64(y[i]), float64(dx[i])
		switch {
		case math.IsNaN(x):
			if !math.IsNaN(got) {
				r.errorf("f(NaN) = %g, want NaN", got)
			}
		case math.IsInf(x, 0):
			// The right value is the limit; NaN is accepted where the
			// limit does not exist (sin) or the kernel cannot tell.
			want := f.Reference(x, p)
			if math.IsNaN(want) {
				want = f.Reference(math.Copysign(math.MaxFloat64/16, x), p)
			}
			if !math.IsNaN(got) && !within(got, want, s.tol, 1+math.Abs(want)) && !(math.IsInf(want, 0) && got == want) {
				r.errorf("f(%g) = %g, want %g (the limit) or NaN", x, got, want)
			}
			lim := math.Copysign(1e6, x)
			wantD := deriv(f, lim, p)
			if far := deriv(f, math.Copysign(1e12, x), p); math.Abs(far) > 1e3*math.Max(1, math.Abs(wantD)) {
				wantD = math.Copysign(math.Inf(1), far) // f' grows without bound (x^2): the limit is infinite
			}
			if !math.IsNaN(gotD) && !within(gotD, wantD, 1e-4, 1+math.Abs(wantD)) {
				r.errorf("f'(%g) = %g, want %g (the limit, f' at %g) or NaN", x, gotD, wantD, lim)
			}
		default:
			want := f.Reference(x, p)
			d := deriv(f, x, p)
			// Where f varies by more than the tolerance within one float32
			// ulp of x (sin(b*x) at |x| = 1e30), any value in that range is
			// as right as another: widen the tolerance by the variation.
			scale := 1 + math.Abs(want) + math.Abs(x*d) + 2*ulpVariation(f, x, p)/s.tol
			if !within(got, want, s.tol, scale) {
				r.errorf("f(%g) = %g, want %g (reference), tolerance %.2g", x, got, want, s.tol*scale)
			}
			if math.Abs(x) > 1e20 {
				continue // beyond where finite differences of Reference mean anything
			}
			if nearKink(x, ks, 1e-4) {
				h := 1e-7
				left := (f.Reference(x, p) - f.Reference(x-h, p)) / h
				right := (f.Reference(x+h, p) - f.Reference(x, p)) / h
				if !within(gotD, left, 1e-4, 1+math.Abs(left)) && !within(gotD, right, 1e-4, 1+math.Abs(right)) {
					r.errorf("f'(%g) = %g, want the left (%g) or right (%g) derivative", x, gotD, left, right)
				}
				continue
			}
			dscale := 1 + math.Abs(d) + math.Abs(x*curvature(f, x, p))
			if !within(gotD, d, s.tol, dscale) {
				r.errorf("f'(%g) = %g, want %g (finite differences), tolerance %.2g", x, gotD, d, s.tol*dscale)
			}
		}
	}
	r.done()
}

// ulpVariation is how much Reference changes within one float32 ulp of x
// (sampled at eighths of an ulp).
func ulpVariation(f registry.Func, x float64, p []float64) float64 {
	ax := math.Abs(float64(float32(x)))
	ulp := float64(math.Nextafter32(float32(ax), float32(math.Inf(1)))) - ax
	if math.IsInf(ulp, 0) || math.IsNaN(ulp) {
		return 0
	}
	r0, v := f.Reference(x, p), 0.0
	for k := -8; k <= 8; k++ {
		if d := math.Abs(f.Reference(x+float64(k)*ulp/8, p) - r0); d > v && !math.IsNaN(d) {
			v = d
		}
	}
	return v
}

func equalBits(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) && !(a[i] != a[i] && b[i] != b[i]) {
			return i
		}
	}
	return -1
}

func (s *suite) randomInput(shape registry.Shape, seed uint64) (x, dy []float32) {
	rng := rand.New(rand.NewPCG(seed, 99))
	x, dy = make([]float32, shape.Len()), make([]float32, shape.Len())
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 3)
		dy[i] = float32(rng.NormFloat64())
	}
	return x, dy
}

func (s *suite) checkAliasing(tb testing.TB, spec registry.Spec) {
	f := s.instance(tb, spec, true)
	if f == nil {
		return
	}
	for _, shape := range []registry.Shape{{N: 5, C: s.channels, HW: 7}, {N: 9, C: s.channels, HW: 1}} {
		x, dy := s.randomInput(shape, 5)
		y := make([]float32, len(x))
		f.Forward(y, x, shape)
		inPlace := append([]float32(nil), x...)
		f.Forward(inPlace, inPlace, shape)
		if i := equalBits(y, inPlace); i >= 0 {
			tb.Errorf("Forward in place (y = x) differs at %d: %g vs %g", i, inPlace[i], y[i])
		}
		dx := make([]float32, len(x))
		f.Backward(dx, dy, x, shape)
		dxInPlace := append([]float32(nil), dy...)
		f.Backward(dxInPlace, dxInPlace, x, shape)
		if i := equalBits(dx, dxInPlace); i >= 0 {
			tb.Errorf("Backward in place (dx = dy) differs at %d: %g vs %g", i, dxInPlace[i], dx[i])
		}
	}
	for _, p := range f.Params() {
		clear(p.Grad)
	}
}

// checkPointwise checks a Func that claims registry.Pointwise: Forward of a
// whole tensor against Forward of its planes one at a time and of odd-sized
// pieces (shape {1, 1, piece}), bit for bit, on inputs with a few huge
// values among normal ones (where a blockwise kernel changes its method for
// a whole block). A Func that does not claim it is not checked.
func (s *suite) checkPointwise(tb testing.TB, spec registry.Spec) {
	f := s.instance(tb, spec, false)
	if f == nil {
		return
	}
	if _, ok := f.(registry.Pointwise); !ok {
		return
	}
	shape := registry.Shape{N: 2, C: s.channels, HW: 5000}
	x, _ := s.randomInput(shape, 11)
	for i := 4000; i < len(x); i += 7919 {
		x[i] = float32(math.Copysign(1e6, float64(x[i])))
	}
	whole := make([]float32, len(x))
	f.Forward(whole, x, shape)
	for _, piece := range []int{shape.HW, 37, 4096} {
		got := make([]float32, len(x))
		for lo := 0; lo < len(x); lo += piece {
			hi := min(lo+piece, len(x))
			f.Forward(got[lo:hi], x[lo:hi], registry.Shape{N: 1, C: 1, HW: hi - lo})
		}
		if i := equalBits(whole, got); i >= 0 {
			tb.Errorf("Forward claims to be pointwise, but in pieces of %d it gives %g at %d (x = %g), the whole tensor %g",
				piece, got[i], i, x[i], whole[i])
			return
		}
	}
}

func (s *suite) checkAllocs(tb testing.TB, spec registry.Spec) {
	f := s.instance(tb, spec, false)
	if f == nil {
		return
	}
	for _, shape := range []registry.Shape{{N: 4, C: s.channels, HW: 64}, {N: 64, C: s.channels, HW: 1}} {
		x, dy := s.randomInput(shape, 7)
		y, dx := make([]float32, len(x)), make([]float32, len(x))
		if a := testing.AllocsPerRun(20, func() { f.Forward(y, x, shape) }); a != 0 {
			tb.Errorf("Forward on %+v allocates %v times per call, want 0", shape, a)
		}
		if a := testing.AllocsPerRun(20, func() { f.Backward(dx, dy, x, shape) }); a != 0 {
			tb.Errorf("Backward on %+v allocates %v times per call, want 0", shape, a)
		}
	}
}

// checkAgreement checks that two specs compute the same function: forward,
// input gradient and (if sumGrads) the shared gradient equals the sum of the
// per-channel ones; otherwise b must expose only the parameters it trains
// (none for train=false), each with a's gradient.
func (s *suite) checkAgreement(tb testing.TB, a, b registry.Spec, sumGrads bool) {
	fa, fb := s.instance(tb, a, false), s.instance(tb, b, false)
	if fa == nil || fb == nil {
		return
	}
	if want := s.trainedNames(b); !sumGrads && len(fb.Params()) != len(want) {
		tb.Errorf("%s exposes %d trainable parameters, want %d (%s)", b, len(fb.Params()), len(want), strings.Join(want, ", "))
	}
	for _, shape := range []registry.Shape{{N: 3, C: s.channels, HW: 11}, {N: 17, C: s.channels, HW: 1}} {
		x, dy := s.randomInput(shape, 11)
		ya, yb := make([]float32, len(x)), make([]float32, len(x))
		fa.Forward(ya, x, shape)
		fb.Forward(yb, x, shape)
		dxa, dxb := make([]float32, len(x)), make([]float32, len(x))
		for _, p := range append(fa.Params(), fb.Params()...) {
			clear(p.Grad)
		}
		fa.Backward(dxa, dy, x, shape)
		fb.Backward(dxb, dy, x, shape)
		r := &reporter{tb: tb, what: fmt.Sprintf("%s vs %s on %+v", a, b, shape)}
		for i := range x {
			if !within(float64(yb[i]), float64(ya[i]), s.tol, 1+math.Abs(float64(ya[i]))) {
				r.errorf("forward at x=%g: %g vs %g", x[i], ya[i], yb[i])
			}
			if !within(float64(dxb[i]), float64(dxa[i]), s.tol, 1+math.Abs(float64(dxa[i]))) {
				r.errorf("input gradient at x=%g: %g vs %g", x[i], dxa[i], dxb[i])
			}
		}
		r.done()
		if !sumGrads {
			for _, pb := range fb.Params() {
				for _, pa := range fa.Params() {
					if pa.Name != pb.Name {
						continue
					}
					for c := range pb.Grad {
						if !within(float64(pb.Grad[c]), float64(pa.Grad[c]), s.tol, 1+math.Abs(float64(pa.Grad[c]))) {
							tb.Errorf("gradient of %s[%d] on %+v: %g under %s, %g under %s", pb.Name, c, shape, pb.Grad[c], b, pa.Grad[c], a)
						}
					}
				}
			}
			continue
		}
		pa, pb := fa.Params(), fb.Params()
		if len(pa) != len(pb) {
			tb.Errorf("%d vs %d trainable parameters", len(pa), len(pb))
			continue
		}
		for j := range pa {
			var sum, abs float64
			for _, g := range pb[j].Grad {
				sum += float64(g)
				abs += math.Abs(float64(g))
			}
			if !within(float64(pa[j].Grad[0]), sum, s.tol, 1+abs) {
				tb.Errorf("gradient of %s on %+v: shared %g, sum over channels %g", pa[j].Name, shape, pa[j].Grad[0], sum)
			}
		}
	}
}

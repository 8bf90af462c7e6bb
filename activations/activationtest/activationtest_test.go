package activationtest_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/actbench/actbench/activations/activationtest"
	"github.com/actbench/actbench/registry"
)

// bug selects the defect a guard activation carries.
type bug int

const (
	none          bug = iota
	backwardScale     // input gradient off by 1%
	forwardKink       // wrong value at the kink only
	gradOverwrite     // Param.Grad overwritten instead of accumulated
	paramGradSign     // parameter gradient with the wrong sign
	allocates         // allocates in Forward
	swallowsNaN       // maps NaN to 0
	channelIndex      // per-channel values indexed by example instead of channel
	panicsOnInf       // panics on an infinite input
	badKinkSlope      // derivative at the kink is neither one-sided derivative
	aliasing          // Forward breaks when y aliases x
)

var bugNames = map[bug]string{
	none: "ok", backwardScale: "backward_scale", forwardKink: "forward_kink", gradOverwrite: "grad_overwrite",
	paramGradSign: "param_grad_sign", allocates: "allocates", swallowsNaN: "swallows_nan",
	channelIndex: "channel_index", panicsOnInf: "panics_on_inf", badKinkSlope: "bad_kink_slope", aliasing: "aliasing",
}

// guardPReLU is a plain PReLU (slope trainable, shared or per channel) with an
// optional deliberate defect.
type guardPReLU struct {
	spec    registry.Spec
	bug     bug
	slope   *registry.Param
	train   bool
	sink    []float32
	scratch []float32
}

func init() {
	for b, name := range bugNames {
		registry.Register(registry.Info{
			Name:      "guard_" + name,
			Formula:   "x if x > 0, slope*x otherwise",
			Reference: "activationtest's own guard test",
			Params: []registry.ParamInfo{
				{Name: "slope", Kind: registry.Number, Default: 0.25, Min: -10, Max: 10, Trainable: true},
				{Name: "per", Kind: registry.Choice, Default: "shared", Choices: []string{"shared", "channel"}},
				{Name: "train", Kind: registry.Bool, Default: true},
			},
			Monotonic: true,
			New: func(args registry.Args, channels int) (registry.Func, error) {
				n := 1
				if args.Choice("per") == "channel" {
					n = channels
				}
				p := &registry.Param{Name: "slope", Value: make([]float32, n), Grad: make([]float32, n)}
				for i := range p.Value {
					p.Value[i] = float32(args.Float("slope"))
				}
				return &guardPReLU{spec: args.Spec(), bug: b, slope: p, train: args.Bool("train"), scratch: make([]float32, 1)}, nil
			},
		})
	}
}

func (g *guardPReLU) Spec() registry.Spec { return g.spec }
func (g *guardPReLU) Kinks() []float64    { return []float64{0} }

func (g *guardPReLU) Params() []*registry.Param {
	if !g.train {
		return nil
	}
	return []*registry.Param{g.slope}
}

func (g *guardPReLU) slopeAt(n, c int) float32 {
	if len(g.slope.Value) == 1 {
		return g.slope.Value[0]
	}
	if g.bug == channelIndex {
		return g.slope.Value[n%len(g.slope.Value)]
	}
	return g.slope.Value[c]
}

func (g *guardPReLU) Forward(y, x []float32, s registry.Shape) {
	if g.bug == allocates {
		g.sink = make([]float32, len(x))
	}
	if g.bug == aliasing {
		// Two passes, the second reading x after the first wrote y: right
		// unless y aliases x.
		for i := range x {
			y[i] = max(x[i], 0)
		}
		for i := range x {
			n, c := i/(s.C*s.HW), (i/s.HW)%s.C
			y[i] += g.slopeAt(n, c) * min(x[i], 0)
		}
		return
	}
	for i := range x {
		n, c := i/(s.C*s.HW), (i/s.HW)%s.C
		v := x[i]
		switch {
		case g.bug == panicsOnInf && math.IsInf(float64(v), 0):
			panic("infinite input")
		case g.bug == swallowsNaN && v != v:
			y[i] = 0
		case g.bug == forwardKink && v == 0:
			y[i] = 1e-3
		case v > 0:
			y[i] = v
		default:
			y[i] = g.slopeAt(n, c) * v
		}
	}
}

func (g *guardPReLU) Backward(dx, dy, x []float32, s registry.Shape) {
	if g.bug == gradOverwrite {
		clear(g.slope.Grad)
	}
	for i := range x {
		n, c := i/(s.C*s.HW), (i/s.HW)%s.C
		slope := g.slopeAt(n, c)
		slot := 0
		if len(g.slope.Grad) > 1 {
			slot = c
		}
		d := dy[i]
		switch {
		case g.bug == badKinkSlope && x[i] == 0:
			dx[i] = d * 0.5
		case x[i] > 0:
			dx[i] = d
		default:
			dx[i] = d * slope
			if g.bug == paramGradSign {
				g.slope.Grad[slot] -= d * x[i]
			} else {
				g.slope.Grad[slot] += d * x[i]
			}
		}
		if g.bug == backwardScale {
			dx[i] *= 1.01
		}
	}
}

func (g *guardPReLU) Reference(x float64, p []float64) float64 {
	slope := float64(g.slope.Value[0])
	if g.train {
		slope = p[0]
	}
	if x > 0 {
		return x
	}
	return slope * x
}

// fakeTB records errors instead of failing the real test.
type fakeTB struct {
	testing.TB
	errs []string
}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Error(args ...any)   { f.errs = append(f.errs, fmt.Sprint(args...)) }
func (f *fakeTB) Logf(string, ...any) {}
func (f *fakeTB) Helper()             {}

// TestGuard proves the suite can fail: the correct guard activation passes,
// and each defect is caught by the check meant for it.
func TestGuard(t *testing.T) {
	want := map[bug]string{
		backwardScale: "input gradient",
		forwardKink:   "Forward",
		gradOverwrite: "Backward must accumulate",
		paramGradSign: "gradient of slope",
		allocates:     "allocates",
		swallowsNaN:   "f(NaN) = 0",
		channelIndex:  "channel",
		panicsOnInf:   "panicked",
		badKinkSlope:  "kink x=0",
		aliasing:      "in place",
	}
	for b, name := range bugNames {
		t.Run(name, func(t *testing.T) {
			fake := &fakeTB{TB: t}
			ok := activationtest.Check(fake, "guard_"+name, activationtest.Options{})
			if b == none {
				if !ok || len(fake.errs) > 0 {
					t.Fatalf("the correct activation fails the suite:\n%s", strings.Join(fake.errs, "\n"))
				}
				return
			}
			if ok || len(fake.errs) == 0 {
				t.Fatalf("the suite passes an activation with defect %s", name)
			}
			found := false
			for _, e := range fake.errs {
				found = found || strings.Contains(e, want[b])
			}
			if !found {
				t.Errorf("defect %s: no error mentions %q; errors:\n%s", name, want[b], strings.Join(fake.errs, "\n"))
			}
		})
	}
}

// TestRunPassesCorrect runs the real (subtest) entry point on the correct
// guard activation.
func TestRunPassesCorrect(t *testing.T) { activationtest.Run(t, "guard_ok(slope=0.1)") }

func TestUnknownSpec(t *testing.T) {
	fake := &fakeTB{TB: t}
	if activationtest.Check(fake, "nosuchactivation", activationtest.Options{}) {
		t.Fatal("Check passed an unknown activation")
	}
	if len(fake.errs) == 0 || !strings.Contains(fake.errs[0], "unknown activation") {
		t.Errorf("errors %q, want one naming the unknown activation", fake.errs)
	}
}

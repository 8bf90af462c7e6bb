package activationtest_test

import (
	"math"
	"strings"
	"testing"

	"github.com/actbench/actbench/activations/activationtest"
	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/registry"
)

// sineKernel is max(0, x) + a*sin(b*x) in float64, with two trainable
// parameters, for the parameter-subset checks.
type sineKernel struct{}

func (sineKernel) Forward(y, x, p []float32) {
	a, b := float64(p[0]), float64(p[1])
	for i, v := range x {
		xv := float64(v)
		y[i] = float32(math.Max(0, xv) + a*math.Sin(b*xv))
	}
}

func (sineKernel) Backward(dx, dy, x, p []float32, g []float64) {
	a, b := float64(p[0]), float64(p[1])
	for i, v := range x {
		xv, d := float64(v), float64(dy[i])
		step := 0.0
		if xv > 0 {
			step = 1
		}
		g[0] += d * math.Sin(b*xv)
		g[1] += d * a * xv * math.Cos(b*xv)
		dx[i] = float32(d * (step + a*b*math.Cos(b*xv)))
	}
}

func (sineKernel) Reference(x float64, p []float64) float64 {
	return math.Max(0, x) + p[0]*math.Sin(p[1]*x)
}
func (sineKernel) Kinks() []float64 { return []float64{0} }

// exposesFrozen is the defect of ignoring a subset: it trains (and
// exposes) every parameter while its spec says train=a.
type exposesFrozen struct {
	registry.Func
	spec registry.Spec
}

func (e exposesFrozen) Spec() registry.Spec { return e.spec }
func (e exposesFrozen) Kinks() []float64    { return []float64{0} }

func init() {
	for _, buggy := range []bool{false, true} {
		name := "guard_subset_ok"
		if buggy {
			name = "guard_subset_exposes_frozen"
		}
		registry.Register(registry.Info{
			Name: name, Formula: "max(0, x) + a*sin(b*x)", Reference: "activationtest's own guard test",
			Params: []registry.ParamInfo{
				elementwise.Trainable("a", 0.1, -10, 10, "amplitude"),
				elementwise.Trainable("b", 1, -100, 100, "frequency"),
				elementwise.PerParam, elementwise.TrainSubsetParam("a", "b"),
			},
			New: func(args registry.Args, channels int) (registry.Func, error) {
				if !buggy {
					return elementwise.New(args, channels, sineKernel{})
				}
				spec := args.Spec()
				all := registry.Spec{Name: spec.Name}
				for _, a := range spec.Args {
					if a.Key == "train" {
						a.Value = "true"
					}
					all.Args = append(all.Args, a)
				}
				_, allArgs, err := registry.Validate(all)
				if err != nil {
					return nil, err
				}
				f, err := elementwise.New(allArgs, channels, sineKernel{})
				return exposesFrozen{f, spec}, err
			},
		})
	}
}

// TestSubsetFreeze: the suite runs every subset of a train parameter that
// takes subsets (in both per modes) and passes a correct activation; one
// that ignores the subset and exposes the frozen parameter fails.
func TestSubsetFreeze(t *testing.T) {
	fake := &fakeTB{TB: t}
	if !activationtest.Check(fake, "guard_subset_ok", activationtest.Options{}) || len(fake.errs) > 0 {
		t.Fatalf("the correct activation fails the suite:\n%s", strings.Join(fake.errs, "\n"))
	}
	fake = &fakeTB{TB: t}
	if activationtest.Check(fake, "guard_subset_exposes_frozen", activationtest.Options{}) {
		t.Fatal("the suite passes an activation that exposes a frozen parameter")
	}
	var hits []string
	for _, e := range fake.errs {
		if strings.Contains(e, "want the trainable parameters [a]") || strings.Contains(e, "want the trainable parameters [b]") {
			hits = append(hits, e)
		}
	}
	if len(hits) < 4 { // train=a and train=b, per shared and per channel
		t.Errorf("want the exposure caught for both subsets in both per modes; errors:\n%s", strings.Join(fake.errs, "\n"))
	}
	// The subsets run as variants of their own.
	var names []string
	for _, c := range []string{"a", "b"} {
		f, err := registry.New("guard_subset_ok(train="+c+", per=channel)", 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range f.Params() {
			names = append(names, p.Name)
		}
	}
	if strings.Join(names, ",") != "a,b" {
		t.Errorf("train=a then train=b expose %v, want a then b", names)
	}
}

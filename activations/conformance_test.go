package activations_test

import (
	"os"
	"strconv"
	"testing"

	_ "github.com/actbench/actbench/activations"
	"github.com/actbench/actbench/activations/activationtest"
	"github.com/actbench/actbench/kernels/act"
	"github.com/actbench/actbench/registry"
)

// kernelPaths are the kernels/act paths to run the suite on: every path this
// CPU supports, or only the forced one when ACTBENCH_SIMD is set (so that
// ACTBENCH_SIMD=off tests the pure-Go path alone).
func kernelPaths() []string {
	if os.Getenv("ACTBENCH_SIMD") != "" {
		return []string{act.Path()}
	}
	return act.Paths()
}

// conformanceSpecs returns the specs the suite runs for an activation: its
// defaults, each non-default choice, and every number moved off its default
// (activationtest.Run adds the per=shared|channel and train=false variants).
func conformanceSpecs(info registry.Info) []string {
	specs := []string{info.Name}
	moved := registry.Spec{Name: info.Name}
	for _, p := range info.Params {
		switch p.Kind {
		case registry.Choice:
			if p.Name == "per" {
				continue
			}
			for _, c := range p.Choices {
				if c != p.Default {
					specs = append(specs, registry.Spec{Name: info.Name, Args: []registry.Arg{{Key: p.Name, Value: c}}}.String())
				}
			}
		case registry.Number:
			d := p.Default.(float64)
			v := d*1.5 + 0.25
			if v > p.Max || v < p.Min {
				v = (d + p.Min) / 2
			}
			moved.Args = append(moved.Args, registry.Arg{Key: p.Name, Value: strconv.FormatFloat(v, 'g', -1, 64)})
		}
	}
	if len(moved.Args) > 0 {
		specs = append(specs, moved.String())
	}
	return specs
}

func TestConformance(t *testing.T) {
	initial := act.Path()
	defer act.SetPath(initial)
	for _, path := range kernelPaths() {
		t.Run(path, func(t *testing.T) {
			if err := act.SetPath(path); err != nil {
				t.Fatal(err)
			}
			for _, info := range registry.List() {
				for _, spec := range conformanceSpecs(info) {
					t.Run(spec, func(t *testing.T) { activationtest.Run(t, spec) })
				}
			}
		})
	}
}

func TestAtLeast24(t *testing.T) {
	if n := len(registry.List()); n < 24 {
		t.Errorf("%d activations registered, want >= 24", n)
	}
}

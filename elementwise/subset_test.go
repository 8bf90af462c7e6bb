package elementwise_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	_ "github.com/actbench/actbench/activations"
	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/registry"
)

func TestTrainSubsetParamChoices(t *testing.T) {
	for _, tc := range []struct {
		names []string
		want  []string
	}{
		{[]string{"a", "b"}, []string{"true", "false", "a", "b"}},
		{[]string{"a", "b", "c"}, []string{"true", "false", "a", "b", "c", "a+b", "a+c", "b+c"}},
	} {
		p := elementwise.TrainSubsetParam(tc.names...)
		if p.Name != "train" || p.Kind != registry.Choice || p.Default != "true" || !reflect.DeepEqual(p.Choices, tc.want) {
			t.Errorf("TrainSubsetParam(%v) = %+v, want choices %v", tc.names, p, tc.want)
		}
	}
	for _, bad := range [][]string{{"a"}, {"a", "b", "c", "d", "e", "f", "g"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("TrainSubsetParam(%v) did not panic", bad)
				}
			}()
			elementwise.TrainSubsetParam(bad...)
		}()
	}
}

// affine is a*x + b*x*x on x <= 0 and x above: two trainable parameters
// whose gradients (x and x*x) are easy to compute by hand.
type affine struct{}

func (affine) Forward(y, x, p []float32) {
	for i, v := range x {
		y[i] = v
		if v <= 0 {
			y[i] = p[0]*v + p[1]*v*v
		}
	}
}

func (affine) Backward(dx, dy, x, p []float32, g []float64) {
	for i, v := range x {
		d := dy[i]
		dx[i] = d
		if v <= 0 {
			dx[i] = d * (p[0] + 2*p[1]*v)
			g[0] += float64(d * v)
			g[1] += float64(d * v * v)
		}
	}
}

func (affine) Reference(x float64, p []float64) float64 {
	if x > 0 {
		return x
	}
	return p[0]*x + p[1]*x*x
}

func init() {
	registry.Register(registry.Info{
		Name: "ew_subset_test", Formula: "x > 0 ? x : a*x + b*x^2", Reference: "elementwise's own test",
		Params: []registry.ParamInfo{
			elementwise.Trainable("a", 0.5, -10, 10, ""), elementwise.Trainable("b", 2, -10, 10, ""),
			elementwise.PerParam, elementwise.TrainSubsetParam("a", "b"),
		},
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return elementwise.New(args, channels, affine{})
		},
	})
}

// TestSubsetFreeze: train=b trains and exposes b only; a keeps its spec
// value and no gradient reaches it; the values of the spec are those the
// forward pass uses, and Reference takes the trained values only.
func TestSubsetFreeze(t *testing.T) {
	for _, per := range []string{"shared", "channel"} {
		f, err := registry.New("ew_subset_test(a=0.5, b=2, train=b, per="+per+")", 2)
		if err != nil {
			t.Fatal(err)
		}
		ps := f.Params()
		if len(ps) != 1 || ps[0].Name != "b" {
			t.Fatalf("per=%s: Params() = %v, want [b]", per, ps)
		}
		// N=1, C=2, HW=2: x = [-1, 3 | -2, 0.5]; dy = 1.
		x := []float32{-1, 3, -2, 0.5}
		y, dx, dy := make([]float32, 4), make([]float32, 4), []float32{1, 1, 1, 1}
		f.Forward(y, x, registry.Shape{N: 1, C: 2, HW: 2})
		// a*x + b*x^2 with a = 0.5, b = 2: -0.5 + 2 = 1.5; -1 + 8 = 7.
		if want := []float32{1.5, 3, 7, 0.5}; !reflect.DeepEqual(y, want) {
			t.Errorf("per=%s: forward %v, want %v", per, y, want)
		}
		f.Backward(dx, dy, x, registry.Shape{N: 1, C: 2, HW: 2})
		// db = sum of x^2 over x <= 0: 1 (channel 0) and 4 (channel 1).
		want := []float32{5}
		if per == "channel" {
			want = []float32{1, 4}
		}
		if !reflect.DeepEqual(ps[0].Grad, want) {
			t.Errorf("per=%s: grad of b %v, want %v", per, ps[0].Grad, want)
		}
		// Reference takes b only; a stays 0.5: 0.5*(-1) + 3*1 = 2.5.
		if got := f.Reference(-1, []float64{3}); math.Abs(got-2.5) > 1e-12 {
			t.Errorf("per=%s: Reference(-1, b=3) = %g, want 2.5", per, got)
		}
	}
}

// TestSubsetSpecs: canonical specs of train=true and false are what they
// were when train was a bool (they are trial keys), subsets canonicalise
// in lower case, and anything else is an error that lists the choices.
func TestSubsetSpecs(t *testing.T) {
	for in, want := range map[string]string{
		"pvlu":                          "pvlu(a=0.1, b=1, per=shared, train=true)",
		"PVLU(b=1, a=0.1, train=TRUE)":  "pvlu(a=0.1, b=1, per=shared, train=true)",
		"pvlu(train=false)":             "pvlu(a=0.1, b=1, per=shared, train=false)",
		"pvlu(train=A)":                 "pvlu(a=0.1, b=1, per=shared, train=a)",
		"pvlu(a=0.2, b=1.5, train=a)":   "pvlu(a=0.2, b=1.5, per=shared, train=a)",
		"prelu(train=false)":            "prelu(init=0.25, per=shared, train=false)",
		"ew_subset_test(train=b)":       "ew_subset_test(a=0.5, b=2, per=shared, train=b)",
		"sinlu(train=b, per=channel)":   "sinlu(a=1, b=1, per=channel, train=b)",
		"pelu(train=true, per=channel)": "pelu(a=1, b=1, per=channel, train=true)",
	} {
		if got, err := registry.Canonical(in); err != nil || got != want {
			t.Errorf("Canonical(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"pvlu(train=a+b)", "pvlu(train=c)", "pvlu(train=yes)"} {
		if _, err := registry.Canonical(bad); err == nil || !strings.Contains(err.Error(), "true|false|a|b") {
			t.Errorf("Canonical(%q): %v, want an error listing true|false|a|b", bad, err)
		}
	}
}

package layers

import (
	"fmt"
	"math"

	"github.com/actbench/actbench/registry"
)

// Test activations registered by this package's tests, so that the layer
// tests do not depend on which activations the activations package holds:
//
//	layerstest_tanhlin(a=0.1, per=shared|channel): tanh(x) + a*x, a trainable
//	layerstest_step: max(0, x) with derivative [x > 0], no parameters
func init() {
	registry.Register(registry.Info{
		Name:    "layerstest_tanhlin",
		Formula: "tanh(x) + a*x",
		Params: []registry.ParamInfo{
			{Name: "a", Kind: registry.Number, Default: 0.1, Min: -10, Max: 10, Trainable: true, Doc: "slope"},
			{Name: "per", Kind: registry.Choice, Default: "shared", Choices: []string{"shared", "channel"}, Doc: "sharing"},
		},
		Smooth: true, Monotonic: true,
		New: func(args registry.Args, channels int) (registry.Func, error) {
			n := 1
			if args.Choice("per") == "channel" {
				n = channels
			}
			f := &tanhLin{spec: args.Spec(), p: registry.Param{Name: "a", Value: make([]float32, n), Grad: make([]float32, n)}}
			for i := range f.p.Value {
				f.p.Value[i] = float32(args.Float("a"))
			}
			return f, nil
		},
	})
	registry.Register(registry.Info{
		Name:    "layerstest_step",
		Formula: "max(0, x)",
		New: func(args registry.Args, channels int) (registry.Func, error) {
			return stepFunc{spec: args.Spec()}, nil
		},
	})
}

type tanhLin struct {
	spec registry.Spec
	p    registry.Param
}

func (f *tanhLin) a(c int) float32 {
	if len(f.p.Value) == 1 {
		return f.p.Value[0]
	}
	return f.p.Value[c]
}

func (f *tanhLin) Forward(y, x []float32, s registry.Shape) {
	if len(x) != s.Len() || len(y) != s.Len() {
		panic(fmt.Sprintf("tanhLin: len %d/%d, shape %v", len(y), len(x), s))
	}
	for i := range x {
		c := i / s.HW % s.C
		y[i] = float32(math.Tanh(float64(x[i]))) + f.a(c)*x[i]
	}
}

func (f *tanhLin) Backward(dx, dy, x []float32, s registry.Shape) {
	for i := range x {
		c := i / s.HW % s.C
		th := math.Tanh(float64(x[i]))
		g := dy[i]
		if len(f.p.Value) == 1 {
			f.p.Grad[0] += g * x[i]
		} else {
			f.p.Grad[c] += g * x[i]
		}
		dx[i] = g * (float32(1-th*th) + f.a(c))
	}
}

func (f *tanhLin) Params() []*registry.Param { return []*registry.Param{&f.p} }
func (f *tanhLin) Spec() registry.Spec       { return f.spec }
func (f *tanhLin) Reference(x float64, p []float64) float64 {
	return math.Tanh(x) + p[0]*x
}

type stepFunc struct{ spec registry.Spec }

func (f stepFunc) Forward(y, x []float32, s registry.Shape) {
	for i, v := range x {
		y[i] = max(0, v)
	}
}

func (f stepFunc) Backward(dx, dy, x []float32, s registry.Shape) {
	for i, v := range x {
		if v > 0 {
			dx[i] = dy[i]
		} else {
			dx[i] = 0
		}
	}
}

func (f stepFunc) Params() []*registry.Param                { return nil }
func (f stepFunc) Spec() registry.Spec                      { return f.spec }
func (f stepFunc) Reference(x float64, _ []float64) float64 { return max(0, x) }

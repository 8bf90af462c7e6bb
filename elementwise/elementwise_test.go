package elementwise_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/actbench/actbench/elementwise"
	"github.com/actbench/actbench/registry"
)

// hinge is max(0, x - h) with a trainable hinge h; as "random" it also
// implements registry.Stochastic and records its mode.
type hinge struct {
	train bool
	seed  uint64
}

func (*hinge) Forward(y, x, p []float32) {
	for i, v := range x {
		y[i] = max(v-p[0], 0)
	}
}

func (*hinge) Backward(dx, dy, x, p []float32, g []float64) {
	for i, v := range x {
		on := float32(0)
		if v > p[0] {
			on = 1
		}
		g[0] -= float64(dy[i] * on)
		dx[i] = dy[i] * on
	}
}

func (*hinge) Reference(x float64, p []float64) float64 { return max(x-p[0], 0) }

func (*hinge) KinksAt(p []float64) []float64 { return []float64{p[0]} }

type randomHinge struct{ *hinge }

func (k randomHinge) SetMode(train bool, seed uint64) { k.train, k.seed = train, seed }

var lastRandom *hinge

func init() {
	for _, name := range []string{"elementwisetest_hinge", "elementwisetest_random"} {
		random := strings.HasSuffix(name, "random")
		registry.Register(registry.Info{
			Name: name,
			Params: []registry.ParamInfo{
				elementwise.Trainable("h", 0.5, -10, 10, "hinge"),
				elementwise.PerParam, elementwise.TrainParam,
			},
			New: func(args registry.Args, channels int) (registry.Func, error) {
				k := &hinge{}
				if random {
					lastRandom = k
					return elementwise.New(args, channels, randomHinge{k})
				}
				return elementwise.New(args, channels, k)
			},
		})
	}
}

func TestStochasticKernel(t *testing.T) {
	f, err := registry.New("elementwisetest_random", 2)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := f.(registry.Stochastic)
	if !ok {
		t.Fatal("the Func of a kernel with SetMode does not implement registry.Stochastic")
	}
	st.SetMode(true, 42)
	if !lastRandom.train || lastRandom.seed != 42 {
		t.Errorf("SetMode(true, 42) reached the kernel as (%v, %d)", lastRandom.train, lastRandom.seed)
	}
	if _, err := registry.New("elementwisetest_random(per=channel)", 2); err == nil || !strings.Contains(err.Error(), "per=shared") {
		t.Errorf("per-channel parameters for a random kernel: err = %v, want a refusal naming per=shared", err)
	}
	g, err := registry.New("elementwisetest_hinge", 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := g.(registry.Stochastic); ok {
		t.Error("the Func of a deterministic kernel implements registry.Stochastic")
	}
}

func TestParamKinks(t *testing.T) {
	f, err := registry.New("elementwisetest_hinge(per=channel)", 3)
	if err != nil {
		t.Fatal(err)
	}
	f.Params()[0].Value[1] = -2
	f.Params()[0].Value[2] = 4
	if got, want := f.(registry.Kinked).Kinks(), []float64{0.5, -2, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("Kinks() = %v, want every channel's hinge %v", got, want)
	}
	g, err := registry.New("elementwisetest_hinge(h=1.5, train=false)", 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := g.(registry.Kinked).Kinks(); !reflect.DeepEqual(got, []float64{1.5}) {
		t.Errorf("train=false: Kinks() = %v, want [1.5]", got)
	}
}

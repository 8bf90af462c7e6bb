package layers

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"testing"

	"gorgonia.org/tensor"
)

// The fixtures in testdata/golden.json come from PyTorch 1.13 (float32) via
// testdata/gen_golden.py. Tolerance: |got-want| <= 2e-5 + 2e-4*|want|, room
// for float32 summation-order differences (GEMM blocking, backends) and
// nothing more.
const goldenAtol, goldenRtol = 2e-5, 2e-4

type goldenTensor struct {
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

type goldenCase struct {
	Layer   string                  `json:"layer"`
	Config  map[string]any          `json:"config"`
	Tensors map[string]goldenTensor `json:"tensors"`
}

func loadGolden(t *testing.T) map[string]goldenCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatalf("golden fixtures: %v (regenerate with /usr/bin/python3 layers/testdata/gen_golden.py)", err)
	}
	var f struct {
		Cases map[string]goldenCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("testdata/golden.json: %v", err)
	}
	if len(f.Cases) == 0 {
		t.Fatal("testdata/golden.json holds no cases")
	}
	return f.Cases
}

func (c goldenCase) tensor(t *testing.T, name string) goldenTensor {
	t.Helper()
	g, ok := c.Tensors[name]
	if !ok || len(g.Data) != prod(g.Shape) {
		t.Fatalf("fixture tensor %q missing or malformed", name)
	}
	return g
}

func (c goldenCase) dense(t *testing.T, name string) *tensor.Dense {
	g := c.tensor(t, name)
	return newTensor(append([]float32(nil), g.Data...), g.Shape...)
}

func (c goldenCase) num(key string) int { return int(c.Config[key].(float64)) }

func compareF32(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, want %d", what, len(got), len(want))
		return
	}
	bad := 0
	for i := range got {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if !(d <= goldenAtol+goldenRtol*math.Abs(float64(want[i]))) {
			if bad < 3 {
				t.Errorf("%s[%d] = %.7g, PyTorch %.7g (diff %.2g)", what, i, got[i], want[i], d)
			}
			bad++
		}
	}
	if bad > 3 {
		t.Errorf("%s: %d of %d values differ", what, bad, len(got))
	}
}

func checkShape(t *testing.T, what string, got *tensor.Dense, want []int) {
	t.Helper()
	if s := got.Shape(); !equalShape(s, want) {
		t.Errorf("%s: shape %v, want %v", what, s, want)
	}
}

// runLayerGolden sets up l on the fixture's x, copies the named parameters
// in, and checks y, dx and the parameter gradients.
func runLayerGolden(t *testing.T, c goldenCase, l Layer, train bool, params map[string]*Param) {
	x := c.dense(t, "x")
	if _, err := l.Setup(x.Shape()[1:]); err != nil {
		t.Fatal(err)
	}
	for name, p := range params {
		if p == nil {
			continue
		}
		copy(f32(p.Value), c.tensor(t, name).Data)
	}
	y := l.Forward(x, train)
	checkShape(t, "y", y, c.tensor(t, "y").Shape)
	compareF32(t, "y", f32(y), c.tensor(t, "y").Data)
	dx := l.Backward(c.dense(t, "dy"))
	checkShape(t, "dx", dx, c.tensor(t, "x").Shape)
	compareF32(t, "dx", f32(dx), c.tensor(t, "dx").Data)
	for name, p := range params {
		if p == nil || p.Grad == nil {
			continue
		}
		compareF32(t, "d"+name, f32(p.Grad), c.tensor(t, "d"+name).Data)
	}
}

func TestGoldenPyTorch(t *testing.T) {
	cases := loadGolden(t)
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	sort.Strings(names)
	seen := map[string]int{}
	for _, name := range names {
		c := cases[name]
		seen[c.Layer]++
		t.Run(name, func(t *testing.T) {
			switch c.Layer {
			case "conv":
				// Every convolution through each path that applies.
				defer func() { convPath = "" }()
				for _, path := range []string{"im2col", "shift", "wino"} {
					t.Run(path, func(t *testing.T) {
						convPath = path
						bias := c.Config["bias"].(bool)
						l := NewConv2D(name, c.num("outC"), c.num("kernel"), c.num("stride"), c.num("pad"), bias)
						ps := map[string]*Param{}
						runLayerGoldenSetup(t, c, l, func() {
							ps["weight"] = l.weight
							if bias {
								ps["bias"] = l.bias
							}
						}, true, ps)
						isWino := c.num("kernel") == 3 && c.num("stride") == 1 && c.num("pad") == 1
						if want := path == "wino" && isWino; l.useWino() != want {
							t.Errorf("path %s: winograd = %v", path, l.useWino())
						}
						if want := path == "shift" && c.num("stride") == 1 && !l.direct; l.useShift() != want {
							t.Errorf("path %s: shifted = %v", path, l.useShift())
						}
					})
				}
			case "dense":
				bias := c.Config["bias"].(bool)
				l := NewDense(name, c.num("out"), bias)
				ps := map[string]*Param{}
				runLayerGoldenSetup(t, c, l, func() {
					ps["weight"] = l.weight
					if bias {
						ps["bias"] = l.bias
					}
				}, true, ps)
			case "batchnorm":
				train := c.Config["train"].(bool)
				l := NewBatchNorm(name, c.Config["momentum"].(float64), c.Config["eps"].(float64))
				ps := map[string]*Param{}
				runLayerGoldenSetup(t, c, l, func() {
					ps["weight"], ps["bias"] = l.weight, l.bias
					ps["running_mean"], ps["running_var"] = l.runMean, l.runVar
				}, train, ps)
				compareF32(t, "running_mean after the step", f32(l.runMean.Value), c.tensor(t, "running_mean_after").Data)
				compareF32(t, "running_var after the step", f32(l.runVar.Value), c.tensor(t, "running_var_after").Data)
			case "maxpool":
				runLayerGolden(t, c, NewMaxPool2D(name, c.num("kernel"), c.num("stride")), true, nil)
			case "avgpool":
				runLayerGolden(t, c, NewAvgPool2D(name, c.num("kernel"), c.num("stride")), true, nil)
			case "crossentropy":
				var labels []int32
				for _, v := range c.Config["labels"].([]any) {
					labels = append(labels, int32(v.(float64)))
				}
				ce := &SoftmaxCrossEntropy{LabelSmoothing: c.Config["label_smoothing"].(float64)}
				loss := ce.Forward(c.dense(t, "logits"), labels)
				want := float64(c.tensor(t, "loss").Data[0])
				if math.Abs(loss-want) > goldenAtol+goldenRtol*math.Abs(want) {
					t.Errorf("loss = %.7g, PyTorch %.7g", loss, want)
				}
				compareF32(t, "dlogits", f32(ce.Backward()), c.tensor(t, "dlogits").Data)
			default:
				t.Fatalf("unknown fixture layer %q", c.Layer)
			}
		})
	}
	// The fixture file must cover what the issue asks for.
	for layer, min := range map[string]int{"conv": 6, "batchnorm": 4, "maxpool": 2, "avgpool": 2, "dense": 2, "crossentropy": 2} {
		if seen[layer] < min {
			t.Errorf("golden.json has %d %s cases, want at least %d", seen[layer], layer, min)
		}
	}
}

// runLayerGoldenSetup is runLayerGolden for layers whose parameters exist
// only after Setup: bind fills params after Setup.
func runLayerGoldenSetup(t *testing.T, c goldenCase, l Layer, bind func(), train bool, params map[string]*Param) {
	x := c.dense(t, "x")
	if _, err := l.Setup(x.Shape()[1:]); err != nil {
		t.Fatal(err)
	}
	bind()
	for name, p := range params {
		copy(f32(p.Value), c.tensor(t, name).Data)
	}
	y := l.Forward(x, train)
	checkShape(t, "y", y, c.tensor(t, "y").Shape)
	compareF32(t, "y", f32(y), c.tensor(t, "y").Data)
	dx := l.Backward(c.dense(t, "dy"))
	checkShape(t, "dx", dx, c.tensor(t, "x").Shape)
	compareF32(t, "dx", f32(dx), c.tensor(t, "dx").Data)
	for name, p := range params {
		if p.Grad == nil {
			continue
		}
		compareF32(t, fmt.Sprintf("d%s", name), f32(p.Grad), c.tensor(t, "d"+name).Data)
	}
}

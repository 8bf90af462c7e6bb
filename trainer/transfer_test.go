package trainer

import (
	"context"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/actbench/actbench/datasets"
	"github.com/actbench/actbench/layers"
	"github.com/actbench/actbench/models"
)

// resized tiles d's images to size x size (another input shape).
func resized(d *Data, size int) *Data {
	grow := func(s *datasets.Set) *datasets.Set {
		o := *s
		o.H, o.W = size, size
		o.Pixels = make([]uint8, s.Len()*s.C*size*size)
		for i := range s.Len() {
			for c := range s.C {
				for y := range size {
					for x := range size {
						o.Pixels[((i*s.C+c)*size+y)*size+x] = s.Pixels[((i*s.C+c)*s.H+y%s.H)*s.W+x%s.W]
					}
				}
			}
		}
		return &o
	}
	return &Data{Train: grow(d.Train), Test: grow(d.Test)}
}

// pretrainSynth trains cfg (4 classes, relu, 1 epoch unless changed) into
// dir/name and returns the checkpoint path.
func pretrainSynth(t *testing.T, dir, name string, edit func(*Config), data *Data) string {
	t.Helper()
	cfg := baseConfig()
	cfg.Act, cfg.Epochs = "relu", 1
	if edit != nil {
		edit(&cfg)
	}
	path := filepath.Join(dir, name)
	if data == nil {
		data = synthData(4)
	}
	if _, err := Run(context.Background(), cfg, Options{Data: data, Checkpoint: path}); err != nil {
		t.Fatal(err)
	}
	return path
}

// transferConfig fine-tunes from path on a 6-class "synth6" target.
func transferConfig(path, act string) Config {
	return Config{Act: act, Data: "synth6", Validation: 32, Optimizer: "adam", LR: 1e-2, Epochs: 1, Batch: 16, Seed: 7,
		ProbeSize: 16, FineTune: &FineTune{From: path}}
}

// setUpTrial builds a trial's data and model as Run does, without training.
func setUpTrial(t *testing.T, cfg Config, data *Data) (*trial, error) {
	t.Helper()
	p, err := resolve(cfg)
	if err != nil {
		return nil, err
	}
	return setUp(p, Options{Data: data})
}

func values(ps []*layers.Param) map[string][]float32 {
	w := map[string][]float32{}
	for _, p := range ps {
		w[p.Name] = append([]float32(nil), p.Value.Float32s()...)
	}
	return w
}

func TestTransferReplacesHeadLoadsTheRestAndPairs(t *testing.T) {
	dir := t.TempDir()
	path := pretrainSynth(t, dir, "pre.ckpt", nil, nil)
	ck, err := readCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	target := synthData(6)
	heads := map[string]map[string][]float32{}
	for _, act := range []string{"relu", "pvlu(a=0.1,b=1)"} {
		tr, err := setUpTrial(t, transferConfig(path, act), target)
		if err != nil {
			t.Fatal(err)
		}
		m := tr.model
		// The head: 6 outputs, exactly the initialisation of a fresh model
		// of the target from the trial seed (layer fc2's own generator).
		fresh, err := models.New("simplecnn", "relu", []int{3, 8, 8}, 6)
		if err != nil {
			t.Fatal(err)
		}
		fresh.Init(deriveSeed(7, "init"))
		hp := m.HeadParams()
		if !reflect.DeepEqual([]int(hp[0].Value.Shape()), []int{6, 512}) || !reflect.DeepEqual([]int(hp[1].Value.Shape()), []int{6}) {
			t.Fatalf("%s: head shapes %v %v", act, hp[0].Value.Shape(), hp[1].Value.Shape())
		}
		if d := equalBits(values(hp), values(fresh.HeadParams())); d != "" {
			t.Errorf("%s: the new head is not the fresh initialisation: %s", act, d)
		}
		heads[act] = values(hp)
		// Every other tensor: bit for bit the checkpoint's selected model.
		n := 0
		for _, p := range m.Params() {
			if strings.HasPrefix(p.Name, "fc2.") || p.Kind == layers.ActivationParam {
				continue
			}
			src := ck.tensors["best/"+p.Name]
			for i, v := range p.Value.Float32s() {
				if math.Float32bits(v) != math.Float32bits(src[i]) {
					t.Fatalf("%s: %s[%d] = %v, checkpoint %v", act, p.Name, i, v, src[i])
				}
			}
			n++
		}
		if n != 10 {
			t.Errorf("%d tensors compared, want 10 (conv1-4 and fc1 weights and biases)", n)
		}
		rec := tr.transfer
		if rec == nil || !rec.Head.Replaced || rec.Head.FromClasses != 4 || rec.Head.Classes != 6 || rec.Head.Layer != "fc2" ||
			rec.Head.Reason != "class count 4 -> 6" || !rec.Head.Trainable {
			t.Fatalf("%s: head record %+v", act, rec.Head)
		}
		if !reflect.DeepEqual(rec.Reinitialized, []string{"fc2.weight", "fc2.bias"}) || len(rec.Loaded) != 10 ||
			slices.Contains(rec.Loaded, "fc2.weight") || rec.FromData != "synth" || rec.FromAct != "relu" || rec.FromEpochs != 1 {
			t.Errorf("%s: record %+v", act, rec)
		}
		if act == "relu" && rec.Swapped != nil {
			t.Errorf("relu -> relu recorded a swap %+v", rec.Swapped)
		}
		if act != "relu" && (rec.Swapped == nil || rec.Swapped.From != "relu" || rec.Swapped.Sites != 5) {
			t.Errorf("swap record %+v", rec.Swapped)
		}
		// The target is normalised with its own training statistics.
		if want := datasets.ComputeNormalization(tr.trainSet); !reflect.DeepEqual(rec.Norm.Mean, want.Mean) ||
			rec.Norm.Stats != NormTarget || !reflect.DeepEqual(rec.Norm.FromMean, ck.Result.Data.Mean) {
			t.Errorf("norm record %+v", rec.Norm)
		}
	}
	// Pairing: one seed, one new head, whatever the activation.
	if d := equalBits(heads["relu"], heads["pvlu(a=0.1,b=1)"]); d != "" {
		t.Errorf("two activations, same seed: different new heads (%s)", d)
	}
	cfg := transferConfig(path, "relu")
	cfg.Seed = 8
	other, err := setUpTrial(t, cfg, target)
	if err != nil {
		t.Fatal(err)
	}
	if equalBits(heads["relu"], values(other.model.HeadParams())) == "" {
		t.Error("seeds 7 and 8 gave the same new head")
	}
	// Same class count: the head is kept unless new_head asks.
	same := transferConfig(path, "relu")
	same.Data = "synth"
	kept, err := setUpTrial(t, same, synthData(4))
	if err != nil {
		t.Fatal(err)
	}
	if kept.transfer.Head.Replaced || len(kept.transfer.Reinitialized) != 0 ||
		equalBits(values(kept.model.HeadParams()), map[string][]float32{"fc2.weight": ck.tensors["best/fc2.weight"], "fc2.bias": ck.tensors["best/fc2.bias"]}) != "" {
		t.Errorf("same class count: head record %+v", kept.transfer.Head)
	}
	same.FineTune = &FineTune{From: path, NewHead: true, Norm: NormSource}
	renewed, err := setUpTrial(t, same, synthData(4))
	if err != nil {
		t.Fatal(err)
	}
	if h := renewed.transfer.Head; !h.Replaced || h.Reason != "new_head requested" || len(renewed.transfer.Reinitialized) != 2 {
		t.Errorf("new_head: %+v", h)
	}
	if n := renewed.transfer.Norm; n.Stats != NormSource || !reflect.DeepEqual(n.Mean, ck.Result.Data.Mean) || !reflect.DeepEqual(renewed.norm.Std, ck.Result.Data.Std) {
		t.Errorf("norm source: %+v", n)
	}
}

func TestTransferFreezingKeepsTheNewHeadTrainable(t *testing.T) {
	dir := t.TempDir()
	path := pretrainSynth(t, dir, "pre.ckpt", nil, nil)
	ck, _ := readCheckpoint(path)
	pre := map[string][]float32{}
	for name, v := range ck.tensors {
		if rest, ok := strings.CutPrefix(name, "best/"); ok {
			pre[rest] = v
		}
	}
	target := synthData(6)
	for _, tc := range []struct {
		freeze string
		lastK  int
		act    string
		moves  func(name string) bool
	}{
		{FreezeAllButAct, 0, "pvlu(a=0.1,b=1)", func(n string) bool { return strings.HasPrefix(n, "fc2.") }},
		{FreezeAllButAct, 0, "relu", func(n string) bool { return strings.HasPrefix(n, "fc2.") }},
		{FreezeAllButK, 1, "relu", func(n string) bool { return strings.HasPrefix(n, "fc2.") }},
		{FreezeAllButK, 2, "relu", func(n string) bool { return strings.HasPrefix(n, "fc") }},
		{FreezeNone, 0, "relu", func(string) bool { return true }},
	} {
		cfg := transferConfig(path, tc.act)
		cfg.FineTune.Freeze, cfg.FineTune.LastK = tc.freeze, tc.lastK
		out := filepath.Join(dir, "ft.ckpt")
		r, err := Run(context.Background(), cfg, Options{Data: target, Checkpoint: out})
		if err != nil {
			t.Fatal(err)
		}
		if r.Transfer == nil || !r.Transfer.Head.Trainable || r.Model.Classes != 6 {
			t.Fatalf("%s/%d: transfer record %+v", tc.freeze, tc.lastK, r.Transfer)
		}
		m, _, _, err := LoadModel(out, ModelLast)
		if err != nil {
			t.Fatal(err)
		}
		fresh, _ := models.New("simplecnn", "relu", []int{3, 8, 8}, 6)
		fresh.Init(deriveSeed(7, "init"))
		start := values(fresh.HeadParams())
		for name, v := range pre {
			if _, ok := start[name]; !ok {
				start[name] = v
			}
		}
		trainable := 0
		for _, p := range m.Params() {
			if p.Kind == layers.ActivationParam {
				trainable += len(p.Value.Float32s())
				continue
			}
			moved := !reflect.DeepEqual(p.Value.Float32s(), start[p.Name])
			if moved != tc.moves(p.Name) {
				t.Errorf("freeze %s k=%d %s: %s moved = %v", tc.freeze, tc.lastK, tc.act, p.Name, moved)
			}
			if moved {
				trainable += len(p.Value.Float32s())
			}
		}
		if tc.freeze == FreezeAllButAct && r.Model.Trainable != trainable {
			t.Errorf("freeze %s %s: %d trainable values, want %d (activation parameters + new head)", tc.freeze, tc.act, r.Model.Trainable, trainable)
		}
	}
}

func TestTransferRefusesIncompatibleCheckpoints(t *testing.T) {
	dir := t.TempDir()
	mlp := pretrainSynth(t, dir, "mlp.ckpt", func(c *Config) { c.Model = "mlp(hidden=32,depth=1)" }, nil)
	cnn := pretrainSynth(t, dir, "cnn.ckpt", nil, nil)
	for _, tc := range []struct {
		name string
		cfg  func() Config
		data *Data
		want []string
	}{
		{"other model", func() Config {
			c := transferConfig(mlp, "relu")
			c.Model = "mlp(hidden=16,depth=1)"
			return c
		}, synthData(6), []string{"holds model mlp(depth=1,hidden=32)", "builds mlp(depth=1,hidden=16)", "fc1.weight", "[32 192]", "[16 192]"}},
		{"other image size", func() Config { return transferConfig(cnn, "relu") }, resized(synthData(6), 16),
			[]string{"tensor fc1.weight", "[512 256]", "[512 1024]", "trained on [3 8 8] images"}},
	} {
		_, err := Run(context.Background(), tc.cfg(), Options{Data: tc.data})
		if err == nil {
			t.Fatalf("%s: no error", tc.name)
		}
		t.Logf("%s: %v", tc.name, err)
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tc.name, err, w)
			}
		}
	}
	// Only a finished trial is a source.
	ctx, cancel := context.WithCancel(context.Background())
	half := filepath.Join(dir, "half.ckpt")
	cfg := baseConfig()
	cfg.Epochs = 2
	Run(ctx, cfg, Options{Data: synthData(4), Checkpoint: half, OnBatch: func(p Position) {
		if p.Epochs == 1 && p.Batches == 1 {
			cancel()
		}
	}})
	if _, err := Run(context.Background(), transferConfig(half, "relu"), Options{Data: synthData(6)}); err == nil ||
		!strings.Contains(err.Error(), "unfinished trial (1 of 2 epochs)") {
		t.Errorf("unfinished source: %v", err)
	}
}

func TestTransferBlursTheTargetOnly(t *testing.T) {
	dir := t.TempDir()
	path := pretrainSynth(t, dir, "pre.ckpt", nil, nil)
	cfg := transferConfig(path, "pvlu(a=0.1,b=1)")
	cfg.Blur = 1
	target := synthData(6)
	r, err := Run(context.Background(), cfg, Options{Data: target})
	if err != nil {
		t.Fatal(err)
	}
	if r.Config.Blur != 1 || r.Config.BlurApply != "both" || r.Transfer.FromBlur != 0 || r.Status != StatusOK {
		t.Fatalf("blur %g (%s), source blur %g, status %s", r.Config.Blur, r.Config.BlurApply, r.Transfer.FromBlur, r.Status)
	}
	// The recorded statistics are those of the blurred target training split.
	train, _ := datasets.SplitValidation(target.Train, 32, deriveSeed(7, "validation"))
	want := datasets.ComputeNormalization(train.Blur(1, r.Config.BlurSize))
	if !reflect.DeepEqual(r.Transfer.Norm.Mean, want.Mean) || !reflect.DeepEqual(r.Data.Std, want.Std) {
		t.Errorf("norm %+v, want the blurred target's %+v", r.Transfer.Norm, want)
	}
}

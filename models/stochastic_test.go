package models

import (
	"reflect"
	"strings"
	"testing"
)

// TestRReLUModelSeeded checks that a model's random activation (RReLU) is
// seeded like its dropout: the same seed gives the same training logits,
// another seed other ones, and restoring the generator state replays them.
// resnet20 has no dropout, so the differences come from RReLU alone.
func TestRReLUModelSeeded(t *testing.T) {
	build := func(seed uint64) *Model {
		m, err := New("resnet20", "rrelu", cifar, 10)
		if err != nil {
			t.Fatal(err)
		}
		m.Init(seed)
		return m
	}
	x := randomBatch(2, cifar, 3)
	a, b, c := build(5), build(5), build(6)
	la := append([]float32(nil), a.Forward(x, true).Float32s()...)
	if lb := b.Forward(x, true).Float32s(); !reflect.DeepEqual(la, lb) {
		t.Error("same seed, different training logits")
	}
	if lc := c.Forward(x, true).Float32s(); reflect.DeepEqual(la, lc) {
		t.Error("seeds 5 and 6 gave the same training logits: RReLU's slopes do not depend on the seed")
	}
	saved, err := a.RNGState()
	if err != nil {
		t.Fatal(err)
	}
	next := append([]float32(nil), a.Forward(x, true).Float32s()...)
	if reflect.DeepEqual(la, next) {
		t.Error("two training steps gave the same logits: the slopes were not redrawn")
	}
	if err := a.SetRNGState(saved); err != nil {
		t.Fatal(err)
	}
	if again := a.Forward(x, true).Float32s(); !reflect.DeepEqual(next, again) {
		t.Error("restoring the generator state did not replay RReLU's slopes")
	}
}

// TestSetRNGStateWithoutActivationState checks that generator states saved
// before activation layers had generators (no entry for them) still load
// for a deterministic activation, and are refused for a random one.
func TestSetRNGStateWithoutActivationState(t *testing.T) {
	for _, c := range []struct {
		act     string
		wantErr bool
	}{{"relu", false}, {"rrelu", true}} {
		m, err := New("simplecnn", c.act, cifar, 10)
		if err != nil {
			t.Fatal(err)
		}
		m.Init(1)
		saved, err := m.RNGState()
		if err != nil {
			t.Fatal(err)
		}
		dropped := 0
		for _, site := range m.Activations() {
			if _, ok := saved[site.Name()]; ok {
				delete(saved, site.Name())
				dropped++
			}
		}
		if dropped == 0 {
			t.Fatalf("%s: no generator state saved for the activation layers", c.act)
		}
		err = m.SetRNGState(saved)
		if c.wantErr && (err == nil || !strings.Contains(err.Error(), "no saved rng state")) {
			t.Errorf("%s: SetRNGState without the activations' states: %v, want a missing-state error", c.act, err)
		}
		if !c.wantErr && err != nil {
			t.Errorf("%s: SetRNGState without the activations' states: %v", c.act, err)
		}
	}
}

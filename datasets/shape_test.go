package datasets

import (
	"testing"
)

// TestShapeOf checks the shapes against the datasets' documentation (MNIST:
// 60,000 + 10,000 28x28 grey images of 10 digits; CIFAR-10/100: 50,000 +
// 10,000 32x32 colour images of 10/100 classes), every name Load knows, and
// the spellings CanonicalName accepts.
func TestShapeOf(t *testing.T) {
	want := map[string]Shape{
		"mnist":    {C: 1, H: 28, W: 28, Classes: 10, Train: 60000, Test: 10000},
		"cifar10":  {C: 3, H: 32, W: 32, Classes: 10, Train: 50000, Test: 10000},
		"cifar100": {C: 3, H: 32, W: 32, Classes: 100, Train: 50000, Test: 10000},
	}
	for _, name := range Names {
		s, ok := ShapeOf(name)
		if !ok || s != want[name] {
			t.Errorf("ShapeOf(%s) = %+v %v, want %+v", name, s, ok, want[name])
		}
	}
	if s, ok := ShapeOf("CIFAR-100"); !ok || s.Classes != 100 {
		t.Errorf("ShapeOf(CIFAR-100) = %+v %v", s, ok)
	}
	if _, ok := ShapeOf("imagenet"); ok {
		t.Error("ShapeOf(imagenet) found a shape")
	}
	if in := want["cifar10"].Input(); len(in) != 3 || in[0] != 3 || in[1] != 32 || in[2] != 32 {
		t.Errorf("Input() = %v", in)
	}
}

// TestShapeOfMatchesTheFiles loads each dataset that is available (MNIST
// always is, through the GoMNIST module; CIFAR where ../shared/datasets
// holds it) and compares what the files hold with its Shape.
func TestShapeOfMatchesTheFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("reads whole datasets")
	}
	for _, name := range Names {
		train, test, err := Load(name, "")
		if err != nil {
			t.Logf("%s not available: %v", name, err)
			continue
		}
		s, _ := ShapeOf(name)
		got := Shape{C: train.C, H: train.H, W: train.W, Classes: train.Classes, Train: train.Official, Test: test.Official}
		if got != s || test.C != s.C || test.H != s.H || test.W != s.W || train.Len() > s.Train || test.Len() > s.Test {
			t.Errorf("%s: files hold %+v (%d + %d images), ShapeOf says %+v", name, got, train.Len(), test.Len(), s)
		}
	}
}

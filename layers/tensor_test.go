package layers

import (
	"testing"

	"gorgonia.org/tensor"
)

// TestTensorPackageStarts guards the go.mod pin of
// go4.org/unsafe/assume-no-moving-gc: gorgonia.org/tensor v0.9.24 panics at
// program start on Go >= 1.20 with the version it asks for, so a test binary
// that imports it and gets here shows the pin is still in force.
func TestTensorPackageStarts(t *testing.T) {
	d := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float32{1, 2, 3, 4, 5, 6}))
	v, err := d.At(1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if v.(float32) != 6 {
		t.Fatalf("At(1,2) = %v, want 6", v)
	}
}

package datasets

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// TestBlurMatchesScipy compares Blur with scipy.ndimage.gaussian_filter
// (testdata/gen_blur_golden.py), including a kernel wider than the image.
func TestBlurMatchesScipy(t *testing.T) {
	data, err := os.ReadFile("testdata/blur_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		C, H, W int
		Input   []uint8
		Cases   []struct {
			Sigma  float64
			Size   int
			Output []float64
		}
	}
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	s := &Set{C: golden.C, H: golden.H, W: golden.W, Classes: 1, Pixels: golden.Input, Labels: []int32{0}}
	for _, c := range golden.Cases {
		got := s.Blur(c.Sigma, c.Size).Pixels
		for i, want := range c.Output {
			exact := math.Floor(want + 0.5)
			tie := math.Abs(want-math.Floor(want)-0.5) < 1e-9
			if d := math.Abs(float64(got[i]) - exact); d > 0 && !(tie && d <= 1) {
				t.Fatalf("sigma %v size %d pixel %d: %d, scipy %.6f", c.Sigma, c.Size, i, got[i], want)
			}
		}
	}
}

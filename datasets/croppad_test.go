package datasets

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
)

// gridSet is one 1-channel HxW image whose pixel (y, x) is 10*y + x, so a
// pixel's value says where it came from.
func gridSet(h, w int) *Set {
	s := &Set{Name: "grid", Split: "train", C: 1, H: h, W: w, Classes: 2, Labels: []int32{0}}
	s.Pixels = make([]uint8, h*w)
	for y := range h {
		for x := range w {
			s.Pixels[y*w+x] = uint8(10*y + x)
		}
	}
	return s
}

// crop runs the augmentation path of mode on image 0 of s for a given
// offset and flip, without normalisation unless norm is set, and returns
// the output in pixel units (value*255, rounded) or normalised values.
func crop(t *testing.T, s *Set, mode PadMode, norm Normalization, dx, dy int, flip bool) []float32 {
	t.Helper()
	b := NewBatcher(s, BatchConfig{BatchSize: 1, Augment: true, Pad: mode, Norm: norm})
	out := make([]float32, s.ImageSize())
	if mode == PadReflect {
		b.writeReflected(out, s.Image(0), dx, dy, flip)
	} else {
		b.writeAugmented(out, s.Image(0), dx, dy, flip)
	}
	return out
}

func pixels(v []float32) []int {
	out := make([]int, len(v))
	for i, f := range v {
		out[i] = int(f*255 + 0.5)
	}
	return out
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestCropPadReflectHandComputed: reflect-101 on a 5x5 image, worked out by
// hand. dx = -3 maps output columns 0..4 to input columns -3..1, mirrored
// to 3 2 1 0 1; dy = +2 maps rows 0..4 to 2..6, mirrored to 2 3 4 3 2.
// dx = +4 maps columns to 4..8, mirrored to 4 3 2 1 0.
func TestCropPadReflectHandComputed(t *testing.T) {
	s := gridSet(5, 5)
	for _, tc := range []struct {
		dx, dy int
		flip   bool
		want   []int
	}{
		{-3, 2, false, []int{
			23, 22, 21, 20, 21,
			33, 32, 31, 30, 31,
			43, 42, 41, 40, 41,
			33, 32, 31, 30, 31,
			23, 22, 21, 20, 21}},
		{-3, 2, true, []int{ // the same crop, columns mirrored
			21, 20, 21, 22, 23,
			31, 30, 31, 32, 33,
			41, 40, 41, 42, 43,
			31, 30, 31, 32, 33,
			21, 20, 21, 22, 23}},
		{4, -4, false, []int{ // rows -4..0 -> 4 3 2 1 0
			44, 43, 42, 41, 40,
			34, 33, 32, 31, 30,
			24, 23, 22, 21, 20,
			14, 13, 12, 11, 10,
			4, 3, 2, 1, 0}},
		{0, 0, true, []int{
			4, 3, 2, 1, 0,
			14, 13, 12, 11, 10,
			24, 23, 22, 21, 20,
			34, 33, 32, 31, 30,
			44, 43, 42, 41, 40}},
	} {
		got := pixels(crop(t, s, PadReflect, Normalization{}, tc.dx, tc.dy, tc.flip))
		if !equalInts(got, tc.want) {
			t.Errorf("reflect dx=%d dy=%d flip=%v:\n got %v\nwant %v", tc.dx, tc.dy, tc.flip, got, tc.want)
		}
	}
	// Smaller than the padding: mirroring repeats with period 2*(W-1) = 4
	// on a 3-wide image: columns -4..-2 -> 0 1 2... i.e. -4 -> 0, -3 -> 1,
	// -2 -> 2; rows +4..+6 -> 0 1 2.
	small := gridSet(3, 3)
	got := pixels(crop(t, small, PadReflect, Normalization{}, -4, 4, false))
	want := []int{0, 1, 2, 10, 11, 12, 20, 21, 22}
	if !equalInts(got, want) {
		t.Errorf("reflect on a 3x3 image, dx=-4 dy=4: got %v, want %v", got, want)
	}
}

// TestCropPadBlackAndMeanHandComputed: with Mean 0.5 and Std 0.25 a black
// padding pixel is (0 - 0.5)/0.25 = -2, a mean-colour one exactly 0, and
// pixel 51 (0.2) is (0.2 - 0.5)/0.25 = -1.2 either way.
func TestCropPadBlackAndMeanHandComputed(t *testing.T) {
	s := &Set{Name: "flat", Split: "train", C: 1, H: 3, W: 3, Classes: 2, Labels: []int32{0},
		Pixels: []uint8{51, 51, 51, 51, 51, 51, 51, 51, 51}}
	norm := Normalization{Mean: []float32{0.5}, Std: []float32{0.25}}
	const P, X = 999, -1.2 // P marks a padding pixel
	// dx = 1, dy = -1: the top row and the right column are padding.
	layout := []float64{P, P, P, X, X, P, X, X, P}
	for _, tc := range []struct {
		mode PadMode
		pad  float64
	}{{PadBlack, -2}, {"", -2}, {PadMean, 0}} {
		got := crop(t, s, tc.mode, norm, 1, -1, false)
		for i, w := range layout {
			if w == P {
				w = tc.pad
			}
			if d := float64(got[i]) - w; d > 1e-6 || d < -1e-6 {
				t.Errorf("mode %q: value %d = %g, want %g (got %v)", tc.mode, i, got[i], w, got)
				break
			}
		}
	}
}

// TestCropPadModesShareDraws: the padding mode changes only the pixels
// beyond the edge: the offsets and flips (and therefore every pixel inside
// the image) are those of the default mode, and Next allocates nothing.
func TestCropPadModesShareDraws(t *testing.T) {
	s := syntheticSet(40, 3, 8, 8, 4)
	for i := range s.Pixels { // no zero pixels: black padding is recognisable
		s.Pixels[i] = max(s.Pixels[i], 1)
	}
	run := func(mode PadMode) []float32 {
		b := NewBatcher(s, BatchConfig{BatchSize: 40, Augment: true, Pad: mode, Seed: 3})
		x, labels := make([]float32, 40*s.ImageSize()), make([]int32, 40)
		if a := testing.AllocsPerRun(5, func() {
			b.Epoch(1)
			b.Next(x, labels)
		}); a != 0 {
			t.Errorf("mode %s: Next allocates %v times", mode, a)
		}
		return x
	}
	black := run(PadBlack)
	for _, mode := range []PadMode{PadMean, PadReflect} {
		other := run(mode)
		differ := 0
		for i := range black {
			if black[i] == 0 { // padding in black mode: anything goes
				continue
			}
			if black[i] != other[i] {
				t.Fatalf("mode %s: pixel %d inside the image is %g, black mode has %g", mode, i, other[i], black[i])
			}
		}
		for i := range black {
			if black[i] == 0 && other[i] != 0 {
				differ++
			}
		}
		if mode == PadReflect && differ == 0 {
			t.Errorf("reflect padding equals black padding everywhere")
		}
	}
}

func TestParsePadMode(t *testing.T) {
	for in, want := range map[string]PadMode{"": PadBlack, "black": PadBlack, "Mean": PadMean, "REFLECT": PadReflect} {
		if got, err := ParsePadMode(in); err != nil || got != want {
			t.Errorf("ParsePadMode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParsePadMode("zero"); err == nil || !strings.Contains(err.Error(), "black, mean or reflect") {
		t.Errorf("ParsePadMode(zero): %v, want an error listing the modes", err)
	}
}

// TestCropMatchesTorch: every padding mode, offset and flip against
// testdata/crop_golden.json, written by the augment function of the
// PyTorch fidelity check (torch F.pad, itself checked there against numpy's
// np.pad; testdata/gen_crop_golden.py) on a non-square 3x6x7 image with a
// normalisation, so that check pads exactly as actbench does.
func TestCropMatchesTorch(t *testing.T) {
	data, err := os.ReadFile("testdata/crop_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		C, H, W   int
		Mean, Std []float32
		Input     []uint8
		Cases     []struct {
			Mode   PadMode
			DX, DY int
			Flip   bool
			Output []float64
		}
	}
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	s := &Set{Name: "golden", C: golden.C, H: golden.H, W: golden.W, Classes: 1, Pixels: golden.Input, Labels: []int32{0}}
	norm := Normalization{Mean: golden.Mean, Std: golden.Std}
	if len(golden.Cases) != 18 {
		t.Fatalf("%d golden cases, want 18", len(golden.Cases))
	}
	for _, c := range golden.Cases {
		got := crop(t, s, c.Mode, norm, c.DX, c.DY, c.Flip)
		for i, w := range c.Output {
			if math.Abs(float64(got[i])-w) > 1e-5 {
				t.Errorf("%s dx=%d dy=%d flip=%v: value %d = %g, torch %g", c.Mode, c.DX, c.DY, c.Flip, i, got[i], w)
				break
			}
		}
	}
}

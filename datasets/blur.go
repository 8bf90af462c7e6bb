package datasets

import (
	"fmt"
	"math"
	"strings"
)

// MaxBlurSize bounds the Gaussian kernel size.
const MaxBlurSize = 255

// CheckBlur validates Gaussian-blur parameters: sigma > 0 and finite, size odd
// in [1, MaxBlurSize]. Blur panics on what CheckBlur rejects, so validate user
// input with CheckBlur first.
func CheckBlur(sigma float64, size int) error {
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return fmt.Errorf("datasets: blur sigma: expected a positive finite number, found %v", sigma)
	}
	if size < 1 || size > MaxBlurSize || size%2 == 0 {
		return fmt.Errorf("datasets: blur kernel size: expected an odd number in [1, %d], found %d", MaxBlurSize, size)
	}
	return nil
}

// GaussianKernel returns the normalised 1-D Gaussian weights of the given
// size, w[i] proportional to exp(-(i-size/2)^2 / (2 sigma^2)).
func GaussianKernel(sigma float64, size int) []float64 {
	if err := CheckBlur(sigma, size); err != nil {
		panic(err)
	}
	w := make([]float64, size)
	r := size / 2
	sum := 0.0
	for i := range w {
		d := float64(i - r)
		w[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

// reflectIndex maps i into [0, n) by mirror reflection about the edges,
// repeating the edge pixel (d c b a | a b c d | d c b a), like
// scipy.ndimage's mode "reflect"; it handles kernels wider than the image.
func reflectIndex(i, n int) int {
	period := 2 * n
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - 1 - i
	}
	return i
}

// Blur returns a copy of s with every channel of every image filtered by a
// separable Gaussian of the given sigma (pixels) and kernel size, borders by
// reflection, results rounded to the nearest byte. The paper's blurred
// CIFAR-10 experiments use this as a dataset transform; the Set records it in
// Transforms.
func (s *Set) Blur(sigma float64, size int) *Set {
	w := GaussianKernel(sigma, size)
	r := size / 2
	t := s.withMeta()
	t.Labels = append([]int32(nil), s.Labels...)
	if s.Coarse != nil {
		t.Coarse = append([]int32(nil), s.Coarse...)
	}
	t.Pixels = make([]uint8, len(s.Pixels))
	t.Transforms = append(t.Transforms, BlurTag(sigma, size))

	H, W := s.H, s.W
	// Source indices of each tap, precomputed once for rows and columns.
	colIdx := make([]int, W*size)
	for x := 0; x < W; x++ {
		for k := 0; k < size; k++ {
			colIdx[x*size+k] = reflectIndex(x+k-r, W)
		}
	}
	rowIdx := make([]int, H*size)
	for y := 0; y < H; y++ {
		for k := 0; k < size; k++ {
			rowIdx[y*size+k] = reflectIndex(y+k-r, H)
		}
	}
	tmp := make([]float64, H*W)
	acc := make([]float64, W)
	planes := s.Len() * s.C
	for p := 0; p < planes; p++ {
		src := s.Pixels[p*H*W : (p+1)*H*W]
		dst := t.Pixels[p*H*W : (p+1)*H*W]
		// Horizontal pass into tmp; the interior needs no reflection.
		for y := 0; y < H; y++ {
			row := src[y*W : (y+1)*W]
			out := tmp[y*W : (y+1)*W]
			for x := 0; x < W; x++ {
				sum := 0.0
				if x >= r && x+r < W {
					for k, v := range row[x-r : x+r+1] {
						sum += w[k] * float64(v)
					}
				} else {
					for k, i := range colIdx[x*size : (x+1)*size] {
						sum += w[k] * float64(row[i])
					}
				}
				out[x] = sum
			}
		}
		// Vertical pass: whole rows at a time, contiguous inner loops.
		for y := 0; y < H; y++ {
			clear(acc)
			for k, i := range rowIdx[y*size : (y+1)*size] {
				wk := w[k]
				for x, v := range tmp[i*W : (i+1)*W] {
					acc[x] += wk * v
				}
			}
			out := dst[y*W : (y+1)*W]
			for x, v := range acc {
				out[x] = uint8(min(255, max(0, math.Floor(v+0.5))))
			}
		}
	}
	return t
}

// BlurTag is the Transforms entry of Blur, e.g. "blur(sigma=1,size=5)".
func BlurTag(sigma float64, size int) string {
	return fmt.Sprintf("blur(sigma=%g,size=%d)", sigma, size)
}

// BlurConfig says whether and where to blur: the paper filters CIFAR-10
// images with a Gaussian and trains or tests on the result.
type BlurConfig struct {
	Sigma float64 // 0 = no blur
	Size  int     // odd kernel size
	Apply string  // "train", "test" or "both" ("" = both)
}

// Enabled reports whether c asks for any blur.
func (c BlurConfig) Enabled() bool { return c.Sigma != 0 }

// Check validates c.
func (c BlurConfig) Check() error {
	if !c.Enabled() {
		return nil
	}
	if err := CheckBlur(c.Sigma, c.Size); err != nil {
		return err
	}
	switch strings.ToLower(c.Apply) {
	case "", "both", "train", "test":
		return nil
	}
	return fmt.Errorf("datasets: blur apply: expected train, test or both, found %q", c.Apply)
}

// ApplyTo returns train and test with the blur applied where configured;
// unblurred sets are returned as they are. c must pass Check.
func (c BlurConfig) ApplyTo(train, test *Set) (*Set, *Set) {
	if !c.Enabled() {
		return train, test
	}
	apply := strings.ToLower(c.Apply)
	if apply != "test" && train != nil {
		train = train.Blur(c.Sigma, c.Size)
	}
	if apply != "train" && test != nil {
		test = test.Blur(c.Sigma, c.Size)
	}
	return train, test
}

// String describes c for result records, e.g. "blur(sigma=1,size=5) on both".
func (c BlurConfig) String() string {
	if !c.Enabled() {
		return "none"
	}
	apply := c.Apply
	if apply == "" {
		apply = "both"
	}
	return BlurTag(c.Sigma, c.Size) + " on " + apply
}

// DefaultBlurSize is the kernel size used when only sigma is given: the odd
// size covering +-3 sigma, 2*ceil(3*sigma)+1, at most MaxBlurSize.
func DefaultBlurSize(sigma float64) int {
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return 1
	}
	return int(min(2*math.Ceil(3*sigma)+1, MaxBlurSize))
}

package datasets

import (
	"fmt"
	"math"
	"strings"
)

// Set is one split of a dataset held in memory as bytes, as in the files.
type Set struct {
	Name       string // "cifar10", "cifar100", "mnist"
	Split      string // "train", "test", "validation"
	C, H, W    int
	Classes    int      // number of label classes (fine classes for CIFAR-100)
	ClassNames []string // Classes names, index = label
	Pixels     []uint8  // Len()*C*H*W bytes, each image as C planes of H*W (CIFAR's layout)
	Labels     []int32  // Len() labels (fine labels for CIFAR-100)

	Coarse      []int32  // CIFAR-100 coarse labels, nil otherwise
	CoarseNames []string // CIFAR-100 coarse class names, nil otherwise

	Source string   // directory or archive the data came from
	Files  []string // files (or archive members) read, in order
	SHA256 string   // SHA-256 of the raw bytes of Files concatenated in order (decompressed for gzip)

	// Official is the record count of the complete official split (50,000
	// CIFAR training images, 10,000 test...). Len() < Official means the
	// files hold a subset.
	Official int
	// Transforms lists what was done to the data after reading, in order,
	// e.g. "subset(n=5000,seed=1)", "blur(sigma=1,size=5)". SHA256 always
	// identifies the files read; Transforms says how this Set derives from them.
	Transforms []string
}

// Len returns the number of images.
func (s *Set) Len() int { return len(s.Labels) }

// ImageSize returns C*H*W, the bytes (or float32 values) of one image.
func (s *Set) ImageSize() int { return s.C * s.H * s.W }

// Image returns the bytes of image i (C planes of H*W), aliasing s.Pixels.
func (s *Set) Image(i int) []uint8 {
	n := s.ImageSize()
	return s.Pixels[i*n : (i+1)*n : (i+1)*n]
}

// IsSubset reports whether the set holds fewer images than the official split
// or was derived by a transform that drops images.
func (s *Set) IsSubset() bool { return s.Official > 0 && s.Len() < s.Official }

// Describe returns a one-line identity for result records: name, split,
// count, transforms and checksum.
func (s *Set) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s/%s n=%d", s.Name, s.Split, s.Len())
	if s.IsSubset() {
		fmt.Fprintf(&b, " (subset of %d)", s.Official)
	}
	for _, t := range s.Transforms {
		b.WriteString(" " + t)
	}
	if s.SHA256 != "" {
		fmt.Fprintf(&b, " sha256=%.16s", s.SHA256)
	}
	return b.String()
}

// ClassCounts returns the number of images of each class.
func (s *Set) ClassCounts() []int {
	counts := make([]int, s.Classes)
	for _, l := range s.Labels {
		if int(l) >= 0 && int(l) < len(counts) {
			counts[l]++
		}
	}
	return counts
}

// CoarseCounts returns the number of images of each coarse class (CIFAR-100),
// or nil when the set has no coarse labels.
func (s *Set) CoarseCounts() []int {
	if s.Coarse == nil {
		return nil
	}
	counts := make([]int, len(s.CoarseNames))
	for _, l := range s.Coarse {
		if int(l) >= 0 && int(l) < len(counts) {
			counts[l]++
		}
	}
	return counts
}

// withMeta returns an empty Set with s's metadata and a copy of its slices of
// names and transforms.
func (s *Set) withMeta() *Set {
	t := *s
	t.Pixels, t.Labels, t.Coarse = nil, nil, nil
	t.Files = append([]string(nil), s.Files...)
	t.Transforms = append([]string(nil), s.Transforms...)
	return &t
}

// selectMask returns the images whose mask entry equals keep, in order.
func (s *Set) selectMask(mask []bool, keep bool) *Set {
	t := s.withMeta()
	n := 0
	for _, m := range mask {
		if m == keep {
			n++
		}
	}
	size := s.ImageSize()
	t.Pixels = make([]uint8, 0, n*size)
	t.Labels = make([]int32, 0, n)
	if s.Coarse != nil {
		t.Coarse = make([]int32, 0, n)
	}
	for i, m := range mask {
		if m != keep {
			continue
		}
		t.Pixels = append(t.Pixels, s.Image(i)...)
		t.Labels = append(t.Labels, s.Labels[i])
		if s.Coarse != nil {
			t.Coarse = append(t.Coarse, s.Coarse[i])
		}
	}
	return t
}

// stratifiedMask marks n images of s, allocated across classes in proportion
// to their counts (largest remainder, ties to the lower class) and chosen
// uniformly within each class. Requires 0 <= n <= s.Len().
func stratifiedMask(s *Set, n int, r *splitMix) []bool {
	total := s.Len()
	if total == 0 {
		return nil // nothing to choose (and no proportions to divide by)
	}
	byClass := make([][]int32, s.Classes)
	for i, l := range s.Labels {
		if l < 0 || int(l) >= s.Classes {
			panic(fmt.Sprintf("datasets: %s/%s image %d has label %d outside 0..%d (Set.Classes)", s.Name, s.Split, i, l, s.Classes-1))
		}
		byClass[l] = append(byClass[l], int32(i))
	}
	quota := make([]int, s.Classes)
	rem := make([]int, s.Classes)
	assigned := 0
	for c, idx := range byClass {
		q := n * len(idx)
		quota[c] = q / total
		rem[c] = q % total
		assigned += quota[c]
	}
	for left := n - assigned; left > 0; left-- {
		best := -1
		for c := range rem {
			if rem[c] > 0 && (best < 0 || rem[c] > rem[best]) {
				best = c
			}
		}
		quota[best]++
		rem[best] = 0
	}
	mask := make([]bool, total)
	for c, idx := range byClass {
		// Partial Fisher-Yates: the first quota[c] entries become a uniform sample.
		for i := 0; i < quota[c]; i++ {
			j := i + r.intn(len(idx)-i)
			idx[i], idx[j] = idx[j], idx[i]
			mask[idx[i]] = true
		}
	}
	return mask
}

// Subset returns n images of s chosen class-stratified with the given seed,
// in their original order. n >= Len() returns a copy of s; n <= 0 an empty set.
func (s *Set) Subset(n int, seed uint64) *Set {
	n = max(0, min(n, s.Len()))
	r := newSplitMix(seed, streamSubset, uint64(s.Len()))
	t := s.selectMask(stratifiedMask(s, n, &r), true)
	if n < s.Len() {
		t.Transforms = append(t.Transforms, fmt.Sprintf("subset(n=%d,seed=%d)", n, seed))
	}
	return t
}

// SplitValidation holds out n images of train, chosen class-stratified with
// the given seed, as a validation set; tr is the rest. Both keep the original
// order. n is clamped to [0, train.Len()].
func SplitValidation(train *Set, n int, seed uint64) (tr, val *Set) {
	n = max(0, min(n, train.Len()))
	r := newSplitMix(seed, streamValidation, uint64(train.Len()))
	mask := stratifiedMask(train, n, &r)
	tag := fmt.Sprintf("split(val=%d,seed=%d)", n, seed)
	tr = train.selectMask(mask, false)
	tr.Transforms = append(tr.Transforms, tag)
	val = train.selectMask(mask, true)
	val.Split = "validation"
	val.Transforms = append(val.Transforms, tag)
	return tr, val
}

// Normalization holds per-channel statistics in [0,1] pixel units: a pixel p
// of channel c becomes (p/255 - Mean[c]) / Std[c].
type Normalization struct{ Mean, Std []float32 }

// ComputeNormalization returns the per-channel mean and (population) standard
// deviation of s's pixels. Use it on the training split only.
func ComputeNormalization(s *Set) Normalization {
	norm := Normalization{Mean: make([]float32, s.C), Std: make([]float32, s.C)}
	plane := s.H * s.W
	sum := make([]uint64, s.C)
	sumSq := make([]uint64, s.C)
	for i := 0; i < s.Len(); i++ {
		img := s.Image(i)
		for c := 0; c < s.C; c++ {
			var a, b uint64
			for _, p := range img[c*plane : (c+1)*plane] {
				a += uint64(p)
				b += uint64(p) * uint64(p)
			}
			sum[c] += a
			sumSq[c] += b
		}
	}
	count := float64(s.Len() * plane)
	for c := range norm.Mean {
		if count == 0 {
			norm.Std[c] = 1
			continue
		}
		mean := float64(sum[c]) / count
		variance := float64(sumSq[c])/count - mean*mean
		norm.Mean[c] = float32(mean / 255)
		norm.Std[c] = float32(math.Sqrt(max(variance, 0)) / 255)
	}
	return norm
}

// String formats the statistics for result records.
func (n Normalization) String() string {
	return fmt.Sprintf("mean=%v std=%v", n.Mean, n.Std)
}

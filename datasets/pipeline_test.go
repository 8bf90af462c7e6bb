package datasets

import (
	"bytes"
	"math"
	"reflect"
	"testing"
)

// syntheticSet returns n random-ish images with unbalanced classes.
func syntheticSet(n, c, h, w, classes int) *Set {
	s := &Set{Name: "synthetic", Split: "train", C: c, H: h, W: w, Classes: classes,
		Pixels: make([]uint8, n*c*h*w), Labels: make([]int32, n), Official: n}
	r := newSplitMix(42, 0, 0)
	for i := range s.Pixels {
		s.Pixels[i] = uint8(r.next())
	}
	for i := range s.Labels {
		// Class k appears with weight k+1: unbalanced on purpose.
		v := r.intn(classes * (classes + 1) / 2)
		k := 0
		for v >= k+1 {
			v -= k + 1
			k++
		}
		s.Labels[i] = int32(k)
	}
	return s
}

func TestSubsetStratifiedAndSeeded(t *testing.T) {
	s := syntheticSet(1000, 1, 2, 2, 4)
	sub := s.Subset(100, 7)
	if sub.Len() != 100 {
		t.Fatalf("len %d", sub.Len())
	}
	full, part := s.ClassCounts(), sub.ClassCounts()
	for k := range full {
		want := float64(full[k]) * 100 / 1000
		if math.Abs(float64(part[k])-want) >= 1 {
			t.Errorf("class %d: %d of %d, want %.1f", k, part[k], full[k], want)
		}
	}
	if again := s.Subset(100, 7); !bytes.Equal(again.Pixels, sub.Pixels) {
		t.Error("same seed, different subset")
	}
	if other := s.Subset(100, 8); bytes.Equal(other.Pixels, sub.Pixels) {
		t.Error("different seeds, same subset")
	}
	if len(sub.Transforms) != 1 || sub.Transforms[0] != "subset(n=100,seed=7)" || !sub.IsSubset() {
		t.Errorf("transforms %v", sub.Transforms)
	}
	if s.Subset(5000, 1).Len() != 1000 || s.Subset(-1, 1).Len() != 0 {
		t.Error("clamping")
	}
}

func TestSplitValidationPartitions(t *testing.T) {
	s := syntheticSet(500, 1, 4, 4, 5)
	// Tag each image with its index in its first two pixels so that we can track it.
	for i := 0; i < s.Len(); i++ {
		s.Image(i)[0], s.Image(i)[1] = uint8(i), uint8(i>>8)
	}
	tr, val := SplitValidation(s, 50, 3)
	if tr.Len() != 450 || val.Len() != 50 || val.Split != "validation" || tr.Split != "train" {
		t.Fatalf("sizes %d %d", tr.Len(), val.Len())
	}
	seen := map[int]bool{}
	for _, part := range []*Set{tr, val} {
		last := -1
		for i := 0; i < part.Len(); i++ {
			id := int(part.Image(i)[0]) | int(part.Image(i)[1])<<8
			if seen[id] || id <= last {
				t.Fatalf("image %d repeated or out of order", id)
			}
			seen[id], last = true, id
			if part.Labels[i] != s.Labels[id] {
				t.Fatalf("label of %d moved", id)
			}
		}
	}
	if len(seen) != 500 {
		t.Fatalf("%d images covered", len(seen))
	}
	full, held := s.ClassCounts(), val.ClassCounts()
	for k := range full {
		if math.Abs(float64(held[k])-float64(full[k])/10) >= 1 {
			t.Errorf("class %d: %d held out of %d", k, held[k], full[k])
		}
	}
	tr2, val2 := SplitValidation(s, 50, 3)
	if !bytes.Equal(tr2.Pixels, tr.Pixels) || !bytes.Equal(val2.Pixels, val.Pixels) {
		t.Error("not reproducible")
	}
}

// An empty set (a filter that matched nothing, an empty file) subsets and
// splits into empty sets instead of dividing by zero.
func TestSubsetAndSplitOfEmptySet(t *testing.T) {
	empty := &Set{Name: "synthetic", Split: "train", C: 1, H: 2, W: 2, Classes: 3}
	for _, n := range []int{0, 1, 10} {
		sub := empty.Subset(n, 1)
		if sub.Len() != 0 || len(sub.Pixels) != 0 || sub.Classes != 3 || len(sub.Transforms) != 0 {
			t.Errorf("Subset(%d) of an empty set: len %d, %d pixels, transforms %v", n, sub.Len(), len(sub.Pixels), sub.Transforms)
		}
		tr, val := SplitValidation(empty, n, 1)
		if tr.Len() != 0 || val.Len() != 0 || val.Split != "validation" || tr.Split != "train" {
			t.Errorf("SplitValidation(empty, %d): %d + %d images, splits %q %q", n, tr.Len(), val.Len(), tr.Split, val.Split)
		}
	}
}

func TestComputeNormalization(t *testing.T) {
	s := syntheticSet(20, 3, 5, 5, 2)
	norm := ComputeNormalization(s)
	plane := 25
	for c := 0; c < 3; c++ {
		var sum, sq float64
		for i := 0; i < s.Len(); i++ {
			for _, p := range s.Image(i)[c*plane : (c+1)*plane] {
				v := float64(p) / 255
				sum += v
				sq += v * v
			}
		}
		n := float64(s.Len() * plane)
		mean := sum / n
		std := math.Sqrt(sq/n - mean*mean)
		if math.Abs(float64(norm.Mean[c])-mean) > 1e-6 || math.Abs(float64(norm.Std[c])-std) > 1e-6 {
			t.Errorf("channel %d: %v %v, want %v %v", c, norm.Mean[c], norm.Std[c], mean, std)
		}
	}
}

func TestBatcherPlainEpochCoversAllOnce(t *testing.T) {
	s := syntheticSet(103, 3, 4, 4, 3)
	norm := ComputeNormalization(s)
	b := NewBatcher(s, BatchConfig{BatchSize: 10, Shuffle: true, Norm: norm, Seed: 1})
	size := s.ImageSize()
	x := make([]float32, 10*size)
	labels := make([]int32, 10)
	for epoch := 0; epoch < 2; epoch++ {
		b.Epoch(epoch)
		count := map[int]int{}
		batches := 0
		for n := b.Next(x, labels); n > 0; n = b.Next(x, labels) {
			batches++
			if batches == b.Batches() && n != 3 {
				t.Fatalf("last batch %d", n)
			}
			for i := 0; i < n; i++ {
				// Find the image by exact comparison with its normalised pixels.
				idx := int(b.order[b.pos-n+i])
				count[idx]++
				img := s.Image(idx)
				for j, v := range x[i*size : (i+1)*size] {
					c := j / 16
					want := (float32(img[j])/255 - norm.Mean[c]) / norm.Std[c]
					if math.Abs(float64(v-want)) > 1e-5 {
						t.Fatalf("value %v, want %v", v, want)
					}
				}
				if labels[i] != s.Labels[idx] {
					t.Fatal("label mismatch")
				}
			}
		}
		if len(count) != 103 || batches != 11 {
			t.Fatalf("epoch %d: %d distinct images in %d batches", epoch, len(count), batches)
		}
	}
}

// collect runs one epoch and returns everything the batcher produced.
func collect(b *Batcher, epoch, batch int) ([]float32, []int32) {
	size := b.ImageSize()
	x := make([]float32, batch*size)
	labels := make([]int32, batch)
	var xs []float32
	var ls []int32
	b.Epoch(epoch)
	for n := b.Next(x, labels); n > 0; n = b.Next(x, labels) {
		xs = append(xs, x[:n*size]...)
		ls = append(ls, labels[:n]...)
	}
	return xs, ls
}

func TestBatcherReplaysExactly(t *testing.T) {
	s := syntheticSet(50, 3, 8, 8, 4)
	cfg := BatchConfig{BatchSize: 7, Shuffle: true, Augment: true, Seed: 99}
	x1, l1 := collect(NewBatcher(s, cfg), 3, 7)
	b := NewBatcher(s, cfg)
	collect(b, 0, 7) // a different history must not matter
	x2, l2 := collect(b, 3, 7)
	if !reflect.DeepEqual(x1, x2) || !reflect.DeepEqual(l1, l2) {
		t.Error("epoch 3 differs between runs")
	}
	cfg.BatchSize = 16
	x3, _ := collect(NewBatcher(s, cfg), 3, 16)
	if !reflect.DeepEqual(x1, x3) {
		t.Error("result depends on the batch size")
	}
	x4, l4 := collect(NewBatcher(s, cfg), 4, 16)
	if reflect.DeepEqual(x1, x4) || reflect.DeepEqual(l1, l4) {
		t.Error("epochs 3 and 4 identical")
	}
	cfg.Seed = 100
	x5, _ := collect(NewBatcher(s, cfg), 3, 16)
	if reflect.DeepEqual(x1, x5) {
		t.Error("seeds 99 and 100 identical")
	}
}

// naiveAugment pads by CropPad with zeros, crops at (dy+CropPad, dx+CropPad)
// and flips: the textbook definition, to check writeAugmented against.
func naiveAugment(s *Set, idx, dx, dy int, flip bool) []uint8 {
	H, W, P := s.H, s.W, CropPad
	out := make([]uint8, s.ImageSize())
	img := s.Image(idx)
	for c := 0; c < s.C; c++ {
		padded := make([]uint8, (H+2*P)*(W+2*P))
		for y := 0; y < H; y++ {
			for x := 0; x < W; x++ {
				padded[(y+P)*(W+2*P)+x+P] = img[c*H*W+y*W+x]
			}
		}
		for y := 0; y < H; y++ {
			for x := 0; x < W; x++ {
				v := padded[(y+dy+P)*(W+2*P)+x+dx+P]
				ox := x
				if flip {
					ox = W - 1 - x
				}
				out[c*H*W+y*W+ox] = v
			}
		}
	}
	return out
}

func TestBatcherAugmentMatchesDefinition(t *testing.T) {
	s := syntheticSet(400, 3, 32, 32, 10)
	for i := range s.Pixels { // no zero pixels, so padding is recognisable
		s.Pixels[i] = max(s.Pixels[i], 1)
	}
	b := NewBatcher(s, BatchConfig{BatchSize: 400, Augment: true, Seed: 5})
	x := make([]float32, 400*s.ImageSize())
	labels := make([]int32, 400)
	b.Epoch(2)
	if b.Next(x, labels) != 400 {
		t.Fatal("short batch")
	}
	offsets := map[[2]int]int{}
	flips := 0
	for i := 0; i < 400; i++ {
		dx, dy, flip := b.AugmentDraw(i)
		offsets[[2]int{dx, dy}]++
		if flip {
			flips++
		}
		want := naiveAugment(s, i, dx, dy, flip)
		for j, v := range x[i*s.ImageSize() : (i+1)*s.ImageSize()] {
			if v != float32(want[j])/255 {
				t.Fatalf("image %d (dx %d dy %d flip %v) value %d: %v, want %v", i, dx, dy, flip, j, v, float32(want[j])/255)
			}
		}
	}
	if len(offsets) < 70 || flips < 150 || flips > 250 {
		t.Errorf("draws: %d distinct offsets of 81, %d flips of 400", len(offsets), flips)
	}
}

func TestBatcherNextDoesNotAllocate(t *testing.T) {
	s := syntheticSet(64, 3, 32, 32, 10)
	b := NewBatcher(s, BatchConfig{BatchSize: 16, Shuffle: true, Augment: true, Norm: ComputeNormalization(s), Seed: 1})
	x := make([]float32, 16*s.ImageSize())
	labels := make([]int32, 16)
	allocs := testing.AllocsPerRun(20, func() {
		if b.Next(x, labels) == 0 {
			b.Epoch(1)
		}
	})
	if allocs != 0 {
		t.Errorf("Next allocates %v times per call", allocs)
	}
}

func TestBlurBasics(t *testing.T) {
	w := GaussianKernel(1.5, 7)
	sum := 0.0
	for i, v := range w {
		sum += v
		if v != w[len(w)-1-i] {
			t.Error("kernel not symmetric")
		}
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("kernel sums to %v", sum)
	}
	s := syntheticSet(3, 3, 8, 8, 2)
	for i := range s.Pixels[:192] {
		s.Pixels[i] = 77 // image 0 constant: unchanged by any blur
	}
	bl := s.Blur(2, 9)
	for _, v := range bl.Pixels[:192] {
		if v != 77 {
			t.Fatalf("constant image changed to %d", v)
		}
	}
	if bytes.Equal(bl.Pixels[192:], s.Pixels[192:]) {
		t.Error("blur changed nothing")
	}
	if id := s.Blur(0.01, 3); !bytes.Equal(id.Pixels, s.Pixels) {
		t.Error("tiny sigma is not the identity")
	}
	if bl.Transforms[0] != "blur(sigma=2,size=9)" || !reflect.DeepEqual(bl.Labels, s.Labels) {
		t.Errorf("transforms %v", bl.Transforms)
	}
	for _, bad := range []struct {
		sigma float64
		size  int
	}{{0, 3}, {-1, 3}, {math.NaN(), 3}, {math.Inf(1), 3}, {1, 4}, {1, 0}, {1, MaxBlurSize + 2}} {
		if CheckBlur(bad.sigma, bad.size) == nil {
			t.Errorf("CheckBlur(%v, %d) accepted", bad.sigma, bad.size)
		}
	}
	// A kernel wider than the image reflects repeatedly without going out of range.
	s.Blur(5, 41)
}

func TestDescribeRecordsDerivation(t *testing.T) {
	s := syntheticSet(100, 1, 4, 4, 2)
	s.Name, s.Official, s.SHA256 = "mnist", 60000, "0123456789abcdef0123"
	tr, _ := SplitValidation(s, 10, 1)
	got := tr.Subset(50, 2).Blur(1, 3).Describe()
	want := "mnist/train n=50 (subset of 60000) split(val=10,seed=1) subset(n=50,seed=2) blur(sigma=1,size=3) sha256=0123456789abcdef"
	if got != want {
		t.Errorf("Describe() = %q\nwant         %q", got, want)
	}
	if n := (Normalization{Mean: []float32{0.5}, Std: []float32{0.25}}).String(); n != "mean=[0.5] std=[0.25]" {
		t.Errorf("Normalization.String() = %q", n)
	}
}

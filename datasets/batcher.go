package datasets

import (
	"fmt"
	"strings"
)

// CropPad is the padding, in pixels, of the random-crop augmentation: each
// image is padded by CropPad on every side (as BatchConfig.Pad says) and an
// HxW window of the padded image is kept, i.e. shifted by
// -CropPad..+CropPad in each direction.
const CropPad = 4

// PadMode says what the random crop shows beyond the image's edge
// (BatchConfig.Pad).
type PadMode string

// Crop padding modes.
const (
	// PadBlack pads with black, pixel value 0 before normalisation (after
	// standardisation: -mean/std per channel). It is the default ("").
	PadBlack PadMode = "black"
	// PadMean pads with the normalisation's mean colour, i.e. exactly 0
	// after standardisation: what pipelines that crop the normalised tensor
	// with zero fill do. Without a Normalization (Mean 0) it is black.
	PadMean PadMode = "mean"
	// PadReflect mirrors the image about its edge pixels without repeating
	// them (reflect-101: columns -1, -2 show columns 1, 2), like
	// torchvision's RandomCrop(padding_mode="reflect") and numpy's
	// pad(mode="reflect"). On images smaller than CropPad+1 pixels the
	// mirroring repeats (period 2*(W-1)).
	PadReflect PadMode = "reflect"
)

// PadModes lists the crop padding modes, the default first.
func PadModes() []PadMode { return []PadMode{PadBlack, PadMean, PadReflect} }

// ParsePadMode returns the mode named s (case-insensitive; "" = PadBlack),
// or an error listing the modes.
func ParsePadMode(s string) (PadMode, error) {
	m := PadMode(strings.ToLower(s))
	if m == "" {
		return PadBlack, nil
	}
	for _, v := range PadModes() {
		if m == v {
			return m, nil
		}
	}
	return "", fmt.Errorf("crop padding %q unknown (want black, mean or reflect)", s)
}

// BatchConfig configures a Batcher.
type BatchConfig struct {
	BatchSize int
	Shuffle   bool // a new order every epoch
	// Augment applies, per image, a random crop of the image padded by
	// CropPad pixels as Pad says, and a random horizontal flip.
	Augment bool
	// Pad is the crop padding (PadBlack when empty).
	Pad  PadMode
	Norm Normalization // per channel; empty = Mean 0, Std 1 (pixels scaled to [0,1])
	Seed uint64
}

// Batcher produces normalised float32 NCHW batches from a Set. Order and
// augmentation depend only on (Seed, epoch, image index), so a trial replays
// exactly and the result does not depend on the batch size. Next does not
// allocate. A Batcher is not safe for concurrent use.
type Batcher struct {
	set     *Set
	cfg     BatchConfig
	lut     []float32 // C*256: normalised value of each byte value per channel
	pad     []float32 // per channel: the value of a padding pixel (black and mean modes)
	cols    []int32   // reflect mode: source column of each output column (scratch)
	order   []int32
	pos     int
	epoch   int
	started bool
}

// NewBatcher returns a Batcher over s. It panics if cfg.BatchSize < 1,
// cfg.Pad is not a PadMode or cfg.Norm does not have s.C channels
// (programming errors).
func NewBatcher(s *Set, cfg BatchConfig) *Batcher {
	if cfg.BatchSize < 1 {
		panic(fmt.Sprintf("datasets: NewBatcher: batch size %d, expected >= 1", cfg.BatchSize))
	}
	pad, err := ParsePadMode(string(cfg.Pad))
	if err != nil {
		panic(fmt.Sprintf("datasets: NewBatcher: %v", err))
	}
	cfg.Pad = pad
	if (len(cfg.Norm.Mean) != 0 || len(cfg.Norm.Std) != 0) && (len(cfg.Norm.Mean) != s.C || len(cfg.Norm.Std) != s.C) {
		panic(fmt.Sprintf("datasets: NewBatcher: normalisation has %d means and %d stds, expected %d channels",
			len(cfg.Norm.Mean), len(cfg.Norm.Std), s.C))
	}
	b := &Batcher{set: s, cfg: cfg, lut: make([]float32, s.C*256), pad: make([]float32, s.C),
		cols: make([]int32, s.W), order: make([]int32, s.Len())}
	for c := 0; c < s.C; c++ {
		mean, std := 0.0, 1.0
		if len(cfg.Norm.Mean) != 0 {
			mean, std = float64(cfg.Norm.Mean[c]), float64(cfg.Norm.Std[c])
			if !(std > 1e-12) { // a constant channel: centre it, do not divide by ~0
				std = 1
			}
		}
		for v := 0; v < 256; v++ {
			b.lut[c*256+v] = float32((float64(v)/255 - mean) / std)
		}
		if cfg.Pad == PadBlack {
			b.pad[c] = b.lut[c*256]
		} // PadMean: (mean-mean)/std = 0
	}
	return b
}

// Len returns the number of images per epoch.
func (b *Batcher) Len() int { return b.set.Len() }

// Batches returns the number of batches per epoch (the last may be short).
func (b *Batcher) Batches() int { return (b.set.Len() + b.cfg.BatchSize - 1) / b.cfg.BatchSize }

// ImageSize returns C*H*W, the float32 values per image in a batch.
func (b *Batcher) ImageSize() int { return b.set.ImageSize() }

// Config returns the configuration.
func (b *Batcher) Config() BatchConfig { return b.cfg }

// Epoch starts epoch (numbered from 0): the order, if shuffled, and the
// augmentation draws depend only on (Seed, epoch).
func (b *Batcher) Epoch(epoch int) {
	for i := range b.order {
		b.order[i] = int32(i)
	}
	if b.cfg.Shuffle {
		r := newSplitMix(b.cfg.Seed, streamShuffle, uint64(epoch))
		r.shuffle(b.order)
	}
	b.epoch, b.pos, b.started = epoch, 0, true
}

// Next fills x with the next batch (n images, n*C*H*W values) and labels with
// their labels, and returns n: BatchSize except for a short last batch, 0 at
// the end of the epoch. Without a prior Epoch call it starts epoch 0. It
// panics if x or labels cannot hold BatchSize images.
func (b *Batcher) Next(x []float32, labels []int32) (n int) {
	if !b.started {
		b.Epoch(0)
	}
	size := b.set.ImageSize()
	if len(x) < b.cfg.BatchSize*size || len(labels) < b.cfg.BatchSize {
		panic(fmt.Sprintf("datasets: Batcher.Next: buffers hold %d values and %d labels, expected %d and %d",
			len(x), len(labels), b.cfg.BatchSize*size, b.cfg.BatchSize))
	}
	n = min(b.cfg.BatchSize, len(b.order)-b.pos)
	for i := 0; i < n; i++ {
		idx := int(b.order[b.pos+i])
		labels[i] = b.set.Labels[idx]
		dst := x[i*size : (i+1)*size]
		if b.cfg.Augment {
			dx, dy, flip := b.AugmentDraw(idx)
			if b.cfg.Pad == PadReflect {
				b.writeReflected(dst, b.set.Image(idx), dx, dy, flip)
			} else {
				b.writeAugmented(dst, b.set.Image(idx), dx, dy, flip)
			}
		} else {
			b.writePlain(dst, b.set.Image(idx))
		}
	}
	b.pos += n
	return n
}

// AugmentDraw returns the crop offset (dx, dy in [-CropPad, CropPad]: output
// pixel (y, x) shows input pixel (y+dy, x+dx)) and flip of image idx in the
// current epoch.
func (b *Batcher) AugmentDraw(idx int) (dx, dy int, flip bool) {
	h := hashKeys(b.cfg.Seed^streamAugment, uint64(b.epoch), uint64(idx))
	const span = 2*CropPad + 1
	// Three independent 21-bit fields; the bias of the modulo is < 1e-5.
	dx = int((h&0x1fffff)%span) - CropPad
	dy = int((h>>21&0x1fffff)%span) - CropPad
	flip = h>>63 == 1
	return dx, dy, flip
}

func (b *Batcher) writePlain(dst []float32, src []uint8) {
	plane := b.set.H * b.set.W
	for c := 0; c < b.set.C; c++ {
		lut := b.lut[c*256 : c*256+256]
		s := src[c*plane : (c+1)*plane]
		d := dst[c*plane : (c+1)*plane]
		for j, v := range s {
			d[j] = lut[v]
		}
	}
}

// writeAugmented writes the crop shifted by (dx, dy), padded with the
// constant b.pad (black or mean modes), flipped horizontally if flip.
func (b *Batcher) writeAugmented(dst []float32, src []uint8, dx, dy int, flip bool) {
	H, W := b.set.H, b.set.W
	plane := H * W
	// Output columns x with 0 <= x+dx < W.
	x0, x1 := max(0, -dx), min(W, W-dx)
	for c := 0; c < b.set.C; c++ {
		lut := b.lut[c*256 : c*256+256]
		pad := b.pad[c]
		s := src[c*plane : (c+1)*plane]
		d := dst[c*plane : (c+1)*plane]
		for y := 0; y < H; y++ {
			row := d[y*W : (y+1)*W]
			sy := y + dy
			if sy < 0 || sy >= H || x0 >= x1 {
				for x := range row {
					row[x] = pad
				}
				continue
			}
			srow := s[sy*W : (sy+1)*W]
			if !flip {
				for x := 0; x < x0; x++ {
					row[x] = pad
				}
				in := srow[x0+dx : x1+dx]
				out := row[x0:x1]
				for j, v := range in {
					out[j] = lut[v]
				}
				for x := x1; x < W; x++ {
					row[x] = pad
				}
				continue
			}
			// Flipped: output column W-1-x shows what column x would show unflipped.
			for x := 0; x < x0; x++ {
				row[W-1-x] = pad
			}
			in := srow[x0+dx : x1+dx]
			out := row[W-x1 : W-x0]
			for j, k := 0, len(out)-1; j < len(in) && k >= 0; j, k = j+1, k-1 {
				out[k] = lut[in[j]]
			}
			for x := x1; x < W; x++ {
				row[W-1-x] = pad
			}
		}
	}
}

// writeReflected is writeAugmented for PadReflect: output pixel (y, x) of
// the unflipped crop shows input pixel (reflect(y+dy), reflect(x+dx)), and
// the flip mirrors the crop's columns.
func (b *Batcher) writeReflected(dst []float32, src []uint8, dx, dy int, flip bool) {
	H, W := b.set.H, b.set.W
	plane := H * W
	cols := b.cols
	for x := range W {
		sx := int32(reflect101(x+dx, W))
		if flip {
			cols[W-1-x] = sx
		} else {
			cols[x] = sx
		}
	}
	for c := 0; c < b.set.C; c++ {
		lut := b.lut[c*256 : c*256+256]
		s := src[c*plane : (c+1)*plane]
		d := dst[c*plane : (c+1)*plane]
		for y := 0; y < H; y++ {
			sy := reflect101(y+dy, H)
			srow := s[sy*W : (sy+1)*W]
			row := d[y*W : (y+1)*W]
			for x, sx := range cols {
				row[x] = lut[srow[sx]]
			}
		}
	}
}

// reflect101 maps coordinate i to [0, n) by mirroring about the first and
// last pixels without repeating them (-1 -> 1, n -> n-2), periodically for
// coordinates further out than n-1.
func reflect101(i, n int) int {
	if n == 1 {
		return 0
	}
	p := 2 * (n - 1)
	i %= p
	if i < 0 {
		i += p
	}
	if i >= n {
		i = p - i
	}
	return i
}

package layers

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"
)

// Dropout zeroes each element with probability p in training and scales the
// survivors by 1/(1-p) (inverted dropout, as PyTorch's nn.Dropout); it is
// the identity in evaluation. Masks come from the generator given to Init
// (one 32-bit draw per element, two per Uint64), so a seeded model draws the
// same masks on every run; without Init a fixed seed (0) is used.
type Dropout struct {
	name    string
	p       float64
	in      []int
	out, dx buffer
	mask    []float32 // 0 or 1/(1-p) per element of the last training Forward
	rng     *rand.Rand
	train   bool
	n       int
}

// NewDropout returns a dropout layer with drop probability p (checked in
// Setup: 0 <= p <= 1).
func NewDropout(name string, p float64) *Dropout { return &Dropout{name: name, p: p} }

func (l *Dropout) Name() string     { return l.name }
func (l *Dropout) Params() []*Param { return nil }

// Init keeps rng for drawing masks.
func (l *Dropout) Init(rng *rand.Rand) { l.rng = rng }

func (l *Dropout) Setup(in []int) ([]int, error) {
	if !(l.p >= 0 && l.p <= 1) {
		return nil, fmt.Errorf("layers: Dropout %s: p=%g, want 0 <= p <= 1", l.name, l.p)
	}
	if len(in) == 0 || prod(in) == 0 {
		return nil, shapeErr(l.name, "Dropout", in, "want a non-empty shape")
	}
	l.in = append([]int(nil), in...)
	l.out.setShape(in)
	l.dx.setShape(in)
	return l.in, nil
}

func (l *Dropout) Forward(x *tensor.Dense, train bool) *tensor.Dense {
	n := batchOf(l.name, x, l.in)
	l.train, l.n = train, n
	if !train || l.p == 0 {
		return x
	}
	y, ys := l.out.get(n)
	xs := f32(x)
	mask := scratch(&l.mask, len(xs))
	if l.rng == nil {
		l.rng = rand.New(rand.NewPCG(0, 0))
	}
	if l.p >= 1 {
		clear(mask)
		clear(ys)
		return y
	}
	// Keep when a uniform 32-bit draw is >= p*2^32.
	threshold := uint64(l.p * (1 << 32))
	scale := float32(1 / (1 - l.p))
	i := 0
	for ; i+1 < len(xs); i += 2 {
		r := l.rng.Uint64()
		m0, m1 := keep(r&0xffffffff, threshold, scale), keep(r>>32, threshold, scale)
		mask[i], mask[i+1] = m0, m1
		ys[i], ys[i+1] = xs[i]*m0, xs[i+1]*m1
	}
	if i < len(xs) {
		mask[i] = keep(l.rng.Uint64()&0xffffffff, threshold, scale)
		ys[i] = xs[i] * mask[i]
	}
	return y
}

// keep returns scale when the 32-bit draw r is >= threshold (<= 2^32), else
// 0, without a branch (the outcome is random, so a branch would mispredict).
func keep(r, threshold uint64, scale float32) float32 {
	kept := 1 - (r-threshold)>>63
	return float32(int64(kept)) * scale
}

func (l *Dropout) Backward(dy *tensor.Dense) *tensor.Dense {
	if !l.train || l.p == 0 {
		return dy
	}
	batchOf(l.name, dy, l.in)
	dx, dxs := l.dx.get(l.n)
	for j, g := range f32(dy) {
		dxs[j] = g * l.mask[j]
	}
	return dx
}

// Flatten reshapes [C H W] (or any shape) to [C*H*W]; its output shares the
// input's memory.
type Flatten struct {
	name     string
	in       []int
	size     int
	fwd, bwd view
}

// view caches a tensor header over a slice owned by another layer, rebuilt
// only when that slice or the batch changes.
type view struct {
	src  *float32
	n    int
	t    *tensor.Dense
	dims []int
}

func (v *view) of(data []float32, n int, shape []int) *tensor.Dense {
	if v.t != nil && v.n == n && len(data) > 0 && v.src == &data[0] {
		return v.t
	}
	v.dims = append(append(v.dims[:0], n), shape...)
	v.t = newTensor(data, v.dims...)
	v.n = n
	if len(data) > 0 {
		v.src = &data[0]
	}
	return v.t
}

// NewFlatten returns a flatten layer.
func NewFlatten(name string) *Flatten { return &Flatten{name: name} }

func (l *Flatten) Name() string     { return l.name }
func (l *Flatten) Params() []*Param { return nil }

func (l *Flatten) Setup(in []int) ([]int, error) {
	if len(in) == 0 || prod(in) == 0 {
		return nil, shapeErr(l.name, "Flatten", in, "want a non-empty shape")
	}
	l.in = append([]int(nil), in...)
	l.size = prod(in)
	return []int{l.size}, nil
}

func (l *Flatten) Forward(x *tensor.Dense, train bool) *tensor.Dense {
	n := batchOf(l.name, x, l.in)
	return l.fwd.of(f32(x), n, []int{l.size})
}

func (l *Flatten) Backward(dy *tensor.Dense) *tensor.Dense {
	n := batchOf(l.name, dy, []int{l.size})
	return l.bwd.of(f32(dy), n, l.in)
}

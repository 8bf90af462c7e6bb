package layers

import (
	"fmt"

	"github.com/actbench/actbench/kernels/pool"

	"gorgonia.org/tensor"
)

// pool2D is the geometry shared by max and average pooling: square windows,
// no padding, floor rounding (PyTorch's defaults for nn.MaxPool2d and
// nn.AvgPool2d with padding=0, ceil_mode=False).
type pool2D struct {
	name, kind  string
	k, stride   int
	c, h, w     int
	oh, ow      int
	in          []int
	out, dx     buffer
	x, dy       []float32
	n           int
	split       splitter
	fwd, bwd    func(part, lo, hi int)
	planeIn     int
	planeOutLen int
}

func (p *pool2D) setup(in []int) ([]int, error) {
	if p.k < 1 || p.stride < 1 {
		return nil, fmt.Errorf("layers: %s %s: kernel=%d stride=%d, want both >= 1", p.kind, p.name, p.k, p.stride)
	}
	if len(in) != 3 || prod(in) == 0 {
		return nil, shapeErr(p.name, p.kind, in, "want [C H W] with C, H, W >= 1")
	}
	if in[1] < p.k || in[2] < p.k {
		return nil, shapeErr(p.name, p.kind, in, "window %dx%d is larger than the %dx%d input", p.k, p.k, in[1], in[2])
	}
	p.in = append([]int(nil), in...)
	p.c, p.h, p.w = in[0], in[1], in[2]
	p.oh, p.ow = (p.h-p.k)/p.stride+1, (p.w-p.k)/p.stride+1
	p.planeIn, p.planeOutLen = p.h*p.w, p.oh*p.ow
	out := []int{p.c, p.oh, p.ow}
	p.out.setShape(out)
	p.dx.setShape(in)
	return out, nil
}

// MaxPool2D takes the maximum over k x k windows moved by stride, without
// padding. On ties the first maximum in row-major order gets the gradient,
// and a NaN in a window propagates, as in PyTorch.
type MaxPool2D struct {
	pool2D
	argmax []int32 // per output element, the index of the maximum in its input plane
}

// NewMaxPool2D returns a max pooling layer; kernel and stride are checked in
// Setup.
func NewMaxPool2D(name string, kernel, stride int) *MaxPool2D {
	l := &MaxPool2D{pool2D: pool2D{name: name, kind: "MaxPool2D", k: kernel, stride: stride}}
	l.fwd, l.bwd = l.forwardPart, l.backwardPart
	return l
}

func (l *MaxPool2D) Name() string                  { return l.name }
func (l *MaxPool2D) Params() []*Param              { return nil }
func (l *MaxPool2D) Setup(in []int) ([]int, error) { return l.setup(in) }

func (l *MaxPool2D) Forward(x *tensor.Dense, train bool) *tensor.Dense {
	n := batchOf(l.name, x, l.in)
	y, _ := l.out.get(n)
	if need := n * l.c * l.planeOutLen; cap(l.argmax) < need {
		l.argmax = make([]int32, need)
	}
	l.x, l.n = f32(x), n
	l.split.run(n*l.c, 16, l.fwd)
	return y
}

func (l *MaxPool2D) forwardPart(_, lo, hi int) {
	k, s, w := l.k, l.stride, l.w
	ys := l.out.data
	for pl := lo; pl < hi; pl++ {
		src := l.x[pl*l.planeIn : (pl+1)*l.planeIn]
		dst := ys[pl*l.planeOutLen : (pl+1)*l.planeOutLen]
		arg := l.argmax[pl*l.planeOutLen : (pl+1)*l.planeOutLen]
		if k == 2 && s == 2 {
			maxPool2x2(dst, arg, src, l.oh, l.ow, w)
			continue
		}
		for oy := 0; oy < l.oh; oy++ {
			for ox := 0; ox < l.ow; ox++ {
				base := oy*s*w + ox*s
				best, bi := src[base], base
				for ky := 0; ky < k && best == best; ky++ {
					row := base + ky*w
					for kx := 0; kx < k; kx++ {
						if v := src[row+kx]; v > best || v != v {
							best, bi = v, row+kx
							if v != v {
								break
							}
						}
					}
				}
				dst[oy*l.ow+ox] = best
				arg[oy*l.ow+ox] = int32(bi)
			}
		}
	}
}

// maxPool2x2 is the common 2x2 stride-2 case, one output row at a time on
// the kernels of kernels/pool (SIMD, or branch-free pure Go: the same
// choice, index and bits on every path).
func maxPool2x2(dst []float32, arg []int32, src []float32, oh, ow, w int) {
	for oy := 0; oy < oh; oy++ {
		base := 2 * oy * w
		pool.Max2x2Row(dst[oy*ow:oy*ow+ow], arg[oy*ow:oy*ow+ow], src[base:base+w], src[base+w:base+2*w], base, w)
	}
}

func (l *MaxPool2D) Backward(dy *tensor.Dense) *tensor.Dense {
	batchOf(l.name, dy, []int{l.c, l.oh, l.ow})
	dx, _ := l.dx.get(l.n)
	l.dy = f32(dy)
	l.split.run(l.n*l.c, 16, l.bwd)
	return dx
}

func (l *MaxPool2D) backwardPart(_, lo, hi int) {
	dxs := l.dx.data
	for pl := lo; pl < hi; pl++ {
		dst := dxs[pl*l.planeIn : (pl+1)*l.planeIn]
		clear(dst)
		g := l.dy[pl*l.planeOutLen : (pl+1)*l.planeOutLen]
		for j, i := range l.argmax[pl*l.planeOutLen : (pl+1)*l.planeOutLen] {
			dst[i] += g[j]
		}
	}
}

// AvgPool2D averages k x k windows moved by stride, without padding.
type AvgPool2D struct{ pool2D }

// NewAvgPool2D returns an average pooling layer; kernel and stride are
// checked in Setup.
func NewAvgPool2D(name string, kernel, stride int) *AvgPool2D {
	l := &AvgPool2D{pool2D{name: name, kind: "AvgPool2D", k: kernel, stride: stride}}
	l.fwd, l.bwd = l.forwardPart, l.backwardPart
	return l
}

func (l *AvgPool2D) Name() string                  { return l.name }
func (l *AvgPool2D) Params() []*Param              { return nil }
func (l *AvgPool2D) Setup(in []int) ([]int, error) { return l.setup(in) }

func (l *AvgPool2D) Forward(x *tensor.Dense, train bool) *tensor.Dense {
	n := batchOf(l.name, x, l.in)
	y, _ := l.out.get(n)
	l.x, l.n = f32(x), n
	l.split.run(n*l.c, 16, l.fwd)
	return y
}

func (l *AvgPool2D) forwardPart(_, lo, hi int) {
	k, s, w := l.k, l.stride, l.w
	inv := 1 / float32(k*k)
	ys := l.out.data
	for pl := lo; pl < hi; pl++ {
		src := l.x[pl*l.planeIn : (pl+1)*l.planeIn]
		dst := ys[pl*l.planeOutLen : (pl+1)*l.planeOutLen]
		for oy := 0; oy < l.oh; oy++ {
			for ox := 0; ox < l.ow; ox++ {
				base := oy*s*w + ox*s
				sum := float32(0)
				for ky := 0; ky < k; ky++ {
					for _, v := range src[base+ky*w : base+ky*w+k] {
						sum += v
					}
				}
				dst[oy*l.ow+ox] = sum * inv
			}
		}
	}
}

func (l *AvgPool2D) Backward(dy *tensor.Dense) *tensor.Dense {
	batchOf(l.name, dy, []int{l.c, l.oh, l.ow})
	dx, _ := l.dx.get(l.n)
	l.dy = f32(dy)
	l.split.run(l.n*l.c, 16, l.bwd)
	return dx
}

func (l *AvgPool2D) backwardPart(_, lo, hi int) {
	k, s, w := l.k, l.stride, l.w
	inv := 1 / float32(k*k)
	dxs := l.dx.data
	for pl := lo; pl < hi; pl++ {
		dst := dxs[pl*l.planeIn : (pl+1)*l.planeIn]
		clear(dst)
		g := l.dy[pl*l.planeOutLen : (pl+1)*l.planeOutLen]
		for oy := 0; oy < l.oh; oy++ {
			for ox := 0; ox < l.ow; ox++ {
				base := oy*s*w + ox*s
				v := g[oy*l.ow+ox] * inv
				for ky := 0; ky < k; ky++ {
					row := dst[base+ky*w : base+ky*w+k]
					for j := range row {
						row[j] += v
					}
				}
			}
		}
	}
}

// GlobalAvgPool averages each channel over its H x W plane: [C H W] -> [C].
type GlobalAvgPool struct {
	name    string
	in      []int
	c, hw   int
	out, dx buffer
	n       int
}

// NewGlobalAvgPool returns a global average pooling layer.
func NewGlobalAvgPool(name string) *GlobalAvgPool { return &GlobalAvgPool{name: name} }

func (l *GlobalAvgPool) Name() string     { return l.name }
func (l *GlobalAvgPool) Params() []*Param { return nil }

func (l *GlobalAvgPool) Setup(in []int) ([]int, error) {
	if len(in) != 3 || prod(in) == 0 {
		return nil, shapeErr(l.name, "GlobalAvgPool", in, "want [C H W] with C, H, W >= 1")
	}
	l.in = append([]int(nil), in...)
	l.c, l.hw = in[0], in[1]*in[2]
	l.out.setShape([]int{l.c})
	l.dx.setShape(in)
	return []int{l.c}, nil
}

func (l *GlobalAvgPool) Forward(x *tensor.Dense, train bool) *tensor.Dense {
	n := batchOf(l.name, x, l.in)
	y, ys := l.out.get(n)
	xs := f32(x)
	l.n = n
	inv := 1 / float32(l.hw)
	for pl := range ys {
		sum := float32(0)
		for _, v := range xs[pl*l.hw : (pl+1)*l.hw] {
			sum += v
		}
		ys[pl] = sum * inv
	}
	return y
}

func (l *GlobalAvgPool) Backward(dy *tensor.Dense) *tensor.Dense {
	batchOf(l.name, dy, []int{l.c})
	dx, dxs := l.dx.get(l.n)
	inv := 1 / float32(l.hw)
	for pl, g := range f32(dy) {
		v := g * inv
		row := dxs[pl*l.hw : (pl+1)*l.hw]
		for j := range row {
			row[j] = v
		}
	}
	return dx
}

package models

import (
	"fmt"

	"github.com/actbench/actbench/layers"
	"gorgonia.org/tensor"
)

// ShortcutA is the parameter-free shortcut of He et al. 2016 for CIFAR
// (option A): it subsamples the input with the given stride (x[:, :, ::s,
// ::s]) and pads the channels with zeros up to outC, half before and half
// after the input channels (as in the widely used PyTorch reference
// implementation, F.pad over the channel dimension).
type ShortcutA struct {
	name      string
	outC      int
	stride    int
	in        []int
	oh, ow    int
	before    int // zero channels before the input's
	n         int
	out, dx   []float32
	outT, dxT *tensor.Dense
	// Both passes run over images in layers.Threads() parts; src is the
	// pass's input (x or dy), set before each split.
	split    layers.Splitter
	fwd, bwd func(part, lo, hi int)
	src      []float32
}

// NewShortcutA returns an option-A shortcut to outC channels.
func NewShortcutA(name string, outC, stride int) *ShortcutA {
	l := &ShortcutA{name: name, outC: outC, stride: stride}
	l.fwd, l.bwd = l.forwardPart, l.backwardPart
	return l
}

// shortcutSplitMin is the output size (floats) from which a pass is split
// across threads: below it the hand-off costs more than it saves.
const shortcutSplitMin = 1 << 16

func (l *ShortcutA) run(n int, fn func(part, lo, hi int)) {
	minN := 2
	if n*l.outC*l.oh*l.ow < shortcutSplitMin {
		minN = n + 1
	}
	l.split.Run(n, minN, fn)
	l.src = nil
}

func (l *ShortcutA) Name() string            { return l.name }
func (l *ShortcutA) Params() []*layers.Param { return nil }

func (l *ShortcutA) Setup(in []int) ([]int, error) {
	if len(in) != 3 || in[0] < 1 || in[1] < 1 || in[2] < 1 {
		return nil, fmt.Errorf("models: ShortcutA %s: input shape %v, want [C H W]", l.name, in)
	}
	if l.stride < 1 || l.outC < in[0] || (l.outC-in[0])%2 != 0 {
		return nil, fmt.Errorf("models: ShortcutA %s: input %v to %d channels with stride %d: want stride >= 1 and an even channel increase",
			l.name, in, l.outC, l.stride)
	}
	l.in = append([]int(nil), in...)
	l.oh, l.ow = (in[1]+l.stride-1)/l.stride, (in[2]+l.stride-1)/l.stride
	l.before = (l.outC - in[0]) / 2
	l.n = -1
	return []int{l.outC, l.oh, l.ow}, nil
}

// resize makes the output and input-gradient tensors hold a batch of n.
func (l *ShortcutA) resize(n int) {
	if n == l.n {
		return
	}
	l.n = n
	outLen, inLen := n*l.outC*l.oh*l.ow, n*l.in[0]*l.in[1]*l.in[2]
	if cap(l.out) < outLen {
		l.out = make([]float32, outLen)
	}
	if cap(l.dx) < inLen {
		l.dx = make([]float32, inLen)
	}
	l.out, l.dx = l.out[:outLen], l.dx[:inLen]
	l.outT = tensor.New(tensor.WithBacking(l.out), tensor.WithShape(n, l.outC, l.oh, l.ow))
	l.dxT = tensor.New(tensor.WithBacking(l.dx), tensor.WithShape(n, l.in[0], l.in[1], l.in[2]))
}

func (l *ShortcutA) batch(t *tensor.Dense, c, h, w int) int {
	s := t.Shape()
	if len(s) != 4 || s[1] != c || s[2] != h || s[3] != w {
		panic(fmt.Sprintf("models: ShortcutA %s: tensor of shape %v, want [N %d %d %d]", l.name, s, c, h, w))
	}
	return s[0]
}

func (l *ShortcutA) Forward(x *tensor.Dense, train bool) *tensor.Dense {
	c, h, w := l.in[0], l.in[1], l.in[2]
	n := l.batch(x, c, h, w)
	l.resize(n)
	l.src = x.Float32s()
	l.run(n, l.fwd)
	return l.outT
}

func (l *ShortcutA) forwardPart(_, lo, hi int) {
	c, h, w := l.in[0], l.in[1], l.in[2]
	xs, ys := l.src, l.out
	clear(ys[lo*l.outC*l.oh*l.ow : hi*l.outC*l.oh*l.ow])
	for i := lo; i < hi; i++ {
		for ch := range c {
			src := xs[(i*c+ch)*h*w:]
			dst := ys[(i*l.outC+l.before+ch)*l.oh*l.ow:]
			for y := range l.oh {
				for xx := range l.ow {
					dst[y*l.ow+xx] = src[y*l.stride*w+xx*l.stride]
				}
			}
		}
	}
}

func (l *ShortcutA) Backward(dy *tensor.Dense) *tensor.Dense {
	n := l.batch(dy, l.outC, l.oh, l.ow)
	l.resize(n)
	l.src = dy.Float32s()
	l.run(n, l.bwd)
	return l.dxT
}

func (l *ShortcutA) backwardPart(_, lo, hi int) {
	c, h, w := l.in[0], l.in[1], l.in[2]
	gs, dx := l.src, l.dx
	clear(dx[lo*c*h*w : hi*c*h*w])
	for i := lo; i < hi; i++ {
		for ch := range c {
			src := gs[(i*l.outC+l.before+ch)*l.oh*l.ow:]
			dst := dx[(i*c+ch)*h*w:]
			for y := range l.oh {
				for xx := range l.ow {
					dst[y*l.stride*w+xx*l.stride] = src[y*l.ow+xx]
				}
			}
		}
	}
}

package layers

import (
	"fmt"

	"github.com/actbench/actbench/kernels/norm"
	"gorgonia.org/tensor"
)

// Sequential chains layers: each one's output is the next one's input.
// It is a Layer and a Container. It does not implement Initializer: a model
// walks the layers (see Walk) and initialises each with its own generator.
type Sequential struct {
	name   string
	layers []Layer
	fused  []bool // fused[i]: layer i (a BatchNorm or Residual) ran with the ReLU i+1 in the last Forward
}

// NewSequential returns the chain of ls.
func NewSequential(name string, ls ...Layer) *Sequential {
	return &Sequential{name: name, layers: ls}
}

func (s *Sequential) Name() string       { return s.name }
func (s *Sequential) Sublayers() []Layer { return s.layers }

// Add appends layers (before Setup).
func (s *Sequential) Add(ls ...Layer) { s.layers = append(s.layers, ls...) }

// Setup sets up every layer in turn; the error of a layer is wrapped with
// the chain's name.
func (s *Sequential) Setup(in []int) ([]int, error) {
	shape := in
	for _, l := range s.layers {
		out, err := l.Setup(shape)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		shape = out
	}
	s.shareInputGrads()
	return shape, nil
}

// inputGradSharer is implemented by layers whose Backward writes the input
// gradient to their own dx buffer and reads the output gradient only
// during the call: their dx buffers may share a backing array with any
// layer's whose gradient is not alive at the same time.
type inputGradSharer interface {
	shareInputGrad(s *gradStore)
}

func (l *Conv2D) shareInputGrad(s *gradStore)        { l.dx.share(s) }
func (l *Dense) shareInputGrad(s *gradStore)         { l.dx.share(s) }
func (l *BatchNorm) shareInputGrad(s *gradStore)     { l.dx.share(s) }
func (a *Activation) shareInputGrad(s *gradStore)    { a.dx.share(s) }
func (p *pool2D) shareInputGrad(s *gradStore)        { p.dx.share(s) }
func (l *GlobalAvgPool) shareInputGrad(s *gradStore) { l.dx.share(s) }

// shareInputGrads puts the input gradients of the chain's layers in two
// ping-pong stores: in Backward, layer i's gradient is alive only until
// layer i-1 has read it, so a layer never writes the store its output
// gradient is in and at most two gradients are alive. Flatten returns its
// output gradient reshaped, and Dropout returns it as is outside training,
// so the gradient flowing through them stays in the store it was in;
// other layers (Residual, a nested Sequential) return buffers of their
// own, outside this chain's stores. This halves or better the memory of a
// chain's gradients (every layer kept its own). The chain's Winograd
// convolutions share their scratch memory the same way.
func (s *Sequential) shareInputGrads() {
	wino := &winoScratch{}
	for _, l := range s.layers {
		if c, ok := l.(*Conv2D); ok && c.useWino() {
			c.wino.scratch = wino
		}
	}
	stores := [2]*gradStore{{}, {}}
	var in *gradStore // the store of the gradient reaching layer i, nil if another buffer
	for i := len(s.layers) - 1; i >= 0; i-- {
		switch l := s.layers[i].(type) {
		case inputGradSharer:
			st := stores[0]
			if in == st {
				st = stores[1]
			}
			l.shareInputGrad(st)
			in = st
		case *Flatten, *Dropout:
		default:
			in = nil
		}
	}
}

// actPlaneMin is the smallest plane (H*W) on which a batch norm runs the
// pointwise activation after it plane by plane: below, the calls cost more
// than the pass they save.
const actPlaneMin = 64

// noFuse turns off the fusions of layers (BatchNorm or Residual with a
// ReLU, a Residual's add with its body's last BatchNorm), for tests that
// compare them with the layers run one by one.
var noFuse bool

// Forward runs the layers in order. A BatchNorm or a Residual followed by
// a ReLU Activation runs as one pass (BatchNorm.forwardReLU,
// Residual.forwardReLU: the same values, one read and one write fewer per
// element); the BatchNorm's Backward stays two layers' (a Residual's is
// fused with the ReLU below it instead: see Backward).
func (s *Sequential) Forward(x *tensor.Dense, train bool) *tensor.Dense {
	return s.forwardLayers(x, train, len(s.layers))
}

// forwardLayers runs layers [0, hi) as Forward runs them all.
func (s *Sequential) forwardLayers(x *tensor.Dense, train bool, hi int) *tensor.Dense {
	if len(s.fused) != len(s.layers) {
		s.fused = make([]bool, len(s.layers))
	}
	for i := 0; i < hi; i++ {
		s.fused[i] = false
		if i+1 < hi && !noFuse {
			if a, ok := s.layers[i+1].(*Activation); ok && a.pointwise {
				if l, ok := s.layers[i].(*BatchNorm); ok && l.hw >= actPlaneMin {
					x = l.forwardAct(x, train, a)
					s.fused[i] = true
					i++
					s.fused[i] = false
					continue
				}
			}
			if a, ok := s.layers[i+1].(*Activation); ok && a.plainReLU {
				fused := true
				switch l := s.layers[i].(type) {
				case *BatchNorm:
					x = l.forwardReLU(x, train, a)
				case *Residual:
					x = l.forwardReLU(x, train, a)
				default:
					fused = false
				}
				if fused {
					s.fused[i] = true
					i++
					s.fused[i] = false
					continue
				}
			}
		}
		x = s.layers[i].Forward(x, train)
	}
	return x
}

// Backward runs the layers' Backward in reverse order. A Residual after a
// ReLU Activation (the ReLU below the block) runs with that ReLU's Backward
// as one pass (Residual.backwardReLU: the same values, one write and one
// read fewer per element).
func (s *Sequential) Backward(dy *tensor.Dense) *tensor.Dense {
	for i := len(s.layers) - 1; i >= 0; i-- {
		if r, ok := s.layers[i].(*Residual); ok && i > 0 && !noFuse {
			if a, ok := s.layers[i-1].(*Activation); ok && a.plainReLU {
				dy = r.backwardReLU(dy, a)
				i--
				continue
			}
		}
		dy = s.layers[i].Backward(dy)
	}
	return dy
}

// InputGradSkipper is implemented by layers that can leave out the gradient
// with respect to their input (Conv2D, Dense, and a Sequential whose first
// layer can): with SetSkipInputGrad(true) their Backward computes parameter
// gradients only and returns nil. Models set it on their first layer, whose
// input is data.
type InputGradSkipper interface {
	SetSkipInputGrad(skip bool)
}

// SetSkipInputGrad passes skip to the first layer when it is an
// InputGradSkipper; otherwise the input gradient is computed as usual.
func (s *Sequential) SetSkipInputGrad(skip bool) {
	if len(s.layers) > 0 {
		if k, ok := s.layers[0].(InputGradSkipper); ok {
			k.SetSkipInputGrad(skip)
		}
	}
}

// Params returns the parameters of every layer, in layer order, in a new
// slice: it is computed afresh, so that an Activation swapped after Setup is
// reflected, and a slice returned earlier is never changed.
func (s *Sequential) Params() []*Param {
	var ps []*Param
	for _, l := range s.layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}

// Residual computes body(x) + shortcut(x), with the identity when shortcut
// is nil. Both branches must produce the same shape.
type Residual struct {
	name           string
	body, shortcut *Sequential
	in, outShape   []int
	out, dx        buffer
	// The add runs over the batch in Threads() parts (addPart reads a, b
	// and writes dst, set before each split).
	split     splitter
	add       func(part, lo, hi int)
	a, b, dst []float32
	size      int  // floats per image
	relu      bool // addPart applies ReLU to the sums (forwardReLU)
	// gate, when set, is the saved input of the ReLU below the block:
	// addPart passes the sums through its derivative (backwardReLU).
	gate []float32
}

// NewResidual returns the residual block; shortcut nil means identity.
func NewResidual(name string, body, shortcut *Sequential) *Residual {
	r := &Residual{name: name, body: body, shortcut: shortcut}
	r.add = r.addPart
	return r
}

// addPart sets dst = a + b over images [lo, hi), then dst = ReLU(dst)
// when relu is set, in one pass (norm.Add: max(0, x) as act.ReLU computes
// it, -0 to +0 and a NaN kept), or, with gate set, passes the sums
// through the ReLU's derivative at gate (norm.AddReLUBackward).
func (r *Residual) addPart(_, lo, hi int) {
	o0, o1 := lo*r.size, hi*r.size
	if r.gate != nil {
		norm.AddReLUBackward(r.dst[o0:o1], r.a[o0:o1], r.b[o0:o1], r.gate[o0:o1])
		return
	}
	norm.Add(r.dst[o0:o1], r.a[o0:o1], r.b[o0:o1], r.relu)
}

// endsInBatchNorm returns the body's last layer and its index when it is
// a BatchNorm that adds the shortcut itself (fusion on), nil otherwise.
func (r *Residual) endsInBatchNorm() (*BatchNorm, int) {
	last := len(r.body.layers) - 1
	if last < 0 || noFuse {
		return nil, 0
	}
	bn, _ := r.body.layers[last].(*BatchNorm)
	return bn, last
}

// forwardReLU is Forward followed by the ReLU a, in one pass: it writes
// ReLU(body(x) + shortcut(x)) into a's output, with the kernel a.Forward
// would use, and leaves a ready for its Backward and DeadFraction with its
// input taken to be its output (as BatchNorm.forwardReLU does: the ReLU's
// derivative depends only on the sign, which they share). When the body
// ends in a BatchNorm, the shortcut runs first and that BatchNorm adds it
// and applies the ReLU as it writes its output (BatchNorm.forwardAddReLU:
// the same values, without writing and reading the batch norm's output).
func (r *Residual) forwardReLU(x *tensor.Dense, train bool, a *Activation) *tensor.Dense {
	n := batchOf(r.name, x, r.in)
	if bn, last := r.endsInBatchNorm(); bn != nil {
		s := f32(x)
		if r.shortcut != nil {
			s = f32(r.shortcut.Forward(x, train))
		}
		return bn.forwardAddReLU(r.body.forwardLayers(x, train, last), train, s, a)
	}
	b := f32(r.body.Forward(x, train))
	s := f32(x)
	if r.shortcut != nil {
		s = f32(r.shortcut.Forward(x, train))
	}
	y, ys := a.out.get(n)
	r.relu = true
	r.sum(ys, b, s, n)
	r.relu = false
	a.x, a.n, a.ys = ys, n, ys
	return y
}

// sum sets dst = a + b for a batch of n images, split across Threads()
// parts when large enough to pay for the hand-off (each element is one
// addition, so the split never changes a result).
func (r *Residual) sum(dst, a, b []float32, n int) {
	r.dst, r.a, r.b, r.size = dst, a, b, len(dst)/max(n, 1)
	minN := 2
	if len(dst) < actSplitMin {
		minN = n + 1 // inline
	}
	r.split.run(n, minN, r.add)
	r.dst, r.a, r.b = nil, nil, nil
}

func (r *Residual) Name() string { return r.name }

func (r *Residual) Sublayers() []Layer {
	if r.shortcut == nil {
		return []Layer{r.body}
	}
	return []Layer{r.body, r.shortcut}
}

func (r *Residual) Setup(in []int) ([]int, error) {
	if r.body == nil {
		return nil, fmt.Errorf("layers: Residual %s: nil body", r.name)
	}
	bodyOut, err := r.body.Setup(in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.name, err)
	}
	short := in
	if r.shortcut != nil {
		if short, err = r.shortcut.Setup(in); err != nil {
			return nil, fmt.Errorf("%s: %w", r.name, err)
		}
	}
	if !equalShape(bodyOut, short) {
		return nil, fmt.Errorf("layers: Residual %s: input shape %v: body gives %v but shortcut gives %v; they must match (use a 1x1 strided Conv2D shortcut)",
			r.name, in, bodyOut, short)
	}
	r.in = append([]int(nil), in...)
	r.outShape = append([]int(nil), bodyOut...)
	r.out.setShape(bodyOut)
	r.dx.setShape(in)
	return r.outShape, nil
}

func equalShape(a, b []int) bool {
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

// Forward writes body(x) + shortcut(x). When the body ends in a
// BatchNorm, the shortcut runs first and that BatchNorm adds it as it
// writes (into this block's output: the same values, without writing and
// reading the batch norm's output).
func (r *Residual) Forward(x *tensor.Dense, train bool) *tensor.Dense {
	n := batchOf(r.name, x, r.in)
	if bn, last := r.endsInBatchNorm(); bn != nil {
		s := f32(x)
		if r.shortcut != nil {
			s = f32(r.shortcut.Forward(x, train))
		}
		y, ys := r.out.get(n)
		bn.forwardInto(r.body.forwardLayers(x, train, last), train, ys, s, false)
		return y
	}
	b := f32(r.body.Forward(x, train))
	s := f32(x)
	if r.shortcut != nil {
		s = f32(r.shortcut.Forward(x, train))
	}
	y, ys := r.out.get(n)
	r.sum(ys, b, s, n)
	return y
}

func (r *Residual) Backward(dy *tensor.Dense) *tensor.Dense {
	n := batchOf(r.name, dy, r.outShape)
	db := f32(r.body.Backward(dy))
	s := f32(dy)
	if r.shortcut != nil {
		s = f32(r.shortcut.Backward(dy))
	}
	dx, dxs := r.dx.get(n)
	r.sum(dxs, db, s, n)
	return dx
}

// backwardReLU is Backward followed by the Backward of a, the plain ReLU
// whose output this block read, in one pass (norm.AddReLUBackward: the
// body's and the shortcut's input gradients summed and gated by a's
// derivative): it writes into a's input-gradient buffer, as a.Backward
// would.
func (r *Residual) backwardReLU(dy *tensor.Dense, a *Activation) *tensor.Dense {
	n := batchOf(r.name, dy, r.outShape)
	db := f32(r.body.Backward(dy))
	s := f32(dy)
	if r.shortcut != nil {
		s = f32(r.shortcut.Backward(dy))
	}
	dx, dxs := a.dx.get(n)
	r.gate = a.x
	r.sum(dxs, db, s, n)
	r.gate = nil
	return dx
}

// Params returns the body's parameters, then the shortcut's (new slice).
func (r *Residual) Params() []*Param {
	ps := r.body.Params()
	if r.shortcut != nil {
		ps = append(ps, r.shortcut.Params()...)
	}
	return ps
}

// Walk calls fn on l and, depth first in order, on every layer it contains.
func Walk(l Layer, fn func(Layer)) {
	fn(l)
	if c, ok := l.(Container); ok {
		for _, sub := range c.Sublayers() {
			Walk(sub, fn)
		}
	}
}

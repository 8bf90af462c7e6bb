// Package models is actbench's model zoo: the simple CNN of the engine
// issue, VGG-11/16/19 and ResNet-18 for CIFAR, ResNet-20/32/56 (He et al.
// 2016) and an MLP, each built from package layers with one activation spec
// at every activation site (each site gets its own parameters).
//
// A Model is built by New, initialised by Init(seed) and then trained by
// package trainer. Initialisation is common across activations: every layer
// with random state gets its own generator derived from (seed, layer name),
// so two models that differ only in their activation start from the same
// weights and draw the same dropout masks.
package models

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"

	"github.com/actbench/actbench/layers"
	"gorgonia.org/tensor"
)

// Model is a network of the zoo, set up for one input shape and class count.
type Model struct {
	// Spec is the canonical model spec, e.g. "vgg16(bn=false)".
	Spec string
	// InShape is the shape of one input image: C, H, W.
	InShape []int
	// Classes is the number of outputs (logits).
	Classes int
	// Net is the whole network.
	Net *layers.Sequential

	act    string
	acts   []ActSite
	leaves []layers.Layer
	params []*layers.Param
	rngs   map[string]*rand.PCG // per layer with random state, after Init
	zero   gradZeroer
}

// builder collects the activation sites of a model being built.
type builder struct {
	spec    string
	classes int
	acts    []ActSite
	err     error
}

func (b *builder) act(name string) layers.Layer {
	a, err := newActivation(name, b.spec)
	if err != nil {
		if b.err == nil {
			b.err = err
		}
		return nil
	}
	b.acts = append(b.acts, a)
	return a
}

// New builds the model named by spec (e.g. "simplecnn", "vgg16(bn=false)",
// "mlp(hidden=256,depth=3)") with activation act at every site, for inputs
// of shape inShape (C, H, W) and the given number of classes. The model is
// set up but not initialised: call Init.
func New(spec, act string, inShape []int, classes int) (*Model, error) {
	name, vals, err := parseSpec(spec, knownArch)
	if err != nil {
		return nil, err
	}
	if len(inShape) != 3 || inShape[0] < 1 || inShape[1] < 1 || inShape[2] < 1 {
		return nil, fmt.Errorf("models: %s: input shape %v: want [C H W] with positive sizes", name, inShape)
	}
	if classes < 2 {
		return nil, fmt.Errorf("models: %s: %d classes: want at least 2", name, classes)
	}
	arch := zoo[name]
	b := &builder{spec: act, classes: classes}
	ls := arch.build(b, vals)
	if b.err != nil {
		return nil, fmt.Errorf("models: %s: activation %q: %w", name, act, b.err)
	}
	m := &Model{
		Spec:    canonical(name, arch.opts, vals),
		InShape: append([]int(nil), inShape...),
		Classes: classes,
		Net:     layers.NewSequential(name, ls...),
		act:     act,
		acts:    b.acts,
	}
	out, err := m.Net.Setup(m.InShape)
	if err != nil {
		return nil, fmt.Errorf("models: %s does not fit input %v: %w", m.Spec, inShape, err)
	}
	if len(out) != 1 || out[0] != classes {
		return nil, fmt.Errorf("models: %s: output shape %v, want [%d] (a bug in the model definition)", m.Spec, out, classes)
	}
	// Nothing consumes the gradient with respect to the input images, so the
	// first layer skips computing it (a third of the first conv's backward).
	m.Net.SetSkipInputGrad(true)
	m.leaves = leaves(m.Net, nil)
	m.collectParams()
	return m, nil
}

func leaves(l layers.Layer, dst []layers.Layer) []layers.Layer {
	if c, ok := l.(layers.Container); ok {
		for _, s := range c.Sublayers() {
			dst = leaves(s, dst)
		}
		return dst
	}
	return append(dst, l)
}

func (m *Model) collectParams() {
	m.params = m.params[:0]
	seen := map[*layers.Param]bool{}
	for _, l := range m.leaves {
		for _, p := range l.Params() {
			if !seen[p] {
				seen[p] = true
				m.params = append(m.params, p)
			}
		}
	}
}

// Act returns the activation spec the model was built with (or last swapped to).
func (m *Model) Act() string { return m.act }

// Layers returns the model's leaf layers (containers expanded) in the order
// they were declared: forward order, a residual block's body before its
// shortcut.
func (m *Model) Layers() []layers.Layer { return m.leaves }

// Activations returns every activation site, in forward order.
func (m *Model) Activations() []ActSite { return m.acts }

// Params returns every parameter and buffer of the model, in layer order.
// The list changes after SwapActivations.
func (m *Model) Params() []*layers.Param { return m.params }

// LayerRNG returns the generator source that layer name draws from when the
// model is initialised with seed: a PCG seeded with seed and the 64-bit
// FNV-1a hash of the name. It depends on nothing else, which is what makes
// initialisation and dropout masks common across activations.
func LayerRNG(seed uint64, name string) *rand.PCG {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.NewPCG(seed, h.Sum64())
}

// Init initialises every layer with random state from LayerRNG(seed, name)
// with PyTorch's default scheme (InitWith(seed, layers.InitDefault)).
// Layers keep their generator (dropout draws its masks from it), and the
// model keeps the sources so that RNGState can save them.
func (m *Model) Init(seed uint64) { m.InitWith(seed, layers.InitDefault) }

// InitWith is Init with the weight-initialisation scheme s (see
// layers.InitScheme): the layers that support schemes draw from the same
// per-layer generator, so two models that differ only in their activation
// still start from the same weights. It panics on an unknown scheme
// (callers validate it: trainer.Config.Resolve does).
func (m *Model) InitWith(seed uint64, s layers.InitScheme) {
	m.rngs = map[string]*rand.PCG{}
	for _, l := range m.leaves {
		if in, ok := l.(layers.Initializer); ok {
			src := LayerRNG(seed, l.Name())
			m.rngs[l.Name()] = src
			if si, ok := l.(layers.SchemeInitializer); ok {
				si.InitScheme(rand.New(src), s)
			} else {
				in.Init(rand.New(src))
			}
		}
	}
}

// RNGState returns the state of every layer's generator, by layer name.
func (m *Model) RNGState() (map[string][]byte, error) {
	s := map[string][]byte{}
	for name, src := range m.rngs {
		b, err := src.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("models: rng of %s: %w", name, err)
		}
		s[name] = b
	}
	return s, nil
}

// SetRNGState restores generator states saved by RNGState (after Init).
func (m *Model) SetRNGState(s map[string][]byte) error {
	if m.rngs == nil {
		return fmt.Errorf("models: SetRNGState before Init")
	}
	for name, src := range m.rngs {
		b, ok := s[name]
		if !ok && !m.drawsRandom(name) {
			// An activation layer with a deterministic function never
			// draws (states saved before activation layers had a
			// generator lack it): its fresh state is its state.
			continue
		}
		if !ok {
			return fmt.Errorf("models: no saved rng state for layer %s", name)
		}
		if err := src.UnmarshalBinary(b); err != nil {
			return fmt.Errorf("models: rng of %s: %w", name, err)
		}
	}
	return nil
}

// drawsRandom reports whether leaf name may have drawn from its generator:
// every layer with one except an activation whose function is deterministic.
func (m *Model) drawsRandom(name string) bool {
	for _, l := range m.leaves {
		if l.Name() == name {
			a, ok := l.(*layers.Activation)
			return !ok || a.Stochastic()
		}
	}
	return true
}

// Forward runs the network on a batch x of shape [N C H W] and returns the
// logits [N Classes] (owned by the network, valid until the next Forward).
func (m *Model) Forward(x *tensor.Dense, train bool) *tensor.Dense {
	return m.Net.Forward(x, train)
}

// Backward backpropagates the gradient of the loss with respect to the
// logits of the last Forward, accumulating parameter gradients.
func (m *Model) Backward(dlogits *tensor.Dense) {
	m.Net.Backward(dlogits)
}

// ZeroGrad clears every parameter gradient. The clearing runs over the
// concatenation of the gradients cut into layers.Threads() ranges (one
// hand-off, however many tensors): a large model's gradients are tens of
// MB, a serial pass the other cores would wait for.
func (m *Model) ZeroGrad() {
	z := &m.zero
	z.grads, z.offs = z.grads[:0], append(z.offs[:0], 0)
	for _, p := range m.params {
		if p.Grad != nil {
			g := p.Grad.Float32s()
			z.grads = append(z.grads, g)
			z.offs = append(z.offs, z.offs[len(z.offs)-1]+len(g))
		}
	}
	if z.clear == nil {
		z.clear = z.clearRange
	}
	z.split.Run(z.offs[len(z.grads)], zeroSplitMin, z.clear)
}

// zeroSplitMin is the gradient size from which ZeroGrad splits its work.
const zeroSplitMin = 1 << 16

// gradZeroer clears a list of gradients by ranges of their concatenation.
type gradZeroer struct {
	grads [][]float32
	offs  []int // offs[i]: start of grads[i]; offs[len(grads)]: the total
	split layers.Splitter
	clear func(part, lo, hi int)
}

func (z *gradZeroer) clearRange(_, lo, hi int) {
	for i, g := range z.grads {
		o := z.offs[i]
		if o >= hi {
			break
		}
		if o+len(g) > lo {
			clear(g[max(lo, o)-o : min(hi, o+len(g))-o])
		}
	}
}

// SwapActivations replaces the function at every activation site by spec,
// in place, keeping the rest of the network (fine-tuning by activation
// swap). The new activation's parameters start at the spec's values.
func (m *Model) SwapActivations(spec string) error {
	for _, a := range m.acts {
		if err := a.Swap(spec); err != nil {
			return fmt.Errorf("models: %s: swapping %s to %q: %w", m.Spec, a.Name(), spec, err)
		}
	}
	m.act = spec
	m.collectParams()
	return nil
}

// Counts are a model's numbers of scalar values by role.
type Counts struct {
	Params    int // trainable values except activation parameters (weights, biases, norm scale/shift)
	ActParams int // trainable activation parameters
	Buffers   int // non-trained state (batch-norm running statistics)
}

// Counts returns the model's parameter counts.
func (m *Model) Counts() Counts {
	var c Counts
	for _, p := range m.params {
		n := len(p.Value.Float32s())
		switch p.Kind {
		case layers.ActivationParam:
			c.ActParams += n
		case layers.Buffer:
			c.Buffers += n
		default:
			c.Params += n
		}
	}
	return c
}

// FLOPs returns the forward floating-point operations per image of the
// convolution and dense layers, counting a multiply-add as 2 (the usual
// convention; element-wise layers — activations, norms, pooling, adds — are
// not counted, being < 2 % for these models).
func (m *Model) FLOPs() int64 {
	var f int64
	for _, l := range m.leaves {
		if c, ok := l.(interface{ FLOPs() int64 }); ok {
			f += c.FLOPs()
		}
	}
	return f
}

// ActElements returns the activation values per image over all sites:
// each is one forward and one backward evaluation of the function per
// training image (the cost model of package grid prices activations by
// it).
func (m *Model) ActElements() int64 {
	var n int64
	for _, a := range m.acts {
		n += int64(a.Elements())
	}
	return n
}

// Head returns the classifier head: the model's last Dense layer, whose
// output is the logits (every model of the zoo ends in one). A transfer to
// a dataset with another class count replaces it; its parameters are named
// Head().Name()+".weight" and ".bias".
func (m *Model) Head() *layers.Dense {
	for i := len(m.leaves) - 1; i >= 0; i-- {
		if d, ok := m.leaves[i].(*layers.Dense); ok {
			return d
		}
	}
	return nil
}

// HeadParams returns the parameters of the classifier head (nil when the
// model has none).
func (m *Model) HeadParams() []*layers.Param {
	if h := m.Head(); h != nil {
		return h.Params()
	}
	return nil
}

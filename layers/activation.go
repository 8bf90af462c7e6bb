package layers

import (
	"fmt"
	"math/rand/v2"

	"github.com/actbench/actbench/registry"
	"gorgonia.org/tensor"
)

// Activation applies an activation function from the registry, built from a
// spec such as "relu" or "pvlu(a=0.1, b=1, per=channel)". The function is
// instantiated in Setup with the input's channel count (C of [C H W], F of
// [F]); its trainable parameters are Params of Kind ActivationParam named
// "<layer>.<param>", whose Value and Grad tensors share the function's own
// storage, so an optimiser updates the function in place. Their
// initialisation is the spec's (the registry's defaults where omitted).
//
// A function that is random while training (registry.Stochastic, such as
// RReLU) is told the mode before every Forward, and in training a seed drawn
// from the generator given to Init, so a seeded model draws the same values
// on every run, and a restored generator state replays them; evaluation
// passes draw nothing. Without Init a fixed seed (0) is used, as Dropout
// does.
//
// The registry must hold the activation: import
// _ "github.com/actbench/actbench/activations".
type Activation struct {
	name  string
	spec  string
	fn    registry.Func
	stoch registry.Stochastic // fn, when it is random in training
	rng   *rand.Rand
	in    []int
	shape registry.Shape // C and HW fixed by Setup; N per Forward
	out   buffer
	dx    buffer
	x     []float32
	n     int

	params []*Param

	// Parallel parts: part p > 0 runs on its own instance of the function
	// (clones[p-1], created on first use), whose parameter values are
	// copied from fn before each pass and whose parameter gradients are
	// added to fn's after Backward, in part order.
	clones       []registry.Func
	split        splitter
	fwd, bwd     func(part, lo, hi int)
	dys, dxs, ys []float32

	// plainReLU: the function is the registry's "relu" (no parameters,
	// not random), which a Sequential fuses into a BatchNorm before it.
	plainReLU bool
	// pointwise: any other function that is registry.Pointwise and not
	// random, which a BatchNorm before it runs plane by plane in its output
	// pass (BatchNorm.forwardAct).
	pointwise bool
	// DeadFraction scratch, allocated on first use.
	ones, deadDx []float32
	gradSave     [][]float32
}

// NewActivation parses and validates spec now (so that a typo fails when the
// model is built, naming the spec); the function itself is instantiated in
// Setup.
func NewActivation(name, spec string) (*Activation, error) {
	f, err := registry.New(spec, 1)
	if err != nil {
		return nil, fmt.Errorf("layers: Activation %s: %w", name, err)
	}
	a := &Activation{name: name, spec: f.Spec().String()}
	a.fwd, a.bwd = a.forwardPart, a.backwardPart
	return a, nil
}

func (a *Activation) Name() string { return a.name }

// Init keeps rng for the seeds of a random function's training passes.
func (a *Activation) Init(rng *rand.Rand) { a.rng = rng }

// Stochastic reports whether the current function is random in training
// (draws from the generator given to Init).
func (a *Activation) Stochastic() bool { return a.stoch != nil }

// Func returns the instantiated function (nil before Setup), e.g. to read
// learned parameters for diagnostics.
func (a *Activation) Func() registry.Func { return a.fn }

// Elements returns the values per example the function runs on (the
// product of the input shape; 0 before Setup).
func (a *Activation) Elements() int { return prod(a.in) }

// Spec returns the canonical spec of the current function.
func (a *Activation) Spec() string {
	if a.fn != nil {
		return a.fn.Spec().String()
	}
	return a.spec
}

// Setup instantiates the function for in = [C H W] or [F] (any shape with
// the channel first).
func (a *Activation) Setup(in []int) ([]int, error) {
	if len(in) == 0 || prod(in) == 0 {
		return nil, shapeErr(a.name, "Activation", in, "want [C H W] or [F] with every dimension >= 1")
	}
	a.in = append([]int(nil), in...)
	a.shape = registry.Shape{C: in[0], HW: prod(in[1:])}
	if err := a.instantiate(a.spec); err != nil {
		return nil, err
	}
	a.out.setShape(in)
	a.dx.setShape(in)
	return a.in, nil
}

func (a *Activation) instantiate(spec string) error {
	f, err := registry.New(spec, a.shape.C)
	if err != nil {
		return fmt.Errorf("layers: Activation %s: input shape %v: %w", a.name, a.in, err)
	}
	a.fn, a.spec = f, f.Spec().String()
	a.stoch, _ = f.(registry.Stochastic)
	a.plainReLU = a.spec == "relu" && a.stoch == nil && len(f.Params()) == 0
	_, pw := f.(registry.Pointwise)
	a.pointwise = pw && a.stoch == nil && !a.plainReLU
	a.params = a.params[:0:0]
	for _, p := range f.Params() {
		a.params = append(a.params, &Param{
			Name:  a.name + "." + p.Name,
			Kind:  ActivationParam,
			Value: tensor.New(tensor.WithBacking(p.Value), tensor.WithShape(len(p.Value))),
			Grad:  tensor.New(tensor.WithBacking(p.Grad), tensor.WithShape(len(p.Grad))),
		})
	}
	a.gradSave = nil
	a.clones = nil
	return nil
}

// Swap replaces the function by spec, keeping the layer's shape. The new
// function starts from its spec's parameter values, and Params returns new
// Param values afterwards (an optimiser must be told). On error the old
// function stays.
func (a *Activation) Swap(spec string) error {
	if a.in == nil {
		f, err := registry.New(spec, 1)
		if err != nil {
			return fmt.Errorf("layers: Activation %s: %w", a.name, err)
		}
		a.spec = f.Spec().String()
		return nil
	}
	return a.instantiate(spec)
}

func (a *Activation) Params() []*Param { return a.params }

// actSplitMin is the element count from which an activation pass is split
// across Threads() parts (by images): below it the hand-off costs more
// than it saves.
const actSplitMin = 1 << 16

func (a *Activation) Forward(x *tensor.Dense, train bool) *tensor.Dense {
	n := batchOf(a.name, x, a.in)
	y, ys := a.out.get(n)
	a.x, a.n, a.ys = f32(x), n, ys
	if a.stoch != nil {
		var seed uint64
		if train {
			if a.rng == nil {
				a.rng = rand.New(rand.NewPCG(0, 0))
			}
			seed = a.rng.Uint64()
		}
		a.stoch.SetMode(train, seed)
	}
	a.run(a.fwd)
	return y
}

func (a *Activation) Backward(dy *tensor.Dense) *tensor.Dense {
	batchOf(a.name, dy, a.in)
	dx, dxs := a.dx.get(a.n)
	a.dys, a.dxs = f32(dy), dxs
	parts := a.run(a.bwd)
	if parts > 1 {
		ps := a.fn.Params()
		for _, c := range a.clones[:parts-1] {
			for i, cp := range c.Params() {
				g := ps[i].Grad
				for j, v := range cp.Grad {
					g[j] += v
				}
			}
		}
	}
	return dx
}

// run calls part over the batch, split into parts when it is large
// enough, and returns the part count (1 when not split). A random function
// runs as one part: its draws follow the element order of one instance, so
// they do not depend on the thread count.
func (a *Activation) run(part func(part, lo, hi int)) int {
	parts := Threads()
	if parts < 2 || a.stoch != nil || a.n < 2 || a.n*a.shape.C*a.shape.HW < actSplitMin {
		part(0, 0, a.n)
		return 1
	}
	a.syncClones(parts)
	return a.split.run(a.n, 0, part)
}

// syncClones makes instances 1 .. parts-1 exist (clones of the function,
// one per part, so that parts never share an instance's scratch) and copies
// the parameters' current values into them.
func (a *Activation) syncClones(parts int) {
	for len(a.clones) < parts-1 {
		f, err := registry.New(a.spec, a.shape.C)
		if err != nil {
			panic(fmt.Sprintf("layers: Activation %s: cloning %s: %v", a.name, a.spec, err))
		}
		a.clones = append(a.clones, f)
	}
	ps := a.fn.Params()
	for _, c := range a.clones[:parts-1] {
		for i, cp := range c.Params() {
			copy(cp.Value, ps[i].Value)
		}
	}
}

// instance returns the function that part runs on.
func (a *Activation) instance(part int) registry.Func {
	if part == 0 {
		return a.fn
	}
	return a.clones[part-1]
}

func (a *Activation) forwardPart(part, lo, hi int) {
	if lo >= hi {
		return
	}
	s := a.shape
	s.N = hi - lo
	size := a.shape.C * a.shape.HW
	a.instance(part).Forward(a.ys[lo*size:hi*size], a.x[lo*size:hi*size], s)
}

func (a *Activation) backwardPart(part, lo, hi int) {
	f := a.instance(part)
	if part > 0 {
		for _, p := range f.Params() {
			clear(p.Grad)
		}
	}
	if lo >= hi {
		return
	}
	s := a.shape
	s.N = hi - lo
	size := a.shape.C * a.shape.HW
	f.Backward(a.dxs[lo*size:hi*size], a.dys[lo*size:hi*size], a.x[lo*size:hi*size], s)
}

// DeadFraction returns the fraction of units (channels of [C H W], features
// of [F]) whose derivative is 0 on every element of the last Forward's batch.
// It must be called before the layer below runs Forward again (the input is
// that layer's buffer). It runs one extra backward pass with a unit gradient
// and leaves the parameter gradients as they were.
func (a *Activation) DeadFraction() float64 {
	if a.fn == nil || a.n == 0 {
		return 0
	}
	s := a.shape
	s.N = a.n
	total := s.Len()
	ones := scratch(&a.ones, total)
	for i := range ones {
		ones[i] = 1
	}
	d := scratch(&a.deadDx, total)
	ps := a.fn.Params()
	if len(a.gradSave) != len(ps) {
		a.gradSave = make([][]float32, len(ps))
	}
	for i, p := range ps {
		a.gradSave[i] = append(a.gradSave[i][:0], p.Grad...)
	}
	a.fn.Backward(d, ones, a.x, s)
	for i, p := range ps {
		copy(p.Grad, a.gradSave[i])
	}
	dead := 0
	for c := 0; c < s.C; c++ {
		alive := false
		for i := 0; i < s.N && !alive; i++ {
			for _, v := range d[(i*s.C+c)*s.HW : (i*s.C+c+1)*s.HW] {
				if v != 0 {
					alive = true
					break
				}
			}
		}
		if !alive {
			dead++
		}
	}
	return float64(dead) / float64(s.C)
}

package trainer

import (
	"fmt"
	"math"
	"sort"

	"github.com/actbench/actbench/kernels/optim"
	"github.com/actbench/actbench/layers"
)

// optimizer updates a fixed list of parameters from their gradients. It
// follows PyTorch's single-tensor implementations of torch.optim.SGD (no
// dampening), Adam and AdamW exactly, in float32 per element with the
// scalar bias corrections in float64, so that hand-computed values and
// PyTorch runs agree to rounding.
type optimizer struct {
	kind        string
	momentum    float32
	nesterov    bool
	beta1       float64
	beta2       float64
	eps         float32
	weightDecay float32

	params []*layers.Param
	decay  []bool      // weight decay applies to params[i]
	m, v   [][]float32 // SGD: m = momentum buffer; Adam: first and second moments
	step   int64       // completed steps (Adam's t)

	// The update is element-wise, so it runs over the concatenation of
	// the parameters cut into layers.Threads() ranges at fixed boundaries
	// (one hand-off per step, however many tensors): each element gets the
	// same float32 operations whatever the split. offs[i] is where
	// params[i] starts in the concatenation, offs[len(params)] the total.
	offs   []int
	split  layers.Splitter
	update func(part, lo, hi int)
	// Scalars of the step being applied, set before the split.
	lr, stepSize, bc2sqrt float32
}

// optimSplitMin is the parameter count from which the update is split
// across goroutines: below it (small models) a hand-off costs more than the
// work.
const optimSplitMin = 1 << 15

// newOptimizer builds the optimiser of cfg (resolved) over params, skipping
// buffers; excluded names kinds that get no weight decay.
func newOptimizer(cfg Config, params []*layers.Param) *optimizer {
	o := &optimizer{
		kind:        cfg.Optimizer,
		momentum:    float32(cfg.Momentum),
		nesterov:    cfg.Nesterov,
		beta1:       cfg.Beta1,
		beta2:       cfg.Beta2,
		eps:         float32(cfg.Eps),
		weightDecay: float32(cfg.WeightDecay),
	}
	o.update = o.updateRange
	o.offs = append(o.offs, 0)
	excluded := map[string]bool{}
	for _, k := range cfg.DecayExclude {
		excluded[k] = true
	}
	for _, p := range params {
		if p.Kind == layers.Buffer || p.Grad == nil {
			continue
		}
		o.params = append(o.params, p)
		o.decay = append(o.decay, !excluded[p.Kind.String()])
		n := len(p.Value.Float32s())
		switch o.kind {
		case OptSGD:
			if o.momentum != 0 {
				o.m = append(o.m, make([]float32, n))
			} else {
				o.m = append(o.m, nil)
			}
			o.v = append(o.v, nil)
		default:
			o.m = append(o.m, make([]float32, n))
			o.v = append(o.v, make([]float32, n))
		}
		o.offs = append(o.offs, o.offs[len(o.offs)-1]+n)
	}
	return o
}

// Step applies one update with learning rate lr to every parameter.
func (o *optimizer) Step(lr float64) {
	o.step++
	o.lr = float32(lr)
	if o.kind != OptSGD {
		bc1 := 1 - math.Pow(o.beta1, float64(o.step))
		o.bc2sqrt = float32(math.Sqrt(1 - math.Pow(o.beta2, float64(o.step))))
		o.stepSize = float32(lr / bc1)
	}
	o.split.Run(o.offs[len(o.params)], optimSplitMin, o.update)
}

// updateRange updates the elements [lo, hi) of the concatenated parameters.
func (o *optimizer) updateRange(_, lo, hi int) {
	if lo >= hi {
		return
	}
	// The first parameter that ends after lo.
	first := sort.Search(len(o.params), func(i int) bool { return o.offs[i+1] > lo })
	for i := first; i < len(o.params) && o.offs[i] < hi; i++ {
		j0, j1 := max(lo, o.offs[i])-o.offs[i], min(hi, o.offs[i+1])-o.offs[i]
		o.updateParam(i, j0, j1)
	}
}

// updateParam updates elements [j0, j1) of params[i].
func (o *optimizer) updateParam(i, j0, j1 int) {
	p := o.params[i]
	w, g := p.Value.Float32s()[j0:j1], p.Grad.Float32s()[j0:j1]
	var m, v []float32
	if o.m[i] != nil {
		m = o.m[i][j0:j1]
	}
	if o.v[i] != nil {
		v = o.v[i][j0:j1]
	}
	if o.kind == OptSGD {
		o.sgd(w, g, m, o.decay[i], o.lr)
		return
	}
	wd := float32(0)
	if o.decay[i] {
		wd = o.weightDecay
	}
	if o.kind == OptAdamW && wd != 0 {
		scale := 1 - o.lr*wd
		for j := range w {
			w[j] *= scale
		}
		wd = 0
	}
	// torch.optim.Adam's single-tensor update (kernels/optim: SIMD,
	// bit-identical to its pure Go).
	optim.Adam(w, g, m, v, wd, float32(o.beta1), float32(o.beta2), o.eps, o.stepSize, o.bc2sqrt)
}

func (o *optimizer) sgd(w, g, buf []float32, decay bool, lr float32) {
	wd := float32(0)
	if decay {
		wd = o.weightDecay
	}
	if buf == nil {
		optim.SGDPlain(w, g, wd, lr)
		return
	}
	optim.SGD(w, g, buf, wd, o.momentum, lr, o.nesterov)
}

// state returns the optimiser's buffers by name (for checkpoints).
func (o *optimizer) state() map[string][]float32 {
	s := map[string][]float32{}
	for i, p := range o.params {
		if o.m[i] != nil {
			s[p.Name+"#m"] = o.m[i]
		}
		if o.v[i] != nil {
			s[p.Name+"#v"] = o.v[i]
		}
	}
	return s
}

// setState restores buffers saved by state, checking every one is present
// with the right length.
func (o *optimizer) setState(step int64, s map[string][]float32) error {
	o.step = step
	for i, p := range o.params {
		for _, b := range []struct {
			suffix string
			dst    []float32
		}{{"#m", o.m[i]}, {"#v", o.v[i]}} {
			if b.dst == nil {
				continue
			}
			src, ok := s[p.Name+b.suffix]
			if !ok || len(src) != len(b.dst) {
				return fmt.Errorf("optimizer state %s%s: missing or wrong length (want %d values, found %d)",
					p.Name, b.suffix, len(b.dst), len(src))
			}
			copy(b.dst, src)
		}
	}
	return nil
}

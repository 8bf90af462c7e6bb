package layers

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/actbench/actbench/kernels/gemm"
	"gorgonia.org/tensor"
)

// f32 returns the float32 backing slice of t without allocating (Dense.Data
// boxes a slice header on every call, which a hot path cannot afford). It
// panics on a tensor of another element type: layers are float32 only, and
// handing them anything else is a programming error.
//
// Views (slices or transposes of another tensor) are refused too: their
// backing slice is not their elements in row-major order. Materialize them
// first.
func f32(t *tensor.Dense) []float32 {
	if t.Dtype() != tensor.Float32 || t.RequiresIterator() {
		panic(fmt.Sprintf("layers: tensor of %v with shape %v (view: %v), want a contiguous float32 tensor (Materialize views)",
			t.Dtype(), t.Shape(), t.IsView()))
	}
	return t.Float32s()
}

// newTensor wraps data in a float32 tensor of the given shape.
func newTensor(data []float32, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithBacking(data), tensor.WithShape(shape...))
}

// newParam allocates a parameter and its gradient (nil for buffers).
func newParam(name string, kind ParamKind, shape ...int) *Param {
	n := prod(shape)
	p := &Param{Name: name, Kind: kind, Value: newTensor(make([]float32, n), shape...)}
	if kind != Buffer {
		p.Grad = newTensor(make([]float32, n), shape...)
	}
	return p
}

func prod(s []int) int {
	n := 1
	for _, v := range s {
		n *= v
	}
	return n
}

// batchOf checks that x is [N, want...] and returns N. A mismatch is a
// programming error of the model (Setup fixed the shape), so it panics with
// both shapes.
func batchOf(layer string, x *tensor.Dense, want []int) int {
	s := x.Shape()
	ok := len(s) == len(want)+1
	for i := 0; ok && i < len(want); i++ {
		ok = s[i+1] == want[i]
	}
	if !ok {
		// Copy want so that it does not escape: callers pass literals.
		badBatchShape(layer, s, append([]int(nil), want...))
	}
	return s[0]
}

func badBatchShape(layer string, got tensor.Shape, want []int) {
	panic(fmt.Sprintf("layers: %s: input of shape %v, want [N %v] (the shape given to Setup)", layer, got, want))
}

// buffer is a layer-owned float32 buffer of shape [N, shape...] that grows
// only when the batch grows. It keeps the tensor headers of the last two
// batch sizes so that alternating between the full batch and a short last
// batch allocates nothing once both have been seen.
//
// A buffer may instead live in a gradStore shared with other layers' buffers
// (see Sequential's input-gradient sharing): it then uses the store's
// backing array, grown to the largest user.
type buffer struct {
	data  []float32
	shape []int // per-example shape
	size  int   // elements per example
	store *gradStore
	cache [2]struct {
		n   int
		gen int // the store's generation the tensor was made in
		t   *tensor.Dense
	}
	next int
}

// gradStore is a backing array shared by the input-gradient buffers of
// layers whose gradients are never alive at the same time. gen counts its
// reallocations, so that its users rebuild their cached tensors.
type gradStore struct {
	data []float32
	gen  int
}

func (b *buffer) setShape(shape []int) {
	b.shape = append([]int(nil), shape...)
	b.size = prod(shape)
	b.cache[0].t, b.cache[1].t = nil, nil
	b.data = b.data[:0]
	b.store = nil
}

// share makes the buffer use s's backing array from now on.
func (b *buffer) share(s *gradStore) {
	b.store = s
	b.data = nil
	b.cache[0].t, b.cache[1].t = nil, nil
}

// get returns the tensor for a batch of n and its backing slice. The
// contents are whatever the previous use left (of this layer, or of another
// layer sharing the store).
func (b *buffer) get(n int) (*tensor.Dense, []float32) {
	need := n * b.size
	gen := 0
	if b.store != nil {
		if need > cap(b.store.data) {
			b.store.data = make([]float32, need)
			b.store.gen++
		}
		b.data, gen = b.store.data, b.store.gen
	}
	for i := range b.cache {
		if c := &b.cache[i]; c.t != nil && c.n == n && c.gen == gen {
			return c.t, b.data[:need]
		}
	}
	if need > cap(b.data) {
		b.data = make([]float32, need)
		b.cache[0].t, b.cache[1].t = nil, nil
	}
	data := b.data[:need]
	dims := make([]int, 0, len(b.shape)+1)
	dims = append(append(dims, n), b.shape...)
	t := newTensor(data, dims...)
	c := &b.cache[b.next]
	c.n, c.gen, c.t = n, gen, t
	b.next = 1 - b.next
	return t, data
}

// scratch returns a slice of length n from *s, growing it when needed.
func scratch(s *[]float32, n int) []float32 {
	if cap(*s) < n {
		*s = make([]float32, n)
	}
	return (*s)[:n]
}

// Parallelism. Work over a batch (or over channels) is cut into Threads()
// contiguous parts whose boundaries depend only on the size and the part
// count, and every output element or partial sum is produced by one part in
// a fixed order; the parts run on the caller and on persistent helper
// goroutines when they are idle, inline otherwise. Results therefore never
// depend on scheduling or on GOMAXPROCS, only on the thread count (where
// per-part partial sums are reduced, e.g. a convolution's weight gradient,
// a different count sums in a different order).
//
// The thread count is the GEMM's (gemm.SetThreads): one knob for every
// parallel part of a training step. Layers split their work into that many
// parts and run one single-threaded product per part, so the two levels
// never oversubscribe the cores.

// Threads returns the number of parts layers split their work into: the
// GEMM thread count set by gemm.SetThreads (default GOMAXPROCS), at most
// maxParts.
func Threads() int { return min(max(1, gemm.Threads()), maxParts) }

// maxParts bounds the part count, and with it the per-part buffers.
const maxParts = 64

type job struct {
	fn     func(part, lo, hi int)
	part   int
	lo, hi int
	done   chan struct{}
}

var (
	jobs        = make(chan job)
	workersMu   sync.Mutex
	workerCount atomic.Int32
)

// ensureWorkers starts persistent helper goroutines until there are n.
func ensureWorkers(n int) {
	if int(workerCount.Load()) >= n {
		return
	}
	workersMu.Lock()
	defer workersMu.Unlock()
	for int(workerCount.Load()) < n {
		go func() {
			for j := range jobs {
				j.fn(j.part, j.lo, j.hi)
				j.done <- struct{}{}
			}
		}()
		workerCount.Add(1)
	}
}

var noSplit bool

// splitter runs fn over [0,n) in Threads() parts. fn must be created once
// (a method value stored in the layer), so that a call allocates nothing.
type splitter struct{ done chan struct{} }

// partBound returns the start of part p of parts over [0,n).
func partBound(p, parts, n int) int { return n * p / parts }

// run calls fn(part, lo, hi) for each of parts = Threads() parts and
// returns the part count. Work below minN items runs inline as the same
// parts, so results are identical either way.
func (s *splitter) run(n, minN int, fn func(part, lo, hi int)) int {
	parts := Threads()
	if noSplit || n < minN || n < 2 || parts < 2 || runtime.GOMAXPROCS(0) < 2 {
		for p := range parts {
			fn(p, partBound(p, parts, n), partBound(p+1, parts, n))
		}
		return parts
	}
	ensureWorkers(parts - 1)
	if cap(s.done) < parts {
		s.done = make(chan struct{}, parts)
	}
	sent := 0
	for p := 1; p < parts; p++ {
		lo, hi := partBound(p, parts, n), partBound(p+1, parts, n)
		select {
		case jobs <- job{fn: fn, part: p, lo: lo, hi: hi, done: s.done}:
			sent++
		default: // every helper is busy (another model, or a nested call)
			fn(p, lo, hi)
		}
	}
	if sent > 0 {
		// The send made the parked helper runnable in this P's runnext
		// slot, from where an idle P steals it only after a delay, often
		// not before this goroutine's own part is done: the parts then ran
		// one after the other. Yielding runs the helper here at once and
		// lets the woken idle P take this goroutine from the global queue.
		// BenchmarkSplitHandoff (2 threads, idle): 20 us parts 54 -> 40 us
		// a split, 200 us parts 303 -> 226 us; ResNet-20 training steps
		// 4-6 % more images/s (4 interleaved rounds).
		runtime.Gosched()
	}
	fn(0, 0, partBound(1, parts, n))
	for range sent {
		<-s.done
	}
	return parts
}

// Splitter runs work in Threads() parts at fixed boundaries, as the layers
// of this package do, for layers defined elsewhere (the models' own).
// The zero value is ready; a Splitter must not be copied after first use.
type Splitter struct{ s splitter }

// Run calls fn(part, lo, hi) for each of Threads() parts of [0,n), on the
// caller and on idle helper goroutines, and returns the part count. Below
// minN items (or n < 2) the parts run inline, in order, with the same
// bounds. fn should be created once (a method value kept in the layer) so
// that a call allocates nothing.
func (s *Splitter) Run(n, minN int, fn func(part, lo, hi int)) int { return s.s.run(n, minN, fn) }

// growParts makes *bufs hold at least parts buffers of at least size
// floats each, allocating only when the part count or the size grows.
func growParts(bufs *[][]float32, parts, size int) [][]float32 {
	if len(*bufs) < parts {
		*bufs = append(*bufs, make([][]float32, parts-len(*bufs))...)
	}
	for p := range parts {
		if cap((*bufs)[p]) < size {
			(*bufs)[p] = make([]float32, size)
		}
		(*bufs)[p] = (*bufs)[p][:size]
	}
	return (*bufs)[:parts]
}

// Initialisation helpers (PyTorch's defaults).

// uniform fills v with U(-bound, bound).
func uniform(rng *rand.Rand, v []float32, bound float64) {
	for i := range v {
		v[i] = float32((2*rng.Float64() - 1) * bound)
	}
}

// kaimingUniformBound is the bound of PyTorch's default weight init,
// kaiming_uniform_(w, a=sqrt(5)): gain = sqrt(2/(1+a^2)) = sqrt(1/3), bound =
// gain*sqrt(3/fan_in) = 1/sqrt(fan_in). The bias default is the same bound.
func kaimingUniformBound(fanIn int) float64 {
	if fanIn <= 0 {
		return 0
	}
	return 1 / math.Sqrt(float64(fanIn))
}

func shapeErr(layer, kind string, in []int, format string, args ...any) error {
	return fmt.Errorf("layers: %s %s: input shape %v: %s", kind, layer, in, fmt.Sprintf(format, args...))
}

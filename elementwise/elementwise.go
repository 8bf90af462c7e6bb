// Package elementwise is the contract between actbench and an element-wise
// activation, built in or a user's plug-in alike, as database/sql/driver is
// between database/sql and a driver: a Kernel (forward, backward and a
// float64 reference on a run of elements that share parameter values), New,
// which turns a Kernel into the registry.Func the layers call (shared and
// per-channel parameters, the NCHW walk, gradient accumulation), the standard
// parameter declarations, and the float64 block helpers. Importing it
// registers nothing; package activations holds the built-ins, and only a main
// package (cmd/actbench, or a custom binary) imports those.
//
// A kernel may use kernels/fmath (branch-free float64 transcendental
// functions) and kernels/act (the SIMD float32 kernels) like the built-ins.
package elementwise

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/actbench/actbench/registry"
)

// Kernel computes one activation on a contiguous run of elements that share
// parameter values; New turns it into a registry.Func. p holds the
// current values of the activation's trainable parameters (the Info.Params
// marked Trainable, in declaration order) for that run; fixed parameters live
// in the kernel value itself. Implementations must not allocate, should be
// branch-free, and must give NaN for NaN.
type Kernel interface {
	// Forward sets y = f(x). y may alias x.
	Forward(y, x []float32, p []float32)
	// Backward sets dx = dy*f'(x) and adds sum(dy * df/dp[j]) to g[j]. dx
	// may alias dy.
	Backward(dx, dy, x []float32, p []float32, g []float64)
	// Reference is f(x) in float64, written from the formula and
	// independently of Forward: the conformance suite checks Forward against
	// it and Backward against its finite differences.
	Reference(x float64, p []float64) float64
}

// Kinked kernels list the inputs where f is not differentiable (see
// registry.Kinked).
type Kinked interface {
	Kinks() []float64
}

// Blockwise is implemented by a kernel whose Forward is not pointwise: its
// result for one element can depend on the other elements of the call (PAU
// evaluates a block holding a large input in float64 as a whole). New
// returns a registry.Pointwise Func for every other kernel with shared
// parameters that is not random (the conformance suite checks that each
// such Forward gives the same bits on any slice).
type Blockwise interface {
	BlockwiseForward()
}

// ParamKinked kernels have kinks that move with their trainable parameters
// (a learned hinge or threshold): KinksAt lists them for the parameter values
// p (as Reference takes them). The Func reports the kinks of every channel's
// current values.
type ParamKinked interface {
	KinksAt(p []float64) []float64
}

// A kernel that also implements registry.Stochastic (SetMode) is random in
// training mode: New returns a Func that implements registry.Stochastic and
// passes SetMode on. Such a kernel takes no per-channel parameters (New
// refuses per=channel), so Forward and Backward see the whole tensor in one
// call and element i of the call is element i of the tensor, which lets the
// kernel key its draws by (seed, i) and redraw them in Backward instead of
// storing them.

// RowKernel is implemented by kernels with a fast path for per-channel
// parameters on dense data (HW = 1), where a run is a single element: p[j]
// and g[j] hold one value per channel, and g accumulates.
type RowKernel interface {
	ForwardRow(y, x []float32, p [][]float32)
	BackwardRow(dx, dy, x []float32, p, g [][]float32)
}

// elementwise adapts a kernel to registry.Func: it handles shared and
// per-channel parameters, the NCHW walk and gradient accumulation.
type elementwise struct {
	spec    registry.Spec
	k       Kernel
	params  []*registry.Param // every trainable parameter, even when fixed
	trained []int             // indices into params of those that train (exposed by Params)
	exposed []*registry.Param // params[trained]
	perChan bool
	p       []float32   // scratch: parameter values of one run
	g       []float64   // scratch: gradient sums of one run
	rowP    [][]float32 // per-channel Values, for RowKernel
	rowG    [][]float32 // per-channel Grads, for RowKernel
	// One channel's elements gathered into contiguous memory, for
	// per-channel parameters on small feature maps (see gatherBelow).
	colX, colY []float32
}

// gatherBelow is the feature-map size below which per-channel mode gathers
// each channel's elements (N runs of HW) into one contiguous run before
// calling the kernel: kernel calls have a fixed cost (the fmath kernels clear
// a 2 KiB Block) that runs of a few elements would pay per element.
const gatherBelow = 256

// New builds the registry.Func of kernel k from validated args
// (call it from Info.New). The trainable parameters are the Info.Params marked
// Trainable; they start at their spec values, one per channel if the Info
// declares per (see PerParam) and the spec says per=channel, and are trained
// unless the Info declares train (see TrainParam) and the spec says false,
// or declares a subset train (see TrainSubsetParam) and the spec names a
// subset: then only those are trained and exposed by Params, the others stay
// at their spec values (a parameter-subset freeze, e.g. PVLU with b frozen).
// The Func walks NCHW data channel by channel, accumulates parameter
// gradients into Param.Grad and allocates nothing per call (after the first
// call at a given batch size, in per-channel mode on small feature maps,
// which sizes a scratch buffer). It is not safe
// for concurrent use (it keeps per-call scratch space).
func New(args registry.Args, channels int, k Kernel) (registry.Func, error) {
	info := args.Info()
	e := &elementwise{spec: args.Spec(), k: k}
	if _, ok := info.Param("per"); ok {
		e.perChan = args.Choice("per") == "channel"
	}
	n := 1
	if e.perChan {
		n = channels
	}
	st, stochastic := k.(registry.Stochastic)
	if stochastic && e.perChan {
		return nil, fmt.Errorf("a random (stochastic) kernel takes no per-channel parameters: use per=shared")
	}
	for _, pi := range info.Params {
		if !pi.Trainable {
			continue
		}
		v := args.Float(pi.Name)
		if math.Abs(v) > math.MaxFloat32 {
			return nil, fmt.Errorf("%s = %g does not fit in float32", pi.Name, v)
		}
		prm := &registry.Param{Name: pi.Name, Value: make([]float32, n), Grad: make([]float32, n)}
		for i := range prm.Value {
			prm.Value[i] = float32(v)
		}
		e.params = append(e.params, prm)
		e.rowP = append(e.rowP, prm.Value)
		e.rowG = append(e.rowG, prm.Grad)
	}
	var err error
	if e.trained, err = trainedParams(args, e.params); err != nil {
		return nil, err
	}
	for _, j := range e.trained {
		e.exposed = append(e.exposed, e.params[j])
	}
	e.p = make([]float32, len(e.params))
	e.g = make([]float64, len(e.params))
	if stochastic {
		return &stochasticElementwise{e, st}, nil
	}
	if _, blockwise := k.(Blockwise); !blockwise && !e.perChan {
		return pointwiseElementwise{e}, nil
	}
	return e, nil
}

// pointwiseElementwise is the Func of a kernel that is neither random nor
// blockwise, with shared parameters: it implements registry.Pointwise.
type pointwiseElementwise struct{ *elementwise }

func (pointwiseElementwise) PointwiseForward() {}

// stochasticElementwise is the Func of a kernel that is random in training
// mode: it implements registry.Stochastic (the plain adapter does not, so
// that layers can tell the two apart).
type stochasticElementwise struct {
	*elementwise
	k registry.Stochastic
}

func (s *stochasticElementwise) SetMode(train bool, seed uint64) { s.k.SetMode(train, seed) }

// trainedParams returns the indices into params of the parameters the spec's
// train argument trains: all of them without a train parameter or for
// "true", none for "false", and the '+'-separated names of a subset.
func trainedParams(args registry.Args, params []*registry.Param) ([]int, error) {
	all := make([]int, len(params))
	for j := range all {
		all[j] = j
	}
	info := args.Info()
	pi, ok := info.Param("train")
	if !ok {
		return all, nil
	}
	var v string
	switch pi.Kind {
	case registry.Bool:
		v = strconv.FormatBool(args.Bool("train"))
	case registry.Choice:
		v = args.Choice("train")
	default:
		return nil, fmt.Errorf("parameter train is a %s: declare TrainParam or TrainSubsetParam", pi.Kind)
	}
	switch v {
	case "true":
		return all, nil
	case "false":
		return nil, nil
	}
	var out []int
	for name := range strings.SplitSeq(v, "+") {
		j := slices.IndexFunc(params, func(p *registry.Param) bool { return p.Name == name })
		if j < 0 {
			return nil, fmt.Errorf("train=%s: %q is not a trainable parameter of %s", v, name, info.Name)
		}
		out = append(out, j)
	}
	slices.Sort(out)
	return out, nil
}

func (e *elementwise) Spec() registry.Spec { return e.spec }

func (e *elementwise) Params() []*registry.Param { return e.exposed }

func (e *elementwise) Kinks() []float64 {
	var ks []float64
	if k, ok := e.k.(Kinked); ok {
		ks = append(ks, k.Kinks()...)
	}
	if k, ok := e.k.(ParamKinked); ok {
		p := make([]float64, len(e.params))
		n := 1
		if len(e.params) > 0 {
			n = len(e.params[0].Value)
		}
		for c := 0; c < n; c++ {
			for j, prm := range e.params {
				p[j] = float64(prm.Value[c])
			}
			ks = append(ks, k.KinksAt(p)...)
		}
	}
	return ks
}

// Reference takes the values of the trained parameters (those Params
// exposes) in p; frozen ones are at their spec values, equal in every
// channel.
func (e *elementwise) Reference(x float64, p []float64) float64 {
	var buf [8]float64
	var q []float64
	if n := len(e.params); n <= len(buf) {
		q = buf[:n]
	} else {
		q = make([]float64, n) // PAU has 10; Reference is not a hot path
	}
	if len(p) != len(e.trained) {
		panic(fmt.Sprintf("%s: Reference got %d parameter values, want %d", e.spec.Name, len(p), len(e.trained)))
	}
	for j, prm := range e.params {
		q[j] = float64(prm.Value[0])
	}
	for k, j := range e.trained {
		q[j] = p[k]
	}
	return e.k.Reference(x, q)
}

func checkLen(name string, s registry.Shape, xs ...[]float32) {
	if s.N < 0 || s.C < 1 || s.HW < 1 {
		panic(fmt.Sprintf("%s: invalid shape %+v", name, s))
	}
	for _, x := range xs {
		if len(x) != s.Len() {
			panic(fmt.Sprintf("%s: slice of length %d for shape %+v (want %d)", name, len(x), s, s.Len()))
		}
	}
}

func (e *elementwise) channelValues(c int) []float32 {
	for j, prm := range e.params {
		e.p[j] = prm.Value[c]
	}
	return e.p
}

func (e *elementwise) Forward(y, x []float32, s registry.Shape) {
	checkLen(e.spec.Name, s, y, x)
	if !e.perChan {
		e.k.Forward(y, x, e.channelValues(0))
		return
	}
	if len(e.params) > 0 && len(e.params[0].Value) != s.C {
		panic(fmt.Sprintf("%s: built for %d channels, got shape %+v", e.spec.Name, len(e.params[0].Value), s))
	}
	if rk, ok := e.k.(RowKernel); ok && s.HW == 1 {
		for n := 0; n < s.N; n++ {
			rk.ForwardRow(y[n*s.C:(n+1)*s.C], x[n*s.C:(n+1)*s.C], e.rowP)
		}
		return
	}
	if s.HW == 1 {
		e.forwardTiles(y, x, s)
		return
	}
	if s.HW < gatherBelow {
		cx, cy := e.columns(s)
		for c := 0; c < s.C; c++ {
			gather(cx, x, s, c)
			e.k.Forward(cy, cx, e.channelValues(c))
			scatter(y, cy, s, c)
		}
		return
	}
	for n := 0; n < s.N; n++ {
		for c := 0; c < s.C; c++ {
			off := (n*s.C + c) * s.HW
			e.k.Forward(y[off:off+s.HW], x[off:off+s.HW], e.channelValues(c))
		}
	}
}

func (e *elementwise) Backward(dx, dy, x []float32, s registry.Shape) {
	checkLen(e.spec.Name, s, dx, dy, x)
	if !e.perChan {
		clear(e.g)
		e.k.Backward(dx, dy, x, e.channelValues(0), e.g)
		e.accumulate(0)
		return
	}
	if len(e.params) > 0 && len(e.params[0].Value) != s.C {
		panic(fmt.Sprintf("%s: built for %d channels, got shape %+v", e.spec.Name, len(e.params[0].Value), s))
	}
	if rk, ok := e.k.(RowKernel); ok && s.HW == 1 {
		// For frozen parameters (train=false or a subset) the row kernel
		// accumulates into Grad storage that Params does not expose:
		// harmless, and branch-free.
		for n := 0; n < s.N; n++ {
			rk.BackwardRow(dx[n*s.C:(n+1)*s.C], dy[n*s.C:(n+1)*s.C], x[n*s.C:(n+1)*s.C], e.rowP, e.rowG)
		}
		return
	}
	if s.HW == 1 {
		e.backwardTiles(dx, dy, x, s)
		return
	}
	if s.HW < gatherBelow {
		cx, cd := e.columns(s)
		for c := 0; c < s.C; c++ {
			gather(cx, x, s, c)
			gather(cd, dy, s, c)
			clear(e.g)
			e.k.Backward(cd, cd, cx, e.channelValues(c), e.g)
			e.accumulate(c)
			scatter(dx, cd, s, c)
		}
		return
	}
	for n := 0; n < s.N; n++ {
		for c := 0; c < s.C; c++ {
			off := (n*s.C + c) * s.HW
			clear(e.g)
			e.k.Backward(dx[off:off+s.HW], dy[off:off+s.HW], x[off:off+s.HW], e.channelValues(c), e.g)
			e.accumulate(c)
		}
	}
}

// columns returns the two channel-sized scratch slices, grown (once per
// larger batch) as needed.
func (e *elementwise) columns(s registry.Shape) (a, b []float32) {
	n := s.N * s.HW
	if cap(e.colX) < n {
		e.colX, e.colY = make([]float32, n), make([]float32, n)
	}
	return e.colX[:n], e.colY[:n]
}

// gather copies channel c of NCHW data src into dst (N runs of HW).
func gather(dst, src []float32, s registry.Shape, c int) {
	for n := 0; n < s.N; n++ {
		off := (n*s.C + c) * s.HW
		copy(dst[n*s.HW:(n+1)*s.HW], src[off:off+s.HW])
	}
}

// scatter is the inverse of gather.
func scatter(dst, src []float32, s registry.Shape, c int) {
	for n := 0; n < s.N; n++ {
		off := (n*s.C + c) * s.HW
		copy(dst[off:off+s.HW], src[n*s.HW:(n+1)*s.HW])
	}
}

// tileRows is the number of dense rows forwardTiles transposes at a time.
func tileRows(channels int) int { return max(16, min(256, 16384/channels)) }

// forwardTiles handles per-channel parameters on dense N x C data for
// kernels without a row path: it transposes tiles of rows into channel-major
// scratch (sequential reads, writes within a cache-resident tile), runs the
// kernel once per channel on the tile, and transposes back.
func (e *elementwise) forwardTiles(y, x []float32, s registry.Shape) {
	t := tileRows(s.C)
	a, b := e.columns(registry.Shape{N: t, C: 1, HW: s.C})
	for r0 := 0; r0 < s.N; r0 += t {
		rows := min(t, s.N-r0)
		transposeIn(a, x[r0*s.C:(r0+rows)*s.C], rows, s.C, t)
		for c := 0; c < s.C; c++ {
			e.k.Forward(b[c*t:c*t+rows], a[c*t:c*t+rows], e.channelValues(c))
		}
		transposeOut(y[r0*s.C:(r0+rows)*s.C], b, rows, s.C, t)
	}
}

// backwardTiles is forwardTiles for Backward.
func (e *elementwise) backwardTiles(dx, dy, x []float32, s registry.Shape) {
	t := tileRows(s.C)
	a, b := e.columns(registry.Shape{N: t, C: 1, HW: s.C})
	for r0 := 0; r0 < s.N; r0 += t {
		rows := min(t, s.N-r0)
		transposeIn(a, x[r0*s.C:(r0+rows)*s.C], rows, s.C, t)
		transposeIn(b, dy[r0*s.C:(r0+rows)*s.C], rows, s.C, t)
		for c := 0; c < s.C; c++ {
			clear(e.g)
			e.k.Backward(b[c*t:c*t+rows], b[c*t:c*t+rows], a[c*t:c*t+rows], e.channelValues(c), e.g)
			e.accumulate(c)
		}
		transposeOut(dx[r0*s.C:(r0+rows)*s.C], b, rows, s.C, t)
	}
}

// transposeIn sets dst[c*stride+r] = src[r*C+c] for rows r < rows.
func transposeIn(dst, src []float32, rows, C, stride int) {
	for r := 0; r < rows; r++ {
		row := src[r*C : (r+1)*C]
		for c, v := range row {
			dst[c*stride+r] = v
		}
	}
}

// transposeOut sets dst[r*C+c] = src[c*stride+r].
func transposeOut(dst, src []float32, rows, C, stride int) {
	for r := 0; r < rows; r++ {
		row := dst[r*C : (r+1)*C]
		for c := range row {
			row[c] = src[c*stride+r]
		}
	}
}

func (e *elementwise) accumulate(c int) {
	for _, j := range e.trained {
		e.params[j].Grad[c] += float32(e.g[j])
	}
}

// Parameter declarations shared by many activations.

func Number(name string, def, lo, hi float64, doc string) registry.ParamInfo {
	return registry.ParamInfo{Name: name, Kind: registry.Number, Default: def, Min: lo, Max: hi, Doc: doc}
}

func Trainable(name string, def, lo, hi float64, doc string) registry.ParamInfo {
	p := Number(name, def, lo, hi, doc)
	p.Trainable = true
	return p
}

var (
	// PerParam is the standard per=shared|channel parameter: declare it to
	// let users choose one value per layer or one per channel.
	PerParam = registry.ParamInfo{Name: "per", Kind: registry.Choice, Default: "shared",
		Choices: []string{"shared", "channel"}, Doc: "one value for the layer, or one per channel"}
	// TrainParam is the standard train=true|false parameter. An activation
	// with more than one trainable parameter may declare
	// TrainSubsetParam instead, which also accepts subsets.
	TrainParam = registry.ParamInfo{Name: "train", Kind: registry.Bool, Default: true,
		Doc: "learn the trainable parameters (false keeps them fixed at their spec values)"}
)

// maxSubsetParams bounds TrainSubsetParam: 2^6-2 = 62 subsets is already
// more than a help line can list.
const maxSubsetParams = 6

// TrainSubsetParam returns the train parameter of an activation whose
// trainable parameters are names (in declaration order): a choice of "true"
// (all learn: the default), "false" (none: fixed at their spec values) and
// every proper non-empty subset, written as its names joined by "+" in
// declaration order ("a", "b" for two; "a", "b", "c", "a+b", "a+c", "b+c"
// for three), which trains only those and keeps the others at their spec
// values (e.g. pvlu(train=a): b frozen). The spec grammar's values may hold
// '+' but not ','; "true" and "false" print as TrainParam's do, so
// canonical specs and the trial keys made from them are unchanged. It
// panics on a programmer error: fewer than two or more than six names, or
// names that are not spec words.
func TrainSubsetParam(names ...string) registry.ParamInfo {
	if len(names) < 2 || len(names) > maxSubsetParams {
		panic(fmt.Sprintf("elementwise.TrainSubsetParam(%q): want 2 to %d parameter names (use TrainParam for one)", names, maxSubsetParams))
	}
	choices := []string{"true", "false"}
	n := len(names)
	// Subsets by size, then in declaration order (bit order of the mask).
	for size := 1; size < n; size++ {
		for mask := 1; mask < 1<<n-1; mask++ {
			if bits.OnesCount(uint(mask)) != size {
				continue
			}
			var parts []string
			for i, name := range names {
				if mask&(1<<i) != 0 {
					parts = append(parts, name)
				}
			}
			choices = append(choices, strings.Join(parts, "+"))
		}
	}
	return registry.ParamInfo{Name: "train", Kind: registry.Choice, Default: "true", Choices: choices,
		Doc: "learn the trainable parameters: true (all), false (none: fixed at their spec values) or the '+'-joined names of the ones to learn (the others stay fixed)"}
}

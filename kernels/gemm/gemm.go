// Package gemm is actbench's float32 matrix multiply, the kernel behind
// convolution (im2col) and dense layers.
//
// One entry point, Sgemm, serves every layout the layers need (NN forward,
// TN weight gradients, NT input gradients, and TT) on row-major matrices.
// The work is done by one of several backends, chosen at run time:
//
//   - "avx512", "avx2": our own micro-kernels, generated with avo in plain Go
//     assembly (see asmgen/gemm), driven by a BLIS-like packing and blocking
//     driver in Go. The default on CPUs that have the features.
//   - "gonum": gonum's pure-Go BLAS, used where SIMD is missing (another
//     architecture, the purego build tag) or when ACTBENCH_SIMD=off.
//   - "openblas": OpenBLAS's cblas_sgemm through cgo, only in builds with
//     -tags openblas; an independent oracle and speed cross-check, never the
//     default unless asked for.
//
// The environment chooses the default backend at start: ACTBENCH_SIMD
// (shared with the activation kernels) = off|purego (gonum), avx2, avx512
// or auto (the fastest available); ACTBENCH_GEMM=<backend> names any
// backend, e.g. to run a whole test suite on OpenBLAS. SetBackend changes
// it later.
//
// Work is split across SetThreads goroutines along M (or N when M is small)
// at fixed boundaries, and each element of C is accumulated by exactly one
// goroutine in a fixed order, so results are deterministic for a backend.
package gemm

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/actbench/actbench/kernels/internal/simdenv"
)

// backend is one implementation of the block product. compute must add
// alpha*op(A)*op(B) for rows [i0,i1) and columns [j0,j1) of C, whose beta
// scaling has already been applied by the caller.
type backend struct {
	name string
	// priority orders the default choice: the highest available wins.
	priority int
	// compute is called concurrently from several goroutines on disjoint
	// blocks of C. It takes the problem by value: a pointer passed through a
	// function value would escape and cost an allocation per call.
	compute func(p problem, i0, i1, j0, j1 int)
	// scalesC is true when compute applies beta itself (it is passed
	// through p.beta) instead of relying on the driver's pre-scaling.
	scalesC bool
	// splitInvariant is true when the result does not depend on how C is
	// split across goroutines (each element is summed in the same order
	// whatever its block), so that Sgemm may use fewer goroutines than
	// Threads() when other calls are running concurrently.
	splitInvariant bool
	// columnInvariant is true when each element's sum depends on k alone,
	// not on m or n either (see ColumnInvariant).
	columnInvariant bool
	// rowAlign is the micro-tile height: goroutines split M at multiples
	// of it, so that none is left with a ragged tile in the middle of C.
	rowAlign int
	// batch, when set, runs the products of a strided batch (see
	// SgemmBatch; each small enough to run unsplit) on the calling
	// goroutine, as compute would one by one, sharing per-call state.
	// Backends with it apply beta themselves (scalesC).
	batch func(p problem, count, strideA, strideB, strideC int)
}

// problem is one Sgemm call, passed by value to the worker goroutines.
type problem struct {
	transA, transB bool
	m, n, k        int
	alpha          float32
	a              []float32
	lda            int
	b              []float32
	ldb            int
	beta           float32
	c              []float32
	ldc            int
}

// registered holds every backend compiled into this binary and usable on
// this CPU, in order of preference.
var registered []*backend

// register adds b to the registry, keeping it sorted by priority; backends
// call it from package-level variable initialisers, which all run before
// init picks the default.
func register(b *backend) *backend {
	i := 0
	for i < len(registered) && registered[i].priority >= b.priority {
		i++
	}
	registered = append(registered, nil)
	copy(registered[i+1:], registered[i:])
	registered[i] = b
	return b
}

var (
	active  atomic.Pointer[backend]
	threads atomic.Int32
	// inFlight counts the Sgemm calls running now. Callers that already
	// run in parallel (layers split a batch across goroutines) would
	// otherwise start Threads() goroutines each and oversubscribe the
	// cores.
	inFlight atomic.Int32
)

func init() {
	threads.Store(int32(defaultThreads()))
	active.Store(defaultBackend())
}

func defaultThreads() int {
	n := runtime.GOMAXPROCS(0)
	if n < 1 {
		n = 1
	}
	return n
}

// simdDisabled reports whether ACTBENCH_SIMD asks for the pure-Go paths.
func simdDisabled() bool {
	c, _ := simdenv.Get()
	return c == simdenv.Off
}

func isSIMD(name string) bool { return name == "avx512" || name == "avx2" }

// defaultBackend picks the backend from the environment, warning on stderr
// when a request cannot be honoured: ACTBENCH_GEMM names any backend;
// otherwise ACTBENCH_SIMD (shared with the activation kernels) chooses
// among ours: off or purego for gonum, avx2, avx512, or auto (the default)
// for the fastest the CPU supports.
func defaultBackend() *backend {
	best := registered[0]
	choice, simd := simdenv.Get()
	if want := strings.ToLower(strings.TrimSpace(os.Getenv("ACTBENCH_GEMM"))); want != "" {
		switch b := lookup(want); {
		case b == nil:
			warnf("ACTBENCH_GEMM=%q is not an available backend (have %s); ignoring it", want, strings.Join(Backends(), ", "))
		case simdDisabled() && isSIMD(b.name):
			warnf("ACTBENCH_GEMM=%s conflicts with ACTBENCH_SIMD=%s; using gonum", want, simd)
			return gonumBackend
		default:
			return b
		}
	}
	switch choice {
	case simdenv.Auto:
	case simdenv.Off:
		return gonumBackend
	case simdenv.AVX2, simdenv.AVX512:
		if b := lookup(choice.Name()); b != nil {
			return b
		}
		warnf("ACTBENCH_SIMD=%s: this CPU or build has no %s GEMM (have %s); using %s", simd, choice.Name(), strings.Join(Backends(), ", "), best.name)
	default:
		warnf("ACTBENCH_SIMD=%q is not one of off, avx2, avx512, auto; using %s", simd, best.name)
	}
	return best
}

func warnf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "actbench: gemm: "+format+"\n", args...)
}

func lookup(name string) *backend {
	for _, b := range registered {
		if b.name == name {
			return b
		}
	}
	return nil
}

// Backend names the backend Sgemm uses now: "avx512", "avx2", "gonum" or
// "openblas". Results should record it.
func Backend() string { return active.Load().name }

// SetBackend makes name the backend of later Sgemm calls. It fails, leaving
// the backend unchanged, when name is not in Backends(). It is safe to call
// concurrently with Sgemm; calls already running finish on the old backend.
func SetBackend(name string) error {
	b := lookup(strings.ToLower(strings.TrimSpace(name)))
	if b == nil {
		return fmt.Errorf("gemm: unknown or unavailable backend %q: this build on this CPU has %s",
			name, strings.Join(Backends(), ", "))
	}
	active.Store(b)
	return nil
}

// Backends lists the backends available in this build on this CPU, the
// preferred first. It does not depend on the environment variables.
func Backends() []string {
	names := make([]string, len(registered))
	for i, b := range registered {
		names[i] = b.name
	}
	return names
}

// ColumnInvariant reports whether the active backend sums every element of
// C in an order that depends on k alone, not on m, n, the position of the
// element or the split across goroutines: then one product over the columns
// of several blocks side by side gives each block bit for bit what a
// product of its own would. True for our SIMD backends; gonum and OpenBLAS
// block their loops by size. Callers that batch products (layers.Conv2D
// chunks small images) check it, so that an image's result never depends on
// its neighbours.
func ColumnInvariant() bool { return active.Load().columnInvariant }

// SetThreads sets how many goroutines one Sgemm call splits its work across
// (values below 1 mean 1). The default is runtime.GOMAXPROCS(0). While
// several Sgemm calls run concurrently, each uses fewer goroutines (down to
// one) so that together they do not oversubscribe the cores; this never
// changes results, except on the openblas backend, which always splits
// Threads() ways.
func SetThreads(n int) {
	if n < 1 {
		n = 1
	}
	if n > maxThreads {
		n = maxThreads
	}
	threads.Store(int32(n))
}

// Threads returns the goroutine count set by SetThreads.
func Threads() int { return int(threads.Load()) }

// maxThreads bounds SetThreads so that a wild value cannot start thousands
// of goroutines.
const maxThreads = 256

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices;
// op(A) is m x k, op(B) is k x n. op(X) is X, or X transposed when transX is
// true, so A is stored m x k (lda >= k) or k x m (lda >= m), and B is stored
// k x n (ldb >= n) or n x k (ldb >= k). C is m x n with ldc >= n.
//
// As in BLAS, when beta is 0 C is not read (NaNs in it are overwritten), and
// when alpha is 0 or k is 0, A and B are not read.
//
// Sgemm panics, naming the argument, when a dimension is negative, a leading
// dimension is too small or a slice is too short: those are programming
// errors of the caller, like an out-of-range index.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	p := problem{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc}
	if err := p.check(); err != nil {
		panic(err.Error())
	}
	p.solve(active.Load())
}

// SgemmBatch computes count independent products of one shape,
//
//	C_i = alpha*op(A_i)*op(B_i) + beta*C_i,  i = 0..count-1,
//
// with A_i, B_i and C_i starting at a[i*strideA:], b[i*strideB:] and
// c[i*strideC:] (a strided batch, as cuBLAS's SgemmStridedBatched), in
// order. Each C_i gets exactly what Sgemm would give it; a batch of small
// products pays one call's overhead (validation, dispatch, a packing
// buffer) instead of count, which is what the Winograd convolution's 16
// products per chunk need. The C_i must not overlap. SgemmBatch panics, as
// Sgemm does, naming the product whose operands are too short.
func SgemmBatch(count int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda, strideA int,
	b []float32, ldb, strideB int, beta float32, c []float32, ldc, strideC int) {
	if count < 0 || strideA < 0 || strideB < 0 || strideC < 0 {
		panic(fmt.Sprintf("gemm: SgemmBatch: negative count or stride (count=%d strideA=%d strideB=%d strideC=%d)",
			count, strideA, strideB, strideC))
	}
	p := problem{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc}
	for i := range count {
		q, err := p.batchItem(i, strideA, strideB, strideC)
		if err == nil {
			err = q.check()
		}
		if err != nil {
			panic(fmt.Sprintf("SgemmBatch product %d of %d: %v", i, count, err))
		}
	}
	be := active.Load()
	if be.batch != nil && m > 0 && n > 0 && alpha != 0 && k > 0 && p.serial(be) {
		be.batch(p, count, strideA, strideB, strideC)
		return
	}
	for i := range count {
		q, _ := p.batchItem(i, strideA, strideB, strideC)
		q.solve(be)
	}
}

// batchItem is product i of a strided batch (operands an empty product
// does not read may be short).
func (p *problem) batchItem(i, strideA, strideB, strideC int) (problem, error) {
	q := *p
	var err error
	cut := func(s []float32, off int, name string) []float32 {
		if off > len(s) {
			if err == nil {
				err = fmt.Errorf("gemm: len(%s)=%d ends before its offset %d", name, len(s), off)
			}
			return nil
		}
		return s[off:]
	}
	if p.m > 0 && p.n > 0 {
		if p.k > 0 && p.alpha != 0 {
			q.a, q.b = cut(p.a, i*strideA, "a"), cut(p.b, i*strideB, "b")
		}
		q.c = cut(p.c, i*strideC, "c")
	}
	return q, err
}

// serial reports whether be runs p on the calling goroutine alone at any
// thread count: too small to be worth a hand-off.
func (p *problem) serial(be *backend) bool {
	count, _ := parts(p.m, p.n, p.k, Threads(), max(1, be.rowAlign))
	return count == 1
}

// solve runs a validated product on backend be.
func (p *problem) solve(be *backend) {
	if p.m == 0 || p.n == 0 {
		return
	}
	if p.alpha == 0 || p.k == 0 {
		scaleC(p, 0, p.m, 0, p.n)
		return
	}
	if p.serial(be) {
		// No split: the concurrent-call count, a counter every core
		// would write, is not needed.
		runBlock(be, p, 0, p.m, 0, p.n)
		return
	}
	th := Threads()
	concurrent := int(inFlight.Add(1))
	defer inFlight.Add(-1)
	if be.splitInvariant && concurrent > 1 {
		th = max(1, th-(concurrent-1))
	}
	run(be, p, th)
}

// check validates the dimensions against the slices.
func (p *problem) check() error {
	if p.m < 0 || p.n < 0 || p.k < 0 {
		return fmt.Errorf("gemm: negative dimension m=%d n=%d k=%d", p.m, p.n, p.k)
	}
	aRows, aCols := p.m, p.k
	if p.transA {
		aRows, aCols = p.k, p.m
	}
	bRows, bCols := p.k, p.n
	if p.transB {
		bRows, bCols = p.n, p.k
	}
	if p.lda < max(1, aCols) {
		return fmt.Errorf("gemm: lda=%d is smaller than the %d columns of A (transA=%v)", p.lda, aCols, p.transA)
	}
	if p.ldb < max(1, bCols) {
		return fmt.Errorf("gemm: ldb=%d is smaller than the %d columns of B (transB=%v)", p.ldb, bCols, p.transB)
	}
	if p.ldc < max(1, p.n) {
		return fmt.Errorf("gemm: ldc=%d is smaller than the %d columns of C", p.ldc, p.n)
	}
	if p.m == 0 || p.n == 0 {
		return nil
	}
	if p.k > 0 {
		if need := (aRows-1)*p.lda + aCols; len(p.a) < need {
			return fmt.Errorf("gemm: len(a)=%d, need %d for a %dx%d A with lda=%d", len(p.a), need, aRows, aCols, p.lda)
		}
		if need := (bRows-1)*p.ldb + bCols; len(p.b) < need {
			return fmt.Errorf("gemm: len(b)=%d, need %d for a %dx%d B with ldb=%d", len(p.b), need, bRows, bCols, p.ldb)
		}
	}
	if need := (p.m-1)*p.ldc + p.n; len(p.c) < need {
		return fmt.Errorf("gemm: len(c)=%d, need %d for a %dx%d C with ldc=%d", len(p.c), need, p.m, p.n, p.ldc)
	}
	return nil
}

// scaleC applies C = beta*C on a block; beta == 0 stores zeros so that NaNs
// in C do not survive, as BLAS specifies.
func scaleC(p *problem, i0, i1, j0, j1 int) {
	if p.beta == 1 {
		return
	}
	for i := i0; i < i1; i++ {
		row := p.c[i*p.ldc+j0 : i*p.ldc+j1]
		if p.beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= p.beta
		}
	}
}

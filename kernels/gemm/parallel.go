package gemm

import "sync"

// Splitting policy. Each goroutine gets one contiguous block of rows (or of
// columns when C is short and wide) whose boundaries depend only on the
// shape and the thread count, and every element of C is accumulated by one
// goroutine in a fixed k order: results never depend on scheduling.
var (
	// minParallelFlops is the smallest product worth a goroutine hand-off:
	// about 50 µs of work at SIMD speed, against 1-3 µs to hand a task over
	// and 5-20 µs more before another P steals the woken worker from the
	// caller's run queue. Smaller products are better split by the caller,
	// as the layers do across the images of a batch.
	// Tests lower it to split small products too.
	minParallelFlops = 1 << 23
)

const (
	// colAlign keeps a split along N on the boundaries of both SIMD
	// kernels' B strips (32 and 16 columns); splits along M use the
	// backend's rowAlign.
	colAlign = 32
)

// task is one goroutine's block of a Sgemm call.
type task struct {
	be             *backend
	p              problem
	i0, i1, j0, j1 int
	done           *sync.WaitGroup
}

var (
	tasks       = make(chan task)
	workersMu   sync.Mutex
	workerCount int
	waitGroups  = sync.Pool{New: func() any { return new(sync.WaitGroup) }}
)

// ensureWorkers starts persistent worker goroutines until there are n. They
// are never stopped: an idle worker costs a few KiB of stack and nothing else.
func ensureWorkers(n int) {
	workersMu.Lock()
	defer workersMu.Unlock()
	for ; workerCount < n; workerCount++ {
		go worker()
	}
}

func worker() {
	for t := range tasks {
		runBlock(t.be, &t.p, t.i0, t.i1, t.j0, t.j1)
		t.done.Done()
	}
}

func runBlock(be *backend, p *problem, i0, i1, j0, j1 int) {
	if i0 >= i1 || j0 >= j1 {
		return
	}
	if !be.scalesC {
		scaleC(p, i0, i1, j0, j1)
	}
	be.compute(*p, i0, i1, j0, j1)
}

// parts returns how many goroutines a product is split across, and whether
// the split is along N (columns) rather than M (rows).
func parts(m, n, k, threads, rowAlign int) (count int, alongN bool) {
	if threads <= 1 || 2*m*n*k < minParallelFlops {
		return 1, false
	}
	if m >= n || n < 2*colAlign {
		return min(threads, max(1, m/rowAlign)), false
	}
	return min(threads, max(1, n/colAlign)), true
}

// bound returns the start of part i of count over [0,size), aligned down to
// align so that every part but the last holds whole tiles.
func bound(i, count, size, align int) int {
	if i >= count {
		return size
	}
	tiles := (size + align - 1) / align
	return min(size, tiles*i/count*align)
}

// run executes p on backend be split across up to threads goroutines; the
// calling goroutine computes the first block itself.
func run(be *backend, p *problem, threads int) {
	rowAlign := max(1, be.rowAlign)
	count, alongN := parts(p.m, p.n, p.k, threads, rowAlign)
	if count == 1 {
		runBlock(be, p, 0, p.m, 0, p.n)
		return
	}
	ensureWorkers(count - 1)
	wg := waitGroups.Get().(*sync.WaitGroup)
	wg.Add(count - 1)
	for i := 1; i < count; i++ {
		t := task{be: be, p: *p, i0: 0, i1: p.m, j0: 0, j1: p.n, done: wg}
		if alongN {
			t.j0, t.j1 = bound(i, count, p.n, colAlign), bound(i+1, count, p.n, colAlign)
		} else {
			t.i0, t.i1 = bound(i, count, p.m, rowAlign), bound(i+1, count, p.m, rowAlign)
		}
		tasks <- t
	}
	if alongN {
		runBlock(be, p, 0, p.m, 0, bound(1, count, p.n, colAlign))
	} else {
		runBlock(be, p, 0, bound(1, count, p.m, rowAlign), 0, p.n)
	}
	wg.Wait()
	waitGroups.Put(wg)
}

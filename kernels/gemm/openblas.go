//go:build openblas && cgo

package gemm

/*
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
// Declared here too in case cblas.h is another vendor's header.
void openblas_set_num_threads(int num_threads);
*/
import "C"

import "unsafe"

// openblasBackend calls OpenBLAS's cblas_sgemm (Debian's libopenblas-dev)
// on each goroutine's block. OpenBLAS runs single-threaded: its own 2-thread
// mode is erratic on im2col shapes, and our fixed split keeps results
// deterministic for a thread count. It is never the default (its priority
// is below gonum's): pick it with SetBackend("openblas") or
// ACTBENCH_GEMM=openblas.
var openblasBackend = register(&backend{name: "openblas", priority: -10, scalesC: true, rowAlign: 8, compute: openblasCompute})

func init() { C.openblas_set_num_threads(1) }

func openblasCompute(p problem, i0, i1, j0, j1 int) {
	tA, tB := uint32(C.CblasNoTrans), uint32(C.CblasNoTrans)
	aOff, bOff := i0*p.lda, j0
	if p.transA {
		tA, aOff = uint32(C.CblasTrans), i0
	}
	if p.transB {
		tB, bOff = uint32(C.CblasTrans), j0*p.ldb
	}
	C.cblas_sgemm(C.CblasRowMajor, tA, tB, C.blasint(i1-i0), C.blasint(j1-j0), C.blasint(p.k),
		C.float(p.alpha), (*C.float)(unsafe.Pointer(&p.a[aOff])), C.blasint(p.lda),
		(*C.float)(unsafe.Pointer(&p.b[bOff])), C.blasint(p.ldb),
		C.float(p.beta), (*C.float)(unsafe.Pointer(&p.c[i0*p.ldc+j0])), C.blasint(p.ldc))
}

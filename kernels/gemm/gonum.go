package gemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// gonumBackend is the pure-Go fallback. gonum itself may fan a large block
// out over GOMAXPROCS goroutines (one per 64x64 block of C, each summing its
// k blocks in order), which keeps results deterministic but allocates; only
// the SIMD backends promise zero allocations.
var gonumBackend = register(&backend{name: "gonum", priority: 0, compute: gonumCompute, scalesC: true, splitInvariant: true, rowAlign: 8})

func gonumCompute(p problem, i0, i1, j0, j1 int) {
	tA, tB := blas.NoTrans, blas.NoTrans
	a, b := p.a, p.b
	if p.transA {
		tA = blas.Trans
		a = a[i0:]
	} else {
		a = a[i0*p.lda:]
	}
	if p.transB {
		tB = blas.Trans
		b = b[j0*p.ldb:]
	} else {
		b = b[j0:]
	}
	gonum.Implementation{}.Sgemm(tA, tB, i1-i0, j1-j0, p.k, p.alpha, a, p.lda, b, p.ldb, p.beta, p.c[i0*p.ldc+j0:], p.ldc)
}

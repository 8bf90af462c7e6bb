// Package act holds actbench's hot elementwise activation kernels: ReLU, Leaky
// ReLU / PReLU, PVLU (max(0,x) + a*sin(b*x)) and the float32 sine they use,
// forward and backward, on float32 slices.
//
// Every function is destination-first (the output comes first, as in gonum),
// allocates nothing, is branch-free in its inner loop, and panics when the
// slice lengths differ (a programmer error, not a user error). Outputs may
// alias inputs where a function says so.
//
// # Paths
//
// Each kernel exists three times, all generated from one description by
// asmgen/act in the repository: AVX-512 and AVX2 (+FMA) versions in Go
// assembly (via avo) and a portable pure-Go version that emulates every
// vector instruction exactly (emulate.go), so that all three give the same
// float32 results, bit for bit. At init the package picks the fastest path the CPU
// supports (golang.org/x/sys/cpu). The environment variable ACTBENCH_SIMD
// overrides the choice:
//
//	ACTBENCH_SIMD=off      pure Go (also accepted: purego)
//	ACTBENCH_SIMD=avx2     AVX2 + FMA
//	ACTBENCH_SIMD=avx512   AVX-512 (F + DQ)
//	ACTBENCH_SIMD=auto     the default: the fastest supported path
//
// An unknown value, or an ISA the CPU lacks, prints one warning on stderr at
// program start and falls back to the fastest supported path. Path reports the
// path in use, SetPath switches it (tests run every path in one process) and
// Paths lists the paths this CPU supports.
//
// # Numerics
//
// NaN in gives NaN out, in forward and backward (a NaN x makes dx and the
// parameter gradients NaN). The derivative of max(0,x) at x == 0 is 0, as in
// PyTorch. Parameter gradients (LeakyReLUBackward's gslope, PVLUBackward's ga
// and gb) are summed in a fixed layout shared by every path: within blocks of
// 4096 elements element i adds into float32 lane i%16 (with FMA), and the 16
// lanes of each block are added in float64 in lane order.
//
// The sine is a branch-free polynomial with range reduction by pi (Cody-Waite,
// two float32 parts with FMA), sin(x) = (-1)^k sin(x - k*pi), with odd
// degree-9 and even degree-10 minimax polynomials on [-1.65, 1.65] for sin
// and cos (coefficients in coeffs_gen.go, from asmgen/act/consts.go). Its
// maximum absolute error against math.Sin is stated at Sin and checked by the
// tests. PVLU's argument b*x is formed exactly (the float32 product plus its
// FMA-computed rounding error), so large |b*x| costs no accuracy.
package act

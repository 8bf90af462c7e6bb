// Package act holds actbench's elementwise activation kernels on float32
// slices, forward and backward (the backward recomputes from x): ReLU, Leaky
// ReLU / PReLU, PVLU (max(0,x) + a*sin(b*x)) and the sine it uses, and the
// smooth activations: sigmoid, SiLU, swish, softplus (with PyTorch's
// threshold), logsigmoid, tanh, ELU/SELU, CELU, PELU, Mish, GELU (exact and
// tanh form), Snake and SinLU, with per-element-parameter ("Row") variants
// for per-channel parameters on dense rows.
//
// Every function is destination-first (the output comes first, as in gonum),
// allocates nothing, is branch-free in its inner loop, and panics when the
// slice lengths differ (a programmer error, not a user error). Outputs may
// alias inputs where a function says so.
//
// # Paths
//
// Each kernel exists three times, all generated from one description by
// asmgen/act in the repository (go generate; make generate checks that the
// committed files match): AVX-512 and AVX2 (+FMA) versions in Go assembly
// (via avo) and a portable pure-Go version that emulates every vector
// instruction exactly (emulate.go: a float32 FMA is a float64 multiply-add
// whose rare double-rounding and subnormal cases are rounded to odd). All
// three give the same float32 results, bit for bit, and the same parameter
// gradients (TestPathsBitIdentical, TestGradientSumsIdentical), so training
// does not depend on the machine's vector width. The constants and
// polynomial coefficients have one definition, the generator's table
// (asmgen/act/consts.go), written out as coeffs_gen.go for the Go path and as
// RODATA for the assembly; asmgen/fitcoeffs records how they were fitted.
//
// At init the package picks the fastest path the CPU supports
// (golang.org/x/sys/cpu). The environment variable ACTBENCH_SIMD overrides
// the choice:
//
//	ACTBENCH_SIMD=off      pure Go (also accepted: purego)
//	ACTBENCH_SIMD=avx2     AVX2 + FMA
//	ACTBENCH_SIMD=avx512   AVX-512 (F + DQ)
//	ACTBENCH_SIMD=auto     the default: the fastest supported path
//
// An unknown value, or an ISA the CPU lacks, prints one warning on stderr at
// program start and falls back to the fastest supported path. Path reports the
// path in use, SetPath switches it (tests run every path in one process) and
// Paths lists the paths this CPU supports. The pure-Go path is about 100
// times slower than AVX-512 (55-220 ns per element forward plus backward for
// the smooth kernels: an emulated FMA is a float64 multiply-add, TwoSum and
// a rounding to odd, some twenty instructions); it exists for other
// architectures and to test against.
//
// # Numerics
//
// NaN in gives NaN out, in forward and backward (a NaN x makes dx and the
// parameter gradients NaN). The derivatives at kinks follow PyTorch (ReLU's
// at 0 is 0, ELU's the left one). Parameter gradients are summed in a fixed
// layout shared by every path: within blocks of 4096 elements element i adds
// into float32 lane i%16 (with FMA), and the 16 lanes of each block are added
// in float64 in lane order.
//
// The exponential under the smooth kernels reduces t = k*ln2 + r (the first
// step exact) and evaluates e^r with a degree-6 minimax polynomial (3e-9
// relative). Its result comes as 2^-64 * 2^(k+64) * (1 + p(r)), so that
// results which are subnormal in float32 are computed as normal numbers and
// rounded once at the end: the kernels are accurate down to the smallest
// subnormal, not only where the result is normal. Where an argument is a
// product or quotient (beta*x, x/alpha, x^2/2, GELU-tanh's cubic) it is
// formed exactly as a double-float, because exp amplifies an argument error
// by the argument's size. softplus and logsigmoid use log1p(e) = e*R(2e-1)
// (degree 9, 5e-9); GELU uses Phi(-|x|) = e^(-x^2/2)*P(|x|)/Q(|x|) (degree
// 4/5, 6e-9) for all x, so its left tail has no cancellation.
//
// Maximum errors measured by TestSmoothAccuracy against float64 references
// over a dense sweep of [-20, 20] and [-160, 160], 64 values of every binade
// from the smallest subnormal to the largest float and the special values,
// in float32 ulps of the result (forward) and of the largest term of the
// derivative (backward, whose terms can cancel at its roots); the test fails
// above the stated bound in parentheses:
//
//	            forward     backward          forward     backward
//	sigmoid     2.2 (3)     3.8 (5)     elu      0.9 (1.5)  1.0 (1.5)
//	silu        3.0 (4)     3.7 (5)     selu     1.8 (2.5)  1.7 (2.5)
//	swish       2.9 (4)     4.5 (5)     celu     1.9 (2.5)  1.1 (2)
//	softplus    2.7 (4)     2.2 (3)     pelu     1.5 (2.5)  1.7 (2.5)
//	logsigmoid  2.3 (3)     2.2 (3)     mish     3.7 (5)    3.9 (6)
//	tanh        2.5 (3)     3.6 (5)     gelu     5.4 (6)    3.0 (4)
//	gelu tanh   2.7 (3.5)   4.2 (5)     exp      1.0 (1)    1.0 (1)
//	softsign    1.5 (1.5)   3.1 (3.5)   erf      2.3 (3)    2.4 (3)
//	elliott     1.4 (1.5)   3.1 (3.5)   hardswish 1.7 (2)   0.7 (1)
//	serf        3.8 (4.5)   4.2 (5)     tanhexp  3.3 (4)    2.7 (3.5)
//	smish       6.0 (6.5)   6.4 (7)     (alpha = 1.3, beta = 0.8)
//	gcu         2.2 (2.5)   1.8 (2)     (|x| <= 1e5, against |x|+1: the sine's error is absolute)
//	tanhshrink  2.4 (2.5)   3.5 (4)     (x^3 times its Maclaurin series below |x| = 1, no cancellation)
//	lisht       2.9 (3)     2.5 (3)
//
// The fused composites that feed one rounded exponential into another
// function (GoLU exp(-exp(-x)), ErfAct erf(alpha*exp(beta*x)), Pserf
// erf(gamma*softplus(delta*x)), SRS x/(x/alpha + exp(-x/beta))) lose what
// the outer function's argument amplifies of the inner result's rounding.
// GoLU carries exp(-x) as a double-float and its gate scaled by 2^64 (it was
// 90 and 253 ulps as composed): what is left is the float32 evaluation of
// exp(-x) itself (1e-8 relative, times e^-x up to ~100). SRS takes -|x|/beta
// as a double-float and carries exp of it scaled by 2^64 where the results
// are subnormal: 3.8 and 5.2 ulps over the whole sweep (152 and 60 as
// composed). ErfAct and Pserf take beta*x and delta*x as double-floats and,
// where that argument is below -20, carry erf's argument, erf and the
// derivative's terms scaled by 2^64, rounded once at the end: 4.0 and 4.1,
// 4.0 and 4.7 ulps over the whole sweep (181 and 134, 241 and 123 as
// composed, in their far tails, where the values are below 1e-30). Over the
// whole sweep, and in parentheses where |f| >= 2^-60:
//
//	            forward            backward
//	golu        29 (12)            57 (13)
//	erfact      4.0 (4.0)          4.1 (4.1)     (alpha = beta = 0.75)
//	pserf       4.0 (4.0)          4.7 (4.7)     (gamma = 1.25, delta = 0.85)
//
// TestSmoothAccuracy asserts the whole-sweep figures.
//
// SReLU, APL and StarReLU (piecewise linear and quadratic, with parameter
// gradient sums) are checked against float64 definitions in their own
// tests; PAU (a rational function of degrees 5 and 4 with ten coefficient
// gradients, Horner's rule for |x| <= PAUNear) by the conformance suite of
// package activations, whose PAU takes larger inputs in float64.
//
// ACON-C and LiSHT are fused kernels that do, in one pass, the float32
// operations their compositions of the exp, sigmoid and tanh kernels did
// (forward values and input gradients bit for bit the same); GoLU's, SRS's,
// ErfAct's and Pserf's fused kernels are more accurate than their
// compositions (above). TestPathsBitIdentical covers them like every kernel.
//
// Exp and Erf (with their derivatives) are building blocks for activations
// composed on blocks of values (serf, erfact, golu, ...); exp takes
// arguments above 43 through a shifted reduction (x - 65 ln2, exact) and erf
// is x*P(x^2) below |x| = 0.5 and 1 - 2exp(-x^2)R(x*sqrt2) above, with
// GELU's normal-tail rational R.
//
// Snake and SinLU are measured the same way for |x| <= 1e5 (1.5 and 3.1 ulps
// forward, 1.8 and 4.1 backward), against the magnitude of their terms, since
// the sine's error is absolute.
//
// The sine is a branch-free polynomial with range reduction by pi (Cody-Waite,
// two float32 parts with FMA), sin(x) = (-1)^k sin(x - k*pi), with odd
// degree-9 and even degree-10 minimax polynomials on [-1.65, 1.65] for sin
// and cos. Its maximum absolute error against math.Sin is stated at Sin and
// checked by the tests. PVLU's argument b*x is formed exactly (the float32
// product plus its FMA-computed rounding error), so large |b*x| costs no
// accuracy.
package act

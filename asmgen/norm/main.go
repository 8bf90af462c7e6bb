// Command norm generates the AVX-512 and AVX2 batch-normalisation row kernels of
// github.com/actbench/actbench/kernels/norm with avo.
//
// Run it through go generate in that package (see its gen.go). The sums
// accumulate element i in lane i mod 64 (four zmm accumulators) and reduce
// the 64 lanes in a fixed tree, and every element-wise value is the same
// multiplications and additions (no FMA) as the package's pure-Go code, so
// both give bit-identical results.
package main

import (
	"github.com/actbench/actbench/asmgen/internal/vex"
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

func main() {
	ConstraintExpr("!purego")
	constants()
	sums("sumAVX512", "func(x *float32, n int) float32", false)
	sums("sumSqDevAVX512", "func(x *float32, n int, mu float32) float32", true)
	dySums()
	affine()
	affineAdd()
	affineGrad()
	add()
	addReLUBackward()
	constantsAVX2()
	sumsAVX2("sumAVX2", "func(x *float32, n int) float32", false)
	sumsAVX2("sumSqDevAVX2", "func(x *float32, n int, mu float32) float32", true)
	dySumsAVX2()
	affineAVX2()
	affineAddAVX2()
	affineGradAVX2()
	addAVX2()
	addReLUBackwardAVX2()
	Generate()
	vex.Check("AVX2")
}

// absBits clears a float's sign bit (one float, for VBROADCASTSS).
var absBits Mem

func constants() {
	absBits = GLOBL("norm_abs", RODATA|NOPTR)
	DATA(0, U32(0x7fffffff))
}

func ld(name string) GPVirtual {
	r := GP64()
	Load(Param(name), r)
	return r
}

func paramAddr(name string) Mem {
	b, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}

// storeResult writes the float32 in x's low lane to result i with VMOVSS:
// avo's Store would emit a legacy SSE MOVSS, and legacy SSE beside dirty
// upper halves stalls some Intel CPUs (see asmgen/act).
func storeResult(x VecVirtual, i int) {
	r, err := ReturnIndex(i).Resolve()
	if err != nil {
		panic(err)
	}
	VMOVSS(x, r.Addr)
}

// countMask16 returns the opmask of the first clamp(cnt, 0, 16) lanes; cnt
// is clobbered.
func countMask16(cnt GPVirtual) OpmaskVirtual {
	zero, lim, ones, m := GP64(), GP64(), GP32(), GP32()
	XORQ(zero, zero)
	CMPQ(cnt, Imm(0))
	CMOVQLT(zero, cnt)
	MOVQ(U32(16), lim)
	CMPQ(cnt, U32(16))
	CMOVQGT(lim, cnt)
	MOVL(U32(0xffffffff), ones)
	BZHIL(cnt.As32(), ones, m)
	k := K()
	KMOVW(m, k)
	return k
}

// tree reduces four accumulators to one float32 in the X register it
// returns: lanes (a0+a1)+(a2+a3), then halves 8, 4, 2, 1.
func tree(acc [4]VecVirtual) VecVirtual {
	s01, s23, s := ZMM(), ZMM(), ZMM()
	VADDPS(acc[1], acc[0], s01)
	VADDPS(acc[3], acc[2], s23)
	VADDPS(s23, s01, s)
	hi8 := YMM()
	VEXTRACTF64X4(Imm(1), s, hi8)
	l8 := YMM()
	VADDPS(hi8, s.AsY(), l8)
	return halves(l8)
}

// halves reduces the 8 lanes of l8 as tree does (lane j with j+4, then
// j+2, then j+1) to one float32 in the X register it returns; the AVX-512
// and AVX2 trees end here.
func halves(l8 VecVirtual) VecVirtual {
	hi4 := XMM()
	VEXTRACTF128(Imm(1), l8, hi4)
	l4 := XMM()
	VADDPS(hi4, l8.AsX(), l4)
	hi2 := XMM()
	VMOVHLPS(l4, l4, hi2)
	l2 := XMM()
	VADDPS(hi2, l4, l2)
	hi1 := XMM()
	VMOVSHDUP(l2, hi1)
	l1 := XMM()
	VADDSS(hi1, l2, l1)
	return l1
}

// loop emits a loop over n elements in steps of 64 (four zmm of 16), then
// one masked step for the rest; body(k, disp, mask) handles zmm k of a
// step at byte offset disp from the step's start (mask nil: full). prefix
// keeps the labels of two loops in one function apart.
func loop(prefix string, n GPVirtual, ptrs []GPVirtual, body func(k, disp int, mask OpmaskVirtual)) {
	i := GP64()
	XORQ(i, i)
	Label(prefix + "full")
	t := GP64()
	MOVQ(n, t)
	SUBQ(i, t)
	CMPQ(t, Imm(64))
	JLT(LabelRef(prefix + "tail"))
	for k := 0; k < 4; k++ {
		body(k, 64*k, nil)
	}
	for _, p := range ptrs {
		ADDQ(U32(256), p)
	}
	ADDQ(Imm(64), i)
	JMP(LabelRef(prefix + "full"))
	Label(prefix + "tail")
	for k := 0; k < 4; k++ {
		skipEmpty(t, k, prefix+"done")
		c := GP64()
		MOVQ(t, c)
		SUBQ(U32(16*k), c)
		body(k, 64*k, countMask16(c))
	}
	Label(prefix + "done")
}

// skipEmpty jumps to label when chunk k of the tail (elements 16k ..
// 16k+15) holds none of the t elements left, so the tail never issues a
// masked load or store with an all-zero mask: on the Turin-like AMD of the
// README each one costs ~150 ns when its address lies on a page the process
// has not written yet (every AVX-512 row kernel took ~700 ns a call on
// freshly allocated rows of 256 or 1024 floats until its empty chunks were
// skipped).
func skipEmpty(t GPVirtual, k int, label string) {
	CMPQ(t, U32(16*k))
	JLE(LabelRef(label))
}

// mapReLU emits the element-wise kernel out[i] = f(i) over n floats twice,
// without and with max(0, .) on each result (reluMask), and the jump to
// the second on the function's bool parameter relu; ins and out advance
// with the loop. f(disp, mask) loads its operands at byte offset disp
// under mask (nil: full) and returns the result.
func mapReLU(n GPVirtual, ins []GPVirtual, out GPVirtual, f func(disp int, mask OpmaskVirtual) VecVirtual) {
	zero, abs := ZMM(), ZMM()
	VXORPS(zero, zero, zero)
	VBROADCASTSS(absBits, abs)
	relu := GP8()
	Load(Param("relu"), relu)
	CMPB(relu, Imm(0))
	JNE(LabelRef("relu"))
	for _, withReLU := range []bool{false, true} {
		prefix := ""
		if withReLU {
			Label("relu")
			prefix = "r"
		}
		loop(prefix, n, append(ins, out), func(_, disp int, mask OpmaskVirtual) {
			z := f(disp, mask)
			if withReLU {
				reluMask(z, zero, abs)
			}
			store(z, mask, Mem{Base: out, Disp: disp})
		})
		VZEROUPPER()
		RET()
	}
}

func load(m Mem, mask OpmaskVirtual, z VecVirtual) {
	if mask == nil {
		VMOVUPS(m, z)
	} else {
		VMOVUPS_Z(m, mask, z)
	}
}

func store(z VecVirtual, mask OpmaskVirtual, m Mem) {
	if mask == nil {
		VMOVUPS(z, m)
	} else {
		VMOVUPS(z, mask, m)
	}
}

func zeros() [4]VecVirtual {
	var acc [4]VecVirtual
	for k := range acc {
		acc[k] = ZMM()
		VXORPS(acc[k], acc[k], acc[k])
	}
	return acc
}

func sums(name, sig string, sqDev bool) {
	TEXT(name, NOSPLIT, sig)
	if sqDev {
		Doc(name + " returns the sum of (x[i]-mu)^2 over n floats (see SumSqDev).")
	} else {
		Doc(name + " returns the sum of n floats (see Sum).")
	}
	x, n := ld("x"), ld("n")
	var mu VecVirtual
	if sqDev {
		mu = ZMM()
		VBROADCASTSS(paramAddr("mu"), mu)
	}
	acc := zeros()
	loop("", n, []GPVirtual{x}, func(k, disp int, mask OpmaskVirtual) {
		v := ZMM()
		load(Mem{Base: x, Disp: disp}, mask, v)
		if sqDev {
			// Masked-off lanes are 0-mu: zero them again after squaring.
			d, q := ZMM(), ZMM()
			VSUBPS(mu, v, d)
			VMULPS(d, d, q)
			if mask != nil {
				VMOVUPS_Z(q, mask, q)
			}
			v = q
		}
		VADDPS(v, acc[k], acc[k])
	})
	storeResult(tree(acc), 0)
	VZEROUPPER()
	RET()
}

func dySums() {
	TEXT("dySumsAVX512", NOSPLIT, "func(dy, x *float32, n int, mu float32) (s, t float32)")
	Doc("dySumsAVX512 returns the sums of dy[i] and dy[i]*(x[i]-mu) over n floats (see DySums).")
	dy, x, n := ld("dy"), ld("x"), ld("n")
	mu := ZMM()
	VBROADCASTSS(paramAddr("mu"), mu)
	accS, accT := zeros(), zeros()
	loop("", n, []GPVirtual{dy, x}, func(k, disp int, mask OpmaskVirtual) {
		g, v := ZMM(), ZMM()
		load(Mem{Base: dy, Disp: disp}, mask, g)
		load(Mem{Base: x, Disp: disp}, mask, v)
		d, p := ZMM(), ZMM()
		VSUBPS(mu, v, d)
		if mask == nil {
			VMULPS(d, g, p)
		} else {
			// Masked-off lanes would be 0*(0-mu), NaN for an infinite or
			// NaN mu: zero them, as the pure-Go code adds nothing there.
			VMULPS_Z(d, g, mask, p)
		}
		VADDPS(g, accS[k], accS[k])
		VADDPS(p, accT[k], accT[k])
	})
	storeResult(tree(accS), 0)
	storeResult(tree(accT), 1)
	VZEROUPPER()
	RET()
}

func affine() {
	TEXT("affineAVX512", NOSPLIT, "func(y, x *float32, n int, sc, sh float32, relu bool)")
	Doc("affineAVX512 sets y[i] = x[i]*sc + sh over n floats, then max(0, y[i]) if relu (see Affine).")
	y, x, n := ld("y"), ld("x"), ld("n")
	sc, sh := ZMM(), ZMM()
	VBROADCASTSS(paramAddr("sc"), sc)
	VBROADCASTSS(paramAddr("sh"), sh)
	mapReLU(n, []GPVirtual{x}, y, func(disp int, mask OpmaskVirtual) VecVirtual {
		v, p, z := ZMM(), ZMM(), ZMM()
		load(Mem{Base: x, Disp: disp}, mask, v)
		VMULPS(sc, v, p)
		VADDPS(sh, p, z)
		return z
	})
}

func affineAdd() {
	TEXT("affineAddAVX512", NOSPLIT, "func(y, x, s *float32, n int, sc, sh float32, relu bool)")
	Doc("affineAddAVX512 sets y[i] = (x[i]*sc + sh) + s[i] over n floats, then max(0, y[i]) if relu (see AffineAdd).")
	y, x, s, n := ld("y"), ld("x"), ld("s"), ld("n")
	sc, sh := ZMM(), ZMM()
	VBROADCASTSS(paramAddr("sc"), sc)
	VBROADCASTSS(paramAddr("sh"), sh)
	mapReLU(n, []GPVirtual{x, s}, y, func(disp int, mask OpmaskVirtual) VecVirtual {
		v, u, p, q, z := ZMM(), ZMM(), ZMM(), ZMM(), ZMM()
		load(Mem{Base: x, Disp: disp}, mask, v)
		load(Mem{Base: s, Disp: disp}, mask, u)
		VMULPS(sc, v, p)
		VADDPS(sh, p, q)
		VADDPS(u, q, z) // the affine value first, as Add's a[i]
		return z
	})
}

// reluMask keeps z where z > 0 or z is NaN (not <= 0, unordered), +0
// elsewhere, with the sign bit cleared: Go's max(z, 0), which computes
// -min(-z, -0) on amd64 and so returns a NaN z with its sign cleared.
// (VPANDD: AVX512F has no VANDPS on zmm.)
func reluMask(z, zero, abs VecVirtual) {
	c := K()
	VCMPPS(Imm(0x16), zero, z, c)
	VPANDD_Z(abs, z, c, z)
}

func affineGrad() {
	TEXT("affineGradAVX512", NOSPLIT, "func(dx, dy, x *float32, n int, a, cx, b float32)")
	Doc("affineGradAVX512 sets dx[i] = (a*dy[i] + cx*x[i]) + b over n floats (see AffineGrad).")
	dx, dy, x, n := ld("dx"), ld("dy"), ld("x"), ld("n")
	a, cx, b := ZMM(), ZMM(), ZMM()
	VBROADCASTSS(paramAddr("a"), a)
	VBROADCASTSS(paramAddr("cx"), cx)
	VBROADCASTSS(paramAddr("b"), b)
	loop("", n, []GPVirtual{dx, dy, x}, func(k, disp int, mask OpmaskVirtual) {
		g, v := ZMM(), ZMM()
		load(Mem{Base: dy, Disp: disp}, mask, g)
		load(Mem{Base: x, Disp: disp}, mask, v)
		p, q, s, z := ZMM(), ZMM(), ZMM(), ZMM()
		// dy[i]*a and x[i]*cx with the element first, as the pure-Go
		// code compiles: of two NaNs, x86 returns the first operand's.
		VMULPS(a, g, p)
		VMULPS(cx, v, q)
		VADDPS(q, p, s)
		VADDPS(b, s, z)
		store(z, mask, Mem{Base: dx, Disp: disp})
	})
	VZEROUPPER()
	RET()
}

func add() {
	TEXT("addAVX512", NOSPLIT, "func(dst, a, b *float32, n int, relu bool)")
	Doc("addAVX512 sets dst[i] = a[i] + b[i] over n floats, then max(0, dst[i]) if relu (see Add).")
	dst, a, b, n := ld("dst"), ld("a"), ld("b"), ld("n")
	mapReLU(n, []GPVirtual{a, b}, dst, func(disp int, mask OpmaskVirtual) VecVirtual {
		u, v, z := ZMM(), ZMM(), ZMM()
		load(Mem{Base: a, Disp: disp}, mask, u)
		load(Mem{Base: b, Disp: disp}, mask, v)
		// a[i] first, as the pure-Go code compiles: of two NaNs, x86
		// returns the first operand's.
		VADDPS(v, u, z)
		return z
	})
}

func addReLUBackward() {
	TEXT("addReLUBackwardAVX512", NOSPLIT, "func(dx, a, b, x *float32, n int)")
	Doc("addReLUBackwardAVX512 sets dx[i] = a[i] + b[i] where x[i] > 0, x[i] where it is NaN, else +0 (see AddReLUBackward).")
	dx, a, b, x, n := ld("dx"), ld("a"), ld("b"), ld("x"), ld("n")
	zero := ZMM()
	VXORPS(zero, zero, zero)
	loop("", n, []GPVirtual{dx, a, b, x}, func(_, disp int, mask OpmaskVirtual) {
		u, v, w, z := ZMM(), ZMM(), ZMM(), ZMM()
		load(Mem{Base: a, Disp: disp}, mask, u)
		load(Mem{Base: b, Disp: disp}, mask, v)
		load(Mem{Base: x, Disp: disp}, mask, w)
		pos, nan := K(), K()
		VCMPPS(Imm(0x1e), zero, w, pos) // x > 0, ordered
		VADDPS_Z(v, u, pos, z)          // a[i] first, as Add
		VCMPPS(Imm(0x03), w, w, nan)    // x unordered: NaN
		VMOVAPS(w, nan, z)
		store(z, mask, Mem{Base: dx, Disp: disp})
	})
	VZEROUPPER()
	RET()
}

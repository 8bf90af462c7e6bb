package main

// The AVX2 kernels: the same loops on eight ymm of 8 lanes. The sums keep
// the 64-lane layout (element i in lane i mod 64: lanes 8k .. 8k+7 in
// accumulator k) and reduce it in the same tree, so they match the AVX-512
// kernels and the pure-Go code bit for bit. The tail of fewer than 64
// elements loads each 8-lane chunk under a VMASKMOVPS mask (masked-off
// lanes read as zero and never touch memory); element-wise kernels store
// full chunks whole and only the last partial one under the mask. Only
// Y0-Y15 are valid in VEX code: vex.Check fails the generation if the
// register allocator ever reaches Y16.

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

var lanes64 Mem

func constantsAVX2() {
	// 64 all-ones lanes then 64 zero lanes: with t < 64 elements left, the
	// 8 lanes at 4*(64-t) + 32k mask the elements of chunk k below t.
	lanes64 = GLOBL("norm_lanes64", RODATA|NOPTR)
	for i := 0; i < 128; i++ {
		v := uint32(0)
		if i < 64 {
			v = 0xffffffff
		}
		DATA(4*i, U32(v))
	}
}

// tailMasks returns the address of the chunk-0 mask of t < 64 elements
// left (chunk k at Disp 32k).
func tailMasks(t GPVirtual) Mem {
	off, tbl := GP64(), GP64()
	MOVQ(U32(64), off)
	SUBQ(t, off)
	LEAQ(lanes64, tbl)
	return Mem{Base: tbl, Index: off, Scale: 4}
}

func chunkMask(masks Mem, k int) VecVirtual {
	m := YMM()
	masks.Disp = 32 * k
	VMOVDQU(masks, m)
	return m
}

func load8(m Mem, mask VecVirtual) VecVirtual {
	z := YMM()
	if mask == nil {
		VMOVUPS(m, z)
	} else {
		VMASKMOVPS(m, mask, z)
	}
	return z
}

// loop8 emits a loop over n elements in steps of 64 (eight ymm), then the
// tail of t < 64 elements, each chunk's lanes masked; body(k, disp, mask)
// handles chunk k at byte offset disp (mask nil: full). prefix keeps the
// labels of two loops in one function apart; the code after the loop
// starts at label prefix+"end".
func loop8(prefix string, n GPVirtual, ptrs []GPVirtual, body func(k, disp int, mask VecVirtual)) {
	i := GP64()
	XORQ(i, i)
	Label(prefix + "full")
	t := GP64()
	MOVQ(n, t)
	SUBQ(i, t)
	CMPQ(t, Imm(64))
	JLT(LabelRef(prefix + "tail"))
	for k := 0; k < 8; k++ {
		body(k, 32*k, nil)
	}
	for _, p := range ptrs {
		ADDQ(U32(256), p)
	}
	ADDQ(Imm(64), i)
	JMP(LabelRef(prefix + "full"))
	Label(prefix + "tail")
	CMPQ(t, Imm(0))
	JEQ(LabelRef(prefix + "end"))
	masks := tailMasks(t)
	for k := 0; k < 8; k++ {
		body(k, 32*k, chunkMask(masks, k))
	}
	Label(prefix + "end")
}

func zeros8() [8]VecVirtual {
	var acc [8]VecVirtual
	for k := range acc {
		acc[k] = YMM()
		VXORPS(acc[k], acc[k], acc[k])
	}
	return acc
}

// tree8 reduces the 64 lanes as tree does: lanes j of the 16-lane sum are
// (a0+a2)+(a4+a6) for j < 8 and (a1+a3)+(a5+a7) for j >= 8 (accumulator k
// holds lanes 8k .. 8k+7), then halves 8, 4, 2, 1.
func tree8(acc [8]VecVirtual) VecVirtual {
	var l16 [2]VecVirtual
	for h := 0; h < 2; h++ {
		s01, s23 := YMM(), YMM()
		VADDPS(acc[h+2], acc[h], s01)
		VADDPS(acc[h+6], acc[h+4], s23)
		l16[h] = YMM()
		VADDPS(s23, s01, l16[h])
	}
	l8 := YMM()
	VADDPS(l16[1], l16[0], l8)
	return halves(l8)
}

func sumsAVX2(name, sig string, sqDev bool) {
	TEXT(name, NOSPLIT, sig)
	if sqDev {
		Doc(name + " returns the sum of (x[i]-mu)^2 over n floats (see SumSqDev).")
	} else {
		Doc(name + " returns the sum of n floats (see Sum).")
	}
	x, n := ld("x"), ld("n")
	var mu VecVirtual
	if sqDev {
		mu = YMM()
		VBROADCASTSS(paramAddr("mu"), mu)
	}
	acc := zeros8()
	loop8("", n, []GPVirtual{x}, func(k, disp int, mask VecVirtual) {
		v := load8(Mem{Base: x, Disp: disp}, mask)
		if sqDev {
			// Masked-off lanes are 0-mu: zero them again after squaring.
			d, q := YMM(), YMM()
			VSUBPS(mu, v, d)
			VMULPS(d, d, q)
			if mask != nil {
				VANDPS(mask, q, q)
			}
			v = q
		}
		VADDPS(v, acc[k], acc[k])
	})
	storeResult(tree8(acc), 0)
	VZEROUPPER()
	RET()
}

// dySumsAVX2 runs two passes, the sum of dy and then that of dy*(x-mu):
// the 128 lanes of both sums at once would not fit in 16 ymm.
func dySumsAVX2() {
	TEXT("dySumsAVX2", NOSPLIT, "func(dy, x *float32, n int, mu float32) (s, t float32)")
	Doc("dySumsAVX2 returns the sums of dy[i] and dy[i]*(x[i]-mu) over n floats (see DySums).")
	dy, n := ld("dy"), ld("n")
	accS := zeros8()
	loop8("s", n, []GPVirtual{dy}, func(k, disp int, mask VecVirtual) {
		g := load8(Mem{Base: dy, Disp: disp}, mask)
		VADDPS(g, accS[k], accS[k])
	})
	storeResult(tree8(accS), 0)
	dy, x := ld("dy"), ld("x")
	mu := YMM()
	VBROADCASTSS(paramAddr("mu"), mu)
	accT := zeros8()
	loop8("t", n, []GPVirtual{dy, x}, func(k, disp int, mask VecVirtual) {
		g := load8(Mem{Base: dy, Disp: disp}, mask)
		v := load8(Mem{Base: x, Disp: disp}, mask)
		d, p := YMM(), YMM()
		VSUBPS(mu, v, d)
		VMULPS(d, g, p)
		if mask != nil {
			VANDPS(mask, p, p) // 0*(0-mu) is NaN for an infinite mu
		}
		VADDPS(p, accT[k], accT[k])
	})
	storeResult(tree8(accT), 1)
	VZEROUPPER()
	RET()
}

// mapLoop8 emits an element-wise loop: 64 elements per step, then the
// tail chunk by chunk, each stored whole when it is full and under its mask
// when it is the last, partial one. compute(k, disp, mask) returns chunk
// k's result.
func mapLoop8(prefix string, n GPVirtual, ptrs []GPVirtual, out GPVirtual, compute func(disp int, mask VecVirtual) VecVirtual) {
	i := GP64()
	XORQ(i, i)
	Label(prefix + "full")
	t := GP64()
	MOVQ(n, t)
	SUBQ(i, t)
	CMPQ(t, Imm(64))
	JLT(LabelRef(prefix + "tail"))
	for k := 0; k < 8; k++ {
		VMOVUPS(compute(32*k, nil), Mem{Base: out, Disp: 32 * k})
	}
	for _, p := range append(ptrs, out) {
		ADDQ(U32(256), p)
	}
	ADDQ(Imm(64), i)
	JMP(LabelRef(prefix + "full"))
	Label(prefix + "tail")
	masks := tailMasks(t)
	end := prefix + "end"
	for k := 0; k < 8; k++ {
		CMPQ(t, U32(8*k))
		JLE(LabelRef(end))
		mask := chunkMask(masks, k)
		z := compute(32*k, mask)
		partial := fmt.Sprintf("%spartial%d", prefix, k)
		CMPQ(t, U32(8*k+8))
		JLT(LabelRef(partial))
		VMOVUPS(z, Mem{Base: out, Disp: 32 * k})
		if k < 7 {
			next := fmt.Sprintf("%snext%d", prefix, k)
			JMP(LabelRef(next))
			Label(partial)
			VMASKMOVPS(z, mask, Mem{Base: out, Disp: 32 * k})
			JMP(LabelRef(end))
			Label(next)
		} else {
			JMP(LabelRef(end))
			Label(partial)
			VMASKMOVPS(z, mask, Mem{Base: out, Disp: 32 * k})
		}
	}
	Label(end)
}

// mapReLU8 is mapReLU on ymm: the kernel out[i] = f(i) over n floats
// (mapLoop8), without and with max(0, .) on each result, and the jump to
// the second on the function's bool parameter relu.
func mapReLU8(n GPVirtual, ins []GPVirtual, out GPVirtual, f func(disp int, mask VecVirtual) VecVirtual) {
	relu := GP8()
	Load(Param("relu"), relu)
	CMPB(relu, Imm(0))
	JNE(LabelRef("relu"))
	for _, withReLU := range []bool{false, true} {
		prefix := ""
		var zero, abs VecVirtual
		if withReLU {
			Label("relu")
			prefix = "r"
			zero, abs = YMM(), YMM()
			VXORPS(zero, zero, zero)
			VBROADCASTSS(absBits, abs)
		}
		mapLoop8(prefix, n, ins, out, func(disp int, mask VecVirtual) VecVirtual {
			z := f(disp, mask)
			if withReLU {
				reluMaskAVX2(z, zero, abs)
			}
			return z
		})
		VZEROUPPER()
		RET()
	}
}

func affineAVX2() {
	TEXT("affineAVX2", NOSPLIT, "func(y, x *float32, n int, sc, sh float32, relu bool)")
	Doc("affineAVX2 sets y[i] = x[i]*sc + sh over n floats, then max(0, y[i]) if relu (see Affine).")
	y, x, n := ld("y"), ld("x"), ld("n")
	sc, sh := YMM(), YMM()
	VBROADCASTSS(paramAddr("sc"), sc)
	VBROADCASTSS(paramAddr("sh"), sh)
	mapReLU8(n, []GPVirtual{x}, y, func(disp int, mask VecVirtual) VecVirtual {
		v := load8(Mem{Base: x, Disp: disp}, mask)
		p, z := YMM(), YMM()
		VMULPS(sc, v, p)
		VADDPS(sh, p, z)
		return z
	})
}

func affineAddAVX2() {
	TEXT("affineAddAVX2", NOSPLIT, "func(y, x, s *float32, n int, sc, sh float32, relu bool)")
	Doc("affineAddAVX2 sets y[i] = (x[i]*sc + sh) + s[i] over n floats, then max(0, y[i]) if relu (see AffineAdd).")
	y, x, s, n := ld("y"), ld("x"), ld("s"), ld("n")
	sc, sh := YMM(), YMM()
	VBROADCASTSS(paramAddr("sc"), sc)
	VBROADCASTSS(paramAddr("sh"), sh)
	mapReLU8(n, []GPVirtual{x, s}, y, func(disp int, mask VecVirtual) VecVirtual {
		v := load8(Mem{Base: x, Disp: disp}, mask)
		u := load8(Mem{Base: s, Disp: disp}, mask)
		p, q, z := YMM(), YMM(), YMM()
		VMULPS(sc, v, p)
		VADDPS(sh, p, q)
		VADDPS(u, q, z) // the affine value first, as Add's a[i]
		return z
	})
}

func affineGradAVX2() {
	TEXT("affineGradAVX2", NOSPLIT, "func(dx, dy, x *float32, n int, a, cx, b float32)")
	Doc("affineGradAVX2 sets dx[i] = (a*dy[i] + cx*x[i]) + b over n floats (see AffineGrad).")
	dx, dy, x, n := ld("dx"), ld("dy"), ld("x"), ld("n")
	a, cx, b := YMM(), YMM(), YMM()
	VBROADCASTSS(paramAddr("a"), a)
	VBROADCASTSS(paramAddr("cx"), cx)
	VBROADCASTSS(paramAddr("b"), b)
	mapLoop8("", n, []GPVirtual{dy, x}, dx, func(disp int, mask VecVirtual) VecVirtual {
		g := load8(Mem{Base: dy, Disp: disp}, mask)
		v := load8(Mem{Base: x, Disp: disp}, mask)
		p, q, s, z := YMM(), YMM(), YMM(), YMM()
		// dy[i]*a and x[i]*cx with the element first, as the pure-Go
		// code compiles: of two NaNs, x86 returns the first operand's.
		VMULPS(a, g, p)
		VMULPS(cx, v, q)
		VADDPS(q, p, s)
		VADDPS(b, s, z)
		return z
	})
	VZEROUPPER()
	RET()
}

func addAVX2() {
	TEXT("addAVX2", NOSPLIT, "func(dst, a, b *float32, n int, relu bool)")
	Doc("addAVX2 sets dst[i] = a[i] + b[i] over n floats, then max(0, dst[i]) if relu (see Add).")
	dst, a, b, n := ld("dst"), ld("a"), ld("b"), ld("n")
	mapReLU8(n, []GPVirtual{a, b}, dst, func(disp int, mask VecVirtual) VecVirtual {
		u := load8(Mem{Base: a, Disp: disp}, mask)
		v := load8(Mem{Base: b, Disp: disp}, mask)
		z := YMM()
		VADDPS(v, u, z) // a[i] first (NaN operand order, see add)
		return z
	})
}

func addReLUBackwardAVX2() {
	TEXT("addReLUBackwardAVX2", NOSPLIT, "func(dx, a, b, x *float32, n int)")
	Doc("addReLUBackwardAVX2 sets dx[i] = a[i] + b[i] where x[i] > 0, x[i] where it is NaN, else +0 (see AddReLUBackward).")
	dx, a, b, x, n := ld("dx"), ld("a"), ld("b"), ld("x"), ld("n")
	zero := YMM()
	VXORPS(zero, zero, zero)
	mapLoop8("", n, []GPVirtual{a, b, x}, dx, func(disp int, mask VecVirtual) VecVirtual {
		u := load8(Mem{Base: a, Disp: disp}, mask)
		v := load8(Mem{Base: b, Disp: disp}, mask)
		w := load8(Mem{Base: x, Disp: disp}, mask)
		s, pos, nan, z := YMM(), YMM(), YMM(), YMM()
		VADDPS(v, u, s) // a[i] first, as Add
		VCMPPS(Imm(0x1e), zero, w, pos)
		VANDPS(pos, s, s)
		VCMPPS(Imm(0x03), w, w, nan)
		VBLENDVPS(nan, w, s, z)
		return z
	})
	VZEROUPPER()
	RET()
}

// reluMaskAVX2 is reluMask on ymm.
func reluMaskAVX2(z, zero, abs VecVirtual) {
	c := YMM()
	VCMPPS(Imm(0x16), zero, z, c)
	VANDPS(c, z, z)
	VANDPS(abs, z, z)
}

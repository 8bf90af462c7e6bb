// Command pool generates the AVX-512 and AVX2 max-pooling row kernels of
// github.com/actbench/actbench/kernels/pool with avo.
//
// Run it through go generate in that package (see its gen.go). A kernel
// pools one output row of 2x2 stride-2 windows, one window per lane: the
// two input rows are loaded 32 floats (AVX-512) or 16 (AVX2) at a time and
// split into their even and odd columns, so that lane j holds window j's
// four values v0 v1 v2 v3 (r0 even, r0 odd, r1 even, r1 odd). The choice
// is the pure-Go code's: v0, replaced by each later value that is
// greater (an ordered compare: -0 and +0 tie, NaN never greater), then by
// the first NaN of the window if there is one (the NaN fix-ups run from
// v3 back to v0, so the earliest wins); the value stored is the chosen
// input value itself, and the index base + 2*ox + {0, 1, w, w+1}.
package main

import (
	"github.com/actbench/actbench/asmgen/internal/shuffle"
	"github.com/actbench/actbench/asmgen/internal/vex"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

const (
	gtOQ   = 0x1e // VCMPPS predicate: greater than, ordered, quiet
	unordQ = 0x03 // VCMPPS predicate: unordered (NaN)
)

var (
	evenOdd          shuffle.EvenOdd
	lanes2, lanes2x8 Mem
)

func main() {
	ConstraintExpr("!purego")
	constants()
	kernelAVX512()
	kernelAVX2()
	Generate()
	vex.Check("AVX2")
}

func constants() {
	// VPERMI2PS tables for floats 0-15 (table A) and 16-31 (B): even and
	// odd positions of the 32; and each lane's column offset 2*lane.
	evenOdd = shuffle.NewEvenOdd("pool")
	lanes2 = table("pool_lanes2", 16, func(i int) uint32 { return uint32(2 * i) })
	lanes2x8 = table("pool_lanes2x8", 8, func(i int) uint32 { return uint32(2 * i) })
}

func table(name string, n int, f func(i int) uint32) Mem {
	m := GLOBL(name, RODATA|NOPTR)
	for i := 0; i < n; i++ {
		DATA(4*i, U32(f(i)))
	}
	return m
}

func ld(name string) GPVirtual {
	r := GP64()
	Load(Param(name), r)
	return r
}

// broadcastInt returns a vector of the 32-bit integer in r in every lane.
func broadcastInt(r GPVirtual, z VecVirtual) {
	VPBROADCASTD(r.As32(), z)
}

// kernelAVX512 pools n outputs, 16 per iteration; the last n mod 16 under
// opmasks (loads of the odd half skipped when it holds nothing: a masked
// load with an all-zero mask can cost a microcode assist).
func kernelAVX512() {
	TEXT("max2x2AVX512", NOSPLIT, "func(dst *float32, arg *int32, r0, r1 *float32, n, base, w int)")
	Doc("max2x2AVX512 pools n outputs of one row (see Max2x2Row).")
	dst, arg, r0, r1, n := ld("dst"), ld("arg"), ld("r0"), ld("r1"), ld("n")
	base, w := ld("base"), ld("w")

	// Offsets of v1, v2, v3 in the plane, and each lane's 2*ox + base.
	one, wv, w1, zero, iv, step := ZMM(), ZMM(), ZMM(), ZMM(), ZMM(), ZMM()
	t := GP64()
	MOVQ(U32(1), t)
	broadcastInt(t, one)
	broadcastInt(w, wv)
	ADDQ(Imm(1), w)
	broadcastInt(w, w1)
	VPXORD(zero, zero, zero)
	broadcastInt(base, iv)
	VPADDD(lanes2, iv, iv)
	MOVQ(U32(32), t)
	broadcastInt(t, step)

	window := func(lo0, hi0, lo1, hi1 VecVirtual) (best, off VecVirtual) {
		var v [4]VecVirtual
		for i := range v {
			v[i] = ZMM()
		}
		evenOdd.Split(lo0, hi0, v[0], v[1])
		evenOdd.Split(lo1, hi1, v[2], v[3])
		best, off = ZMM(), ZMM()
		VMOVAPS(v[0], best)
		VMOVDQA32(zero, off)
		offs := [4]VecVirtual{zero, one, wv, w1}
		for i := 1; i < 4; i++ {
			k := K()
			VCMPPS(Imm(gtOQ), best, v[i], k) // v[i] > best
			VMOVAPS(v[i], k, best)
			VMOVDQA32(offs[i], k, off)
		}
		for i := 3; i >= 0; i-- {
			k := K()
			VCMPPS(Imm(unordQ), v[i], v[i], k) // v[i] is NaN
			VMOVAPS(v[i], k, best)
			VMOVDQA32(offs[i], k, off)
		}
		VPADDD(iv, off, off)
		return best, off
	}

	Label("loop")
	CMPQ(n, Imm(16))
	JLT(LabelRef("tail"))
	{
		a, b, c, d := ZMM(), ZMM(), ZMM(), ZMM()
		VMOVUPS(Mem{Base: r0}, a)
		VMOVUPS(Mem{Base: r0, Disp: 64}, b)
		VMOVUPS(Mem{Base: r1}, c)
		VMOVUPS(Mem{Base: r1, Disp: 64}, d)
		best, off := window(a, b, c, d)
		VMOVUPS(best, Mem{Base: dst})
		VMOVDQU32(off, Mem{Base: arg})
	}
	ADDQ(U32(128), r0)
	ADDQ(U32(128), r1)
	ADDQ(U32(64), dst)
	ADDQ(U32(64), arg)
	VPADDD(step, iv, iv)
	SUBQ(Imm(16), n)
	JMP(LabelRef("loop"))

	// n < 16 outputs left: 2n input floats per row, the first min(2n, 16)
	// in the even half's registers, the rest in the odd half's.
	Label("tail")
	CMPQ(n, Imm(0))
	JLE(LabelRef("done"))
	kOut, kLo, kHi := K(), K(), K()
	ones, m := GP32(), GP32()
	MOVL(U32(0xffffffff), ones)
	BZHIL(n.As32(), ones, m)
	KMOVW(m, kOut)
	n2 := GP64()
	MOVQ(n, n2)
	SHLQ(Imm(1), n2) // 2n <= 30
	BZHIL(n2.As32(), ones, m)
	KMOVW(m, kLo) // BZHI keeps all 32 bits when 2n >= 32; KMOVW takes the low 16
	SHRL(Imm(16), m)
	KMOVW(m, kHi)
	a, b, c, d := ZMM(), ZMM(), ZMM(), ZMM()
	VMOVUPS_Z(Mem{Base: r0}, kLo, a)
	VMOVUPS_Z(Mem{Base: r1}, kLo, c)
	VPXORD(b, b, b)
	VPXORD(d, d, d)
	CMPQ(n, Imm(8))
	JLE(LabelRef("halfonly"))
	VMOVUPS_Z(Mem{Base: r0, Disp: 64}, kHi, b)
	VMOVUPS_Z(Mem{Base: r1, Disp: 64}, kHi, d)
	Label("halfonly")
	best, off := window(a, b, c, d)
	VMOVUPS(best, kOut, Mem{Base: dst})
	VMOVDQU32(off, kOut, Mem{Base: arg})
	Label("done")
	VZEROUPPER()
	RET()
}

// kernelAVX2 pools n outputs, a multiple of 8, 8 per iteration (the Go
// wrapper pools the rest: AVX2 has no opmasks, and its masked moves are
// slow on the AMD parts that lack AVX-512).
func kernelAVX2() {
	TEXT("max2x2AVX2", NOSPLIT, "func(dst *float32, arg *int32, r0, r1 *float32, n, base, w int)")
	Doc("max2x2AVX2 pools n outputs of one row, n a multiple of 8 (see Max2x2Row).")
	dst, arg, r0, r1, n := ld("dst"), ld("arg"), ld("r0"), ld("r1"), ld("n")
	base, w := ld("base"), ld("w")
	one, wv, w1, iv, step := YMM(), YMM(), YMM(), YMM(), YMM()
	t := GP64()
	MOVQ(U32(1), t)
	broadcastIntY(t, one)
	broadcastIntY(w, wv)
	ADDQ(Imm(1), w)
	broadcastIntY(w, w1)
	broadcastIntY(base, iv)
	VPADDD(lanes2x8, iv, iv)
	MOVQ(U32(16), t)
	broadcastIntY(t, step)

	Label("loop")
	CMPQ(n, Imm(8))
	JLT(LabelRef("done"))
	var v [4]VecVirtual
	v[0], v[1] = shuffle.Split8(load(r0, 0), load(r0, 32))
	v[2], v[3] = shuffle.Split8(load(r1, 0), load(r1, 32))
	best, off := YMM(), YMM()
	VMOVAPS(v[0], best)
	VPXOR(off, off, off)
	offs := [4]VecVirtual{nil, one, wv, w1}
	for i := 1; i < 4; i++ {
		m := YMM()
		VCMPPS(Imm(gtOQ), best, v[i], m) // v[i] > best
		VBLENDVPS(m, v[i], best, best)
		VBLENDVPS(m, offs[i], off, off)
	}
	for i := 3; i >= 0; i-- {
		m := YMM()
		VCMPPS(Imm(unordQ), v[i], v[i], m) // v[i] is NaN
		VBLENDVPS(m, v[i], best, best)
		if i == 0 {
			VANDNPS(off, m, off) // offset 0: clear the lanes
		} else {
			VBLENDVPS(m, offs[i], off, off)
		}
	}
	VPADDD(iv, off, off)
	VMOVUPS(best, Mem{Base: dst})
	VMOVDQU(off, Mem{Base: arg})
	ADDQ(U32(64), r0)
	ADDQ(U32(64), r1)
	ADDQ(U32(32), dst)
	ADDQ(U32(32), arg)
	VPADDD(step, iv, iv)
	SUBQ(Imm(8), n)
	JMP(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

func broadcastIntY(r GPVirtual, y VecVirtual) {
	x := XMM()
	VMOVQ(r, x)
	VPBROADCASTD(x, y)
}

func load(p GPVirtual, disp int) VecVirtual {
	y := YMM()
	VMOVUPS(Mem{Base: p, Disp: disp}, y)
	return y
}

// Command wino generates the AVX-512 and AVX2 Winograd F(2x2, 3x3)
// tile-transform kernels of github.com/actbench/actbench/kernels/wino with
// avo.
//
// Run it through go generate in that package (see its gen.go); it writes
// wino_amd64.s and stub_amd64.go there. Each kernel processes one row of
// tiles, 16 tiles per iteration (one tile per zmm lane) or 8 (ymm, see
// avx2.go), and computes exactly the additions, subtractions and sign
// flips of the package's pure Go code in the same order, so all give
// bit-identical results; the arithmetic helpers (add, sub) are shared by
// both widths. Strides (xs, rs, half) are in bytes. In the AVX-512 kernels
// opmasks keep every load and store inside the row or stream; masked-off
// lanes are never touched (AVX-512 suppresses their faults), which lets the
// first window start one float before a row.
package main

import (
	"fmt"
	"github.com/actbench/actbench/asmgen/internal/shuffle"
	"github.com/actbench/actbench/asmgen/internal/vex"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

var (
	evenOdd               shuffle.EvenOdd
	idxLo, idxHi, signBit Mem
)

func main() {
	ConstraintExpr("!purego")
	constants()
	inputRow()
	outputRow()
	dyRow()
	gradRows()
	gradCols("gradColsAAVX512", "a + ((b - c) + d)", true)
	gradCols("gradColsBAVX512", "((a - b) + c) - d", false)
	groupedKernels()
	vec = YMM
	constantsAVX2()
	inputRowAVX2()
	outputRowAVX2()
	dyRowAVX2()
	gradRowsAVX2()
	gradColsAVX2("gradColsAAVX2", "a + ((b - c) + d)", true)
	gradColsAVX2("gradColsBAVX2", "((a - b) + c) - d", false)
	groupedKernelsAVX2()
	Generate()
	vex.Check("AVX2")
}

func table(name string, f func(i int) uint32) Mem {
	m := GLOBL(name, RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(4*i, U32(f(i)))
	}
	return m
}

func constants() {
	// Deinterleave (VPERMI2PS with tables A = floats 0-15, B = 16-31):
	// even and odd positions of the 32.
	evenOdd = shuffle.NewEvenOdd("wino")
	// Interleave x (table A) and y (table B): x0 y0 x1 y1 ... in two halves.
	idxLo = table("wino_lo", func(i int) uint32 { return uint32(i/2 + 16*(i%2)) })
	idxHi = table("wino_hi", func(i int) uint32 { return uint32(8 + i/2 + 16*(i%2)) })
	signBit = table("wino_sign", func(int) uint32 { return 0x80000000 })
}

// countMask returns, in a 32-bit register, the mask of the first cnt lanes
// (cnt clamped to [0, max]); cnt is clobbered.
func countMask(cnt GPVirtual, max int) GPVirtual {
	zero, lim, ones, m := GP64(), GP64(), GP32(), GP32()
	XORQ(zero, zero)
	CMPQ(cnt, Imm(0))
	CMOVQLT(zero, cnt)
	MOVQ(U32(max), lim)
	CMPQ(cnt, U32(max))
	CMOVQGT(lim, cnt)
	MOVL(U32(0xffffffff), ones)
	BZHIL(cnt.As32(), ones, m)
	return m
}

// masks32 sets lo and hi to the low and high 16 bits of m.
func masks32(m GPVirtual) (lo, hi OpmaskVirtual) {
	lo, hi = K(), K()
	KMOVW(m, lo)
	SHRL(Imm(16), m)
	KMOVW(m, hi)
	return
}

// streams returns the address of stream xi (0-15) of a [16][...] buffer
// whose streams are xs bytes apart, from base (stream 0), with off added.
type streams struct {
	base, xs, xs3 GPVirtual
}

func newStreams(base GPVirtual, xs GPVirtual) streams {
	xs3 := GP64()
	LEAQ(Mem{Base: xs, Index: xs, Scale: 2}, xs3)
	return streams{base, xs, xs3}
}

// bases computes the four group bases (streams 0, 4, 8, 12).
func (s streams) bases() [4]GPVirtual {
	var b [4]GPVirtual
	b[0] = s.base
	for g := 1; g < 4; g++ {
		b[g] = GP64()
		LEAQ(Mem{Base: b[g-1], Index: s.xs, Scale: 4}, b[g])
	}
	return b
}

func (s streams) addr(b [4]GPVirtual, xi int) Mem {
	base := b[xi/4]
	switch xi % 4 {
	case 1:
		return Mem{Base: base, Index: s.xs, Scale: 1}
	case 2:
		return Mem{Base: base, Index: s.xs, Scale: 2}
	case 3:
		return Mem{Base: base, Index: s.xs3, Scale: 1}
	}
	return Mem{Base: base}
}

func interleave(x, y VecVirtual) (lo, hi VecVirtual) {
	lo, hi = ZMM(), ZMM()
	VMOVUPS(idxLo, lo)
	VPERMI2PS(y, x, lo)
	VMOVUPS(idxHi, hi)
	VPERMI2PS(y, x, hi)
	return
}

// vec allocates a vector of the width being generated: ZMM for the AVX-512
// kernels, YMM for the AVX2 ones (see avx2.go).
var vec = ZMM

func sub(a, b VecVirtual) VecVirtual { z := vec(); VSUBPS(b, a, z); return z } // a - b
func add(a, b VecVirtual) VecVirtual { z := vec(); VADDPS(b, a, z); return z } // a + b

// tileMask returns the opmask of the min(n - tx, 16) tiles left.
func tileMask(n, tx GPVirtual) OpmaskVirtual {
	c := GP64()
	MOVQ(n, c)
	SUBQ(tx, c)
	m := countMask(c, 16)
	k := K()
	KMOVW(m, k)
	return k
}

func inputRow() {
	TEXT("inputRowAVX512", NOSPLIT, "func(r0, r1, r2, r3 *float32, w int, v *float32, xs uintptr, n int)")
	Doc("inputRowAVX512 writes the 16 transformed values of n tiles (see InputRow).")
	var rows [4]GPVirtual
	for i := range rows {
		rows[i] = ld(fmt.Sprintf("r%d", i))
	}
	w := ld("w")
	v := ld("v")
	xs := ld("xs")
	n := ld("n")
	st := newStreams(v, xs)
	tx, off := GP64(), GP64()
	XORQ(tx, tx)
	MOVQ(I64(-4), off) // window 1 starts at column 2tx-1
	Label("loop")
	CMPQ(tx, n)
	JGE(LabelRef("done"))
	// Window 1: columns 2tx-1 .. 2tx+30 (lane j valid iff 0 <= 2tx-1+j < w).
	c1 := GP64()
	MOVQ(w, c1)
	SUBQ(tx, c1)
	SUBQ(tx, c1)
	ADDQ(Imm(1), c1)
	m1 := countMask(c1, 32)
	CMPQ(tx, Imm(0))
	JNE(LabelRef("notfirst"))
	ANDL(U32(0xfffffffe), m1)
	Label("notfirst")
	k1, k2 := masks32(m1)
	// Window 2: columns 2tx+1 .. 2tx+32.
	c2 := GP64()
	MOVQ(w, c2)
	SUBQ(tx, c2)
	SUBQ(tx, c2)
	SUBQ(Imm(1), c2)
	m2 := countMask(c2, 32)
	k3, k4 := masks32(m2)
	kt := tileMask(n, tx)
	// d[i] = E[tx], O[tx], E[tx+1], O[tx+1] of padded row i (E: even
	// padded columns, O: odd ones; padded column j is column j-1).
	var d [4][4]VecVirtual
	for i := 0; i < 4; i++ {
		a, b := ZMM(), ZMM()
		VMOVUPS_Z(Mem{Base: rows[i], Index: off, Scale: 1}, k1, a)
		VMOVUPS_Z(Mem{Base: rows[i], Index: off, Scale: 1, Disp: 64}, k2, b)
		d[i][0], d[i][1] = ZMM(), ZMM()
		evenOdd.Split(a, b, d[i][0], d[i][1])
		a2, b2 := ZMM(), ZMM()
		VMOVUPS_Z(Mem{Base: rows[i], Index: off, Scale: 1, Disp: 8}, k3, a2)
		VMOVUPS_Z(Mem{Base: rows[i], Index: off, Scale: 1, Disp: 72}, k4, b2)
		d[i][2], d[i][3] = ZMM(), ZMM()
		evenOdd.Split(a2, b2, d[i][2], d[i][3])
	}
	b := st.bases()
	for i := 0; i < 4; i++ {
		// Row i of B^T d for the four columns.
		var r [4]VecVirtual
		for c := 0; c < 4; c++ {
			switch i {
			case 0:
				r[c] = sub(d[0][c], d[2][c])
			case 1:
				r[c] = add(d[1][c], d[2][c])
			case 2:
				r[c] = sub(d[2][c], d[1][c])
			case 3:
				r[c] = sub(d[1][c], d[3][c])
			}
		}
		o := [4]VecVirtual{sub(r[0], r[2]), add(r[1], r[2]), sub(r[2], r[1]), sub(r[1], r[3])}
		for k := 0; k < 4; k++ {
			VMOVUPS(o[k], kt, st.addr(b, 4*i+k))
		}
	}
	ADDQ(Imm(64), v)
	ADDQ(Imm(128), off)
	ADDQ(Imm(16), tx)
	JMP(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

func outputRow() {
	TEXT("outputRowAVX512", NOSPLIT, "func(m *float32, xs uintptr, row0, row1 *float32, ow int, bias float32, n int)")
	Doc("outputRowAVX512 writes two output rows from n tiles of M (see OutputRow).")
	mp := ld("m")
	xs := ld("xs")
	row0 := ld("row0")
	row1 := ld("row1")
	ow := ld("ow")
	n := ld("n")
	bias := ZMM()
	VBROADCASTSS(paramAddr("bias"), bias)
	st := newStreams(mp, xs)
	tx := GP64()
	XORQ(tx, tx)
	Label("loop")
	CMPQ(tx, n)
	JGE(LabelRef("done"))
	c := GP64()
	MOVQ(ow, c)
	SUBQ(tx, c)
	SUBQ(tx, c)
	ko1, ko2 := masks32(countMask(c, 32))
	kt := tileMask(n, tx)
	b := st.bases()
	var mm [16]VecVirtual
	for xi := range mm {
		mm[xi] = ZMM()
		VMOVUPS_Z(st.addr(b, xi), kt, mm[xi])
	}
	var s0, s1 [4]VecVirtual
	for j := 0; j < 4; j++ {
		s0[j] = add(add(mm[j], mm[4+j]), mm[8+j])
		s1[j] = sub(sub(mm[4+j], mm[8+j]), mm[12+j])
	}
	for r, s := range [2][4]VecVirtual{s0, s1} {
		y0 := add(add(add(s[0], s[1]), s[2]), bias)
		y1 := add(sub(sub(s[1], s[2]), s[3]), bias)
		lo, hi := interleave(y0, y1)
		row := row0
		if r == 1 {
			row = row1
		}
		VMOVUPS(lo, ko1, Mem{Base: row})
		VMOVUPS(hi, ko2, Mem{Base: row, Disp: 64})
	}
	ADDQ(Imm(64), mp)
	ADDQ(Imm(128), row0)
	ADDQ(Imm(128), row1)
	ADDQ(Imm(16), tx)
	JMP(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

func dyRow() {
	TEXT("dyRowAVX512", NOSPLIT, "func(row0, row1 *float32, ow int, dm *float32, xs uintptr, n int)")
	Doc("dyRowAVX512 writes the 16 transformed output gradients of n tiles (see DyRow).")
	row0 := ld("row0")
	row1 := ld("row1")
	ow := ld("ow")
	dm := ld("dm")
	xs := ld("xs")
	n := ld("n")
	sign := ZMM()
	VMOVUPS(signBit, sign)
	st := newStreams(dm, xs)
	tx := GP64()
	XORQ(tx, tx)
	Label("loop")
	CMPQ(tx, n)
	JGE(LabelRef("done"))
	c := GP64()
	MOVQ(ow, c)
	SUBQ(tx, c)
	SUBQ(tx, c)
	k1, k2 := masks32(countMask(c, 32))
	kt := tileMask(n, tx)
	var h [2][4]VecVirtual
	for r, row := range []GPVirtual{row0, row1} {
		a, bb := ZMM(), ZMM()
		VMOVUPS_Z(Mem{Base: row}, k1, a)
		VMOVUPS_Z(Mem{Base: row, Disp: 64}, k2, bb)
		g0, g1 := ZMM(), ZMM()
		evenOdd.Split(a, bb, g0, g1)
		neg := ZMM()
		VXORPS(sign, g1, neg)
		h[r] = [4]VecVirtual{g0, add(g0, g1), sub(g0, g1), neg}
	}
	b := st.bases()
	for j := 0; j < 4; j++ {
		neg := ZMM()
		VXORPS(sign, h[1][j], neg)
		out := [4]VecVirtual{h[0][j], add(h[0][j], h[1][j]), sub(h[0][j], h[1][j]), neg}
		for q := 0; q < 4; q++ {
			VMOVUPS(out[q], kt, st.addr(b, 4*q+j))
		}
	}
	ADDQ(Imm(64), dm)
	ADDQ(Imm(128), row0)
	ADDQ(Imm(128), row1)
	ADDQ(Imm(16), tx)
	JMP(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

func gradRows() {
	TEXT("gradRowsAVX512", NOSPLIT, "func(dv *float32, xs uintptr, dst *float32, rs uintptr, half uintptr, n int)")
	Doc("gradRowsAVX512 writes the four column-adjoint rows of n tiles of dV (see GradRows).")
	xs := ld("xs")
	rs := ld("rs")
	half := ld("half")
	n := ld("n")
	for i := 0; i < 4; i++ {
		// Streams 4i .. 4i+3 of dV, row i of dst.
		base := ld("dv")
		for g := 0; g < i; g++ {
			LEAQ(Mem{Base: base, Index: xs, Scale: 4}, base)
		}
		dst := ld("dst")
		for g := 0; g < i; g++ {
			ADDQ(rs, dst)
		}
		xs3 := GP64()
		LEAQ(Mem{Base: xs, Index: xs, Scale: 2}, xs3)
		addr := func(k int, disp int) Mem {
			switch k {
			case 1:
				return Mem{Base: base, Index: xs, Scale: 1, Disp: disp}
			case 2:
				return Mem{Base: base, Index: xs, Scale: 2, Disp: disp}
			case 3:
				return Mem{Base: base, Index: xs3, Scale: 1, Disp: disp}
			}
			return Mem{Base: base, Disp: disp}
		}
		tx := GP64()
		XORQ(tx, tx)
		loop, done, notfirst := fmt.Sprintf("loop%d", i), fmt.Sprintf("done%d", i), fmt.Sprintf("notfirst%d", i)
		Label(loop)
		CMPQ(tx, n)
		JGE(LabelRef(done))
		kt := tileMask(n, tx)
		// o0 at tx+1: n-tx-1 lanes.
		cn := GP64()
		MOVQ(n, cn)
		SUBQ(tx, cn)
		SUBQ(Imm(1), cn)
		kn := K()
		KMOVW(countMask(cn, 16), kn)
		// o3 at tx-1: lanes j with 0 <= tx-1+j < n.
		cp := GP64()
		MOVQ(n, cp)
		SUBQ(tx, cp)
		ADDQ(Imm(1), cp)
		mp := countMask(cp, 16)
		CMPQ(tx, Imm(0))
		JNE(LabelRef(notfirst))
		ANDL(U32(0xfffffffe), mp)
		Label(notfirst)
		kp := K()
		KMOVW(mp, kp)
		var o [4]VecVirtual
		for k := range o {
			o[k] = ZMM()
			VMOVUPS_Z(addr(k, 0), kt, o[k])
		}
		o0n, o3p := ZMM(), ZMM()
		VMOVUPS_Z(addr(0, 4), kn, o0n)
		VMOVUPS_Z(addr(3, -4), kp, o3p)
		ohat := sub(add(sub(o[1], o[2]), o[3]), o3p)
		ehat := add(o0n, add(sub(o[1], o[0]), o[2]))
		VMOVUPS(ohat, kt, Mem{Base: dst})
		VMOVUPS(ehat, kt, Mem{Base: dst, Index: half, Scale: 1})
		ADDQ(Imm(64), base)
		ADDQ(Imm(64), dst)
		ADDQ(Imm(16), tx)
		JMP(LabelRef(loop))
		Label(done)
	}
	VZEROUPPER()
	RET()
}

func gradCols(name, formula string, modeA bool) {
	TEXT(name, NOSPLIT, "func(dst *float32, w int, a, b, c, d *float32, half uintptr, n int)")
	Doc(fmt.Sprintf("%s writes one row of w input gradients, %s of the rows a, b, c and d (see GradCols).", name, formula))
	dst := ld("dst")
	w := ld("w")
	var p [4]GPVirtual
	for i, nm := range []string{"a", "b", "c", "d"} {
		p[i] = ld(nm)
	}
	half := ld("half")
	n := ld("n")
	tx := GP64()
	XORQ(tx, tx)
	Label("loop")
	CMPQ(tx, n)
	JGE(LabelRef("done"))
	c := GP64()
	MOVQ(w, c)
	SUBQ(tx, c)
	SUBQ(tx, c)
	ko1, ko2 := masks32(countMask(c, 32))
	kt := tileMask(n, tx)
	var z [2]VecVirtual
	for h := 0; h < 2; h++ {
		var v [4]VecVirtual
		for i := range v {
			v[i] = ZMM()
			m := Mem{Base: p[i]}
			if h == 1 {
				m = Mem{Base: p[i], Index: half, Scale: 1}
			}
			VMOVUPS_Z(m, kt, v[i])
		}
		if modeA {
			z[h] = add(v[0], add(sub(v[1], v[2]), v[3]))
		} else {
			z[h] = sub(add(sub(v[0], v[1]), v[2]), v[3])
		}
	}
	lo, hi := interleave(z[0], z[1])
	VMOVUPS(lo, ko1, Mem{Base: dst})
	VMOVUPS(hi, ko2, Mem{Base: dst, Disp: 64})
	for i := range p {
		ADDQ(Imm(64), p[i])
	}
	ADDQ(Imm(128), dst)
	ADDQ(Imm(16), tx)
	JMP(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
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

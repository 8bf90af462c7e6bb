package main

// The grouped kernels: several tile rows of a narrow plane per vector (see
// kernels/wino/grouped.go). A row kernel's call costs about the same at
// any width, so an 8-tile row (a 16-wide map) fills half a zmm and a
// 4-tile row a quarter; here group g of a vector's G groups is tile row
// ty+g, lanes g*tw .. g*tw+tw-1, and the G*tw tiles are consecutive in
// the streams. The planes they take have exactly w = 2*tw columns and an
// even height, so no window is ragged: a window's column masks are fixed
// (the column before a row and the one after it are zero), tile loads and
// stores are full vectors, and there is no loop. Each tile gets the row
// kernels' operations in their order (the same arithmetic helpers), so
// the results are bit for bit theirs.
//
// A group's floats (2*tw per row) fill a whole vector in the pair
// layouts (zmm with tw = 8, ymm with tw = 4) and half a zmm in the quad
// layout (tw = 4, G = 4: ymm loads joined by VINSERTF32X8, stores split
// by VEXTRACTF32X8, which need AVX512VL as well).

import (
	"fmt"

	"github.com/actbench/actbench/asmgen/internal/shuffle"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

type grouping struct {
	suffix string // kernel name suffix: Pair/Quad + AVX512/AVX2
	zmm    bool   // AVX-512 (else AVX2)
	g, tw  int    // groups per vector and tiles per group
}

var (
	pairAVX512 = grouping{"PairAVX512", true, 2, 8}
	quadAVX512 = grouping{"QuadAVX512", true, 4, 4}
	pairAVX2   = grouping{"PairAVX2", false, 2, 4}
)

// w is the columns of the plane (bytes: 4*w).
func (gr grouping) w() int { return 2 * gr.tw }

func (gr grouping) vec() VecVirtual {
	if gr.zmm {
		return ZMM()
	}
	return YMM()
}

// column masks of a group's 2*tw floats: all, all but the first, all but
// the last.
type colMask int

const (
	allCols colMask = iota
	skipFirstCol
	skipLastCol
)

// groupMasks holds the opmasks (AVX-512) or mask vectors (AVX2) of the
// column masks, set up once per kernel.
type groupMasks struct {
	k [3]OpmaskVirtual
	y [3]VecVirtual
}

func (gr grouping) masks(need ...colMask) groupMasks {
	var m groupMasks
	for _, c := range need {
		if c == allCols {
			continue
		}
		if gr.zmm {
			bits := uint32(1)<<(2*gr.tw) - 1
			if c == skipFirstCol {
				bits &^= 1
			} else {
				bits &^= 1 << (2*gr.tw - 1)
			}
			r := GP32()
			MOVL(U32(bits), r)
			m.k[c] = K()
			KMOVW(r, m.k[c])
			continue
		}
		m.y[c] = YMM()
		if c == skipFirstCol {
			VMOVDQU(skipFirst, m.y[c])
		} else {
			VMOVDQU(skipLast, m.y[c])
		}
	}
	return m
}

// load returns the two vectors (a: groups 0 .. G/2-1, b: the others)
// holding each group's 2*tw floats at addr(g), under the column mask c
// (masked-off columns read as zero and never touch memory).
func (gr grouping) load(addr func(g int) Mem, m groupMasks, c colMask) (a, b VecVirtual) {
	one := func(g int, dst Register) {
		switch {
		case !gr.zmm && c != allCols:
			VMASKMOVPS(addr(g), m.y[c], dst)
		case c != allCols:
			VMOVUPS_Z(addr(g), m.k[c], dst)
		default:
			VMOVUPS(addr(g), dst)
		}
	}
	var out [2]VecVirtual
	per := gr.g / 2
	for h := range out {
		out[h] = gr.vec()
		if per == 1 {
			one(h, out[h])
			continue
		}
		hi := YMM()
		one(2*h, out[h].AsY())
		one(2*h+1, hi)
		VINSERTF32X8(Imm(1), hi, out[h], out[h])
	}
	return out[0], out[1]
}

// split is the even/odd split of the 2*lanes floats of a and b.
func (gr grouping) split(a, b VecVirtual) (even, odd VecVirtual) {
	if gr.zmm {
		even, odd = ZMM(), ZMM()
		evenOdd.Split(a, b, even, odd)
		return
	}
	return shuffle.Split8(a, b)
}

// store writes the interleaved output lo, hi (see interleave) of the G
// groups: group g's 2*tw floats at addr(g).
func (gr grouping) store(lo, hi VecVirtual, addr func(g int) Mem) {
	per := gr.g / 2
	for h, z := range [2]VecVirtual{lo, hi} {
		if per == 1 {
			VMOVUPS(z, addr(h))
			continue
		}
		VMOVUPS(z.AsY(), addr(2*h))
		VEXTRACTF32X8(Imm(1), z, addr(2*h+1))
	}
}

func (gr grouping) interleave(x, y VecVirtual) (lo, hi VecVirtual) {
	if gr.zmm {
		return interleave(x, y)
	}
	return interleave8(x, y)
}

func (gr grouping) end() {
	VZEROUPPER()
	RET()
}

func groupedKernels() {
	for _, gr := range []grouping{pairAVX512, quadAVX512} {
		inputGroup(gr)
		outputGroup(gr)
		dyGroup(gr)
		gradColsGroup(gr, true)
		gradColsGroup(gr, false)
	}
	gradRowsPlaneAVX512()
}

func groupedKernelsAVX2() {
	inputGroup(pairAVX2)
	outputGroup(pairAVX2)
	dyGroup(pairAVX2)
	gradColsGroup(pairAVX2, true)
	gradColsGroup(pairAVX2, false)
	gradRowsPlaneAVX2()
}

// rowAddr returns the address of image row k (0 .. 2G+1) of a group call
// plus disp bytes: row 0 at top, 2G+1 at bot, the others at mid + (k-1)
// rows.
func (gr grouping) rowAddr(top, mid, bot GPVirtual, k, disp int) Mem {
	switch k {
	case 0:
		return Mem{Base: top, Disp: disp}
	case 2*gr.g + 1:
		return Mem{Base: bot, Disp: disp}
	}
	return Mem{Base: mid, Disp: (k-1)*4*gr.w() + disp}
}

func inputGroup(gr grouping) {
	name := "input" + gr.suffix
	TEXT(name, NOSPLIT, "func(top, mid, bot *float32, v *float32, xs uintptr)")
	Doc(fmt.Sprintf("%s writes the 16 transformed values of %d tile rows of %d tiles (see inputGroups): image rows", name, gr.g, gr.tw),
		"2ty-1 at top, 2ty .. 2ty+2G-1 from mid, 2ty+2G at bot.")
	top, mid, bot := ld("top"), ld("mid"), ld("bot")
	v, xs := ld("v"), ld("xs")
	m := gr.masks(skipFirstCol, skipLastCol)
	st := newStreams(v, xs)
	// r[i][c]: row i of B^T d, column c (c = 0, 1 from window 1, columns
	// 2t-1 and 2t; 2, 3 from window 2, columns 2t+1 and 2t+2).
	var r [4][4]VecVirtual
	var spill Mem
	if !gr.zmm {
		// As in inputRowAVX2: the window-1 rows wait in memory.
		spill = AllocLocal(8 * 32)
	}
	for win := 0; win < 2; win++ {
		var d [4][2]VecVirtual
		for i := 0; i < 4; i++ {
			c, disp := skipFirstCol, -4
			if win == 1 {
				c, disp = skipLastCol, 4
			}
			a, b := gr.load(func(g int) Mem { return gr.rowAddr(top, mid, bot, 2*g+i, disp) }, m, c)
			d[i][0], d[i][1] = gr.split(a, b)
		}
		for h := 0; h < 2; h++ {
			c := 2*win + h
			r[0][c] = sub(d[0][h], d[2][h])
			r[1][c] = add(d[1][h], d[2][h])
			r[2][c] = sub(d[2][h], d[1][h])
			r[3][c] = sub(d[1][h], d[3][h])
			if win == 0 && !gr.zmm {
				for i := 0; i < 4; i++ {
					VMOVUPS(r[i][c], spill.Offset(32*(2*i+c)))
				}
			}
		}
	}
	b := st.bases()
	for i := 0; i < 4; i++ {
		r0, r1 := r[i][0], r[i][1]
		if !gr.zmm {
			r0, r1 = YMM(), YMM()
			VMOVUPS(spill.Offset(32*(2*i)), r0)
			VMOVUPS(spill.Offset(32*(2*i+1)), r1)
		}
		o := [4]VecVirtual{sub(r0, r[i][2]), add(r1, r[i][2]), sub(r[i][2], r1), sub(r1, r[i][3])}
		for k := 0; k < 4; k++ {
			VMOVUPS(o[k], st.addr(b, 4*i+k))
		}
	}
	gr.end()
}

func outputGroup(gr grouping) {
	name := "output" + gr.suffix
	TEXT(name, NOSPLIT, "func(m *float32, xs uintptr, y *float32, bias float32)")
	Doc(fmt.Sprintf("%s writes output rows 2ty .. 2ty+%d (from y) of %d tile rows of M (see outputGroups).", name, 2*gr.g-1, gr.g))
	mp, xs, y := ld("m"), ld("xs"), ld("y")
	bias := gr.vec()
	VBROADCASTSS(paramAddr("bias"), bias)
	st := newStreams(mp, xs)
	b := st.bases()
	var s0, s1 [4]VecVirtual
	for j := 0; j < 4; j++ {
		var mm [4]VecVirtual
		for q := range mm {
			mm[q] = gr.vec()
			VMOVUPS(st.addr(b, 4*q+j), mm[q])
		}
		s0[j] = add(add(mm[0], mm[1]), mm[2])
		s1[j] = sub(sub(mm[1], mm[2]), mm[3])
	}
	for r, s := range [2][4]VecVirtual{s0, s1} {
		y0 := add(add(add(s[0], s[1]), s[2]), bias)
		y1 := add(sub(sub(s[1], s[2]), s[3]), bias)
		lo, hi := gr.interleave(y0, y1)
		gr.store(lo, hi, func(g int) Mem { return Mem{Base: y, Disp: (2*g + r) * 4 * gr.w()} })
	}
	gr.end()
}

func dyGroup(gr grouping) {
	name := "dy" + gr.suffix
	TEXT(name, NOSPLIT, "func(dy *float32, dm *float32, xs uintptr)")
	Doc(fmt.Sprintf("%s writes the 16 transformed output gradients of %d tile rows from rows 2ty .. 2ty+%d (from dy; see dyGroups).", name, gr.g, 2*gr.g-1))
	dy, dm, xs := ld("dy"), ld("dm"), ld("xs")
	sign := gr.vec()
	if gr.zmm {
		VMOVUPS(signBit, sign)
	} else {
		VBROADCASTSS(signBit, sign)
	}
	var h [2][4]VecVirtual
	for r := 0; r < 2; r++ {
		a, bb := gr.load(func(g int) Mem { return Mem{Base: dy, Disp: (2*g + r) * 4 * gr.w()} }, groupMasks{}, allCols)
		g0, g1 := gr.split(a, bb)
		neg := gr.vec()
		VXORPS(sign, g1, neg)
		h[r] = [4]VecVirtual{g0, add(g0, g1), sub(g0, g1), neg}
	}
	st := newStreams(dm, xs)
	b := st.bases()
	for j := 0; j < 4; j++ {
		neg := gr.vec()
		VXORPS(sign, h[1][j], neg)
		out := [4]VecVirtual{h[0][j], add(h[0][j], h[1][j]), sub(h[0][j], h[1][j]), neg}
		for q := 0; q < 4; q++ {
			VMOVUPS(out[q], st.addr(b, 4*q+j))
		}
	}
	gr.end()
}

func gradColsGroup(gr grouping, modeA bool) {
	formula, mode := "((a - b) + c) - d", "B"
	if modeA {
		formula, mode = "a + ((b - c) + d)", "A"
	}
	name := "gradCols" + mode + gr.suffix
	TEXT(name, NOSPLIT, "func(dst *float32, a, b, c, d *float32, half uintptr)")
	Doc(fmt.Sprintf("%s writes %d image rows of input gradients two rows apart (from dst), %s of the rows a, b, c and d", name, gr.g, formula),
		"(see gradColsGroups).")
	dst := ld("dst")
	var p [4]GPVirtual
	for i, nm := range []string{"a", "b", "c", "d"} {
		p[i] = ld(nm)
	}
	half := ld("half")
	var z [2]VecVirtual
	for h := 0; h < 2; h++ {
		var v [4]VecVirtual
		for i := range v {
			v[i] = gr.vec()
			m := Mem{Base: p[i]}
			if h == 1 {
				m = Mem{Base: p[i], Index: half, Scale: 1}
			}
			VMOVUPS(m, v[i])
		}
		if modeA {
			z[h] = add(v[0], add(sub(v[1], v[2]), v[3]))
		} else {
			z[h] = sub(add(sub(v[0], v[1]), v[2]), v[3])
		}
	}
	lo, hi := gr.interleave(z[0], z[1])
	gr.store(lo, hi, func(g int) Mem { return Mem{Base: dst, Disp: 2 * g * 4 * gr.w()} })
	gr.end()
}

// gradRowsPlaneAVX512 is gradRowsAVX512 over all the tiles of a plane
// whose rows of tw tiles (tw a divisor of 16) follow each other: next and
// prev are the lanes whose tile has a right and a left neighbour in its
// row (the same for every vector, which starts a row).
func gradRowsPlaneAVX512() {
	TEXT("gradRowsPlaneAVX512", NOSPLIT, "func(dv *float32, xs uintptr, dst *float32, rs uintptr, half uintptr, n int, next, prev uint16)")
	Doc("gradRowsPlaneAVX512 writes the four column-adjoint rows of the n tiles of a plane of dV (see gradRowsPlane).")
	xs, rs, half, n := ld("xs"), ld("rs"), ld("half"), ld("n")
	kNext, kPrev := K(), K()
	KMOVW(paramAddr("next"), kNext)
	KMOVW(paramAddr("prev"), kPrev)
	xs3 := GP64()
	LEAQ(Mem{Base: xs, Index: xs, Scale: 2}, xs3)
	base, dst := ld("dv"), ld("dst")
	for i := 0; i < 4; i++ {
		p, q, tx := GP64(), GP64(), GP64()
		MOVQ(base, p)
		MOVQ(dst, q)
		XORQ(tx, tx)
		loop, done := fmt.Sprintf("prow%d", i), fmt.Sprintf("pdone%d", i)
		Label(loop)
		CMPQ(tx, n)
		JGE(LabelRef(done))
		kt := tileMask(n, tx)
		kn, kp := K(), K()
		KANDW(kNext, kt, kn)
		KANDW(kPrev, kt, kp)
		var o [4]VecVirtual
		for k := range o {
			o[k] = ZMM()
			VMOVUPS_Z(streamAddr(p, xs, xs3, k), kt, o[k])
		}
		o0n, o3p := ZMM(), ZMM()
		VMOVUPS_Z(Mem{Base: p, Disp: 4}, kn, o0n)
		VMOVUPS_Z(Mem{Base: p, Index: xs3, Scale: 1, Disp: -4}, kp, o3p)
		ohat := sub(add(sub(o[1], o[2]), o[3]), o3p)
		ehat := add(o0n, add(sub(o[1], o[0]), o[2]))
		VMOVUPS(ohat, kt, Mem{Base: q})
		VMOVUPS(ehat, kt, Mem{Base: q, Index: half, Scale: 1})
		ADDQ(Imm(64), p)
		ADDQ(Imm(64), q)
		ADDQ(Imm(16), tx)
		JMP(LabelRef(loop))
		Label(done)
		if i < 3 {
			LEAQ(Mem{Base: base, Index: xs, Scale: 4}, base)
			ADDQ(rs, dst)
		}
	}
	VZEROUPPER()
	RET()
}

// gradRowsPlaneAVX2 is gradRowsAVX2 over the n tiles (a multiple of 8) of
// a plane whose rows of tw tiles (tw a divisor of 8) follow each other:
// masks holds the 8 lanes whose tile has a right neighbour in its row,
// then the 8 that have a left one.
func gradRowsPlaneAVX2() {
	TEXT("gradRowsPlaneAVX2", NOSPLIT, "func(dv *float32, xs uintptr, dst *float32, rs uintptr, half uintptr, n int, masks *uint32)")
	Doc("gradRowsPlaneAVX2 writes the four column-adjoint rows of the n tiles of a plane of dV (see gradRowsPlane).")
	xs, rs, half, n, masks := ld("xs"), ld("rs"), ld("half"), ld("n"), ld("masks")
	kn, kp := YMM(), YMM()
	VMOVDQU(Mem{Base: masks}, kn)
	VMOVDQU(Mem{Base: masks, Disp: 32}, kp)
	xs3 := GP64()
	LEAQ(Mem{Base: xs, Index: xs, Scale: 2}, xs3)
	base, dst := ld("dv"), ld("dst")
	for i := 0; i < 4; i++ {
		p, q, tx := GP64(), GP64(), GP64()
		MOVQ(base, p)
		MOVQ(dst, q)
		XORQ(tx, tx)
		loop, done := fmt.Sprintf("prow%d", i), fmt.Sprintf("pdone%d", i)
		Label(loop)
		CMPQ(tx, n)
		JGE(LabelRef(done))
		var o [4]VecVirtual
		for k := range o {
			o[k] = load8(streamAddr(p, xs, xs3, k), nil)
		}
		o0n := load8(Mem{Base: p, Disp: 4}, kn)
		o3p := load8(Mem{Base: p, Index: xs3, Scale: 1, Disp: -4}, kp)
		ohat := sub(add(sub(o[1], o[2]), o[3]), o3p)
		ehat := add(o0n, add(sub(o[1], o[0]), o[2]))
		store8(ohat, nil, Mem{Base: q})
		store8(ehat, nil, Mem{Base: q, Index: half, Scale: 1})
		ADDQ(Imm(32), p)
		ADDQ(Imm(32), q)
		ADDQ(Imm(8), tx)
		JMP(LabelRef(loop))
		Label(done)
		if i < 3 {
			LEAQ(Mem{Base: base, Index: xs, Scale: 4}, base)
			ADDQ(rs, dst)
		}
	}
	VZEROUPPER()
	RET()
}

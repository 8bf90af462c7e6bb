package main

// The AVX2 kernels: the same transforms, 8 tiles per ymm. AVX2 has no
// opmasks, so the bounds are kept two ways:
//
//   - tiles: with n >= 8 the kernels run groups of 8 tiles starting at
//     s = min(tx, n-8) for tx = 0, 8, 16, ...: the last group overlaps the
//     one before it and recomputes (and rewrites) a few tiles, bit for bit
//     the same values, so every tile load and store is a full ymm inside
//     the streams. With n < 8 they run one group whose tile loads and
//     stores are VMASKMOVPS with the mask of the first n lanes.
//   - image columns (the row windows of InputRow and DyRow, the output rows
//     of OutputRow and GradCols): VMASKMOVPS loads with the mask of the
//     columns inside the row (masked-off lanes read as zero and never
//     touch memory, which lets the first window start one float before the
//     row); stores take a full ymm when all 16 columns are inside the row
//     and VMASKMOVPS otherwise.
//
// Every value is the same float32 operation sequence as the pure-Go code
// and the AVX-512 kernels. Only Y0-Y15 are valid in VEX code: checkVEX
// fails the generation if the register allocator ever reaches Y16.

import (
	"fmt"
	"github.com/actbench/actbench/asmgen/internal/shuffle"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

var lanes16, skipFirst, skipLast Mem

func constantsAVX2() {
	// 16 all-ones lanes then 16 zero lanes: the 8 lanes at 4*(16-c) are the
	// mask of the first c (0 <= c <= 16) lanes, the 8 after them that of
	// the first c-8.
	lanes16 = GLOBL("wino_lanes16", RODATA|NOPTR)
	for i := 0; i < 32; i++ {
		v := uint32(0)
		if i < 16 {
			v = 0xffffffff
		}
		DATA(4*i, U32(v))
	}
	// Every lane but lane 0 (column -1 of the first window).
	skipFirst = GLOBL("wino_skipfirst", RODATA|NOPTR)
	for i := 0; i < 8; i++ {
		v := uint32(0xffffffff)
		if i == 0 {
			v = 0
		}
		DATA(4*i, U32(v))
	}
	// Every lane but lane 7 (the column after a row of 8 in the grouped
	// kernels).
	skipLast = GLOBL("wino_skiplast", RODATA|NOPTR)
	for i := 0; i < 8; i++ {
		v := uint32(0xffffffff)
		if i == 7 {
			v = 0
		}
		DATA(4*i, U32(v))
	}
}

var labels = map[string]int{}

// label returns a fresh label name starting with prefix.
func label(prefix string) string {
	labels[prefix]++
	return fmt.Sprintf("%s%d", prefix, labels[prefix])
}

// clamp limits cnt to [0, max] with one scratch register (the kernels are
// short of general-purpose registers).
func clamp(cnt GPVirtual, max int) {
	sign := GP64()
	MOVQ(cnt, sign)
	SARQ(Imm(63), sign)
	NOTQ(sign)
	ANDQ(sign, cnt) // max(cnt, 0)
	lim := GP64()
	MOVQ(U32(max), lim)
	CMPQ(cnt, lim)
	CMOVQGT(lim, cnt)
}

// maskAddr returns the address of the 8 lanes of lanes16 that mask the
// first clamp(cnt, 0, max) lanes (max 8 or 16; see constantsAVX2), the
// next 8 at Disp 32. cnt is clobbered.
func maskAddr(cnt GPVirtual, max int) Mem {
	clamp(cnt, max)
	NEGQ(cnt)
	ADDQ(Imm(16), cnt)
	tbl := GP64()
	LEAQ(lanes16, tbl)
	return Mem{Base: tbl, Index: cnt, Scale: 4}
}

// windowMasks returns the masks of the first clamp(cnt, 0, 16) lanes of a
// 16-float window: lanes 0-7 and 8-15. cnt is clobbered.
func windowMasks(cnt GPVirtual) (lo, hi VecVirtual) {
	m := maskAddr(cnt, 16)
	lo, hi = YMM(), YMM()
	VMOVDQU(m, lo)
	m.Disp = 32
	VMOVDQU(m, hi)
	return
}

// laneMask returns the mask of the first clamp(cnt, 0, 8) lanes; cnt is
// clobbered.
func laneMask(cnt GPVirtual) VecVirtual {
	m := YMM()
	VMOVDQU(maskAddr(cnt, 8), m)
	return m
}

// load8 loads 8 floats, under mask unless it is nil.
func load8(m Mem, mask VecVirtual) VecVirtual {
	z := YMM()
	if mask == nil {
		VMOVUPS(m, z)
	} else {
		VMASKMOVPS(m, mask, z)
	}
	return z
}

// store8 stores 8 floats, under mask unless it is nil.
func store8(z VecVirtual, mask VecVirtual, m Mem) {
	if mask == nil {
		VMOVUPS(z, m)
	} else {
		VMASKMOVPS(z, mask, m)
	}
}

// interleave8 returns x0 y0 x1 y1 ... x3 y3 and x4 y4 ... x7 y7.
func interleave8(x, y VecVirtual) (lo, hi VecVirtual) {
	ul, uh := YMM(), YMM()
	VUNPCKLPS(y, x, ul) // x0 y0 x1 y1 | x4 y4 x5 y5
	VUNPCKHPS(y, x, uh) // x2 y2 x3 y3 | x6 y6 x7 y7
	lo, hi = YMM(), YMM()
	VPERM2F128(Imm(0x20), uh, ul, lo)
	VPERM2F128(Imm(0x31), uh, ul, hi)
	return
}

// storeColumns stores the 16 floats lo, hi at column 2s of a row (at p)
// with cnt columns left from there: full stores when cnt >= 16, else
// masked ones. cnt is clobbered.
func storeColumns(lo, hi VecVirtual, p GPVirtual, cnt GPVirtual) {
	masked, done := label("partial"), label("stored")
	CMPQ(cnt, Imm(16))
	JLT(LabelRef(masked))
	VMOVUPS(lo, Mem{Base: p})
	VMOVUPS(hi, Mem{Base: p, Disp: 32})
	JMP(LabelRef(done))
	Label(masked)
	mlo, mhi := windowMasks(cnt)
	VMASKMOVPS(lo, mlo, Mem{Base: p})
	VMASKMOVPS(hi, mhi, Mem{Base: p, Disp: 32})
	Label(done)
}

// groups8 emits the tile loop (see the top of this file): body(s, kt) emits
// one group of 8 tiles starting at tile s, with kt nil (all 8 tiles) or the
// mask of the n < 8 tiles. It ends the function.
func groups8(prefix string, n GPVirtual, body func(s GPVirtual, kt VecVirtual)) {
	small, loop, done := prefix+"small", prefix+"loop", prefix+"done"
	CMPQ(n, Imm(8))
	JLT(LabelRef(small))
	tx := GP64()
	XORQ(tx, tx)
	Label(loop)
	s := GP64()
	MOVQ(n, s)
	SUBQ(Imm(8), s)
	CMPQ(tx, s)
	CMOVQLT(tx, s)
	body(s, nil)
	ADDQ(Imm(8), tx)
	CMPQ(tx, n)
	JLT(LabelRef(loop))
	JMP(LabelRef(done))
	Label(small)
	cnt := GP64()
	MOVQ(n, cnt)
	kt := laneMask(cnt)
	s0 := GP64()
	XORQ(s0, s0)
	body(s0, kt)
	Label(done)
}

func inputRowAVX2() {
	TEXT("inputRowAVX2", NOSPLIT, "func(r0, r1, r2, r3 *float32, w int, v *float32, xs uintptr, n int)")
	Doc("inputRowAVX2 writes the 16 transformed values of n tiles (see InputRow).")
	var rows [4]GPVirtual
	for i := range rows {
		rows[i] = ld(fmt.Sprintf("r%d", i))
	}
	w, v, xs, n := ld("w"), ld("v"), ld("xs"), ld("n")
	// Rows i of B^T d for columns 0 and 1 wait here while columns 2 and 3
	// are loaded: 16 ymm of values do not fit in the registers with the
	// masks.
	spill := AllocLocal(8 * 32)
	groups8("", n, func(s GPVirtual, kt VecVirtual) {
		off := GP64() // byte offset of column 2s
		MOVQ(s, off)
		SHLQ(Imm(3), off)
		// d[i][c]: column 2t-1+c of row i for tiles t = s .. s+7; window 1
		// (columns 2s-1 .. 2s+14) gives c = 0, 1, window 2 (2s+1 ..
		// 2s+16) c = 2, 3.
		var r [4][4]VecVirtual // r[i][c]: row i of B^T d, column c
		for win := 0; win < 2; win++ {
			cnt := GP64()
			MOVQ(w, cnt)
			SUBQ(s, cnt)
			SUBQ(s, cnt)
			disp := -4
			if win == 0 {
				ADDQ(Imm(1), cnt)
			} else {
				SUBQ(Imm(1), cnt)
				disp = 4
			}
			mlo, mhi := windowMasks(cnt)
			if win == 0 {
				notFirst := label("notfirst")
				CMPQ(s, Imm(0))
				JNE(LabelRef(notFirst))
				VPAND(skipFirst, mlo, mlo)
				Label(notFirst)
			}
			var d [4][2]VecVirtual
			for i := 0; i < 4; i++ {
				a := load8(Mem{Base: rows[i], Index: off, Scale: 1, Disp: disp}, mlo)
				b := load8(Mem{Base: rows[i], Index: off, Scale: 1, Disp: disp + 32}, mhi)
				d[i][0], d[i][1] = shuffle.Split8(a, b)
			}
			for h := 0; h < 2; h++ {
				c := 2*win + h
				r[0][c] = sub(d[0][h], d[2][h])
				r[1][c] = add(d[1][h], d[2][h])
				r[2][c] = sub(d[2][h], d[1][h])
				r[3][c] = sub(d[1][h], d[3][h])
				if win == 0 {
					for i := 0; i < 4; i++ {
						VMOVUPS(r[i][c], spill.Offset(32*(2*i+c)))
					}
				}
			}
		}
		p, xs3 := GP64(), GP64()
		LEAQ(Mem{Base: v, Index: s, Scale: 4}, p)
		LEAQ(Mem{Base: xs, Index: xs, Scale: 2}, xs3)
		for i := 0; i < 4; i++ {
			r0, r1 := YMM(), YMM()
			VMOVUPS(spill.Offset(32*(2*i)), r0)
			VMOVUPS(spill.Offset(32*(2*i+1)), r1)
			o := [4]VecVirtual{sub(r0, r[i][2]), add(r1, r[i][2]), sub(r[i][2], r1), sub(r1, r[i][3])}
			for k := 0; k < 4; k++ {
				store8(o[k], kt, streamAddr(p, xs, xs3, k))
			}
			if i < 3 {
				LEAQ(Mem{Base: p, Index: xs, Scale: 4}, p)
			}
		}
	})
	VZEROUPPER()
	RET()
}

// streamAddr is stream k (0-3) of the group of four at p.
func streamAddr(p, xs, xs3 GPVirtual, k int) Mem {
	switch k {
	case 1:
		return Mem{Base: p, Index: xs, Scale: 1}
	case 2:
		return Mem{Base: p, Index: xs, Scale: 2}
	case 3:
		return Mem{Base: p, Index: xs3, Scale: 1}
	}
	return Mem{Base: p}
}

func outputRowAVX2() {
	TEXT("outputRowAVX2", NOSPLIT, "func(m *float32, xs uintptr, row0, row1 *float32, ow int, bias float32, n int)")
	Doc("outputRowAVX2 writes two output rows from n tiles of M (see OutputRow).")
	mp, xs, row0, row1, ow, n := ld("m"), ld("xs"), ld("row0"), ld("row1"), ld("ow"), ld("n")
	bias := YMM()
	VBROADCASTSS(paramAddr("bias"), bias)
	groups8("", n, func(s GPVirtual, kt VecVirtual) {
		base := GP64()
		LEAQ(Mem{Base: mp, Index: s, Scale: 4}, base)
		st := newStreams(base, xs)
		b := st.bases()
		var s0, s1 [4]VecVirtual
		for j := 0; j < 4; j++ {
			var mm [4]VecVirtual
			for q := range mm {
				mm[q] = load8(st.addr(b, 4*q+j), kt)
			}
			s0[j] = add(add(mm[0], mm[1]), mm[2])
			s1[j] = sub(sub(mm[1], mm[2]), mm[3])
		}
		for r, sv := range [2][4]VecVirtual{s0, s1} {
			y0 := add(add(add(sv[0], sv[1]), sv[2]), bias)
			y1 := add(sub(sub(sv[1], sv[2]), sv[3]), bias)
			lo, hi := interleave8(y0, y1)
			row := row0
			if r == 1 {
				row = row1
			}
			p, cnt := GP64(), GP64()
			LEAQ(Mem{Base: row, Index: s, Scale: 8}, p)
			MOVQ(ow, cnt)
			SUBQ(s, cnt)
			SUBQ(s, cnt)
			storeColumns(lo, hi, p, cnt)
		}
	})
	VZEROUPPER()
	RET()
}

func dyRowAVX2() {
	TEXT("dyRowAVX2", NOSPLIT, "func(row0, row1 *float32, ow int, dm *float32, xs uintptr, n int)")
	Doc("dyRowAVX2 writes the 16 transformed output gradients of n tiles (see DyRow).")
	row0, row1, ow, dm, xs, n := ld("row0"), ld("row1"), ld("ow"), ld("dm"), ld("xs"), ld("n")
	sign := YMM()
	VBROADCASTSS(signBit, sign)
	groups8("", n, func(s GPVirtual, kt VecVirtual) {
		cnt := GP64()
		MOVQ(ow, cnt)
		SUBQ(s, cnt)
		SUBQ(s, cnt)
		mlo, mhi := windowMasks(cnt)
		var h [2][4]VecVirtual
		for r, row := range []GPVirtual{row0, row1} {
			a := load8(Mem{Base: row, Index: s, Scale: 8}, mlo)
			bb := load8(Mem{Base: row, Index: s, Scale: 8, Disp: 32}, mhi)
			g0, g1 := shuffle.Split8(a, bb)
			neg := YMM()
			VXORPS(sign, g1, neg)
			h[r] = [4]VecVirtual{g0, add(g0, g1), sub(g0, g1), neg}
		}
		base := GP64()
		LEAQ(Mem{Base: dm, Index: s, Scale: 4}, base)
		st := newStreams(base, xs)
		b := st.bases()
		for j := 0; j < 4; j++ {
			neg := YMM()
			VXORPS(sign, h[1][j], neg)
			out := [4]VecVirtual{h[0][j], add(h[0][j], h[1][j]), sub(h[0][j], h[1][j]), neg}
			for q := 0; q < 4; q++ {
				store8(out[q], kt, st.addr(b, 4*q+j))
			}
		}
	})
	VZEROUPPER()
	RET()
}

func gradRowsAVX2() {
	TEXT("gradRowsAVX2", NOSPLIT, "func(dv *float32, xs uintptr, dst *float32, rs uintptr, half uintptr, n int)")
	Doc("gradRowsAVX2 writes the four column-adjoint rows of n tiles of dV (see GradRows).")
	xs, rs, half, n := ld("xs"), ld("rs"), ld("half"), ld("n")
	xs3 := GP64()
	LEAQ(Mem{Base: xs, Index: xs, Scale: 2}, xs3)
	base, dst := ld("dv"), ld("dst")
	for i := 0; i < 4; i++ {
		// Streams 4i .. 4i+3 of dV at base, row i of dst at dst.
		groups8(fmt.Sprintf("row%d", i), n, func(s GPVirtual, kt VecVirtual) {
			p, q := GP64(), GP64()
			LEAQ(Mem{Base: base, Index: s, Scale: 4}, p)
			LEAQ(Mem{Base: dst, Index: s, Scale: 4}, q)
			// o0 at tile t+1: lanes j < n-s-1.
			cn := GP64()
			MOVQ(n, cn)
			SUBQ(s, cn)
			SUBQ(Imm(1), cn)
			kn := laneMask(cn)
			// o3 at tile t-1: lanes j < n-s+1, but not lane 0 of tile 0.
			cp := GP64()
			MOVQ(n, cp)
			SUBQ(s, cp)
			ADDQ(Imm(1), cp)
			kp := laneMask(cp)
			notFirst := label("notfirst")
			CMPQ(s, Imm(0))
			JNE(LabelRef(notFirst))
			VPAND(skipFirst, kp, kp)
			Label(notFirst)
			var o [4]VecVirtual
			for k := range o {
				o[k] = load8(streamAddr(p, xs, xs3, k), kt)
			}
			o0n := load8(Mem{Base: p, Disp: 4}, kn)
			o3p := load8(Mem{Base: p, Index: xs3, Scale: 1, Disp: -4}, kp)
			ohat := sub(add(sub(o[1], o[2]), o[3]), o3p)
			ehat := add(o0n, add(sub(o[1], o[0]), o[2]))
			store8(ohat, kt, Mem{Base: q})
			store8(ehat, kt, Mem{Base: q, Index: half, Scale: 1})
		})
		if i < 3 {
			LEAQ(Mem{Base: base, Index: xs, Scale: 4}, base)
			ADDQ(rs, dst)
		}
	}
	VZEROUPPER()
	RET()
}

func gradColsAVX2(name, formula string, modeA bool) {
	TEXT(name, NOSPLIT, "func(dst *float32, w int, a, b, c, d *float32, half uintptr, n int)")
	Doc(fmt.Sprintf("%s writes one row of w input gradients, %s of the rows a, b, c and d (see GradCols).", name, formula))
	dst, w := ld("dst"), ld("w")
	var p [4]GPVirtual
	for i, nm := range []string{"a", "b", "c", "d"} {
		p[i] = ld(nm)
	}
	half, n := ld("half"), ld("n")
	groups8("", n, func(s GPVirtual, kt VecVirtual) {
		off := GP64() // byte offset of tile s, then of tile s in the second half
		MOVQ(s, off)
		SHLQ(Imm(2), off)
		var z [2]VecVirtual
		for h := 0; h < 2; h++ {
			if h == 1 {
				ADDQ(half, off)
			}
			var v [4]VecVirtual
			for i := range v {
				v[i] = load8(Mem{Base: p[i], Index: off, Scale: 1}, kt)
			}
			if modeA {
				z[h] = add(v[0], add(sub(v[1], v[2]), v[3]))
			} else {
				z[h] = sub(add(sub(v[0], v[1]), v[2]), v[3])
			}
		}
		lo, hi := interleave8(z[0], z[1])
		q, cnt := GP64(), GP64()
		LEAQ(Mem{Base: dst, Index: s, Scale: 8}, q)
		MOVQ(w, cnt)
		SUBQ(s, cnt)
		SUBQ(s, cnt)
		storeColumns(lo, hi, q, cnt)
	})
	VZEROUPPER()
	RET()
}

// Command gemm generates the float32 GEMM micro-kernels of
// github.com/actbench/actbench/kernels/gemm/internal/kernel with avo.
//
// Run it through go generate in that package (see its gen.go); it writes
// kernel_amd64.s and stub_amd64.go there.
//
// Each kernel computes a run of `tiles` row tiles of one column strip of C:
//
//	C[mr x nr] = alpha * A[mr x kc] * Bpack[kc x nr] + beta * C   (loadC != 0)
//	C[mr x nr] = alpha * A[mr x kc] * Bpack[kc x nr]              (loadC == 0)
//
// A is read in place: element (i, p) of the tile is at a + i*rs + p*cs bytes,
// which serves A in place (rs = lda*4, cs = 4), A transposed in place
// (rs = 4, cs = lda*4) and A packed in tiles of mr rows (rs = 4, cs = mr*4).
// The next tile starts ts bytes further into A and mr*ldc into C. B is
// k-major with nr contiguous floats per k, bs bytes apart: a packed strip
// (bs = nr*4) or, for the AVX-512 kernels, B itself (bs = ldb*4; the opmasks
// keep a ragged strip's loads inside B; the AVX2 kernels read B in place
// only for whole strips).
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

func main() {
	ConstraintExpr("!purego")
	for mr := 1; mr <= 8; mr++ {
		avx512Kernel(mr, 2)
	}
	for mr := 1; mr <= 8; mr++ {
		avx512Kernel(mr, 1)
	}
	for mr := 1; mr <= 6; mr++ {
		avx2Kernel(mr)
	}
	transpose8()
	for _, w := range []int{8, 16, 32} {
		copyBlock(w)
	}
	Generate()
}

// rowAddr addresses row r of a tile whose rows are stride apart: rows 0-3
// from base, rows 4-7 from base4 = base + 4*stride (x86 scales stop at 8,
// and 3*stride is precomputed in stride3).
func rowAddr(r int, base, base4, stride, stride3 Register) Mem {
	b := base
	if r >= 4 {
		b = base4
	}
	switch r % 4 {
	case 1:
		return Mem{Base: b, Index: stride, Scale: 1}
	case 2:
		return Mem{Base: b, Index: stride, Scale: 2}
	case 3:
		return Mem{Base: b, Index: stride3, Scale: 1}
	}
	return Mem{Base: b}
}

// avx512Kernel emits the mr x 32 AVX-512 kernel: 2*mr zmm accumulators, B
// strips of 32 columns (two zmm per k), and opmasks for a ragged last strip
// (the low 16 bits of mask select columns 0-15, the high 16 bits 16-31);
// with halves = 1, the mr x 16 kernel AVX512x<mr>N16 of strips at most 16
// columns wide (the first zmm of each k of the same packed strips, the low
// 16 bits of mask): each element gets the same instructions in the same
// order as in the 32-column kernel, so the two agree bit for bit, and a
// narrow strip does not pay for 32 columns.
func avx512Kernel(mr, halves int) {
	name, cols := fmt.Sprintf("AVX512x%d", mr), 32
	if halves == 1 {
		name, cols = fmt.Sprintf("AVX512x%dN16", mr), 16
	}
	TEXT(name, NOSPLIT,
		"func(a *float32, rs, cs, ts uintptr, b *float32, bs uintptr, kc int, c *float32, ldc uintptr, tiles int, alpha, beta float32, loadC int, mask uint32)")
	Doc(fmt.Sprintf("%s computes tiles %dx%d tiles of C from A in place and a packed strip of B.", name, mr, cols))
	tileA := Load(Param("a"), GP64())
	rs := Load(Param("rs"), GP64())
	cs := Load(Param("cs"), GP64())
	rs3 := GP64()
	LEAQ(Mem{Base: rs, Index: rs, Scale: 2}, rs3)
	cp := Load(Param("c"), GP64())
	tiles := Load(Param("tiles"), GP64())
	bs := Load(Param("bs"), GP64())
	m := Load(Param("mask"), GP32())
	k1, k2 := K(), K()
	KMOVW(m, k1)
	SHRL(U8(16), m)
	KMOVW(m, k2)
	ks := []Register{k1, k2}[:halves]
	alpha, beta := ZMM(), ZMM()
	VBROADCASTSS(paramAddr("alpha"), alpha)
	VBROADCASTSS(paramAddr("beta"), beta)

	acc := make([][]VecVirtual, mr)
	for r := range acc {
		for range halves {
			acc[r] = append(acc[r], ZMM())
		}
	}

	Label("tile")
	for r := range acc {
		for _, z := range acc[r] {
			VPXORD(z, z, z)
		}
	}
	ap := GP64()
	MOVQ(tileA, ap)
	var ap4 Register = ap
	if mr > 4 {
		ap4 = GP64()
		LEAQ(Mem{Base: ap, Index: rs, Scale: 4}, ap4)
	}
	bp := Load(Param("b"), GP64())
	n := Load(Param("kc"), GP64())

	Label("k")
	bv := make([]VecVirtual, halves)
	for h, k := range ks {
		bv[h] = ZMM()
		VMOVUPS_Z(Mem{Base: bp, Disp: 64 * h}, k, bv[h])
	}
	for r := range acc {
		t := ZMM()
		VBROADCASTSS(rowAddr(r, ap, ap4, rs, rs3), t)
		for h := range bv {
			VFMADD231PS(bv[h], t, acc[r][h])
		}
	}
	ADDQ(bs, bp)
	ADDQ(cs, ap)
	if mr > 4 {
		ADDQ(cs, ap4)
	}
	DECQ(n)
	JNZ(LabelRef("k"))

	ldc := Load(Param("ldc"), GP64())
	ldc3 := GP64()
	LEAQ(Mem{Base: ldc, Index: ldc, Scale: 2}, ldc3)
	var cp4 Register = cp
	if mr > 4 {
		cp4 = GP64()
		LEAQ(Mem{Base: cp, Index: ldc, Scale: 4}, cp4)
	}
	CMPQ(paramAddr("loadC"), U8(0))
	JE(LabelRef("overwrite"))
	for r := range acc {
		row := rowAddr(r, cp, cp4, ldc, ldc3)
		for h, k := range ks {
			t := ZMM()
			VMOVUPS_Z(row.Offset(64*h), k, t)
			VMULPS(beta, t, t)
			VFMADD231PS(alpha, acc[r][h], t)
			VMOVUPS(t, k, row.Offset(64*h))
		}
	}
	JMP(LabelRef("next"))
	Label("overwrite")
	for r := range acc {
		row := rowAddr(r, cp, cp4, ldc, ldc3)
		for h, k := range ks {
			t := ZMM()
			VMULPS(alpha, acc[r][h], t)
			VMOVUPS(t, k, row.Offset(64*h))
		}
	}
	Label("next")
	ADDQ(paramAddr("ts"), tileA)
	step := GP64()
	IMUL3Q(U32(mr), ldc, step)
	ADDQ(step, cp)
	DECQ(tiles)
	JNZ(LabelRef("tile"))
	VZEROUPPER()
	RET()
}

// avx2Kernel emits the mr x 16 AVX2+FMA kernel: 2*mr ymm accumulators (12
// of the 16 registers at mr = 6) and B strips of 16 columns. It always
// writes 16 columns; the driver points C at a scratch tile for a ragged
// last strip.
func avx2Kernel(mr int) {
	TEXT(fmt.Sprintf("AVX2x%d", mr), NOSPLIT,
		"func(a *float32, rs, cs, ts uintptr, b *float32, bs uintptr, kc int, c *float32, ldc uintptr, tiles int, alpha, beta float32, loadC int)")
	Doc(fmt.Sprintf("AVX2x%d computes tiles %dx16 tiles of C from A in place and a packed 16-column strip of B.", mr, mr))
	tileA := Load(Param("a"), GP64())
	rs := Load(Param("rs"), GP64())
	cs := Load(Param("cs"), GP64())
	rs3 := GP64()
	LEAQ(Mem{Base: rs, Index: rs, Scale: 2}, rs3)
	cp := Load(Param("c"), GP64())
	tiles := Load(Param("tiles"), GP64())
	bs := Load(Param("bs"), GP64())

	acc := make([][2]VecVirtual, mr)
	for r := range acc {
		acc[r] = [2]VecVirtual{YMM(), YMM()}
	}

	Label("tile")
	for r := range acc {
		VXORPS(acc[r][0], acc[r][0], acc[r][0])
		VXORPS(acc[r][1], acc[r][1], acc[r][1])
	}
	ap := GP64()
	MOVQ(tileA, ap)
	var ap4 Register = ap
	if mr > 4 {
		ap4 = GP64()
		LEAQ(Mem{Base: ap, Index: rs, Scale: 4}, ap4)
	}
	bp := Load(Param("b"), GP64())
	n := Load(Param("kc"), GP64())

	Label("k")
	b0, b1 := YMM(), YMM()
	VMOVUPS(Mem{Base: bp}, b0)
	VMOVUPS(Mem{Base: bp, Disp: 32}, b1)
	for r := range acc {
		t := YMM()
		VBROADCASTSS(rowAddr(r, ap, ap4, rs, rs3), t)
		VFMADD231PS(b0, t, acc[r][0])
		VFMADD231PS(b1, t, acc[r][1])
	}
	ADDQ(bs, bp)
	ADDQ(cs, ap)
	if mr > 4 {
		ADDQ(cs, ap4)
	}
	DECQ(n)
	JNZ(LabelRef("k"))

	ldc := Load(Param("ldc"), GP64())
	ldc3 := GP64()
	LEAQ(Mem{Base: ldc, Index: ldc, Scale: 2}, ldc3)
	var cp4 Register = cp
	if mr > 4 {
		cp4 = GP64()
		LEAQ(Mem{Base: cp, Index: ldc, Scale: 4}, cp4)
	}
	alpha, beta := YMM(), YMM()
	VBROADCASTSS(paramAddr("alpha"), alpha)
	VBROADCASTSS(paramAddr("beta"), beta)
	for r := range acc {
		VMULPS(alpha, acc[r][0], acc[r][0])
		VMULPS(alpha, acc[r][1], acc[r][1])
	}
	CMPQ(paramAddr("loadC"), U8(0))
	JE(LabelRef("store"))
	for r := range acc {
		row := rowAddr(r, cp, cp4, ldc, ldc3)
		VFMADD231PS(row, beta, acc[r][0])
		VFMADD231PS(row.Offset(32), beta, acc[r][1])
	}
	Label("store")
	for r := range acc {
		row := rowAddr(r, cp, cp4, ldc, ldc3)
		VMOVUPS(acc[r][0], row)
		VMOVUPS(acc[r][1], row.Offset(32))
	}
	ADDQ(paramAddr("ts"), tileA)
	step := GP64()
	IMUL3Q(U32(mr), ldc, step)
	ADDQ(step, cp)
	DECQ(tiles)
	JNZ(LabelRef("tile"))
	VZEROUPPER()
	RET()
}

// paramAddr is the stack address of a scalar parameter, for instructions
// that read it straight from memory (broadcasts, compares).
func paramAddr(name string) Mem {
	b, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}

// transpose8 emits Transpose8, the packing routines' workhorse: it copies
// 8 rows of 8*blocks floats (ld bytes apart) into 8*blocks groups of 8
// floats (stride bytes apart), dst[l*stride + i] = src[i*ld + l], one 8x8
// block per iteration with the classic AVX unpack/shuffle/permute
// transpose (24 shuffles per 64 floats).
func transpose8() {
	TEXT("Transpose8", NOSPLIT, "func(dst *float32, stride uintptr, src *float32, ld uintptr, blocks int)")
	Doc("Transpose8 sets dst[l*stride+i] = src[i*ld+l] (strides in bytes) for i < 8 and l < 8*blocks.")
	d := Load(Param("dst"), GP64())
	st := Load(Param("stride"), GP64())
	s := Load(Param("src"), GP64())
	ld := Load(Param("ld"), GP64())
	n := Load(Param("blocks"), GP64())
	ld3, st3 := GP64(), GP64()
	LEAQ(Mem{Base: ld, Index: ld, Scale: 2}, ld3)
	LEAQ(Mem{Base: st, Index: st, Scale: 2}, st3)
	s4, d4 := GP64(), GP64()
	LEAQ(Mem{Base: s, Index: ld, Scale: 4}, s4)
	LEAQ(Mem{Base: d, Index: st, Scale: 4}, d4)

	Label("block")
	// Rows 4q..4q+3 become s[4q..4q+3]: s[j] holds columns j and j+4 of
	// those four rows (low and high 128-bit lanes).
	var q4 [2][4]VecVirtual
	for q := 0; q < 2; q++ {
		var t [4]VecVirtual
		for pair := 0; pair < 2; pair++ {
			r0, r1 := YMM(), YMM()
			VMOVUPS(rowAddr(4*q+2*pair, s, s4, ld, ld3), r0)
			VMOVUPS(rowAddr(4*q+2*pair+1, s, s4, ld, ld3), r1)
			t[2*pair], t[2*pair+1] = YMM(), YMM()
			VUNPCKLPS(r1, r0, t[2*pair])
			VUNPCKHPS(r1, r0, t[2*pair+1])
		}
		for j := 0; j < 4; j++ {
			q4[q][j] = YMM()
		}
		VSHUFPS(U8(0x44), t[2], t[0], q4[q][0])
		VSHUFPS(U8(0xEE), t[2], t[0], q4[q][1])
		VSHUFPS(U8(0x44), t[3], t[1], q4[q][2])
		VSHUFPS(U8(0xEE), t[3], t[1], q4[q][3])
	}
	for j := 0; j < 4; j++ {
		lo, hi := YMM(), YMM()
		VPERM2F128(U8(0x20), q4[1][j], q4[0][j], lo)
		VPERM2F128(U8(0x31), q4[1][j], q4[0][j], hi)
		VMOVUPS(lo, rowAddr(j, d, d4, st, st3))
		VMOVUPS(hi, rowAddr(j+4, d, d4, st, st3))
	}
	ADDQ(U8(32), s)
	ADDQ(U8(32), s4)
	LEAQ(Mem{Base: d, Index: st, Scale: 8}, d)
	LEAQ(Mem{Base: d4, Index: st, Scale: 8}, d4)
	DECQ(n)
	JNZ(LabelRef("block"))
	VZEROUPPER()
	RET()
}

// copyBlock emits CopyBlock<w>, the packing routines' strided copy of rows
// of w floats (one to four ymm moves per row, AVX only).
func copyBlock(w int) {
	name := fmt.Sprintf("CopyBlock%d", w)
	TEXT(name, NOSPLIT, "func(dst *float32, dstStride uintptr, src *float32, srcStride uintptr, rows int)")
	Doc(fmt.Sprintf("%s copies rows rows of %d floats from src to dst, advancing each by its stride in bytes.", name, w))
	d := Load(Param("dst"), GP64())
	ds := Load(Param("dstStride"), GP64())
	s := Load(Param("src"), GP64())
	ss := Load(Param("srcStride"), GP64())
	n := Load(Param("rows"), GP64())
	Label("row")
	var v []VecVirtual
	for i := 0; i < w/8; i++ {
		v = append(v, YMM())
		VMOVUPS(Mem{Base: s, Disp: 32 * i}, v[i])
	}
	for i := range v {
		VMOVUPS(v[i], Mem{Base: d, Disp: 32 * i})
	}
	ADDQ(ss, s)
	ADDQ(ds, d)
	DECQ(n)
	JNZ(LabelRef("row"))
	VZEROUPPER()
	RET()
}

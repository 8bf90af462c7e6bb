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
// which serves both A (rs = lda*4, cs = 4) and A transposed (rs = 4,
// cs = lda*4) without packing. Bpack is k-major: nr contiguous floats per k.
// The next tile starts mr*rs bytes further into A and mr*ldc into C.
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

func main() {
	for mr := 1; mr <= 8; mr++ {
		avx512Kernel(mr)
	}
	for mr := 1; mr <= 6; mr++ {
		avx2Kernel(mr)
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
// (the low 16 bits of mask select columns 0-15, the high 16 bits 16-31).
func avx512Kernel(mr int) {
	TEXT(fmt.Sprintf("AVX512x%d", mr), NOSPLIT,
		"func(a *float32, rs, cs uintptr, b *float32, kc int, c *float32, ldc uintptr, tiles int, alpha, beta float32, loadC int, mask uint32)")
	Doc(fmt.Sprintf("AVX512x%d computes tiles %dx32 tiles of C from A in place and a packed 32-column strip of B.", mr, mr))
	tileA := Load(Param("a"), GP64())
	rs := Load(Param("rs"), GP64())
	cs := Load(Param("cs"), GP64())
	rs3 := GP64()
	LEAQ(Mem{Base: rs, Index: rs, Scale: 2}, rs3)
	cp := Load(Param("c"), GP64())
	tiles := Load(Param("tiles"), GP64())
	m := Load(Param("mask"), GP32())
	k1, k2 := K(), K()
	KMOVW(m, k1)
	SHRL(U8(16), m)
	KMOVW(m, k2)
	alpha, beta := ZMM(), ZMM()
	VBROADCASTSS(paramAddr("alpha"), alpha)
	VBROADCASTSS(paramAddr("beta"), beta)

	acc := make([][2]VecVirtual, mr)
	for r := range acc {
		acc[r] = [2]VecVirtual{ZMM(), ZMM()}
	}

	Label("tile")
	for r := range acc {
		VPXORD(acc[r][0], acc[r][0], acc[r][0])
		VPXORD(acc[r][1], acc[r][1], acc[r][1])
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
	b0, b1 := ZMM(), ZMM()
	VMOVUPS(Mem{Base: bp}, b0)
	VMOVUPS(Mem{Base: bp, Disp: 64}, b1)
	for r := range acc {
		t := ZMM()
		VBROADCASTSS(rowAddr(r, ap, ap4, rs, rs3), t)
		VFMADD231PS(b0, t, acc[r][0])
		VFMADD231PS(b1, t, acc[r][1])
	}
	ADDQ(U8(128), bp)
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
		for h, k := range []Register{k1, k2} {
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
		for h, k := range []Register{k1, k2} {
			t := ZMM()
			VMULPS(alpha, acc[r][h], t)
			VMOVUPS(t, k, row.Offset(64*h))
		}
	}
	Label("next")
	step := GP64()
	IMUL3Q(U32(mr), rs, step)
	ADDQ(step, tileA)
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
		"func(a *float32, rs, cs uintptr, b *float32, kc int, c *float32, ldc uintptr, tiles int, alpha, beta float32, loadC int)")
	Doc(fmt.Sprintf("AVX2x%d computes tiles %dx16 tiles of C from A in place and a packed 16-column strip of B.", mr, mr))
	tileA := Load(Param("a"), GP64())
	rs := Load(Param("rs"), GP64())
	cs := Load(Param("cs"), GP64())
	rs3 := GP64()
	LEAQ(Mem{Base: rs, Index: rs, Scale: 2}, rs3)
	cp := Load(Param("c"), GP64())
	tiles := Load(Param("tiles"), GP64())

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
	ADDQ(U8(64), bp)
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
	step := GP64()
	IMUL3Q(U32(mr), rs, step)
	ADDQ(step, tileA)
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

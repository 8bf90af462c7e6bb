// Package shuffle holds the lane shuffles the generators share: splitting
// a run of floats into its even and odd positions, on zmm (VPERMI2PS with
// index tables) and on ymm (VSHUFPS + VPERMPD).
package shuffle

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// EvenOdd is the pair of VPERMI2PS index tables that split 32 floats
// (table A = floats 0-15, B = 16-31) into their even and odd positions.
type EvenOdd struct{ even, odd Mem }

// NewEvenOdd declares the two tables as read-only data of the generated
// file, named prefix_even and prefix_odd.
func NewEvenOdd(prefix string) EvenOdd {
	t := EvenOdd{GLOBL(prefix+"_even", RODATA|NOPTR), Mem{}}
	for i := 0; i < 16; i++ {
		DATA(4*i, U32(2*i))
	}
	t.odd = GLOBL(prefix+"_odd", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(4*i, U32(2*i+1))
	}
	return t
}

// Split sets even and odd to the even and odd positions of the 32 floats
// of a (0-15) and b (16-31), in order.
func (t EvenOdd) Split(a, b, even, odd VecVirtual) {
	VMOVUPS(t.even, even)
	VPERMI2PS(b, a, even)
	VMOVUPS(t.odd, odd)
	VPERMI2PS(b, a, odd)
}

// Split8 returns the even and odd positions of the 16 floats of a (0-7)
// and b (8-15), in order, on ymm.
func Split8(a, b VecVirtual) (even, odd VecVirtual) {
	te, to := YMM(), YMM()
	VSHUFPS(Imm(0x88), b, a, te) // a0 a2 b0 b2 | a4 a6 b4 b6
	VSHUFPS(Imm(0xdd), b, a, to)
	even, odd = YMM(), YMM()
	VPERMPD(Imm(0xd8), te, even) // a0 a2 a4 a6 b0 b2 b4 b6
	VPERMPD(Imm(0xd8), to, odd)
	return
}

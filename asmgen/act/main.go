// Command act generates the AVX-512 and AVX2 activation kernels of
// github.com/actbench/actbench/kernels/act with avo.
//
// Run it through go generate in kernels/act (see its doc.go); it writes
// act_amd64.s and stub_amd64.go there.
//
// Every kernel walks its slices in vectors of 16 (AVX-512) or 8 (AVX2)
// float32 and finishes a ragged tail with one masked vector (an opmask from a
// table for AVX-512, VMASKMOVPS with a mask from a table for AVX2), so all
// elements go through the same arithmetic. Masked-off lanes load as zero and
// add nothing to the gradient sums. Nothing branches on data.
//
// The sine is the one documented in kernels/act: k = round(t/pi) by the
// 1.5*2^23 trick (the sum's lowest mantissa bit is k's parity, the sign to
// apply), r = t - k*pi by two-part Cody-Waite with FMA (the first step is
// exact), r clamped to [-1.65, 1.65] (the polynomials' interval: it keeps
// the result bounded for any finite t) and minimax polynomials of degree 9 (sin) and 10 (cos).
// PVLU forms t = b*x exactly: t = fl(b*x) plus e = fma(b, x, -t), added to r.
package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Polynomial coefficients, the same values as kernels/act/sincos.go (fitted
// in float64 on [-pi/2, pi/2]), rounded to float32.
const (
	clampR = 1.65 // |r| bound, past pi/2: see kernels/act/sincos.go

	sinS3 = -0.1666665254734809
	sinS5 = 0.0083329106016494861
	sinS7 = -0.00019799237738614693
	sinS9 = 2.5844381639360085e-06

	cosC2  = -0.49999999265155731
	cosC4  = 0.041666628334285402
	cosC6  = -0.0013888238918824613
	cosC8  = 2.4753399757711805e-05
	cosC10 = -2.5928004519075789e-07
)

// consts are 64-byte blocks of 16 equal float32 values, usable as a full
// memory operand by both ISAs (AVX2 reads the first 32 bytes).
var consts = map[string]Mem{}

func defineConst(name string, v float32) {
	m := GLOBL("c_"+name, RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(4*i, U32(math.Float32bits(v)))
	}
	consts[name] = m
}

func c(name string) Mem {
	m, ok := consts[name]
	if !ok {
		panic("undefined constant " + name)
	}
	return m
}

var (
	tailMask16 Mem // AVX-512: uint16 (1<<i)-1 at 2*i
	tailMask8  Mem // AVX2: 8 int32 -1 then 8 zeros; the 8 at 4*(8-rem) mask rem lanes
)

func defineData() {
	pi32 := float32(math.Pi)
	defineConst("invpi", float32(1/math.Pi))
	defineConst("magic", 0x1.8p23)
	defineConst("pi1", pi32)
	defineConst("pi2", float32(math.Pi-float64(pi32)))
	defineConst("clamp", clampR)
	defineConst("negclamp", -clampR)
	defineConst("one", 1)
	defineConst("s3", sinS3)
	defineConst("s5", sinS5)
	defineConst("s7", sinS7)
	defineConst("s9", sinS9)
	defineConst("c2", cosC2)
	defineConst("c4", cosC4)
	defineConst("c6", cosC6)
	defineConst("c8", cosC8)
	defineConst("c10", cosC10)

	tailMask16 = GLOBL("tailmask16", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(2*i, U16(uint16(1)<<i-1))
	}
	tailMask8 = GLOBL("tailmask8", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		v := uint32(0)
		if i < 8 {
			v = 0xffffffff
		}
		DATA(4*i, U32(v))
	}
}

// isa describes one instruction set and the state of the kernel being
// generated (its tail mask).
type isa struct {
	name   string // suffix of the Go function names
	lanes  int
	avx512 bool

	// Vectors per loop iteration: the ReLU family is a few instructions
	// per vector, where the loop's own compare/add/jump would dominate; the
	// sine kernels are long enough, and AVX2 has too few registers to
	// interleave two of them.
	cheapUnroll, sineUnroll int

	tail             bool     // generating the masked tail
	clampHi, clampLo Register // clamp bounds held in registers, or nil
	kmask            Register // AVX-512 tail opmask
	vmask            Register // AVX2 tail mask vector
}

var (
	avx512 = &isa{name: "AVX512", lanes: 16, avx512: true, cheapUnroll: 4, sineUnroll: 2}
	avx2   = &isa{name: "AVX2", lanes: 8, cheapUnroll: 4, sineUnroll: 1}
)

func (s *isa) vec() VecVirtual {
	if s.avx512 {
		return ZMM()
	}
	return YMM()
}

func (s *isa) load(m Mem) VecVirtual {
	v := s.vec()
	switch {
	case !s.tail:
		VMOVUPS(m, v)
	case s.avx512:
		VMOVUPS_Z(m, s.kmask, v)
	default:
		VMASKMOVPS(m, s.vmask, v)
	}
	return v
}

func (s *isa) store(v Register, m Mem) {
	switch {
	case !s.tail:
		VMOVUPS(v, m)
	case s.avx512:
		VMOVUPS(v, s.kmask, m)
	default:
		VMASKMOVPS(v, s.vmask, m)
	}
}

func (s *isa) zero() VecVirtual {
	z := s.vec()
	VXORPS(z, z, z)
	return z
}

func (s *isa) broadcast(param string) VecVirtual {
	x := Load(Param(param), XMM())
	v := s.vec()
	VBROADCASTSS(x, v)
	return v
}

// gtZero returns x > 0 (ordered: false for NaN) as an opmask (AVX-512) or a
// lane mask vector (AVX2).
func (s *isa) gtZero(x, zero Register) Register {
	const gtOQ = 0x1e
	if s.avx512 {
		k := K()
		VCMPPS(U8(gtOQ), zero, x, k)
		return k
	}
	m := s.vec()
	VCMPPS(U8(gtOQ), zero, x, m)
	return m
}

// isNaN returns the lanes where x is NaN.
func (s *isa) isNaN(x Register) Register {
	const unordQ = 0x03
	if s.avx512 {
		k := K()
		VCMPPS(U8(unordQ), x, x, k)
		return k
	}
	m := s.vec()
	VCMPPS(U8(unordQ), x, x, m)
	return m
}

// selectInto sets dst = src in the lanes of mask, keeping dst elsewhere.
func (s *isa) selectInto(mask, src, dst Register) {
	if s.avx512 {
		VMOVUPS(src, mask, dst)
	} else {
		VBLENDVPS(mask, src, dst, dst)
	}
}

// keepWhere returns v in the lanes of mask and 0 elsewhere.
func (s *isa) keepWhere(mask, v Register) VecVirtual {
	d := s.vec()
	if s.avx512 {
		VMOVUPS_Z(v, mask, d)
	} else {
		VANDPS(v, mask, d)
	}
	return d
}

// clamp limits r to [-clampR, clampR], NaN-preserving: VMINPS and VMAXPS
// return their Go-first operand (Intel's second source) when one input is
// NaN, so r goes there and the bound into a register: kept in registers
// across the loop on AVX-512 (32 of them), reloaded per use on AVX2.
// (VRANGEPS would do it in one instruction but drops a NaN in r.)
func (s *isa) clamp(r Register) {
	hi, lo := s.clampHi, s.clampLo
	if hi == nil {
		hi = s.vec()
		VMOVUPS(c("clamp"), hi)
	}
	VMINPS(r, hi, r)
	if lo == nil {
		lo = s.vec()
		VMOVUPS(c("negclamp"), lo)
	}
	VMAXPS(r, lo, r)
}

// loadClampBounds keeps the clamp bounds in registers (AVX-512 only).
func (s *isa) loadClampBounds() {
	s.clampHi, s.clampLo = nil, nil
	if s.avx512 {
		s.clampHi, s.clampLo = s.vec(), s.vec()
		VMOVUPS(c("clamp"), s.clampHi)
		VMOVUPS(c("negclamp"), s.clampLo)
	}
}

// reduce turns t (overwritten) into r in [-pi/2, pi/2] with t = k*pi + r (+ e,
// the rounding error of t, when e is not nil) and returns q, whose lowest bit
// is k's parity.
func (s *isa) reduce(t VecVirtual, e Register) (r, q VecVirtual) {
	q = s.vec()
	VMOVUPS(c("magic"), q)
	VFMADD231PS(c("invpi"), t, q) // q = t/pi + 1.5*2^23, rounded to an integer
	k := s.vec()
	VSUBPS(c("magic"), q, k)     // k = round(t/pi)
	VFNMADD231PS(c("pi1"), k, t) // t -= k*pi1 (exact)
	if e != nil {
		VADDPS(e, t, t)
	}
	VFNMADD231PS(c("pi2"), k, t) // t -= k*pi2
	s.clamp(t)
	return t, q
}

// signOf returns q's lowest bit moved to the sign position.
func (s *isa) signOf(q Register) VecVirtual {
	sg := s.vec()
	VPSLLD(U8(31), q, sg)
	return sg
}

// sinPoly overwrites r with sin(r) and returns r*r.
func (s *isa) sinPoly(r Register) VecVirtual {
	r2 := s.vec()
	VMULPS(r, r, r2)
	p := s.vec()
	VMOVUPS(c("s9"), p)
	VFMADD213PS(c("s7"), r2, p)
	VFMADD213PS(c("s5"), r2, p)
	VFMADD213PS(c("s3"), r2, p)
	r3 := s.vec()
	VMULPS(r2, r, r3)
	VFMADD231PS(p, r3, r) // r + r^3*p
	return r2
}

// cosPoly returns cos(r) from r2 = r*r.
func (s *isa) cosPoly(r2 Register) VecVirtual {
	p := s.vec()
	VMOVUPS(c("c10"), p)
	VFMADD213PS(c("c8"), r2, p)
	VFMADD213PS(c("c6"), r2, p)
	VFMADD213PS(c("c4"), r2, p)
	VFMADD213PS(c("c2"), r2, p)
	VFMADD213PS(c("one"), r2, p)
	return p
}

// exactProduct returns t = fl(b*x) and e = b*x - t (exact, by FMA).
func (s *isa) exactProduct(b, x Register) (t, e VecVirtual) {
	t = s.vec()
	VMULPS(b, x, t)
	e = s.vec()
	VMOVUPS(t, e)
	VFMSUB231PS(b, x, e) // e = x*b - t
	return t, e
}

// addr addresses the current vector of the slice based at a pointer.
type addr func(p Register) Mem

// loop emits the loops over n elements: unroll vectors per iteration while
// that many remain, then one vector at a time, then one masked vector for
// the ragged tail. body emits the code for one vector at the addresses it
// gets from at; it must not keep values from one vector to the next except
// in registers it allocated before the loop (accumulators).
func (s *isa) loop(n Register, unroll int, body func(at addr)) {
	idx := GP64()
	XORQ(idx, idx)
	lim := GP64()
	s.tail = false
	if unroll > 1 {
		MOVQ(n, lim)
		SUBQ(U32(unroll*s.lanes), lim)
		Label("loopN")
		CMPQ(idx, lim)
		JG(LabelRef("loop1"))
		for u := 0; u < unroll; u++ {
			disp := u * s.lanes * 4
			body(func(p Register) Mem { return Mem{Base: p, Index: idx, Scale: 4, Disp: disp} })
		}
		ADDQ(U32(unroll*s.lanes), idx)
		JMP(LabelRef("loopN"))
	}
	Label("loop1")
	MOVQ(n, lim)
	SUBQ(U32(s.lanes), lim)
	Label("loop")
	CMPQ(idx, lim)
	JG(LabelRef("tail"))
	body(func(p Register) Mem { return Mem{Base: p, Index: idx, Scale: 4} })
	ADDQ(U32(s.lanes), idx)
	JMP(LabelRef("loop"))

	Label("tail")
	rem := GP64()
	MOVQ(n, rem)
	SUBQ(idx, rem)
	JZ(LabelRef("done"))
	tbl := GP64() // Go's assembler takes no index register on an SB operand
	if s.avx512 {
		LEAQ(tailMask16, tbl)
		s.kmask = K()
		KMOVW(Mem{Base: tbl, Index: rem, Scale: 2}, s.kmask)
	} else {
		LEAQ(tailMask8, tbl)
		off := GP64()
		MOVQ(U32(8), off)
		SUBQ(rem, off)
		s.vmask = s.vec()
		VMOVDQU(Mem{Base: tbl, Index: off, Scale: 4}, s.vmask)
	}
	s.tail = true
	body(func(p Register) Mem { return Mem{Base: p, Index: idx, Scale: 4} })
	s.tail = false
	Label("done")
}

// hsum returns the sum of v's lanes in the low lane of an XMM register.
func (s *isa) hsum(v VecVirtual) VecVirtual {
	y := v
	if s.avx512 {
		hi := YMM()
		VEXTRACTF32X8(U8(1), v, hi)
		y = YMM()
		VADDPS(hi, v.AsY(), y)
	}
	hi := XMM()
	VEXTRACTF128(U8(1), y, hi)
	x := XMM()
	VADDPS(hi, y.AsX(), x)
	VHADDPS(x, x, x)
	VHADDPS(x, x, x)
	return x
}

func (s *isa) text(name, sig, doc string) {
	TEXT(name+s.name, NOSPLIT, sig)
	Doc(fmt.Sprintf("%s%s %s", name, s.name, doc))
}

func slice(name string) (p, n Register) {
	p = Load(Param(name).Base(), GP64())
	n = Load(Param(name).Len(), GP64())
	return p, n
}

func ptr(name string) Register { return Load(Param(name).Base(), GP64()) }

func (s *isa) relu() {
	s.text("relu", "func(y, x []float32)", "sets y = max(0, x); len(x) >= len(y).")
	yp, n := slice("y")
	xp := ptr("x")
	zero := s.zero()
	s.loop(n, s.cheapUnroll, func(at addr) {
		x := s.load(at(xp))
		y := s.vec()
		VMAXPS(x, zero, y) // x is the operand returned when one is NaN
		s.store(y, at(yp))
	})
	VZEROUPPER()
	RET()
}

func (s *isa) reluBackward() {
	s.text("reluBackward", "func(dx, dy, x []float32)", "sets dx = dy*[x > 0], NaN where x is NaN.")
	dxp, n := slice("dx")
	dyp, xp := ptr("dy"), ptr("x")
	zero := s.zero()
	s.loop(n, s.cheapUnroll, func(at addr) {
		x := s.load(at(xp))
		dy := s.load(at(dyp))
		d := s.keepWhere(s.gtZero(x, zero), dy)
		s.selectInto(s.isNaN(x), x, d)
		s.store(d, at(dxp))
	})
	VZEROUPPER()
	RET()
}

func (s *isa) leakyReLU() {
	s.text("leakyReLU", "func(y, x []float32, slope float32)", "sets y = x > 0 ? x : slope*x.")
	yp, n := slice("y")
	xp := ptr("x")
	slope := s.broadcast("slope")
	zero := s.zero()
	s.loop(n, s.cheapUnroll, func(at addr) {
		x := s.load(at(xp))
		y := s.vec()
		VMULPS(slope, x, y)
		s.selectInto(s.gtZero(x, zero), x, y)
		s.store(y, at(yp))
	})
	VZEROUPPER()
	RET()
}

func (s *isa) leakyReLUBackward() {
	s.text("leakyReLUBackward", "func(dx, dy, x []float32, slope float32) float32",
		"sets dx = dy*(x > 0 ? 1 : slope) (NaN where x is NaN) and returns sum(dy*x over x <= 0 or NaN).")
	dxp, n := slice("dx")
	dyp, xp := ptr("dy"), ptr("x")
	slope := s.broadcast("slope")
	zero := s.zero()
	acc := s.zero()
	s.loop(n, s.cheapUnroll, func(at addr) {
		x := s.load(at(xp))
		dy := s.load(at(dyp))
		d := s.vec()
		VMULPS(slope, dy, d)
		pos := s.gtZero(x, zero)
		s.selectInto(pos, dy, d)
		s.selectInto(s.isNaN(x), x, d)
		s.store(d, at(dxp))
		if s.avx512 {
			notPos := K()
			KNOTW(pos, notPos)
			VFMADD231PS(x, dy, notPos, acc) // merge-masked: acc += dy*x where !(x > 0)
		} else {
			xn := s.vec()
			VANDNPS(x, pos, xn) // x where !(x > 0)
			VFMADD231PS(xn, dy, acc)
		}
	})
	Store(s.hsum(acc), ReturnIndex(0))
	VZEROUPPER()
	RET()
}

func (s *isa) pvlu() {
	s.text("pvlu", "func(y, x []float32, a, b float32)", "sets y = max(0, x) + a*sin(b*x).")
	yp, n := slice("y")
	xp := ptr("x")
	a, b := s.broadcast("a"), s.broadcast("b")
	zero := s.zero()
	s.loadClampBounds()
	s.loop(n, s.sineUnroll, func(at addr) {
		x := s.load(at(xp))
		t, e := s.exactProduct(b, x)
		r, q := s.reduce(t, e)
		s.sinPoly(r)
		as := s.vec()
		VXORPS(a, s.signOf(q), as) // a*(-1)^k
		y := s.vec()
		VMAXPS(x, zero, y)
		VFMADD231PS(as, r, y)
		s.store(y, at(yp))
	})
	VZEROUPPER()
	RET()
}

func (s *isa) pvluBackward() {
	s.text("pvluBackward", "func(dx, dy, x []float32, b, ab float32) (sdy, sdyxc float32)",
		"sets dx = dy*([x > 0] + ab*cos(b*x)) and returns sum(dy*sin(b*x)) and sum(dy*x*cos(b*x)).")
	dxp, n := slice("dx")
	dyp, xp := ptr("dy"), ptr("x")
	b, ab := s.broadcast("b"), s.broadcast("ab")
	zero := s.zero()
	accS, accC := s.zero(), s.zero()
	s.loadClampBounds()
	s.loop(n, s.sineUnroll, func(at addr) {
		x := s.load(at(xp))
		dy := s.load(at(dyp))
		t, e := s.exactProduct(b, x)
		r, q := s.reduce(t, e)
		r2 := s.sinPoly(r)
		cos := s.cosPoly(r2)
		dys := s.vec()
		VXORPS(dy, s.signOf(q), dys) // dy*(-1)^k
		VFMADD231PS(r, dys, accS)
		w := s.vec()
		VMULPS(cos, dys, w) // dy*cos(b*x)
		VFMADD231PS(x, w, accC)
		d := s.keepWhere(s.gtZero(x, zero), dy)
		VFMADD231PS(ab, w, d)
		s.store(d, at(dxp))
	})
	Store(s.hsum(accS), ReturnIndex(0))
	Store(s.hsum(accC), ReturnIndex(1))
	VZEROUPPER()
	RET()
}

func (s *isa) pvluRow() {
	s.text("pvluRow", "func(y, x, a, b []float32)", "sets y = max(0, x) + a*sin(b*x) elementwise.")
	yp, n := slice("y")
	xp, ap, bp := ptr("x"), ptr("a"), ptr("b")
	zero := s.zero()
	s.loadClampBounds()
	s.loop(n, s.sineUnroll, func(at addr) {
		x := s.load(at(xp))
		b := s.load(at(bp))
		t, e := s.exactProduct(b, x)
		r, q := s.reduce(t, e)
		s.sinPoly(r)
		as := s.vec()
		VXORPS(s.load(at(ap)), s.signOf(q), as)
		y := s.vec()
		VMAXPS(x, zero, y)
		VFMADD231PS(as, r, y)
		s.store(y, at(yp))
	})
	VZEROUPPER()
	RET()
}

func (s *isa) pvluRowBackward() {
	s.text("pvluRowBackward", "func(dx, dy, x, a, b, ga, gb []float32)",
		"sets dx = dy*([x > 0] + a*b*cos(b*x)), ga += dy*sin(b*x), gb += dy*a*x*cos(b*x) elementwise.")
	dxp, n := slice("dx")
	dyp, xp, ap, bp, gap, gbp := ptr("dy"), ptr("x"), ptr("a"), ptr("b"), ptr("ga"), ptr("gb")
	zero := s.zero()
	s.loadClampBounds()
	s.loop(n, s.sineUnroll, func(at addr) {
		x := s.load(at(xp))
		dy := s.load(at(dyp))
		b := s.load(at(bp))
		t, e := s.exactProduct(b, x)
		r, q := s.reduce(t, e)
		r2 := s.sinPoly(r)
		cos := s.cosPoly(r2)
		dys := s.vec()
		VXORPS(dy, s.signOf(q), dys)
		ga := s.load(at(gap))
		VFMADD231PS(r, dys, ga)
		s.store(ga, at(gap))
		wa := s.vec()
		VMULPS(cos, dys, wa)
		VMULPS(s.load(at(ap)), wa, wa) // dy*a*cos(b*x)
		gb := s.load(at(gbp))
		VFMADD231PS(x, wa, gb)
		s.store(gb, at(gbp))
		d := s.keepWhere(s.gtZero(x, zero), dy)
		VFMADD231PS(b, wa, d)
		s.store(d, at(dxp))
	})
	VZEROUPPER()
	RET()
}

func (s *isa) sin() {
	s.text("sin", "func(y, x []float32)", "sets y = sin(x).")
	yp, n := slice("y")
	xp := ptr("x")
	s.loadClampBounds()
	s.loop(n, s.sineUnroll, func(at addr) {
		r, q := s.reduce(s.load(at(xp)), nil)
		s.sinPoly(r)
		VXORPS(s.signOf(q), r, r)
		s.store(r, at(yp))
	})
	VZEROUPPER()
	RET()
}

func main() {
	ConstraintExpr("!purego")
	defineData()
	for _, s := range []*isa{avx512, avx2} {
		s.relu()
		s.reluBackward()
		s.leakyReLU()
		s.leakyReLUBackward()
		s.pvlu()
		s.pvluBackward()
		s.pvluRow()
		s.pvluRowBackward()
		s.sin()
	}
	Generate()
}

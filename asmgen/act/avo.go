package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The assembly backend. Every kernel walks its slices in vectors of 16
// (AVX-512) or 8 (AVX2) float32 and finishes a ragged tail with masked
// vectors (an opmask from a table for AVX-512, VMASKMOVPS with a mask from a
// table for AVX2), so every element goes through the same arithmetic.
// Masked-off lanes load as zero; their results are never stored and add
// nothing to the lane sums. Nothing branches on data.
//
// Lane sums keep the layout of the pure-Go path: element i adds into lane
// i%16, in order of i. AVX-512 holds the 16 lanes in one register; AVX2 in
// two (lanes 0-7 and 8-15) and walks its slices 16 elements at a time, the
// first vector into the low half, the second into the high one.

// consts are 64-byte blocks of 16 equal float32 values, usable as a full
// memory operand by both ISAs (AVX2 reads the first 32 bytes).
var constMem = map[string]Mem{}

func defineConstData(used map[string]bool) {
	for _, c := range sortedConsts() {
		if !used[c.name] {
			continue
		}
		m := GLOBL("c_"+c.name, RODATA|NOPTR)
		for i := 0; i < 16; i++ {
			DATA(4*i, U32(c.bits))
		}
		constMem[c.name] = m
	}
}

var (
	tailMask16 Mem // AVX-512: uint16 (1<<i)-1 at 2*i
	tailMask8  Mem // AVX2: 16 int32 -1 then 16 zeros; the 8 at 4*(16-rem) mask rem lanes
)

func defineTailMasks() {
	tailMask16 = GLOBL("tailmask16", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(2*i, U16(uint16(1)<<i-1))
	}
	tailMask8 = GLOBL("tailmask8", RODATA|NOPTR)
	for i := 0; i < 32; i++ {
		v := uint32(0)
		if i < 16 {
			v = 0xffffffff
		}
		DATA(4*i, U32(v))
	}
}

// defineLaneIota defines the lane numbers 0..15, which opIndex adds to the
// broadcast index of a vector's first element.
func defineLaneIota() {
	m := GLOBL("c_laneIota", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(4*i, U32(uint32(i)))
	}
	constMem["laneIota"] = m
}

// isa describes one instruction set.
type isa struct {
	name   string // suffix of the Go function names
	lanes  int
	avx512 bool
}

var (
	avx512 = &isa{name: "AVX512", lanes: 16, avx512: true}
	avx2   = &isa{name: "AVX2", lanes: 8}
)

func (s *isa) vec() VecVirtual {
	if s.avx512 {
		return ZMM()
	}
	return YMM()
}

// asmGen is the state of one kernel's emission.
type asmGen struct {
	s    *isa
	k    *Kernel
	b    *B
	last []int

	ptrs   map[string]Register // slice base pointers
	params map[string]Register // broadcast parameters (AVX-512)
	// AVX2 keeps its broadcast parameters in stack slots, used as memory
	// operands like the constants, when 16 vector registers are too few to
	// hold them across the loop (see fits).
	paramMem map[string]Mem
	hoisted  map[string]Register // constants held in registers (AVX-512)
	accs     [][]Register        // per sum: one register (AVX-512) or two (AVX2)
	accMem   [][]Mem             // per sum: its stack slots instead, when registers are short

	// The current vector: its addresses, tail masks, accumulator half.
	at    func(p Register) Mem
	tail  bool
	kmask Register // AVX-512 tail opmask
	vmask Register // AVX2 tail mask vector
	half  int      // AVX2 accumulator half (0: lanes 0-7, 1: lanes 8-15)
	idx   Register // the loop's element counter
	elem  int      // the current vector's first element, relative to idx

	vals []value // per value id, for the current copy of the body
}

// value is where an IR value lives during emission: a register, or a
// constant still in memory.
type value struct {
	reg   Register
	cname string // constant not loaded: use constMem[cname]
	mem   *Mem   // a parameter in a stack slot (AVX2)
	fixed bool   // a parameter or hoisted constant: never overwritten
}

func (g *asmGen) text(name, doc string, nosplit bool) {
	sig := "func("
	for i, sl := range g.k.Slices {
		if i > 0 {
			sig += ", "
		}
		sig += sl
	}
	sig += " []float32"
	for _, p := range g.k.Params {
		sig += ", " + p + " float32"
	}
	sig += ")"
	if g.k.Sums > 0 {
		sig += fmt.Sprintf(" [%d]float64", g.k.Sums)
	}
	flags := NOSPLIT
	if !nosplit {
		flags = 0
	}
	TEXT(name+g.s.name, flags, sig)
	Doc(fmt.Sprintf("%s%s %s", name, g.s.name, doc))
}

// generateAsm emits kernel k for ISA s.
func generateAsm(s *isa, k *Kernel) {
	b := k.build()
	g := &asmGen{s: s, k: k, b: b, last: b.lastUse(),
		ptrs: map[string]Register{}, params: map[string]Register{}, hoisted: map[string]Register{},
		paramMem: map[string]Mem{}}
	halves := 1
	if !s.avx512 {
		halves = 2
	}
	// What stays in registers across the loop: the lane sums and the
	// broadcast parameters (AVX-512 also the constants it hoists), as long as
	// the body still fits beside them (fits, a conservative estimate); else
	// the parameters move to stack slots, then the sums too (avo or
	// checkAVX2Registers fails the generation if a kernel still does not
	// fit).
	var hoist []string
	if s.avx512 {
		hoist = g.regConsts()
	}
	accsFixed := halves * k.Sums
	if k.Spill {
		hoist = nil
	}
	paramsInRegs := !k.Spill && s.fits(b, len(k.Params)+len(hoist)+accsFixed)
	accsInRegs := paramsInRegs || s.fits(b, len(hoist)+accsFixed)
	// A kernel that keeps much on the stack gets the stack check NOSPLIT
	// would skip (the linker refuses large NOSPLIT frames).
	var frame int
	if !paramsInRegs {
		frame += len(k.Params) * 4 * s.lanes
	}
	if !accsInRegs {
		frame += accsFixed * 4 * s.lanes
	}
	frame += 64 * k.Sums // the lanes' stack copy before they are added
	g.text(k.Name, k.Doc, frame <= 512)

	n := Load(Param(k.Slices[0]).Len(), GP64())
	for _, sl := range k.Slices {
		g.ptrs[sl] = Load(Param(sl).Base(), GP64())
	}
	for _, p := range k.Params {
		// Broadcast straight from the argument frame: avo's Load would
		// emit a legacy SSE MOVSS, and a legacy SSE instruction that
		// writes an XMM register while the upper halves are dirty (after
		// the first broadcast) stalled every call on an Intel Xeon (~150
		// ns each; BenchmarkPlane64).
		arg, err := Param(p).Resolve()
		if err != nil {
			panic(err)
		}
		v := s.vec()
		VBROADCASTSS(arg.Addr, v)
		if paramsInRegs {
			g.params[p] = v
		} else {
			m := AllocLocal(4 * s.lanes)
			VMOVUPS(v, m)
			g.paramMem[p] = m
		}
	}
	for _, c := range hoist {
		r := s.vec()
		VMOVUPS(constMem[c], r)
		g.hoisted[c] = r
	}
	for j := 0; j < k.Sums; j++ {
		var rs []Register
		var ms []Mem
		for h := 0; h < halves; h++ {
			z := s.vec()
			VXORPS(z, z, z)
			if accsInRegs {
				rs = append(rs, z)
			} else {
				m := AllocLocal(4 * s.lanes)
				VMOVUPS(z, m)
				ms = append(ms, m)
			}
		}
		g.accs = append(g.accs, rs)
		g.accMem = append(g.accMem, ms)
	}

	g.loop(n)

	if k.Sums > 0 {
		ret, err := ReturnIndex(0).Index(0).Resolve()
		if err != nil {
			panic(err)
		}
		// Through a pointer: vet wants the result array's own name, not
		// offsets into it.
		p := GP64()
		LEAQ(ret.Addr, p)
		// Each sum's 16 lanes, added in float64 in lane order from 0 (the
		// order of fold in package act, which the pure-Go path calls): a
		// float64 per sum keeps the result small (the Go ABI wrapper of an
		// assembly function copies it on a NOSPLIT frame).
		// All lanes go to the stack first, so that the adds find the vector
		// registers free (AVX2 must not reach for X16-X31).
		lanes := AllocLocal(64 * k.Sums)
		for j := range g.accs {
			for h := 0; h < halves; h++ {
				VMOVUPS(g.accReg(j, h), lanes.Offset(64*j+32*h))
			}
		}
		// (Loads, not VXORPD zeroing or a VCVTSS2SD from memory, define sum
		// and t: avo's liveness would take those as reads, keeping the
		// registers live through the whole function.)
		for j := range g.accs {
			sum, t := XMM(), XMM()
			VMOVSD(constMem["zero"], sum) // +0, as fold starts
			for l := 0; l < 16; l++ {
				VMOVSS(lanes.Offset(64*j+4*l), t)
				VCVTSS2SD(t, t, t)
				VADDSD(t, sum, sum)
			}
			VMOVSD(sum, Mem{Base: p, Disp: 8 * j})
		}
	}
	VZEROUPPER()
	RET()
}

// regConsts lists the constants the body needs in a register (operands that
// cannot come from memory).
func (g *asmGen) regConsts() []string {
	need := map[string]bool{}
	isConst := map[int]string{}
	for _, o := range g.b.ops {
		if o.code == opConst {
			isConst[o.dst] = o.name
		}
	}
	mark := func(id int) {
		if c, ok := isConst[id]; ok {
			need[c] = true
		}
	}
	for _, o := range g.b.ops {
		switch o.code {
		case opMin, opMax, opAndNot:
			mark(o.args[1])
		case opSel:
			mark(o.args[2])
		case opSub, opDiv, opISub, opCmp, opShl, opShra, opShr:
			mark(o.args[0])
		case opFMA, opFMS, opFNMA:
			// At most one operand can come from memory.
			n := 0
			for _, a := range o.args {
				if _, ok := isConst[a]; ok {
					n++
				}
			}
			if n > 1 {
				mark(o.args[0])
			}
		}
	}
	var out []string
	for _, c := range sortedConsts() {
		if need[c.name] {
			out = append(out, c.name)
		}
	}
	return out
}

// loop emits the loops over the n elements.
func (g *asmGen) loop(n Register) {
	s := g.s
	idx := GP64()
	g.idx = idx
	XORQ(idx, idx)
	lim := GP64()
	unroll := 2
	if g.k.Cheap {
		unroll = 4
	}
	reducing := g.k.Sums > 0 && !s.avx512
	step := func(vectors int) {
		for u := 0; u < vectors; u++ {
			disp := u * s.lanes * 4
			g.at = func(p Register) Mem { return Mem{Base: p, Index: idx, Scale: 4, Disp: disp} }
			g.elem = u * s.lanes
			g.half = 0
			if !s.avx512 {
				g.half = u % 2
			}
			g.body()
		}
		ADDQ(U32(vectors*s.lanes), idx)
	}
	// Main loop: unroll vectors per iteration.
	MOVQ(n, lim)
	SUBQ(U32(unroll*s.lanes), lim)
	Label("loopN")
	CMPQ(idx, lim)
	JG(LabelRef("loop1"))
	step(unroll)
	JMP(LabelRef("loopN"))

	// Then one step at a time: a vector, or (AVX2 with lane sums) the two
	// halves of 16 elements.
	single := 1
	if reducing {
		single = 2
	}
	Label("loop1")
	MOVQ(n, lim)
	SUBQ(U32(single*s.lanes), lim)
	Label("loop")
	CMPQ(idx, lim)
	JG(LabelRef("tail"))
	step(single)
	JMP(LabelRef("loop"))

	Label("tail")
	rem := GP64()
	MOVQ(n, rem)
	SUBQ(idx, rem)
	JZ(LabelRef("done"))
	tbl := GP64() // Go's assembler takes no index register on an SB operand
	g.tail = true
	switch {
	case s.avx512:
		LEAQ(tailMask16, tbl)
		g.kmask = K()
		KMOVW(Mem{Base: tbl, Index: rem, Scale: 2}, g.kmask)
		g.at = func(p Register) Mem { return Mem{Base: p, Index: idx, Scale: 4} }
		g.elem = 0
		g.half = 0
		g.body()
	default:
		// rem < 8 (or < 16 with lane sums): masks for lanes 0-7 (and 8-15)
		// from the 16-ones-then-16-zeros table.
		LEAQ(tailMask8, tbl)
		off := GP64()
		MOVQ(U32(16), off)
		SUBQ(rem, off)
		for h := 0; h < single; h++ {
			g.vmask = s.vec()
			VMOVDQU(Mem{Base: tbl, Index: off, Scale: 4, Disp: 32 * h}, g.vmask)
			disp := 32 * h
			g.at = func(p Register) Mem { return Mem{Base: p, Index: idx, Scale: 4, Disp: disp} }
			g.elem = 8 * h
			g.half = h
			g.body()
		}
	}
	g.tail = false
	Label("done")
}

func (g *asmGen) load(m Mem) Register {
	s := g.s
	v := s.vec()
	switch {
	case !g.tail:
		VMOVUPS(m, v)
	case s.avx512:
		VMOVUPS_Z(m, g.kmask, v)
	default:
		VMASKMOVPS(m, g.vmask, v)
	}
	return v
}

func (g *asmGen) store(v Register, m Mem) {
	s := g.s
	switch {
	case !g.tail:
		VMOVUPS(v, m)
	case s.avx512:
		VMOVUPS(v, g.kmask, m)
	default:
		VMASKMOVPS(v, g.vmask, m)
	}
}

// mem returns value id as an operand that may be a memory constant.
func (g *asmGen) mem(id int) Op {
	v := g.vals[id]
	if v.reg != nil {
		return v.reg
	}
	if v.mem != nil {
		return *v.mem
	}
	return constMem[v.cname]
}

// reg returns value id in a register (loading a constant if need be).
func (g *asmGen) reg(id int) Register {
	v := g.vals[id]
	if v.reg != nil {
		return v.reg
	}
	if r, ok := g.hoisted[v.cname]; ok && v.mem == nil {
		return r
	}
	r := g.s.vec()
	VMOVUPS(g.mem(id), r)
	return r
}

func (g *asmGen) isMem(id int) bool { return g.vals[id].reg == nil }

// dying reports whether value id is a register the body may overwrite at
// op i (its last use).
func (g *asmGen) dying(id, i int) bool {
	v := g.vals[id]
	return v.reg != nil && !v.fixed && g.last[id] == i
}

func (g *asmGen) set(id int, r Register) { g.vals[id] = value{reg: r} }

// copyOf returns a fresh register holding value id.
func (g *asmGen) copyOf(id int) Register {
	r := g.s.vec()
	if g.isMem(id) {
		VMOVUPS(g.mem(id), r)
	} else {
		VMOVAPS(g.reg(id), r)
	}
	return r
}

// body emits one copy of the kernel body for the current vector.
func (g *asmGen) body() {
	s := g.s
	g.vals = make([]value, len(g.b.kinds))
	for i, o := range g.b.ops {
		a := o.args
		switch o.code {
		case opLoad:
			g.set(o.dst, g.load(g.at(g.ptrs[o.name])))
		case opStore:
			g.store(g.reg(a[0]), g.at(g.ptrs[o.name]))
		case opParam:
			if m, ok := g.paramMem[o.name]; ok {
				g.vals[o.dst] = value{mem: &m}
			} else {
				g.vals[o.dst] = value{reg: g.params[o.name], fixed: true}
			}
		case opConst:
			if r, ok := g.hoisted[o.name]; ok {
				g.vals[o.dst] = value{reg: r, fixed: true}
			} else {
				g.vals[o.dst] = value{cname: o.name}
			}
		case opAdd, opMul, opAnd, opOr, opXor, opIAdd, opIMul:
			x, y := a[0], a[1]
			if g.isMem(x) {
				x, y = y, x
			}
			d := s.vec()
			commutative[o.code](g.mem(y), g.reg(x), d)
			g.set(o.dst, d)
		case opSub, opDiv, opISub:
			d := s.vec()
			ordered[o.code](g.mem(a[1]), g.reg(a[0]), d)
			g.set(o.dst, d)
		case opMin, opMax, opAndNot:
			// Intel: dst = op(src1 = a[1], src2 = a[0]); avo lists src2 first.
			d := s.vec()
			ordered[o.code](g.mem(a[0]), g.reg(a[1]), d)
			g.set(o.dst, d)
		case opIndex:
			// The first element's index (the loop counter plus this
			// copy's offset), broadcast, plus the lane numbers.
			t := GP64()
			LEAQ(Mem{Base: g.idx, Disp: g.elem}, t)
			x := XMM()
			VMOVQ(t, x) // not MOVQ: legacy SSE (see the parameters above)
			d := s.vec()
			VPBROADCASTD(x, d)
			VPADDD(constMem["laneIota"], d, d)
			g.set(o.dst, d)
		case opShl, opShra, opShr:
			d := s.vec()
			shifts[o.code](U8(o.imm), g.reg(a[0]), d)
			g.set(o.dst, d)
		case opFMA, opFMS, opFNMA:
			g.set(o.dst, g.fma(o.code, i, a[0], a[1], a[2]))
		case opCmp:
			var d Register
			if s.avx512 {
				d = K()
			} else {
				d = s.vec()
			}
			VCMPPS(U8(int(o.pred)), g.mem(a[1]), g.reg(a[0]), d)
			g.set(o.dst, d)
		case opSel:
			d := s.vec()
			if s.avx512 {
				VBLENDMPS(g.mem(a[1]), g.reg(a[2]), g.reg(a[0]), d)
			} else {
				VBLENDVPS(g.reg(a[0]), g.mem(a[1]), g.reg(a[2]), d)
			}
			g.set(o.dst, d)
		case opZeroUnless:
			d := s.vec()
			if s.avx512 {
				VMOVUPS_Z(g.mem(a[1]), g.reg(a[0]), d)
			} else {
				VANDPS(g.mem(a[1]), g.reg(a[0]), d)
			}
			g.set(o.dst, d)
		case opMAnd, opMOr, opMAndNot:
			var d Register
			if s.avx512 {
				d = K()
				map[code]func(a, b, c Op){opMAnd: KANDW, opMOr: KORW, opMAndNot: KANDNW}[o.code](g.reg(a[0]), g.reg(a[1]), d)
			} else {
				d = s.vec()
				map[code]func(...Op){opMAnd: VANDPS, opMOr: VORPS, opMAndNot: VANDNPS}[o.code](g.reg(a[0]), g.reg(a[1]), d)
			}
			g.set(o.dst, d)
		case opAcc, opAccFMA:
			g.accumulate(o, a)
		default:
			panic(fmt.Sprintf("op %d not implemented", o.code))
		}
	}
}

// accumulate adds a term into the current lane-sum register. In the tail
// only the active lanes change (merge masking, or a blend on AVX2), so the
// sums do not depend on what the body computes from the zeros loaded into
// masked-off lanes.
func (g *asmGen) accumulate(o op, a []int) {
	s := g.s
	acc := g.accReg(o.imm, g.half)
	if len(g.accMem[o.imm]) > 0 {
		defer VMOVUPS(acc, g.accMem[o.imm][g.half])
	}
	if o.code == opAcc {
		switch {
		case !g.tail:
			VADDPS(g.mem(a[0]), acc, acc)
		case s.avx512:
			VADDPS(g.mem(a[0]), acc, g.kmask, acc)
		default:
			t := s.vec()
			VANDPS(g.mem(a[0]), g.vmask, t)
			VADDPS(t, acc, acc)
		}
		return
	}
	x, y := a[0], a[1]
	if g.isMem(x) {
		x, y = y, x
	}
	switch {
	case !g.tail:
		VFMADD231PS(g.mem(y), g.reg(x), acc)
	case s.avx512:
		VFMADD231PS(g.mem(y), g.reg(x), g.kmask, acc)
	default:
		t := s.vec()
		VMOVAPS(acc, t)
		VFMADD231PS(g.mem(y), g.reg(x), t)
		VBLENDVPS(g.vmask, t, acc, acc)
	}
}

// accReg returns lane sum j's register for half h, loaded from its stack
// slot when it lives there (the caller stores it back).
func (g *asmGen) accReg(j, h int) Register {
	if len(g.accMem[j]) == 0 {
		return g.accs[j][h]
	}
	r := g.s.vec()
	VMOVUPS(g.accMem[j][h], r)
	return r
}

var commutative = map[code]func(...Op){opAdd: VADDPS, opMul: VMULPS, opAnd: VANDPS, opOr: VORPS, opXor: VXORPS, opIAdd: VPADDD, opIMul: VPMULLD}

var ordered = map[code]func(...Op){opSub: VSUBPS, opDiv: VDIVPS, opISub: VPSUBD, opMin: VMINPS, opMax: VMAXPS, opAndNot: VANDNPS}

var shifts = map[code]func(...Op){opShl: VPSLLD, opShra: VPSRAD, opShr: VPSRLD}

// fmaForms are the 132, 213 and 231 forms of each fused operation.
//
//	132: dst = dst*m + src2    213: dst = src2*dst + m    231: dst = src2*m + dst
//
// with the sign pattern of the operation (FMA: +p+c, FMS: +p-c, FNMA: -p+c).
var fmaForms = map[code][3]func(...Op){
	opFMA:  {VFMADD132PS, VFMADD213PS, VFMADD231PS},
	opFMS:  {VFMSUB132PS, VFMSUB213PS, VFMSUB231PS},
	opFNMA: {VFNMADD132PS, VFNMADD213PS, VFNMADD231PS},
}

// fma emits x*y op z at op i. Of the six ways to place the operands in the
// 132, 213 and 231 forms it takes the cheapest: the destination costs
// nothing when it is a register the body no longer needs after this op
// (else a copy or a load), the register source costs a load when it is a
// constant in memory, and the memory slot takes anything.
func (g *asmGen) fma(c code, i, x, y, z int) Register {
	f := fmaForms[c]
	type choice struct {
		form         int
		dst, src2, m int
	}
	choices := []choice{
		{0, x, z, y}, {0, y, z, x}, // 132: dst = dst*m + src2
		{1, x, y, z}, {1, y, x, z}, // 213: dst = src2*dst + m
		{2, z, x, y}, {2, z, y, x}, // 231: dst = src2*m + dst
	}
	cost := func(ch choice) int {
		n := 0
		if !g.dying(ch.dst, i) {
			n++
		}
		if g.isMem(ch.src2) {
			n++
		}
		return n
	}
	best := choices[0]
	for _, ch := range choices[1:] {
		if cost(ch) < cost(best) {
			best = ch
		}
	}
	var d Register
	if g.dying(best.dst, i) {
		d = g.reg(best.dst)
	} else {
		d = g.copyOf(best.dst)
	}
	f[best.form](g.mem(best.m), g.reg(best.src2), d)
	return d
}

// constBits returns the bits of a constant (for the tests of the generator).
func constBits(name string) uint32 { return constTable[name].bits }

var _ = math.Float32bits

// fits reports whether a body, with fixed registers held across the loop
// (parameters, lane sums, hoisted constants), leaves room in this ISA's
// vector registers (16 for AVX2, 32 for AVX-512): the most values the body
// keeps live at once, plus the fixed ones, plus two for the loads and copies
// the instructions need.
func (s *isa) fits(b *B, fixed int) bool { return fitsIn(b, fixed, s.regs()) }

// regs is the number of vector registers.
func (s *isa) regs() int {
	if s.avx512 {
		return 32
	}
	return 16
}

func fitsIn(b *B, fixed, regs int) bool {
	last := b.lastUse()
	inReg := func(id int) bool {
		for _, o := range b.ops {
			if o.dst == id {
				return o.code != opConst && o.code != opParam
			}
		}
		return false
	}
	live, most := 0, 0
	for i, o := range b.ops {
		if o.dst >= 0 && inReg(o.dst) && last[o.dst] > i {
			live++
		}
		most = max(most, live)
		seen := map[int]bool{}
		for _, a := range o.args {
			if last[a] == i && inReg(a) && !seen[a] {
				live--
			}
			seen[a] = true
		}
	}
	return most+fixed+2 <= regs
}

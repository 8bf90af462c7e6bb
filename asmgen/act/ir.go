package main

import "fmt"

// The kernels are written once, as straight-line code for one vector of
// elements, in a small intermediate representation (IR): every operation is
// a float32 lane operation with one exactly defined result (IEEE-754 single
// precision, round to nearest even, FMA rounded once). Three backends turn
// the same IR into code: AVX-512 and AVX2 assembly (avo.go) and a scalar Go
// loop (gogen.go) that emulates each operation bit for bit, so that every
// path computes the same float32 results in the same order.

// kind is the type of an IR value.
type kind uint8

const (
	kindF kind = iota // a float32 lane (also used for int32 bit patterns)
	kindM             // a lane mask: all ones or all zeros
)

// code is an IR operation.
type code uint8

const (
	opLoad       code = iota // load slice[i]
	opStore                  // slice[i] = a
	opParam                  // a scalar float32 argument, broadcast
	opConst                  // a named constant (see consts.go)
	opAdd                    // a + b
	opSub                    // a - b
	opMul                    // a * b
	opDiv                    // a / b
	opFMA                    // a*b + c, rounded once
	opFMS                    // a*b - c, rounded once
	opFNMA                   // c - a*b, rounded once
	opMin                    // b < a ? b : a (VMINPS with a as the NaN-propagating operand)
	opMax                    // b > a ? b : a (VMAXPS likewise)
	opAnd                    // bitwise a & b
	opOr                     // bitwise a | b
	opXor                    // bitwise a ^ b
	opAndNot                 // bitwise a &^ b
	opShl                    // int32 lanes: a << imm
	opShra                   // int32 lanes: a >> imm, arithmetic
	opShr                    // uint32 lanes: a >> imm, logical
	opIMul                   // uint32 lanes: a*b mod 2^32
	opIndex                  // uint32 lanes: the element's index in the call
	opIAdd                   // int32 lanes: a + b
	opISub                   // int32 lanes: a - b
	opCmp                    // mask: a pred b
	opSel                    // m ? a : b
	opZeroUnless             // m ? a : +0
	opMAnd                   // mask m1 & m2
	opMOr                    // mask m1 | m2
	opMAndNot                // mask m1 &^ m2
	opAcc                    // sums[j] += a
	opAccFMA                 // sums[j] = a*b + sums[j], rounded once
)

// pred is a comparison predicate, with its VCMPPS immediate.
type pred uint8

const (
	predEQ    pred = 0x00 // ordered, a == b
	predLT    pred = 0x11 // ordered, a < b
	predLE    pred = 0x12 // ordered, a <= b
	predUnord pred = 0x03 // a or b is NaN
	predNEQ   pred = 0x04 // unordered, !(a == b)
	predGE    pred = 0x1d // ordered, a >= b
	predGT    pred = 0x1e // ordered, a > b
)

// V is an IR value.
type V struct {
	id int
	b  *B
}

type op struct {
	code code
	args []int // value ids
	dst  int   // value id, or -1
	imm  int   // shift count, sum index
	pred pred
	name string // slice, parameter or constant name
}

// B builds the IR of one kernel body.
type B struct {
	ops   []op
	kinds []kind
	k     *Kernel
}

func (b *B) newVal(k kind) int {
	b.kinds = append(b.kinds, k)
	return len(b.kinds) - 1
}

func (b *B) emit(c code, k kind, args ...V) V {
	o := op{code: c, dst: -1}
	for _, a := range args {
		if a.b != b {
			panic("value from another kernel")
		}
		o.args = append(o.args, a.id)
	}
	var v V
	if c != opStore && c != opAcc && c != opAccFMA {
		o.dst = b.newVal(k)
		v = V{o.dst, b}
	}
	b.ops = append(b.ops, o)
	return v
}

func (b *B) check(k kind, vs ...V) {
	for _, v := range vs {
		if b.kinds[v.id] != k {
			panic(fmt.Sprintf("%s: value %d has the wrong kind", b.k.Name, v.id))
		}
	}
}

func (b *B) last() *op { return &b.ops[len(b.ops)-1] }

// Load reads the current element of slice name.
func (b *B) Load(name string) V {
	b.k.slice(name)
	v := b.emit(opLoad, kindF)
	b.last().name = name
	return v
}

// Store writes v to the current element of slice name.
func (b *B) Store(name string, v V) {
	b.k.slice(name)
	b.check(kindF, v)
	b.emit(opStore, kindF, v)
	b.last().name = name
}

// Param is the scalar argument name.
func (b *B) Param(name string) V {
	found := false
	for _, p := range b.k.Params {
		found = found || p == name
	}
	if !found {
		panic(b.k.Name + ": undeclared parameter " + name)
	}
	v := b.emit(opParam, kindF)
	b.last().name = name
	return v
}

// C is the named constant (consts.go).
func (b *B) C(name string) V {
	if _, ok := constTable[name]; !ok {
		panic(b.k.Name + ": undefined constant " + name)
	}
	v := b.emit(opConst, kindF)
	b.last().name = name
	return v
}

func (b *B) bin(c code, x, y V) V { b.check(kindF, x, y); return b.emit(c, kindF, x, y) }

func (b *B) Add(x, y V) V    { return b.bin(opAdd, x, y) }
func (b *B) Sub(x, y V) V    { return b.bin(opSub, x, y) }
func (b *B) Mul(x, y V) V    { return b.bin(opMul, x, y) }
func (b *B) Div(x, y V) V    { return b.bin(opDiv, x, y) }
func (b *B) And(x, y V) V    { return b.bin(opAnd, x, y) }
func (b *B) Or(x, y V) V     { return b.bin(opOr, x, y) }
func (b *B) Xor(x, y V) V    { return b.bin(opXor, x, y) }
func (b *B) AndNot(x, y V) V { return b.bin(opAndNot, x, y) }
func (b *B) IAdd(x, y V) V   { return b.bin(opIAdd, x, y) }
func (b *B) ISub(x, y V) V   { return b.bin(opISub, x, y) }

// Min returns y if y < x, else x: a NaN in x (not in y) propagates.
func (b *B) Min(x, y V) V { return b.bin(opMin, x, y) }

// Max returns y if y > x, else x: a NaN in x (not in y) propagates.
func (b *B) Max(x, y V) V { return b.bin(opMax, x, y) }

func (b *B) tern(c code, x, y, z V) V { b.check(kindF, x, y, z); return b.emit(c, kindF, x, y, z) }

// FMA is x*y + z rounded once.
func (b *B) FMA(x, y, z V) V { return b.tern(opFMA, x, y, z) }

// FMS is x*y - z rounded once.
func (b *B) FMS(x, y, z V) V { return b.tern(opFMS, x, y, z) }

// FNMA is z - x*y rounded once.
func (b *B) FNMA(x, y, z V) V { return b.tern(opFNMA, x, y, z) }

func (b *B) Shl(x V, n int) V {
	b.check(kindF, x)
	v := b.emit(opShl, kindF, x)
	b.last().imm = n
	return v
}

func (b *B) Shra(x V, n int) V {
	b.check(kindF, x)
	v := b.emit(opShra, kindF, x)
	b.last().imm = n
	return v
}

// Shr is x >> n, logical, on uint32 lanes.
func (b *B) Shr(x V, n int) V {
	b.check(kindF, x)
	v := b.emit(opShr, kindF, x)
	b.last().imm = n
	return v
}

// IMul is x*y modulo 2^32 on uint32 lanes.
func (b *B) IMul(x, y V) V { return b.bin(opIMul, x, y) }

// Index is the index of the current element in the kernel's slices, as
// uint32 lanes (for counter-based random numbers).
func (b *B) Index() V { return b.emit(opIndex, kindF) }

// Cmp is the lane mask of x p y.
func (b *B) Cmp(p pred, x, y V) V {
	b.check(kindF, x, y)
	v := b.emit(opCmp, kindM, x, y)
	b.last().pred = p
	return v
}

func (b *B) IsNaN(x V) V { return b.Cmp(predUnord, x, x) }

// Sel is m ? x : y.
func (b *B) Sel(m, x, y V) V {
	b.check(kindM, m)
	b.check(kindF, x, y)
	return b.emit(opSel, kindF, m, x, y)
}

// ZeroUnless is m ? x : +0.
func (b *B) ZeroUnless(m, x V) V {
	b.check(kindM, m)
	b.check(kindF, x)
	return b.emit(opZeroUnless, kindF, m, x)
}

func (b *B) MAnd(m1, m2 V) V    { b.check(kindM, m1, m2); return b.emit(opMAnd, kindM, m1, m2) }
func (b *B) MOr(m1, m2 V) V     { b.check(kindM, m1, m2); return b.emit(opMOr, kindM, m1, m2) }
func (b *B) MAndNot(m1, m2 V) V { b.check(kindM, m1, m2); return b.emit(opMAndNot, kindM, m1, m2) }

// Acc adds x to lane sum j.
func (b *B) Acc(j int, x V) {
	b.checkSum(j)
	b.check(kindF, x)
	b.emit(opAcc, kindF, x)
	b.last().imm = j
}

// AccFMA adds x*y to lane sum j, rounded once.
func (b *B) AccFMA(j int, x, y V) {
	b.checkSum(j)
	b.check(kindF, x, y)
	b.emit(opAccFMA, kindF, x, y)
	b.last().imm = j
}

func (b *B) checkSum(j int) {
	if j < 0 || j >= b.k.Sums {
		panic(fmt.Sprintf("%s: sum %d out of range (Sums = %d)", b.k.Name, j, b.k.Sums))
	}
}

// Kernel describes one generated kernel: func name<Suffix>(slices...,
// params... float32[, sums []float32]). The first slice sets the element
// count; the others must be at least as long (the Go wrappers check equal
// lengths). With Sums > 0 the kernel accumulates Sums lane sums: element i
// adds into lane i%16 of each sum, in order of i, and the kernel stores the
// 16 lanes of sum j at sums[16*j:16*j+16] (it does not read them first).
type Kernel struct {
	Name   string
	Doc    string
	Slices []string
	Params []string
	Sums   int
	// Cheap kernels (a few instructions per vector) unroll more so that
	// the loop's own compare/add/jump does not dominate.
	Cheap bool
	// Spill keeps the constants and parameters in memory on AVX-512 too: for
	// bodies whose live values leave avo's greedy allocator too few of the
	// 32 registers to hold them as well (ErfAct's exp then erf).
	Spill bool
	Body  func(b *B)

	built *B
}

func (k *Kernel) slice(name string) {
	for _, s := range k.Slices {
		if s == name {
			return
		}
	}
	panic(k.Name + ": undeclared slice " + name)
}

// build runs Body once and caches the IR.
func (k *Kernel) build() *B {
	if k.built == nil {
		b := &B{k: k}
		k.Body(b)
		b.eliminateDeadCode()
		k.built = b
	}
	return k.built
}

// lastUse returns, per value id, the index of the last op that reads it.
func (b *B) lastUse() []int {
	last := make([]int, len(b.kinds))
	for i := range last {
		last[i] = -1
	}
	for i, o := range b.ops {
		for _, a := range o.args {
			last[a] = i
		}
	}
	return last
}

// eliminateDeadCode drops the operations whose results nothing uses (the
// helpers compute pieces some kernels do not need).
func (b *B) eliminateDeadCode() {
	for {
		used := make([]bool, len(b.kinds))
		for _, o := range b.ops {
			for _, a := range o.args {
				used[a] = true
			}
		}
		kept := b.ops[:0]
		for _, o := range b.ops {
			if o.dst < 0 || used[o.dst] {
				kept = append(kept, o)
			}
		}
		if len(kept) == len(b.ops) {
			return
		}
		b.ops = kept
	}
}

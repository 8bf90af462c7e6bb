// Command optim generates the AVX-512 and AVX2 optimiser-update kernels of
// github.com/actbench/actbench/kernels/optim with avo.
//
// Run it through go generate in that package (see its gen.go). The kernels
// take n, a multiple of the vector width (the Go wrapper updates the rest),
// and compute, per element, the package's pure-Go expressions operation by
// operation in the same order (no FMA; VSQRTPS is the correctly rounded
// square root that float32(math.Sqrt(float64(x))) also is), so every path
// gives the same bits. In avo's operand order VOP(b, a, dst) computes
// dst = a OP b: the left operand of the Go expression is always a. (The
// gradient parameter is grad: g is a register name in Go assembly.)
package main

import (
	"github.com/actbench/actbench/asmgen/internal/vex"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// isa is one vector width: its register constructor and lanes.
type isa struct {
	suffix string
	vec    func() VecVirtual
	lanes  int
}

var (
	avx512 = isa{"AVX512", ZMM, 16}
	avx2   = isa{"AVX2", YMM, 8}
)

func main() {
	ConstraintExpr("!purego")
	for _, s := range []isa{avx512, avx2} {
		adam(s)
		sgd(s)
	}
	Generate()
	vex.Check("AVX2")
}

func ld(name string) GPVirtual {
	r := GP64()
	Load(Param(name), r)
	return r
}

func broadcast(s isa, name string) VecVirtual {
	b, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	z := s.vec()
	VBROADCASTSS(b.Addr, z)
	return z
}

func load(s isa, p GPVirtual) VecVirtual {
	z := s.vec()
	VMOVUPS(Mem{Base: p}, z)
	return z
}

func mul(s isa, a, b VecVirtual) VecVirtual { z := s.vec(); VMULPS(b, a, z); return z }
func add(s isa, a, b VecVirtual) VecVirtual { z := s.vec(); VADDPS(b, a, z); return z }
func sub(s isa, a, b VecVirtual) VecVirtual { z := s.vec(); VSUBPS(b, a, z); return z }
func div(s isa, a, b VecVirtual) VecVirtual { z := s.vec(); VDIVPS(b, a, z); return z }

// loop runs body once per vector of the n elements, then advances ptrs by
// one vector.
func loop(s isa, prefix string, n GPVirtual, ptrs []GPVirtual, body func()) {
	Label(prefix + "loop")
	CMPQ(n, Imm(0))
	JLE(LabelRef(prefix + "done"))
	body()
	for _, p := range ptrs {
		ADDQ(U32(4*s.lanes), p)
	}
	SUBQ(U32(s.lanes), n)
	JMP(LabelRef(prefix + "loop"))
	Label(prefix + "done")
}

func adam(s isa) {
	TEXT("adam"+s.suffix, NOSPLIT, "func(w, grad, m, v *float32, n int, wd, c1, b2, c2, eps, stepSize, bc2sqrt float32)")
	Doc("adam" + s.suffix + " applies the Adam update to n elements, a multiple of the vector width (see Adam; c1 = 1-b1, c2 = 1-b2).")
	w, g, m, v, n := ld("w"), ld("grad"), ld("m"), ld("v"), ld("n")
	wd, c1, b2, c2 := broadcast(s, "wd"), broadcast(s, "c1"), broadcast(s, "b2"), broadcast(s, "c2")
	eps, step, bc2 := broadcast(s, "eps"), broadcast(s, "stepSize"), broadcast(s, "bc2sqrt")
	loop(s, "", n, []GPVirtual{w, g, m, v}, func() {
		W, G, M, V := load(s, w), load(s, g), load(s, m), load(s, v)
		d := add(s, G, mul(s, wd, W))                         // d = g + wd*w
		M2 := add(s, M, mul(s, c1, sub(s, d, M)))             // m + c1*(d - m)
		V2 := add(s, mul(s, b2, V), mul(s, mul(s, c2, d), d)) // b2*v + c2*d*d
		VMOVUPS(M2, Mem{Base: m})
		VMOVUPS(V2, Mem{Base: v})
		sq := s.vec()
		VSQRTPS(V2, sq)
		den := add(s, div(s, sq, bc2), eps)            // sqrt(v)/bc2sqrt + eps
		W2 := sub(s, W, div(s, mul(s, step, M2), den)) // w - stepSize*m/den
		VMOVUPS(W2, Mem{Base: w})
	})
	VZEROUPPER()
	RET()
}

func sgd(s isa) {
	TEXT("sgd"+s.suffix, NOSPLIT, "func(w, grad, buf *float32, n int, wd, mu, lr float32, nesterov bool)")
	Doc("sgd" + s.suffix + " applies the SGD update with momentum to n elements, a multiple of the vector width (see SGD).")
	w, g, buf, n := ld("w"), ld("grad"), ld("buf"), ld("n")
	wd, mu, lr := broadcast(s, "wd"), broadcast(s, "mu"), broadcast(s, "lr")
	nest := GP8()
	Load(Param("nesterov"), nest)
	CMPB(nest, Imm(0))
	JNE(LabelRef("nloop"))
	for _, nesterov := range []bool{false, true} {
		prefix := ""
		if nesterov {
			prefix = "n"
		}
		loop(s, prefix, n, []GPVirtual{w, g, buf}, func() {
			W, G, B := load(s, w), load(s, g), load(s, buf)
			d := add(s, G, mul(s, wd, W)) // d = g + wd*w
			b := add(s, mul(s, mu, B), d) // mu*buf + d
			VMOVUPS(b, Mem{Base: buf})
			if nesterov {
				d = add(s, d, mul(s, mu, b)) // d + mu*b
			} else {
				d = b
			}
			VMOVUPS(sub(s, W, mul(s, lr, d)), Mem{Base: w}) // w - lr*d
		})
		VZEROUPPER()
		RET()
	}
}

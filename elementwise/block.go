package elementwise

// The kernels built on internal/fmath evaluate in float64. Converting each
// float32 element to float64 inside the main loop (CVTSS2SD) writes only the
// low half of an XMM register, so every element waits for the previous
// element's whole computation to finish with that register: a false
// loop-carried dependency that serialises the loop (measured: sigmoid 22
// ns/element in one loop, 6 ns in blocks). So these kernels work block by
// block: LoadBlock converts up to BlockLen elements into a float64 array on
// the kernel's stack, the kernel computes on that array (float64 loads carry
// no such dependency), and StoreBlock converts the results back:
//
//	var v Block
//	for off := 0; off < len(x); off += BlockLen {
//		n := LoadBlock(&v, x, off)
//		for i, t := range v[:n] {
//			v[i] = f(t)
//		}
//		StoreBlock(y, &v, off, n)
//	}
//
// Reading a whole Block before writing it keeps y = x (and dx = dy) aliasing
// safe.

// BlockLen is the number of elements per block (2 KiB of float64).
const BlockLen = 256

// Block holds one block of float64 working values.
type Block = [BlockLen]float64

// LoadBlock converts x[off:off+n] into v[:n], n = min(BlockLen, len(x)-off),
// and returns n.
func LoadBlock(v *Block, x []float32, off int) int {
	xs := x[off:min(off+BlockLen, len(x))]
	for i, t := range xs {
		v[i] = float64(t)
	}
	return len(xs)
}

// StoreBlock converts v[:n] into y[off:off+n].
func StoreBlock(y []float32, v *Block, off, n int) {
	ys := y[off : off+n]
	for i := range ys {
		ys[i] = float32(v[i])
	}
}

package activations

// The kernels built on internal/fmath evaluate in float64. Converting each
// float32 element to float64 inside the main loop (CVTSS2SD) writes only the
// low half of an XMM register, so every element waits for the previous
// element's whole computation to finish with that register: a false
// loop-carried dependency that serialises the loop (measured: sigmoid 22
// ns/element in one loop, 6 ns in blocks). So these kernels work block by
// block: loadBlock converts up to blockLen elements into a float64 array on
// the kernel's stack, the kernel computes on that array (float64 loads carry
// no such dependency), and storeBlock converts the results back:
//
//	var v block
//	for off := 0; off < len(x); off += blockLen {
//		n := loadBlock(&v, x, off)
//		for i, t := range v[:n] {
//			v[i] = f(t)
//		}
//		storeBlock(y, &v, off, n)
//	}
//
// Reading a whole block before writing it keeps y = x (and dx = dy) aliasing
// safe.

// blockLen is the number of elements per block (2 KiB of float64).
const blockLen = 256

// block holds one block of float64 working values.
type block = [blockLen]float64

// loadBlock converts x[off:off+n] into v[:n], n = min(blockLen, len(x)-off),
// and returns n.
func loadBlock(v *block, x []float32, off int) int {
	xs := x[off:min(off+blockLen, len(x))]
	for i, t := range xs {
		v[i] = float64(t)
	}
	return len(xs)
}

// storeBlock converts v[:n] into y[off:off+n].
func storeBlock(y []float32, v *block, off, n int) {
	ys := y[off : off+n]
	for i := range ys {
		ys[i] = float32(v[i])
	}
}

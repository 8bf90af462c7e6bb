package act

import "math"

// RReLU sets y[i] = x[i] > 0 ? x[i] : a_i*x[i], the training-mode
// randomized leaky ReLU, with a_i = lo + w*u_i and u_i uniform in [0, 1)
// (23 bits) hashed from seed and i, the element's index in x (two rounds of
// a 32-bit integer hash keyed by the seed's halves, see seedBits): the same seed
// gives the same slopes on every path, and RReLUBackward recomputes them.
func RReLU(y, x []float32, lo, w float32, seed uint64) {
	check2("RReLU", y, x)
	sl, sh := seedBits(seed)
	current().rrelu(y, x, lo, w, sl, sh)
}

// RReLUBackward sets dx[i] = dy[i]*(x[i] > 0 ? 1 : a_i), a_i as in RReLU.
func RReLUBackward(dx, dy, x []float32, lo, w float32, seed uint64) {
	check3("RReLUBackward", dx, dy, x)
	sl, sh := seedBits(seed)
	current().rreluBackward(dx, dy, x, lo, w, sl, sh)
}

// seedBits returns the two 32-bit keys of the hash, as float32 bit patterns
// (the kernels take float32 parameters; they only move these bits): the
// halves of the seed's SplitMix64 finaliser, so that nearby seeds (step
// after step) give unrelated keys, not draws shifted by an element.
func seedBits(seed uint64) (lo, hi float32) {
	z := (seed ^ seed>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	return math.Float32frombits(uint32(z)), math.Float32frombits(uint32(z >> 32))
}

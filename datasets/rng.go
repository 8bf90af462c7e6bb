package datasets

import "math/bits"

// The package's own generator (SplitMix64) keeps every seeded result
// identical across Go releases, which math/rand does not promise for its
// derived operations (Shuffle, IntN).

const golden64 = 0x9e3779b97f4a7c15

func mix64(x uint64) uint64 {
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hashKeys maps a tuple of keys to a well-mixed 64-bit value.
func hashKeys(a, b, c uint64) uint64 {
	h := mix64(a + golden64)
	h = mix64(h ^ (b + 0x632be59bd9b4e019))
	return mix64(h ^ (c + 0x85157af5e2b5a3d1))
}

// Stream tags keep the generators of different uses independent for one seed.
const (
	streamSubset     = 0x5375627365740001 // Subset
	streamValidation = 0x56616c6964000002 // SplitValidation
	streamShuffle    = 0x5368756666000003 // Batcher order
	streamAugment    = 0x4175676d65000004 // Batcher crop and flip
)

type splitMix struct{ state uint64 }

func newSplitMix(seed, stream, sub uint64) splitMix {
	return splitMix{state: hashKeys(seed, stream, sub)}
}

func (r *splitMix) next() uint64 {
	r.state += golden64
	return mix64(r.state)
}

// intn returns a uniform integer in [0, n) for n > 0 (Lemire's method).
func (r *splitMix) intn(n int) int {
	un := uint64(n)
	hi, lo := bits.Mul64(r.next(), un)
	if lo < un {
		threshold := -un % un
		for lo < threshold {
			hi, lo = bits.Mul64(r.next(), un)
		}
	}
	return int(hi)
}

// shuffle permutes p uniformly (Fisher-Yates).
func (r *splitMix) shuffle(p []int32) {
	for i := len(p) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
}

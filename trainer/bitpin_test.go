package trainer

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"testing"

	"github.com/actbench/actbench/kernels/gemm"
)

// pinnedSteps are training runs whose parameters after a few steps are
// pinned by hash: the values main's code gave before the training step's
// serial sections (optimiser, weight transforms, gradient reductions) were
// parallelised. Splitting that work must not change a bit, at any thread
// count, on any kernel path (the SIMD kernels and their pure-Go twins do
// the same float32 operations in the same order). A change that is meant to
// change the numbers must say so and update the hashes.
var pinnedSteps = []struct {
	model, act string
	in         []int
	batch      int
	steps      int
	opt        Config
	// The parameters' hash at 1, 2 and 3 threads on the SIMD GEMMs (avx512
	// and avx2 agree bit for bit) and on gonum's (ACTBENCH_SIMD=off).
	simd, gonum [3]uint64
}{
	{"resnet20", "relu", []int{3, 32, 32}, 8, 2, Config{Optimizer: "adam"},
		[3]uint64{0x7fa1eede9d3d2a58, 0xfa61475289bf8a74, 0x7a5626482f9652e0}, [3]uint64{0x8e3cee325578810f, 0xfca7a2f9b874871e, 0x70b19f4d22145f3f}},
	{"resnet20", "gelu", []int{3, 16, 16}, 6, 2, Config{Optimizer: "sgd", Momentum: 0.9, Nesterov: true, WeightDecay: 5e-4},
		[3]uint64{0x103051b28813a35a, 0xe74385696d7649b0, 0xa01e8ced2779a26}, [3]uint64{0x8b06eb29d53c8609, 0x369b5a85e5030e00, 0x8fdc134a157376c9}},
	{"vgg11", "relu", []int{3, 32, 32}, 6, 2, Config{Optimizer: "adamw", WeightDecay: 0.05},
		[3]uint64{0x3ed210c7a2b37197, 0xc818fc4d840e3764, 0xd9c011db75edc772}, [3]uint64{0xc4ff7bccce84b1e8, 0x6b60650b10ef35c7, 0x911b7109a5f26e91}},
	{"vgg11", "gelu", []int{3, 32, 32}, 5, 1, Config{Optimizer: "adam", WeightDecay: 5e-4},
		[3]uint64{0xbeb78e26d4aa4e8, 0x9dd9a20814876224, 0x1f667028567433b}, [3]uint64{0x41fd614d85e3aa62, 0x4e31ed25c1f14ae9, 0xda50f6be3690a79f}},
}

// paramHash is FNV-1a over the bits of every parameter and buffer, in order.
func paramHash(s *stepper) uint64 {
	h := fnv.New64a()
	var b [4]byte
	for _, p := range s.m.Params() {
		for _, v := range p.Value.Float32s() {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			h.Write(b[:])
		}
	}
	return h.Sum64()
}

// TestPinnedTrainingSteps: the pinned runs give their hashes.
func TestPinnedTrainingSteps(t *testing.T) {
	old := gemm.Threads()
	defer gemm.SetThreads(old)
	for _, tc := range pinnedSteps {
		for _, th := range []int{1, 2, 3} {
			gemm.SetThreads(th)
			s := newStepperOpt(t, tc.model, tc.act, tc.batch, tc.in, 10, tc.opt)
			for range tc.steps {
				if l := s.step(); math.IsNaN(l) {
					t.Fatalf("%s/%s: NaN loss", tc.model, tc.act)
				}
			}
			want := tc.simd[th-1]
			switch gemm.Backend() {
			case "gonum":
				want = tc.gonum[th-1]
			case "avx512", "avx2":
			default:
				t.Skipf("no hashes pinned for GEMM backend %s", gemm.Backend())
			}
			if got := paramHash(s); got != want {
				t.Errorf("%s/%s %v batch %d, %s, %d threads: parameters hash to %#x after %d steps, pinned %#x",
					tc.model, tc.act, tc.in, tc.batch, tc.opt.Optimizer, th, got, tc.steps, want)
			}
		}
	}
}
